/*
 * glossary.c - news mode's runtime glossary (news.h): parsing the user's
 * file, and putting the target terms back after translation.
 *
 * The name stage (names.c) finds glossary terms among the surface forms of
 * the tagged stream and replaces each occurrence by one unit, a proper noun
 * whose lemma is a placeholder "Pgl<k>x": no dictionary knows it, so every
 * stage passes it on (transfer places it like a name), and the generator
 * writes it as is, perhaps with its case changed.  news_unplace then puts
 * the occurrence's target text where the placeholder ended up.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "news_int.h"

void news_glossary_free(news_glossary *g) {
  if (!g) return;
  for (size_t i = 0; i < g->n; i++) {
    for (size_t k = 0; k < g->e[i].n_words; k++) free(g->e[i].words[k]);
    free(g->e[i].words);
    free(g->e[i].target);
  }
  free(g->e);
  free(g);
}

static int has_upper_ascii(const char *s) {
  for (; *s; s++)
    if (*s >= 'A' && *s <= 'Z') return 1;
  return 0;
}

static int cmp_entries(const void *a, const void *b) { /* longer terms first */
  const gl_entry *x = a, *y = b;
  return x->n_words < y->n_words ? 1 : x->n_words > y->n_words ? -1 : 0;
}

int news_glossary_parse(news_glossary **out, const char *text, size_t len, const char *name, pl_err *e) {
  *out = NULL;
  news_glossary *g = calloc(1, sizeof *g);
  if (!g) return pl_err_set(e, PL_ENOMEM, -1, "glossary: out of memory");
  if (utf8_check(text, len) >= 0) {
    long long at = utf8_check(text, len);
    news_glossary_free(g);
    return pl_err_set(e, PL_EINPUT, at, "%s: invalid UTF-8 at byte %lld", name, at);
  }
  size_t cap = 0, line = 0;
  for (size_t i = 0; i < len;) {
    size_t j = i;
    while (j < len && text[j] != '\n') j++;
    line++;
    size_t a = i, z = j;
    i = j + 1;
    if (z > a && text[z - 1] == '\r') z--;
    while (a < z && (text[a] == ' ')) a++;
    if (a == z || text[a] == '#') continue;
    const char *tab = memchr(text + a, '\t', z - a);
    size_t se = tab ? (size_t)(tab - text) : z;
    while (se > a && text[se - 1] == ' ') se--;
    if (se == a) {
      news_glossary_free(g);
      return pl_err_set(e, PL_EINPUT, (long long)line, "%s:%zu: empty source term", name, line);
    }
    if (g->n == cap) {
      cap = cap ? cap * 2 : 32;
      gl_entry *q = pl_realloc_array(g->e, cap, sizeof *q);
      if (!q) goto nomem;
      g->e = q;
    }
    gl_entry *en = &g->e[g->n];
    memset(en, 0, sizeof *en);
    g->n++;
    for (size_t w = a; w < se;) { /* the source words */
      while (w < se && text[w] == ' ') w++;
      size_t we = w;
      while (we < se && text[we] != ' ') we++;
      if (we == w) break;
      char **q = pl_realloc_array(en->words, en->n_words + 1, sizeof *q);
      if (!q) goto nomem;
      en->words = q;
      if (!(en->words[en->n_words] = strndup(text + w, we - w))) goto nomem;
      if (has_upper_ascii(en->words[en->n_words])) en->exact = 1;
      en->n_words++;
      w = we;
    }
    if (tab) {
      size_t ta = (size_t)(tab - text) + 1, tz = z;
      while (ta < tz && text[ta] == ' ') ta++;
      while (tz > ta && text[tz - 1] == ' ') tz--;
      if (!(en->target = strndup(text + ta, tz - ta))) goto nomem;
    }
  }
  if (g->n) qsort(g->e, g->n, sizeof *g->e, cmp_entries);
  *out = g;
  return PL_OK;
nomem:
  news_glossary_free(g);
  return pl_err_set(e, PL_ENOMEM, -1, "glossary: out of memory");
}

void news_run_free(news_run *r) {
  bbuf_free(&r->text);
  bbuf_free(&r->names);
  bbuf_free(&r->unknown);
  free(r->off);
  memset(r, 0, sizeof *r);
}

int news_place(news_run *r, const char *s, size_t n) {
  if (r->n + 2 > r->cap) {
    size_t cap = r->cap ? r->cap * 2 : 16;
    size_t *q = pl_realloc_array(r->off, cap, sizeof *q);
    if (!q) return -1;
    r->off = q;
    r->cap = cap;
  }
  if (!r->n) r->off[0] = 0;
  if (bbuf_append(&r->text, s, n)) return -1;
  r->off[++r->n] = r->text.len;
  return 0;
}

int news_unplace(const news_run *r, const char *in, size_t n, bbuf *out) {
  for (size_t i = 0; i < n;) {
    if (r && r->n && i + 4 < n && (in[i] == 'P' || in[i] == 'p') && (in[i + 1] == 'g' || in[i + 1] == 'G') &&
        (in[i + 2] == 'l' || in[i + 2] == 'L') && in[i + 3] >= '0' && in[i + 3] <= '9') {
      size_t j = i + 3, k = 0;
      while (j < n && in[j] >= '0' && in[j] <= '9' && k < (size_t)1 << 40) k = k * 10 + (size_t)(in[j++] - '0');
      if (j < n && (in[j] == 'x' || in[j] == 'X') && k < r->n) {
        if (bbuf_append(out, r->text.p + r->off[k], r->off[k + 1] - r->off[k])) return -1;
        i = j + 1;
        continue;
      }
    }
    if (bbuf_putc(out, in[i++])) return -1;
  }
  return out->failed ? -1 : 0;
}

int news_glossary_extend(news_glossary **out, const news_glossary *base, const char *terms, size_t len) {
  *out = NULL;
  news_glossary *g = calloc(1, sizeof *g);
  if (!g) return -1;
  size_t n_terms = 0;
  for (size_t i = 0; i < len; i++) n_terms += terms[i] == 0;
  size_t cap = (base ? base->n : 0) + n_terms;
  g->e = calloc(cap ? cap : 1, sizeof *g->e);
  if (!g->e) goto fail;
  for (size_t i = 0; base && i < base->n; i++) { /* the user's terms first */
    const gl_entry *b = &base->e[i];
    gl_entry *d = &g->e[g->n++];
    d->exact = b->exact;
    d->words = calloc(b->n_words ? b->n_words : 1, sizeof *d->words);
    if (!d->words || (b->target && !(d->target = strdup(b->target)))) goto fail;
    for (size_t k = 0; k < b->n_words; k++) {
      if (!(d->words[k] = strdup(b->words[k]))) goto fail;
      d->n_words = k + 1;
    }
  }
  for (size_t i = 0; i < len;) { /* then each term, kept as written */
    size_t j = i;
    while (j < len && terms[j]) j++;
    if (j > i && !memchr(terms + i, ' ', j - i)) {
      int dup = 0;
      for (size_t k = 0; k < g->n && !dup; k++)
        dup = g->e[k].n_words == 1 && !g->e[k].target && !strcmp(g->e[k].words[0], terms + i);
      if (!dup) {
        gl_entry *d = &g->e[g->n++];
        d->exact = 1;
        d->words = calloc(1, sizeof *d->words);
        if (!d->words || !(d->words[0] = strndup(terms + i, j - i))) goto fail;
        d->n_words = 1;
      }
    }
    i = j + 1;
  }
  if (g->n) qsort(g->e, g->n, sizeof *g->e, cmp_entries);
  *out = g;
  return 0;
fail:
  news_glossary_free(g);
  return -1;
}
