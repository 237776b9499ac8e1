/*
 * acache.h - a cache of analysis prefixes: a trie over the symbol sequences
 * read from the initial state, remembering what lt-proc's analysis loop
 * needs to know about the State after each prefix (is it alive, which kinds
 * of final does it hold, its analyses for each case pattern of the surface
 * form, and the State itself).
 *
 * Why: the State after a prefix depends only on the prefix (stepping is
 * deterministic), and news text repeats its words constantly, so most
 * tokens are answered by a walk down this trie instead of stepping every
 * live path of the transducer.  The analysis loop keeps the real State too,
 * and rebuilds it from the node's snapshot only when the trie misses.
 *
 * Layout, chosen so that a step costs one cache line: a node's children are
 * a contiguous block of 16-byte entries, and the entry that leads to a node
 * holds what the walk needs about that node (where its own block is, its
 * flags, its analyses), so there are no node records; the snapshot, needed
 * only on a miss, is in a parallel array.  The root's children below U+0100
 * are a direct table, and so are those of the first other wide nodes.  A
 * block holds n children in the smallest power of two >= n entries; a full
 * one moves to a block of twice the size and the old one goes to a free list
 * of its size, to be reused.  Memory is bounded and the trie is emptied
 * when it is full.
 */
#ifndef PL_ACACHE_H
#define PL_ACACHE_H

#include <string.h>

#include "../base/base.h"

#define AC_NONE 0xFFFFFFFFu
#define AC_MAX_NODES (1u << 20)
#define AC_MAX_ENTS (1u << 22)
#define AC_MAX_DEPTH 64 /* longer tokens are stepped without the cache */
#define AC_MAX_CAP 0x8000u /* children of one node */

/* One node, stored as the entry that leads to it from its parent. */
typedef struct aent {
  int32_t sym;    /* the symbol from the parent */
  uint32_t blk;   /* first entry of the node's children */
  uint32_t lf;    /* offset of the node's analyses record in the arena, or AC_NONE */
  uint16_t n;     /* the node's children */
  uint8_t fl;     /* the State after the node: its final types (bits 0-4), alive (AC_ALIVE) */
  uint8_t dtab;   /* 1 + index of the direct table of the children below U+0100, 0 if none */
} aent;
#define AC_ALIVE 0x80u
#define AC_FMASK(fl) ((int)((fl) & 0x1Fu))
#define AC_DTAB_MIN 8 /* children from which a node gets a direct table */
#define AC_MAX_DTABS 255 /* a few hot ones are worth it; more cost cache misses */
/* The block size of a node with n children (the root included). */
static inline uint32_t ac_cap(uint32_t n) { return n <= 1 ? n : 1u << (32 - __builtin_clz(n - 1)); }

/* A node's analyses, per case variant of the surface form, as
 * (offset << 32 | length) in the arena, or AC_LF_NONE if not cached yet.
 * The three references are a record in the arena itself, at an 8-byte
 * boundary, followed by the analyses made with it: reading a node's
 * analyses usually touches one place. */
#define AC_LF_NONE UINT64_MAX

/* Every alive node made by a real step keeps a snapshot of its State: the
 * paths as the State engine holds them (node, output, flags; 3 words each),
 * so that a miss below the node, or its analyses, need only that one step.
 * The outputs are indices into the processor's output pool, which is
 * therefore not rewound between tokens while the cache lives.  Wider States
 * (rare) are not kept; a miss below them replays from the root. */
#define AC_SNAP_MAX_PATHS 64

typedef struct acache {
  aent *ent;
  uint32_t *esnap; /* per entry: offset of its node's snapshot in snaps, or AC_NONE */
  uint32_t n_ents, ent_cap;
  uint32_t free_blk[16]; /* free blocks of 2^k entries, linked through .blk */
  uint32_t n_nodes;
  aent root;            /* the root, which no entry leads to (no snapshot) */
  uint32_t direct[256]; /* root child entry index per symbol < 256, AC_NONE if none */
  uint32_t *dtabs;      /* n_dtabs x 256 entry indices, AC_NONE if none */
  uint32_t n_dtabs, max_dtabs;
  bbuf arena;     /* analyses, UTF-8 */
  int32_t *snaps; /* snapshots: n_paths, then per path: node, output, flags */
  uint32_t n_snaps, snaps_cap;
} acache;

/* big: allocate every array at its largest size up front (long inputs:
 * no copying growth, huge pages); else start small and grow (a short text
 * should not pay for zeroing huge pages it hardly uses). */
int ac_init(acache *c, int root_fmask, int big);
/* A block of n bytes for an array that is allocated at its largest size
 * (mapped lazily, aligned for transparent huge pages when large). */
void *ac_alloc_max(size_t n);
void ac_free(acache *c);
/* Drops every node but the root. */
void ac_clear(acache *c);

/* Nodes are named by the index of their entry; AC_ROOT is the root. */
#define AC_ROOT AC_NONE
static inline aent *ac_node(acache *c, uint32_t via) { return via == AC_ROOT ? &c->root : &c->ent[via]; }

/* The entry of the child on `sym` of node `via`, or AC_NONE. */
static inline uint32_t ac_child(const acache *c, uint32_t via, int32_t sym) {
  if (via == AC_ROOT && (uint32_t)sym < 256) return c->direct[sym];
  const aent *v = via == AC_ROOT ? &c->root : &c->ent[via];
  if (v->dtab && (uint32_t)sym < 256) return c->dtabs[(size_t)(v->dtab - 1) * 256 + (uint32_t)sym];
  const aent *b = c->ent + v->blk;
  for (uint32_t i = 0; i < v->n; i++)
    if (b[i].sym == sym) return v->blk + i;
  return AC_NONE;
}

/* Adds a child on `sym` under node `via`; returns its entry index, or
 * AC_NONE when the cache is full (the caller clears it).  Pointers into the
 * entries are invalid afterwards; the indices of `via` and of every node
 * that is not a child of `via` stay valid. */
uint32_t ac_add(acache *c, uint32_t via, int32_t sym, int alive, int fmask);
/* Reserves room for a snapshot of `words` int32s; returns the offset or
 * AC_NONE when full.  The caller fills c->snaps[off .. off+words) and then
 * sets c->esnap[via] to off. */
uint32_t ac_snap_reserve(acache *c, uint32_t words);
/* The offset of node `via`'s snapshot, or AC_NONE. */
static inline uint32_t ac_snap(const acache *c, uint32_t via) { return via == AC_ROOT ? AC_NONE : c->esnap[via]; }
/* The analyses of node `via` for a variant: a reference or AC_LF_NONE. */
static inline uint64_t ac_lf(const acache *c, uint32_t via, int variant) {
  uint32_t r = via == AC_ROOT ? c->root.lf : c->ent[via].lf;
  uint64_t ref = AC_LF_NONE;
  if (r != AC_NONE) memcpy(&ref, c->arena.p + r + 8 * (uint32_t)variant, 8);
  return ref;
}
/* Stores analyses for a node and variant (silently skipped when full). */
void ac_set_lf(acache *c, uint32_t via, int variant, const char *s, size_t n);

#endif
