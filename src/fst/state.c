/*
 * state.c - the set of live paths through a transducer (lttoolbox State),
 * with lttoolbox's exact path order, case alternatives, epsilon closure and
 * final-output filtering, but without its per-step vector copies: outputs
 * are a persistent tree in a pool (fst_int.h).
 *
 * Order contract (what byte identity depends on):
 *   - a step visits paths in order and, for each, appends the arcs on the
 *     input symbol in file order, then those on each alternative symbol;
 *   - the epsilon closure then scans the list from the start, appending
 *     epsilon targets at the end (so it also expands what it appended);
 *   - an arc on a real input always records its output (even epsilon, whose
 *     weight still counts); an epsilon-input arc records only a non-epsilon
 *     output.
 */
#include <stdlib.h>
#include <string.h>

#include "fst_int.h"

uint32_t seq_push_slow(seqpool *p, uint32_t parent, int32_t sym, double w) {
  if (p->failed) return 0;
  uint32_t cap = p->cap ? p->cap * 2 : 4096;
  if (p->cap >= (1u << 28)) {
    p->failed = 1;
    return 0;
  }
  seqnode *v = realloc(p->v, (size_t)cap * sizeof *v);
  if (!v) {
    p->failed = 1;
    return 0;
  }
  p->v = v;
  if (p->weighted) {
    double *nw = realloc(p->w, (size_t)cap * sizeof *nw);
    if (!nw) {
      p->failed = 1;
      return 0;
    }
    p->w = nw;
  }
  p->cap = cap;
  if (p->n == 0) { /* index 0 is the empty sequence: keep a dummy there */
    p->v[0] = (seqnode){0, 0};
    if (p->w) p->w[0] = 0.0;
    p->n = 1;
  }
  return seq_push(p, parent, sym, w);
}

void st_free(fstate *s) {
  free(s->v);
  memset(s, 0, sizeof *s);
}

static int st_reserve(fst_engine *E, fstate *s, uint32_t need) {
  if (need <= s->cap) return 0;
  uint32_t cap = s->cap ? s->cap : 64;
  while (cap < need) {
    if (cap >= (1u << 26)) {
      E->failed = 1;
      return -1;
    }
    cap *= 2;
  }
  sent *v = realloc(s->v, (size_t)cap * sizeof *v);
  if (!v) {
    E->failed = 1;
    return -1;
  }
  s->v = v;
  s->cap = cap;
  return 0;
}

/* Adds a path to `to` (a packed arc target, see fst_arc). */
static PL_INLINE void st_add(fst_engine *E, fstate *s, uint32_t to, uint32_t seq, uint32_t dirty) {
  if (PL_UNLIKELY(s->n >= s->cap)) {
    if (s->n >= FST_MAX_PATHS) {
      E->failed = 1;
      E->too_many_paths = 1;
      return;
    }
    if (st_reserve(E, s, s->n + 1)) return;
  }
  sent *e = &s->v[s->n++];
  e->node = FST_TO_NODE(to);
  /* the next step will read this node: start fetching it now */
  __builtin_prefetch(&E->f->node[e->node]);
  e->seq = seq;
  e->flags = FST_TO_FLAGS(to) | dirty;
}

static inline uint32_t node_flags(const fst *f, uint32_t n) {
  return (uint32_t)f->node[n].has_eps | ((uint32_t)f->node[n].final_type << 1);
}

int st_copy(fst_engine *E, fstate *dst, const fstate *src) {
  if (st_reserve(E, dst, src->n)) return -1;
  if (src->n) memcpy(dst->v, src->v, src->n * sizeof *src->v);
  dst->n = src->n;
  dst->is_initial = src->is_initial;
  return 0;
}

/* Epsilon closure in place.  A well-formed lttoolbox file has no epsilon
 * cycles; a hostile one could, so the list is capped instead of growing
 * forever (the cap is far above any state a real dictionary produces). */
static void closure(fst_engine *E, fstate *s) {
  const fst *f = E->f;
  for (uint32_t i = 0; i < s->n; i++) {
    uint32_t a, b;
    if (!(s->v[i].flags & SENT_EPS)) continue;
    fst_arcs_for(f, s->v[i].node, 0, &a, &b);
    for (; a < b; a++) {
      if (PL_UNLIKELY(s->n >= FST_MAX_PATHS)) {
        E->failed = 1;
        E->too_many_paths = 1;
        s->n = 0;
        return;
      }
      uint32_t seq = s->v[i].seq;
      if (f->arc[a].out != 0) seq = seq_push(&E->pool, seq, f->arc[a].out, f->arc_w ? f->arc_w[a] : 0.0);
      st_add(E, s, f->arc[a].to, seq, s->v[i].flags & SENT_DIRTY);
    }
  }
}

void st_init_root(fst_engine *E, fstate *s) {
  s->n = 0;
  st_add(E, s, node_flags(E->f, 0) << 26, 0, 0);
  closure(E, s);
  s->is_initial = 1;
}

/* Appends to `dst` the targets of path `e` on `sym`; returns whether any. */
static PL_INLINE int into(fst_engine *E, fstate *dst, const sent *e, int32_t sym, uint32_t dirty) {
  const fst *f = E->f;
  uint32_t a, b;
  fst_arcs_for(f, e->node, sym, &a, &b);
  if (a == b) return 0;
  for (; a < b; a++) {
    uint32_t seq = seq_push(&E->pool, e->seq, f->arc[a].out, f->arc_w ? f->arc_w[a] : 0.0);
    st_add(E, dst, f->arc[a].to, seq, (e->flags & SENT_DIRTY) | dirty);
  }
  return 1;
}

static PL_INLINE int into_override(fst_engine *E, fstate *dst, const sent *e, int32_t sym, int32_t old_sym,
                                int32_t new_sym, uint32_t dirty) {
  const fst *f = E->f;
  uint32_t a, b;
  fst_arcs_for(f, e->node, sym, &a, &b);
  if (a == b) return 0;
  for (; a < b; a++) {
    int32_t out = f->arc[a].out == old_sym ? new_sym : f->arc[a].out;
    uint32_t seq = seq_push(&E->pool, e->seq, out, f->arc_w ? f->arc_w[a] : 0.0);
    st_add(E, dst, f->arc[a].to, seq, (e->flags & SENT_DIRTY) | dirty);
  }
  return 1;
}

static inline void swap_in(fst_engine *E, fstate *s) {
  fstate t = *s;
  *s = E->tmp;
  E->tmp = t;
  s->is_initial = 0;
  closure(E, s);
}

/* Starts fetching the first arcs of every path's node (their node records
 * were prefetched when the paths were added). */
static inline void prefetch_arcs(const fst_engine *E, const fstate *s) {
  const fst *f = E->f;
  for (uint32_t i = 0; i < s->n; i++) __builtin_prefetch(&f->arc[f->node[s->v[i].node].first]);
}

void st_step(fst_engine *E, fstate *s, int32_t in) {
  if (in == 0) {
    s->n = 0;
    s->is_initial = 0;
    return;
  }
  prefetch_arcs(E, s);
  E->tmp.n = 0;
  for (uint32_t i = 0; i < s->n; i++) into(E, &E->tmp, &s->v[i], in, 0);
  swap_in(E, s);
}

void st_step2(fst_engine *E, fstate *s, int32_t in, int32_t alt) {
  if (in == 0 || alt == 0) {
    s->n = 0;
    s->is_initial = 0;
    return;
  }
  if (in == alt) {
    st_step(E, s, in);
    return;
  }
  prefetch_arcs(E, s);
  E->tmp.n = 0;
  for (uint32_t i = 0; i < s->n; i++) {
    into(E, &E->tmp, &s->v[i], in, 0);
    into(E, &E->tmp, &s->v[i], alt, SENT_DIRTY);
  }
  swap_in(E, s);
}

void st_step3(fst_engine *E, fstate *s, int32_t in, int32_t alt1, int32_t alt2) {
  if (in == 0 || alt1 == 0 || alt2 == 0) {
    s->n = 0;
    s->is_initial = 0;
    return;
  }
  if (in == alt1) {
    st_step2(E, s, in, alt2);
    return;
  }
  if (in == alt2) {
    st_step2(E, s, in, alt1);
    return;
  }
  E->tmp.n = 0;
  for (uint32_t i = 0; i < s->n; i++) {
    into(E, &E->tmp, &s->v[i], in, 0);
    into(E, &E->tmp, &s->v[i], alt1, SENT_DIRTY);
    into(E, &E->tmp, &s->v[i], alt2, SENT_DIRTY);
  }
  swap_in(E, s);
}

void st_step_careful(fst_engine *E, fstate *s, int32_t in, int32_t alt) {
  if (in == 0 || alt == 0) {
    s->n = 0;
    s->is_initial = 0;
    return;
  }
  E->tmp.n = 0;
  for (uint32_t i = 0; i < s->n; i++)
    if (!into(E, &E->tmp, &s->v[i], in, 0)) into(E, &E->tmp, &s->v[i], alt, SENT_DIRTY);
  swap_in(E, s);
}

static void step_case(fst_engine *E, fstate *s, int32_t val, int case_sensitive) {
  if (case_sensitive || !uc_isupper(val)) st_step(E, s, val);
  else st_step2(E, s, val, uc_tolower(val));
}

void st_step_case(fst_engine *E, fstate *s, int32_t val, int case_sensitive) {
  if (s->is_initial && (uint32_t)val < 256 && E->memo && case_sensitive == E->memo_cs) {
    uint32_t a = E->memo_off[val], b = E->memo_off[val + 1];
    if (st_reserve(E, s, b - a)) return;
    memcpy(s->v, E->memo + a, (b - a) * sizeof *s->v);
    s->n = b - a;
    s->is_initial = 0;
    return;
  }
  step_case(E, s, val, case_sensitive);
}

int st_build_memo(fst_engine *E, const fstate *initial, int case_sensitive) {
  fstate t = {0};
  if (initial->n > 256) return 0;
  uint32_t total = 0, cap = 1024;
  sent *memo = malloc(cap * sizeof *memo);
  if (!memo) return -1;
  for (int32_t c = 0; c < 256; c++) {
    E->memo_off[c] = total;
    if (st_copy(E, &t, initial)) break;
    step_case(E, &t, c, case_sensitive);
    if (total + t.n > cap) {
      while (total + t.n > cap) cap *= 2;
      sent *m2 = realloc(memo, cap * sizeof *m2);
      if (!m2) {
        E->failed = 1;
        break;
      }
      memo = m2;
    }
    if (t.n) memcpy(memo + total, t.v, t.n * sizeof *t.v);
    total += t.n;
    if (total > (1u << 16)) { /* not worth it: a very wide initial state */
      free(memo);
      st_free(&t);
      return 0;
    }
  }
  E->memo_off[256] = total;
  st_free(&t);
  if (E->failed) {
    free(memo);
    return -1;
  }
  E->memo = memo;
  E->memo_cs = case_sensitive;
  return 0;
}

/* lttoolbox State::step_case_override: an uppercase input may follow a
 * lowercase arc, and that arc's lowercase output is replaced by the input
 * letter.  The alternative is tried twice (as the lowercase alternative and
 * as the overridden symbol), exactly as lttoolbox does. */
void st_step_case_override(fst_engine *E, fstate *s, int32_t val, int case_sensitive) {
  if (case_sensitive || !uc_isupper(val)) {
    st_step(E, s, val);
    return;
  }
  int32_t low = uc_tolower(val);
  if (val == 0 || low == 0) {
    s->n = 0;
    s->is_initial = 0;
    return;
  }
  E->tmp.n = 0;
  if (val == low) {
    for (uint32_t i = 0; i < s->n; i++) {
      into_override(E, &E->tmp, &s->v[i], val, low, val, 0);
      into_override(E, &E->tmp, &s->v[i], low, low, val, SENT_DIRTY);
    }
  } else {
    for (uint32_t i = 0; i < s->n; i++) {
      into_override(E, &E->tmp, &s->v[i], val, low, val, 0);
      into_override(E, &E->tmp, &s->v[i], low, low, val, SENT_DIRTY);
      into_override(E, &E->tmp, &s->v[i], low, low, val, SENT_DIRTY);
    }
  }
  swap_in(E, s);
}

/* Symbols of a path's output, first to last, into E->syms; returns count. */
static uint32_t seq_syms(fst_engine *E, uint32_t seq) {
  uint32_t n = 0;
  for (uint32_t q = seq; q; q = E->pool.v[q].parent) n++;
  if (n > E->syms_cap) {
    uint32_t cap = n < 64 ? 64 : n * 2;
    int32_t *v = realloc(E->syms, (size_t)cap * sizeof *v);
    if (!v) {
      E->failed = 1;
      return 0;
    }
    E->syms = v;
    E->syms_cap = cap;
  }
  uint32_t i = n;
  for (uint32_t q = seq; q; q = E->pool.v[q].parent) E->syms[--i] = E->pool.v[q].sym;
  return n;
}

static double seq_cost(const fst_engine *E, uint32_t seq, uint32_t n) {
  /* lttoolbox sums first to last; keep that order so doubles agree */
  double w[64];
  double *ws = n <= 64 ? w : malloc((size_t)n * sizeof *ws);
  if (!ws) return 0.0;
  uint32_t i = n;
  for (uint32_t q = seq; q; q = E->pool.v[q].parent) ws[--i] = E->pool.w ? E->pool.w[q] : 0.0;
  double cost = 0.0;
  for (i = 0; i < n; i++) cost += ws[i];
  if (ws != w) free(ws);
  return cost;
}

typedef struct strref {
  size_t off, len;
} strref;

static int ustr_eq(const ubuf *b, strref x, strref y) {
  return x.len == y.len && (x.len == 0 || !memcmp(b->p + x.off, b->p + y.off, x.len * sizeof(uint16_t)));
}

void st_filter_finals(fst_engine *E, const fstate *s, int mask, int uppercase, int firstupper,
                      int max_analyses, ubuf *out) {
  const fst *f = E->f;
  ubuf *text = &E->ff_text;
  uint32_t n = 0;
  text->len = 0;
  for (uint32_t i = 0; i < s->n; i++) {
    const sent *e = &s->v[i];
    if (!(SENT_FINAL(e->flags) & (uint32_t)mask)) continue;
    if (n == E->ff_cap) {
      uint32_t cap = E->ff_cap ? E->ff_cap * 2 : 16;
      strref *r2 = realloc(E->ff_refs, cap * sizeof *r2);
      if (r2) E->ff_refs = r2;
      sortrec *s2 = realloc(E->ff_recs, cap * sizeof *s2);
      if (s2) E->ff_recs = s2;
      if (!r2 || !s2) {
        E->failed = 1;
        return;
      }
      E->ff_cap = cap;
    }
    strref *refs = E->ff_refs;
    sortrec *recs = E->ff_recs;
    size_t start = text->len;
    uint32_t m = seq_syms(E, e->seq);
    int dirty = (e->flags & SENT_DIRTY) != 0;
    int up = dirty && uppercase;
    for (uint32_t j = 0; j < m; j++) {
      int32_t sym = E->syms[j];
      if (sym > 0) {
        if (is_escaped(sym)) ubuf_push(text, '\\');
        ubuf_put_cp(text, up ? uc_toupper(sym) : sym);
      } else if (sym < 0 && sym != E->hide1 && sym != E->hide2) {
        fst_sym_append(f, text, sym);
      }
    }
    if (dirty && firstupper && text->len > start) {
      /* lttoolbox upper-cases one UTF-16 unit, skipping a leading '~' */
      size_t k = start;
      if (text->p[k] == '~') k++;
      if (k < text->len) {
        uint16_t c = text->p[k];
        if (c < 0xD800 || c > 0xDFFF) text->p[k] = (uint16_t)uc_toupper(c);
      }
    }
    double cost = f->weighted ? seq_cost(E, e->seq, m) : 0.0;
    if (f->final_w) cost += f->final_w[e->node];
    refs[n] = (strref){start, text->len - start};
    recs[n] = (sortrec){cost, n};
    n++;
  }
  if (text->failed) {
    E->failed = 1;
    return;
  }
  strref *refs = E->ff_refs;
  sortrec *recs = E->ff_recs;
  std_sort_by_key(recs, n);
  if ((uint32_t)max_analyses < n) n = (uint32_t)max_analyses;
  for (uint32_t i = 0; i < n; i++) {
    strref r = refs[recs[i].idx];
    int dup = 0;
    for (uint32_t j = 0; j < i && !dup; j++) dup = ustr_eq(text, refs[recs[j].idx], r);
    if (dup) continue;
    ubuf_push(out, '/');
    if (r.len) ubuf_append(out, text->p + r.off, r.len);
  }
}

void st_prune_forbidden(fst_engine *E, fstate *s, int32_t sym) {
  uint32_t k = 0;
  s->is_initial = 0;
  for (uint32_t i = 0; i < s->n; i++) {
    int found = 0;
    for (uint32_t q = s->v[i].seq; q && !found; q = E->pool.v[q].parent) found = E->pool.v[q].sym == sym;
    if (!found) s->v[k++] = s->v[i];
  }
  s->n = k;
}

int st_has_symbol(fst_engine *E, const fstate *s, int32_t sym) {
  for (uint32_t i = 0; i < s->n; i++)
    for (uint32_t q = s->v[i].seq; q; q = E->pool.v[q].parent)
      if (E->pool.v[q].sym == sym) return 1;
  return 0;
}

/* Does the part after the last separator contain `required`? */
static int last_part_has(fst_engine *E, uint32_t seq, int32_t required, int32_t sep) {
  for (uint32_t q = seq; q; q = E->pool.v[q].parent) {
    if (E->pool.v[q].sym == required) return 1;
    if (E->pool.v[q].sym == sep) return 0;
  }
  return 0;
}

void st_prune_compounds(fst_engine *E, fstate *s, int32_t required, int32_t sep, int max_elements) {
  s->is_initial = 0;
  if (!s->n) return;
  int *cnt = malloc(s->n * sizeof *cnt);
  if (!cnt) {
    E->failed = 1;
    return;
  }
  int min = max_elements;
  for (uint32_t i = 0; i < s->n; i++) {
    if (last_part_has(E, s->v[i].seq, required, sep)) {
      /* separators strictly inside the sequence (not first, not last) */
      uint32_t m = seq_syms(E, s->v[i].seq);
      int c = 0;
      for (int j = (int)m - 2; j > 0; j--)
        if (E->syms[j] == sep) c++;
      cnt[i] = c;
      if (c < min) min = c;
    } else {
      cnt[i] = 0x7fffffff;
    }
  }
  uint32_t k = 0;
  for (uint32_t i = 0; i < s->n; i++)
    if (cnt[i] <= min) s->v[k++] = s->v[i];
  s->n = k;
  free(cnt);
}

void st_restart_finals(fst_engine *E, fstate *s, int mask, int32_t required, const fstate *restart,
                       int32_t sep) {
  s->is_initial = 0;
  for (uint32_t i = 0; i < s->n; i++) {
    sent e = s->v[i];
    if (!(SENT_FINAL(e.flags) & (uint32_t)mask)) continue;
    if (!last_part_has(E, e.seq, required, sep)) continue;
    for (uint32_t j = 0; j < restart->n; j++) {
      uint32_t seq = seq_push(&E->pool, e.seq, sep, 0.0);
      st_add(E, s, restart->v[j].node | (node_flags(E->f, restart->v[j].node) << 26), seq,
             e.flags & SENT_DIRTY);
    }
  }
}

/* ---- libstdc++'s std::sort, reproduced so that equal keys come out in the
 * same order as in lt-proc (introsort with threshold 16, median-of-three
 * pivot, heapsort below depth 2*floor(log2 n), final insertion sort). ---- */
#define LESS(a, b) ((a).key < (b).key)

static void adjust_heap(sortrec *first, long hole, long len, sortrec value) {
  long top = hole, child = hole;
  while (child < (len - 1) / 2) {
    child = 2 * (child + 1);
    if (LESS(first[child], first[child - 1])) child--;
    first[hole] = first[child];
    hole = child;
  }
  if ((len & 1) == 0 && child == (len - 2) / 2) {
    child = 2 * (child + 1);
    first[hole] = first[child - 1];
    hole = child - 1;
  }
  long parent = (hole - 1) / 2;
  while (hole > top && LESS(first[parent], value)) {
    first[hole] = first[parent];
    hole = parent;
    parent = (hole - 1) / 2;
  }
  first[hole] = value;
}

static void heap_sort(sortrec *first, sortrec *last) {
  long len = last - first;
  if (len >= 2) {
    for (long parent = (len - 2) / 2;; parent--) {
      adjust_heap(first, parent, len, first[parent]);
      if (parent == 0) break;
    }
  }
  while (last - first > 1) {
    --last;
    sortrec v = *last;
    *last = *first;
    adjust_heap(first, 0, last - first, v);
  }
}

static void swap_rec(sortrec *a, sortrec *b) {
  sortrec t = *a;
  *a = *b;
  *b = t;
}

static void median_to_first(sortrec *result, sortrec *a, sortrec *b, sortrec *c) {
  if (LESS(*a, *b)) {
    if (LESS(*b, *c)) swap_rec(result, b);
    else if (LESS(*a, *c)) swap_rec(result, c);
    else swap_rec(result, a);
  } else if (LESS(*a, *c)) swap_rec(result, a);
  else if (LESS(*b, *c)) swap_rec(result, c);
  else swap_rec(result, b);
}

static sortrec *unguarded_partition(sortrec *first, sortrec *last, sortrec *pivot) {
  for (;;) {
    while (LESS(*first, *pivot)) ++first;
    --last;
    while (LESS(*pivot, *last)) --last;
    if (!(first < last)) return first;
    swap_rec(first, last);
    ++first;
  }
}

static void introsort_loop(sortrec *first, sortrec *last, long depth) {
  while (last - first > 16) {
    if (depth == 0) {
      heap_sort(first, last);
      return;
    }
    --depth;
    sortrec *mid = first + (last - first) / 2;
    median_to_first(first, first + 1, mid, last - 1);
    sortrec *cut = unguarded_partition(first + 1, last, first);
    introsort_loop(cut, last, depth);
    last = cut;
  }
}

static void unguarded_linear_insert(sortrec *last) {
  sortrec v = *last;
  sortrec *next = last - 1;
  while (LESS(v, *next)) {
    *last = *next;
    last = next;
    --next;
  }
  *last = v;
}

static void insertion_sort(sortrec *first, sortrec *last) {
  if (first == last) return;
  for (sortrec *i = first + 1; i != last; ++i) {
    if (LESS(*i, *first)) {
      sortrec v = *i;
      memmove(first + 1, first, (size_t)(i - first) * sizeof *first);
      *first = v;
    } else {
      unguarded_linear_insert(i);
    }
  }
}

void std_sort_by_key(sortrec *a, size_t n) {
  if (n < 2) return;
  long lg = 0;
  for (size_t m = n; m > 1; m >>= 1) lg++;
  introsort_loop(a, a + n, 2 * lg);
  if (n > 16) {
    insertion_sort(a, a + 16);
    for (sortrec *i = a + 16; i != a + n; ++i) unguarded_linear_insert(i);
  } else {
    insertion_sort(a, a + n);
  }
}
