/*
 * hmm_load.c - reads and validates an HMM tagger model (.prob) as Debian
 * ships it (apertium 3.8 TaggerDataHMM::read, lttoolbox PatternList::read).
 * "mb" and "str" are lttoolbox's multibyte integer and string (rd.h);
 * doubles of the matrices are 8 bytes, big-endian IEEE-754.
 *
 *   mb n, n x mb delta             open class (tags, delta-coded)
 *   mb n, n x (mb, mb)             forbid rules (training only)
 *   mb n, n x str                  coarse tag names
 *   mb n, n x (str, mb)            tag index ("TAG_SENT", "TAG_kEOF", ...)
 *   mb n, n x (mb, mb k, k x mb)   enforce rules (training only)
 *   mb n, n x str                  prefer rules (regular expressions)
 *   mb n, n x (str, mb)            constants
 *   mb n, n x (mb k, k x mb)       ambiguity classes (tag sets)
 *   mb N, mb M                     tags, classes
 *   N*N x be64 double              A
 *   mb nnz, nnz x (mb i, mb j, be64 double)   B (the rest is 1e-10, hmm.h ZERO)
 *   pattern list: alphabet (mb n, n x str tag names; mb n, n x (mb, mb)),
 *     mb 1, str name, transducer (symbols raw, each label delta minus the
 *     number of tags), mb n, n x (mb state, mb coarse tag)
 *   [mb n, n x str]                discard rules, when not at the end
 *
 * Every count is checked against the bytes left, every tag against N,
 * every class index against M, every state against the state count.
 */
#include <stdlib.h>
#include <string.h>

#include "../base/rd.h"
#include "../base/hash.h"
#include "hmm_int.h"

typedef struct ld {
  rd r;
  const char *name;
  pl_err *e;
} ld;

static int bad(ld *L, const char *what) {
  return pl_err_set(L->e, PL_ECORRUPT, (long long)L->r.pos, "%s: corrupt tagger model: %s (offset %zu)", L->name,
                    what, L->r.pos);
}

static int count(ld *L, uint32_t *n, size_t min_each, const char *what) {
  *n = rd_mb(&L->r);
  if (L->r.err) return bad(L, "truncated");
  if (min_each && *n > rd_left(&L->r) / min_each) {
    pl_err_set(L->e, PL_ECORRUPT, (long long)L->r.pos,
               "%s: corrupt tagger model: %s count %u exceeds the %zu bytes left (offset %zu)", L->name, what, *n,
               rd_left(&L->r), L->r.pos);
    return PL_ECORRUPT;
  }
  return PL_OK;
}

static int str(ld *L, ubuf *out) {
  uint32_t n;
  out->len = 0;
  if (count(L, &n, 1, "string")) return PL_ECORRUPT;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t cp = rd_mb(&L->r);
    if (cp > 0x10FFFF) return bad(L, "code point above U+10FFFF");
    ubuf_put_cp(out, (int32_t)cp);
  }
  if (L->r.err) return bad(L, "truncated");
  return out->failed ? pl_err_set(L->e, PL_ENOMEM, -1, "out of memory") : PL_OK;
}

static double be_double(rd *r) {
  uint64_t v = rd_u64be(r);
  double d;
  memcpy(&d, &v, sizeof d);
  return d;
}

static int cmp_i32(const void *a, const void *b) {
  int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
  return (x > y) - (x < y);
}

/* A std::set<int> built from `n` values: sorted, unique. */
static void make_set(tagset *s) {
  qsort(s->t, s->n, sizeof *s->t, cmp_i32);
  uint32_t u = 0;
  for (uint32_t i = 0; i < s->n; i++)
    if (!u || s->t[u - 1] != s->t[i]) s->t[u++] = s->t[i];
  s->n = u;
}

static int sets_equal(const int32_t *a, uint32_t na, const int32_t *b, uint32_t nb) {
  return na == nb && (na == 0 || !memcmp(a, b, na * sizeof *a));
}

/* Hashes of a tag name (UTF-16 units) and of a tag set, a unit at a time. */
static uint32_t hash_u16(const uint16_t *s, size_t n) { return (uint32_t)pl_hash(s, n * sizeof *s); }
static uint32_t hash_i32(const int32_t *t, size_t n) { return (uint32_t)pl_hash(t, n * sizeof *t); }

/* Linear scans, used while the tables are being built. */
static int class_scan(const hmm_model *m, const int32_t *t, uint32_t n) {
  for (uint32_t k = 0; k < m->n_cls; k++)
    if (sets_equal(m->cls[k].t, m->cls[k].n, t, n)) return (int)k;
  return -1;
}

int hmm_class_find(const hmm_model *m, const int32_t *t, uint32_t n) {
  if (!m->cls_hash) return class_scan(m, t, n);
  uint32_t mask = m->cls_hash_cap - 1;
  for (uint32_t i = hash_i32(t, n) & mask;; i = (i + 1) & mask) {
    int32_t k = m->cls_hash[i];
    if (k < 0) return -1;
    if (sets_equal(m->cls[k].t, m->cls[k].n, t, n)) return k;
  }
}

int32_t hmm_ptag_find(const hmm_model *m, const uint16_t *s, size_t n) {
  if (!m->ptag_hash) {
    for (uint32_t i = m->n_ptags; i-- > 0;) /* a repeated name maps to its last index */
      if (m->ptag_len[i] == n && !memcmp(m->ptag[i], s, n * sizeof *s)) return -(int32_t)i - 1;
    return 0;
  }
  uint32_t mask = m->ptag_hash_cap - 1;
  for (uint32_t i = hash_u16(s, n) & mask;; i = (i + 1) & mask) {
    int32_t sym = m->ptag_hash[i];
    if (!sym) return 0;
    uint32_t k = (uint32_t)(-sym - 1);
    if (m->ptag_len[k] == n && !memcmp(m->ptag[k], s, n * sizeof *s)) return sym;
  }
}

static int build_tables(ld *L, hmm_model *m) {
  uint32_t cap = 16;
  while (cap < 2 * m->n_ptags + 2) cap *= 2;
  int32_t *ph = calloc(cap, sizeof *ph);
  uint32_t ccap = 16;
  while (ccap < 2 * m->n_cls + 2) ccap *= 2;
  int32_t *ch = malloc(ccap * sizeof *ch);
  if (!ph || !ch) {
    free(ph);
    free(ch);
    return pl_err_set(L->e, PL_ENOMEM, -1, "out of memory");
  }
  for (uint32_t i = 0; i < m->n_ptags; i++) {
    int32_t sym = hmm_ptag_find(m, m->ptag[i], m->ptag_len[i]); /* linear: the last index of this name */
    if (sym != -(int32_t)i - 1) continue;
    for (uint32_t j = hash_u16(m->ptag[i], m->ptag_len[i]) & (cap - 1);; j = (j + 1) & (cap - 1))
      if (!ph[j]) {
        ph[j] = sym;
        break;
      }
  }
  for (uint32_t i = 0; i < ccap; i++) ch[i] = -1;
  for (uint32_t k = 0; k < m->n_cls; k++)
    for (uint32_t j = hash_i32(m->cls[k].t, m->cls[k].n) & (ccap - 1);; j = (j + 1) & (ccap - 1))
      if (ch[j] < 0) {
        ch[j] = (int32_t)k;
        break;
      }
  m->ptag_hash = ph;
  m->ptag_hash_cap = cap;
  m->cls_hash = ch;
  m->cls_hash_cap = ccap;
  return PL_OK;
}

static int compile_rule(ld *L, hmm_re *r, const ubuf *src) {
  /* TaggerWord::match: "<*>" stands for (<[^>]+>)+; case-insensitive, '.'
   * matches newlines */
  ubuf pat = {0};
  for (size_t i = 0; i < src->len; i++) {
    if (i + 2 < src->len && src->p[i] == '<' && src->p[i + 1] == '*' && src->p[i + 2] == '>') {
      ubuf_put_ascii(&pat, "(<[^>]+>)+");
      i += 2;
    } else {
      ubuf_push(&pat, src->p[i]);
    }
  }
  r->src = malloc((src->len ? src->len : 1) * sizeof *r->src);
  if (r->src && src->len) memcpy(r->src, src->p, src->len * sizeof *r->src);
  r->len = (uint32_t)src->len;
  int lit = pat.len > 0 && pat.len == src->len;
  for (size_t i = 0; i < pat.len && lit; i++)
    lit = pat.p[i] > 0 && pat.p[i] < 0x80 && !strchr("\\^$.|?*+()[]{}#", pat.p[i]);
  if (lit && r->src) {
    r->lit = malloc(pat.len);
    if (!r->lit) {
      ubuf_free(&pat);
      return pl_err_set(L->e, PL_ENOMEM, -1, "out of memory");
    }
    for (size_t i = 0; i < pat.len; i++)
      r->lit[i] = (char)(pat.p[i] >= 'A' && pat.p[i] <= 'Z' ? pat.p[i] + 32 : pat.p[i]);
    r->lit_len = (uint32_t)pat.len;
    ubuf_free(&pat);
    return PL_OK;
  }
  UErrorCode err = U_ZERO_ERROR;
  UParseError pe;
  r->re = uregex_open(pat.p ? pat.p : (const UChar *)u"", (int32_t)pat.len, UREGEX_DOTALL | UREGEX_CASE_INSENSITIVE,
                      &pe, &err);
  ubuf_free(&pat);
  if (U_FAILURE(err) || !r->src) {
    if (r->re) uregex_close(r->re);
    r->re = NULL;
    free(r->src);
    r->src = NULL;
    return bad(L, "a prefer or discard rule is not a valid regular expression");
  }
  return PL_OK;
}

static int read_tagsets(ld *L, hmm_model *m) {
  uint32_t n;
  if (count(L, &n, 1, "ambiguity class")) return PL_ECORRUPT;
  m->cls = calloc(n ? n : 1, sizeof *m->cls);
  if (!m->cls) return pl_err_set(L->e, PL_ENOMEM, -1, "out of memory");
  for (uint32_t i = 0; i < n; i++) {
    uint32_t k;
    tagset s = {0};
    if (count(L, &k, 1, "class size")) return PL_ECORRUPT;
    s.t = malloc((k ? k : 1) * sizeof *s.t);
    if (!s.t) return pl_err_set(L->e, PL_ENOMEM, -1, "out of memory");
    s.n = k;
    for (uint32_t j = 0; j < k; j++) s.t[j] = (int32_t)rd_mb(&L->r);
    if (L->r.err) {
      free(s.t);
      return bad(L, "truncated");
    }
    make_set(&s);
    if (class_scan(m, s.t, s.n) >= 0) { /* Collection::add keeps the first */
      free(s.t);
      continue;
    }
    m->cls[m->n_cls++] = s;
  }
  return PL_OK;
}

static int read_patterns(ld *L, hmm_model *m) {
  ubuf s = {0};
  uint32_t n;
  int rc = PL_OK;
  if ((rc = count(L, &m->n_ptags, 1, "pattern tag"))) goto out;
  m->ptag = calloc(m->n_ptags ? m->n_ptags : 1, sizeof *m->ptag);
  m->ptag_len = calloc(m->n_ptags ? m->n_ptags : 1, sizeof *m->ptag_len);
  if (!m->ptag || !m->ptag_len) {
    rc = pl_err_set(L->e, PL_ENOMEM, -1, "out of memory");
    goto out;
  }
  for (uint32_t i = 0; i < m->n_ptags; i++) {
    if ((rc = str(L, &s))) goto out;
    m->ptag[i] = malloc((s.len + 2) * sizeof(uint16_t));
    if (!m->ptag[i]) {
      rc = pl_err_set(L->e, PL_ENOMEM, -1, "out of memory");
      goto out;
    }
    m->ptag[i][0] = '<';
    if (s.len) memcpy(m->ptag[i] + 1, s.p, s.len * sizeof(uint16_t));
    m->ptag[i][s.len + 1] = '>';
    m->ptag_len[i] = (uint32_t)s.len + 2;
  }
  if ((rc = count(L, &n, 2, "symbol pair"))) goto out;
  for (uint32_t i = 0; i < 2 * n; i++) rd_mb(&L->r);
  {
    static const char *any_char = "<ANY_CHAR>", *any_tag = "<ANY_TAG>";
    uint16_t b[16];
    for (int i = 0; i < 10; i++) b[i] = (uint16_t)any_char[i];
    m->any_char = hmm_ptag_find(m, b, 10);
    for (int i = 0; i < 9; i++) b[i] = (uint16_t)any_tag[i];
    m->any_tag = hmm_ptag_find(m, b, 9);
  }
  uint32_t flag = rd_mb(&L->r);
  if (L->r.err) {
    rc = bad(L, "truncated");
    goto out;
  }
  if (flag != 1) { /* an empty pattern list: every reading is unclassified */
    m->n_states = 1;
    m->first = calloc(2, sizeof *m->first);
    m->final_type = malloc(sizeof *m->final_type);
    if (!m->first || !m->final_type) rc = pl_err_set(L->e, PL_ENOMEM, -1, "out of memory");
    else m->final_type[0] = -1;
    goto out;
  }
  if ((rc = str(L, &s))) goto out;
  if (rd_magic(&L->r, "LTTD")) {
    uint64_t feat = rd_u64be(&L->r);
    if (feat >= 2) {
      rc = bad(L, "pattern transducer has unknown features");
      goto out;
    }
    if (feat & 1) {
      rc = bad(L, "weighted pattern transducers are not supported");
      goto out;
    }
  }
  m->initial = rd_mb(&L->r);
  uint32_t n_finals;
  if ((rc = count(L, &n_finals, 1, "final state"))) goto out;
  for (uint32_t i = 0; i < n_finals; i++) rd_mb(&L->r); /* finals of the transducer are unused */
  if ((rc = count(L, &m->n_states, 1, "state"))) goto out;
  if (m->n_states == 0 || m->initial >= m->n_states) {
    rc = bad(L, "pattern transducer has no states or a bad initial state");
    goto out;
  }
  m->first = calloc((size_t)m->n_states + 1, sizeof *m->first);
  m->final_type = malloc(m->n_states * sizeof *m->final_type);
  size_t cap = 1024, na = 0;
  int32_t *sym = malloc(cap * sizeof *sym);
  uint32_t *dest = malloc(cap * sizeof *dest);
  if (!m->first || !m->final_type || !sym || !dest) {
    free(sym);
    free(dest);
    rc = pl_err_set(L->e, PL_ENOMEM, -1, "out of memory");
    goto out;
  }
  for (uint32_t st = 0; st < m->n_states; st++) {
    uint32_t k;
    m->final_type[st] = -1;
    m->first[st] = (uint32_t)na;
    if ((rc = count(L, &k, 2, "transition"))) break;
    int64_t tagbase = 0;
    for (uint32_t t = 0; t < k; t++) {
      tagbase += (int64_t)rd_mb(&L->r) - (int64_t)m->n_ptags;
      uint64_t d = ((uint64_t)st + rd_mb(&L->r)) % m->n_states;
      if (tagbase < -(int64_t)m->n_ptags || tagbase > 0x10FFFF) {
        rc = bad(L, "pattern symbol out of range");
        break;
      }
      if (na == cap) {
        cap *= 2;
        int32_t *s2 = realloc(sym, cap * sizeof *s2);
        if (s2) sym = s2;
        uint32_t *d2 = realloc(dest, cap * sizeof *d2);
        if (d2) dest = d2;
        if (!s2 || !d2) {
          rc = pl_err_set(L->e, PL_ENOMEM, -1, "out of memory");
          break;
        }
      }
      sym[na] = (int32_t)tagbase;
      dest[na] = (uint32_t)d;
      na++;
    }
    if (rc) break;
    /* stable insertion sort by symbol (std::multimap order) */
    for (size_t i = m->first[st] + 1; i < na; i++) {
      int32_t s0 = sym[i];
      uint32_t d0 = dest[i];
      size_t j = i;
      while (j > m->first[st] && sym[j - 1] > s0) {
        sym[j] = sym[j - 1];
        dest[j] = dest[j - 1];
        j--;
      }
      sym[j] = s0;
      dest[j] = d0;
    }
  }
  m->first[m->n_states] = (uint32_t)na;
  m->sym = sym;
  m->dest = dest;
  if (rc) goto out;
  if (L->r.err) {
    rc = bad(L, "truncated");
    goto out;
  }
  if ((rc = count(L, &n, 2, "pattern final"))) goto out;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t st = rd_mb(&L->r), type = rd_mb(&L->r);
    if (L->r.err) {
      rc = bad(L, "truncated");
      goto out;
    }
    if (st >= m->n_states || type >= (uint32_t)m->N) {
      rc = bad(L, "pattern final state or coarse tag out of range");
      goto out;
    }
    m->final_type[st] = (int32_t)type;
  }
out:
  ubuf_free(&s);
  return rc;
}

static int read_rules(ld *L, hmm_re **out, uint32_t *n_out, const char *what) {
  uint32_t n;
  ubuf s = {0};
  int rc;
  if ((rc = count(L, &n, 1, what))) return rc;
  *out = calloc(n ? n : 1, sizeof **out);
  if (!*out) return pl_err_set(L->e, PL_ENOMEM, -1, "out of memory");
  for (uint32_t i = 0; i < n && !rc; i++) {
    if ((rc = str(L, &s))) break;
    if ((rc = compile_rule(L, &(*out)[i], &s))) break;
    *n_out = i + 1;
  }
  ubuf_free(&s);
  return rc;
}

int hmm_load_buffer(hmm_model **out, const char *buf, size_t len, const char *name, pl_err *e) {
  ld L;
  rd_init(&L.r, buf, len);
  L.name = name ? name : "(buffer)";
  L.e = e;
  *out = NULL;
  hmm_model *m = calloc(1, sizeof *m);
  if (!m) return pl_err_set(e, PL_ENOMEM, -1, "out of memory");
  ubuf s = {0};
  uint32_t n;
  int rc;
  /* open class */
  if ((rc = count(&L, &n, 1, "open class"))) goto fail;
  m->open_class.t = malloc((n ? n : 1) * sizeof *m->open_class.t);
  if (!m->open_class.t) goto nomem;
  {
    int64_t v = 0;
    for (uint32_t i = 0; i < n; i++) {
      v += rd_mb(&L.r);
      if (v > INT32_MAX) {
        rc = bad(&L, "open class tag too large");
        goto fail;
      }
      m->open_class.t[i] = (int32_t)v;
    }
    m->open_class.n = n;
    make_set(&m->open_class);
  }
  /* forbid rules */
  if ((rc = count(&L, &n, 2, "forbid rule"))) goto fail;
  for (uint32_t i = 0; i < 2 * n; i++) rd_mb(&L.r);
  /* coarse tag names */
  if ((rc = count(&L, &n, 1, "tag name"))) goto fail;
  for (uint32_t i = 0; i < n && !rc; i++) rc = str(&L, &s);
  if (rc) goto fail;
  /* tag index */
  m->tag_sent = m->tag_eof = m->tag_undef = 0; /* std::map::operator[] of an absent name */
  if ((rc = count(&L, &n, 2, "tag index"))) goto fail;
  for (uint32_t i = 0; i < n; i++) {
    if ((rc = str(&L, &s))) goto fail;
    int32_t v = (int32_t)rd_mb(&L.r);
    char nm[16] = {0};
    if (s.len < sizeof nm)
      for (size_t k = 0; k < s.len; k++) nm[k] = (char)s.p[k];
    if (!strcmp(nm, "TAG_SENT")) m->tag_sent = v;
    else if (!strcmp(nm, "TAG_kEOF")) m->tag_eof = v;
    else if (!strcmp(nm, "TAG_kUNDEF")) m->tag_undef = v;
  }
  /* enforce rules */
  if ((rc = count(&L, &n, 2, "enforce rule"))) goto fail;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t k;
    rd_mb(&L.r);
    if ((rc = count(&L, &k, 1, "enforce rule size"))) goto fail;
    for (uint32_t j = 0; j < k; j++) rd_mb(&L.r);
  }
  if ((rc = read_rules(&L, &m->prefer, &m->n_prefer, "prefer rule"))) goto fail;
  /* constants */
  if ((rc = count(&L, &n, 2, "constant"))) goto fail;
  for (uint32_t i = 0; i < n; i++) {
    if ((rc = str(&L, &s))) goto fail;
    rd_mb(&L.r);
  }
  if ((rc = read_tagsets(&L, m))) goto fail;
  m->N = (int32_t)rd_mb(&L.r);
  m->M = (int32_t)rd_mb(&L.r);
  if (L.r.err) {
    rc = bad(&L, "truncated");
    goto fail;
  }
  if (m->N <= 0 || (uint64_t)m->N * (uint64_t)m->N > rd_left(&L.r) / 8) {
    rc = bad(&L, "tag count N does not fit the file");
    goto fail;
  }
  if (m->M < 0 || (uint64_t)m->N * (uint64_t)m->M > ((uint64_t)1 << 28)) {
    rc = bad(&L, "class count M out of range");
    goto fail;
  }
  m->A = malloc((size_t)m->N * (size_t)m->N * sizeof *m->A);
  m->B = malloc((size_t)m->N * (size_t)(m->M ? m->M : 1) * sizeof *m->B);
  if (!m->A || !m->B) goto nomem;
  /* entries absent from the file are not 0 but Apertium's ZERO, 1e-10 */
  for (size_t i = 0; i < (size_t)m->N * (size_t)m->M; i++) m->B[i] = 1e-10;
  for (size_t i = 0; i < (size_t)m->N * (size_t)m->N; i++) m->A[i] = be_double(&L.r);
  if ((rc = count(&L, &n, 10, "B entry"))) goto fail;
  for (uint32_t t = 0; t < n; t++) {
    uint32_t i = rd_mb(&L.r), j = rd_mb(&L.r);
    double v = be_double(&L.r);
    if (L.r.err) {
      rc = bad(&L, "truncated");
      goto fail;
    }
    if (i >= (uint32_t)m->N || j >= (uint32_t)m->M) {
      rc = bad(&L, "B entry out of range");
      goto fail;
    }
    m->B[(size_t)j * (size_t)m->N + i] = v;
  }
  /* every tag that will index A and B must be below N */
  for (uint32_t i = 0; i < m->open_class.n; i++)
    if (m->open_class.t[i] < 0 || m->open_class.t[i] >= m->N) {
      rc = bad(&L, "open class tag out of range");
      goto fail;
    }
  for (uint32_t k = 0; k < m->n_cls; k++)
    for (uint32_t i = 0; i < m->cls[k].n; i++)
      if (m->cls[k].t[i] < 0 || m->cls[k].t[i] >= m->N) {
        rc = bad(&L, "ambiguity class tag out of range");
        goto fail;
      }
  if (m->tag_sent < 0 || m->tag_sent >= m->N || m->tag_eof < 0 || m->tag_eof >= m->N || m->tag_undef < 0 ||
      m->tag_undef >= m->N) {
    rc = bad(&L, "TAG_SENT, TAG_kEOF or TAG_kUNDEF out of range");
    goto fail;
  }
  if ((rc = read_patterns(&L, m))) goto fail;
  for (uint32_t i = 0; i < m->first[m->n_states]; i++)
    if (m->dest[i] >= m->n_states) {
      rc = bad(&L, "pattern transition target out of range");
      goto fail;
    }
  m->dest_any_char = malloc(m->n_states * sizeof *m->dest_any_char);
  m->dest_any_tag = malloc(m->n_states * sizeof *m->dest_any_tag);
  if (!m->dest_any_char || !m->dest_any_tag) goto nomem;
  for (uint32_t st = 0; st < m->n_states; st++) {
    m->dest_any_char[st] = hmm_ms_search(m, st, m->any_char);
    m->dest_any_tag[st] = hmm_ms_search(m, st, m->any_tag);
  }
  /* discard rules, only when something follows (Debian reads a count and
   * stops at the end of the file) */
  if (rd_left(&L.r) > 0 && (rc = read_rules(&L, &m->discard, &m->n_discard, "discard rule"))) goto fail;
  if ((rc = build_tables(&L, m))) goto fail;
  ubuf_free(&s);
  *out = m;
  return PL_OK;
nomem:
  rc = pl_err_set(e, PL_ENOMEM, -1, "%s: out of memory", L.name);
fail:
  ubuf_free(&s);
  hmm_free(m);
  return rc;
}

int hmm_load_file(hmm_model **out, const char *path, pl_err *e) {
  bbuf b = {0};
  int rc = pl_read_file(path, &b, e);
  if (!rc) rc = hmm_load_buffer(out, b.p ? b.p : "", b.len, path, e);
  bbuf_free(&b);
  return rc;
}

static void free_rules(hmm_re *r, uint32_t n) {
  if (!r) return;
  for (uint32_t i = 0; i < n; i++) {
    free(r[i].src);
    free(r[i].lit);
    if (r[i].re) uregex_close(r[i].re);
  }
  free(r);
}

void hmm_free(hmm_model *m) {
  if (!m) return;
  free(m->A);
  free(m->B);
  free(m->open_class.t);
  if (m->cls)
    for (uint32_t k = 0; k < m->n_cls; k++) free(m->cls[k].t);
  free(m->cls);
  free_rules(m->prefer, m->n_prefer);
  free_rules(m->discard, m->n_discard);
  if (m->ptag)
    for (uint32_t i = 0; i < m->n_ptags; i++) free(m->ptag[i]);
  free(m->ptag);
  free(m->ptag_len);
  free(m->ptag_hash);
  free(m->cls_hash);
  free(m->first);
  free(m->sym);
  free(m->dest);
  free(m->final_type);
  free(m->dest_any_char);
  free(m->dest_any_tag);
  free(m);
}
