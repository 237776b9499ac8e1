/*
 * lrx_load.c - reads and validates a compiled lexical-selection rule file
 * (*.autolex.bin; apertium-lex-tools 0.4.2 LRXProcessor::load, written by
 * LRXCompiler::write).
 *
 * Layout ("mb", "str" and transducers as in fst_load.c):
 *
 *   alphabet                    mb n_tags, n_tags x str; mb n_pairs, pairs
 *                               (lttoolbox Alphabet::read: no letters, no
 *                               "LTTB" header)
 *   mb n_rec, n_rec x (str name, transducer)
 *                               recognisers, one per operation key such as
 *                               "<select>orilla<n><ANY_TAG>"; a later
 *                               duplicate name replaces an earlier one
 *   str name, transducer        the rule transducer (name "main", unused)
 *   until fewer than 16 bytes are left, records of
 *     int32 LE rule id, 4 bytes padding, float64 LE weight
 *                               the weight of rule "<id>"; a later record of
 *                               the same id wins; a shorter tail is ignored
 *
 * What we check beyond Debian: everything fst_builder checks (counts against
 * the bytes left, pair indices, state ids, epsilon cycles, truncation), and
 * that every weight is finite (a NaN would make the candidate sort
 * undefined; lrx-comp never writes one).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../base/rd.h"
#include "../base/hash.h"
#include "lrx_int.h"

static uint32_t hash_u16(const uint16_t *s, size_t n) { return (uint32_t)pl_hash(s, n * sizeof *s); }

static int same_name(const fst_section *s, const uint16_t *p, size_t n) {
  return s->name_len == n && (n == 0 || !memcmp(s->name, p, n * sizeof *p));
}

uint32_t lrx_rec_find(const lrx *x, const uint16_t *s, size_t n) {
  uint32_t mask = x->rec_cap - 1;
  for (uint32_t i = hash_u16(s, n) & mask;; i = (i + 1) & mask) {
    uint32_t k = x->rec_slot[i];
    if (k == LRX_NONE) return LRX_NONE;
    if (same_name(&x->f->sec[k], s, n)) return x->f->sec[k].initial;
  }
}

double lrx_weight_of(const lrx *x, const uint16_t *s, size_t n) {
  /* Debian looks the id string up among "<" + printf("%d", id) + ">" */
  if (n < 3 || n > 13 || s[0] != '<' || s[n - 1] != '>') return 0.0;
  char txt[16];
  size_t k = 0;
  for (size_t i = 1; i + 1 < n; i++) {
    if (s[i] > 127) return 0.0;
    txt[k++] = (char)s[i];
  }
  txt[k] = 0;
  char *end;
  long long v = strtoll(txt, &end, 10);
  if (*end || v < INT32_MIN || v > INT32_MAX) return 0.0;
  char canon[16];
  snprintf(canon, sizeof canon, "%d", (int)v);
  if (strcmp(canon, txt)) return 0.0;
  uint32_t lo = 0, hi = x->n_wt;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (x->wt[mid].id < v) lo = mid + 1;
    else hi = mid;
  }
  return lo < x->n_wt && x->wt[lo].id == v ? x->wt[lo].w : 0.0;
}

typedef struct wrec {
  int32_t id;
  uint32_t order;
  double w;
} wrec;

static int cmp_wrec(const void *a, const void *b) {
  const wrec *x = a, *y = b;
  if (x->id != y->id) return x->id < y->id ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order;
}

static int32_t tag_of(const fst *f, const char *name) {
  uint16_t u[32];
  size_t n = strlen(name);
  for (size_t i = 0; i < n; i++) u[i] = (unsigned char)name[i];
  return fst_tag_find(f, u, n);
}

static int oom(const char *name, pl_err *e) { return pl_err_set(e, PL_ENOMEM, -1, "%s: out of memory", name); }

int lrx_load_buffer(lrx **out, const char *buf, size_t len, const char *name, pl_err *e) {
  name = name ? name : "(buffer)";
  *out = NULL;
  lrx *x = calloc(1, sizeof *x);
  if (!x) return oom(name, e);
  rd r;
  rd_init(&r, buf, len);
  fst_builder *b = NULL;
  wrec *w = NULL;
  uint32_t n_rec = 0, main_sec = 0;
  int rc = fst_builder_create(&b, &r, name, "lrx file", e);
  if (rc) goto fail;
  n_rec = rd_mb(&r);
  if (r.err) {
    rc = pl_err_set(e, PL_ECORRUPT, (long long)len, "%s: truncated lrx file (ends at offset %zu)", name, len);
    goto fail;
  }
  /* a recogniser takes at least 4 bytes: name length, initial, finals, states */
  if (n_rec > rd_left(&r) / 4) {
    rc = pl_err_set(e, PL_ECORRUPT, (long long)r.pos,
                    "%s: corrupt lrx file: %u recognisers cannot fit in the %zu bytes left (offset %zu)", name, n_rec,
                    rd_left(&r), r.pos);
    goto fail;
  }
  for (uint32_t i = 0; i < n_rec; i++) {
    uint32_t idx;
    if ((rc = fst_builder_section(b, &idx))) goto fail;
  }
  if ((rc = fst_builder_section(b, &main_sec))) goto fail;
  /* the weights */
  size_t n_w = rd_left(&r) / 16;
  w = malloc((n_w ? n_w : 1) * sizeof *w);
  if (!w) {
    rc = oom(name, e);
    goto fail;
  }
  for (size_t i = 0; i < n_w; i++) {
    const unsigned char *p = r.base + r.pos;
    uint32_t id = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    uint64_t bits = 0;
    for (int k = 7; k >= 0; k--) bits = bits << 8 | p[8 + k];
    double v;
    memcpy(&v, &bits, sizeof v);
    if (!isfinite(v)) {
      rc = pl_err_set(e, PL_ECORRUPT, (long long)r.pos, "%s: corrupt lrx file: rule %d has weight %g (offset %zu)",
                      name, (int32_t)id, v, r.pos);
      goto fail;
    }
    w[i] = (wrec){(int32_t)id, (uint32_t)i, v};
    r.pos += 16;
  }
  if ((rc = fst_builder_finish(b, &x->f))) goto fail;
  fst_builder_free(b);
  b = NULL;
  fst *f = x->f;

  qsort(w, n_w, sizeof *w, cmp_wrec);
  x->wt = malloc((n_w ? n_w : 1) * sizeof *x->wt);
  if (!x->wt) {
    rc = oom(name, e);
    goto fail;
  }
  for (size_t i = 0; i < n_w; i++) {
    if (x->n_wt && x->wt[x->n_wt - 1].id == w[i].id) x->wt[x->n_wt - 1].w = w[i].w; /* later record wins */
    else x->wt[x->n_wt++] = (lrx_weight){w[i].id, w[i].w};
  }

  /* recognisers by name: sections 0 .. n_rec-1, the later duplicate wins */
  x->rec_cap = 16;
  while (x->rec_cap < n_rec * 2u + 2u) x->rec_cap *= 2;
  x->rec_slot = malloc(x->rec_cap * sizeof *x->rec_slot);
  if (!x->rec_slot) {
    rc = oom(name, e);
    goto fail;
  }
  memset(x->rec_slot, 0xFF, x->rec_cap * sizeof *x->rec_slot);
  for (uint32_t i = 0; i < n_rec; i++) {
    const fst_section *s = &f->sec[i];
    uint32_t mask = x->rec_cap - 1;
    for (uint32_t j = hash_u16(s->name, s->name_len) & mask;; j = (j + 1) & mask) {
      uint32_t k = x->rec_slot[j];
      if (k == LRX_NONE || same_name(&f->sec[k], s->name, s->name_len)) {
        x->rec_slot[j] = i;
        break;
      }
    }
  }
  x->main_init = f->sec[main_sec].initial;
  x->any_char = tag_of(f, "<ANY_CHAR>");
  x->any_tag = tag_of(f, "<ANY_TAG>");
  x->any_upper = tag_of(f, "<ANY_UPPER>");
  x->any_lower = tag_of(f, "<ANY_LOWER>");
  x->word_boundary = tag_of(f, "<$>");
  x->null_boundary = tag_of(f, "<$$>");
  x->tag_is_wb = calloc(f->n_tags ? f->n_tags : 1, 1);
  if (!x->tag_is_wb) {
    rc = oom(name, e);
    goto fail;
  }
  for (uint32_t i = 0; i < f->n_tags; i++)
    x->tag_is_wb[i] = f->tag_len[i] == 3 && f->tag[i][0] == '<' && f->tag[i][1] == '$' && f->tag[i][2] == '>';
  free(w);
  *out = x;
  return PL_OK;
fail:
  free(w);
  fst_builder_free(b);
  lrx_free(x);
  return rc;
}

int lrx_load_file(lrx **out, const char *path, pl_err *e) {
  bbuf b = {0};
  int rc = pl_read_file(path, &b, e);
  if (!rc) rc = lrx_load_buffer(out, b.p ? b.p : "", b.len, path, e);
  bbuf_free(&b);
  return rc;
}

void lrx_free(lrx *x) {
  if (!x) return;
  fst_free(x->f);
  free(x->rec_slot);
  free(x->wt);
  free(x->tag_is_wb);
  free(x);
}
