/*
 * parley.h - the public interface of libparley.
 *
 * parley runs Apertium's machine-translation pipelines, from the compiled
 * data that Debian ships, inside one process.  This header is all that
 * programs embedding parley include; every type behind it is opaque.
 *
 * Ownership: functions never take ownership of their arguments; anything a
 * function returns through a pointer is documented at that function.
 * Errors: functions return 0 (PARLEY_OK) on success or a PARLEY_E* code, and
 * fill the caller's parley_error with a message naming the file, offset or
 * argument at fault.
 */
#ifndef PARLEY_H
#define PARLEY_H

#ifdef __cplusplus
extern "C" {
#endif

#define PARLEY_VERSION "0.1.0"

enum {
  PARLEY_OK = 0,
  PARLEY_ENOMEM = 1,      /* out of memory, or an input exceeded a size limit */
  PARLEY_ECORRUPT = 2,    /* a data file is malformed */
  PARLEY_EINPUT = 3,      /* the input text or stream is malformed */
  PARLEY_EIO = 4,         /* a file could not be read or written */
  PARLEY_EUSAGE = 5,      /* bad arguments */
  PARLEY_EUNSUPPORTED = 6, /* valid, but not implemented by parley */
  PARLEY_ELIMIT = 7        /* a safety limit was reached (size, paths, time) */
};

typedef struct parley_error {
  int code;
  long long offset; /* byte offset in the file or stream at fault, or -1 */
  char message[512];
} parley_error;

/* The library's version string, e.g. "0.1.0". */
const char *parley_version(void);

/* Runs one Apertium stage program by its Debian name, e.g.
 *   char *argv[] = {"lt-proc", "-b", "eng-spa.autobil.bin"};
 * reading `in_fd` and writing `out_fd` (unless the program's own file
 * arguments name files), with the same output bytes as the Debian program.
 * The descriptors stay open.  Returns PARLEY_OK or an error code. */
int parley_stage(int argc, char **argv, int in_fd, int out_fd, parley_error *err);

/* ---- translation ----
 *
 * An engine is one language pair with all of its data loaded and checked.
 * Open it once; then any number of threads may call parley_translate() on
 * it at the same time: the engine is never modified after parley_open(),
 * and each call has its own working state, released before it returns (so
 * each call gives what one run of Debian's `apertium` gives for that text).
 * The caller owns the engine (parley_close) and each translation
 * (parley_free).
 */
typedef struct parley_engine parley_engine;

typedef struct parley_options {
  const char *datadir; /* the directory holding modes/ (apertium -d); NULL: /usr/share/apertium */
  int strict;          /* 1: byte-identical to `apertium PAIR` (-f txt); 0: news mode (names kept,
                          no unknown-word marks) */
  int no_unknown_marks;/* 1: like apertium -u (no '*' before unknown words) */
} parley_options;

/* Opens `pair` (a mode name, e.g. "eng-spa").  A pair that needs a stage
 * parley does not have yet gives PARLEY_EUNSUPPORTED naming it. */
int parley_open(parley_engine **out, const char *pair, const parley_options *opts, parley_error *err);

/* Translates `len` bytes of UTF-8 text.  On success *out is a new
 * NUL-terminated buffer of *out_len bytes (free it with parley_free). */
int parley_translate(const parley_engine *eng, const char *text, size_t len, char **out, size_t *out_len,
                     parley_error *err);

/* A runtime glossary (news mode): lines "source term<TAB>target term", or a
 * bare "term" that must not be translated; '#' comments.  A source term in
 * lower case matches any capitalisation; one with capitals matches exactly.
 * Multiword terms match words separated by single spaces.  Immutable once
 * made; may be shared by threads. */
typedef struct parley_glossary parley_glossary;
int parley_glossary_parse(parley_glossary **out, const char *text, size_t len, parley_error *err);
int parley_glossary_load(parley_glossary **out, const char *path, parley_error *err);
void parley_glossary_free(parley_glossary *g);

typedef struct parley_request {
  const parley_glossary *glossary; /* NULL: none (ignored in strict mode) */
  /* News mode: if not NULL, *unknown gets a new buffer (free with
   * parley_free) listing the words no dictionary knows, one per line as
   * "BYTE_OFFSET<TAB>WORD", the offset being where the word is in `text`. */
  char **unknown;
} parley_request;

/* parley_translate with per-request settings (req may be NULL). */
int parley_translate_ex(const parley_engine *eng, const char *text, size_t len, const parley_request *req, char **out,
                        size_t *out_len, parley_error *err);

/* A news article as a JSON object: the same object comes back (*out, free
 * with parley_free) with its text fields translated: headline/title as a
 * headline (keeping the names the body keeps), standfirst, summary,
 * description, body, paragraphs, text, caption(s), alt and quote(s) as text,
 * at any depth; byline, author, credit(s), dateline and every other field
 * unchanged.  Invalid JSON gives PARLEY_EINPUT with its line and column. */
int parley_translate_json(const parley_engine *eng, const char *json, size_t len, const parley_request *req,
                          char **out, size_t *out_len, parley_error *err);

/* An HTML page (UTF-8): the same page comes back (*out, free with
 * parley_free) with its text translated block by block (inline markup such
 * as <a>, <em> or <br> stays inside the sentence, around the words it
 * marked where the word order allows), the attributes alt, title,
 * placeholder and aria-label, and the content of <meta name="description">
 * and of the og:/twitter: title and description translated, lang="XX" on
 * <html> (the pair's target language), and every other byte as it was:
 * tags, attributes, comments, scripts, styles, code, pre, and elements
 * marked translate="no" or class="notranslate".  Invalid UTF-8 gives
 * PARLEY_EINPUT with its offset; malformed HTML is not an error. */
int parley_translate_html(const parley_engine *eng, const char *html, size_t len, const parley_request *req,
                          char **out, size_t *out_len, parley_error *err);

void parley_free(void *p);
void parley_close(parley_engine *eng);

/* Evidence for language identification: how much of `text` (UTF-8) the
 * engine's source language knows.  Runs only the deformatter and the
 * morphological analyser; *words gets the number of words (units with a
 * letter) and *share the fraction of them the analyser knows, from 0 to 1
 * (0 when there are no words).  Comparing the shares of engines with
 * different source languages tells which language a text is in. */
int parley_known_share(const parley_engine *eng, const char *text, size_t len, double *share, size_t *words,
                       parley_error *err);

/* The rewritten pipeline of an open engine, stages separated by " | ". */
const char *parley_pipeline(const parley_engine *eng);

/* Calls fn once per installed mode, in name order: `missing` is NULL if
 * parley can run the mode, else the name of the first program it lacks.
 * Returns the number of modes, or -1 with *err set. */
int parley_pairs(const char *datadir, void (*fn)(const char *pair, const char *missing, void *arg), void *arg,
                 parley_error *err);

#ifdef __cplusplus
}
#endif
#endif
