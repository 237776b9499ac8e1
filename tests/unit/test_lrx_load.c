/*
 * test_lrx_load.c - the lexical-selection rule loader against broken files:
 * hand-made files with one fault each, every truncation of a small valid
 * file and of a real Debian file, random corruption (no crash allowed,
 * under ASan and UBSan) and garbage.  The valid files must load and run.
 * Prints "N passed, M failed".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "lrx/lrx.h"

#include "check.h"

static int run(const lrx *x, const char *s, bbuf *res, pl_err *e) {
  lrx_opts o = {0, NULL, NULL};
  pl_in in;
  pl_out out;
  pl_in_init_mem(&in, s, strlen(s));
  pl_out_init_mem(&out);
  int rc = lrx_run(x, &o, &in, &out, e);
  if (res) {
    bbuf_reset(res);
    bbuf_append(res, out.b.p, out.b.len);
    bbuf_putc(res, 0);
  }
  pl_out_fini(&out);
  return rc;
}

static int load(const char *b, size_t n, pl_err *e) {
  lrx *x = NULL;
  int rc = lrx_load_buffer(&x, b, n, "test.bin", e);
  if (!rc) {
    pl_err e2;
    run(x, "^bank<n><sg>/banco<n><m><sg>/orilla<n><f><sg>$ ^of<pr>/de<pr>$ ^River<n><sg>/a/b$[]", NULL, &e2);
  }
  lrx_free(x);
  return rc;
}

/* A minimal file: the tag "<$>", the pair epsilon:epsilon, no recognisers, a
 * one-state rule transducer without arcs and the weight of rule 1. */
static size_t minimal(unsigned char *b, int variant) {
  size_t n = 0;
  b[n++] = 1;                   /* one tag */
  b[n++] = 1, b[n++] = '$';     /* "$" */
  b[n++] = 1;                   /* one pair */
  b[n++] = 1, b[n++] = 1;       /* (0 + n_tags, 0 + n_tags) */
  if (variant == 4) {           /* 0x3FFFFFFF recognisers */
    b[n++] = 0xFF, b[n++] = 0xFF, b[n++] = 0xFF, b[n++] = 0xFF;
  } else {
    b[n++] = 0;                 /* no recognisers */
  }
  b[n++] = 4;                   /* "main": letters >= 0x40 take two bytes */
  for (const char *c = "main"; *c; c++) b[n++] = 0x40, b[n++] = (unsigned char)*c;
  b[n++] = variant == 2 ? 3 : 0; /* initial state */
  b[n++] = 0;                   /* no finals */
  b[n++] = 1;                   /* one state */
  if (variant == 1) {           /* an arc with pair 5 of 1 */
    b[n++] = 1, b[n++] = 5, b[n++] = 0;
  } else if (variant == 5) {    /* an epsilon loop */
    b[n++] = 1, b[n++] = 0, b[n++] = 0;
  } else {
    b[n++] = 0;
  }
  unsigned char w[16] = {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F}; /* rule 1: 1.0 */
  if (variant == 3) w[14] = 0xF8, w[15] = 0x7F;                                 /* NaN */
  memcpy(b + n, w, 16);
  return n + 16;
}

int main(void) {
  unsigned char m[64];
  pl_err e;
  size_t n = minimal(m, 0);
  CHECK(load((const char *)m, n, &e) == PL_OK, "the minimal file must load: %s", e.msg);
  {
    lrx *x = NULL;
    bbuf out = {0};
    CHECK(lrx_load_buffer(&x, (const char *)m, n, "min.bin", &e) == PL_OK, "load: %s", e.msg);
    if (x) {
      CHECK(run(x, "^a/b/c$ ^x$ y", &out, &e) == PL_OK && !strcmp(out.p, "^a/b/c$ ^x/$ y"), "no rules: '%s'", out.p);
      CHECK(run(x, "^a\xff$", &out, &e) == PL_EINPUT && strstr(e.msg, "byte 2"), "invalid UTF-8: %s", e.msg);
    }
    lrx_free(x);
    bbuf_free(&out);
  }
  static const char *what[] = {"", "symbol pair", "initial state", "weight", "recognisers", "epsilon cycle"};
  for (int v = 1; v <= 5; v++) {
    size_t k = minimal(m, v);
    int rc = load((const char *)m, k, &e);
    CHECK(rc == PL_ECORRUPT && strstr(e.msg, "test.bin") && strstr(e.msg, what[v]), "variant %d refused: %s", v,
          e.msg);
    printf("ok   %s: %s\n", what[v], e.msg);
  }
  /* every cut before the weights is refused; a partial weight record is
   * ignored, as Debian's fread ignores it */
  n = minimal(m, 0);
  int loaded = 0;
  for (size_t k = 0; k < n - 16; k++)
    if (load((const char *)m, k, &e) == PL_OK) loaded++;
  CHECK(loaded == 0, "%d truncations of the minimal file loaded", loaded);
  CHECK(load((const char *)m, n - 3, &e) == PL_OK, "a partial weight record is ignored: %s", e.msg);

  const char *root = getenv("APERTIUM_DIR") ? getenv("APERTIUM_DIR") : "/usr/share/apertium";
  char path[1024];
  snprintf(path, sizeof path, "%s/apertium-eng-spa/eng-spa.autolex.bin", root);
  bbuf b = {0};
  if (pl_read_file(path, &b, &e)) {
    CHECK(0, "cannot read %s: %s", path, e.msg);
    printf("%d passed, %d failed\n", passed, failed);
    return 1;
  }
  {
    lrx *x = NULL;
    bbuf out = {0};
    CHECK(lrx_load_buffer(&x, b.p, b.len, path, &e) == PL_OK, "the real file must load: %s", e.msg);
    if (x) {
      run(x, "^bank<n><sg>/banco<n><m><sg>/orilla<n><f><sg>$ ^of<pr>/de<pr>$ ^the<det><def><sp>/el<det><def><GD><ND>$ "
             "^river<n><sg>/r\xc3\xado<n><m><sg>$",
          &out, &e);
      CHECK(strstr(out.p, "^bank<n><sg>/orilla<n><f><sg>$") != NULL, "the river rule applies: %s", out.p);
    }
    lrx_free(x);
    bbuf_free(&out);
  }
  /* the real file's weights are 16-byte records at its end: a cut there
   * may load; every cut before them must not */
  loaded = 0;
  for (size_t k = 0; k + 64 < b.len - 631 * 16; k += (k + 64 >= b.len ? 1 : 97))
    if (load(b.p, k, &e) == PL_OK) loaded++;
  CHECK(loaded == 0, "%d truncated prefixes loaded", loaded);
  int rc = load(b.p, b.len / 3, &e);
  CHECK(rc == PL_ECORRUPT && strstr(e.msg, "test.bin") && strstr(e.msg, "offset"), "message names file and offset: %s",
        e.msg);
  printf("ok   truncation: %s\n", e.msg);
  char *c = malloc(b.len);
  srand(4242);
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
