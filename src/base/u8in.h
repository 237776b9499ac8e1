/*
 * u8in.h - a code-point reader over pl_in with the semantics of lttoolbox's
 * InputFile (lttoolbox/input_file.cc), which every lt-proc mode and several
 * apertium tools read through:
 *
 *   - u8in_get() returns the next code point, 0 for a NUL byte and U8IN_EOF
 *     (0xFFFF, ICU's U_EOF) once the input is exhausted;
 *   - u8in_eof() becomes true only after a read hit the end (C's feof), not
 *     when the last byte has been consumed: several loops in lt-proc depend on
 *     that difference;
 *   - u8in_unget() pushes back up to 4 code points (LIFO).
 *
 * Invalid UTF-8 is not guessed at: the reader records an error with the byte
 * offset and behaves as if the input had ended (Debian's lt-proc stops with
 * "Invalid UTF-8" at that point, losing its buffered output).
 */
#ifndef PL_U8IN_H
#define PL_U8IN_H

#include "base.h"

#define U8IN_EOF 0xFFFF

typedef struct u8in {
  pl_in *in;
  int32_t back[8];
  int n_back;
  int bad;            /* invalid UTF-8 seen */
  long long bad_off;  /* its byte offset */
} u8in;

static inline void u8in_init(u8in *r, pl_in *in) {
  r->in = in;
  r->n_back = 0;
  r->bad = 0;
  r->bad_off = -1;
}

int32_t u8in_get_slow(u8in *r, int b);

static inline int32_t u8in_get(u8in *r) {
  if (r->n_back) return r->back[--r->n_back];
  int b = pl_in_getb(r->in);
  if (PL_LIKELY(b >= 0 && b < 0x80)) return b;
  return u8in_get_slow(r, b);
}

static inline void u8in_unget(u8in *r, int32_t c) {
  if (r->n_back < 8) r->back[r->n_back++] = c;
}

static inline int32_t u8in_peek(u8in *r) {
  if (r->n_back) return r->back[r->n_back - 1];
  int32_t c = u8in_get(r);
  u8in_unget(r, c);
  return c;
}

static inline int u8in_eof(const u8in *r) { return r->in->eof_seen || r->bad; }

/* Fills `e` if the reader stopped on invalid UTF-8 or an I/O error. */
int u8in_check(const u8in *r, const char *what, pl_err *e);

#endif
