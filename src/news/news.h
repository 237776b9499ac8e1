/*
 * news.h - news mode: the changes parley makes to Apertium's pipeline so
 * that its output can be published (see names.c).
 */
#ifndef PL_NEWS_H
#define PL_NEWS_H

#include "../base/base.h"

/* Keeps proper names as names: runs over a tagged stream (^lemma<tags>$
 * units, as apertium-tagger and apertium-pretransfer write it) and turns a
 * capitalised word that the tagger took for a common word, in the middle of
 * a sentence, into a proper noun (^Word<np><ant><sg>$), which the bilingual
 * dictionary does not translate.  Sentence starts and headlines need more
 * evidence (the next word is a name; the same text uses the word as a
 * name), institutions and places keep their translated common words ("the
 * Ross Sea"), and words the dictionaries already know as names keep their
 * analysis ("Japan" keeps its translation); see names.c. */
/* A runtime glossary: lines "source term<TAB>target term", or a bare
 * "term" that must not be translated; '#' starts a comment line.  A source
 * term in lower case matches any capitalisation (and the target takes the
 * capital of the text it replaces); one with capitals matches exactly. */
typedef struct news_glossary news_glossary;
int news_glossary_parse(news_glossary **out, const char *text, size_t len, const char *name, pl_err *e);
void news_glossary_free(news_glossary *g);
/* A copy of `base` (may be NULL) plus one kept-as-written entry per
 * NUL-terminated word in terms[0..len). */
int news_glossary_extend(news_glossary **out, const news_glossary *base, const char *terms, size_t len);

/* What one run of the name stage leaves for news_unplace: the text of each
 * glossary placeholder it put in the stream. */
typedef struct news_run {
  const news_glossary *g;
  bbuf text;      /* the replacement texts, one after another */
  size_t *off;    /* placeholder k is text[off[k] .. off[k + 1]) */
  size_t n, cap;
  bbuf names;     /* the words kept as names, each followed by a NUL */
  bbuf unknown;   /* the words no dictionary knows, in text order, each followed by a NUL */
  /* Optional: analyses lower-case words (text: words separated by " 7 ");
   * returns the analyser's output stream, or -1.  A capitalised word whose
   * lower-case form the analyser does not know is one the dictionary only
   * has capitalised (Tuesday, English): it is not kept as a name. */
  int (*analyse)(void *ctx, const char *text, size_t len, bbuf *out);
  void *analyse_ctx;
  int into_spanish; /* English into Spanish: a name before a noun goes after it ("the Messenger probe") */
} news_run;
void news_run_free(news_run *r);

int news_names(pl_in *in, pl_out *out, news_run *r, pl_err *e);

/* A news article as JSON (article.c): the same object with its text
 * fields translated by the pipeline. */
typedef struct pl_pipeline pl_pipeline;
int news_translate_json(const pl_pipeline *p, const char *json, size_t len, const news_glossary *g, bbuf *out,
                        pl_err *e);

/* Replaces the placeholders ("Pgl<k>x", any case) in the translated text. */
int news_unplace(const news_run *r, const char *in, size_t n, bbuf *out);

/* spaces.c: a space between two units of a transfer stage's output that
 * its rules wrote with no blank between ("Vidalde28años"); with spa (the
 * target is Spanish), the passive with "ser", not "estar" ("estuvo
 * arrestado" -> "fue arrestado"). */
int news_spaces(pl_in *in, pl_out *out, int spa, pl_err *e);

/* prefer.c: the news sense of a word first among the bilingual
 * dictionary's translations (^party<n><sg>/fiesta<..>/partido<..>$ ->
 * partido first), in the stream between lt-proc -b and lrx-proc; `which`
 * is the pair's table.  news_prefer_has: does the pair have one? */
enum { NEWS_PREFER_ENG_SPA = 1, NEWS_PREFER_SPA_ENG = 2 };
int news_prefer_has(int which);
int news_prefer(pl_in *in, pl_out *out, int which, pl_err *e);

/* dates.c: dates and weekdays in the Spanish translation out->p[start..]
 * written the Spanish way ("encima julio 4, 1990" -> "el 4 de julio de
 * 1990", "encima martes" -> "el martes", "Marcha 20" -> "20 de marzo"). */
int news_dates_spa(bbuf *out, size_t start, int stream);
/* The same for English from Spanish: "the Monday" -> "on Monday", "from
 * the Monday" -> "from Monday". */
int news_dates_eng(bbuf *out, size_t start, int stream);

/* spanish.c: "sólo" -> "solo", and "cuándo", "quién(es)" outside a
 * question -> "cuando", "quien(es)", in out->p[start..]. */
int news_spelling_spa(bbuf *out, size_t start, int stream);
/* stream (the three above): the text is an Apertium stream (-f html),
 * whose superblanks and escapes stay untouched; news_skip_markup gives the
 * end of the one at s[i] ('[' or '\\'). */
size_t news_skip_markup(const char *s, size_t n, size_t i);

/* tidy.c: the translation of the plain text src, out->p[start..], made fit
 * to publish: runs of spaces made single when the source has none, and
 * paragraphs that start with a capital in the source start with one. */
int news_tidy(const char *src, size_t sn, bbuf *out, size_t start);

#endif
