/*
 * http_api.c - the endpoints of `parley serve`, over a request that
 * server.c has already read whole (srv_req) and within its limits.
 *
 *   GET  /                   the translate page (page.c)
 *   GET  /languages          LibreTranslate: [{"code","name","targets"}]
 *   GET|POST /listPairs      APy: {"responseData":[{"sourceLanguage","targetLanguage"}],...}
 *   GET|POST /translate      APy if a `langpair` parameter is given, else
 *                            LibreTranslate (JSON body or form fields)
 *   POST /translate_article  a news article object (parley_translate_json)
 *   GET|POST /detect         LibreTranslate: [{"confidence","language"}], best first
 *   GET|POST /identifyLang   APy: {"eng": 0.93, "spa": 0.1, ...}
 *
 * LibreTranslate's source "auto" is taken by /translate: each text is
 * translated from the language detected for it (the one whose analyser
 * knows most of its words) and the reply has "detectedLanguage".
 *
 * Every error is {"error": "..."} with its status (APy callers also get
 * responseStatus/responseDetails in it).  A text is translated whole or the
 * request is refused: nothing here cuts a text short.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "server.h"

int srv_utf8_valid(const char *str, size_t n) {
  const unsigned char *s = (const unsigned char *)str;
  size_t i = 0;
  while (i < n) {
    unsigned c = s[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    size_t k;
    unsigned cp;
    if (c >= 0xC2 && c <= 0xDF) k = 1, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF) k = 2, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4) k = 3, cp = c & 0x07;
    else return 0;
    if (n - i <= k) return 0;
    for (size_t j = 1; j <= k; j++) {
      if ((s[i + j] & 0xC0) != 0x80) return 0;
      cp = (cp << 6) | (s[i + j] & 0x3F);
    }
    if ((k == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (k == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
      return 0;
    i += k + 1;
  }
  return 1;
}

/* ---- replies ---- */

static void reply_take(srv_reply *r, int status, char *body, const char *ctype) {
  r->status = status;
  r->body = body;
  r->len = body ? strlen(body) : 0;
  r->ctype = ctype;
}

/* Serialises `v` (reference stolen) as the reply. */
static void reply_json(srv_reply *r, int status, json_t *v) {
  char *s = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(6)) : NULL;
  json_decref(v);
  if (!s) {
    reply_take(r, 500, strdup("{\"error\":\"out of memory\"}"), "application/json");
    return;
  }
  reply_take(r, status, s, "application/json");
}

static void verror(srv_reply *r, int status, int apy, const char *fmt, va_list ap) {
  char msg[1024];
  vsnprintf(msg, sizeof msg, fmt, ap);
  /* The message may quote user input cut at any byte: keep it valid UTF-8. */
  size_t n = strlen(msg);
  while (n && !srv_utf8_valid(msg, n)) n--;
  json_t *o = json_object();
  json_object_set_new(o, "error", json_stringn(msg, n));
  if (apy) {
    json_object_set_new(o, "responseData", json_null());
    json_object_set_new(o, "responseDetails", json_stringn(msg, n));
    json_object_set_new(o, "responseStatus", json_integer(status));
  }
  reply_json(r, status, o);
}

void api_error(srv_reply *r, int status, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  verror(r, status, 0, fmt, ap);
  va_end(ap);
}

static void apy_error(srv_reply *r, int status, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  verror(r, status, 1, fmt, ap);
  va_end(ap);
}

/* ---- parameters: query arguments, then an urlencoded form body ---- */

typedef struct params {
  srv_kv *a;
  size_t n;
  srv_kv *form; /* owned */
  size_t nform;
} params;

static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Decodes s[0..n) ('+' is a space, %XX a byte) into a new string. */
static char *urldecode(const char *s, size_t n, size_t *out_len) {
  char *o = malloc(n + 1);
  if (!o) return NULL;
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '+') o[k++] = ' ';
    else if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
      o[k++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
      i += 2;
    } else o[k++] = s[i];
  }
  o[k] = 0;
  *out_len = k;
  return o;
}

static void form_free(params *p) {
  for (size_t i = 0; i < p->nform; i++) {
    free(p->form[i].key);
    free(p->form[i].val);
  }
  free(p->form);
}

/* Parses an application/x-www-form-urlencoded body.  Returns 0, or -1 when
 * out of memory. */
static int form_parse(params *p, const char *b, size_t n) {
  size_t count = 1;
  for (size_t i = 0; i < n; i++) count += b[i] == '&';
  p->form = calloc(count, sizeof *p->form);
  if (!p->form) return -1;
  size_t i = 0;
  while (i < n) {
    size_t e = i;
    while (e < n && b[e] != '&') e++;
    size_t eq = i;
    while (eq < e && b[eq] != '=') eq++;
    if (e > i) {
      size_t kl, vl;
      srv_kv *kv = &p->form[p->nform];
      kv->key = urldecode(b + i, eq - i, &kl);
      kv->val = eq < e ? urldecode(b + eq + 1, e - eq - 1, &vl) : (vl = 0, strdup(""));
      kv->vlen = vl;
      p->nform++;
      if (!kv->key || !kv->val) return -1;
    }
    i = e + 1;
  }
  return 0;
}

static const srv_kv *param(const params *p, const char *key) {
  for (size_t i = 0; i < p->n; i++)
    if (!strcmp(p->a[i].key, key)) return &p->a[i];
  for (size_t i = 0; i < p->nform; i++)
    if (!strcmp(p->form[i].key, key)) return &p->form[i];
  return NULL;
}

static int is_true(const char *v) {
  return v && (!strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "on"));
}

/* ---- pairs ---- */

static const srv_pair *find_pair(const srv_state *st, const char *src, const char *tgt) {
  char s[24], t[24], mode[128];
  if (!lang_norm(src, strlen(src), s, sizeof s) && !lang_norm(tgt, strlen(tgt), t, sizeof t))
    for (size_t i = 0; i < st->npairs; i++)
      if (st->pairs[i].src[0] && !strcmp(st->pairs[i].src, s) && !strcmp(st->pairs[i].tgt, t)) return &st->pairs[i];
  /* Modes not named LANG-LANG ("spa-ast-pn") by their own name. */
  snprintf(mode, sizeof mode, "%s-%s", src, tgt);
  for (size_t i = 0; i < st->npairs; i++)
    if (!strcmp(st->pairs[i].mode, mode)) return &st->pairs[i];
  return NULL;
}

static void pair_list(const srv_state *st, char *buf, size_t cap) {
  size_t k = 0;
  buf[0] = 0;
  for (size_t i = 0; i < st->npairs && k + 1 < cap; i++) {
    int w = snprintf(buf + k, cap - k, "%s%s", i ? ", " : "", st->pairs[i].mode);
    if (w < 0) break;
    k += (size_t)w;
  }
}

/* ---- language identification ----
 *
 * A text is in the language whose analyser knows the largest share of its
 * words (parley_known_share).  Each source language is scored with the
 * first pair that has it (and, for source "auto", the target asked for);
 * ties go to the earlier pair. */

typedef struct lang_score {
  const srv_pair *pair;
  double share;
} lang_score;

/* Scores every source language that has a pair into `tgt` (NULL: any), one
 * entry per language, best first; returns how many. */
static size_t detect(const srv_state *st, const char *tgt, const char *text, size_t len, lang_score *out,
                     size_t cap) {
  size_t n = 0;
  for (size_t i = 0; i < st->npairs && n < cap; i++) {
    const srv_pair *p = &st->pairs[i];
    if (!p->src[0] || (tgt && strcmp(p->tgt, tgt))) continue;
    size_t k = 0;
    while (k < n && strcmp(out[k].pair->src, p->src)) k++;
    if (k < n) continue; /* the language has been scored */
    double share = 0;
    parley_error err;
    if (parley_known_share(p->news, text, len, &share, NULL, &err)) share = 0;
    out[n++] = (lang_score){p, share};
  }
  for (size_t i = 1; i < n; i++) /* stable insertion sort, best first */
    for (size_t j = i; j > 0 && out[j].share > out[j - 1].share; j--) {
      lang_score t = out[j];
      out[j] = out[j - 1];
      out[j - 1] = t;
    }
  return n;
}

/* {"confidence": 0..100, "language": LibreTranslate code} */
static json_t *detected_json(const lang_score *ls) {
  char code[32];
  lang_lt_code(ls->pair->src, code, sizeof code);
  json_t *o = json_object();
  json_object_set_new(o, "confidence", json_real((double)(long)(ls->share * 1000 + 0.5) / 10.0));
  json_object_set_new(o, "language", json_string(code));
  return o;
}

/* Translates one text.  Returns 0 with *out (parley_free), or an HTTP
 * status with msg filled. */
/* article: 0 plain text, 1 a JSON article, 2 an HTML page */
static int translate1(const srv_pair *p, int strict, const parley_glossary *gl, int article, const char *text,
                      size_t len, char **out, size_t *out_len, char *msg, size_t cap) {
  if (!srv_utf8_valid(text, len)) {
    snprintf(msg, cap, "the text is not valid UTF-8");
    return 400;
  }
  parley_request req = {strict ? NULL : gl, NULL};
  parley_error err;
  const parley_engine *e = strict ? p->strict : p->news;
  int rc = article == 1 ? parley_translate_json(e, text, len, &req, out, out_len, &err)
           : article == 2 ? parley_translate_html(e, text, len, &req, out, out_len, &err)
                          : parley_translate_ex(e, text, len, &req, out, out_len, &err);
  if (!rc) return 0;
  snprintf(msg, cap, "%s", err.message);
  if (rc == PARLEY_EINPUT || rc == PARLEY_EUSAGE || rc == PARLEY_EUNSUPPORTED) return 400;
  if (rc == PARLEY_ENOMEM || rc == PARLEY_ELIMIT) return 413;
  return 500;
}

/* ---- endpoints ---- */

static void h_page(const srv_state *st, const srv_req *q, params *p, srv_reply *r) {
  (void)st, (void)q, (void)p;
  reply_take(r, 200, strdup(srv_page_html), "text/html; charset=utf-8");
  if (!r->body) api_error(r, 500, "out of memory");
}

static void h_languages(const srv_state *st, const srv_req *q, params *p, srv_reply *r) {
  (void)q, (void)p;
  json_t *arr = json_array();
  /* One entry per language that is a side of a pair, in first-seen order. */
  for (size_t i = 0; i < st->npairs; i++) {
    for (int side = 0; side < 2; side++) {
      const char *norm = side ? st->pairs[i].tgt : st->pairs[i].src;
      if (!norm[0]) continue;
      char code[32];
      lang_lt_code(norm, code, sizeof code);
      json_t *ent = NULL;
      size_t j;
      json_t *v;
      json_array_foreach(arr, j, v) if (!strcmp(json_string_value(json_object_get(v, "code")), code)) ent = v;
      if (!ent) {
        ent = json_object();
        const char *name = lang_name(norm);
        json_object_set_new(ent, "code", json_string(code));
        json_object_set_new(ent, "name", json_string(name ? name : code));
        json_object_set_new(ent, "targets", json_array());
        json_array_append_new(arr, ent);
      }
      if (!side) {
        char tc[32];
        lang_lt_code(st->pairs[i].tgt, tc, sizeof tc);
        json_array_append_new(json_object_get(ent, "targets"), json_string(tc));
      }
    }
  }
  reply_json(r, 200, arr);
}

static void h_list_pairs(const srv_state *st, const srv_req *q, params *p, srv_reply *r) {
  (void)q, (void)p;
  json_t *arr = json_array();
  for (size_t i = 0; i < st->npairs; i++) {
    const srv_pair *sp = &st->pairs[i];
    const char *dash = strchr(sp->mode, '-');
    json_t *o = json_object();
    json_object_set_new(o, "sourceLanguage", json_stringn(sp->mode, (size_t)(dash - sp->mode)));
    json_object_set_new(o, "targetLanguage", json_string(dash + 1));
    json_array_append_new(arr, o);
  }
  json_t *o = json_object();
  json_object_set_new(o, "responseData", arr);
  json_object_set_new(o, "responseDetails", json_null());
  json_object_set_new(o, "responseStatus", json_integer(200));
  reply_json(r, 200, o);
}

static void h_apy_translate(const srv_state *st, params *p, srv_reply *r) {
  const srv_kv *lp = param(p, "langpair"), *tq = param(p, "q"), *mu = param(p, "markUnknown"),
               *fmt = param(p, "format");
  char list[1024];
  const char *bar = strchr(lp->val, '|');
  if (!bar) { apy_error(r, 400, "langpair must be SOURCE|TARGET, e.g. eng|spa"); return; }
  if (!tq) { apy_error(r, 400, "missing parameter q"); return; }
  int html = fmt && !strcmp(fmt->val, "html");
  if (fmt && !html && strcmp(fmt->val, "txt") && strcmp(fmt->val, "text"))
    { apy_error(r, 400, "format '%s' is not supported (txt and html are)", fmt->val); return; }
  char src[64];
  snprintf(src, sizeof src, "%.*s", (int)(bar - lp->val), lp->val);
  const srv_pair *pair = find_pair(st, src, bar + 1);
  if (!pair) {
    pair_list(st, list, sizeof list);
    apy_error(r, 400, "pair %s is not installed; pairs: %s", lp->val, list);
    return;
  }
  int strict = mu && (!strcmp(mu->val, "yes") || !strcmp(mu->val, "true") || !strcmp(mu->val, "1"));
  char *out;
  size_t on;
  char msg[600];
  int status = translate1(pair, strict, NULL, html ? 2 : 0, tq->val, tq->vlen, &out, &on, msg, sizeof msg);
  if (status) { apy_error(r, status, "%s", msg); return; }
  json_t *data = json_object();
  json_object_set_new(data, "translatedText", json_stringn(out, on));
  parley_free(out);
  json_t *o = json_object();
  json_object_set_new(o, "responseData", data);
  json_object_set_new(o, "responseDetails", json_null());
  json_object_set_new(o, "responseStatus", json_integer(200));
  reply_json(r, 200, o);
}

/* The options of a LibreTranslate or article request, from a JSON body or
 * from parameters. */
typedef struct lt_opts {
  const char *source, *target, *format, *glossary;
  size_t glossary_len;
  int strict;
  int detect_ok; /* source "auto" is allowed (then lt_resolve gives no pair) */
} lt_opts;

/* Checks the options and finds the pair and glossary; 0 or an error
 * reply made. */
static int lt_resolve(const srv_state *st, const lt_opts *o, const srv_pair **pair, parley_glossary **gl,
                      srv_reply *r) {
  char list[1024];
  if (!o->source || !o->target) {
    api_error(r, 400, "missing %s", !o->source ? "source" : "target");
    return -1;
  }
  if (o->format && strcmp(o->format, "text") && strcmp(o->format, "html")) {
    api_error(r, 400, "format '%s' is not supported (text and html are)", o->format);
    return -1;
  }
  if (!strcmp(o->source, "auto")) { /* the caller detects, per text */
    if (!o->detect_ok) {
      api_error(r, 400, "source \"auto\" is taken by /translate only: give the source language");
      return -1;
    }
    char t[24];
    size_t i = lang_norm(o->target, strlen(o->target), t, sizeof t) ? st->npairs : 0;
    while (i < st->npairs && strcmp(st->pairs[i].tgt, t)) i++;
    if (i == st->npairs) {
      pair_list(st, list, sizeof list);
      api_error(r, 400, "no pair into '%s'; pairs: %s", o->target, list);
      return -1;
    }
    *pair = NULL;
  } else if (!(*pair = find_pair(st, o->source, o->target))) {
    pair_list(st, list, sizeof list);
    api_error(r, 400, "no pair from '%s' to '%s'; pairs: %s", o->source, o->target, list);
    return -1;
  }
  *gl = NULL;
  if (o->glossary && !o->strict) {
    parley_error err;
    if (!srv_utf8_valid(o->glossary, o->glossary_len)) {
      api_error(r, 400, "the glossary is not valid UTF-8");
      return -1;
    }
    if (parley_glossary_parse(gl, o->glossary, o->glossary_len, &err)) {
      api_error(r, 400, "glossary: %s", err.message);
      return -1;
    }
  }
  return 0;
}

static const char *jstr(json_t *o, const char *key) {
  json_t *v = json_object_get(o, key);
  return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Reads the common options from a JSON object; -1 with an error reply
 * when one has the wrong type. */
static int lt_json_opts(json_t *root, lt_opts *o, srv_reply *r) {
  static const char *const strs[] = {"source", "target", "format", "glossary"};
  for (size_t i = 0; i < 4; i++) {
    json_t *v = json_object_get(root, strs[i]);
    if (v && !json_is_string(v)) {
      api_error(r, 400, "%s must be a string", strs[i]);
      return -1;
    }
  }
  o->source = jstr(root, "source");
  o->target = jstr(root, "target");
  o->format = jstr(root, "format");
  o->glossary = jstr(root, "glossary");
  o->glossary_len = o->glossary ? json_string_length(json_object_get(root, "glossary")) : 0;
  json_t *s = json_object_get(root, "strict");
  if (s && !json_is_boolean(s)) {
    api_error(r, 400, "strict must be true or false");
    return -1;
  }
  o->strict = json_is_true(s);
  return 0;
}

static void lt_params_opts(params *p, lt_opts *o) {
  const srv_kv *kv;
  o->source = (kv = param(p, "source")) ? kv->val : NULL;
  o->target = (kv = param(p, "target")) ? kv->val : NULL;
  o->format = (kv = param(p, "format")) ? kv->val : NULL;
  kv = param(p, "glossary");
  o->glossary = kv ? kv->val : NULL;
  o->glossary_len = kv ? kv->vlen : 0;
  o->strict = is_true((kv = param(p, "strict")) ? kv->val : NULL);
}

static int is_json(const srv_req *q) {
  return q->ctype && !strncmp(q->ctype, "application/json", 16);
}

/* One LibreTranslate text: with `pair`, or (source "auto") with the pair
 * from the detected language into `target`, then *det gets the detection.
 * Returns 0 with *res (a JSON string), or an HTTP status and msg. */
static int lt_one(const srv_state *st, const srv_pair *pair, const char *target, int strict,
                  const parley_glossary *gl, int fmt, const char *text, size_t len, json_t **res, json_t **det,
                  char *msg, size_t cap) {
  *res = *det = NULL;
  if (!pair) {
    if (!srv_utf8_valid(text, len)) {
      snprintf(msg, cap, "the text is not valid UTF-8");
      return 400;
    }
    char t[24];
    lang_score *ls = malloc((st->npairs + 1) * sizeof *ls);
    if (!ls) {
      snprintf(msg, cap, "out of memory");
      return 500;
    }
    if (lang_norm(target, strlen(target), t, sizeof t) || !detect(st, t, text, len, ls, st->npairs)) {
      free(ls);
      snprintf(msg, cap, "no pair into '%s'", target);
      return 400;
    }
    pair = ls[0].pair;
    *det = detected_json(&ls[0]);
    free(ls);
  }
  char *out;
  size_t on;
  int status = translate1(pair, strict, gl, fmt, text, len, &out, &on, msg, cap);
  if (!status) {
    *res = json_stringn(out, on);
    parley_free(out);
    if (!*res) {
      snprintf(msg, cap, "the translation is not valid UTF-8");
      status = 500;
    }
  }
  if (status) {
    json_decref(*det);
    *det = NULL;
  }
  return status;
}

static void h_lt_translate(const srv_state *st, const srv_req *q, params *p, srv_reply *r) {
  lt_opts o = {0};
  json_t *root = NULL, *qv = NULL;
  const srv_kv *qkv = NULL;
  if (is_json(q)) {
    json_error_t je;
    root = json_loadb(q->body, q->body_len, 0, &je);
    if (!root) { api_error(r, 400, "invalid JSON: %s (line %d, column %d)", je.text, je.line, je.column); return; }
    if (!json_is_object(root)) {
      json_decref(root);
      { api_error(r, 400, "the body must be a JSON object"); return; }
    }
    if (lt_json_opts(root, &o, r)) { json_decref(root); return; }
    qv = json_object_get(root, "q");
    if (!qv) {
      json_decref(root);
      { api_error(r, 400, "missing q"); return; }
    }
    if (json_is_array(qv)) {
      size_t i;
      json_t *v;
      json_array_foreach(qv, i, v) if (!json_is_string(v)) {
        json_decref(root);
        { api_error(r, 400, "q must be a string or an array of strings"); return; }
      }
    } else if (!json_is_string(qv)) {
      json_decref(root);
      { api_error(r, 400, "q must be a string or an array of strings"); return; }
    }
  } else {
    lt_params_opts(p, &o);
    qkv = param(p, "q");
    if (!qkv) { api_error(r, 400, "missing q"); return; }
  }
  o.detect_ok = 1;
  const srv_pair *pair;
  parley_glossary *gl;
  if (lt_resolve(st, &o, &pair, &gl, r)) { json_decref(root); return; }
  char msg[600];
  json_t *res = NULL, *det = NULL;
  int status = 0, fmt = o.format && !strcmp(o.format, "html") ? 2 : 0;
  if (qkv || json_is_string(qv)) {
    const char *t = qkv ? qkv->val : json_string_value(qv);
    size_t tl = qkv ? qkv->vlen : json_string_length(qv);
    status = lt_one(st, pair, o.target, o.strict, gl, fmt, t, tl, &res, &det, msg, sizeof msg);
  } else {
    res = json_array();
    det = pair ? NULL : json_array();
    size_t i;
    json_t *v;
    json_array_foreach(qv, i, v) {
      json_t *one = NULL, *d = NULL;
      status = lt_one(st, pair, o.target, o.strict, gl, fmt, json_string_value(v), json_string_length(v), &one, &d,
                      msg, sizeof msg);
      if (status) break;
      json_array_append_new(res, one);
      if (d) json_array_append_new(det, d);
    }
  }
  parley_glossary_free(gl);
  json_decref(root);
  if (status) {
    json_decref(res);
    json_decref(det);
    { api_error(r, status, "%s", msg); return; }
  }
  json_t *ro = json_object();
  json_object_set_new(ro, "translatedText", res);
  if (det) json_object_set_new(ro, "detectedLanguage", det);
  reply_json(r, 200, ro);
}

/* The scores of the text `q` (a parameter, a form field or a JSON body's
 * string), best first: NULL with an error reply made. */
static lang_score *detect_req(const srv_state *st, const srv_req *q, params *p, size_t *n, srv_reply *r) {
  const srv_kv *tq = param(p, "q");
  const char *text = tq ? tq->val : NULL;
  size_t len = tq ? tq->vlen : 0;
  json_t *root = NULL;
  if (is_json(q)) {
    json_error_t je;
    if (!(root = json_loadb(q->body, q->body_len, 0, &je))) {
      api_error(r, 400, "invalid JSON: %s (line %d, column %d)", je.text, je.line, je.column);
      return NULL;
    }
    json_t *v = json_object_get(root, "q");
    if (json_is_string(v)) text = json_string_value(v), len = json_string_length(v);
    else if (v) {
      json_decref(root);
      api_error(r, 400, "q must be a string");
      return NULL;
    }
  }
  if (!text) {
    json_decref(root);
    api_error(r, 400, "missing q");
    return NULL;
  }
  lang_score *ls = malloc((st->npairs + 1) * sizeof *ls);
  if (!ls) api_error(r, 500, "out of memory");
  else *n = detect(st, NULL, text, len, ls, st->npairs);
  json_decref(root);
  return ls;
}

/* LibreTranslate: [{"confidence": 0..100, "language": code}, ...] */
static void h_detect(const srv_state *st, const srv_req *q, params *p, srv_reply *r) {
  size_t n;
  lang_score *ls = detect_req(st, q, p, &n, r);
  if (!ls) return;
  json_t *arr = json_array();
  for (size_t i = 0; i < n; i++) json_array_append_new(arr, detected_json(&ls[i]));
  free(ls);
  reply_json(r, 200, arr);
}

/* APy: {"eng": 0..1, ...} with the pairs' own language codes. */
static void h_identify(const srv_state *st, const srv_req *q, params *p, srv_reply *r) {
  size_t n;
  lang_score *ls = detect_req(st, q, p, &n, r);
  if (!ls) return;
  json_t *o = json_object();
  for (size_t i = 0; i < n; i++) {
    const char *mode = ls[i].pair->mode, *dash = strchr(mode, '-');
    char code[64];
    snprintf(code, sizeof code, "%.*s", (int)(dash - mode), mode);
    json_object_set_new(o, code, json_real(ls[i].share));
  }
  free(ls);
  reply_json(r, 200, o);
}

static void h_translate(const srv_state *st, const srv_req *q, params *p, srv_reply *r) {
  if (param(p, "langpair")) { h_apy_translate(st, p, r); return; }
  h_lt_translate(st, q, p, r);
}

static void h_article(const srv_state *st, const srv_req *q, params *p, srv_reply *r) {
  lt_opts o = {0};
  lt_params_opts(p, &o);
  json_error_t je;
  json_t *root = json_loadb(q->body, q->body_len, 0, &je);
  if (!root) { api_error(r, 400, "invalid JSON: %s (line %d, column %d)", je.text, je.line, je.column); return; }
  if (!json_is_object(root)) {
    json_decref(root);
    { api_error(r, 400, "the body must be a JSON object"); return; }
  }
  json_t *art = json_object_get(root, "article");
  char *text = NULL;
  const char *body = q->body;
  size_t blen = q->body_len;
  if (art) { /* {"source":..,"target":..,"article":{...}} */
    if (!json_is_object(art)) {
      json_decref(root);
      { api_error(r, 400, "article must be a JSON object"); return; }
    }
    lt_opts jo = o;
    if (lt_json_opts(root, &jo, r)) { json_decref(root); return; }
    if (jo.source) o.source = jo.source;
    if (jo.target) o.target = jo.target;
    if (jo.glossary) o.glossary = jo.glossary, o.glossary_len = jo.glossary_len;
    if (json_object_get(root, "strict")) o.strict = jo.strict;
    if (jo.format) o.format = jo.format;
    text = json_dumps(art, JSON_COMPACT);
    if (!text) {
      json_decref(root);
      { api_error(r, 500, "out of memory"); return; }
    }
    body = text;
    blen = strlen(text);
  }
  const srv_pair *pair;
  parley_glossary *gl;
  if (lt_resolve(st, &o, &pair, &gl, r)) {
    free(text);
    { json_decref(root); return; }
  }
  char msg[600];
  char *out;
  size_t on;
  int status = translate1(pair, o.strict, gl, 1, body, blen, &out, &on, msg, sizeof msg);
  parley_glossary_free(gl);
  free(text);
  json_decref(root);
  if (status) { api_error(r, status, "%s", msg); return; }
  char *copy = malloc(on + 1);
  if (!copy) {
    parley_free(out);
    { api_error(r, 500, "out of memory"); return; }
  }
  memcpy(copy, out, on + 1);
  parley_free(out);
  reply_take(r, 200, copy, "application/json");
  r->len = on;
}

/* ---- routing ---- */

enum { M_GET = 1, M_POST = 2 };

static const struct route {
  const char *path;
  int methods;
  const char *allow;
  void (*fn)(const srv_state *, const srv_req *, params *, srv_reply *);
} routes[] = {
    {"/", M_GET, "GET, HEAD", h_page},
    {"/index.html", M_GET, "GET, HEAD", h_page},
    {"/languages", M_GET, "GET, HEAD", h_languages},
    {"/listPairs", M_GET | M_POST, "GET, HEAD, POST", h_list_pairs},
    {"/translate", M_GET | M_POST, "GET, HEAD, POST", h_translate},
    {"/translate_article", M_POST, "POST", h_article},
    {"/detect", M_GET | M_POST, "GET, HEAD, POST", h_detect},
    {"/identifyLang", M_GET | M_POST, "GET, HEAD, POST", h_identify},
};

static const struct route *route_find(const char *method, const char *path, int *status) {
  for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
    if (strcmp(path, routes[i].path)) continue;
    int m = !strcmp(method, "GET") || !strcmp(method, "HEAD") ? M_GET : !strcmp(method, "POST") ? M_POST : 0;
    *status = (routes[i].methods & m) ? 0 : 405;
    return &routes[i];
  }
  *status = 404;
  return NULL;
}

int api_route_check(const char *method, const char *path, const char **allow) {
  int status;
  const struct route *rt = route_find(method, path, &status);
  *allow = rt ? rt->allow : NULL;
  return status;
}

void api_handle(const srv_state *st, const srv_req *q, srv_reply *r) {
  memset(r, 0, sizeof *r);
  int status;
  const struct route *rt = route_find(q->method, q->path, &status);
  if (status == 404) { api_error(r, 404, "no such endpoint: %s", q->path); return; }
  if (status == 405) {
    api_error(r, 405, "%s does not take %s", q->path, q->method);
    r->allow = rt->allow;
    return;
  }
  params p = {q->args, q->nargs, NULL, 0};
  for (size_t i = 0; i < q->nargs; i++)
    if (!srv_utf8_valid(q->args[i].val, q->args[i].vlen) || !srv_utf8_valid(q->args[i].key, strlen(q->args[i].key)))
      { api_error(r, 400, "parameter '%s' is not valid UTF-8", q->args[i].key); return; }
  if (q->body_len && q->ctype && !strncmp(q->ctype, "application/x-www-form-urlencoded", 33) &&
      strcmp(q->path, "/translate_article")) {
    if (form_parse(&p, q->body, q->body_len)) {
      form_free(&p);
      { api_error(r, 500, "out of memory"); return; }
    }
    for (size_t i = 0; i < p.nform; i++)
      if (!srv_utf8_valid(p.form[i].val, p.form[i].vlen) || !srv_utf8_valid(p.form[i].key, strlen(p.form[i].key))) {
        api_error(r, 400, "form field '%s' is not valid UTF-8", p.form[i].key);
        form_free(&p);
        return;
      }
  } else if (q->body_len && !strcmp(q->method, "POST") && !is_json(q) && strcmp(q->path, "/translate_article") &&
             strcmp(q->path, "/listPairs")) {
    { api_error(r, 415, "send the body as application/json or application/x-www-form-urlencoded"); return; }
  }
  rt->fn(st, q, &p, r);
  form_free(&p);
}
