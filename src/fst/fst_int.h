/*
 * fst_int.h - shared by the files of the fst module only: the State engine
 * (lttoolbox/state.cc re-designed for speed) and the processor struct.
 *
 * A State is an ordered list of live paths: (node, output sequence, dirty).
 * The order matters because lt-proc prints analyses in it.  lttoolbox copies
 * each path's output vector at every step; we keep outputs as a persistent
 * tree in a pool instead (each step adds one node pointing at its parent), so
 * a step costs one small record per path and nothing is copied.  The pool is
 * rewound whenever the processor goes back to the initial state.
 */
#ifndef PL_FST_INT_H
#define PL_FST_INT_H

#include <unicode/uchar.h>

#include "fst.h"

/* ---- character classes (ICU, with ASCII fast paths) ---- */
static inline int uc_isupper(int32_t c) {
  if (c < 128) return c >= 'A' && c <= 'Z';
  return u_isupper(c);
}
static inline int32_t uc_tolower(int32_t c) {
  if (c < 128) return (c >= 'A' && c <= 'Z') ? c + 32 : c;
  return u_tolower(c);
}
static inline int32_t uc_toupper(int32_t c) {
  if (c < 128) return (c >= 'a' && c <= 'z') ? c - 32 : c;
  return u_toupper(c);
}
static inline int uc_isspace(int32_t c) {
  if (c < 128) return c == ' ' || (c >= 9 && c <= 13) || (c >= 0x1C && c <= 0x1F);
  return u_isspace(c);
}
static inline int uc_isalnum(int32_t c) {
  if (c < 128) return (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z');
  return u_isalnum(c);
}
/* lttoolbox's escaped_chars: [ ] { } ^ $ / \ @ < > (a bit test: this runs
 * on every character read and printed) */
#define ESC_BITS_LO ((1ull << '$') | (1ull << '/') | (1ull << '<') | (1ull << '>'))
#define ESC_BITS_HI ((1ull << ('@' - 64)) | (1ull << ('[' - 64)) | (1ull << ('\\' - 64)) | \
                     (1ull << (']' - 64)) | (1ull << ('^' - 64)) | (1ull << ('{' - 64)) | (1ull << ('}' - 64)))
static inline int is_escaped(int32_t c) {
  if ((uint32_t)c >= 128) return 0;
  return (int)(((c < 64 ? ESC_BITS_LO : ESC_BITS_HI) >> (c & 63)) & 1);
}

/* ---- loader parts shared with the image cache (fst_image.c) ---- */
/* Builds f->tag_hash from f->tag / f->tag_len; -1 when out of memory. */
int fst_build_tag_hash(fst *f);
#define FST_EPS_CYCLE 1
#define FST_EPS_NOMEM 2
int fst_find_eps_cycle(const fst *f, uint32_t *at);
/* The image cache: fst_image_load maps the cached loaded form of the .bin
 * whose bytes are `bin` (0 and *out set, or -1 when there is none or it is
 * unsound); fst_image_store writes one for a freshly loaded f. */
int fst_image_load(fst **out, const char *bin, size_t bin_len);
void fst_image_store(const fst *f, const char *bin, size_t bin_len);

/* ---- output-sequence pool ---- */
typedef struct seqnode {
  int32_t sym;
  uint32_t parent; /* 0 = empty sequence */
} seqnode;

typedef struct seqpool {
  seqnode *v;
  double *w; /* per node, only for weighted transducers (else NULL) */
  uint32_t n, cap;
  int weighted;
  int failed;
} seqpool;

uint32_t seq_push_slow(seqpool *p, uint32_t parent, int32_t sym, double w);
static inline uint32_t seq_push(seqpool *p, uint32_t parent, int32_t sym, double w) {
  if (PL_UNLIKELY(p->n >= p->cap)) return seq_push_slow(p, parent, sym, w);
  seqnode *s = &p->v[p->n];
  s->sym = sym;
  s->parent = parent;
  if (p->w) p->w[p->n] = w;
  return p->n++;
}

/* ---- State ---- */
/* A path.  `flags` caches facts about `node` (copied from the arc that led
 * here, see fst_arc): SENT_EPS, the final type in bits 1-5, and SENT_DIRTY
 * for a path that used a case alternative. */
typedef struct sent {
  uint32_t node;
  uint32_t seq;
  uint32_t flags;
} sent;
#define SENT_EPS 1u
#define SENT_FINAL(fl) (((fl) >> 1) & 0x1F)
#define SENT_DIRTY 0x100u

typedef struct fstate {
  sent *v;
  uint32_t n, cap;
  uint32_t is_initial; /* exactly the processor's initial state (memo applies) */
} fstate;

typedef struct fst_engine { /* what State operations need */
  const fst *f;
  seqpool pool;
  fstate tmp; /* scratch for steps */
  int failed; /* allocation failure or too many paths, sticky */
  int too_many_paths;
  int32_t hide1, hide2; /* tags printed as nothing (lt-proc -e control symbols) */
  /* scratch for filter_finals */
  int32_t *syms;
  uint32_t syms_cap;
  /* scratch for st_filter_finals, kept between calls */
  ubuf ff_text;
  void *ff_refs, *ff_recs;
  uint32_t ff_cap;
  /* memo of st_step_case from the initial state for symbols below 256:
   * entries of symbol c are memo[memo_off[c] .. memo_off[c+1]) */
  sent *memo;
  uint32_t memo_off[257];
  int memo_cs; /* the case sensitivity the memo was built with */
} fst_engine;

void st_free(fstate *s);
int st_copy(fst_engine *E, fstate *dst, const fstate *src);
void st_init_root(fst_engine *E, fstate *s);
/* Builds the initial-state memo; call once the initial state is final and
 * before the pool base is fixed (the memo's outputs live below it). */
int st_build_memo(fst_engine *E, const fstate *initial, int case_sensitive);
/* Steps on `in`, and on each of alts[0..n_alt) that differs from `in` and
 * from the previous alternatives as lttoolbox's apply() variants do; paths
 * taken through an alternative are marked dirty. */
void st_step(fst_engine *E, fstate *s, int32_t in);
void st_step2(fst_engine *E, fstate *s, int32_t in, int32_t alt);
void st_step3(fst_engine *E, fstate *s, int32_t in, int32_t alt1, int32_t alt2);
void st_step_careful(fst_engine *E, fstate *s, int32_t in, int32_t alt);
void st_step_case(fst_engine *E, fstate *s, int32_t val, int case_sensitive);
void st_step_case_override(fst_engine *E, fstate *s, int32_t val, int case_sensitive);
static inline int st_is_final(const fst_engine *E, const fstate *s, int mask) {
  (void)E;
  for (uint32_t i = 0; i < s->n; i++)
    if (SENT_FINAL(s->v[i].flags) & (uint32_t)mask) return 1;
  return 0;
}
/* OR of the final types of all paths (0 if none is final). */
static inline int st_final_mask(const fst_engine *E, const fstate *s) {
  (void)E;
  int m = 0;
  for (uint32_t i = 0; i < s->n; i++) m |= (int)SENT_FINAL(s->v[i].flags);
  return m;
}
/* lttoolbox State::filterFinals: appends "/a/b..." (sorted by weight, first
 * occurrence of each string kept, at most max_analyses) to `out`. */
void st_filter_finals(fst_engine *E, const fstate *s, int mask, int uppercase, int firstupper,
                      int max_analyses, ubuf *out);
/* -e support */
void st_prune_forbidden(fst_engine *E, fstate *s, int32_t sym);
int st_has_symbol(fst_engine *E, const fstate *s, int32_t sym);
void st_prune_compounds(fst_engine *E, fstate *s, int32_t required, int32_t sep, int max_elements);
void st_restart_finals(fst_engine *E, fstate *s, int mask, int32_t required, const fstate *restart,
                       int32_t sep);

#define FST_MAX_CI_STATE 65536 /* lttoolbox max_case_insensitive_state_size */
/* A hard cap on live paths.  Real dictionaries stay far below it (lttoolbox
 * turns case-sensitive at 65536); a hostile file whose epsilon arcs fan out
 * would otherwise grow the state exponentially.  Reaching it is an error. */
#define FST_MAX_PATHS (1u << 20)

#endif
