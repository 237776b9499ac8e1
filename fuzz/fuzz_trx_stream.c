/*
 * fuzz_trx_stream.c - libFuzzer target: arbitrary bytes as the input
 * stream of eng-spa's transfer (-b and -n), interchunk and postchunk, with
 * the real Debian rules (loaded once).  Never a crash, never a hang.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "transfer/trx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static trx_rules *rules[3];
static int tried;

static void load_all(void) {
  const char *root = getenv("APERTIUM_DIR") ? getenv("APERTIUM_DIR") : "/usr/share/apertium";
  static const char *names[3][2] = {{"apertium-eng-spa.eng-spa.t1x", "eng-spa.t1x.bin"},
                                    {"apertium-eng-spa.eng-spa.t2x", "eng-spa.t2x.bin"},
                                    {"apertium-eng-spa.eng-spa.t3x", "eng-spa.t3x.bin"}};
  for (int k = 0; k < 3; k++) {
    char x[1024], b[1024];
    snprintf(x, sizeof x, "%s/apertium-eng-spa/%s", root, names[k][0]);
    snprintf(b, sizeof b, "%s/apertium-eng-spa/%s", root, names[k][1]);
    pl_err e;
    if (trx_load(&rules[k], (trx_kind)k, x, b, &e)) rules[k] = NULL;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!tried) {
    tried = 1;
    load_all();
  }
  for (int k = 0; k < 3; k++) {
    if (!rules[k]) continue;
    for (int v = 0; v < (k == 0 ? 3 : 2); v++) {
      trx_opts o = {k == 0 && v != 1, v == 2 || (k != 0 && v == 1)};
      pl_in in;
      pl_out out;
      pl_err e;
      pl_in_init_mem(&in, (const char *)data, size);
      pl_out_init_mem(&out);
      trx_run(rules[k], &o, &in, &out, &e);
      pl_out_fini(&out);
    }
  }
  return 0;
}
