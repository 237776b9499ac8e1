/*
 * api.c - the public entry points of include/parley.h, mapping the internal
 * error record to the public one.
 */
#include <string.h>

#include "../include/parley.h"
#include <stdio.h>
#include <stdlib.h>

#include "html/html.h"
#include "news/news.h"
#include "pipeline/pipeline.h"
#include "stage/stage.h"

const char *parley_version(void) { return PARLEY_VERSION; }

static void export_err(const pl_err *in, parley_error *out) {
  if (!out) return;
  out->code = in->code;
  out->offset = in->off;
  memcpy(out->message, in->msg, sizeof out->message < sizeof in->msg ? sizeof out->message : sizeof in->msg);
  out->message[sizeof out->message - 1] = 0;
}

int parley_stage(int argc, char **argv, int in_fd, int out_fd, parley_error *err) {
  pl_err e;
  pl_err_clear(&e);
  int rc = stage_main(argc, argv, in_fd, out_fd, &e);
  if (rc) export_err(&e, err);
  else if (err) {
    err->code = 0;
    err->offset = -1;
    err->message[0] = 0;
  }
  return rc;
}

struct parley_engine {
  pl_pipeline *p;
  char lang[16]; /* the target language, for <html lang> */
};

static int done(int rc, const pl_err *e, parley_error *err) {
  if (rc) export_err(e, err);
  else if (err) {
    err->code = 0;
    err->offset = -1;
    err->message[0] = 0;
  }
  return rc;
}

/* Gives the caller the NUL-terminated text in b, or frees it on error. */
static int hand_out(int rc, bbuf *b, char **out, size_t *out_len, pl_err *e, parley_error *err) {
  if (!rc && bbuf_putc(b, 0)) rc = pl_err_set(e, PL_ENOMEM, -1, "out of memory");
  if (rc) {
    bbuf_free(b);
    return done(rc, e, err);
  }
  *out = b->p;
  if (out_len) *out_len = b->len - 1;
  return done(PL_OK, e, err);
}

int parley_open(parley_engine **out, const char *pair, const parley_options *opts, parley_error *err) {
  pl_err e;
  pl_err_clear(&e);
  *out = NULL;
  parley_engine *g = calloc(1, sizeof *g);
  if (!g) return done(pl_err_set(&e, PL_ENOMEM, -1, "out of memory"), &e, err);
  pipeline_opts po = {opts ? opts->datadir : NULL, !(opts && opts->no_unknown_marks), 0, !(opts && opts->strict)};
  int rc = pipeline_open(&g->p, pair ? pair : "", &po, &e);
  if (rc) free(g);
  else {
    html_lang_of_pair(pair, g->lang, sizeof g->lang);
    *out = g;
  }
  return done(rc, &e, err);
}

/* What every call that hands out a text starts with. */
static void begin(pl_err *e, char **out, size_t *out_len) {
  pl_err_clear(e);
  *out = NULL;
  if (out_len) *out_len = 0;
}

int parley_translate(const parley_engine *g, const char *text, size_t len, char **out, size_t *out_len,
                     parley_error *err) {
  return parley_translate_ex(g, text, len, NULL, out, out_len, err);
}

int parley_translate_ex(const parley_engine *g, const char *text, size_t len, const parley_request *req, char **out,
                        size_t *out_len, parley_error *err) {
  pl_err e;
  bbuf b = {0};
  begin(&e, out, out_len);
  bbuf unk = {0};
  pipeline_run_opts ro = {req ? (const news_glossary *)req->glossary : NULL, NULL, req && req->unknown ? &unk : NULL};
  if (req && req->unknown) *req->unknown = NULL;
  int rc = pipeline_run(g->p, text ? text : "", text ? len : 0, &ro, &b, &e);
  if (!rc && req && req->unknown) { /* each word at its next place in the text */
    bbuf list = {0};
    size_t at = 0;
    for (size_t i = 0; i < unk.len;) {
      const char *w = unk.p + i;
      size_t wl = strlen(w);
      i += wl + 1;
      const char *hit = NULL;
      for (size_t q = at; wl && q + wl <= len; q++)
        if (!memcmp(text + q, w, wl)) {
          hit = text + q;
          break;
        }
      char num[32];
      snprintf(num, sizeof num, "%lld\t", hit ? (long long)(hit - text) : -1LL);
      bbuf_puts(&list, num);
      bbuf_append(&list, w, wl);
      bbuf_putc(&list, '\n');
      if (hit) at = (size_t)(hit - text) + wl;
    }
    bbuf_putc(&list, 0);
    if (list.failed) rc = pl_err_set(&e, PL_ENOMEM, -1, "out of memory");
    else *req->unknown = list.p;
    if (rc) bbuf_free(&list);
  }
  bbuf_free(&unk);
  return hand_out(rc, &b, out, out_len, &e, err);
}

void parley_free(void *p) { free(p); }

void parley_close(parley_engine *g) {
  if (!g) return;
  pipeline_free(g->p);
  free(g);
}

int parley_known_share(const parley_engine *g, const char *text, size_t len, double *share, size_t *words,
                       parley_error *err) {
  pl_err e;
  pl_err_clear(&e);
  size_t known = 0, n = 0;
  int rc = pipeline_known_share(g->p, text ? text : "", text ? len : 0, &known, &n, &e);
  *share = n ? (double)known / (double)n : 0.0;
  if (words) *words = n;
  return done(rc, &e, err);
}

const char *parley_pipeline(const parley_engine *g) { return pipeline_describe(g->p); }

int parley_pairs(const char *datadir, void (*fn)(const char *, const char *, void *), void *arg, parley_error *err) {
  pl_err e;
  pl_err_clear(&e);
  int n = pipeline_list(datadir, fn, arg, &e);
  if (n < 0) done(e.code ? e.code : PL_EIO, &e, err);
  else done(PL_OK, &e, err);
  return n;
}

int parley_glossary_parse(parley_glossary **out, const char *text, size_t len, parley_error *err) {
  pl_err e;
  pl_err_clear(&e);
  news_glossary *g = NULL;
  int rc = news_glossary_parse(&g, text ? text : "", text ? len : 0, "glossary", &e);
  *out = (parley_glossary *)g;
  return done(rc, &e, err);
}

int parley_glossary_load(parley_glossary **out, const char *path, parley_error *err) {
  pl_err e;
  pl_err_clear(&e);
  bbuf b = {0};
  news_glossary *g = NULL;
  int rc = pl_read_file(path, &b, &e);
  if (!rc) rc = news_glossary_parse(&g, b.p ? b.p : "", b.len, path, &e);
  bbuf_free(&b);
  *out = (parley_glossary *)g;
  return done(rc, &e, err);
}

void parley_glossary_free(parley_glossary *g) { news_glossary_free((news_glossary *)g); }

int parley_translate_json(const parley_engine *g, const char *json, size_t len, const parley_request *req, char **out,
                          size_t *out_len, parley_error *err) {
  pl_err e;
  bbuf b = {0};
  begin(&e, out, out_len);
  int rc = news_translate_json(g->p, json ? json : "", json ? len : 0,
                               req ? (const news_glossary *)req->glossary : NULL, &b, &e);
  return hand_out(rc, &b, out, out_len, &e, err);
}

int parley_translate_html(const parley_engine *g, const char *html, size_t len, const parley_request *req, char **out,
                          size_t *out_len, parley_error *err) {
  pl_err e;
  bbuf b = {0};
  begin(&e, out, out_len);
  pipeline_run_opts ro = {req ? (const news_glossary *)req->glossary : NULL, NULL, NULL};
  int rc = html_translate(g->p, html ? html : "", html ? len : 0, &ro, g->lang, &b, &e);
  return hand_out(rc, &b, out, out_len, &e, err);
}
