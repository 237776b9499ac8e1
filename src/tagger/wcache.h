/*
 * wcache.h - the tagger's word cache: a bounded map from the readings of a
 * token (UTF-8 bytes) to the words they make, compiled (hmm_tag.c).
 *
 * Unlike base/kvcache.h it is tuned for many small entries looked up once
 * per token: 8-byte slots (the high 32 bits of the hash, which also choose
 * the slot, so that growing the table never touches the entries; and the
 * entry's offset), so the table stays small in the cache, and entries (key
 * length and value length, 16 bits each; key; value) packed in one arena:
 * keys and values longer than 65535 bytes are not stored.  When the arena or the table is
 * full the whole cache is emptied, so memory stays under the caps whatever
 * the input.
 */
#ifndef PL_WCACHE_H
#define PL_WCACHE_H

#include <stdint.h>
#include <string.h>

#include "../base/base.h"
#include "../base/hash.h"

#define WC_MAX_ARENA ((size_t)64 << 20)
#define WC_MAX_SLOTS (1u << 21)

typedef struct wcache {
  uint64_t *slot; /* 0 empty, else hash >> 32 << 32 | (entry offset + 1); the
                   * slot of a hash is (hash >> 32) & (cap - 1), probing up */
  uint32_t cap, n;
  bbuf arena;
} wcache;

void wc_free(wcache *c);

/* A hash of `len` bytes, never 0. */
static inline uint64_t wc_hash(const char *p, size_t len) { return pl_hash(p, len); }

/* The value stored for `key` (hash h), or NULL; *vlen receives its length.
 * The pointer is valid until the next wc_put. */
static inline const char *wc_get(const wcache *c, uint64_t h, const char *key, size_t klen, size_t *vlen) {
  if (!c->cap) return NULL;
  uint32_t mask = c->cap - 1, tag = (uint32_t)(h >> 32);
  for (uint32_t i = tag & mask;; i = (i + 1) & mask) {
    uint64_t s = c->slot[i];
    if (!s) return NULL;
    if ((uint32_t)(s >> 32) != tag) continue;
    const char *e = c->arena.p + ((uint32_t)s - 1);
    uint16_t len[2];
    memcpy(len, e, sizeof len);
    if (len[0] == klen && !memcmp(e + sizeof len, key, klen)) {
      *vlen = len[1];
      return e + sizeof len + klen;
    }
  }
}

/* Stores a value (silently does nothing if it cannot). */
void wc_put(wcache *c, uint64_t h, const char *key, size_t klen, const void *val, size_t vlen);

#endif
