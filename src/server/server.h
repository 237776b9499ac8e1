/*
 * server.h - `parley serve`: an HTTP front end to libparley that speaks the
 * LibreTranslate and Apertium APy APIs and serves a translate page.
 *
 * Layout: server.c owns the process (options, opening the pairs, the
 * libmicrohttpd daemon, limits, signals); http_api.c turns one buffered
 * request (srv_req) into one reply (srv_reply) and knows nothing of
 * libmicrohttpd, so every endpoint is plain code over plain data; lang.c
 * maps language codes (en <-> eng); page.c holds the web page.
 *
 * Lifetimes: the srv_state and its engines are made once at start and are
 * read-only while the daemon runs (libparley engines are thread-safe); a
 * srv_req and its srv_reply live for one request.
 */
#ifndef PL_SERVER_H
#define PL_SERVER_H

#include <stddef.h>

#include "parley.h"

/* One installed pair: the mode name, its two sides normalised by
 * lang_norm() (empty when the mode name is not LANG-LANG, e.g.
 * "spa-ast-pn"), and two engines, since strictness is fixed at open. */
typedef struct srv_pair {
  char mode[64];
  char src[24], tgt[24];
  parley_engine *news;   /* news mode (the default) */
  parley_engine *strict; /* byte-identical to apertium, unknown words marked '*' */
} srv_pair;

typedef struct srv_state {
  srv_pair *pairs;
  size_t npairs;
  size_t max_bytes; /* request body cap */
} srv_state;

/* A request's parameters: the query string, then the form body. */
typedef struct srv_kv {
  char *key;
  char *val; /* NUL-terminated; vlen bytes (may hold NUL) */
  size_t vlen;
} srv_kv;

typedef struct srv_req {
  const char *method; /* "GET", "POST", ... */
  const char *path;
  const char *ctype;  /* Content-Type or NULL */
  const char *body;
  size_t body_len;
  srv_kv *args; /* query arguments (owned by the caller) */
  size_t nargs;
} srv_req;

typedef struct srv_reply {
  int status;
  char *body; /* malloc'd (free()) */
  size_t len;
  const char *ctype;
  const char *allow; /* for 405: the Allow header */
} srv_reply;

/* Checks method and path before the body is read: 0 if the route exists
 * and takes the method, else 404 or 405 (then *allow names the methods). */
int api_route_check(const char *method, const char *path, const char **allow);

/* Handles a whole request.  Always fills `r` (status, body). */
void api_handle(const srv_state *st, const srv_req *q, srv_reply *r);

/* Fills r with {"error": msg} and the status. */
void api_error(srv_reply *r, int status, const char *fmt, ...);

/* 1 if s[0..n) is valid UTF-8 (no overlongs, surrogates or > U+10FFFF). */
int srv_utf8_valid(const char *s, size_t n);

/* lang.c.  lang_norm writes the canonical form of a language code: the
 * ISO 639-3 code (eng for en or eng), then "_Variant" if any ("pt-BR" and
 * "pt_BR" give "por_BR"); unknown codes are kept as they are.  Returns 0 or
 * -1 if the code is empty or too long. */
int lang_norm(const char *code, size_t n, char *out, size_t cap);
/* The LibreTranslate code (two letters when there are, else three, then
 * "-Variant") and the English name of a normalised code. */
void lang_lt_code(const char *norm, char *out, size_t cap);
const char *lang_name(const char *norm);

/* page.c: the HTML of GET /. */
extern const char srv_page_html[];

/* server.c: `parley serve ARGS` (argv without "serve"); returns the exit code. */
int server_main(int argc, char **argv);

#endif
