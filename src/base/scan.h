/*
 * scan.h - finding the next byte a stream reader must look at.
 *
 * Apertium's streams are mostly plain ASCII between a few special bytes
 * ('^', '$', '/', '\\', '<', ...).  Readers that copy runs of plain bytes
 * in one go first need the end of the run: pl_scan4 finds it sixteen bytes
 * at a time with SSE2 (every x86-64 has it), else byte by byte.
 */
#ifndef PL_SCAN_H
#define PL_SCAN_H

#include <stddef.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* The first index at or after i (below n) of a byte equal to a, b, c or d,
 * of a NUL, or of a byte >= 0x80 (any part of a multi-byte character); n if
 * there is none. */
static inline size_t pl_scan4(const unsigned char *s, size_t i, size_t n, unsigned char a, unsigned char b,
                              unsigned char c, unsigned char d) {
#if defined(__SSE2__)
  const __m128i va = _mm_set1_epi8((char)a), vb = _mm_set1_epi8((char)b), vc = _mm_set1_epi8((char)c),
                vd = _mm_set1_epi8((char)d), zero = _mm_setzero_si128();
  for (; n - i >= 16; i += 16) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
    __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, va), _mm_cmpeq_epi8(v, vb)),
                               _mm_or_si128(_mm_cmpeq_epi8(v, vc), _mm_cmpeq_epi8(v, vd)));
    hit = _mm_or_si128(_mm_or_si128(hit, _mm_cmpeq_epi8(v, zero)), v); /* v: the high bit of bytes >= 0x80 */
    unsigned mask = (unsigned)_mm_movemask_epi8(hit);
    if (mask) return i + (size_t)__builtin_ctz(mask);
  }
#endif
  for (; i < n; i++) {
    unsigned char x = s[i];
    if (x == a || x == b || x == c || x == d || x == 0 || x >= 0x80) break;
  }
  return i;
}

#endif
