/* acache.c - the analysis prefix trie (see acache.h for the layout). */
#include <stdlib.h>
#include <string.h>

#include "acache.h"

static void set_root(acache *c, int fmask) {
  memset(&c->root, 0, sizeof c->root);
  c->root.fmask = (uint8_t)fmask;
  c->root.alive = 1;
  c->root.node = 0;
  for (int v = 0; v < 3; v++) c->lf[v][0] = AC_LF_NONE;
  c->snap[0] = AC_NONE;
  c->root.dtab = AC_NO_DTAB;
  c->n_dtabs = 0;
  c->n_snaps = 0;
  c->n_nodes = 1;
  c->n_ents = 0;
  for (int i = 0; i < 256; i++) c->direct[i] = AC_NONE;
}

/* The arrays are allocated at their largest size up front when that
 * succeeds: large blocks are mapped lazily, so untouched pages cost nothing,
 * and growing by realloc would copy them (and fault in the copy) at every
 * doubling.  Small sizes are the fallback. */
static int ac_alloc(acache *c, uint32_t node_cap, uint32_t ent_cap) {
  c->node_cap = node_cap;
  for (int v = 0; v < 3; v++) c->lf[v] = malloc(c->node_cap * sizeof *c->lf[v]);
  c->snap = malloc(c->node_cap * sizeof *c->snap);
  c->ent_cap = ent_cap;
  c->ent = malloc(c->ent_cap * sizeof *c->ent);
  if (!c->lf[0] || !c->lf[1] || !c->lf[2] || !c->snap || !c->ent) {
    ac_free(c);
    return -1;
  }
  return 0;
}

int ac_init(acache *c, int root_fmask) {
  memset(c, 0, sizeof *c);
  if (ac_alloc(c, AC_MAX_NODES, AC_MAX_ENTS) && ac_alloc(c, 4096, 16384)) return -1;
  set_root(c, root_fmask);
  return 0;
}

void ac_free(acache *c) {
  for (int v = 0; v < 3; v++) free(c->lf[v]);
  free(c->snap);
  free(c->ent);
  free(c->snaps);
  free(c->dtabs);
  bbuf_free(&c->arena);
  memset(c, 0, sizeof *c);
}

void ac_clear(acache *c) {
  if (!c->snap) return;
  set_root(c, c->root.fmask);
  c->arena.len = 0;
  c->arena.failed = 0;
}

static aent *via_ptr(acache *c, uint32_t via) { return via == AC_ROOT ? &c->root : &c->ent[via]; }

uint32_t ac_add(acache *c, uint32_t via, int32_t sym, int alive, int fmask) {
  if (c->n_nodes >= AC_MAX_NODES) return AC_NONE;
  aent *v = via_ptr(c, via);
  if (v->n == v->cap) {
    uint32_t ncap = v->cap ? 2u * v->cap : (via == AC_ROOT ? 64u : 2u);
    if (ncap > 0xFFFF) return AC_NONE;
    if (c->n_ents + ncap > c->ent_cap) {
      uint32_t cap = c->ent_cap;
      while (c->n_ents + ncap > cap) cap *= 2;
      if (cap > AC_MAX_ENTS) return AC_NONE;
      aent *ne = realloc(c->ent, (size_t)cap * sizeof *ne);
      if (!ne) return AC_NONE;
      c->ent = ne;
      c->ent_cap = cap;
      v = via_ptr(c, via);
    }
    /* move the block to the end of the pool (the old space is abandoned) */
    if (v->n) memcpy(c->ent + c->n_ents, c->ent + v->blk, v->n * sizeof *c->ent);
    v->blk = c->n_ents;
    v->cap = (uint16_t)ncap;
    c->n_ents += ncap;
    uint32_t *t = via == AC_ROOT ? c->direct
                  : v->dtab != AC_NO_DTAB ? c->dtabs + (size_t)v->dtab * 256 : NULL;
    if (t)
      for (uint32_t i = 0; i < v->n; i++)
        if ((uint32_t)c->ent[v->blk + i].sym < 256) t[c->ent[v->blk + i].sym] = v->blk + i;
  }
  if (c->n_nodes == c->node_cap) {
    size_t ncap = (size_t)c->node_cap * 2;
    for (int k = 0; k < 3; k++) {
      uint64_t *nl = realloc(c->lf[k], ncap * sizeof *nl);
      if (!nl) return AC_NONE;
      c->lf[k] = nl;
    }
    uint32_t *ns = realloc(c->snap, ncap * sizeof *ns);
    if (!ns) return AC_NONE;
    c->snap = ns;
    c->node_cap = (uint32_t)ncap;
  }
  uint32_t id = c->n_nodes++;
  for (int k = 0; k < 3; k++) c->lf[k][id] = AC_LF_NONE;
  c->snap[id] = AC_NONE;
  uint32_t idx = v->blk + v->n++;
  aent *e = &c->ent[idx];
  memset(e, 0, sizeof *e);
  e->sym = sym;
  e->node = id;
  e->fmask = (uint8_t)fmask;
  e->alive = (uint8_t)alive;
  e->dtab = AC_NO_DTAB;
  if (via == AC_ROOT && (uint32_t)sym < 256) c->direct[sym] = idx;
  if (via != AC_ROOT) {
    if (v->dtab == AC_NO_DTAB && v->n >= AC_DTAB_MIN && c->n_dtabs < AC_MAX_DTABS) {
      /* a wide node: give it a direct table (its block may still move) */
      if (c->n_dtabs % 64 == 0) {
        uint32_t *nt = realloc(c->dtabs, ((size_t)c->n_dtabs + 64) * 256 * sizeof *nt);
        if (!nt) return idx;
        c->dtabs = nt;
      }
      v->dtab = (uint16_t)c->n_dtabs++;
      uint32_t *t = c->dtabs + (size_t)v->dtab * 256;
      for (int i = 0; i < 256; i++) t[i] = AC_NONE;
      for (uint32_t i = 0; i < v->n; i++)
        if ((uint32_t)c->ent[v->blk + i].sym < 256) t[c->ent[v->blk + i].sym] = v->blk + i;
    } else if (v->dtab != AC_NO_DTAB && (uint32_t)sym < 256) {
      c->dtabs[(size_t)v->dtab * 256 + (uint32_t)sym] = idx;
    }
  }
  return idx;
}

void ac_set_lf(acache *c, uint32_t node, int variant, const char *s, size_t n) {
  if (c->arena.len + n > (64u << 20)) return; /* full: simply not cached */
  size_t off = c->arena.len;
  if (n && bbuf_append(&c->arena, s, n)) {
    c->arena.failed = 0;
    c->arena.len = off;
    return;
  }
  c->lf[variant][node] = ((uint64_t)off << 32) | (uint32_t)n;
}

uint32_t ac_snap_reserve(acache *c, uint32_t words) {
  if (c->n_snaps + words > c->snaps_cap) {
    uint32_t cap = c->snaps_cap ? c->snaps_cap : 65536;
    while (c->n_snaps + words > cap) cap *= 2;
    if (cap > (16u << 20)) return AC_NONE;
    int32_t *ns = realloc(c->snaps, (size_t)cap * sizeof *ns);
    if (!ns) return AC_NONE;
    c->snaps = ns;
    c->snaps_cap = cap;
  }
  uint32_t off = c->n_snaps;
  c->n_snaps += words;
  return off;
}
