/*
 * news_int.h - news mode's internal pieces: the glossary's form (glossary.c,
 * names.c) and what the text rewrites share (dates.c, spanish.c).
 */
#ifndef PL_NEWS_INT_H
#define PL_NEWS_INT_H

#include "news.h"

typedef struct gl_entry {
  char **words;   /* the source term, split at spaces */
  size_t n_words;
  char *target;   /* NULL: do not translate */
  int exact;      /* the source has capitals: match them exactly */
} gl_entry;

struct news_glossary {
  gl_entry *e;    /* longest terms first */
  size_t n;
};

/* Records a placeholder's text; returns 0 or -1 (out of memory). */
int news_place(news_run *r, const char *s, size_t n);

/* A byte of a word for the text rewrites: an ASCII letter, or any byte of a
 * multi-byte UTF-8 character. */
static inline int news_word_byte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

/* The end of the unit that starts at s[i] == '^': the index of its
 * unescaped '$', or n. */
static inline size_t news_unit_end(const char *s, size_t n, size_t i) {
  size_t j = i + 1;
  while (j < n && s[j] != '$') j += s[j] == '\\' ? 2 : 1;
  return j < n ? j : n;
}

/* Moves out->p[start..] into *src (which must be empty) and cuts out back to
 * start: a rewrite reads the old text from src and writes the new one after
 * start.  Returns -1 when out of memory (out is then unchanged). */
int news_take_tail(bbuf *out, size_t start, bbuf *src);

#endif
