/*
 * test_fst_load.c - the lttoolbox loader against hostile files.
 *
 * A small valid file is written here with the format of fst_load.c, then
 * broken one way per failure class (truncation at every offset, unknown
 * feature bits, counts larger than the file, indices out of range, code
 * points beyond Unicode, no states).  Every broken file must be refused with
 * PL_ECORRUPT and a message naming the file; the valid one must load.  Real
 * Debian files are also truncated at many offsets and bit-flipped at random:
 * truncations must fail cleanly, flips must never crash (run under ASan and
 * UBSan by `make check`).
 *
 * The image cache (fst_image.c) is tested the same way: an image made on
 * the first load must give the very same automaton on the next, and a
 * damaged one must never crash; a truncated one is ignored (the .bin is
 * parsed again).
 *
 * Prints "ok NAME" / "FAIL NAME" lines and "N passed, M failed".
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/base.h"
#include "fst/fst.h"

#include "check.h"

/* ---- a writer for the format (the inverse of rd.h) ---- */
typedef struct w {
  unsigned char b[4096];
  size_t n;
} w;

static void put(w *o, int c) { o->b[o->n++] = (unsigned char)c; }
static void mb(w *o, uint32_t v) {
  if (v < 0x40) put(o, (int)v);
  else if (v < 0x4000) {
    put(o, (int)(0x40 | (v >> 8)));
    put(o, (int)(v & 0xFF));
  } else if (v < 0x400000) {
    put(o, (int)(0x80 | (v >> 16)));
    put(o, (int)((v >> 8) & 0xFF));
    put(o, (int)(v & 0xFF));
  } else {
    put(o, (int)(0xC0 | (v >> 24)));
    put(o, (int)((v >> 16) & 0xFF));
    put(o, (int)((v >> 8) & 0xFF));
    put(o, (int)(v & 0xFF));
  }
}
static void str(w *o, const char *s) {
  mb(o, (uint32_t)strlen(s));
  for (; *s; s++) mb(o, (unsigned char)*s);
}
static void u64be(w *o, uint64_t v) {
  for (int i = 7; i >= 0; i--) put(o, (int)((v >> (8 * i)) & 0xFF));
}

/* Knobs that break one thing each. */
typedef struct spec {
  uint64_t file_features, trans_features;
  uint32_t extra_letters_claimed; /* letter count larger than written */
  uint32_t tag_count_delta;
  uint32_t bad_pair_label;        /* label of the second arc (normally 2) */
  uint32_t initial, final_state, n_states;
  uint32_t tag_cp;                /* a code point inside the tag name */
  uint32_t pair_sym;              /* first pair's input symbol (+ n_tags) */
} spec;

static spec good_spec(void) {
  spec s = {0, 0, 0, 0, 1, 0, 2, 3, 'n', 'a'};
  return s;
}

/* One section "main@standard": 0 -a:a-> 1 -<n>:<n>-> 2 (final). */
static size_t build(const spec *s, unsigned char *out) {
  w o = {{0}, 0};
  memcpy(o.b, "LTTB", 4);
  o.n = 4;
  u64be(&o, s->file_features);
  mb(&o, 2 + s->extra_letters_claimed);
  mb(&o, 'a');
  mb(&o, 'b');
  mb(&o, 1 + s->tag_count_delta);
  mb(&o, 1);
  mb(&o, s->tag_cp);
  uint32_t ntags = 1;
  mb(&o, 3); /* pairs: (0,0) (a,a) (<n>,<n>) as raw + ntags */
  mb(&o, 0 + ntags);
  mb(&o, 0 + ntags);
  mb(&o, s->pair_sym + ntags);
  mb(&o, 'a' + ntags);
  mb(&o, 0); /* -1 + ntags */
  mb(&o, 0);
  mb(&o, 1); /* sections */
  str(&o, "main@standard");
  memcpy(o.b + o.n, "LTTD", 4);
  o.n += 4;
  u64be(&o, s->trans_features);
  mb(&o, s->initial);
  mb(&o, 1);
  mb(&o, s->final_state);
  mb(&o, s->n_states);
  for (uint32_t st = 0; st < s->n_states; st++) {
    if (st == 0) {
      mb(&o, 1);
      mb(&o, 1); /* label 1 = (a,a) */
      mb(&o, 1); /* target 0+1 */
    } else if (st == 1) {
      mb(&o, 1);
      mb(&o, s->bad_pair_label + 1); /* label delta from 0 */
      mb(&o, 1);
    } else {
      mb(&o, 0);
    }
  }
  memcpy(out, o.b, o.n);
  return o.n;
}

static int load(const unsigned char *b, size_t n, pl_err *e) {
  fst *f = NULL;
  pl_err_clear(e);
  int rc = fst_load_buffer(&f, (const char *)b, n, "test.bin", e);
  fst_free(f);
  return rc;
}

static void expect_corrupt(const char *name, spec s) {
  unsigned char b[4096];
  size_t n = build(&s, b);
  pl_err e;
  int rc = load(b, n, &e);
  CHECK(rc == PL_ECORRUPT && strstr(e.msg, "test.bin"), "%s: rc=%d msg=%s", name, rc, e.msg);
  if (rc == PL_ECORRUPT) printf("ok   %s: %s\n", name, e.msg);
}

static int read_file(const char *path, unsigned char **out, size_t *n) {
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  fseek(f, 0, SEEK_END);
  long len = ftell(f);
  fseek(f, 0, SEEK_SET);
  *out = malloc((size_t)len + 1);
  *n = fread(*out, 1, (size_t)len, f);
  fclose(f);
  return 0;
}

static void real_file(const char *path, size_t stride) {
  unsigned char *b;
  size_t n;
  if (read_file(path, &b, &n)) {
    CHECK(0, "cannot read %s (are the Apertium packages installed?)", path);
    return;
  }
  pl_err e;
  CHECK(load(b, n, &e) == PL_OK, "%s must load: %s", path, e.msg);
  int bad = 0;
  for (size_t k = 0; k < n; k += (k + 64 >= n ? 1 : stride))
    if (load(b, k, &e) == PL_OK) {
      bad++;
      if (bad < 4) printf("     prefix %zu of %s loaded\n", k, path);
    }
  CHECK(bad == 0, "%s: %d truncated prefixes loaded", path, bad);
  /* random corruption: any outcome but a crash is acceptable */
  srand(12345);
  unsigned char *c = malloc(n);
  int ok_loads = 0;
  for (int t = 0; t < 300; t++) {
    memcpy(c, b, n);
    for (int k = 0; k < 1 + t % 8; k++) c[(size_t)rand() % n] ^= (unsigned char)(1 + rand() % 255);
    if (load(c, n, &e) == PL_OK) ok_loads++;
  }
  CHECK(1, "flips");
  printf("ok   %s: every truncation refused; 300 corruptions survived (%d still loaded)\n", path, ok_loads);
  free(c);
  free(b);
}

/* Whether two loaded automata are the same in every table. */
static int same_fst(const fst *a, const fst *b) {
#define SAME(x, n) ((n) == 0 || !memcmp(a->x, b->x, (size_t)(n) * sizeof *a->x))
  if (a->n_letters != b->n_letters || a->n_tags != b->n_tags || a->n_pairs != b->n_pairs ||
      a->n_sections != b->n_sections || a->n_nodes != b->n_nodes || a->n_arcs != b->n_arcs ||
      a->n_dense != b->n_dense || a->weighted != b->weighted || a->tag_hash_cap != b->tag_hash_cap)
    return 0;
  if (!SAME(letters, a->n_letters) || memcmp(a->letter_ascii, b->letter_ascii, 128) || !SAME(pair, a->n_pairs) ||
      !SAME(node, a->n_nodes + 1) || !SAME(arc, a->n_arcs) || !SAME(dense, (size_t)a->n_dense * FST_DENSE_SYMS) ||
      !SAME(tag_hash, a->tag_hash_cap) || !SAME(tag_len, a->n_tags))
    return 0;
  if (a->weighted && (!SAME(arc_w, a->n_arcs) || !SAME(final_w, a->n_nodes))) return 0;
  for (uint32_t i = 0; i < a->n_tags; i++)
    if (memcmp(a->tag[i], b->tag[i], a->tag_len[i] * sizeof(uint16_t))) return 0;
  for (uint32_t i = 0; i < a->n_sections; i++) {
    const fst_section *x = &a->sec[i], *y = &b->sec[i];
    if (x->name_len != y->name_len || memcmp(x->name, y->name, x->name_len * sizeof(uint16_t)) ||
        x->first_node != y->first_node || x->n_nodes != y->n_nodes || x->initial != y->initial ||
        x->type != y->type || x->weighted != y->weighted)
      return 0;
  }
  return 1;
#undef SAME
}

/* The one image file in `dir` (its path into `out`), or 0 if none. */
static int find_image(const char *dir, char *out, size_t cap) {
  DIR *d = opendir(dir);
  struct dirent *de;
  int found = 0;
  while (d && (de = readdir(d)))
    if (strstr(de->d_name, ".fsti") && !strstr(de->d_name, ".fsti.")) {
      snprintf(out, cap, "%s/%s", dir, de->d_name);
      found = 1;
    }
  if (d) closedir(d);
  return found;
}

static void image_cache(const char *path) {
  unsigned char *b;
  size_t n;
  if (read_file(path, &b, &n)) {
    CHECK(0, "cannot read %s", path);
    return;
  }
  pl_err e;
  fst *ref = NULL;
  CHECK(fst_load_buffer(&ref, (const char *)b, n, path, &e) == PL_OK, "%s must load", path);
  char dir[] = "/tmp/parley-fsti-test.XXXXXX", img[1200];
  if (!ref || !mkdtemp(dir)) {
    CHECK(0, "setup");
    fst_free(ref);
    free(b);
    return;
  }
  setenv("PARLEY_CACHE_DIR", dir, 1);
  unsetenv("PARLEY_NO_FST_CACHE");
  fst *f = NULL;
  CHECK(fst_load_file(&f, path, &e) == PL_OK && f && !f->image, "first load parses %s", path);
  fst_free(f);
  CHECK(find_image(dir, img, sizeof img), "an image was written in %s", dir);
  f = NULL;
  CHECK(fst_load_file(&f, path, &e) == PL_OK && f && f->image, "second load maps the image");
  CHECK(f && same_fst(ref, f), "the image gives the same automaton");
  fst_free(f);
  /* damaged images */
  unsigned char *im;
  size_t in;
  if (!read_file(img, &im, &in)) {
    int bad = 0, survived = 0;
    for (size_t k = 0; k < in; k += (k < 256 ? 1 : 4099)) { /* truncated: ignored, re-parsed */
      FILE *fw = fopen(img, "wb");
      fwrite(im, 1, k, fw);
      fclose(fw);
      f = NULL;
      if (fst_load_file(&f, path, &e) != PL_OK || !f || f->image || !same_fst(ref, f)) bad++;
      fst_free(f);
    }
    CHECK(bad == 0, "%d truncated images were not ignored", bad);
    srand(777);
    unsigned char *c = malloc(in);
    for (int t = 0; t < 200; t++) { /* flipped: any outcome but a crash */
      memcpy(c, im, in);
      for (int k = 0; k < 1 + t % 4; k++) c[(size_t)rand() % in] ^= (unsigned char)(1 + rand() % 255);
      FILE *fw = fopen(img, "wb");
      fwrite(c, 1, in, fw);
      fclose(fw);
      f = NULL;
      if (fst_load_file(&f, path, &e) == PL_OK && f && same_fst(ref, f)) survived++;
      fst_free(f);
    }
    CHECK(survived == 200, "%d of 200 damaged images gave another automaton", 200 - survived);
    free(c);
    free(im);
  }
  /* the cache can be turned off */
  setenv("PARLEY_NO_FST_CACHE", "1", 1);
  f = NULL;
  CHECK(fst_load_file(&f, path, &e) == PL_OK && f && !f->image, "PARLEY_NO_FST_CACHE=1 parses");
  fst_free(f);
  unsetenv("PARLEY_NO_FST_CACHE");
  unsetenv("PARLEY_CACHE_DIR");
  if (find_image(dir, img, sizeof img)) unlink(img);
  rmdir(dir);
  fst_free(ref);
  free(b);
}

int main(int argc, char **argv) {
  unsigned char b[4096];
  pl_err e;
  spec s = good_spec();
  size_t n = build(&s, b);
  int rc = load(b, n, &e);
  CHECK(rc == PL_OK, "valid hand-made file must load: %s", e.msg);
  {
    fst *f = NULL;
    fst_load_buffer(&f, (const char *)b, n, "test.bin", &e);
    CHECK(f && f->n_sections == 1 && f->n_tags == 1 && f->sec[0].type == FST_SEC_STANDARD,
          "valid file contents");
    fst_free(f);
  }
  /* truncation at every offset */
  int loaded = 0;
  for (size_t k = 0; k < n; k++)
    if (load(b, k, &e) != PL_ECORRUPT) loaded++;
  CHECK(loaded == 0, "%d truncations were not refused", loaded);

  spec t;
  t = good_spec(); t.file_features = 1; expect_corrupt("unknown file feature", t);
  t = good_spec(); t.file_features = 1ull << 63; expect_corrupt("reserved file feature", t);
  t = good_spec(); t.trans_features = 2; expect_corrupt("unknown transducer feature", t);
  t = good_spec(); t.extra_letters_claimed = 100000; expect_corrupt("letter count beyond file", t);
  t = good_spec(); t.tag_count_delta = 1000000; expect_corrupt("tag count beyond file", t);
  t = good_spec(); t.bad_pair_label = 3; expect_corrupt("pair index out of range", t);
  t = good_spec(); t.bad_pair_label = 100000; expect_corrupt("pair index far out of range", t);
  t = good_spec(); t.initial = 3; expect_corrupt("initial state out of range", t);
  t = good_spec(); t.final_state = 7; expect_corrupt("final state out of range", t);
  t = good_spec(); t.n_states = 0; t.initial = 0; t.final_state = 0; expect_corrupt("no states", t);
  t = good_spec(); t.tag_cp = 0x110000; expect_corrupt("tag code point beyond Unicode", t);
  t = good_spec(); t.pair_sym = 0x200000; expect_corrupt("pair symbol beyond Unicode", t);

  /* empty and garbage */
  CHECK(load((const unsigned char *)"", 0, &e) == PL_ECORRUPT, "empty file");
  CHECK(load((const unsigned char *)"LTTB", 4, &e) == PL_ECORRUPT, "header only");
  {
    unsigned char g[512];
    for (int i = 0; i < 512; i++) g[i] = (unsigned char)(0xC0 | (i & 0x3F));
    CHECK(load(g, sizeof g, &e) == PL_ECORRUPT, "all-large-counts garbage");
  }

  const char *root = getenv("APERTIUM_DIR") ? getenv("APERTIUM_DIR") : "/usr/share/apertium";
  char path[1024];
  snprintf(path, sizeof path, "%s/apertium-eng-spa/eng-spa.autopgen.bin", root);
  real_file(path, 1);
  snprintf(path, sizeof path, "%s/apertium-eng-spa/eng-spa.automorf.bin", root);
  real_file(path, argc > 1 ? (size_t)atoi(argv[1]) : 4099);
  image_cache(path);

  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
