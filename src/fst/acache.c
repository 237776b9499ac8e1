/* acache.c - the analysis prefix trie (see acache.h for the layout). */
#define _DEFAULT_SOURCE /* madvise, MADV_HUGEPAGE */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "acache.h"

#define AC_MAX_SNAPS (16u << 20) /* int32 words */
#define AC_MAX_ARENA (64u << 20)
#define AC_SMALL_DTABS 32 /* direct tables of a small cache (a short text's widest nodes) */

/* The arrays are allocated at their largest size up front when that
 * succeeds: large blocks are mapped lazily, so untouched pages cost nothing,
 * and growing by realloc would copy them (and fault in the copy) at every
 * doubling.  They are read in random order, so they are aligned for
 * transparent huge pages: fewer page faults and TLB misses (eng-spa bench:
 * 1576 -> 721 page faults, about 4% faster, for about 4 MiB of peak RSS). */
void *ac_alloc_max(size_t n) {
  const size_t hp = (size_t)2 << 20;
  if (n < hp) return malloc(n);
  n = (n + hp - 1) & ~(hp - 1);
  void *p = aligned_alloc(hp, n);
#ifdef MADV_HUGEPAGE
  if (p) madvise(p, n, MADV_HUGEPAGE);
#endif
  return p;
}

/* Makes room for `need` elements in an array that did not get its largest
 * size up front. */
static int grow(void **p, uint32_t *cap, uint32_t need, size_t size, uint32_t max) {
  if (need <= *cap) return 0;
  if (need > max) return -1;
  uint32_t c = *cap ? *cap : 1024;
  while (c < need) c = c > max / 2 ? max : c * 2;
  void *np = realloc(*p, (size_t)c * size);
  if (!np) return -1;
  *p = np;
  *cap = c;
  return 0;
}

/* Both entry arrays, to `need` entries. */
static int grow_ents(acache *c, uint32_t need) {
  uint32_t cap = c->ent_cap;
  if (grow((void **)&c->ent, &cap, need, sizeof *c->ent, AC_MAX_ENTS)) return -1;
  uint32_t cap2 = c->ent_cap;
  if (grow((void **)&c->esnap, &cap2, need, sizeof *c->esnap, AC_MAX_ENTS)) return -1;
  c->ent_cap = cap < cap2 ? cap : cap2;
  return 0;
}

static void set_root(acache *c, int fmask) {
  memset(&c->root, 0, sizeof c->root);
  c->root.fl = (uint8_t)(fmask | AC_ALIVE);
  c->root.lf = AC_NONE;
  for (int i = 0; i < 16; i++) c->free_blk[i] = AC_NONE;
  for (int i = 0; i < 256; i++) c->direct[i] = AC_NONE;
  c->n_dtabs = 0;
  c->n_snaps = 0;
  c->n_nodes = 1;
  c->n_ents = 0;
}

int ac_init(acache *c, int root_fmask, int big) {
  memset(c, 0, sizeof *c);
  if (big) {
    c->ent = ac_alloc_max((size_t)AC_MAX_ENTS * sizeof *c->ent);
    c->esnap = ac_alloc_max((size_t)AC_MAX_ENTS * sizeof *c->esnap);
    if (c->ent && c->esnap) {
      c->ent_cap = AC_MAX_ENTS;
    } else {
      free(c->ent);
      free(c->esnap);
      c->ent = NULL;
      c->esnap = NULL;
    }
    if ((c->snaps = ac_alloc_max((size_t)AC_MAX_SNAPS * sizeof *c->snaps))) c->snaps_cap = AC_MAX_SNAPS;
    if ((c->dtabs = ac_alloc_max((size_t)AC_MAX_DTABS * 256 * sizeof *c->dtabs))) c->max_dtabs = AC_MAX_DTABS;
    if ((c->arena.p = ac_alloc_max(AC_MAX_ARENA))) c->arena.cap = AC_MAX_ARENA;
  } else if ((c->dtabs = malloc((size_t)AC_SMALL_DTABS * 256 * sizeof *c->dtabs))) {
    c->max_dtabs = AC_SMALL_DTABS;
  }
  if (grow_ents(c, 16384)) {
    ac_free(c);
    return -1;
  }
  set_root(c, root_fmask);
  return 0;
}

void ac_free(acache *c) {
  free(c->ent);
  free(c->esnap);
  free(c->snaps);
  free(c->dtabs);
  bbuf_free(&c->arena);
  memset(c, 0, sizeof *c);
}

void ac_clear(acache *c) {
  if (!c->ent) return;
  set_root(c, AC_FMASK(c->root.fl));
  c->arena.len = 0;
  c->arena.failed = 0;
}

static inline uint32_t log2_cap(uint32_t cap) { return (uint32_t)__builtin_ctz(cap); }

/* A block of `cap` (a power of 2) entries: a free one, or new at the end. */
static uint32_t blk_alloc(acache *c, uint32_t cap) {
  uint32_t k = log2_cap(cap), b = c->free_blk[k];
  if (b != AC_NONE) {
    c->free_blk[k] = c->ent[b].blk;
    return b;
  }
  if (c->n_ents + cap > c->ent_cap && grow_ents(c, c->n_ents + cap)) return AC_NONE;
  b = c->n_ents;
  c->n_ents += cap;
  return b;
}

static void blk_free(acache *c, uint32_t b, uint32_t cap) {
  uint32_t k = log2_cap(cap);
  c->ent[b].blk = c->free_blk[k];
  c->free_blk[k] = b;
}

/* The direct table of node v, if it has one. */
static uint32_t *dtab_of(acache *c, const aent *v) {
  if (v == &c->root) return c->direct;
  return v->dtab ? c->dtabs + (size_t)(v->dtab - 1) * 256 : NULL;
}

uint32_t ac_add(acache *c, uint32_t via, int32_t sym, int alive, int fmask) {
  if (c->n_nodes >= AC_MAX_NODES) return AC_NONE;
  aent *v = ac_node(c, via);
  uint32_t cap = ac_cap(v->n);
  if (v->n == cap) {
    uint32_t ncap = cap ? 2u * cap : 1u;
    if (ncap > AC_MAX_CAP) return AC_NONE;
    uint32_t nb = blk_alloc(c, ncap);
    if (nb == AC_NONE) return AC_NONE;
    v = ac_node(c, via); /* the entries may have moved */
    if (v->n) {
      memcpy(c->ent + nb, c->ent + v->blk, v->n * sizeof *c->ent);
      memcpy(c->esnap + nb, c->esnap + v->blk, v->n * sizeof *c->esnap);
      blk_free(c, v->blk, cap);
    }
    v->blk = nb;
    uint32_t *t = dtab_of(c, v);
    if (t)
      for (uint32_t i = 0; i < v->n; i++)
        if ((uint32_t)c->ent[nb + i].sym < 256) t[c->ent[nb + i].sym] = nb + i;
  }
  c->n_nodes++;
  uint32_t idx = v->blk + v->n++;
  c->ent[idx] = (aent){sym, 0, AC_NONE, 0, (uint8_t)(fmask | (alive ? AC_ALIVE : 0)), 0};
  c->esnap[idx] = AC_NONE;
  uint32_t *t = dtab_of(c, v);
  if (!t && v->n >= AC_DTAB_MIN && c->n_dtabs < c->max_dtabs) {
    /* a wide node: give it a direct table (its block may still move) */
    v->dtab = (uint8_t)++c->n_dtabs;
    t = c->dtabs + (size_t)(v->dtab - 1) * 256;
    for (int i = 0; i < 256; i++) t[i] = AC_NONE;
    for (uint32_t i = 0; i < v->n; i++)
      if ((uint32_t)c->ent[v->blk + i].sym < 256) t[c->ent[v->blk + i].sym] = v->blk + i;
  } else if (t && (uint32_t)sym < 256) {
    t[sym] = idx;
  }
  return idx;
}

void ac_set_lf(acache *c, uint32_t via, int variant, const char *s, size_t n) {
  aent *v = ac_node(c, via);
  bbuf *a = &c->arena;
  size_t pad = (8 - a->len % 8) % 8, rec = a->len + pad;
  if (rec + (v->lf == AC_NONE ? 24 : 0) + n > AC_MAX_ARENA) return; /* full: simply not cached */
  if (v->lf == AC_NONE) {
    static const unsigned char none[8 + 24] = {0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                               0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                               0xFF, 0xFF, 0xFF, 0xFF};
    if (bbuf_append(a, none + 8 - pad, pad + 24)) { /* padding, then three AC_LF_NONE */
      a->failed = 0;
      a->len = rec - pad;
      return;
    }
    v->lf = (uint32_t)rec;
  }
  size_t off = a->len;
  if (n && bbuf_append(a, s, n)) {
    a->failed = 0;
    a->len = off;
    return;
  }
  uint64_t ref = ((uint64_t)off << 32) | (uint32_t)n;
  memcpy(a->p + v->lf + 8 * (uint32_t)variant, &ref, 8);
}

uint32_t ac_snap_reserve(acache *c, uint32_t words) {
  if (c->n_snaps + words > c->snaps_cap &&
      grow((void **)&c->snaps, &c->snaps_cap, c->n_snaps + words, sizeof *c->snaps, AC_MAX_SNAPS))
    return AC_NONE;
  uint32_t off = c->n_snaps;
  c->n_snaps += words;
  return off;
}
