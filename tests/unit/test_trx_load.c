/*
 * test_trx_load.c - the transfer rule loader against broken files: every
 * truncation and random corruption of a real compiled pattern file (no
 * crash allowed, under ASan and UBSan), and rule XML that is malformed,
 * names unknown elements or undefined macros, lacks a chunk name, or has
 * fewer rules than the patterns refer to: each refused with the file and
 * the line or offset.  The real files must load and run.
 * Prints "N passed, M failed".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>

#include "base/base.h"
#include "transfer/trx.h"

#include "check.h"

static const char stream[] =
    "^the<det><def><sp>$ ^cat<n><sg>$ ^'s<gen>$ ^house<n><sg>$^.<sent>$[][\n]^x$ [a\\]b] ^\\^<n>$";

static int load(trx_kind k, const char *x, size_t nx, const char *b, size_t nb, pl_err *e) {
  trx_rules *r = NULL;
  int rc = trx_load_named(&r, k, x, nx, "test.t1x", b, nb, "test.bin", e);
  if (!rc) {
    trx_opts o = {0, 0};
    pl_in in;
    pl_out out;
    pl_in_init_mem(&in, stream, sizeof stream - 1);
    pl_out_init_mem(&out);
    trx_run(r, &o, &in, &out, e);
    pl_out_fini(&out);
  }
  trx_free(r);
  return rc;
}

/* Loads the rules (through the cache when there is one) and runs them on
 * the test stream; returns the output length (in buf), or 0 on failure. */
static size_t run_out(const char *x, size_t nx, const char *b, size_t nb, char *buf, size_t cap) {
  trx_rules *r = NULL;
  pl_err e;
  size_t n = 0;
  if (!trx_load_named(&r, TRX_TRANSFER, x, nx, "test.t1x", b, nb, "test.bin", &e)) {
    trx_opts o = {0, 0};
    pl_in in;
    pl_out out;
    pl_in_init_mem(&in, stream, sizeof stream - 1);
    pl_out_init_mem(&out);
    if (!trx_run(r, &o, &in, &out, &e) && out.b.len <= cap) {
      memcpy(buf, out.b.p, out.b.len);
      n = out.b.len;
    }
    pl_out_fini(&out);
  }
  trx_free(r);
  return n;
}

/* The XML with every occurrence of `from` replaced by `to`. */
static char *edit(const bbuf *x, const char *from, const char *to, size_t *len) {
  size_t nf = strlen(from), nt = strlen(to), cnt = 0;
  for (const char *p = strstr(x->p, from); p; p = strstr(p + nf, from)) cnt++;
  if (!cnt) return NULL;
  char *o = malloc(x->len + cnt * nt + 1), *d = o;
  const char *s = x->p;
  for (const char *p = strstr(s, from); p; s = p + nf, p = strstr(s, from)) {
    memcpy(d, s, (size_t)(p - s));
    d += p - s;
    memcpy(d, to, nt);
    d += nt;
  }
  size_t rest = x->len - (size_t)(s - x->p);
  memcpy(d, s, rest);
  d += rest;
  *d = 0;
  *len = (size_t)(d - o);
  return o;
}

static void bad_xml(const bbuf *x, const bbuf *b, const char *from, const char *to, const char *what) {
  size_t n;
  pl_err e;
  char *s = edit(x, from, to, &n);
  CHECK(s != NULL, "%s: pattern not found in the test file", what);
  if (!s) return;
  int rc = load(TRX_TRANSFER, s, n, b->p, b->len, &e);
  CHECK(rc == PL_ECORRUPT && strstr(e.msg, "test.t1x:"), "%s: refused with file and line (got %d: %s)", what, rc,
        e.msg);
  printf("ok   %s: %s\n", what, e.msg);
  free(s);
}

int main(void) {
  const char *root = getenv("APERTIUM_DIR") ? getenv("APERTIUM_DIR") : "/usr/share/apertium";
  char px[1024], pb[1024];
  snprintf(px, sizeof px, "%s/apertium-urd-hin/apertium-urd-hin.urd-hin.t1x", root);
  snprintf(pb, sizeof pb, "%s/apertium-urd-hin/urd-hin.t1x.bin", root);
  bbuf x = {0}, b = {0};
  pl_err e;
  if (pl_read_file(px, &x, &e) || pl_read_file(pb, &b, &e) || bbuf_putc(&x, 0)) {
    CHECK(0, "cannot read the urd-hin rules: %s", e.msg);
    printf("%d passed, %d failed\n", passed, failed);
    return 1;
  }
  x.len--; /* keep the NUL for strstr */
  setenv("PARLEY_NO_RULE_CACHE", "1", 1); /* the loader itself first */
  CHECK(load(TRX_TRANSFER, x.p, x.len, b.p, b.len, &e) == PL_OK, "the real rules must load: %s", e.msg);

  int loaded = 0;
  for (size_t k = 0; k < b.len; k++)
    if (load(TRX_TRANSFER, x.p, x.len, b.p, k, &e) == PL_OK) loaded++;
  CHECK(loaded == 0, "%d truncated .bin prefixes loaded", loaded);
  int rc = load(TRX_TRANSFER, x.p, x.len, b.p, b.len / 2, &e);
  CHECK(rc == PL_ECORRUPT && strstr(e.msg, "test.bin") && strstr(e.msg, "offset"),
        "message names file and offset: %s", e.msg);
  printf("ok   truncation: %s\n", e.msg);

  char *c = malloc(b.len);
  srand(4242);
  for (int t = 0; t < 2000; t++) {
    memcpy(c, b.p, b.len);
    for (int k = 0; k < 1 + t % 5; k++) c[(size_t)rand() % b.len] ^= (char)(1 + rand() % 255);
    load((trx_kind)(t % 3), x.p, x.len, c, b.len, &e); /* any outcome but a crash */
  }
  CHECK(1, "random corruption of the .bin survived");
  for (int t = 0; t < 300; t++) { /* the XML corrupted */
    char *s = malloc(x.len);
    memcpy(s, x.p, x.len);
    for (int k = 0; k < 1 + t % 4; k++) s[(size_t)rand() % x.len] = "<>/=\"a \n"[rand() % 8];
    load(TRX_TRANSFER, s, x.len, b.p, b.len, &e);
    free(s);
  }
  CHECK(1, "random corruption of the XML survived");
  free(c);

  CHECK(load(TRX_TRANSFER, x.p, x.len / 2, b.p, b.len, &e) == PL_ECORRUPT && strstr(e.msg, "test.t1x:"),
        "truncated XML refused with a line: %s", e.msg);
  printf("ok   truncated XML: %s\n", e.msg);
  bad_xml(&x, &b, "<let>", "<frobnicate/><let>", "unknown element");
  bad_xml(&x, &b, "<call-macro n=\"", "<call-macro n=\"no-such-macro", "undefined macro");
  bad_xml(&x, &b, "section-rules>", "section-rulez>", "patterns refer to missing rules");
  bad_xml(&x, &b, "<let>", "<out><chunk><tags/></chunk></out><let>", "chunk without a name");
  bad_xml(&x, &b, "<let>", "<let><b/>", "let without var or clip");
  CHECK(load(TRX_TRANSFER, "", 0, b.p, b.len, &e) == PL_ECORRUPT, "empty XML refused");
  CHECK(load(TRX_TRANSFER, x.p, x.len, "", 0, &e) == PL_ECORRUPT, "empty .bin refused");
  /* the compiled-rule cache: made on the first load, used on the next,
   * and a damaged cache file is ignored (same output, never a crash) */
  char dir[] = "/tmp/parley-cache-test.XXXXXX";
  if (mkdtemp(dir)) {
    setenv("PARLEY_CACHE_DIR", dir, 1);
    unsetenv("PARLEY_NO_RULE_CACHE");
    char ref[4096], got[4096];
    size_t nref = run_out(x.p, x.len, b.p, b.len, ref, sizeof ref);
    char cfile[2048] = "";
    DIR *dd = opendir(dir);
    struct dirent *de;
    while (dd && (de = readdir(dd)))
      if (strstr(de->d_name, ".trxc")) snprintf(cfile, sizeof cfile, "%s/%s", dir, de->d_name);
    if (dd) closedir(dd);
    CHECK(cfile[0] != 0, "a cache file was written in %s", dir);
    size_t n2 = run_out(x.p, x.len, b.p, b.len, got, sizeof got);
    CHECK(n2 == nref && !memcmp(ref, got, nref), "the cached rules give the same output");
    bbuf cf = {0};
    if (cfile[0] && !pl_read_file(cfile, &cf, &e)) {
      srand(99);
      int same = 1;
      for (int t = 0; t < 300; t++) {
        FILE *f = fopen(cfile, "wb");
        size_t len = t % 3 == 0 ? (size_t)rand() % cf.len : cf.len;
        char *m = malloc(cf.len ? cf.len : 1);
        memcpy(m, cf.p, cf.len);
        for (int k = 0; t % 3 && k < 1 + t % 4; k++) m[(size_t)rand() % cf.len] ^= (char)(1 + rand() % 255);
        fwrite(m, 1, len, f);
        fclose(f);
        free(m);
        size_t n3 = run_out(x.p, x.len, b.p, b.len, got, sizeof got);
        if (n3 != nref || memcmp(ref, got, nref)) same = 0;
      }
      CHECK(same, "damaged cache files are ignored: the output stays the same");
      bbuf_free(&cf);
      unlink(cfile);
    }
    rmdir(dir);
    unsetenv("PARLEY_CACHE_DIR");
  }
  bbuf_free(&x);
  bbuf_free(&b);
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
