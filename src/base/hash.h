/*
 * hash.h - the one hash of byte strings that parley's tables use.
 *
 * Eight bytes per step (two multiply-xorshift rounds of SplitMix64's
 * finaliser family), so a 20-byte lexical unit costs four multiplications
 * instead of the twenty dependent ones of byte-wise FNV-1a, which was
 * several per cent of the lexical-selection and transfer stages.  Not for
 * hostile-input hash flooding (no seed): every table that uses it bounds its
 * probing or its size.
 */
#ifndef PL_HASH_H
#define PL_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* A hash of `len` bytes, never 0 (tables use 0 for an empty slot). */
static inline uint64_t pl_hash(const void *key, size_t len) {
  const unsigned char *b = key;
  uint64_t h = 0x9E3779B97F4A7C15ull ^ (uint64_t)len, v;
  size_t n = len;
  while (n >= 8) {
    memcpy(&v, b, 8);
    h = (h ^ v) * 0xBF58476D1CE4E5B9ull;
    h ^= h >> 31;
    b += 8;
    n -= 8;
  }
  if (n) {
    if (len >= 8) { /* the last 8 bytes, overlapping */
      memcpy(&v, b + n - 8, 8);
    } else {
      v = 0;
      for (size_t i = 0; i < n; i++) v |= (uint64_t)b[i] << (8 * i);
    }
    h = (h ^ v) * 0x94D049BB133111EBull;
  }
  h ^= h >> 29;
  h *= 0xBF58476D1CE4E5B9ull;
  h ^= h >> 32;
  return h ? h : 1;
}

#endif
