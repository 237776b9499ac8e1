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
 * Layout, chosen so that a step costs one cache line: a node's children are
 * a contiguous block of entries, and the entry that leads to a node also
 * holds where that node's own block is, so the walk never reads node
 * records (they are read only for cached analyses).  The root's children
 * below U+0100 are a direct table.  Blocks grow by moving to the end of the
 * entry pool; memory is bounded and the trie is emptied when it is full.
 */
#ifndef PL_ACACHE_H
#define PL_ACACHE_H

#include "../base/base.h"

#define AC_NONE 0xFFFFFFFFu
#define AC_MAX_NODES (1u << 20)
#define AC_MAX_ENTS (1u << 22)
#define AC_MAX_DEPTH 64 /* longer tokens are stepped without the cache */

/* One child: the symbol, the child node with its flags, and the child's
 * own block of children. */
typedef struct aent {
  int32_t sym;
  uint32_t node;   /* node id */
  uint32_t blk;    /* first entry of the child's children */
  uint16_t n, cap; /* the child's children: used and allocated */
  uint8_t fmask, alive;
  uint16_t dtab; /* direct table of the child's children below U+0100, or AC_NO_DTAB */
} aent;
#define AC_NO_DTAB 0xFFFF
#define AC_DTAB_MIN 8 /* children from which a node gets a direct table */
#define AC_MAX_DTABS 4096

/* Per node, in separate dense arrays (the walk reads them only at finals):
 * lf[v][node] = analyses for case variant v as (offset << 32 | length) in
 * the arena, AC_LF_NONE if not cached; snap[node] = offset of a State
 * snapshot in `snaps`, or AC_NONE. */
#define AC_LF_NONE UINT64_MAX

/* Every alive node made by a real step keeps a snapshot of its State: the
 * paths as the State engine holds them (node, output, flags; 3 words each),
 * so that a miss below it, or its analyses, need only that one step.  The
 * outputs are indices into the processor's output pool, which is therefore
 * not rewound between tokens while the cache lives.  Wider States (rare)
 * are not kept; a miss below them replays from the nearest snapshot. */
#define AC_SNAP_MAX_PATHS 64

typedef struct acache {
  uint64_t *lf[3];
  uint32_t *snap;
  uint32_t n_nodes, node_cap;
  aent *ent;
  uint32_t n_ents, ent_cap;
  aent root;          /* the edge "into" the root: its block, flags */
  uint32_t direct[256]; /* root child entry index per symbol < 256, AC_NONE if none */
  uint32_t *dtabs;      /* n_dtabs x 256 entry indices, AC_NONE if none */
  uint32_t n_dtabs;
  bbuf arena;           /* analyses, UTF-8 */
  int32_t *snaps;       /* snapshots: n_paths, then per path: node, output, flags */
  uint32_t n_snaps, snaps_cap;
} acache;

int ac_init(acache *c, int root_fmask);
void ac_free(acache *c);
/* Drops every node but the root. */
void ac_clear(acache *c);

/* Nodes are reached through entries; `via` is an entry index, or AC_ROOT
 * for the root. */
#define AC_ROOT AC_NONE
static inline const aent *ac_via(const acache *c, uint32_t via) {
  return via == AC_ROOT ? &c->root : &c->ent[via];
}

/* The entry of the child on `sym` of the node reached through `via`, or
 * AC_NONE. */
static inline uint32_t ac_child(const acache *c, uint32_t via, int32_t sym) {
  if (via == AC_ROOT && (uint32_t)sym < 256) return c->direct[sym];
  const aent *v = ac_via(c, via);
  if (v->dtab != AC_NO_DTAB && (uint32_t)sym < 256) return c->dtabs[(size_t)v->dtab * 256 + (uint32_t)sym];
  const aent *b = c->ent + v->blk;
  for (uint32_t i = 0; i < v->n; i++)
    if (b[i].sym == sym) return v->blk + i;
  return AC_NONE;
}

/* Adds a child on `sym` under the node reached through `via`; returns its
 * entry index, or AC_NONE when the cache is full (the caller clears it).
 * Pointers into the entries are invalid afterwards; indices stay valid. */
uint32_t ac_add(acache *c, uint32_t via, int32_t sym, int alive, int fmask);
/* Reserves room for a snapshot of `words` int32s; returns the offset or
 * AC_NONE when full.  The caller fills c->snaps[off .. off+words) and then
 * sets snap[id] = off. */
uint32_t ac_snap_reserve(acache *c, uint32_t words);
/* Stores analyses for a node and variant (silently skipped when full). */
void ac_set_lf(acache *c, uint32_t node, int variant, const char *s, size_t n);

#endif
