/*
 * test_hmm_load.c - the tagger model loader against broken files: every
 * truncation of a real Debian model, random corruption (no crash allowed,
 * under ASan and UBSan), and garbage.  The valid file must load and tag.
 * Prints "N passed, M failed".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "tagger/hmm.h"

#include "check.h"

static int load(const char *b, size_t n, pl_err *e) {
  hmm_model *m = NULL;
  int rc = hmm_load_buffer(&m, b, n, "test.prob", e);
  if (!rc) {
    static const char s[] = "^The/The<det><def><sp>$ ^can/can<vaux><pres>/can<n><sg>$^./.<sent>$[]";
    hmm_opts o = {0, 0, 0, 0};
    pl_in in;
    pl_out out;
    pl_in_init_mem(&in, s, sizeof s - 1);
    pl_out_init_mem(&out);
    hmm_run(m, &o, &in, &out, e);
    pl_out_fini(&out);
  }
  hmm_free(m);
  return rc;
}

int main(void) {
  const char *root = getenv("APERTIUM_DIR") ? getenv("APERTIUM_DIR") : "/usr/share/apertium";
  char path[1024];
  snprintf(path, sizeof path, "%s/apertium-eng-spa/eng-spa.prob", root);
  bbuf b = {0};
  pl_err e;
  if (pl_read_file(path, &b, &e)) {
    CHECK(0, "cannot read %s: %s", path, e.msg);
    printf("%d passed, %d failed\n", passed, failed);
    return 1;
  }
  CHECK(load(b.p, b.len, &e) == PL_OK, "the real model must load: %s", e.msg);
  int loaded = 0;
  for (size_t k = 0; k < b.len; k += (k + 64 >= b.len ? 1 : 97))
    if (load(b.p, k, &e) == PL_OK) loaded++;
  CHECK(loaded == 0, "%d truncated prefixes loaded", loaded);
  int rc = load(b.p, b.len / 2, &e);
  CHECK(rc == PL_ECORRUPT && strstr(e.msg, "test.prob") && strstr(e.msg, "offset"), "message names file and offset: %s",
        e.msg);
  printf("ok   truncation: %s\n", e.msg);
  char *c = malloc(b.len);
  srand(777);
  for (int t = 0; t < 300; t++) {
    memcpy(c, b.p, b.len);
    for (int k = 0; k < 1 + t % 6; k++) c[(size_t)rand() % b.len] ^= (char)(1 + rand() % 255);
    load(c, b.len, &e); /* any outcome but a crash */
  }
  CHECK(1, "random corruption survived");
  char g[4096];
  for (size_t i = 0; i < sizeof g; i++) g[i] = (char)(0xC0 | (i & 0x3F));
  CHECK(load(g, sizeof g, &e) == PL_ECORRUPT, "garbage refused");
  CHECK(load("", 0, &e) == PL_ECORRUPT, "empty file refused");
  free(c);
  bbuf_free(&b);
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
