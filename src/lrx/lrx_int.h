/*
 * lrx_int.h - shared by the files of the lrx module only: the loaded rule
 * set.
 *
 * The alphabet and every transducer of the file (the recognisers and the
 * main rule transducer) live in one fst (fst.h), built with fst_builder: each
 * transducer is a section, and node ids are global, so one "final" flag per
 * node and one arc layout serve all of them.
 */
#ifndef PL_LRX_INT_H
#define PL_LRX_INT_H

#include "../fst/fst.h"
#include "lrx.h"

#define LRX_NONE 0xFFFFFFFFu

typedef struct lrx_weight {
  int32_t id;
  double w;
} lrx_weight;

struct lrx {
  fst *f;
  uint32_t main_init; /* initial node of the rule transducer */
  /* recogniser name (UTF-16) -> section, open addressing; LRX_NONE = empty */
  uint32_t *rec_slot;
  uint32_t rec_cap; /* power of two */
  /* rule weights, sorted by id, one per id (the last record of an id wins) */
  lrx_weight *wt;
  uint32_t n_wt;
  /* lrx-proc's special tags; 0 when the alphabet lacks them (as in Debian,
   * where Alphabet::operator() answers 0 for an unknown name) */
  int32_t any_char, any_tag, any_upper, any_lower, word_boundary, null_boundary;
  uint8_t *tag_is_wb; /* per tag index: its name is "<$>" */
};

/* Initial node of the recogniser named s[0..n), or LRX_NONE. */
uint32_t lrx_rec_find(const lrx *x, const uint16_t *s, size_t n);
/* Weight of the rule id string s[0..n) ("<12>"); 0.0 when unknown. */
double lrx_weight_of(const lrx *x, const uint16_t *s, size_t n);

#endif
