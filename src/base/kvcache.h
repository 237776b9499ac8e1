/*
 * kvcache.h - a bounded map from byte strings to byte strings, for
 * memoising pure functions on hot paths (lt-proc generation and bilingual
 * lookup: the output for a lexical unit depends only on its symbols).
 *
 * Open addressing over one arena; when the arena or the table is full the
 * whole cache is emptied (cheap, and the next entries refill it), so memory
 * stays under the caps whatever the input.
 */
#ifndef PL_KVCACHE_H
#define PL_KVCACHE_H

#include "base.h"

#define KV_MAX_ARENA ((size_t)64 << 20)
#define KV_MAX_SLOTS (1u << 21)

typedef struct kvslot {
  uint64_t hash; /* 0 = empty */
  uint32_t off, klen, vlen;
} kvslot;

typedef struct kvcache {
  kvslot *slot;
  uint32_t cap, n;
  bbuf arena;
} kvcache;

void kv_free(kvcache *c);
uint64_t kv_hash(const void *key, size_t len);
/* The value stored for `key`, or NULL; *vlen receives its length.  The
 * pointer is valid until the next kv_put. */
const char *kv_get(const kvcache *c, uint64_t h, const void *key, size_t klen, size_t *vlen);
/* Stores a value (silently does nothing if it cannot). */
void kv_put(kvcache *c, uint64_t h, const void *key, size_t klen, const void *val, size_t vlen);

#endif
