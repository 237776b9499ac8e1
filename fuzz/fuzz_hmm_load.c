/*
 * fuzz_hmm_load.c - libFuzzer target: arbitrary bytes as a tagger model
 * (.prob).  Refused or accepted, never a crash; an accepted model tags a
 * fixed stream.
 */
#include <stdint.h>
#include <string.h>

#include "tagger/hmm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  hmm_model *m = NULL;
  pl_err e;
  if (hmm_load_buffer(&m, (const char *)data, size, "fuzz", &e)) return 0;
  static const char s[] = "^The/The<det><def><sp>$ ^can/can<vaux><pres>/can<n><sg>$ ^x/*x$ ^a/b<n>+c<v>$^./.<sent>$[]\0^d$";
  for (int z = 0; z < 2; z++) {
    hmm_opts o = {z, z, 0, z};
    pl_in in;
    pl_out out;
    pl_in_init_mem(&in, s, sizeof s - 1);
    pl_out_init_mem(&out);
    hmm_run(m, &o, &in, &out, &e);
    pl_out_fini(&out);
  }
  hmm_free(m);
  return 0;
}
