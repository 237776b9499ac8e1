/* wcache.c - see wcache.h. */
#include <stdlib.h>

#include "wcache.h"

void wc_free(wcache *c) {
  free(c->slot);
  bbuf_free(&c->arena);
  memset(c, 0, sizeof *c);
}

static void wc_clear(wcache *c) {
  if (c->slot) memset(c->slot, 0, c->cap * sizeof *c->slot);
  c->n = 0;
  c->arena.len = 0;
  c->arena.failed = 0;
}

void wc_put(wcache *c, uint64_t h, const char *key, size_t klen, const void *val, size_t vlen) {
  if (klen > 0xFFFF || vlen > 0xFFFF) return;
  size_t need = 4 + klen + vlen;
  if (c->arena.len + need > WC_MAX_ARENA) wc_clear(c);
  if ((c->n + 1) * 2 > c->cap) {
    uint32_t ncap = c->cap ? c->cap * 2 : 32768; /* untouched pages cost nothing */
    if (ncap > WC_MAX_SLOTS) {
      wc_clear(c);
    } else {
      uint64_t *ns = calloc(ncap, sizeof *ns);
      if (!ns) return;
      for (uint32_t i = 0; i < c->cap; i++) {
        uint64_t s = c->slot[i];
        if (!s) continue;
        for (uint32_t j = (uint32_t)(s >> 32) & (ncap - 1);; j = (j + 1) & (ncap - 1))
          if (!ns[j]) {
            ns[j] = s;
            break;
          }
      }
      free(c->slot);
      c->slot = ns;
      c->cap = ncap;
    }
  }
  if (!c->arena.cap && bbuf_reserve(&c->arena, (size_t)1 << 20)) return; /* most texts need that */
  size_t off = c->arena.len;
  uint16_t len[2] = {(uint16_t)klen, (uint16_t)vlen};
  if (bbuf_append(&c->arena, len, sizeof len) || (klen && bbuf_append(&c->arena, key, klen)) ||
      (vlen && bbuf_append(&c->arena, val, vlen))) {
    c->arena.failed = 0;
    c->arena.len = off;
    return;
  }
  uint32_t mask = c->cap - 1;
  for (uint32_t i = (uint32_t)(h >> 32) & mask;; i = (i + 1) & mask)
    if (!c->slot[i]) {
      c->slot[i] = (h >> 32 << 32) | (uint64_t)(off + 1);
      c->n++;
      return;
    }
}
