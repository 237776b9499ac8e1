/*
 * tidy.c - news mode's last touch on plain text: what Apertium's output
 * does to the page that the source did not.
 *
 *   - Runs of spaces: a word that translates to nothing ("'s", a dropped
 *     pronoun) leaves its blank behind, and the sentence-end handling of
 *     destxt/retxt doubles the space after a full stop ("tierra.  Cavan").
 *     When the source has no run of two spaces anywhere, runs in the
 *     output are made single.  A source that has them (aligned text,
 *     typewriter habits) keeps every space as Apertium gives it.
 *   - Spaces at a line start or after an opening quote or bracket, which
 *     a dropped subject pronoun leaves (" Se moverá"), go when the source
 *     has none there.
 *   - Paragraph starts: a paragraph whose source begins with a capital
 *     letter begins with one in the translation too ("He documented..." ->
 *     "se documentó..." -> "Se documentó...").  Paragraphs are lines,
 *     matched by position; when the line counts differ nothing is changed.
 */
#include <string.h>
#include <unicode/uchar.h>

#include "news.h"

static int has_double_space(const char *s, size_t n) {
  for (size_t i = 0; i + 1 < n; i++)
    if (s[i] == ' ' && s[i + 1] == ' ') return 1;
  return 0;
}

static size_t count_lines(const char *s, size_t n) {
  size_t k = 1;
  for (const char *p = s; (p = memchr(p, '\n', n - (size_t)(p - s))) != NULL; p++) k++;
  return k;
}

/* The first letter at or after i on its line (stops at '\n'): its offset and
 * code point, or -1. */
static long first_letter(const char *s, size_t n, size_t i, int32_t *cp) {
  while (i < n && s[i] != '\n') {
    int k = 1;
    int32_t c = (unsigned char)s[i];
    if (c >= 0x80) {
      k = utf8_lead_len((unsigned char)c);
      if (k < 2 || i + (size_t)k > n || (c = utf8_decode((const unsigned char *)s + i, k)) < 0) return -1;
    }
    if (u_isalpha(c)) {
      *cp = c;
      return (long)i;
    }
    if (!u_isspace(c) && !u_ispunct(c)) return -1; /* a digit or symbol starts it */
    i += (size_t)k;
  }
  return -1;
}

/* The length of the opening quote or bracket that ends s[0..n), or 0. */
static size_t opener_before(const char *s, size_t n) {
  static const char *const op[] = {"(", "[", "\"", "\xe2\x80\x9c", "\xe2\x80\x98", "\xc2\xab", "\xc2\xbf", "\xc2\xa1", NULL};
  for (int i = 0; op[i]; i++) {
    size_t l = strlen(op[i]);
    if (n >= l && !memcmp(s + n - l, op[i], l)) {
      if (op[i][0] == '"' && n > l && s[n - l - 1] != ' ' && s[n - l - 1] != '\n') return 0; /* a closing '"' */
      return l;
    }
  }
  return 0;
}

/* Does the source have a space at a line start, or after an opening quote
 * or bracket? */
static int spaces_after_openers(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (s[i] == ' ' && (i == 0 || s[i - 1] == '\n' || opener_before(s, i))) return 1;
  return 0;
}

int news_tidy(const char *src, size_t sn, bbuf *out, size_t start) {
  char *o = out->p ? out->p + start : NULL;
  size_t on = out->len - start;
  if (!o || !on) return PL_OK;
  if (!has_double_space(src, sn)) { /* collapse runs of spaces */
    size_t w = 0;
    for (size_t r = 0; r < on; r++)
      if (!(o[r] == ' ' && w && o[w - 1] == ' ')) o[w++] = o[r];
    out->len = start + w;
    on = w;
  }
  if (!spaces_after_openers(src, sn)) { /* a dropped pronoun's blank: " Se moverá", "“ Se moverá" */
    size_t w = 0;
    for (size_t r = 0; r < on; r++)
      if (!(o[r] == ' ' && (w == 0 || o[w - 1] == '\n' || opener_before(o, w)))) o[w++] = o[r];
    out->len = start + w;
    on = w;
  }
  if (count_lines(src, sn) != count_lines(o, on)) return PL_OK;
  size_t si = 0, oi = 0;
  for (;;) {
    int32_t sc = 0, oc = 0;
    long sl = first_letter(src, sn, si, &sc), ol = first_letter(o, on, oi, &oc);
    if (sl >= 0 && ol >= 0 && u_isupper(sc) && u_islower(oc)) {
      int32_t up = u_toupper(oc);
      char buf[4];
      int k = utf8_lead_len((unsigned char)o[ol]), m = utf8_encode((uint32_t)up, buf);
      if (m == k) memcpy(o + ol, buf, (size_t)m); /* same length: in place */
    }
    const char *sn_nl = memchr(src + si, '\n', sn - si), *on_nl = memchr(o + oi, '\n', on - oi);
    if (!sn_nl || !on_nl) break;
    si = (size_t)(sn_nl - src) + 1;
    oi = (size_t)(on_nl - o) + 1;
  }
  return PL_OK;
}
