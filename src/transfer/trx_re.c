/*
 * trx_re.c - the attribute patterns of transfer rules ("lem", "tags", "a_nom"
 * = "(<(?:n|np)>)" ...), with Apertium's semantics (apertium_re.cc): an ICU
 * pattern compiled with UREGEX_CASE_INSENSITIVE | UREGEX_DOTALL, and "match"
 * is the first find() in the subject.  The pattern is compiled once; a
 * matcher is reused for every subject instead of being created per call.
 * Apertium hands ICU the subject as a NUL-terminated string, so the subject
 * ends at its first NUL; trx_run.c does the same.
 */
#include <stdlib.h>
#include <unicode/uregex.h>

#include "trx_int.h"

struct trx_re {
  URegularExpression *re;
};

int trx_re_compile(trx_re **out, const uint16_t *pat, size_t len, pl_err *e, const char *name) {
  UErrorCode err = U_ZERO_ERROR;
  UParseError pe;
  *out = NULL;
  if (len > INT32_MAX) return pl_err_set(e, PL_ECORRUPT, -1, "%s: regular expression too long", name);
  URegularExpression *re =
      uregex_open((const UChar *)pat, (int32_t)len, UREGEX_CASE_INSENSITIVE | UREGEX_DOTALL, &pe, &err);
  if (U_FAILURE(err)) {
    return pl_err_set(e, PL_ECORRUPT, -1, "%s: invalid attribute regular expression (%s at offset %d)", name,
                      u_errorName(err), (int)pe.offset);
  }
  trx_re *r = malloc(sizeof *r);
  if (!r) {
    uregex_close(re);
    return pl_err_set(e, PL_ENOMEM, -1, "%s: out of memory", name);
  }
  r->re = re;
  *out = r;
  return PL_OK;
}

trx_re *trx_re_clone(const trx_re *src) {
  if (!src) return NULL;
  UErrorCode err = U_ZERO_ERROR;
  URegularExpression *re = uregex_clone(src->re, &err);
  if (U_FAILURE(err)) return NULL;
  trx_re *r = malloc(sizeof *r);
  if (!r) {
    uregex_close(re);
    return NULL;
  }
  r->re = re;
  return r;
}

void trx_re_free(trx_re *r) {
  if (!r) return;
  uregex_close(r->re);
  free(r);
}

int trx_re_find(trx_re *r, const uint16_t *s, size_t n, size_t *b, size_t *e) {
  static const UChar empty[1] = {0};
  UErrorCode err = U_ZERO_ERROR;
  if (n > INT32_MAX) n = INT32_MAX;
  uregex_setText(r->re, n ? (const UChar *)s : empty, (int32_t)n, &err);
  if (U_FAILURE(err)) return 0;
  if (!uregex_findNext(r->re, &err) || U_FAILURE(err)) return 0;
  int32_t st = uregex_start(r->re, 0, &err), en = uregex_end(r->re, 0, &err);
  if (U_FAILURE(err) || st < 0 || en < st) return 0;
  *b = (size_t)st;
  *e = (size_t)en;
  return 1;
}
