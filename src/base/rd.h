/*
 * rd.h - the one bounded reader for binary data files.
 *
 * A cursor {base, len, pos} with a sticky error: every read checks the bytes
 * left by subtraction (no out-of-range pointer is ever formed) and, once a
 * read fails, every later read fails too and returns 0, so a truncated file
 * cannot decode silently as zeros (which is what lttoolbox's readByte does).
 * The caller checks `rd->err` at convenient points and reports `rd->pos`.
 */
#ifndef PL_RD_H
#define PL_RD_H

#include <string.h>
#include "base.h"

typedef struct rd {
  const unsigned char *base;
  size_t len, pos;
  int err;
} rd;

static inline void rd_init(rd *r, const void *p, size_t len) {
  r->base = (const unsigned char *)p;
  r->len = len;
  r->pos = 0;
  r->err = 0;
}
static inline size_t rd_left(const rd *r) { return r->len - r->pos; }
static inline int rd_u8(rd *r) {
  if (r->err || r->pos >= r->len) {
    r->err = 1;
    return 0;
  }
  return r->base[r->pos++];
}

/* lttoolbox "multibyte" unsigned integer (Compression::multibyte_read): the
 * top two bits of the first byte give the number of extra bytes (0-3), the
 * rest is a big-endian payload of up to 30 bits. */
static inline uint32_t rd_mb(rd *r) {
  uint32_t up = (uint32_t)rd_u8(r);
  int extra = (int)(up >> 6);
  uint32_t v = up & 0x3F;
  if (up < 0x40) return up;
  while (extra--) v = (v << 8) | (uint32_t)rd_u8(r);
  return r->err ? 0 : v;
}

/* lttoolbox "long multibyte" double (Compression::long_multibyte_read). */
double rd_mb_double(rd *r);

/* Eight bytes, big-endian (lttoolbox's read_u64_le is big-endian on disk). */
static inline uint64_t rd_u64be(rd *r) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) v = (v << 8) | (uint64_t)rd_u8(r);
  return v;
}

static inline int rd_magic(rd *r, const char *m4) {
  if (rd_left(r) >= 4 && !r->err && memcmp(r->base + r->pos, m4, 4) == 0) {
    r->pos += 4;
    return 1;
  }
  return 0;
}

/* For parley's own cache files (written and read on the same machine):
 * a u32 in host byte order, and an array of `count` records of `size`
 * bytes starting at the next multiple of `align` from the base (NULL, with
 * the error set, if it does not fit). */
static inline uint32_t rd_u32_host(rd *r) {
  uint32_t v = 0;
  if (r->err || rd_left(r) < 4) {
    r->err = 1;
    return 0;
  }
  memcpy(&v, r->base + r->pos, 4);
  r->pos += 4;
  return v;
}
static inline const void *rd_array(rd *r, uint64_t count, size_t size, size_t align) {
  size_t pos = (r->pos + align - 1) / align * align;
  if (r->err || pos > r->len || count > (r->len - pos) / size) {
    r->err = 1;
    return NULL;
  }
  r->pos = pos + (size_t)(count * size);
  return r->base + pos;
}

#endif
