/*
 * fst_proc.c - lt-proc's analysis, generation and bilingual modes.
 *
 * These are ports of the control flow of lttoolbox 3.7.1's FSTProcessor
 * (analysis, generation, bilingual and their readers), kept deliberately
 * close to the original structure: byte identity with Debian depends on its
 * details, including the ones that look like accidents (the 2048-symbol
 * replay buffer, text lost when the input ends inside a rewound token, the
 * extra NUL of -z, surface-form indices counted in UTF-16 units).  The speed
 * comes from the data layout (fst.h) and the State engine (state.c), not from
 * changing the algorithm.
 */
#include <stdlib.h>
#include <string.h>

#include "fst_proc_int.h"
#include "../base/scan.h"

/* ---------------- queues ---------------- */

static int uq_grow(uqueue *q) {
  if (q->n < q->cap) return 0;
  size_t cap = q->cap ? q->cap * 2 : 16;
  ubuf *v = calloc(cap, sizeof *v);
  if (!v) return -1;
  for (size_t i = 0; i < q->n; i++) v[i] = q->v[(q->head + i) % q->cap];
  free(q->v);
  q->v = v;
  q->head = 0;
  q->cap = cap;
  return 0;
}

void uq_free(uqueue *q) {
  for (size_t i = 0; i < q->cap; i++) ubuf_free(&q->v[i]);
  free(q->v);
  memset(q, 0, sizeof *q);
}

int uq_push(uqueue *q, const uint16_t *s, size_t n) {
  if (q->n == q->cap && uq_grow(q)) return -1;
  size_t k = q->head + q->n;
  ubuf *b = &q->v[k >= q->cap ? k - q->cap : k];
  q->n++;
  if (n == 1 && b->cap) { /* the usual single space */
    b->p[0] = s[0];
    b->len = 1;
    return 0;
  }
  b->len = 0;
  return ubuf_append(b, s, n);
}

int uq_push_front(uqueue *q, const uint16_t *s, size_t n) {
  if (uq_grow(q)) return -1;
  q->head = (q->head ? q->head : q->cap) - 1;
  ubuf *b = &q->v[q->head];
  b->len = 0;
  q->n++;
  return ubuf_append(b, s, n);
}

const ubuf *uq_front(const uqueue *q) {
  static const ubuf empty; /* shared, never written */
  return q->n ? &q->v[q->head] : &empty;
}

void uq_pop(uqueue *q) {
  if (!q->n) return;
  q->head = q->head + 1 == q->cap ? 0 : q->head + 1;
  q->n--;
}

static int sd_grow(symdeque *d) {
  if (d->n < d->cap) return 0;
  size_t cap = d->cap ? d->cap * 2 : 16;
  symvec *v = calloc(cap, sizeof *v);
  if (!v) return -1;
  for (size_t i = 0; i < d->n; i++) v[i] = d->v[(d->head + i) % d->cap];
  free(d->v);
  d->v = v;
  d->head = 0;
  d->cap = cap;
  return 0;
}

void sd_free(symdeque *d) {
  for (size_t i = 0; i < d->cap; i++) free(d->v[i].p);
  free(d->v);
  memset(d, 0, sizeof *d);
}

symvec *sd_at(symdeque *d, size_t i) { return &d->v[(d->head + i) % d->cap]; }

int sd_push_back(symdeque *d, const int32_t *p, size_t n) {
  if (sd_grow(d)) return -1;
  symvec *v = &d->v[(d->head + d->n) % d->cap];
  d->n++;
  if (i32vec_set(v, p, n)) d->failed = 1;
  return d->failed ? -1 : 0;
}

int sd_push_front(symdeque *d, const int32_t *p, size_t n) {
  if (sd_grow(d)) return -1;
  d->head = (d->head + d->cap - 1) % d->cap;
  d->n++;
  if (i32vec_set(&d->v[d->head], p, n)) d->failed = 1;
  return d->failed ? -1 : 0;
}

void sd_pop_front(symdeque *d) {
  if (!d->n) return;
  d->head = (d->head + 1) % d->cap;
  d->n--;
}

/* ---------------- replay buffer (lttoolbox/buffer.h) ---------------- */

static inline void ib_add(ibuf *b, int32_t v) {
  if (b->last == IBUF_SIZE) b->last = 0;
  b->buf[b->last++] = v;
  b->cur = b->last;
}
static inline int32_t ib_lastval(const ibuf *b) { return b->last ? b->buf[b->last - 1] : b->buf[IBUF_SIZE - 1]; }
static inline int32_t ib_next(ibuf *b) {
  if (b->cur != b->last) {
    if (b->cur == IBUF_SIZE) b->cur = 0;
    return b->buf[b->cur++];
  }
  return ib_lastval(b);
}
static inline int32_t ib_peek(const ibuf *b) {
  if (b->cur != b->last) return b->cur == IBUF_SIZE ? b->buf[0] : b->buf[b->cur];
  return ib_lastval(b);
}
static inline int ib_empty(const ibuf *b) { return b->cur == b->last; }
static inline void ib_setpos(ibuf *b, size_t pos) { b->cur = (unsigned)(pos % IBUF_SIZE); }
static inline void ib_back(ibuf *b, size_t n) {
  if (b->cur > n) b->cur -= (unsigned)n;
  else b->cur = (unsigned)(IBUF_SIZE - (n - b->cur));
}

/* ---------------- shared helpers ---------------- */

void proc_reset_state(struct fst_proc *p, fstate *s) {
  st_copy(&p->E, s, &p->initial);
}

static void out_ubuf(struct fst_proc *p, const ubuf *b) { out_u16(p->out, b->p, b->len); }

void proc_write_blank_front(struct fst_proc *p) {
  if (!p->blanks.n) return;
  const ubuf *f = uq_front(&p->blanks);
  if (f->len == 1 && f->p[0] < 0x80) out_byte(p->out, f->p[0]); /* the usual space */
  else out_ubuf(p, f);
  uq_pop(&p->blanks);
}

void proc_flush_blanks(struct fst_proc *p) {
  while (p->blanks.n) proc_write_blank_front(p);
}

/* InputFile::readBlock: from `start` (already consumed) to `end` inclusive,
 * keeping escapes; stops at NUL or end of input. */
uint16_t *u_readblock(u8in *r, int32_t start, int32_t end, ubuf *out) {
  out->len = 0;
  ubuf_put_cp(out, start);
  int32_t c = 0;
  while (c != end && !u8in_eof(r)) {
    c = u8in_get(r);
    if (c == 0) break;
    ubuf_put_cp(out, c);
    if (c == '\\') ubuf_put_cp(out, u8in_get(r));
  }
  return out->p;
}

/* InputFile::finishWBlank: the rest of a "[[...]]" after "[[" was read. */
void u_finish_wblank(u8in *r, ubuf *out) {
  out->len = 0;
  ubuf_put_ascii(out, "[[");
  while (!u8in_eof(r)) {
    int32_t c = u8in_get(r);
    if (c == 0) break;
    ubuf_put_cp(out, c);
    if (c == '\\') ubuf_put_cp(out, u8in_get(r));
    else if (c == ']' && u8in_peek(r) == ']') {
      ubuf_put_cp(out, u8in_get(r));
      break;
    }
  }
}

static int32_t tag_lookup(struct fst_proc *p, const ubuf *b) { return fst_tag_find(p->f, b->p, b->len); }

static void write_escaped(struct fst_proc *p, const uint16_t *s, size_t n) {
  size_t a = 0;
  if (!n) return;
  for (size_t i = 0; i < n; i++) {
    if (is_escaped(s[i])) {
      out_u16(p->out, s + a, i - a);
      out_byte(p->out, '\\');
      a = i;
    }
  }
  out_u16(p->out, s + a, n - a);
}

/* FSTProcessor::removeTags: cut at the first '<' not preceded by '\'. */
static size_t remove_tags_len(const uint16_t *s, size_t n) {
  for (size_t i = 1; i < n; i++)
    if (s[i] == '<' && s[i - 1] != '\\') return i;
  return n;
}

/* FSTProcessor::writeEscapedWithTags */
static void write_escaped_with_tags(struct fst_proc *p, const uint16_t *s, size_t n) {
  if (!n) return;
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '<' && i >= 1 && s[i - 1] != '\\') {
      out_u16(p->out, s + i, n - i);
      return;
    }
    if (is_escaped(s[i])) out_byte(p->out, '\\');
    out_u16(p->out, s + i, 1);
  }
}

/* ICU case test on one UTF-16 unit, as lttoolbox applies it to UString
 * characters: a surrogate is never upper case. */
static inline int unit_isupper(uint16_t c) { return (c < 0xD800 || c > 0xDFFF) && uc_isupper(c); }

static inline int is_alpha(const struct fst_proc *p, int32_t c) {
  return uc_isalnum(c) || fst_is_letter(p->f, c);
}

/* ---------------- analysis ---------------- */

/* FSTProcessor::readAnalysis */
static int32_t read_analysis_slow(struct fst_proc *p, int32_t val, pl_err *e, int *fatal);

/* The common case inline: a replayed symbol, or a plain character. */
static inline int32_t read_analysis(struct fst_proc *p, pl_err *e, int *fatal) {
  if (!ib_empty(&p->ib)) return ib_next(&p->ib);
  int32_t val = u8in_get(&p->r);
  if (PL_LIKELY(val > ' ' && !p->r.in->eof_seen && val != 0xAD && val != U8IN_EOF && !is_escaped(val))) {
    ib_add(&p->ib, val);
    return val;
  }
  if (val == ' ' && !u8in_eof(&p->r)) { /* a blank: queued, see read_analysis_slow */
    uq_push_unit(&p->blanks, ' ');
    ib_add(&p->ib, ' ');
    return ' ';
  }
  return read_analysis_slow(p, val, e, fatal);
}

static int32_t read_analysis_slow(struct fst_proc *p, int32_t val, pl_err *e, int *fatal) {
  if (u8in_eof(&p->r)) {
    ib_add(&p->ib, 0);
    return 0;
  }
  if (val == U8IN_EOF) val = 0;
  if (!p->o.no_default_ignore)
    while (val == 0xAD) val = u8in_get(&p->r);
  if (is_escaped(val)) {
    switch (val) {
    case '<': {
      u_readblock(&p->r, '<', '>', &p->tmp);
      int32_t s = tag_lookup(p, &p->tmp);
      ib_add(&p->ib, s);
      return s;
    }
    case '[':
      val = u8in_get(&p->r);
      if (val == '[') u_finish_wblank(&p->r, &p->tmp);
      else {
        u8in_unget(&p->r, val);
        u_readblock(&p->r, '[', ']', &p->tmp);
      }
      uq_push(&p->blanks, p->tmp.p, p->tmp.len);
      ib_add(&p->ib, ' ');
      return ' ';
    case '\\':
      val = u8in_get(&p->r);
      ib_add(&p->ib, val);
      return val;
    default:
      *fatal = 1;
      pl_err_set(e, PL_EINPUT, pl_in_offset(p->r.in), "lt-proc: malformed input stream: unescaped '%c' at byte %lld",
                 (char)val, pl_in_offset(p->r.in) - 1);
      ib_add(&p->ib, 0);
      return 0;
    }
  }
  if (val == ' ') {
    static const uint16_t sp = ' ';
    uq_push(&p->blanks, &sp, 1);
  }
  ib_add(&p->ib, val);
  return val;
}

/* FSTProcessor::filterFinals for analysis (case from the surface form). */
static void analysis_finals(struct fst_proc *p, fstate *s, const ubuf *sf, bbuf *lf) {
  int firstupper = 0, uppercase = 0;
  if (!p->o.dictionary_case) {
    firstupper = sf->len && unit_isupper(sf->p[0]);
    uppercase = sf->len > 1 && firstupper && unit_isupper(sf->p[sf->len - 1]);
  }
  /* analyses are only ever printed: keep them as UTF-8 */
  p->tmp2.len = 0;
  st_filter_finals(&p->E, s, p->finals_mask, uppercase, firstupper, 0x7fffffff, &p->tmp2);
  lf->len = 0;
  bbuf_put_u16(lf, p->tmp2.p, p->tmp2.len);
}

/* lastBlank: index of the last UTF-16 unit not in the dictionary's letters. */
static size_t last_blank(const struct fst_proc *p, const ubuf *s) {
  for (size_t i = s->len; i-- > 0;)
    if (!fst_is_letter(p->f, s->p[i])) return i;
  return 0;
}

typedef struct { size_t cp, u16; } indices;

static indices first_not_alpha(const struct fst_proc *p, const ubuf *s) {
  indices ix = {0, 0};
  size_t i = 0;
  while (i < s->len) {
    int32_t c = s->p[i];
    size_t w = 1;
    if (c >= 0xD800 && c < 0xDC00 && i + 1 < s->len && s->p[i + 1] >= 0xDC00 && s->p[i + 1] < 0xE000) {
      c = 0x10000 + ((c - 0xD800) << 10) + (s->p[i + 1] - 0xDC00);
      w = 2;
    }
    if (!is_alpha(p, c)) return ix;
    ix.cp++;
    ix.u16 += w;
    i += w;
  }
  return ix;
}

/* printWordPopBlank: ^sf lf$ where each space of sf consumes a queued blank;
 * a queued superblank is written after the $ instead. */
static void print_word_pop_blank(struct fst_proc *p, const uint16_t *sf, size_t n, const char *lf, size_t lf_len) {
  /* characters that need work here: the escaped ones and the space */
  const uint64_t lo = ESC_BITS_LO | (1ull << ' '), hi = ESC_BITS_HI;
  bbuf *b = &p->out->b;
  size_t postpop = 0;
  /* room for all of it: '^', each unit escaped or 3 bytes of UTF-8, lf, '$' */
  if (n > PL_BUF_MAX / 4 || lf_len > PL_BUF_MAX) return;
  if (4 * n + lf_len + 2 > b->cap - b->len && bbuf_reserve(b, 4 * n + lf_len + 2)) return;
  char *d = b->p + b->len;
  *d++ = '^';
  for (size_t i = 0; i < n;) {
    uint32_t c = sf[i];
    if (PL_LIKELY(c < 128)) {
      if (PL_UNLIKELY(((c < 64 ? lo : hi) >> (c & 63)) & 1)) {
        if (c != ' ') {
          *d++ = '\\';
        } else {
          const ubuf *f = uq_front(&p->blanks);
          if (p->blanks.n && f->len == 1 && f->p[0] == ' ') uq_pop(&p->blanks);
          else postpop++;
        }
      }
      *d++ = (char)c;
      i++;
    } else { /* a run of other units, surrogate pairs kept together */
      size_t j = i;
      while (j < n && sf[j] >= 128) j++;
      b->len = (size_t)(d - b->p);
      bbuf_put_u16(b, sf + i, j - i); /* within the room reserved */
      d = b->p + b->len;
      i = j;
    }
  }
  if (lf_len) memcpy(d, lf, lf_len);
  d += lf_len;
  *d++ = '$';
  b->len = (size_t)(d - b->p);
  while (postpop-- && p->blanks.n) proc_write_blank_front(p);
}

static void print_word(struct fst_proc *p, const uint16_t *sf, size_t n, const bbuf *lf) {
  out_byte(p->out, '^');
  write_escaped(p, sf, n);
  out_bytes(p->out, lf->p, lf->len);
  out_byte(p->out, '$');
}

static void print_unknown_word(struct fst_proc *p, const uint16_t *sf, size_t n) {
  out_byte(p->out, '^');
  write_escaped(p, sf, n);
  out_str(p->out, "/*");
  write_escaped(p, sf, n);
  out_byte(p->out, '$');
}

static void print_char(struct fst_proc *p, int32_t val) {
  if (uc_isspace(val)) {
    if (p->blanks.n) proc_write_blank_front(p);
    else out_cp(p->out, val);
  } else {
    if (is_escaped(val)) out_byte(p->out, '\\');
    if (val) out_cp(p->out, val);
  }
}

static inline void sf_append(struct fst_proc *p, ubuf *sf, int32_t val) {
  if (val > 0) ubuf_put_cp(sf, val);
  else proc_sym_append(p, sf, val);
}

/* FSTProcessor::compoundAnalysis (-e): returns 1 and fills `res` if the word
 * splits into compound parts. */
static int compound_analysis(struct fst_proc *p, const uint16_t *w, size_t n, bbuf *res) {
  const int MAX_COMBINATIONS = 32767;
  fstate cur = {0};
  int ok = 0;
  proc_reset_state(p, &cur);
  for (size_t i = 0; i < n; i++) {
    int32_t val = w[i];
    st_step_case(&p->E, &cur, val, p->o.case_sensitive || cur.n >= FST_MAX_CI_STATE);
    if (cur.n > (uint32_t)MAX_COMBINATIONS) {
      fprintf(stderr, "Warning: compoundAnalysis's MAX_COMBINATIONS exceeded\n");
      goto out;
    }
    if (i + 1 < n) st_restart_finals(&p->E, &cur, p->finals_mask, p->cmp_only_l, &p->initial, '+');
    if (cur.n == 0) goto out;
  }
  st_prune_compounds(&p->E, &cur, p->cmp_r, '+', 4);
  {
    ubuf sf = {0};
    ubuf_append(&sf, w, n);
    analysis_finals(p, &cur, &sf, res);
    ubuf_free(&sf);
  }
  ok = res->len > 0;
out:
  st_free(&cur);
  return ok;
}

static void print_unknown_or_compound(struct fst_proc *p, const uint16_t *w, size_t n) {
  if (p->o.decompose) {
    bbuf c = {0};
    if (compound_analysis(p, w, n, &c)) print_word(p, w, n, &c);
    else print_unknown_word(p, w, n);
    bbuf_free(&c);
  } else {
    print_unknown_word(p, w, n);
  }
}

/* ---- the State of analysis, seen through the prefix cache (acache.h) ----
 * `cur` is the real State; it is up to date ("synced") only while the
 * token's symbols have been stepped for real.  A walk along cached trie
 * nodes leaves it behind; it is rebuilt from `path` when needed. */
typedef struct lfview {
  const char *p;
  size_t len;
} lfview;

typedef struct aview {
  struct fst_proc *p;
  fstate *cur;
  int use;      /* the cache serves this token */
  uint32_t cur_depth; /* cur is the State after path[0..cur_depth) */
  int cur_stale;      /* cur must be reset to the initial State before use */
  uint32_t via; /* the current trie node (AC_ROOT at the start) */
  uint8_t fmask; /* of the current node */
  uint32_t depth;
  int32_t path[AC_MAX_DEPTH];
} aview;

static inline int case_sens(const struct fst_proc *p, const fstate *s) {
  return p->o.case_sensitive || s->n >= FST_MAX_CI_STATE;
}

/* Back to the initial State.  With the cache on, cur itself is reset only
 * when a miss needs it. */
static void av_reset(aview *v) {
  v->use = v->p->ac_on;
  v->cur_depth = 0;
  v->cur_stale = v->use;
  if (!v->use) proc_reset_state(v->p, v->cur);
  v->via = AC_ROOT;
  v->depth = 0;
  if (v->use) v->fmask = (uint8_t)AC_FMASK(v->p->ac.root.fl);
}

/* Stores cur (the State after the current prefix) as the snapshot of the
 * current trie node. */
static void av_snapshot(aview *v) {
  struct fst_proc *p = v->p;
  const fstate *s = v->cur;
  if (s->n > AC_SNAP_MAX_PATHS) return; /* a miss below replays from the root */
  uint32_t off = ac_snap_reserve(&p->ac, 1 + 3 * s->n);
  if (off == AC_NONE) {
    p->ac_full = 1;
    return;
  }
  int32_t *w = p->ac.snaps + off;
  *w++ = (int32_t)s->n;
  memcpy(w, s->v, s->n * sizeof *s->v);
  p->ac.esnap[v->via] = off;
}

/* Rebuilds cur from a snapshot. */
static void av_restore(aview *v, uint32_t off) {
  struct fst_proc *p = v->p;
  const int32_t *w = p->ac.snaps + off;
  uint32_t n = (uint32_t)*w++;
  fstate *s = v->cur;
  if (n > s->cap) {
    sent *nv = realloc(s->v, n * sizeof *nv);
    if (!nv) {
      p->E.failed = 1;
      return;
    }
    s->v = nv;
    s->cap = n;
  }
  memcpy(s->v, w, n * sizeof *s->v);
  s->n = n;
  s->is_initial = 0;
}

/* Brings cur up to the current prefix, from where it was left behind:
 * from the node's snapshot, or else by stepping from where cur is. */
static void av_sync(aview *v) {
  struct fst_proc *p = v->p;
  /* without the cache (off, or given up for this token) cur is stepped
   * for real at every symbol */
  if (!v->use || (v->cur_depth == v->depth && !v->cur_stale)) return;
  uint32_t snap = ac_snap(&p->ac, v->via);
  if (snap != AC_NONE) { /* the usual case */
    av_restore(v, snap);
    v->cur_stale = 0;
    v->cur_depth = v->depth;
    return;
  }
  if (v->cur_stale) {
    proc_reset_state(p, v->cur);
    v->cur_stale = 0;
    v->cur_depth = 0;
  }
  for (uint32_t i = v->cur_depth; i < v->depth; i++) st_step_case(&p->E, v->cur, v->path[i], case_sens(p, v->cur));
  v->cur_depth = v->depth;
}

static inline int av_fmask(aview *v) {
  return v->use ? v->fmask : st_final_mask(&v->p->E, v->cur);
}


/* Sets lf to the analyses of the current prefix: cached ones in the arena
 * (valid until the token ends: the arena grows only in this function, which
 * then sets lf anew, and is emptied only between tokens), or new ones made
 * in lfbuf. */
static void av_finals(aview *v, const ubuf *sf, lfview *lf, bbuf *lfbuf) {
  struct fst_proc *p = v->p;
  int variant = 0;
  if (!p->o.dictionary_case && sf->len && unit_isupper(sf->p[0]))
    variant = sf->len > 1 && unit_isupper(sf->p[sf->len - 1]) ? 2 : 1;
  if (v->use) {
    uint64_t ref = ac_lf(&p->ac, v->via, variant);
    if (ref != AC_LF_NONE) {
      lf->p = p->ac.arena.p + (ref >> 32);
      lf->len = (uint32_t)ref;
      return;
    }
  }
  av_sync(v);
  analysis_finals(p, v->cur, sf, lfbuf);
  if (v->use) ac_set_lf(&p->ac, v->via, variant, lfbuf->p, lfbuf->len);
  lf->p = lfbuf->p;
  lf->len = lfbuf->len;
}

/* Steps on val: what the trie does not know yet is stepped for real and
 * added to it.  Returns whether the State is still alive. */
static PL_NOINLINE int av_step_slow(aview *v, int32_t val) {
  struct fst_proc *p = v->p;
  if (v->use && v->depth == AC_MAX_DEPTH) { /* long token: continue for real */
    av_sync(v);
    v->use = 0;
  }
  if (!v->use) {
    st_step_case(&p->E, v->cur, val, case_sens(p, v->cur));
    return v->cur->n != 0;
  }
  av_sync(v);
  st_step_case(&p->E, v->cur, val, case_sens(p, v->cur));
  v->cur_depth++;
  int alive = v->cur->n != 0, fmask = st_final_mask(&p->E, v->cur);
  uint32_t e = ac_add(&p->ac, v->via, val, alive, fmask);
  if (e == AC_NONE) { /* full: start afresh from the next token */
    p->ac_full = 1;
    v->use = 0;
    return alive;
  }
  v->via = e;
  v->fmask = (uint8_t)fmask;
  v->path[v->depth++] = val;
  if (alive) av_snapshot(v);
  return alive;
}

/* The common case inline: a walk along the trie. */
static inline int av_step(aview *v, int32_t val) {
  struct fst_proc *p = v->p;
  uint32_t e;
  if (PL_LIKELY(v->use) && (e = ac_child(&p->ac, v->via, val)) != AC_NONE) {
    const aent *a = &p->ac.ent[e];
    v->via = e;
    v->fmask = (uint8_t)AC_FMASK(a->fl);
    __builtin_prefetch(p->ac.ent + a->blk); /* the next step scans this block */
    v->path[v->depth++] = val; /* a node at AC_MAX_DEPTH has no children */
    return a->fl & AC_ALIVE;
  }
  return av_step_slow(v, val);
}

/* FSTProcessor::analysis (one call: up to a NUL or the end of input). */
static int analysis(struct fst_proc *p, pl_err *e) {
  int last_incond = 0, last_postblank = 0, last_preblank = 0, seen_cpL = 0, fatal = 0;
  fstate cur = {0};
  bbuf lfbuf = {0}, lf_spcmp = {0};
  lfview lf = {NULL, 0}; /* the analyses of the longest final prefix so far */
  ubuf sf = {0}, oldsf = {0};
  size_t last_start = p->ib.cur, last = 0, last_size = 0;
  const int M_INC = FST_SEC_INCOND, M_POST = FST_SEC_POSTBLANK, M_PRE = FST_SEC_PREBLANK;
  int32_t val;
  aview v;
  v.p = p;
  v.cur = &cur;
  av_reset(&v);
  int at_start = 1; /* nothing of the token read yet */
  do {
    val = read_analysis(p, e, &fatal);
    if (fatal) break;
    if (val == ' ' && at_start && p->space_alone) {
      /* the common blank between words, read again after the word: what
       * the loop would do (no entry starts with a blank, the initial state
       * is not final, a blank is no letter) is print it */
      print_char(p, ' ');
      last_start = p->ib.cur;
      pl_out_maybe_spill(p->out);
      continue;
    }
    at_start = 0;
    int fmask = av_fmask(&v);
    if (fmask & p->finals_mask) {
      int kind = (fmask & M_INC)       ? 1
                 : (fmask & M_POST)    ? 2
                 : (fmask & M_PRE)     ? 3
                 : !is_alpha(p, val)   ? 4
                                       : 0;
      if (kind) {
        if (p->o.decompose && p->cmp_only_l) st_prune_forbidden(&p->E, &cur, p->cmp_only_l);
        av_finals(&v, &sf, &lf, &lfbuf);
        last_incond = kind == 1;
        last_postblank = kind == 2;
        last_preblank = kind == 3;
        if (kind == 4) last_incond = last_postblank = last_preblank = 0;
        last = p->ib.cur;
        last_size = sf.len;
      } else if (p->o.decompose && p->cmp_only_l && st_has_symbol(&p->E, &cur, p->cmp_only_l)) {
        seen_cpL = 1;
      }
    } else if (sf.len == 0 && uc_isspace(val)) {
      lf.p = "/*";
      lf.len = 2;
      last_postblank = last_preblank = last_incond = 0;
      last = p->ib.cur;
      last_size = sf.len;
    }

    int alive = av_step(&v, val);
    if (PL_UNLIKELY(p->E.failed)) break;

    if (alive) {
      if (val != 0) sf_append(p, &sf, val);
      continue;
    }

    /* The path died: decide what the text read so far was. */
    lf_spcmp.len = 0;
    if (seen_cpL && is_alpha(p, val) && sf.len && last_size <= last_blank(p, &sf)) {
      int32_t oldval = val;
      ubuf_copy(&oldsf, &sf);
      do {
        sf_append(p, &sf, val);
      } while ((val = read_analysis(p, e, &fatal)) && !fatal && is_alpha(p, val));
      if (fatal) break;
      compound_analysis(p, sf.p, sf.len, &lf_spcmp);
      if (!lf_spcmp.len) {
        ib_back(&p->ib, sf.len - oldsf.len);
        val = oldval;
        ubuf_copy(&sf, &oldsf);
      } else {
        ib_back(&p->ib, 1);
        val = ib_peek(&p->ib);
      }
    }
    seen_cpL = 0;

    if (lf_spcmp.len) {
      print_word_pop_blank(p, sf.p, sf.len, lf_spcmp.p, lf_spcmp.len);
    } else if (!is_alpha(p, val) && sf.len == 0) {
      print_char(p, val);
    } else if (last_postblank) {
      print_word_pop_blank(p, sf.p, last_size, lf.p, lf.len);
      out_byte(p->out, ' ');
      ib_setpos(&p->ib, last);
      ib_back(&p->ib, 1);
    } else if (last_preblank) {
      out_byte(p->out, ' ');
      print_word_pop_blank(p, sf.p, last_size, lf.p, lf.len);
      ib_setpos(&p->ib, last);
      ib_back(&p->ib, 1);
    } else if (last_incond) {
      print_word_pop_blank(p, sf.p, last_size, lf.p, lf.len);
      ib_setpos(&p->ib, last);
      ib_back(&p->ib, 1);
    } else if ((is_alpha(p, val) && (last_size > last_blank(p, &sf) || lf.len == 0)) || lf.len == 0) {
      if (is_alpha(p, val) && (last_size > last_blank(p, &sf) || lf.len == 0)) {
        do {
          sf_append(p, &sf, val);
        } while ((val = read_analysis(p, e, &fatal)) && !fatal && is_alpha(p, val));
        if (fatal) break;
      }
      indices lim = first_not_alpha(p, &sf);
      if (lim.cp == 0) {
        ib_setpos(&p->ib, 1 + last_start);
        write_escaped(p, sf.p, sf.len ? 1 : 0);
      } else {
        ib_setpos(&p->ib, last_start + lim.cp);
        print_unknown_or_compound(p, sf.p, lim.u16);
      }
    } else {
      print_word_pop_blank(p, sf.p, last_size, lf.p, lf.len);
      ib_setpos(&p->ib, last);
      ib_back(&p->ib, 1);
    }
    /* Debian drops here whatever was read ahead but not yet re-scanned when
     * the input ends (or a NUL arrives): "A.B.C." at EOF analyses only "A".
     * parley re-scans it instead (DIVERGENCES.md, lt-proc-eof); the loop
     * ends once the replay buffer is drained up to the end marker. */
    int pending = val == 0 && !ib_empty(&p->ib);

    /* back to the initial state: the output pool can be rewound, unless
     * the cache's snapshots refer to it; then only when it grows too big */
    if (!p->ac_on || p->ac_full || p->E.pool.n > AC_POOL_MAX) {
      if (p->ac_on) ac_clear(&p->ac);
      p->ac_full = 0;
      p->E.pool.n = p->pool_base;
    }
    av_reset(&v);
    at_start = 1;
    lf.len = 0;
    sf.len = 0;
    last_start = p->ib.cur;
    last_incond = last_postblank = last_preblank = 0;
    pl_out_maybe_spill(p->out);
    if (pending) val = -1; /* keep going: the buffer still holds input */
  } while (val);

  proc_flush_blanks(p);
  st_free(&cur);
  bbuf_free(&lfbuf);
  ubuf_free(&sf);
  bbuf_free(&lf_spcmp);
  ubuf_free(&oldsf);
  return fatal ? e->code : PL_OK;
}

static int run_analysis(struct fst_proc *p, pl_err *e) {
  if (!p->o.null_flush) return analysis(p, e);
  while (!u8in_eof(&p->r)) {
    int rc = analysis(p, e);
    if (rc) return rc;
    out_byte(p->out, 0);
    pl_out_flush(p->out);
    while (!ib_empty(&p->ib)) ib_next(&p->ib);
  }
  return PL_OK;
}

/* ---------------- generation ---------------- */

#define GEN_END 0x7fffffff

/* FSTProcessor::skipUntil */
static void skip_until(struct fst_proc *p, int32_t ch) {
  for (;;) {
    int32_t val = u8in_get(&p->r);
    if (u8in_eof(&p->r)) return;
    if (val == '\\') {
      val = u8in_get(&p->r);
      if (u8in_eof(&p->r)) return;
      out_byte(p->out, '\\');
      out_cp(p->out, val);
    } else if (val == 0) {
      out_byte(p->out, 0);
      if (p->null_flush_gen) pl_out_flush(p->out);
    } else if (val == ch) {
      return;
    } else {
      out_cp(p->out, val);
    }
  }
}

/* The part of readGeneration/readBilingual outside words: returns the first
 * symbol of the next word's text, or GEN_END. */
static int32_t read_word_start(struct fst_proc *p) {
  int32_t val = u8in_get(&p->r);
  if (u8in_eof(&p->r)) return GEN_END;
  if (p->out_of_word) {
    if (val == '^') {
      val = u8in_get(&p->r);
      if (u8in_eof(&p->r)) return GEN_END;
    } else if (val == '\\') {
      out_cp(p->out, val);
      val = u8in_get(&p->r);
      if (u8in_eof(&p->r)) return GEN_END;
      out_cp(p->out, val);
      skip_until(p, '^');
      val = u8in_get(&p->r);
      if (u8in_eof(&p->r)) return GEN_END;
    } else {
      out_cp(p->out, val);
      skip_until(p, '^');
      val = u8in_get(&p->r);
      if (u8in_eof(&p->r)) return GEN_END;
    }
    p->out_of_word = 0;
  }
  return val;
}

/* FSTProcessor::readGeneration / readBilingual.  `sym` receives the text of
 * an unknown tag (bilingual keeps it). */
static int32_t read_lu_symbol(struct fst_proc *p, ubuf *unknown_tag) {
  if (unknown_tag) unknown_tag->len = 0;
  for (;;) {
    int32_t val = read_word_start(p);
    if (val == GEN_END) return GEN_END;
    if (val == '\\') return u8in_get(&p->r);
    if (val == '$') {
      p->out_of_word = 1;
      return '$';
    }
    if (val == '<') {
      u_readblock(&p->r, '<', '>', &p->tmp);
      int32_t s = tag_lookup(p, &p->tmp);
      if (s == 0 && unknown_tag) ubuf_copy(unknown_tag, &p->tmp);
      return s;
    }
    if (val == '[') {
      val = u8in_get(&p->r);
      if (val == '[') u_finish_wblank(&p->r, &p->tmp);
      else {
        u8in_unget(&p->r, val);
        u_readblock(&p->r, '[', ']', &p->tmp);
      }
      out_ubuf(p, &p->tmp);
      continue; /* readGeneration recurses */
    }
    return val;
  }
}

static int gen_case_first(const ubuf *sf) { return sf->len && unit_isupper(sf->p[0]); }
static int gen_case_second(const ubuf *sf) { return sf->len > 1 && unit_isupper(sf->p[1]); }

/* The decision for a lexical unit that does not start with '*', '%' or '@':
 * its symbols `steps` are stepped from the initial State (lttoolbox steps
 * them while reading; nothing else depends on the State meanwhile, so
 * deferring is equivalent), then its forms, or its '#' form, are written. */
static void gen_decide(struct fst_proc *p, fstate *cur, const ubuf *sf, const int32_t *steps, size_t n_steps,
                       ubuf *res) {
  fst_genmode gm = p->o.gm;
  proc_reset_state(p, cur);
  for (size_t i = 0; i < n_steps && cur->n > 0; i++) {
    int32_t val = steps[i];
    int cs = p->o.case_sensitive || cur->n >= FST_MAX_CI_STATE;
    if (val > 0 && uc_isupper(val) && !cs) {
      if (gm == FST_GM_CAREFULCASE) st_step_careful(&p->E, cur, val, uc_tolower(val));
      else st_step2(&p->E, cur, val, uc_tolower(val));
    } else {
      st_step(&p->E, cur, val);
    }
  }
  if (st_is_final(&p->E, cur, p->finals_mask)) {
    int firstupper = 0, uppercase = 0;
    if (!p->o.dictionary_case) {
      uppercase = gen_case_second(sf);
      firstupper = gen_case_first(sf);
    }
    if (gm == FST_GM_TAGGED || gm == FST_GM_TAGGED_NM) out_byte(p->out, '^');
    res->len = 0;
    st_filter_finals(&p->E, cur, p->finals_mask, uppercase, firstupper, 0x7fffffff, res);
    if (res->len) out_u16(p->out, res->p + 1, res->len - 1);
    if (gm == FST_GM_TAGGED || gm == FST_GM_TAGGED_NM) {
      out_byte(p->out, '/');
      write_escaped_with_tags(p, sf->p, sf->len);
      out_byte(p->out, '$');
    }
    return;
  }
  size_t rl = remove_tags_len(sf->p, sf->len);
  if (gm == FST_GM_ALL) {
    out_byte(p->out, '#');
    write_escaped(p, sf->p, sf->len);
  } else if (gm == FST_GM_CLEAN) {
    write_escaped(p, sf->p, rl);
  } else if (gm == FST_GM_UNKNOWN) {
    if (sf->len) {
      out_byte(p->out, '#');
      write_escaped(p, sf->p, rl);
    }
  } else if (gm == FST_GM_TAGGED) {
    out_byte(p->out, '#');
    write_escaped(p, sf->p, rl);
  } else if (gm == FST_GM_TAGGED_NM) {
    out_byte(p->out, '^');
    write_escaped(p, sf->p, rl);
    out_str(p->out, "/#");
    write_escaped_with_tags(p, sf->p, sf->len);
    out_byte(p->out, '$');
  }
}

/* Runs `decide` with its output captured, so that it can be remembered in
 * the processor's word cache under `key` (the unit's symbols): a unit's
 * output depends on nothing else. */
static void cached_decision(struct fst_proc *p, const void *key, size_t klen, void (*decide)(struct fst_proc *, void *),
                            void *arg) {
  uint64_t h = kv_hash(key, klen);
  size_t vlen;
  const char *v = kv_get(&p->wc, h, key, klen, &vlen);
  if (v) {
    out_bytes(p->out, v, vlen);
    return;
  }
  pl_out *real = p->out;
  pl_out cap;
  pl_out_init_mem(&cap);
  p->out = &cap;
  decide(p, arg);
  p->out = real;
  if (!cap.b.failed && !p->E.failed) kv_put(&p->wc, h, key, klen, cap.b.p, cap.b.len);
  out_bytes(real, cap.b.p, cap.b.len);
  pl_out_fini(&cap);
}

/* ---- whole units by their text (generation and bilingual lookup) ----
 *
 * Between units, a unit whose text is plain (no escapes, blocks, '/' or
 * NUL; tags closed; not one of the forms that start with '*', '%', '@',
 * '=' or a space) has an output that depends on its bytes alone, so it is
 * looked up by them before any symbol is read.  A hit writes the blank
 * before it and the stored output, and moves past its '$'.  A miss writes
 * the blank, consumes the '^' and lets the normal reader take the unit; the
 * '$' branch then stores what it wrote (rawcache_store). */

/* Length of the plain unit body at s[0..n) up to its '$', or 0. */
static size_t plain_body(const unsigned char *s, size_t n) {
  if (!n || s[0] == '*' || s[0] == '%' || s[0] == '@' || s[0] == '=' || s[0] == '$' || uc_isspace(s[0]))
    return 0;
  int in_tag = 0;
  for (size_t i = 0; i < n;) {
    unsigned c = s[i];
    if (c >= 0x80) {
      int k = utf8_lead_len((unsigned char)c);
      if (k < 2 || (size_t)k > n - i || utf8_decode(s + i, k) < 0) return 0;
      i += (size_t)k;
      continue;
    }
    if (c == '$') return in_tag ? 0 : i;
    if (c == 0 || c == '\\' || c == '[' || c == ']' || c == '^' || c == '/') return 0;
    if (c == '<') {
      if (in_tag) return 0;
      in_tag = 1;
    } else if (c == '>') {
      in_tag = 0;
    }
    i++;
  }
  return 0;
}

static int rawcache_try(struct fst_proc *p) {
  if (!p->rc_on || !p->out_of_word || p->r.n_back) return 0;
  pl_in *in = p->r.in;
  const unsigned char *s = (const unsigned char *)in->p + in->pos;
  size_t n = in->len - in->pos, i = 0;
  for (;;) { /* the blank: plain text up to '^' */
    i = pl_scan4(s, i, n, '^', '\\', '[', ']');
    if (i >= n || s[i] < 0x80) break;
    int k = utf8_lead_len(s[i]);
    if (k < 2 || (size_t)k > n - i || utf8_decode(s + i, k) < 0) return 0;
    i += (size_t)k;
  }
  if (i >= n || s[i] != '^') return 0;
  size_t b0 = i + 1, bl = plain_body(s + b0, n - b0);
  if (!bl) return 0;
  uint64_t h = kv_hash(s + b0, bl);
  size_t vlen;
  const char *v = kv_get(&p->rc, h, s + b0, bl, &vlen);
  out_bytes(p->out, s, i);
  if (v) {
    out_bytes(p->out, v, vlen);
    in->pos += b0 + bl + 1;
    return 1;
  }
  p->rc_key.len = 0;
  bbuf_append(&p->rc_key, s + b0, bl);
  p->rc_pending = !p->rc_key.failed;
  in->pos += b0;
  p->out_of_word = 0;
  p->rc_mark = p->out->b.len;
  return 0;
}

/* At the end of a unit that rawcache_try passed on: stores its output. */
static void rawcache_store(struct fst_proc *p) {
  if (!p->rc_pending) return;
  p->rc_pending = 0;
  if (p->E.failed || p->out->b.failed || p->out->b.len < p->rc_mark) return;
  kv_put(&p->rc, kv_hash(p->rc_key.p, p->rc_key.len), p->rc_key.p, p->rc_key.len, p->out->b.p + p->rc_mark,
         p->out->b.len - p->rc_mark);
}

typedef struct gen_unit {
  fstate *cur;
  const ubuf *sf;
  const int32_t *steps;
  size_t n;
  ubuf *res;
} gen_unit;

static void gen_decide_cb(struct fst_proc *p, void *arg) {
  gen_unit *u = arg;
  gen_decide(p, u->cur, u->sf, u->steps, u->n, u->res);
}

static int generation(struct fst_proc *p) {
  fstate cur = {0};
  ubuf sf = {0}, res = {0};
  symvec steps = {0};
  fst_genmode gm = p->o.gm;
  p->out_of_word = 0;
  skip_until(p, '^');
  int32_t val;
  for (;;) {
    if (rawcache_try(p)) {
      pl_out_maybe_spill(p->out);
      continue;
    }
    if ((val = read_lu_symbol(p, NULL)) == GEN_END || p->E.failed) break;
    if (sf.len == 0 && val == '=') {
      out_byte(p->out, '=');
      val = read_lu_symbol(p, NULL);
    }
    if (val == '$' && p->out_of_word) {
      uint16_t c0 = sf.len ? sf.p[0] : 0;
      if (c0 == '*' || c0 == '%') {
        if (gm != FST_GM_CLEAN && gm != FST_GM_TAGGED_NM) write_escaped(p, sf.p, sf.len);
        else if (gm == FST_GM_CLEAN) write_escaped(p, sf.p + 1, sf.len - 1);
        else {
          out_byte(p->out, '^');
          write_escaped(p, sf.p + 1, remove_tags_len(sf.p + 1, sf.len - 1));
          out_byte(p->out, '/');
          write_escaped_with_tags(p, sf.p, sf.len);
          out_byte(p->out, '$');
        }
      } else if (c0 == '@') {
        if (gm == FST_GM_ALL) write_escaped(p, sf.p, sf.len);
        else if (gm == FST_GM_CLEAN) write_escaped(p, sf.p + 1, remove_tags_len(sf.p + 1, sf.len - 1));
        else if (gm == FST_GM_UNKNOWN || gm == FST_GM_TAGGED) write_escaped(p, sf.p, remove_tags_len(sf.p, sf.len));
        else if (gm == FST_GM_TAGGED_NM) {
          out_byte(p->out, '^');
          write_escaped(p, sf.p + 1, remove_tags_len(sf.p + 1, sf.len - 1));
          out_byte(p->out, '/');
          write_escaped_with_tags(p, sf.p, sf.len);
          out_byte(p->out, '$');
        }
      } else {
        gen_unit u = {&cur, &sf, steps.p, steps.n, &res};
        cached_decision(p, steps.p, steps.n * sizeof *steps.p, gen_decide_cb, &u);
      }
      rawcache_store(p);
      p->E.pool.n = p->pool_base;
      sf.len = 0;
      steps.n = 0;
      pl_out_maybe_spill(p->out);
    } else if (uc_isspace(val) && sf.len == 0) {
      /* nothing */
    } else if (sf.len > 0 && (sf.p[0] == '*' || sf.p[0] == '%')) {
      proc_sym_append(p, &sf, val);
    } else {
      proc_sym_append(p, &sf, val);
      i32vec_push(&steps, val);
    }
  }
  if (steps.failed || sf.failed) p->E.failed = 1;
  st_free(&cur);
  ubuf_free(&sf);
  ubuf_free(&res);
  free(steps.p);
  return PL_OK;
}

/* ---------------- bilingual ---------------- */

/* FSTProcessor::compose: the queue of unmatched tags goes after each
 * translation. */
static void compose(const ubuf *lexforms, const ubuf *queue, ubuf *out) {
  out->len = 0;
  ubuf_push(out, '/');
  for (size_t i = 1; i < lexforms->len; i++) {
    if (lexforms->p[i] == '\\') {
      ubuf_push(out, '\\');
      i++;
      if (i >= lexforms->len) break;
    } else if (lexforms->p[i] == '/') {
      ubuf_append(out, queue->p, queue->len);
    }
    ubuf_push(out, lexforms->p[i]);
  }
  ubuf_append(out, queue->p, queue->len);
}

static void print_word_bilingual(struct fst_proc *p, const ubuf *sf, const ubuf *lf) {
  out_byte(p->out, '^');
  out_ubuf(p, sf);
  out_ubuf(p, lf);
  out_byte(p->out, '$');
}

/* The lookup state of one lexical unit (FSTProcessor::bilingual's locals). */
typedef struct bil_ctx {
  fstate cur;
  ubuf sf, queue, result, tmp;
  int seentags;
} bil_ctx;

static void bil_reset(struct fst_proc *p, bil_ctx *c) {
  p->E.pool.n = p->pool_base;
  proc_reset_state(p, &c->cur);
  c->sf.len = c->queue.len = c->result.len = 0;
  c->seentags = 0;
}

static void bil_free(bil_ctx *c) {
  st_free(&c->cur);
  ubuf_free(&c->sf);
  ubuf_free(&c->queue);
  ubuf_free(&c->result);
  ubuf_free(&c->tmp);
}

/* One symbol of a unit that does not start with '*': `unk` is the text of an
 * unknown tag (val == 0). */
static void bil_feed(struct fst_proc *p, bil_ctx *c, int32_t val, const uint16_t *unk, size_t unk_len) {
  if (val > 0 && is_escaped(val)) ubuf_push(&c->sf, '\\');
  proc_sym_append(p, &c->sf, val);
  if (val == 0) ubuf_append(&c->sf, unk, unk_len);
  if (val <= 0) c->seentags = 1;
  if (c->cur.n != 0) st_step_case(&p->E, &c->cur, val, p->o.case_sensitive || c->cur.n >= FST_MAX_CI_STATE);
  if (st_is_final(&p->E, &c->cur, p->finals_mask)) {
    int uppercase = gen_case_second(&c->sf), firstupper = gen_case_first(&c->sf);
    c->queue.len = 0;
    c->result.len = 0;
    st_filter_finals(&p->E, &c->cur, p->finals_mask, uppercase, firstupper, 0x7fffffff, &c->result);
  } else if (c->result.len) {
    /* after a match, further tags are queued for the translations; another
     * letter once the paths are dead means no match after all */
    if (val < 0) proc_sym_append(p, &c->queue, val);
    else if (val == 0) ubuf_append(&c->queue, unk, unk_len);
    else if (c->cur.n == 0) c->result.len = 0;
  }
}

/* The end of a unit that does not start with '*'. */
static void bil_print(struct fst_proc *p, bil_ctx *c, const ubuf *surface) {
  if (!c->seentags) { /* without tags, only a complete match counts */
    int uppercase = gen_case_second(&c->sf), firstupper = gen_case_first(&c->sf);
    c->result.len = 0;
    st_filter_finals(&p->E, &c->cur, p->finals_mask, uppercase, firstupper, 0x7fffffff, &c->result);
  }
  if (c->result.len) {
    compose(&c->result, &c->queue, &c->tmp);
    print_word_bilingual(p, &c->sf, &c->tmp);
  } else {
    const ubuf *w = surface ? surface : &c->sf;
    c->tmp.len = 0;
    ubuf_put_ascii(&c->tmp, p->o.gm == FST_GM_ALL ? "/#" : "/@");
    ubuf_append(&c->tmp, w->p, w->len);
    print_word_bilingual(p, w, &c->tmp);
  }
}

typedef struct bil_unit {
  bil_ctx *c;
  const bbuf *items;
} bil_unit;

/* Replays a unit recorded as items: int32 symbol, then for an unknown tag
 * (symbol 0) a uint32 length and that many UTF-16 units. */
static void bil_replay_cb(struct fst_proc *p, void *arg) {
  bil_unit *u = arg;
  bil_reset(p, u->c);
  const char *q = u->items->p, *end = q ? q + u->items->len : q;
  while (q < end) {
    int32_t val;
    memcpy(&val, q, sizeof val);
    q += sizeof val;
    const uint16_t *unk = NULL;
    uint32_t n = 0;
    if (val == 0) {
      memcpy(&n, q, sizeof n);
      q += sizeof n;
      unk = (const uint16_t *)(const void *)q;
      q += (size_t)n * sizeof *unk;
    }
    bil_feed(p, u->c, val, unk, n);
  }
  bil_print(p, u->c, NULL);
}

static int bilingual(struct fst_proc *p) {
  bil_ctx c = {0};
  ubuf sf = {0}, symbol = {0}, surface = {0}, tmp = {0};
  bbuf items = {0};
  int seensurface = 0;
  int live = p->o.surface_bil; /* -o: the output depends on more than the symbols */
  fst_genmode gm = p->o.gm;
  bil_reset(p, &c);
  p->out_of_word = 0;
  skip_until(p, '^');
  while (!p->E.failed) {
    if (rawcache_try(p)) {
      pl_out_maybe_spill(p->out);
      continue;
    }
    int32_t val = read_lu_symbol(p, &symbol);
    if (p->o.surface_bil && !seensurface && !p->out_of_word) {
      while (val != '/' && val != GEN_END) {
        ubuf_append(&surface, symbol.p, symbol.len);
        proc_sym_append(p, &surface, val);
        val = read_lu_symbol(p, &symbol);
      }
      seensurface = 1;
      val = read_lu_symbol(p, &symbol);
    }
    if (val == GEN_END) break;
    if (val == '$' && p->out_of_word) {
      if (sf.len && sf.p[0] == '*') {
        tmp.len = 0;
        ubuf_push(&tmp, '/');
        if (gm == FST_GM_CLEAN) ubuf_append(&tmp, sf.p + 1, sf.len - 1);
        else ubuf_append(&tmp, sf.p, sf.len);
        print_word_bilingual(p, &sf, &tmp);
      } else if (live) {
        bil_print(p, &c, p->o.surface_bil ? &surface : NULL);
      } else {
        bil_unit u = {&c, &items};
        cached_decision(p, items.p ? items.p : "", items.len, bil_replay_cb, &u);
      }
      rawcache_store(p);
      seensurface = 0;
      surface.len = 0;
      sf.len = 0;
      items.len = 0;
      if (live) bil_reset(p, &c);
      pl_out_maybe_spill(p->out);
    } else if (uc_isspace(val) && sf.len == 0) {
      /* nothing */
    } else if (sf.len > 0 && sf.p[0] == '*') {
      if (val > 0 && is_escaped(val)) ubuf_push(&sf, '\\');
      proc_sym_append(p, &sf, val);
      if (val == 0) ubuf_append(&sf, symbol.p, symbol.len);
    } else {
      /* sf decides whether the unit starts with '*'; the lookup itself runs
       * live (-o) or at '$' from the recorded items, through the cache */
      if (val > 0 && is_escaped(val)) ubuf_push(&sf, '\\');
      proc_sym_append(p, &sf, val);
      if (val == 0) ubuf_append(&sf, symbol.p, symbol.len);
      if (live) {
        bil_feed(p, &c, val, symbol.p, symbol.len);
      } else {
        bbuf_append(&items, &val, sizeof val);
        if (val == 0) {
          uint32_t n = (uint32_t)symbol.len;
          bbuf_append(&items, &n, sizeof n);
          bbuf_append(&items, symbol.p, symbol.len * sizeof *symbol.p);
        }
      }
    }
  }
  if (items.failed || sf.failed) p->E.failed = 1;
  bil_free(&c);
  ubuf_free(&sf);
  ubuf_free(&symbol);
  ubuf_free(&surface);
  ubuf_free(&tmp);
  bbuf_free(&items);
  return PL_OK;
}

/* generation and bilingual with -z: the routine runs to the end of input
 * (NULs are copied and flushed on the way), then a NUL is written; since the
 * end is only noticed after a failed read, Debian writes one NUL more at the
 * very end than the input had. */
static int run_wrapped(struct fst_proc *p, int (*fn)(struct fst_proc *)) {
  if (!p->o.null_flush) return fn(p);
  p->null_flush_gen = 1;
  while (!u8in_eof(&p->r)) {
    int rc = fn(p);
    if (rc) return rc;
    out_byte(p->out, 0);
    pl_out_flush(p->out);
  }
  return PL_OK;
}

/* ---------------- set-up ---------------- */

static int32_t find_tag_ascii(const fst *f, const char *s) {
  uint16_t b[64];
  size_t n = strlen(s);
  if (n > 64) return 0;
  for (size_t i = 0; i < n; i++) b[i] = (uint16_t)(unsigned char)s[i];
  return fst_tag_find(f, b, n);
}

/* Long or unknown inputs get the analysis cache at its largest size up
 * front; short texts (a server request, a sentence) a small one that grows:
 * allocating and faulting in huge pages costs about a millisecond. */
#define AC_BIG_INPUT ((size_t)256 << 10)
static int ac_big(const fst_opts *o) { return o->size_hint == 0 || o->size_hint >= AC_BIG_INPUT; }

int fst_proc_create(fst_proc **out, const fst *f, const fst_opts *opts, pl_err *e) {
  *out = NULL;
  struct fst_proc *p = calloc(1, sizeof *p);
  if (!p) return pl_err_set(e, PL_ENOMEM, -1, "out of memory");
  p->f = f;
  p->o = *opts;
  p->E.f = f;
  if (opts->mode == FST_MODE_ANALYSIS) {
    p->finals_mask = FST_SEC_STANDARD | FST_SEC_INCOND | FST_SEC_POSTBLANK | FST_SEC_PREBLANK;
    for (uint32_t i = 0; i < f->n_sections; i++) {
      if (f->sec[i].type == FST_SEC_OTHER) {
        bbuf nm = {0};
        bbuf_put_u16(&nm, f->sec[i].name, f->sec[i].name_len);
        bbuf_putc(&nm, 0);
        pl_err_set(e, PL_EUNSUPPORTED, -1, "Unsupported transducer type for '%s'", nm.p ? nm.p : "");
        bbuf_free(&nm);
        free(p);
        return e->code;
      }
    }
  } else {
    p->finals_mask = 0xFF;
  }
  p->drop_tilde = opts->mode == FST_MODE_POSTGEN;
  p->E.pool.weighted = f->weighted;
  seq_push(&p->E.pool, 0, 0, 0.0); /* makes the pool reserve index 0 */
  p->E.pool.n = 1;
  st_init_root(&p->E, &p->initial);
  st_build_memo(&p->E, &p->initial, opts->case_sensitive);
  p->pool_base = p->E.pool.n;
  if (opts->decompose) {
    static const char *l[] = {"<:co:only-L>", "<:compound:only-L>", "<@co:only-L>", "<@compound:only-L>",
                              "<compound-only-L>"};
    static const char *r[] = {"<:co:R>", "<:compound:R>", "<@co:R>", "<@compound:R>", "<compound-R>"};
    for (int i = 0; i < 5 && !p->cmp_only_l; i++) p->cmp_only_l = find_tag_ascii(f, l[i]);
    for (int i = 0; i < 5 && !p->cmp_r; i++) p->cmp_r = find_tag_ascii(f, r[i]);
    if (!p->cmp_only_l) fprintf(stderr, "Warning: Decomposition symbol <:compound:only-L> not found\n");
    if (!p->cmp_r) fprintf(stderr, "Warning: Decomposition symbol <:compound:R> not found\n");
    p->E.hide1 = p->cmp_only_l;
    p->E.hide2 = p->cmp_r;
  }
  /* lttoolbox's valid(): the empty string must not be accepted, and no entry
   * may begin with a blank. */
  if (st_is_final(&p->E, &p->initial, p->finals_mask)) {
    fst_proc_free(p);
    return pl_err_set(e, PL_ECORRUPT, -1, "Invalid dictionary (hint: the left side of an entry is empty)");
  }
  {
    fstate s = {0};
    st_copy(&p->E, &s, &p->initial);
    st_step(&p->E, &s, ' ');
    uint32_t n = s.n;
    st_free(&s);
    p->E.pool.n = p->pool_base;
    if (n) {
      fst_proc_free(p);
      return pl_err_set(e, PL_ECORRUPT, -1, "Invalid dictionary (hint: entry beginning with whitespace)");
    }
    p->space_alone = !fst_is_letter(f, ' ');
  }
  if (opts->mode == FST_MODE_ANALYSIS && !opts->decompose && getenv("PARLEY_NO_CACHE") == NULL)
    p->ac_on = ac_init(&p->ac, st_final_mask(&p->E, &p->initial), ac_big(opts)) == 0;
  if (p->ac_on && ac_big(opts) && !p->E.pool.w && p->E.pool.n <= p->E.pool.cap) {
    /* the output pool lives as long as the cache: give it its largest
     * size up front too (AC_POOL_MAX and the longest token past it) */
    uint32_t cap = 2 * AC_POOL_MAX;
    seqnode *v = ac_alloc_max((size_t)cap * sizeof *v);
    if (v) {
      memcpy(v, p->E.pool.v, p->E.pool.n * sizeof *v);
      free(p->E.pool.v);
      p->E.pool.v = v;
      p->E.pool.cap = cap;
    }
  }
  p->rc_on = (opts->mode == FST_MODE_GENERATION || (opts->mode == FST_MODE_BILINGUAL && !opts->surface_bil)) &&
             getenv("PARLEY_NO_CACHE") == NULL;
  if (p->E.failed) {
    fst_proc_free(p);
    return pl_err_set(e, PL_ENOMEM, -1, "out of memory");
  }
  *out = p;
  return PL_OK;
}

void fst_proc_free(fst_proc *p) {
  if (!p) return;
  st_free(&p->initial);
  st_free(&p->E.tmp);
  free(p->E.pool.v);
  free(p->E.pool.w);
  free(p->E.memo);
  free(p->E.syms);
  ubuf_free(&p->E.ff_text);
  free(p->E.ff_refs);
  free(p->E.ff_recs);
  uq_free(&p->blanks);
  uq_free(&p->wblanks);
  sd_free(&p->tq);
  ubuf_free(&p->tmp);
  ubuf_free(&p->tmp2);
  ubuf_free(&p->tl_blank);
  ubuf_free(&p->tl_wblank);
  free(p->tl_word.p);
  ac_free(&p->ac);
  kv_free(&p->wc);
  kv_free(&p->rc);
  bbuf_free(&p->rc_key);
  free(p);
}

int fst_proc_run(fst_proc *p, pl_in *in, pl_out *out, pl_err *e) {
  int rc;
  u8in_init(&p->r, in);
  p->out = out;
  switch (p->o.mode) {
  case FST_MODE_ANALYSIS:
    rc = run_analysis(p, e);
    break;
  case FST_MODE_GENERATION:
    rc = run_wrapped(p, generation);
    break;
  case FST_MODE_BILINGUAL:
    rc = run_wrapped(p, bilingual);
    break;
  default:
    rc = proc_transliteration(p);
    break;
  }
  if (!rc) rc = u8in_check(&p->r, "lt-proc", e);
  if (!rc && p->rewrite_loop)
    rc = pl_err_set(e, PL_ELIMIT, pl_in_offset(in),
                    "lt-proc: the rules rewrite one word without end (before input byte %lld)", pl_in_offset(in));
  if (!rc && p->E.too_many_paths)
    rc = pl_err_set(e, PL_ELIMIT, pl_in_offset(in),
                    "lt-proc: the transducer has more than %u live paths here (at input byte %lld)", FST_MAX_PATHS,
                    pl_in_offset(in));
  if (!rc && (p->E.failed || p->E.pool.failed || out->b.failed))
    rc = pl_err_set(e, PL_ENOMEM, -1, "lt-proc: out of memory");
  pl_out_flush(out);
  if (!rc && out->err) rc = pl_err_set(e, PL_EIO, -1, "lt-proc: error writing output");
  return rc;
}
