/*
 * pipeline.h - a whole Apertium mode in one process: what `apertium PAIR`
 * runs for -f txt (destxt, the mode as apertium-wblank-mode rewrites it,
 * retxt), with every data file loaded once at open and no child processes
 * or temporary files.  The opened pipeline is immutable; each run has its
 * own state, as each `apertium` invocation has, so runs may go on in
 * several threads at once.
 */
#ifndef PL_PIPELINE_H
#define PL_PIPELINE_H

#include "../base/base.h"

typedef struct pl_pipeline pl_pipeline;

typedef struct pipeline_opts {
  const char *datadir; /* contains modes/ (apertium -d); NULL: /usr/share/apertium */
  int unknown_marks;   /* 1: $1 = -g (marks kept, the default); 0: -n (apertium -u) */
  int no_dot;          /* apertium -n: destxt -n */
  int news;            /* news mode (news.h): names kept, no unknown-word marks */
} pipeline_opts;

/* Opens the mode `pair`: reads DATADIR/modes/PAIR.mode, rewrites it as
 * apertium-wblank-mode does, and loads every stage.  A stage parley does
 * not have yet gives PL_EUNSUPPORTED naming it. */
int pipeline_open(pl_pipeline **out, const char *pair, const pipeline_opts *o, pl_err *e);
void pipeline_free(pl_pipeline *p);

typedef struct news_glossary news_glossary;

typedef struct pipeline_run_opts {
  const news_glossary *glossary; /* news mode: terms to translate or keep (NULL: none) */
  bbuf *names;                   /* news mode: if not NULL, gets the words kept as names (NUL after each) */
  bbuf *unknown;                 /* news mode: if not NULL, gets the unknown words (NUL after each) */
} pipeline_run_opts;

/* Translates `in` (UTF-8 text) into `out` (appended). */
int pipeline_run(const pl_pipeline *p, const char *in, size_t len, const pipeline_run_opts *ro, bbuf *out,
                 pl_err *e);

/* Like pipeline_run, for input that is already an Apertium stream (made
 * by the caller's own deformatter, e.g. src/html/): the mode's stages run
 * without destxt before and retxt after them, and `out` gets the last
 * stage's stream (news mode's glossary placeholders are replaced in it by
 * their target text, unescaped). */
int pipeline_run_stream(const pl_pipeline *p, const char *in, size_t len, const pipeline_run_opts *ro, bbuf *out,
                        pl_err *e);

/* Language identification's evidence: runs `in` (UTF-8 text) through the
 * deformatter and the mode's morphological analyser only, and counts the
 * units whose surface form has a letter (*words) and those of them the
 * analyser knows (*known).  PL_EUNSUPPORTED if the mode has no analyser. */
int pipeline_known_share(const pl_pipeline *p, const char *in, size_t len, size_t *known, size_t *words,
                         pl_err *e);

/* The mode's stages after rewriting, " | "-separated (for messages and
 * `parley pairs`). */
const char *pipeline_describe(const pl_pipeline *p);

/* Lists the .mode files of DATADIR/modes: calls fn(name, missing, arg) for each mode in
 * name order, `missing` being NULL when parley can run it, else the first
 * program it lacks.  Returns the number of modes or -1 with e set. */
int pipeline_list(const char *datadir, void (*fn)(const char *name, const char *missing, void *arg), void *arg,
                  pl_err *e);

#endif
