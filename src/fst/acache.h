/*
 * acache.h - a cache of analysis prefixes: a trie over the symbol sequences
 * read from the initial state, remembering what lt-proc's analysis loop
 * needs to know about the State after each prefix (is it alive, which kinds
 * of final does it hold, and its analyses for each case pattern of the
 * surface form).
 *
 * Why: the State after a prefix depends only on the prefix (stepping is
 * deterministic), and news text repeats its words constantly, so most
 * tokens are answered by a walk down this trie instead of stepping every
 * live path of the transducer.  The analysis loop keeps the real State too,
 * and rebuilds it by replaying the prefix only when the trie misses.
 *
 * Memory is bounded: the trie is emptied when it reaches its cap.
 */
#ifndef PL_ACACHE_H
#define PL_ACACHE_H

#include "../base/base.h"

#define AC_NONE 0xFFFFFFFFu
#define AC_MAX_NODES (1u << 20)
#define AC_MAX_DEPTH 64 /* longer tokens are stepped without the cache */

typedef struct anode {
  uint8_t fmask; /* OR of the final types in the State */
  uint8_t alive; /* the State has paths */
  uint32_t lf_off[3], lf_len[3]; /* analyses per case variant; lf_off AC_NONE = unknown */
} anode;

/* An edge carries its child's two flags, so that the walk down the trie
 * touches one hash slot per symbol; the node is read only for analyses. */
typedef struct aedge {
  uint32_t parent, child; /* child AC_NONE = empty slot */
  int32_t sym;
  uint8_t fmask, alive;
} aedge;

typedef struct acache {
  anode *node;
  uint32_t n, cap;
  aedge *edge;
  uint32_t ecap, en;
  ubuf arena; /* lf strings */
  int failed;
} acache;

/* Sets up the trie with its root (the initial State: alive, `root_fmask`). */
int ac_init(acache *c, int root_fmask);
void ac_free(acache *c);
/* Drops every node but the root. */
void ac_clear(acache *c);
/* The edge from `parent` on `sym`, or NULL. */
static inline uint32_t ac_hash(uint32_t parent, int32_t sym) {
  uint64_t h = ((uint64_t)parent << 32) ^ (uint32_t)sym;
  h *= 0x9E3779B97F4A7C15ull;
  return (uint32_t)(h >> 32);
}
static inline const aedge *ac_child(const acache *c, uint32_t parent, int32_t sym) {
  uint32_t mask = c->ecap - 1;
  for (uint32_t i = ac_hash(parent, sym) & mask;; i = (i + 1) & mask) {
    const aedge *e = &c->edge[i];
    if (e->child == AC_NONE) return NULL;
    if (e->parent == parent && e->sym == sym) return e;
  }
}
/* Adds a child; returns its id or AC_NONE when full (the caller clears). */
uint32_t ac_add(acache *c, uint32_t parent, int32_t sym, int alive, int fmask);
/* Stores analyses for a node and variant. */
void ac_set_lf(acache *c, uint32_t node, int variant, const uint16_t *s, size_t n);

#endif
