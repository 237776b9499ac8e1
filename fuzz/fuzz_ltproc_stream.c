/*
 * fuzz_ltproc_stream.c - libFuzzer target: arbitrary bytes as the input
 * stream of lt-proc in every mode, over a real Debian transducer
 * ($PARLEY_FUZZ_FST, default eng-spa's post-generator, small enough to keep
 * the fuzzer fast).  The first byte picks the mode and flags.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fst/fst.h"

static fst *F;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  pl_err e;
  if (!F) {
    const char *path = getenv("PARLEY_FUZZ_FST");
    if (!path) path = "/usr/share/apertium/apertium-eng-spa/eng-spa.autopgen.bin";
    if (fst_load_file(&F, path, &e)) abort(); /* the set-up itself is broken */
  }
  if (size < 1) return 0;
  fst_opts o;
  memset(&o, 0, sizeof o);
  static const fst_mode modes[] = {FST_MODE_ANALYSIS, FST_MODE_GENERATION, FST_MODE_BILINGUAL,
                                   FST_MODE_POSTGEN, FST_MODE_TRANSLIT};
  o.mode = modes[data[0] % 5];
  o.null_flush = (data[0] >> 3) & 1;
  o.case_sensitive = (data[0] >> 4) & 1;
  o.dictionary_case = (data[0] >> 5) & 1;
  o.gm = (fst_genmode)((data[0] >> 6) & 3);
  fst_proc *p = NULL;
  if (fst_proc_create(&p, F, &o, &e)) return 0;
  pl_in in;
  pl_out out;
  pl_in_init_mem(&in, (const char *)data + 1, size - 1);
  pl_out_init_mem(&out);
  fst_proc_run(p, &in, &out, &e);
  pl_out_fini(&out);
  fst_proc_free(p);
  return 0;
}
