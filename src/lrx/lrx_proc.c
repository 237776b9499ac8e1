/*
 * lrx_proc.c - the lexical-selection processor: Debian's lrx-proc
 * (apertium-lex-tools 0.4.2, lrx_processor.cc: process, processFlush,
 * recognisePattern, read_seg) re-implemented, byte for byte.
 *
 * The stream.  Lexical units "^SL/TL1/.../TLn$" are read with read_seg's
 * rules (a backslash keeps the next character, "<...>" is read as a block,
 * '/' and '$' end a part); everything else is the blank before the next
 * unit.  Units and their blanks are buffered in a window, positions 0..pos,
 * until no rule is half-way through a match; then the window is printed
 * (processFlush) and emptied.  Quirks kept: after such a flush the next
 * position is 1, not 0; a unit with an empty SL is dropped with its blank; a
 * unit without '/' gets one ("^a$" -> "^a/$"); at the end of input a part
 * that was cut off gets U+FFFF (Debian's U_EOF) appended; a literal U+FFFF
 * between units ends the input; escapes outside units are not escapes.
 *
 * Rules.  The rule transducer reads the SL symbols of successive units, each
 * unit followed by the tag <$>.  A state is started at every unit; each
 * symbol is stepped in every live state together with its wildcards
 * (a letter: <ANY_CHAR>, and its lower case and <ANY_UPPER> if it is upper
 * case, else <ANY_LOWER>; a tag: <ANY_TAG>).  A state that reaches a final
 * node after a second <$> has matched: its output is "op<$>op<$>...<$>id",
 * one operation key per unit ("<select>...", "<remove>...", "<skip>").  Each
 * rule id counts once per unit, and adds its weight to the score of each of
 * its operations at the unit's position.  When the window is printed, each
 * translation of a unit with several is tried against every scored operation
 * of the unit (in key order) with that operation's recogniser transducer; the
 * candidates are sorted by descending score with libstdc++'s std::sort (its
 * order among equal scores matters), and the first "select" of a translation
 * not yet removed keeps only that one; a "remove" drops its translation while
 * more than one is left.
 *
 * Representation.  A State of lttoolbox is a list of (node, output sequence)
 * paths.  Every observable use here is set-like (is it empty, is a node final,
 * the *set* of outputs at final nodes), so we drop duplicate paths, and keep
 * outputs as a tree of (symbol, parent) records in one pool, rewound whenever
 * the window is flushed.  Recognisers only need the set of nodes.
 *
 * Divergence (DIVERGENCES.md, lrx-nul): Debian prints every string with
 * ICU's "%S", which stops at a NUL, so without -z everything after a NUL up
 * to the end of its blank or unit part is lost; parley prints it.
 */
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>

#include "../base/args.h"
#include "../base/hash.h"
#include "../base/scan.h"
#include "../base/i32vec.h"
#include "../base/u8in.h"
#include "lrx_int.h"

/* A hard cap on the paths of one state; only a hostile rule file gets near. */
#define LRX_MAX_PATHS (1u << 16)
/* States of at least PSET_FROM paths find duplicates through a hash set. */
#define PSET_FROM 32u
#define PSET_CAP (2 * LRX_MAX_PATHS)
/* Operation keys remembered between flushes (the table is emptied beyond). */
#define LRX_MAX_OPS (1u << 16)

typedef struct cfg {
  uint32_t node, seq;
} cfg;

typedef struct lstate {
  cfg *v;
  uint32_t n, cap;
} lstate;

typedef struct seqn {
  int32_t sym;
  uint32_t parent; /* 0: the empty sequence */
} seqn;

typedef struct score {
  uint32_t op;
  double v;
} score;

typedef struct lu { /* one position of the window */
  bbuf blank, sl, tl; /* UTF-8 as read; tl holds the translations one after another */
  i32vec tl_end;      /* end offset of each translation in tl */
  score *sc;          /* scored operations, in the order first scored */
  uint32_t n_sc, cap_sc;
} lu;

typedef struct op {
  uint32_t off, len; /* in ops_text */
  uint32_t hash;
  uint32_t rec; /* recogniser's initial node; LRX_NONE none; LRX_NONE-1 not looked up */
  int is_remove;
} op;
#define REC_UNKNOWN (LRX_NONE - 1)

typedef struct cand {
  int is_remove;
  uint32_t ti;
  double w;
} cand;

typedef struct fentry { /* one element of filterFinalsLRX's set */
  uint32_t id_off, id_len; /* in fin_text */
  uint32_t w_first, n_w;   /* words in fin_words */
} fentry;

typedef struct pset_ent {
  uint32_t node, seq, stamp;
} pset_ent;

typedef struct memo_ent {
  uint32_t hash, key_off, key_len, res_off, res_len; /* key_len + 1 == 0: empty */
} memo_ent;
#define MEMO_MAX_ENTRIES (1u << 16)
#define MEMO_MAX_ITEMS (1u << 22)

typedef struct proc {
  const lrx *x;
  const fst *f;
  const lrx_opts *o;
  u8in r;
  pl_out *out;
  pl_err *e;
  int err;           /* PL_E* that stops the run (sticky) */
  unsigned long lineno;

  lu *w;
  uint32_t n_w, pos;

  lstate *alive, *next; /* the live states; scratch for the next list */
  uint32_t n_alive, n_next, cap_states;
  lstate init, tmp, tmp2, rec_a, rec_b;

  seqn *pool;
  uint32_t n_pool, cap_pool, pool_base;
  uint32_t *mark; /* per node: stamp of the step that last added it */
  uint32_t stamp;
  pset_ent *pset; /* PSET_CAP entries once a state grew large */
  uint32_t pset_stamp;

  op *ops;
  uint32_t n_ops, cap_ops;
  ubuf ops_text;
  uint32_t *op_slot, op_cap; /* hash: op index + 1, 0 empty */

  i32vec syms, syms2;
  ubuf u16, fin_text;
  fentry *fin;
  uint32_t n_fin, cap_fin;
  i32vec fin_words; /* pairs (off, len) */
  i32vec seen;      /* rule ids seen in this unit: pairs (off, len) in seen_text */
  ubuf seen_text;
  cand *cands;
  uint32_t n_cands, cap_cands;
  sortrec *recs;
  uint8_t *keep, *removed;
  uint32_t cap_ti;
  score *sorted_sc;
  uint32_t cap_sorted;

  /* The state started at a unit always begins as a copy of the initial
   * state, so where it gets to over a unit's symbols depends on the symbols
   * only: memo of symbols -> paths, for results that added no output (their
   * sequences are below pool_base and survive every rewind). */
  uint32_t fresh; /* index in alive of the state started at this unit */
  memo_ent *memo;
  uint32_t memo_cap, memo_n;
  bbuf memo_keys; /* the keys: a unit's SL bytes (after a '*') */
  cfg *memo_res;
  uint32_t memo_res_n, memo_res_cap;
} proc;

static void set_err(proc *P, int code) {
  if (!P->err) P->err = code;
}

static void *grow(proc *P, void *p, uint32_t *cap, uint32_t need, size_t size) {
  if (need <= *cap) return p;
  uint32_t c = *cap ? *cap : 8;
  while (c < need) {
    if (c > UINT32_MAX / 2) {
      set_err(P, PL_ENOMEM);
      return NULL;
    }
    c *= 2;
  }
  void *q = pl_realloc_array(p, c, size);
  if (!q) {
    set_err(P, PL_ENOMEM);
    return NULL;
  }
  *cap = c;
  return q;
}

/* ---- character classes (ICU, ASCII fast paths) ---- */
static inline int is_upper(int32_t c) { return c < 128 ? (c >= 'A' && c <= 'Z') : u_isupper(c); }
static inline int32_t to_lower(int32_t c) { return c < 128 ? ((c >= 'A' && c <= 'Z') ? c + 32 : c) : u_tolower(c); }
static inline int is_escaped(int32_t c) { /* lrx-proc's escaped_chars */
  switch (c) {
  case '[': case ']': case '{': case '}': case '^': case '$':
  case '/': case '\\': case '@': case '<': case '>':
    return 1;
  }
  return 0;
}

/* ---- States ---- */
static uint32_t seq_push(proc *P, uint32_t parent, int32_t sym) {
  if (P->n_pool == P->cap_pool) {
    if (P->n_pool >= (PL_BUF_MAX / sizeof(seqn))) {
      set_err(P, PL_ELIMIT);
      return parent;
    }
    seqn *q = grow(P, P->pool, &P->cap_pool, P->n_pool + 1, sizeof *q);
    if (!q) return parent;
    P->pool = q;
  }
  P->pool[P->n_pool] = (seqn){sym, parent};
  return P->n_pool++;
}

static uint32_t next_stamp(proc *P) {
  if (++P->stamp == 0) {
    memset(P->mark, 0, P->f->n_nodes * sizeof *P->mark);
    if (P->pset) memset(P->pset, 0, PSET_CAP * sizeof *P->pset);
    P->pset_stamp = 0;
    P->stamp = 1;
  }
  return P->stamp;
}

/* The set of paths of a large state, for the step that builds it: entries
 * are valid when their stamp is the step's (one state per stamp). */
static int pset_add(proc *P, uint32_t node, uint32_t seq, uint32_t stamp) {
  uint32_t mask = PSET_CAP - 1;
  for (uint32_t i = ((node * 2654435761u) ^ (seq * 40503u)) & mask;; i = (i + 1) & mask) {
    pset_ent *p = &P->pset[i];
    if (p->stamp != stamp) {
      *p = (pset_ent){node, seq, stamp};
      return 1;
    }
    if (p->node == node && p->seq == seq) return 0;
  }
}

/* Adds path (node, seq) to s unless it is there already: a per-node stamp
 * answers most lookups, a linear scan small states, a hash set large ones. */
static void add_path(proc *P, lstate *s, uint32_t node, uint32_t seq, uint32_t stamp) {
  if (PL_UNLIKELY(s->n >= LRX_MAX_PATHS)) { /* also keeps the hash set from filling up */
    set_err(P, PL_ELIMIT);
    return;
  }
  if (P->pset_stamp == stamp) {
    if (!pset_add(P, node, seq, stamp)) return;
  } else if (P->mark[node] == stamp) {
    for (uint32_t i = 0; i < s->n; i++)
      if (s->v[i].node == node && s->v[i].seq == seq) return;
  }
  P->mark[node] = stamp;
  if (s->n == s->cap) {
    cfg *q = grow(P, s->v, &s->cap, s->n + 1, sizeof *q);
    if (!q) return;
    s->v = q;
  }
  s->v[s->n++] = (cfg){node, seq};
  if (s->n == PSET_FROM && P->pset_stamp != stamp) {
    if (!P->pset) {
      P->pset = calloc(PSET_CAP, sizeof *P->pset);
      if (!P->pset) return; /* linear scans remain correct */
    }
    for (uint32_t i = 0; i < s->n; i++) pset_add(P, s->v[i].node, s->v[i].seq, stamp);
    P->pset_stamp = stamp;
  }
}

/* lttoolbox State::epsilonClosure over the paths of s from `from` on. */
static void closure(proc *P, lstate *s, int track, uint32_t stamp) {
  const fst *f = P->f;
  for (uint32_t i = 0; i < s->n; i++) {
    uint32_t node = s->v[i].node;
    if (!f->node[node].has_eps) continue;
    uint32_t a, b;
    fst_arcs_for(f, node, 0, &a, &b);
    for (; a < b; a++) {
      const fst_arc *arc = &f->arc[a];
      uint32_t seq = s->v[i].seq;
      if (track && arc->out) seq = seq_push(P, seq, arc->out);
      add_path(P, s, FST_TO_NODE(arc->to), seq, stamp);
    }
  }
}

/* State::step(input, alts): dst = the paths of src that move on any of
 * syms[0..ns), then the epsilon closure.  ns == 0 empties dst (a symbol 0
 * among the alternatives empties a State in lttoolbox). */
static void step(proc *P, const lstate *src, const int32_t *syms, int ns, int track, lstate *dst) {
  const fst *f = P->f;
  dst->n = 0;
  if (!ns) return;
  uint32_t stamp = next_stamp(P);
  for (uint32_t i = 0; i < src->n; i++) {
    cfg c = src->v[i];
    for (int k = 0; k < ns; k++) {
      uint32_t a, b;
      fst_arcs_for(f, c.node, syms[k], &a, &b);
      for (; a < b; a++) {
        const fst_arc *arc = &f->arc[a];
        uint32_t seq = c.seq;
        if (track && arc->out) seq = seq_push(P, seq, arc->out);
        add_path(P, dst, FST_TO_NODE(arc->to), seq, stamp);
      }
    }
  }
  closure(P, dst, track, stamp);
}

static int is_final(const proc *P, const lstate *s) {
  for (uint32_t i = 0; i < s->n; i++)
    if (P->f->node[s->v[i].node].final_type) return 1;
  return 0;
}

static void copy_state(proc *P, lstate *dst, const lstate *src) {
  dst->n = 0;
  cfg *q = grow(P, dst->v, &dst->cap, src->n, sizeof *q);
  if (!q) return;
  dst->v = q;
  if (src->n) memcpy(dst->v, src->v, src->n * sizeof *q);
  dst->n = src->n;
}

/* The symbols one tokenised symbol is stepped on (make_anys); returns their
 * count, 0 when the step empties every state. */
static int step_syms(const lrx *x, int32_t sym, int32_t out[4]) {
  int32_t in = sym, alt[3];
  int na = 0;
  if (sym <= 0) {
    if (sym == 0) in = x->any_tag;
    alt[na++] = x->any_tag;
  } else {
    alt[na++] = x->any_char;
    if (is_upper(sym)) {
      alt[na++] = to_lower(sym);
      alt[na++] = x->any_upper;
    } else {
      alt[na++] = x->any_lower;
    }
  }
  if (in == 0) return 0;
  int n = 0;
  out[n++] = in;
  for (int i = 0; i < na; i++) {
    if (alt[i] == 0) return 0;
    int dup = 0;
    for (int j = 0; j < n; j++) dup |= out[j] == alt[i];
    if (!dup) out[n++] = alt[i];
  }
  return n;
}

/* ---- tokenising (Alphabet::tokenize) ---- */
static int32_t utf8_next(const char *s, size_t len, size_t *i) {
  unsigned char c = (unsigned char)s[*i];
  if (c < 0x80) {
    (*i)++;
    return c;
  }
  int n = utf8_lead_len(c);
  if ((size_t)n > len - *i) n = (int)(len - *i);
  int32_t cp = utf8_decode((const unsigned char *)s + *i, n);
  *i += (size_t)n;
  return cp < 0 ? 0xFFFD : cp; /* cannot happen: the reader validated */
}

/* Symbols of the UTF-8 string s[0..len): backslashes dropped, "<name>" a tag
 * (-1, the first tag, when the alphabet lacks it), an unclosed '<' dropped. */
static void tokenize(proc *P, const char *s, size_t len, i32vec *out) {
  out->n = 0;
  size_t i = 0;
  while (i < len) {
    int32_t c = utf8_next(s, len, &i);
    if (c == '\\') continue;
    if (c != '<') {
      i32vec_push(out, c);
      continue;
    }
    size_t j = i;
    int32_t d = c;
    ubuf *u = &P->u16;
    u->len = 0;
    ubuf_push(u, '<');
    while (d != '>' && j < len) {
      d = utf8_next(s, len, &j);
      ubuf_put_cp(u, d);
    }
    if (d == '>') {
      int32_t t = u->failed ? 0 : fst_tag_find(P->f, u->p, u->len);
      i32vec_push(out, t ? t : -1);
      i = j;
    }
  }
  if (out->failed || P->u16.failed) set_err(P, PL_ENOMEM);
}

/* ---- operations ---- */
static uint32_t op_intern(proc *P, const uint16_t *s, size_t n) {
  uint32_t h = (uint32_t)pl_hash(s, n * sizeof *s);
  if (P->op_cap == 0 || (P->n_ops + 1) * 2 > P->op_cap) {
    uint32_t cap = P->op_cap ? P->op_cap * 2 : 256;
    uint32_t *slot = calloc(cap, sizeof *slot);
    if (!slot) {
      set_err(P, PL_ENOMEM);
      return LRX_NONE;
    }
    for (uint32_t k = 0; k < P->n_ops; k++) {
      uint32_t j = P->ops[k].hash & (cap - 1);
      while (slot[j]) j = (j + 1) & (cap - 1);
      slot[j] = k + 1;
    }
    free(P->op_slot);
    P->op_slot = slot;
    P->op_cap = cap;
  }
  uint32_t j = h & (P->op_cap - 1);
  for (; P->op_slot[j]; j = (j + 1) & (P->op_cap - 1)) {
    const op *o = &P->ops[P->op_slot[j] - 1];
    if (o->hash == h && o->len == n && (n == 0 || !memcmp(P->ops_text.p + o->off, s, n * sizeof *s))) return P->op_slot[j] - 1;
  }
  op *q = grow(P, P->ops, &P->cap_ops, P->n_ops + 1, sizeof *q);
  if (!q) return LRX_NONE;
  P->ops = q;
  if (P->ops_text.len > UINT32_MAX - n) {
    set_err(P, PL_ELIMIT);
    return LRX_NONE;
  }
  uint32_t off = (uint32_t)P->ops_text.len;
  if (ubuf_append(&P->ops_text, s, n)) {
    set_err(P, PL_ENOMEM);
    return LRX_NONE;
  }
  P->ops[P->n_ops] = (op){off, (uint32_t)n, h, REC_UNKNOWN, n >= 2 && s[0] == '<' && s[1] == 'r'};
  P->op_slot[j] = P->n_ops + 1;
  return P->n_ops++;
}

static void ops_reset(proc *P) {
  P->n_ops = 0;
  P->ops_text.len = 0;
  if (P->op_slot) memset(P->op_slot, 0, P->op_cap * sizeof *P->op_slot);
}

static int cmp_u16(const uint16_t *a, size_t na, const uint16_t *b, size_t nb) {
  size_t n = na < nb ? na : nb;
  for (size_t i = 0; i < n; i++)
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  return na < nb ? -1 : na > nb;
}

/* ---- the window ---- */
static lu *lu_at(proc *P, uint32_t pos) {
  if (pos >= P->n_w) {
    uint32_t cap = P->n_w;
    lu *q = grow(P, P->w, &cap, pos + 1, sizeof *q);
    if (!q) return NULL;
    memset(q + P->n_w, 0, (cap - P->n_w) * sizeof *q);
    P->w = q;
    P->n_w = cap;
  }
  return &P->w[pos];
}

static void lu_reset(lu *L) {
  bbuf_reset(&L->blank);
  bbuf_reset(&L->sl);
  bbuf_reset(&L->tl);
  L->tl_end.n = 0;
  L->n_sc = 0;
}

static void add_score(proc *P, uint32_t pos, uint32_t opi, double v) {
  lu *L = lu_at(P, pos);
  if (!L) return;
  for (uint32_t i = 0; i < L->n_sc; i++)
    if (L->sc[i].op == opi) {
      L->sc[i].v += v;
      return;
    }
  score *q = grow(P, L->sc, &L->cap_sc, L->n_sc + 1, sizeof *q);
  if (!q) return;
  L->sc = q;
  L->sc[L->n_sc++] = (score){opi, 0.0 + v};
}

/* ---- recognisers ---- */
static void put_u16_stderr(FILE *fp, const uint16_t *s, size_t n) {
  bbuf b = {0};
  bbuf_put_u16(&b, s, n);
  if (b.len) fwrite(b.p, 1, b.len, fp);
  bbuf_free(&b);
}

/* recognisePattern: does the recogniser of op `opi` accept symbols syms? */
static int recognise(proc *P, const i32vec *syms, uint32_t opi, const char *ti, size_t ti_len) {
  op *o = &P->ops[opi];
  if (o->rec == REC_UNKNOWN) o->rec = lrx_rec_find(P->x, P->ops_text.p + o->off, o->len);
  if (o->rec == LRX_NONE) {
    if (P->o->warn) {
      fputs("WARNING: Recogniser not found for key ", P->o->warn);
      put_u16_stderr(P->o->warn, P->ops_text.p + o->off, o->len);
      fputs(", skipping... [LU: ", P->o->warn);
      fwrite(ti, 1, ti_len, P->o->warn);
      fputs("]\n", P->o->warn);
    }
    return 0;
  }
  lstate *a = &P->rec_a, *b = &P->rec_b;
  a->n = 0;
  uint32_t stamp = next_stamp(P);
  add_path(P, a, o->rec, 0, stamp);
  closure(P, a, 0, stamp);
  for (size_t i = 0; i < syms->n; i++) {
    if (a->n == 0) return 0;
    int32_t ss[4];
    int ns = step_syms(P->x, syms->p[i], ss);
    step(P, a, ss, ns, 0, b);
    lstate t = *a;
    *a = *b;
    *b = t;
  }
  return is_final(P, a);
}

/* ---- printing the window (processFlush) ---- */
/* Translation t of L is L->tl[*a, *b): they are stored joined by '/'. */
static void tl_span(const lu *L, uint32_t t, size_t *a, size_t *b) {
  *a = t ? (size_t)L->tl_end.p[t - 1] + 1 : 0;
  *b = (size_t)L->tl_end.p[t];
}

static void trace_line(proc *P, const cand *m, const lu *L, uint32_t n_keep) {
  FILE *fp = P->o->trace;
  fprintf(fp, "%lu:%s:%g:", P->lineno, m->is_remove ? "REMOVE" : "SELECT", m->w);
  fwrite(L->sl.p, 1, L->sl.len, fp);
  fprintf(fp, ":%u:", n_keep);
  size_t a, b;
  tl_span(L, m->ti, &a, &b);
  fwrite(L->tl.p + a, 1, b - a, fp);
  fputc('\n', fp);
}

static int cmp_score_text(proc *P, const score *a, const score *b) {
  const op *x = &P->ops[a->op], *y = &P->ops[b->op];
  return cmp_u16(P->ops_text.p + x->off, x->len, P->ops_text.p + y->off, y->len);
}

/* Room for `need` candidates and translations in the scratch of print_lu. */
static int ensure_cands(proc *P, uint32_t need) {
  if (need <= P->cap_ti) return 0;
  uint32_t cap = P->cap_ti ? P->cap_ti : 8;
  while (cap < need) cap *= 2;
  sortrec *r = pl_realloc_array(P->recs, cap, sizeof *r);
  if (r) P->recs = r;
  uint8_t *k = pl_realloc_array(P->keep, cap, 1);
  if (k) P->keep = k;
  uint8_t *m = pl_realloc_array(P->removed, cap, 1);
  if (m) P->removed = m;
  if (!r || !k || !m) {
    set_err(P, PL_ENOMEM);
    return -1;
  }
  P->cap_ti = cap;
  return 0;
}

static void print_lu(proc *P, lu *L) {
  pl_out *out = P->out;
  uint32_t n_tl = (uint32_t)L->tl_end.n;
  out_bytes(out, L->blank.p, L->blank.len);
  out_byte(out, '^');
  out_bytes(out, L->sl.p, L->sl.len);
  out_byte(out, '/');
  P->n_cands = 0;
  if (n_tl > 1 && L->n_sc) {
    /* the scored operations in key order (std::map) */
    score *ss = grow(P, P->sorted_sc, &P->cap_sorted, L->n_sc, sizeof *ss);
    if (!ss) return;
    P->sorted_sc = ss;
    memcpy(ss, L->sc, L->n_sc * sizeof *ss);
    for (uint32_t i = 1; i < L->n_sc; i++) { /* insertion sort: a few keys */
      score v = ss[i];
      uint32_t j = i;
      while (j > 0 && cmp_score_text(P, &ss[j - 1], &v) > 0) {
        ss[j] = ss[j - 1];
        j--;
      }
      ss[j] = v;
    }
    for (uint32_t t = 0; t < n_tl; t++) {
      size_t a, b;
      tl_span(L, t, &a, &b);
      tokenize(P, L->tl.p + a, b - a, &P->syms2);
      for (uint32_t k = 0; k < L->n_sc; k++) {
        if (!recognise(P, &P->syms2, ss[k].op, L->tl.p + a, b - a)) continue;
        cand *c = grow(P, P->cands, &P->cap_cands, P->n_cands + 1, sizeof *c);
        if (!c) return;
        P->cands = c;
        P->cands[P->n_cands++] = (cand){P->ops[ss[k].op].is_remove, t, ss[k].v};
      }
    }
  }
  if (P->n_cands) {
    if (ensure_cands(P, P->n_cands > n_tl ? P->n_cands : n_tl)) return;
    sortrec *r = P->recs;
    uint8_t *keep = P->keep, *rem = P->removed;
    /* std::sort by descending score: the comparator a.w > b.w is b.key < a.key
     * with key = -w, so the emulation of std::sort gives the same order */
    for (uint32_t i = 0; i < P->n_cands; i++) r[i] = (sortrec){-P->cands[i].w, i};
    std_sort_by_key(r, P->n_cands);
    memset(keep, 1, n_tl);
    memset(rem, 0, n_tl);
    uint32_t n_keep = n_tl;
    for (uint32_t i = 0; i < P->n_cands; i++) {
      const cand *m = &P->cands[r[i].idx];
      if (P->o->trace) trace_line(P, m, L, n_keep);
      if (!m->is_remove && !rem[m->ti]) {
        memset(keep, 0, n_tl);
        keep[m->ti] = 1;
        n_keep = 1;
        break;
      } else if (n_keep > 1) {
        if (keep[m->ti]) {
          keep[m->ti] = 0;
          n_keep--;
        }
        rem[m->ti] = 1;
      }
    }
    int printed = 0;
    for (uint32_t t = 0; t < n_tl; t++) {
      if (!keep[t]) continue;
      if (printed) out_byte(out, '/');
      size_t a, b;
      tl_span(L, t, &a, &b);
      out_bytes(out, L->tl.p + a, b - a);
      printed = 1;
    }
  } else {
    if (n_tl) out_bytes(out, L->tl.p, (size_t)L->tl_end.p[n_tl - 1]);
  }
  out_byte(out, '$');
}

/* processFlush, then the window is emptied; with tail_blank also the blank
 * after the last unit (at the end of input and at a NUL with -z). */
static void flush_window(proc *P, int tail_blank) {
  for (uint32_t s = 0; s <= P->pos && s < P->n_w; s++) {
    lu *L = &P->w[s];
    if (L->sl.len) print_lu(P, L);
    else if (tail_blank && s == P->pos) out_bytes(P->out, L->blank.p, L->blank.len);
    lu_reset(L);
    pl_out_maybe_spill(P->out);
  }
  P->n_pool = P->pool_base;
  if (P->n_ops > LRX_MAX_OPS) ops_reset(P);
}

/* ---- rule matching ---- */
/* Makes room for `need` states in both lists. */
static int ensure_states(proc *P, uint32_t need) {
  if (need <= P->cap_states) return 0;
  uint32_t cap = P->cap_states ? P->cap_states * 2 : 8;
  while (cap < need) cap *= 2;
  lstate *a = pl_realloc_array(P->alive, cap, sizeof *a);
  if (a) P->alive = a;
  lstate *b = pl_realloc_array(P->next, cap, sizeof *b);
  if (b) P->next = b;
  if (!a || !b) {
    set_err(P, PL_ENOMEM);
    return -1;
  }
  memset(P->alive + P->cap_states, 0, (cap - P->cap_states) * sizeof *a);
  memset(P->next + P->cap_states, 0, (cap - P->cap_states) * sizeof *b);
  P->cap_states = cap;
  return 0;
}

/* A new, empty state at the end of the live list or of the next one. */
static lstate *append_state(proc *P, int to_next) {
  uint32_t *n = to_next ? &P->n_next : &P->n_alive;
  if (ensure_states(P, *n + 1)) return NULL;
  lstate *s = to_next ? &P->next[*n] : &P->alive[*n];
  (*n)++;
  s->n = 0;
  return s;
}

static uint32_t hash_bytes(const char *k, size_t n) { return (uint32_t)pl_hash(k, n); }

static memo_ent *memo_find(proc *P, const char *k, size_t n, uint32_t h) {
  if (!P->memo_cap) return NULL;
  uint32_t mask = P->memo_cap - 1;
  for (uint32_t i = h & mask;; i = (i + 1) & mask) {
    memo_ent *m = &P->memo[i];
    if (m->key_len == UINT32_MAX) return m;
    if (m->hash == h && m->key_len == n && (n == 0 || !memcmp(P->memo_keys.p + m->key_off, k, n))) return m;
  }
}

static void memo_clear(proc *P) {
  if (P->memo) memset(P->memo, 0xFF, P->memo_cap * sizeof *P->memo);
  P->memo_n = 0;
  P->memo_keys.len = 0;
  P->memo_res_n = 0;
}

/* Remembers that the fresh state gets to `res` over k[0..n). */
static void memo_put(proc *P, const char *k, size_t n, uint32_t h, const lstate *res) {
  for (uint32_t i = 0; i < res->n; i++)
    if (res->v[i].seq >= P->pool_base) return; /* depends on this window's outputs */
  if (P->memo_n >= MEMO_MAX_ENTRIES || P->memo_keys.len + n > MEMO_MAX_ITEMS ||
      (size_t)P->memo_res_n + res->n > MEMO_MAX_ITEMS)
    memo_clear(P);
  if (!P->memo || P->memo_n + 1 > P->memo_cap / 2) { /* (re)build, twice as large */
    uint32_t cap = P->memo_cap ? P->memo_cap * 2 : 1024;
    memo_ent *t = malloc(cap * sizeof *t);
    if (!t) return; /* the memo is an optimisation only */
    memset(t, 0xFF, cap * sizeof *t);
    for (uint32_t i = 0; i < P->memo_cap; i++) {
      memo_ent *m = &P->memo[i];
      if (m->key_len == UINT32_MAX) continue;
      uint32_t j = m->hash & (cap - 1);
      while (t[j].key_len != UINT32_MAX) j = (j + 1) & (cap - 1);
      t[j] = *m;
    }
    free(P->memo);
    P->memo = t;
    P->memo_cap = cap;
  }
  memo_ent *m = memo_find(P, k, n, h);
  if (m->key_len != UINT32_MAX) return;
  uint32_t key_off = (uint32_t)P->memo_keys.len;
  bbuf_append(&P->memo_keys, k, n);
  cfg *q = grow(P, P->memo_res, &P->memo_res_cap, P->memo_res_n + res->n + 1, sizeof *q);
  if (!q || P->memo_keys.failed) {
    memo_clear(P);
    P->memo_keys.failed = 0;
    return;
  }
  P->memo_res = q;
  if (res->n) memcpy(q + P->memo_res_n, res->v, res->n * sizeof *q);
  *m = (memo_ent){h, key_off, (uint32_t)n, P->memo_res_n, res->n};
  P->memo_res_n += res->n;
  P->memo_n++;
}

static void start_states(proc *P) {
  P->n_alive = 0;
  P->fresh = 0;
  lstate *s = append_state(P, 0);
  if (!s) return;
  copy_state(P, s, &P->init);
  if (P->x->null_boundary) {
    lstate *t = append_state(P, 0);
    if (!t) return;
    int32_t nb = P->x->null_boundary;
    step(P, &P->init, &nb, 1, 1, t);
  }
}

/* Appends the output words of path seq to fin_text/fin_words, returns the
 * entry (filterFinalsLRX for one final path). */
static void final_entry(proc *P, uint32_t seq) {
  /* the symbols, in order */
  P->syms2.n = 0;
  for (uint32_t q = seq; q; q = P->pool[q].parent) i32vec_push(&P->syms2, P->pool[q].sym);
  fentry *fe = grow(P, P->fin, &P->cap_fin, P->n_fin + 1, sizeof *fe);
  if (!fe || P->syms2.failed) {
    set_err(P, PL_ENOMEM);
    return;
  }
  P->fin = fe;
  fe = &P->fin[P->n_fin++];
  fe->w_first = (uint32_t)(P->fin_words.n / 2);
  fe->n_w = 0;
  ubuf *t = &P->fin_text;
  size_t word_start = t->len;
  const fst *f = P->f;
  for (size_t k = P->syms2.n; k-- > 0;) {
    int32_t sym = P->syms2.p[k];
    if (is_escaped(sym)) ubuf_push(t, '\\');
    if (sym < 0 && P->x->tag_is_wb[-sym - 1]) {
      if (t->len > word_start) {
        i32vec_push(&P->fin_words, (int32_t)word_start);
        i32vec_push(&P->fin_words, (int32_t)(t->len - word_start));
        fe->n_w++;
      }
      word_start = t->len;
      continue;
    }
    fst_sym_append(f, t, sym);
  }
  fe->id_off = (uint32_t)word_start;
  fe->id_len = (uint32_t)(t->len - word_start);
  if (t->failed || P->fin_words.failed || t->len > INT32_MAX) set_err(P, PL_ENOMEM);
}

static int cmp_fentry(proc *P, const fentry *a, const fentry *b) {
  const uint16_t *t = P->fin_text.p;
  int c = cmp_u16(t + a->id_off, a->id_len, t + b->id_off, b->id_len);
  if (c) return c;
  const int32_t *w = P->fin_words.p;
  for (uint32_t i = 0; i < a->n_w && i < b->n_w; i++) {
    const int32_t *x = w + 2 * (a->w_first + i), *y = w + 2 * (b->w_first + i);
    c = cmp_u16(t + x[0], (size_t)x[1], t + y[0], (size_t)y[1]);
    if (c) return c;
  }
  return a->n_w < b->n_w ? -1 : a->n_w > b->n_w;
}

/* A final state after the unit at P->pos: the rules it completes. */
static void apply_finals(proc *P, const lstate *s) {
  P->n_fin = 0;
  P->fin_text.len = 0;
  P->fin_words.n = 0;
  /* the text buffers must exist even when every string is empty */
  if (ubuf_reserve(&P->fin_text, 1) || ubuf_reserve(&P->seen_text, 1)) {
    set_err(P, PL_ENOMEM);
    return;
  }
  for (uint32_t i = 0; i < s->n; i++)
    if (P->f->node[s->v[i].node].final_type) final_entry(P, s->v[i].seq);
  if (P->err) return;
  /* the set's order: insertion sort (a handful of entries), equal ones merged */
  for (uint32_t i = 1; i < P->n_fin; i++) {
    fentry v = P->fin[i];
    uint32_t j = i;
    while (j > 0 && cmp_fentry(P, &P->fin[j - 1], &v) > 0) {
      P->fin[j] = P->fin[j - 1];
      j--;
    }
    P->fin[j] = v;
  }
  const uint16_t *t = P->fin_text.p;
  for (uint32_t i = 0; i < P->n_fin; i++) {
    const fentry *fe = &P->fin[i];
    if (i && !cmp_fentry(P, &P->fin[i - 1], fe)) continue;
    /* each rule id once per unit */
    int seen = 0;
    for (size_t k = 0; k < P->seen.n && !seen; k += 2)
      seen = !cmp_u16(P->seen_text.p + P->seen.p[k], (size_t)P->seen.p[k + 1], t + fe->id_off, fe->id_len);
    if (seen) continue;
    i32vec_push(&P->seen, (int32_t)P->seen_text.len);
    i32vec_push(&P->seen, (int32_t)fe->id_len);
    ubuf_append(&P->seen_text, t + fe->id_off, fe->id_len);
    if (!fe->n_w) continue;
    double wt = lrx_weight_of(P->x, t + fe->id_off, fe->id_len);
    long long j = (long long)P->pos - (long long)(fe->n_w - 1);
    for (uint32_t k = 0; k < fe->n_w; k++, j++) {
      const int32_t *wd = P->fin_words.p + 2 * (fe->w_first + k);
      const uint16_t *ws = t + wd[0];
      size_t wl = (size_t)wd[1];
      static const uint16_t skip[] = {'<', 's', 'k', 'i', 'p', '>'};
      if (!cmp_u16(ws, wl, skip, 6)) continue;
      if (wl == 1 && ws[0] == '<') { /* Debian: it2.at(1) throws, lrx-proc aborts */
        if (!P->err)
          pl_err_set(P->e, PL_ECORRUPT, -1, "lrx-proc: a rule's operation is the single character '<'");
        set_err(P, PL_ECORRUPT);
        return;
      }
      if (j < 0) continue; /* Debian keeps it at a position it never prints */
      uint32_t opi = op_intern(P, ws, wl);
      if (opi == LRX_NONE) return;
      add_score(P, (uint32_t)j, opi, wt);
    }
  }
  if (P->seen.failed || P->seen_text.failed) set_err(P, PL_ENOMEM);
}

/* After the unit at P->pos: every live state steps over <$>; those with
 * somewhere to go live on; those final after a second <$> have matched. */
static void end_of_unit(proc *P) {
  P->seen.n = 0;
  P->seen_text.len = 0;
  P->n_next = 0;
  int32_t wb = P->x->word_boundary;
  for (uint32_t i = 0; i < P->n_alive && !P->err; i++) {
    step(P, &P->alive[i], &wb, wb ? 1 : 0, 1, &P->tmp);
    if (P->tmp.n) {
      lstate *s = append_state(P, 1);
      if (!s) return;
      copy_state(P, s, &P->tmp);
    }
    step(P, &P->tmp, &wb, wb ? 1 : 0, 1, &P->tmp2);
    if (is_final(P, &P->tmp2)) apply_finals(P, &P->tmp2);
  }
  lstate *s = append_state(P, 1);
  if (!s) return;
  copy_state(P, s, &P->init);
  lstate *t = P->alive;
  P->alive = P->next;
  P->next = t;
  P->n_alive = P->n_next;
  P->fresh = P->n_alive - 1;
}

/* ---- reading ---- */
static inline void put_cp(bbuf *b, int32_t c) {
  if (c < 0x80) bbuf_putc(b, c);
  else bbuf_put_utf8(b, (uint32_t)c);
}

/* Bytes that end a run of plain ASCII: everything else than ASCII, and the
 * specials of a block or of the text between units. */
static inline int block_stop(unsigned c) { return c >= 0x80 || c == 0 || c == '\\' || c == '>'; }
static inline int blank_stop(unsigned c) { return c >= 0x80 || c == 0 || c == '^' || c == '\n'; }

/* Copies the run of input bytes that `stop` lets through, so that the loops
 * below see one character per special byte only.  Only when no character
 * was pushed back (those are in u8in's buffer). */
static inline void copy_run(proc *P, bbuf *seg, int (*stop)(unsigned)) {
  pl_in *in = P->r.in;
  if (P->r.n_back) return;
  size_t i = in->pos, n = in->len;
  const unsigned char *p = (const unsigned char *)in->p;
  while (i < n && !stop(p[i])) i++;
  if (i > in->pos) {
    bbuf_append(seg, p + in->pos, i - in->pos);
    in->pos = i;
  }
}

/* InputFile::readBlock('<', '>') */
static void read_block(proc *P, bbuf *seg) {
  bbuf_putc(seg, '<');
  int32_t c = 0;
  while (c != '>' && !u8in_eof(&P->r)) {
    copy_run(P, seg, block_stop);
    c = u8in_get(&P->r);
    if (c == 0) break;
    put_cp(seg, c);
    if (c == '\\') put_cp(seg, u8in_get(&P->r));
  }
}

/* Length of the valid UTF-8 character at p[i] if it ends before n, else 0
 * (then the slow path reads it, refilling or reporting it). */
static inline size_t char_len(const unsigned char *p, size_t i, size_t n) {
  if (p[i] < 0x80) return 1;
  size_t l = (size_t)utf8_lead_len(p[i]);
  if (l > n - i || utf8_decode(p + i, (int)l) < 0) return 0;
  return l;
}

/* The fast path of read_seg: consumes, straight from the input buffer, the
 * longest run of complete items (characters, escape pairs, "<...>" blocks
 * without a NUL) before a '/' or '$', and appends it to seg.  Whatever it
 * cannot finish within the buffer is left to the character loop. */
static void scan_seg(proc *P, bbuf *seg) {
  pl_in *in = P->r.in;
  if (P->r.n_back) return;
  const unsigned char *p = (const unsigned char *)in->p;
  size_t i = in->pos, n = in->len;
  while ((i = pl_scan4(p, i, n, '/', '$', '\\', '<')) < n) {
    unsigned c = p[i];
    if (c == '/' || c == '$') break;
    if (c == '\\') {
      size_t m = i + 1 < n ? char_len(p, i + 1, n) : 0;
      if (!m) break;
      i += 1 + m;
    } else if (c == '<') {
      size_t j = i + 1;
      int closed = 0;
      while ((j = pl_scan4(p, j, n, '>', '\\', '\\', '\\')) < n) {
        unsigned d = p[j];
        if (d == '>') {
          closed = 1;
          j++;
          break;
        }
        if (d == 0) break; /* readBlock drops it: the slow path */
        size_t m;
        if (d == '\\') {
          m = j + 1 < n ? char_len(p, j + 1, n) : 0;
          if (m) m++;
        } else {
          m = char_len(p, j, n);
        }
        if (!m) break;
        j += m;
      }
      if (!closed) break;
      i = j;
    } else { /* NUL or a multi-byte character */
      size_t m = c ? char_len(p, i, n) : 1;
      if (!m) break;
      i += m;
    }
  }
  if (i > in->pos) {
    bbuf_append(seg, p + in->pos, i - in->pos);
    in->pos = i;
  }
}

/* read_seg: one part of a unit, up to (not including) '/' or '$'. */
static void read_seg(proc *P, bbuf *seg) {
  int escaped = 0;
  while (!u8in_eof(&P->r)) {
    if (!escaped) scan_seg(P, seg);
    int32_t c = u8in_get(&P->r);
    if (escaped) {
      put_cp(seg, c);
      escaped = 0;
    } else if (c == '\\') {
      bbuf_putc(seg, c);
      escaped = 1;
    } else if (c == '<') {
      read_block(P, seg);
    } else if (c == '/' || c == '$') {
      u8in_unget(&P->r, c);
      break;
    } else {
      put_cp(seg, c);
    }
  }
}

/* A unit, after its '^'. */
static void read_unit(proc *P) {
  lu *L = lu_at(P, P->pos);
  if (!L) return;
  read_seg(P, &L->sl);
  while (u8in_peek(&P->r) == '/') {
    u8in_get(&P->r);
    if (L->tl_end.n) bbuf_putc(&L->tl, '/'); /* stored joined, see print_lu */
    read_seg(P, &L->tl);
    if (L->tl.len > INT32_MAX) {
      set_err(P, PL_ENOMEM);
      return;
    }
    i32vec_push(&L->tl_end, (int32_t)L->tl.len);
  }
  u8in_get(&P->r);
  if (L->sl.failed || L->tl.failed || L->tl_end.failed) {
    set_err(P, PL_ENOMEM);
    return;
  }
  const char *sl = L->sl.p;
  size_t sl_len = L->sl.len;
  if (sl_len && sl[0] == '*') sl++, sl_len--;
  int tokenized = 0;
  for (uint32_t i = 0; i < P->n_alive && !P->err; i++) {
    lstate *s = &P->alive[i];
    uint32_t h = 0;
    if (!s->n) continue; /* an empty state stays empty */
    if (i == P->fresh) {
      h = hash_bytes(sl, sl_len);
      memo_ent *m = memo_find(P, sl, sl_len, h);
      if (m && m->key_len != UINT32_MAX) {
        cfg *q = grow(P, s->v, &s->cap, m->res_len + 1, sizeof *q);
        if (!q) break;
        s->v = q;
        if (m->res_len) memcpy(q, P->memo_res + m->res_off, m->res_len * sizeof *q);
        s->n = m->res_len;
        continue;
      }
    }
    if (!tokenized) tokenize(P, sl, sl_len, &P->syms);
    tokenized = 1;
    for (size_t k = 0; k < P->syms.n && s->n; k++) {
      int32_t ss[4];
      int ns = step_syms(P->x, P->syms.p[k], ss);
      step(P, s, ss, ns, 1, &P->tmp);
      lstate t = *s;
      *s = P->tmp;
      P->tmp = t;
    }
    if (i == P->fresh && !P->err) memo_put(P, sl, sl_len, h, s);
  }
  end_of_unit(P);
  if (P->n_alive == 1) {
    flush_window(P, 0);
    P->pos = 0;
  }
  P->pos++;
}

static int finish_run(proc *P, int rc) {
  pl_err *e = P->e;
  if (!rc && P->err && P->err != PL_ECORRUPT) {
    if (P->err == PL_ELIMIT)
      rc = pl_err_set(e, PL_ELIMIT, pl_in_offset(P->r.in),
                      "lrx-proc: the rules keep more than %u paths alive (byte %lld of the input)", LRX_MAX_PATHS,
                      pl_in_offset(P->r.in));
    else
      rc = pl_err_set(e, P->err, -1, "lrx-proc: out of memory");
  } else if (!rc && P->err) {
    rc = P->err; /* the message is set */
  }
  if (!rc) rc = u8in_check(&P->r, "lrx-proc", e);
  if (!rc && P->out->b.failed) rc = pl_err_set(e, PL_ENOMEM, -1, "lrx-proc: out of memory");
  pl_out_flush(P->out);
  if (!rc && P->out->err) rc = pl_err_set(e, PL_EIO, -1, "lrx-proc: error writing output");
  return rc;
}

static void free_state(lstate *s) { free(s->v); }

int lrx_run(const lrx *x, const lrx_opts *o, pl_in *in, pl_out *out, pl_err *e) {
  proc *P = calloc(1, sizeof *P);
  if (!P) return pl_err_set(e, PL_ENOMEM, -1, "lrx-proc: out of memory");
  P->x = x;
  P->f = x->f;
  P->o = o;
  P->out = out;
  P->e = e;
  P->lineno = 1;
  u8in_init(&P->r, in);
  P->mark = calloc(x->f->n_nodes ? x->f->n_nodes : 1, sizeof *P->mark);
  if (!P->mark) set_err(P, PL_ENOMEM);
  seq_push(P, 0, 0); /* record 0: the empty sequence */
  if (!P->err) {
    uint32_t stamp = next_stamp(P);
    add_path(P, &P->init, x->main_init, 0, stamp);
    closure(P, &P->init, 1, stamp);
    P->pool_base = P->n_pool;
    start_states(P);
    lu_at(P, 0);
  }
  while (!P->err) {
    int32_t c = u8in_get(&P->r);
    if (c == U8IN_EOF) break;
    if (o->null_flush && c == 0) {
      flush_window(P, 1);
      out_byte(out, 0);
      pl_out_flush(out);
      P->pos = 0;
      start_states(P);
      continue;
    }
    if (c == '^') {
      read_unit(P);
      continue;
    }
    if (!u8in_eof(&P->r)) {
      lu *L = lu_at(P, P->pos);
      if (L) {
        put_cp(&L->blank, c);
        copy_run(P, &L->blank, blank_stop);
        if (L->blank.failed) set_err(P, PL_ENOMEM);
      }
    }
    if (c == '\n') P->lineno++;
  }
  if (!P->err) flush_window(P, 1);
  int rc = finish_run(P, PL_OK);

  for (uint32_t i = 0; i < P->n_w; i++) {
    lu *L = &P->w[i];
    bbuf_free(&L->blank);
    bbuf_free(&L->sl);
    bbuf_free(&L->tl);
    i32vec_free(&L->tl_end);
    free(L->sc);
  }
  free(P->w);
  for (uint32_t i = 0; i < P->cap_states; i++) {
    free_state(&P->alive[i]);
    free_state(&P->next[i]);
  }
  free(P->alive);
  free(P->next);
  free_state(&P->init);
  free_state(&P->tmp);
  free_state(&P->tmp2);
  free_state(&P->rec_a);
  free_state(&P->rec_b);
  free(P->pool);
  free(P->mark);
  free(P->pset);
  free(P->ops);
  ubuf_free(&P->ops_text);
  free(P->op_slot);
  i32vec_free(&P->syms);
  i32vec_free(&P->syms2);
  ubuf_free(&P->u16);
  ubuf_free(&P->fin_text);
  free(P->fin);
  i32vec_free(&P->fin_words);
  i32vec_free(&P->seen);
  ubuf_free(&P->seen_text);
  free(P->cands);
  free(P->recs);
  free(P->keep);
  free(P->removed);
  free(P->sorted_sc);
  free(P->memo);
  bbuf_free(&P->memo_keys);
  free(P->memo_res);
  free(P);
  return rc;
}

/* ---- the command line ---- */
typedef struct run_arg {
  const lrx *x;
  lrx_opts o;
} run_arg;

static int run_cb(pl_in *in, pl_out *out, void *arg, pl_err *e) {
  run_arg *a = arg;
  return lrx_run(a->x, &a->o, in, out, e);
}

static const arg_opt opts[] = {{'m', "max-ent", 0}, {'z', "null-flush", 0}, {'t', "trace", 0},
                               {'d', "debug", 0},   {'h', "help", 0}};

#define USAGE "USAGE: lrx-proc [-m] [-z] [-t] fst_file [input_file [output_file]]"

int lrx_main(int argc, char **argv, int in_fd, int out_fd, pl_err *e) {
  arg_result r;
  int rc = args_parse("lrx-proc", argc, argv, opts, 5, 3, &r, e);
  if (rc) return rc;
  if (r.seen['h'] || r.n_files < 1) return pl_err_set(e, PL_EUSAGE, -1, USAGE);
  if (r.seen['d'])
    return pl_err_set(e, PL_EUNSUPPORTED, -1,
                      "lrx-proc: -d (debug output) is not supported by parley; -t traces the rules applied");
  run_arg a = {NULL, {r.seen['z'] > 0, r.seen['t'] ? stderr : NULL, stderr}};
  lrx *x = NULL;
  if ((rc = lrx_load_file(&x, r.files[0], e))) return rc;
  a.x = x;
  rc = pl_run_files("lrx-proc", r.n_files >= 2 ? r.files[1] : NULL, r.n_files >= 3 ? r.files[2] : NULL, in_fd, out_fd,
                    run_cb, &a, e);
  lrx_free(x);
  return rc;
}
