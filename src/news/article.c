/*
 * article.c - news articles as JSON (`parley translate -f json`): the same
 * object comes back with its text fields translated.
 *
 * Fields are recognised by name, at any depth (so "images": [{"caption":
 * ..., "credit": ...}] works): headline/title/hed are translated as a
 * headline; standfirst, summary, description, dek, subtitle, body,
 * paragraphs, text, caption(s), alt, alt_text and quote(s) as text (a
 * string, or an array or object of them); everything else (byline, author,
 * credit, dateline, url, date, ids, unknown fields) is kept as it is.
 *
 * A headline is usually in title case, where capitals say nothing about
 * names.  So the body is translated first, and the words it kept as names
 * are kept in the headline too ("Trump Wins" keeps "Trump" when the body
 * does); the rest of the headline translates normally.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../pipeline/pipeline.h"
#include "news.h"

enum { R_KEEP, R_TEXT, R_HEAD };

static int role_of(const char *key, int inherited) {
  static const char *const head[] = {"headline", "title", "hed", NULL};
  static const char *const text[] = {"standfirst", "summary",  "description", "dek",     "subtitle",
                                     "subheadline", "body",    "paragraphs",  "text",    "caption",
                                     "captions",   "alt",      "alt_text",    "quote",   "quotes",
                                     "content",    "paragraph", "teaser",     "lead",    NULL};
  if (!key) return inherited;
  for (int i = 0; head[i]; i++)
    if (!strcmp(key, head[i])) return R_HEAD;
  for (int i = 0; text[i]; i++)
    if (!strcmp(key, text[i])) return R_TEXT;
  return R_KEEP;
}

typedef struct walk {
  const pl_pipeline *p;
  const news_glossary *g;
  bbuf names;
  pl_err *e;
  int err;
} walk;

static int translate_string(walk *W, json_t *s, const news_glossary *g, int collect) {
  const char *v = json_string_value(s);
  size_t n = json_string_length(s);
  bbuf out = {0};
  pipeline_run_opts ro = {g, collect ? &W->names : NULL, NULL};
  int rc = pipeline_run(W->p, v, n, &ro, &out, W->e);
  if (!rc && json_string_setn(s, out.p ? out.p : "", out.len))
    rc = pl_err_set(W->e, PL_EINPUT, -1, "article: the translation is not valid text");
  bbuf_free(&out);
  return rc;
}

/* Translates the strings of role `want` under j (the role comes from the
 * nearest key). */
static int visit(walk *W, json_t *j, int role, int want, const news_glossary *g) {
  if (json_is_string(j)) return role == want ? translate_string(W, j, g, want == R_TEXT) : PL_OK;
  if (json_is_array(j)) {
    size_t i;
    json_t *v;
    json_array_foreach(j, i, v) {
      int rc = visit(W, v, role, want, g);
      if (rc) return rc;
    }
    return PL_OK;
  }
  if (json_is_object(j)) {
    const char *k;
    json_t *v;
    json_object_foreach(j, k, v) {
      int rc = visit(W, v, role_of(k, role), want, g);
      if (rc) return rc;
    }
  }
  return PL_OK;
}

int news_translate_json(const pl_pipeline *p, const char *json, size_t len, const news_glossary *g, bbuf *out,
                        pl_err *e) {
  json_error_t je;
  json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
  if (!root)
    return pl_err_set(e, PL_EINPUT, je.position, "article: invalid JSON at line %d, column %d: %s", je.line, je.column,
                      je.text);
  walk W = {p, g, {0}, e, 0};
  int rc = visit(&W, root, R_KEEP, R_TEXT, g);
  news_glossary *hg = NULL;
  if (!rc && news_glossary_extend(&hg, g, W.names.p ? W.names.p : "", W.names.len))
    rc = pl_err_set(e, PL_ENOMEM, -1, "out of memory");
  if (!rc) rc = visit(&W, root, R_KEEP, R_HEAD, hg);
  news_glossary_free(hg);
  if (!rc) {
    char *s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (!s || bbuf_puts(out, s) || bbuf_putc(out, '\n')) rc = pl_err_set(e, PL_ENOMEM, -1, "out of memory");
    free(s);
  }
  bbuf_free(&W.names);
  json_decref(root);
  return rc;
}
