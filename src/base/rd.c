/* rd.c - the out-of-line parts of the bounded binary reader (rd.h). */
#include <math.h>
#include <string.h>
#include "rd.h"

/* A double is stored as frexp()'s fraction scaled to a signed 30-bit integer
 * and its exponent, each as one multibyte value when < 2^26, otherwise as two
 * (high 6 bits flagged with 0x04000000, then the low 26 bits).  +inf and -inf
 * are the mantissa 0xFFFFFFFF with exponent 0xFFFFFFFF / 0xFFFFFFFE. */
static uint32_t rd_mb_wide(rd *r) {
  uint32_t up = rd_mb(r);
  if (up < 0x04000000) return up;
  uint32_t low = rd_mb(r);
  return ((up & 0x03FFFFFF) << 26) | low;
}

double rd_mb_double(rd *r) {
  uint32_t m = rd_mb_wide(r);
  uint32_t x = rd_mb_wide(r);
  if (m == 0xFFFFFFFFu && x >= 0xFFFFFFFEu) return x == 0xFFFFFFFEu ? -INFINITY : INFINITY;
  double v = (double)(int32_t)m / (double)0x40000000;
  return ldexp(v, (int32_t)x);
}
