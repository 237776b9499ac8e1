/*
 * fuzz_stages.c - libFuzzer target for the stream readers of the stages
 * that have no target of their own: apertium-tagger (eng-spa's model),
 * lrx-proc (eng-spa's rules), apertium-pretransfer, apertium-destxt,
 * apertium-retxt and the two word-bound-blank stages.  Byte 0 picks the
 * stage and its flags; the rest is its input.  Data files are loaded once.
 * Never a crash, never a hang.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "format/format.h"
#include "lrx/lrx.h"
#include "pretransfer/pretransfer.h"
#include "tagger/hmm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DIR "/usr/share/apertium/apertium-eng-spa/"
static hmm_model *M;
static lrx *X;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  pl_err e;
  if (!M && (hmm_load_file(&M, DIR "eng-spa.prob", &e) || lrx_load_file(&X, DIR "eng-spa.autolex.bin", &e)))
    abort(); /* the set-up itself is broken */
  if (size < 1) return 0;
  unsigned b = data[0], z = (b >> 3) & 1, f1 = (b >> 4) & 1, f2 = (b >> 5) & 1, f3 = (b >> 6) & 1;
  pl_in in;
  pl_out out;
  pl_in_init_mem(&in, (const char *)data + 1, size - 1);
  pl_out_init_mem(&out);
  switch (b % 7) {
  case 0: {
    hmm_opts o = {f1, f2, f3, (int)z};
    hmm_run(M, &o, &in, &out, &e);
    break;
  }
  case 1: {
    lrx_opts o = {(int)z, NULL, NULL};
    lrx_run(X, &o, &in, &out, &e);
    break;
  }
  case 2: {
    ptx_opts o = {(int)z, f1, f2};
    ptx_run(&in, &out, &o, &e);
    break;
  }
  case 3:
  case 4: {
    fmt_txt_opts o;
    memset(&o, 0, sizeof o);
    o.no_dot = f1;
    o.eos_incond = f2;
    o.mark_heading = f3;
    o.null_flush = (int)z;
    if (b % 7 == 3) fmt_destxt(&in, &out, &o, &e);
    else fmt_retxt(&in, &out, &o, &e);
    break;
  }
  case 5:
    fmt_wblank_attach(&in, &out, (int)z, &e);
    break;
  default:
    fmt_wblank_detach(&in, &out, (int)z, &e);
    break;
  }
  pl_out_fini(&out);
  return 0;
}
