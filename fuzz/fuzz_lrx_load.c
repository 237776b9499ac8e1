/*
 * fuzz_lrx_load.c - libFuzzer target: arbitrary bytes as a lexical-selection
 * rule file (.autolex.bin).  Refused or accepted, never a crash; an
 * accepted file runs over a fixed stream, with and without -z.
 */
#include <stdint.h>
#include <string.h>

#include "lrx/lrx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  lrx *x = NULL;
  pl_err e;
  if (lrx_load_buffer(&x, (const char *)data, size, "fuzz", &e)) return 0;
  static const char s[] =
      "^bank<n><sg>/banco<n><m><sg>/orilla<n><f><sg>$ ^of<pr>/de<pr>$ ^the<det><def><sp>/el<det><def><GD><ND>$ "
      "^River<n><sg>/r\xc3\xado<n><m><sg>/a/b$ ^*x/*x$ ^a\\/b<$>/c<ANY_TAG>/d<select>$\0^$ ^/$ ^x<n<y/z<n>/q$[]\0";
  for (int z = 0; z < 2; z++) {
    lrx_opts o = {z, NULL, NULL};
    pl_in in;
    pl_out out;
    pl_in_init_mem(&in, s, sizeof s - 1);
    pl_out_init_mem(&out);
    lrx_run(x, &o, &in, &out, &e);
    pl_out_fini(&out);
  }
  lrx_free(x);
  return 0;
}
