/* acache.c - the analysis prefix trie (acache.h): nodes in an array, edges
 * in one open-addressing hash table keyed by (parent, symbol). */
#include <stdlib.h>
#include <string.h>

#include "acache.h"

static void clear_edges(acache *c) {
  for (uint32_t i = 0; i < c->ecap; i++) c->edge[i].child = AC_NONE;
  c->en = 0;
}

static void set_root(acache *c, int fmask) {
  anode *r = &c->node[0];
  r->fmask = (uint8_t)fmask;
  r->alive = 1;
  for (int v = 0; v < 3; v++) r->lf_off[v] = AC_NONE, r->lf_len[v] = 0;
  c->n = 1;
}

int ac_init(acache *c, int root_fmask) {
  memset(c, 0, sizeof *c);
  c->cap = 4096;
  c->node = malloc(c->cap * sizeof *c->node);
  c->ecap = 8192;
  c->edge = malloc(c->ecap * sizeof *c->edge);
  if (!c->node || !c->edge) {
    ac_free(c);
    return -1;
  }
  clear_edges(c);
  set_root(c, root_fmask);
  return 0;
}

void ac_free(acache *c) {
  free(c->node);
  free(c->edge);
  ubuf_free(&c->arena);
  memset(c, 0, sizeof *c);
}

void ac_clear(acache *c) {
  if (!c->node) return;
  int fmask = c->node[0].fmask;
  clear_edges(c);
  set_root(c, fmask);
  c->arena.len = 0;
  c->arena.failed = 0;
}

static int grow_edges(acache *c) {
  uint32_t ncap = c->ecap * 2;
  aedge *ne = malloc(ncap * sizeof *ne);
  if (!ne) return -1;
  for (uint32_t i = 0; i < ncap; i++) ne[i].child = AC_NONE;
  for (uint32_t i = 0; i < c->ecap; i++) {
    aedge e = c->edge[i];
    if (e.child == AC_NONE) continue;
    for (uint32_t j = ac_hash(e.parent, e.sym) & (ncap - 1);; j = (j + 1) & (ncap - 1))
      if (ne[j].child == AC_NONE) {
        ne[j] = e;
        break;
      }
  }
  free(c->edge);
  c->edge = ne;
  c->ecap = ncap;
  return 0;
}

uint32_t ac_add(acache *c, uint32_t parent, int32_t sym, int alive, int fmask) {
  if (c->n >= AC_MAX_NODES) return AC_NONE;
  if (c->n == c->cap) {
    anode *nn = realloc(c->node, (size_t)c->cap * 2 * sizeof *nn);
    if (!nn) return AC_NONE;
    c->node = nn;
    c->cap *= 2;
  }
  if ((c->en + 1) * 2 > c->ecap && grow_edges(c)) return AC_NONE;
  uint32_t id = c->n++;
  anode *a = &c->node[id];
  a->fmask = (uint8_t)fmask;
  a->alive = (uint8_t)alive;
  for (int v = 0; v < 3; v++) a->lf_off[v] = AC_NONE, a->lf_len[v] = 0;
  uint32_t mask = c->ecap - 1;
  for (uint32_t i = ac_hash(parent, sym) & mask;; i = (i + 1) & mask)
    if (c->edge[i].child == AC_NONE) {
      c->edge[i] = (aedge){parent, id, sym, (uint8_t)fmask, (uint8_t)alive};
      break;
    }
  c->en++;
  return id;
}

void ac_set_lf(acache *c, uint32_t node, int variant, const uint16_t *s, size_t n) {
  if (c->arena.len + n > (64u << 20)) return; /* full: simply not cached */
  size_t off = c->arena.len;
  if (ubuf_append(&c->arena, s, n) && n) {
    c->arena.failed = 0;
    c->arena.len = off;
    return;
  }
  c->node[node].lf_off[variant] = (uint32_t)off;
  c->node[node].lf_len[variant] = (uint32_t)n;
}
