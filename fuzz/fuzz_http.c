/*
 * fuzz_http.c - libFuzzer target for the HTTP API (http_api.c): whole
 * requests as the daemon hands them over, against a real eng-spa engine
 * pair (opened once).  Byte 0 picks the method, byte 1 the path, byte 2
 * the Content-Type; the rest is a query string ("k=v&k=v", as
 * libmicrohttpd would have split it) up to the first 0xFF byte, then the
 * body.  Every request must get a reply with a status and a body, and
 * never a crash or a hang.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server/server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static srv_state st;
static srv_pair pair;

static void open_pair(void) {
  parley_options news = {NULL, 0, 0}, strict = {NULL, 1, 0};
  parley_error err;
  if (parley_open(&pair.news, "eng-spa", &news, &err) || parley_open(&pair.strict, "eng-spa", &strict, &err))
    abort(); /* the set-up itself is broken */
  strcpy(pair.mode, "eng-spa");
  strcpy(pair.src, "eng");
  strcpy(pair.tgt, "spa");
  st.pairs = &pair;
  st.npairs = 1;
  st.max_bytes = 1 << 16;
}

/* Splits "k=v&k=v" into q->args (copies, NUL-terminated). */
static void split_args(srv_req *q, const char *s, size_t n) {
  size_t cap = 1;
  for (size_t i = 0; i < n; i++) cap += s[i] == '&';
  q->args = calloc(cap, sizeof *q->args);
  if (!q->args) return;
  for (size_t i = 0; i <= n;) {
    size_t j = i;
    while (j < n && s[j] != '&') j++;
    const char *eq = memchr(s + i, '=', j - i);
    size_t kl = eq ? (size_t)(eq - (s + i)) : j - i, vl = eq ? j - i - kl - 1 : 0;
    srv_kv *kv = &q->args[q->nargs];
    kv->key = malloc(kl + 1);
    kv->val = malloc(vl + 1);
    if (!kv->key || !kv->val) {
      free(kv->key);
      free(kv->val);
      break;
    }
    memcpy(kv->key, s + i, kl);
    kv->key[kl] = 0;
    if (vl) memcpy(kv->val, eq + 1, vl);
    kv->val[vl] = 0;
    kv->vlen = vl;
    q->nargs++;
    i = j + 1;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const char *const methods[] = {"GET", "POST", "HEAD", "OPTIONS", "PUT"};
  static const char *const paths[] = {"/translate", "/translate", "/translate_article", "/languages",
                                      "/listPairs", "/",          "/index.html",         "/nope"};
  static const char *const ctypes[] = {NULL,
                                       "application/json",
                                       "application/x-www-form-urlencoded",
                                       "application/json; charset=utf-8",
                                       "multipart/form-data; boundary=xyz",
                                       "text/plain"};
  if (!st.npairs) open_pair();
  if (size < 3) return 0;
  srv_req q;
  memset(&q, 0, sizeof q);
  q.method = methods[data[0] % 5];
  q.path = paths[data[1] % 8];
  q.ctype = ctypes[data[2] % 6];
  const char *s = (const char *)data + 3;
  size_t n = size - 3;
  const char *ff = memchr(s, 0xFF, n);
  size_t qn = ff ? (size_t)(ff - s) : 0;
  split_args(&q, s, qn);
  q.body = ff ? ff + 1 : s;
  q.body_len = ff ? n - qn - 1 : n;
  const char *allow = NULL;
  srv_reply r;
  memset(&r, 0, sizeof r);
  if (api_route_check(q.method, q.path, &allow) == 0) api_handle(&st, &q, &r);
  else api_error(&r, 404, "no route");
  if (!r.status || !r.body) abort(); /* every request gets a reply */
  free(r.body);
  for (size_t i = 0; i < q.nargs; i++) {
    free(q.args[i].key);
    free(q.args[i].val);
  }
  free(q.args);
  return 0;
}
