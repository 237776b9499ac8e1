/*
 * html.h - HTML pages (`parley translate -f html`): the page comes back
 * with its text and human-readable attributes translated and every other
 * byte as it was (see html.c).
 */
#ifndef PL_HTML_H
#define PL_HTML_H

#include "../base/base.h"
#include "../pipeline/pipeline.h"

/* Translates the UTF-8 page html[0..len) with `p` (per-run options `ro`,
 * may be NULL) and appends it to `out`.  `target_lang` (e.g. "es"), if not
 * NULL, becomes the `lang` of <html>.  Invalid UTF-8 gives PL_EINPUT with
 * its offset; malformed HTML is not an error. */
int html_translate(const pl_pipeline *p, const char *html, size_t len, const pipeline_run_opts *ro,
                   const char *target_lang, bbuf *out, pl_err *e);

/* The translation step: gets one unit of the page (a block's text, or an
 * attribute value) as an Apertium stream, the way apertium-destxt makes
 * one, with markup inside it as superblanks; appends the translated stream
 * to `out`. */
typedef int (*html_xlate_fn)(void *ctx, const char *stream, size_t len, bbuf *out, pl_err *e);

/* html_translate with any translation step. */
int html_process(const char *html, size_t len, html_xlate_fn fn, void *ctx, const char *target_lang, bbuf *out,
                 pl_err *e);

/* html_process with the identity as the translation step: deformats and
 * reformats every unit; the output equals the input for any valid UTF-8
 * input (the property fuzz/fuzz_html.c checks). */
int html_roundtrip(const char *html, size_t len, bbuf *out, pl_err *e);

/* The language code for <html lang> from a pair name: the part after the
 * first '-', its ISO 639-3 code mapped to ISO 639-1 where there is one
 * ("eng-spa" -> "es", "spa-cat_valencia" -> "ca-valencia"... see html.c);
 * written to buf (NUL-terminated, truncated to cap). */
void html_lang_of_pair(const char *pair, char *buf, size_t cap);

#endif
