/* u8in.c - slow path of the code-point reader (multi-byte sequences, EOF and
 * invalid input); see u8in.h. */
#include "u8in.h"

int32_t u8in_get_slow(u8in *r, int b) {
  if (b < 0 || r->bad) {
    r->in->eof_seen = 1;
    return U8IN_EOF;
  }
  unsigned char s[4];
  s[0] = (unsigned char)b;
  int n = utf8_lead_len(s[0]);
  long long off = pl_in_offset(r->in) - 1;
  for (int i = 1; i < n; i++) {
    int c = pl_in_getb(r->in);
    if (c < 0) goto bad;
    s[i] = (unsigned char)c;
  }
  int32_t cp = utf8_decode(s, n);
  if (cp >= 0) return cp;
bad:
  r->bad = 1;
  r->bad_off = off;
  r->in->eof_seen = 1;
  return U8IN_EOF;
}

int u8in_check(const u8in *r, const char *what, pl_err *e) {
  if (r->bad)
    return pl_err_set(e, PL_EINPUT, r->bad_off, "%s: invalid UTF-8 in input at byte %lld", what,
                      r->bad_off);
  if (r->in->io_error) return pl_err_set(e, PL_EIO, -1, "%s: error reading input", what);
  return PL_OK;
}
