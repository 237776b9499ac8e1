/*
 * fuzz_fst_load.c - libFuzzer target: arbitrary bytes as an lttoolbox file.
 * The loader must refuse or accept without crashing; an accepted file is
 * then run in every lt-proc mode over a fixed stream, which must finish
 * without crashing or hanging (the State engine caps its size).
 */
#include <stdint.h>
#include <string.h>

#include "fst/fst.h"

static const char stream[] =
    "^a<n><sg>$ ab c[x] ^*d$ ^@e<n>$ ~f g\\^h ^=i$\0^j$ k";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fst *f = NULL;
  pl_err e;
  pl_err_clear(&e);
  if (fst_load_buffer(&f, (const char *)data, size, "fuzz", &e)) return 0;
  static const fst_mode modes[] = {FST_MODE_ANALYSIS, FST_MODE_GENERATION, FST_MODE_BILINGUAL,
                                   FST_MODE_POSTGEN, FST_MODE_TRANSLIT};
  for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
    for (int z = 0; z < 2; z++) {
      fst_opts o;
      memset(&o, 0, sizeof o);
      o.mode = modes[m];
      o.null_flush = z;
      o.decompose = (m == 0 && z);
      fst_proc *p = NULL;
      if (fst_proc_create(&p, f, &o, &e)) continue;
      pl_in in;
      pl_out out;
      pl_in_init_mem(&in, stream, sizeof stream - 1);
      pl_out_init_mem(&out);
      fst_proc_run(p, &in, &out, &e);
      pl_out_fini(&out);
      fst_proc_free(p);
    }
  }
  fst_free(f);
  return 0;
}
