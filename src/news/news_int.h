/*
 * news_int.h - the glossary's internal form, shared by glossary.c and
 * names.c.
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

#endif
