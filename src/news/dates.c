/*
 * dates.c - news mode: dates in Spanish output.
 *
 * News is full of dates, and Apertium's eng-spa rules know only the
 * British order ("on 8 July 2010" -> "el 8 de julio de 2010").  The
 * American order comes out word for word ("on July 4, 1990" -> "encima
 * julio 4, 1990"), "on Tuesday" becomes "encima martes", and the month
 * March, which the bilingual dictionary only has as the noun "march",
 * becomes "Marcha".  In Spanish text, after translation:
 *   - "encima [el] martes" -> "el martes";
 *   - "[encima] julio 4[, 1990]" -> "[el] 4 de julio[ de 1990]";
 *   - "julio 1990" -> "julio de 1990";
 *   - "Marcha" before a day or a year is the month ("marzo").
 * A capital at the start of a replaced span stays a capital.  In a stream
 * (-f html), superblanks and escaped characters are not text and stay as
 * they are.  Spanish into
 * English: "the Monday" -> "on Monday" (news_dates_eng).
 */
#include <stdlib.h>
#include <string.h>

#include "news_int.h"

int news_take_tail(bbuf *out, size_t start, bbuf *src) {
  if (bbuf_append(src, out->p + start, out->len - start) || src->failed) return -1;
  out->len = start;
  return 0;
}

/* In a stream, the end of the superblank "[...]" or the escape "\\x" at s[i]. */
size_t news_skip_markup(const char *s, size_t n, size_t i) {
  if (s[i] == '\\') return i + 2 < n ? i + 2 : n;
  for (i++; i < n && s[i] != ']'; i++)
    if (s[i] == '\\') i++;
  return i < n ? i + 1 : n;
}

typedef struct word {
  size_t b, e; /* bytes of a run of letters or of digits */
  int digits;
} word;

static int eq(const char *s, const word *w, const char *lit) {
  size_t n = strlen(lit);
  return w->e - w->b == n && !memcmp(s + w->b, lit, n);
}

static int eq_ci1(const char *s, const word *w, const char *lit) { /* first letter in either case */
  size_t n = strlen(lit);
  if (w->e - w->b != n || !n) return 0;
  char c = s[w->b];
  if (c >= 'A' && c <= 'Z') c = (char)(c + 32);
  return c == lit[0] && !memcmp(s + w->b + 1, lit + 1, n - 1);
}

static const char *const months[] = {"enero",   "febrero",    "marzo",   "abril",     "mayo",     "junio", "julio",
                                     "agosto",  "septiembre", "octubre", "noviembre", "diciembre", NULL};
static const char *const days[] = {"lunes", "martes", "mi\xc3\xa9rcoles", "jueves", "viernes", "s\xc3\xa1" "bado",
                                   "domingo", NULL};

static int in(const char *s, const word *w, const char *const *l) {
  for (int i = 0; l[i]; i++)
    if (eq_ci1(s, w, l[i])) return 1;
  return 0;
}

/* A month's name; "Marcha" (from "March", capitalised) counts only before
 * a day or a year, and a lower-case "marcha" (a march) never. */
static int month(const char *s, const word *w) { return in(s, w, months); }
static int march_noun(const char *s, const word *w) { return eq(s, w, "Marcha"); }

static int day_num(const char *s, const word *w) {
  if (!w->digits || w->e - w->b > 2) return 0;
  int v = 0;
  for (size_t i = w->b; i < w->e; i++) v = v * 10 + (s[i] - '0');
  return v >= 1 && v <= 31;
}

static int year_num(const word *w) { return w->digits && w->e - w->b == 4; }

/* Do words a and b follow each other with exactly `sep` between them? */
static int gap(const char *s, const word *a, const word *b, const char *sep) {
  size_t n = strlen(sep);
  return b->b - a->e == n && !memcmp(s + a->e, sep, n);
}

/* Appends the month's name as written (lower case; "marzo" for "Marcha"),
 * with a capital if cap. */
static void put_month(bbuf *o, const char *s, const word *w, int cap) {
  size_t at = o->len;
  if (march_noun(s, w)) bbuf_puts(o, "marzo");
  else bbuf_append(o, s + w->b, w->e - w->b);
  if (o->len > at) {
    char *c = &o->p[at];
    if (cap && *c >= 'a' && *c <= 'z') *c = (char)(*c - 32);
    if (!cap && *c >= 'A' && *c <= 'Z') *c = (char)(*c + 32);
  }
}

static int capital(const char *s, const word *w) { return s[w->b] >= 'A' && s[w->b] <= 'Z'; }

/* Does a sentence start at byte i (the text's start, a line's, or after
 * '.', '!', '?' and spaces, perhaps an opening quote)? */
static int sentence_start(const char *s, size_t i) {
  while (i > 0 && (s[i - 1] == ' ' || s[i - 1] == '"' || s[i - 1] == '(')) i--;
  return i == 0 || s[i - 1] == '\n' || s[i - 1] == '.' || s[i - 1] == '!' || s[i - 1] == '?';
}

int news_dates_spa(bbuf *out, size_t start, int stream) {
  if (out->len <= start) return PL_OK;
  bbuf src = {0};
  if (news_take_tail(out, start, &src)) return PL_ENOMEM;
  word *w = NULL;
  size_t nw = 0, cap = 0, n = src.len;
  const char *s = src.p;
  for (size_t i = 0; i < n;) { /* the words */
    unsigned char c = (unsigned char)s[i];
    int dig = c >= '0' && c <= '9';
    if (stream && (c == '[' || c == '\\')) { /* a superblank or an escaped character: not text */
      i = news_skip_markup(s, n, i);
      continue;
    }
    if (!dig && !news_word_byte(c)) {
      i++;
      continue;
    }
    size_t j = i;
    while (j < n && (dig ? (s[j] >= '0' && s[j] <= '9') : news_word_byte((unsigned char)s[j]))) j++;
    if (nw == cap) {
      cap = cap ? cap * 2 : 256;
      word *q = pl_realloc_array(w, cap, sizeof *q);
      if (!q) { /* the text back as it was */
        free(w);
        bbuf_append(out, s, n);
        bbuf_free(&src);
        return PL_ENOMEM;
      }
      w = q;
    }
    w[nw++] = (word){i, j, dig};
    i = j;
  }
  size_t at = 0; /* bytes of src copied so far */
  for (size_t k = 0; k < nw; k++) {
    const word *a = &w[k];
    /* "encima [el] martes" */
    if (eq_ci1(s, a, "encima") && k + 1 < nw && gap(s, a, &w[k + 1], " ")) {
      size_t d = k + 1;
      if (eq(s, &w[d], "el") && d + 1 < nw && gap(s, &w[d], &w[d + 1], " ")) d++;
      if (in(s, &w[d], days)) {
        bbuf_append(out, s + at, a->b - at);
        bbuf_puts(out, capital(s, a) ? "El " : "el ");
        at = w[d].b;
        k = d;
        continue;
      }
    }
    /* "[encima] julio 4[, 1990]" */
    size_t m = k;
    int on = eq_ci1(s, a, "encima") && k + 1 < nw && gap(s, a, &w[k + 1], " ");
    if (on) m = k + 1;
    if (m + 1 < nw && (month(s, &w[m]) || march_noun(s, &w[m])) && gap(s, &w[m], &w[m + 1], " ") &&
        day_num(s, &w[m + 1]) && !(m + 2 < nw && gap(s, &w[m + 1], &w[m + 2], ":"))) {
      const word *mo = &w[m], *dy = &w[m + 1];
      size_t last = m + 1;
      const word *yr = NULL;
      if (m + 2 < nw && year_num(&w[m + 2]) && gap(s, dy, &w[m + 2], ", ")) {
        yr = &w[m + 2];
        last = m + 2;
      }
      bbuf_append(out, s + at, a->b - at);
      if (on) bbuf_puts(out, capital(s, a) ? "El " : "el ");
      bbuf_append(out, s + dy->b, dy->e - dy->b);
      bbuf_puts(out, " de ");
      put_month(out, s, mo, 0);
      if (yr) {
        bbuf_puts(out, " de ");
        bbuf_append(out, s + yr->b, yr->e - yr->b);
      }
      at = w[last].e;
      k = last;
      continue;
    }
    /* "julio 1990" -> "julio de 1990" */
    if (k + 1 < nw && (month(s, a) || march_noun(s, a)) && year_num(&w[k + 1]) && gap(s, a, &w[k + 1], " ")) {
      bbuf_append(out, s + at, a->b - at);
      put_month(out, s, a, capital(s, a) && sentence_start(s, a->b));
      bbuf_puts(out, " de ");
      at = w[k + 1].b;
      continue;
    }
  }
  bbuf_append(out, s + at, n - at);
  free(w);
  bbuf_free(&src);
  return out->failed ? PL_ENOMEM : PL_OK;
}

/* English from Spanish: "el lunes" comes out as "the Monday".  After a
 * preposition the article goes ("desde el lunes" -> "from Monday"),
 * elsewhere it is "on" ("El lunes, el tribunal..." -> "On Monday, the
 * court..."). */
int news_dates_eng(bbuf *out, size_t start, int stream) {
  static const char *const wd[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", NULL};
  static const char *const prep[] = {"from", "until", "since", "for", "by", "to", "of", "in", "at", "before", "after",
                                     "between", "and", "or", "on", "next", "last", "this", "every", NULL};
  if (out->len <= start) return PL_OK;
  bbuf src = {0};
  if (news_take_tail(out, start, &src)) return PL_ENOMEM;
  const char *s = src.p;
  size_t n = src.len, at = 0, pb = 0, pe = 0; /* the word before, s[pb..pe) */
  for (size_t i = 0; i < n;) {
    if (stream && (s[i] == '[' || s[i] == '\\')) { /* a superblank or an escaped character: not text */
      i = news_skip_markup(s, n, i);
      pe = pb;
      continue;
    }
    if (!news_word_byte((unsigned char)s[i])) {
      i++;
      continue;
    }
    size_t j = i;
    while (j < n && news_word_byte((unsigned char)s[j])) j++;
    word a = {i, j, 0};
    if ((eq(s, &a, "the") || eq(s, &a, "The")) && j + 1 < n && s[j] == ' ') {
      size_t k = j + 1, e = k;
      while (e < n && news_word_byte((unsigned char)s[e])) e++;
      word d = {k, e, 0};
      int is_day = 0;
      for (int x = 0; wd[x] && !is_day; x++) is_day = eq(s, &d, wd[x]);
      if (is_day) {
        word p = {pb, pe, 0};
        int after_prep = 0;
        for (int x = 0; prep[x] && !after_prep; x++) after_prep = pe > pb && pe + 1 == i && eq_ci1(s, &p, prep[x]);
        bbuf_append(out, s + at, i - at);
        if (!after_prep) bbuf_puts(out, s[i] == 'T' ? "On " : "on ");
        at = k;
      }
    }
    pb = i;
    pe = j;
    i = j;
  }
  bbuf_append(out, s + at, n - at);
  bbuf_free(&src);
  return out->failed ? PL_ENOMEM : PL_OK;
}
