/*
 * hmm_int.h - the HMM tagger model, shared by hmm_load.c and hmm_tag.c.
 *
 * Tags are small integers ("coarse tags", TTag in Apertium).  A tag set is
 * a sorted array of them.  The pattern list that maps a fine reading
 * (lemma<tag><tag>...) to its coarse tag is a small deterministic-lookup
 * automaton (lttoolbox MatchExe): per state, transitions sorted by symbol
 * and found by the same binary search lttoolbox uses, so that duplicate
 * symbols resolve the same way.
 */
#ifndef PL_HMM_INT_H
#define PL_HMM_INT_H

#include <unicode/uregex.h>

#include "hmm.h"

typedef struct tagset {
  int32_t *t;
  uint32_t n;
} tagset;

typedef struct hmm_re { /* a prefer or discard rule */
  uint16_t *src;
  uint32_t len;
  URegularExpression *re; /* compiled once; cloned per run; NULL for a literal */
  /* A rule whose regular expression is a plain ASCII string (no "<*>", no
   * metacharacter) is a literal: on ASCII text it is found by a
   * case-insensitive substring search (lower case here), which is what ICU
   * does; on other text a run compiles it when first needed.  Most rules
   * are literals, and ICU's case-insensitive compilation is costly. */
  char *lit;
  uint32_t lit_len;
} hmm_re;

struct hmm_model {
  int32_t N, M;
  double *A; /* N x N, A[j * N + i]: from tag j to tag i */
  double *B; /* M x N, B[k * N + i]: tag i emits class k (Apertium's B[i][k],
              * stored by class so that a word's tags are close together) */
  tagset open_class;
  tagset *cls; /* ambiguity classes in file order, duplicates removed */
  uint32_t n_cls;
  int32_t tag_sent, tag_eof, tag_undef;
  hmm_re *prefer, *discard;
  uint32_t n_prefer, n_discard;
  /* pattern list */
  uint32_t n_ptags;
  uint16_t **ptag; /* "<name>" */
  uint32_t *ptag_len;
  int32_t any_char, any_tag; /* symbols of <ANY_CHAR>, <ANY_TAG>, 0 if absent */
  /* lookup tables built at load: pattern tag name -> symbol, tag set ->
   * class index (open addressing, power-of-two capacities, -1/0 empty) */
  int32_t *ptag_hash;
  uint32_t ptag_hash_cap;
  int32_t *cls_hash;
  uint32_t cls_hash_cap;
  uint32_t n_states, initial;
  uint32_t *first; /* n_states + 1 */
  int32_t *sym;    /* transitions sorted by symbol */
  uint32_t *dest;
  int32_t *final_type; /* per state, -1 if not final */
  /* per state, the destination on <ANY_CHAR> and on <ANY_TAG> (what
   * hmm_ms_search returns for them), looked up once at load */
  uint32_t *dest_any_char, *dest_any_tag;
};

/* The destination of `node` on `sym`, UINT32_MAX if none: lttoolbox's
 * binary search, so that duplicate symbols resolve the same way. */
static inline uint32_t hmm_ms_search(const hmm_model *m, uint32_t node, int32_t sym) {
  int left = 0, right = (int)(m->first[node + 1] - m->first[node]) - 1;
  if (right < 0) return UINT32_MAX;
  const int32_t *s = m->sym + m->first[node];
  while (left <= right) {
    int mid = (left + right) / 2;
    if (s[mid] == sym) return m->dest[m->first[node] + (uint32_t)mid];
    if (s[mid] > sym) right = mid - 1;
    else left = mid + 1;
  }
  return UINT32_MAX;
}

int32_t hmm_ptag_find(const hmm_model *m, const uint16_t *s, size_t n);
int hmm_class_find(const hmm_model *m, const int32_t *t, uint32_t n); /* -1 if absent */

#endif
