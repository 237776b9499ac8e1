/*
 * spanish.c - news mode: Spanish spelling in eng-spa output.
 *
 * Apertium's eng-spa data writes "sólo" for the adverb, which the Real
 * Academia's 2010 spelling writes "solo", and takes English "when" and
 * "who" in statements for the question words: "cuándo", "quién" ("el
 * hombre quién nació en Buffalo").  Outside a question (no '¿' since the
 * sentence began) they are the relative "cuando", "quien", "quienes".
 */
#include <string.h>

#include "../base/base.h"
#include "news_int.h"

/* Is byte i inside a question: a '¿' after the last sentence end before i,
 * or a '?' ending the sentence (Apertium writes no '¿' for English)? */
static int in_question(const char *s, size_t n, size_t i) {
  for (size_t j = i; j < n; j++) {
    if (s[j] == '?') return 1;
    if (s[j] == '.' || s[j] == '!' || s[j] == '\n') break;
  }
  while (i > 0) {
    i--;
    if (s[i] == '.' || s[i] == '!' || s[i] == '\n' || s[i] == '?') return 0;
    if ((unsigned char)s[i] == 0xBF && i > 0 && (unsigned char)s[i - 1] == 0xC2) return 1; /* ¿ */
  }
  return 0;
}

/* The replacement of the word s[b..e), or NULL. */
static const char *respell(const char *s, size_t n, size_t b, size_t e) {
  static const char *const from[] = {"sólo", "Sólo", "cuándo", "Cuándo", "quién", "Quién", "quiénes", "Quiénes", NULL};
  static const char *const to[] = {"solo", "Solo", "cuando", "Cuando", "quien", "Quien", "quienes", "Quienes", NULL};
  for (int i = 0; from[i]; i++) {
    size_t k = strlen(from[i]);
    if (e - b == k && !memcmp(s + b, from[i], k)) return i < 2 || !in_question(s, n, b) ? to[i] : NULL;
  }
  return NULL;
}

int news_spelling_spa(bbuf *out, size_t start, int stream) {
  if (out->len <= start) return PL_OK;
  bbuf src = {0};
  if (news_take_tail(out, start, &src)) return PL_ENOMEM;
  const char *s = src.p;
  size_t n = src.len;
  for (size_t i = 0; i < n;) {
    if (stream && (s[i] == '[' || s[i] == '\\')) { /* a superblank or an escaped character: as it is */
      size_t j = news_skip_markup(s, n, i);
      bbuf_append(out, s + i, j - i);
      i = j;
      continue;
    }
    if (!news_word_byte((unsigned char)s[i])) {
      bbuf_putc(out, s[i++]);
      continue;
    }
    size_t j = i;
    while (j < n && news_word_byte((unsigned char)s[j])) j++;
    const char *r = respell(s, n, i, j);
    if (r) bbuf_puts(out, r);
    else bbuf_append(out, s + i, j - i);
    i = j;
  }
  bbuf_free(&src);
  return out->failed ? PL_ENOMEM : PL_OK;
}
