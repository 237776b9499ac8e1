/* kvcache.c - see kvcache.h. */
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "kvcache.h"

void kv_free(kvcache *c) {
  free(c->slot);
  bbuf_free(&c->arena);
  memset(c, 0, sizeof *c);
}

uint64_t kv_hash(const void *key, size_t len) { return pl_hash(key, len); }

const char *kv_get(const kvcache *c, uint64_t h, const void *key, size_t klen, size_t *vlen) {
  if (!c->cap) return NULL;
  uint32_t mask = c->cap - 1;
  for (uint32_t i = (uint32_t)h & mask;; i = (i + 1) & mask) {
    const kvslot *s = &c->slot[i];
    if (!s->hash) return NULL;
    if (s->hash == h && s->klen == klen && (klen == 0 || !memcmp(c->arena.p + s->off, key, klen))) {
      *vlen = s->vlen;
      return s->vlen ? c->arena.p + s->off + klen : "";
    }
  }
}

static void kv_clear(kvcache *c) {
  if (c->slot) memset(c->slot, 0, c->cap * sizeof *c->slot);
  c->n = 0;
  c->arena.len = 0;
  c->arena.failed = 0;
}

void kv_put(kvcache *c, uint64_t h, const void *key, size_t klen, const void *val, size_t vlen) {
  if (klen + vlen > KV_MAX_ARENA / 4) return;
  if (c->arena.len + klen + vlen > KV_MAX_ARENA) kv_clear(c);
  if ((c->n + 1) * 2 > c->cap) {
    uint32_t ncap = c->cap ? c->cap * 2 : 4096;
    if (ncap > KV_MAX_SLOTS) {
      kv_clear(c);
      ncap = c->cap;
    } else {
      kvslot *ns = calloc(ncap, sizeof *ns);
      if (!ns) return;
      for (uint32_t i = 0; i < c->cap; i++) {
        kvslot s = c->slot[i];
        if (!s.hash) continue;
        for (uint32_t j = (uint32_t)s.hash & (ncap - 1);; j = (j + 1) & (ncap - 1))
          if (!ns[j].hash) {
            ns[j] = s;
            break;
          }
      }
      free(c->slot);
      c->slot = ns;
      c->cap = ncap;
    }
  }
  size_t off = c->arena.len;
  if ((klen && bbuf_append(&c->arena, key, klen)) || (vlen && bbuf_append(&c->arena, val, vlen))) {
    c->arena.failed = 0;
    c->arena.len = off;
    return;
  }
  uint32_t mask = c->cap - 1;
  for (uint32_t i = (uint32_t)h & mask;; i = (i + 1) & mask)
    if (!c->slot[i].hash) {
      c->slot[i] = (kvslot){h, (uint32_t)off, (uint32_t)klen, (uint32_t)vlen};
      c->n++;
      return;
    }
}
