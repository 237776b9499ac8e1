/*
 * server.c - `parley serve`: options, the pairs opened once at start, the
 * libmicrohttpd daemon and its limits, and shutdown on SIGTERM/SIGINT.
 *
 * Threads: libmicrohttpd's internal polling thread with a pool of N worker
 * threads (epoll where available), each running whole requests: a
 * translation is CPU work, so N near the number of cores gives the best
 * throughput and no per-connection threads to create.  --threads 0 asks
 * for a thread per connection instead (a long text then delays no other
 * connection).
 *
 * Request life: the access handler is called once with the headers (route,
 * overload and size checks happen there, before any body is read), then
 * with each piece of the body (appended to a buffer capped at --max-bytes:
 * a body over it is refused whole with 413, never cut), then once more to
 * answer (http_api.c).  The completion callback frees the request and
 * releases its slot in the overload count (--max-queue, 503 beyond it).
 */
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "mhd.h"

#include "server.h"

typedef struct srv_conf {
  const char *host, *datadir, *pairs;
  int port;
  int threads;
  size_t max_bytes;
  long max_queue;
  int timeout;
} srv_conf;

static atomic_long inflight;
static long max_queue;

typedef struct conn_ctx {
  char *buf;
  size_t len, cap;
  int too_big;
  int counted;
} conn_ctx;

/* ---- pairs ---- */

typedef struct names {
  char **v;
  size_t n;
} names;

static void collect(const char *pair, const char *missing, void *arg) {
  names *ns = arg;
  if (missing) return;
  char **nv = realloc(ns->v, (ns->n + 1) * sizeof *nv);
  if (!nv) return;
  ns->v = nv;
  if ((nv[ns->n] = strdup(pair))) ns->n++;
}

static void pair_sides(srv_pair *p) {
  p->src[0] = p->tgt[0] = 0;
  const char *d = strchr(p->mode, '-');
  if (!d || strchr(d + 1, '-')) return;
  if (lang_norm(p->mode, (size_t)(d - p->mode), p->src, sizeof p->src) ||
      lang_norm(d + 1, strlen(d + 1), p->tgt, sizeof p->tgt))
    p->src[0] = p->tgt[0] = 0;
}

static void close_pairs(srv_state *st) {
  for (size_t i = 0; i < st->npairs; i++) {
    parley_close(st->pairs[i].news);
    parley_close(st->pairs[i].strict);
  }
  free(st->pairs);
  st->pairs = NULL;
  st->npairs = 0;
}

static int open_one(srv_state *st, const char *mode, const char *datadir) {
  srv_pair *p = &st->pairs[st->npairs];
  memset(p, 0, sizeof *p);
  if (strlen(mode) >= sizeof p->mode || !strchr(mode, '-')) {
    fprintf(stderr, "parley: serve: bad pair name '%s'\n", mode);
    return -1;
  }
  strcpy(p->mode, mode);
  parley_options news = {datadir, 0, 0}, strict = {datadir, 1, 0};
  parley_error err;
  if (parley_open(&p->news, mode, &news, &err) || parley_open(&p->strict, mode, &strict, &err)) {
    fprintf(stderr, "parley: serve: %s\n", err.message);
    parley_close(p->news);
    return -1;
  }
  pair_sides(p);
  st->npairs++;
  return 0;
}

/* Opens --pairs (comma-separated; "all": every pair parley runs; default:
 * eng-spa and spa-eng, those of them installed). */
static int open_pairs(srv_state *st, const srv_conf *c) {
  names ns = {NULL, 0};
  parley_error err;
  int rc = 0;
  if (parley_pairs(c->datadir, collect, &ns, &err) < 0) {
    fprintf(stderr, "parley: serve: %s\n", err.message);
    return -1;
  }
  size_t cap = ns.n + 2;
  if (c->pairs) {
    cap = 1;
    for (const char *s = c->pairs; *s; s++) cap += *s == ',';
    if (cap < ns.n) cap = ns.n;
  }
  st->pairs = calloc(cap, sizeof *st->pairs);
  if (!st->pairs) rc = -1;
  if (!rc && c->pairs && strcmp(c->pairs, "all")) {
    char *list = strdup(c->pairs), *save = NULL;
    for (char *t = list ? strtok_r(list, ",", &save) : NULL; t && !rc; t = strtok_r(NULL, ",", &save))
      rc = open_one(st, t, c->datadir);
    free(list);
  } else if (!rc) {
    for (size_t i = 0; i < ns.n && !rc; i++)
      if (c->pairs || !strcmp(ns.v[i], "eng-spa") || !strcmp(ns.v[i], "spa-eng"))
        rc = open_one(st, ns.v[i], c->datadir);
  }
  for (size_t i = 0; i < ns.n; i++) free(ns.v[i]);
  free(ns.v);
  if (!rc && !st->npairs) {
    fprintf(stderr, "parley: serve: no pair to serve (install apertium-eng-spa or give --pairs)\n");
    rc = -1;
  }
  if (rc) close_pairs(st);
  return rc;
}

/* ---- libmicrohttpd ---- */

static const mhd_api *mhd; /* set once by server_main, before any request */

static enum MHD_Result send_reply(struct MHD_Connection *c, const srv_reply *r) {
  struct MHD_Response *resp = mhd->create_response_from_buffer(r->len, r->body, MHD_RESPMEM_MUST_FREE);
  if (!resp) {
    free(r->body);
    return MHD_NO;
  }
  mhd->add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->ctype ? r->ctype : "application/json");
  mhd->add_response_header(resp, "Access-Control-Allow-Origin", "*");
  if (r->allow) mhd->add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow);
  if (r->status == 503) mhd->add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, "1");
  enum MHD_Result ret = mhd->queue_response(c, (unsigned)r->status, resp);
  mhd->destroy_response(resp);
  return ret;
}

static enum MHD_Result send_error(struct MHD_Connection *c, int status, const char *allow, const char *fmt,
                                  const char *arg) {
  srv_reply r = {0};
  api_error(&r, status, fmt, arg);
  r.allow = allow;
  return send_reply(c, &r);
}

typedef struct args_acc {
  srv_kv *v;
  size_t n, cap;
  int oom;
} args_acc;

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size,
                                   const char *value, size_t value_size) {
  (void)kind, (void)key_size;
  args_acc *a = cls;
  if (a->n == a->cap) {
    size_t nc = a->cap ? a->cap * 2 : 8;
    srv_kv *nv = realloc(a->v, nc * sizeof *nv);
    if (!nv) {
      a->oom = 1;
      return MHD_NO;
    }
    a->v = nv, a->cap = nc;
  }
  /* Copies: MHD's are NUL-terminated, but a value may hold %00. */
  srv_kv *kv = &a->v[a->n];
  kv->key = strdup(key);
  kv->val = malloc(value_size + 1);
  if (!kv->key || !kv->val) {
    free(kv->key);
    free(kv->val);
    a->oom = 1;
    return MHD_NO;
  }
  if (value) memcpy(kv->val, value, value_size);
  kv->val[value_size] = 0;
  kv->vlen = value ? value_size : 0;
  a->n++;
  return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **con_cls) {
  (void)version;
  const srv_state *st = cls;
  conn_ctx *x = *con_cls;
  if (!x) { /* headers only: check what can be checked before the body */
    x = calloc(1, sizeof *x);
    if (!x) return MHD_NO;
    *con_cls = x;
    x->counted = 1;
    long now = atomic_fetch_add(&inflight, 1) + 1;
    if (!strcmp(method, "OPTIONS")) { /* CORS preflight */
      struct MHD_Response *resp = mhd->create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
      if (!resp) return MHD_NO;
      mhd->add_response_header(resp, "Access-Control-Allow-Origin", "*");
      mhd->add_response_header(resp, "Access-Control-Allow-Methods", "GET, POST, OPTIONS");
      mhd->add_response_header(resp, "Access-Control-Allow-Headers", "Content-Type");
      enum MHD_Result ret = mhd->queue_response(c, 204, resp);
      mhd->destroy_response(resp);
      return ret;
    }
    const char *allow;
    int status = api_route_check(method, url, &allow);
    if (status == 404) return send_error(c, 404, NULL, "no such endpoint: %s", url);
    if (status == 405) return send_error(c, 405, allow, "this endpoint does not take %s", method);
    if (now > max_queue) return send_error(c, 503, NULL, "%s", "the server is busy: too many requests at once");
    const char *cl = mhd->lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl && strtoull(cl, NULL, 10) > st->max_bytes) {
      char lim[64];
      snprintf(lim, sizeof lim, "%zu", st->max_bytes);
      return send_error(c, 413, NULL, "the request body is over the limit of %s bytes", lim);
    }
    return MHD_YES;
  }
  if (*upload_size) { /* a piece of the body */
    size_t n = *upload_size;
    *upload_size = 0;
    if (x->too_big || n > st->max_bytes - x->len) {
      x->too_big = 1;
      return MHD_YES;
    }
    if (x->len + n > x->cap) {
      size_t nc = x->cap ? x->cap : 4096;
      while (nc < x->len + n) nc *= 2;
      if (nc > st->max_bytes) nc = st->max_bytes;
      char *nb = realloc(x->buf, nc + 1);
      if (!nb) return MHD_NO;
      x->buf = nb, x->cap = nc;
    }
    memcpy(x->buf + x->len, upload, n);
    x->len += n;
    return MHD_YES;
  }
  if (x->too_big) {
    char lim[64];
    snprintf(lim, sizeof lim, "%zu", st->max_bytes);
    return send_error(c, 413, NULL, "the request body is over the limit of %s bytes", lim);
  }
  args_acc a = {0};
  mhd->get_connection_values_n(c, MHD_GET_ARGUMENT_KIND, collect_arg, &a);
  srv_reply r;
  if (a.oom) {
    memset(&r, 0, sizeof r);
    api_error(&r, 500, "out of memory");
  } else {
    srv_req q = {method, url, mhd->lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE),
                 x->buf ? x->buf : "", x->len, a.v, a.n};
    api_handle(st, &q, &r);
  }
  for (size_t i = 0; i < a.n; i++) {
    free(a.v[i].key);
    free(a.v[i].val);
  }
  free(a.v);
  return send_reply(c, &r);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe) {
  (void)cls, (void)c, (void)toe;
  conn_ctx *x = *con_cls;
  if (!x) return;
  if (x->counted) atomic_fetch_sub(&inflight, 1);
  free(x->buf);
  free(x);
  *con_cls = NULL;
}

static void usage(FILE *f) {
  fprintf(f, "usage: parley serve [--host 127.0.0.1] [--port 5000] [-d DIR] [--pairs eng-spa,spa-eng|all]\n"
             "                    [--threads N] [--max-bytes N] [--max-queue N] [--timeout SECONDS]\n");
}

static int num_arg(const char *opt, const char *v, long lo, long hi, long *out) {
  char *end;
  errno = 0;
  long n = strtol(v, &end, 10);
  if (errno || end == v || *end || n < lo || n > hi) {
    fprintf(stderr, "parley: serve: %s wants a number from %ld to %ld, not '%s'\n", opt, lo, hi, v);
    return -1;
  }
  *out = n;
  return 0;
}

int server_main(int argc, char **argv) {
  long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
  srv_conf c = {"127.0.0.1", NULL, NULL, 5000, (int)(ncpu > 0 ? ncpu : 2), (size_t)1 << 20, 1024, 60};
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    long n;
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      usage(stdout);
      return 0;
    }
    if (!v) {
      fprintf(stderr, "parley: serve: unknown option or missing value: '%s'\n", a);
      usage(stderr);
      return 2;
    }
    i++;
    if (!strcmp(a, "--host")) c.host = v;
    else if (!strcmp(a, "-d")) c.datadir = v;
    else if (!strcmp(a, "--pairs")) c.pairs = v;
    else if (!strcmp(a, "--port")) {
      if (num_arg(a, v, 0, 65535, &n)) return 2;
      c.port = (int)n;
    } else if (!strcmp(a, "--threads")) {
      if (num_arg(a, v, 0, 1024, &n)) return 2;
      c.threads = (int)n;
    } else if (!strcmp(a, "--max-bytes")) {
      if (num_arg(a, v, 1, 1L << 30, &n)) return 2;
      c.max_bytes = (size_t)n;
    } else if (!strcmp(a, "--max-queue")) {
      if (num_arg(a, v, 1, 1L << 20, &n)) return 2;
      c.max_queue = n;
    } else if (!strcmp(a, "--timeout")) {
      if (num_arg(a, v, 1, 86400, &n)) return 2;
      c.timeout = (int)n;
    } else {
      fprintf(stderr, "parley: serve: unknown option '%s'\n", a);
      usage(stderr);
      return 2;
    }
  }

  char why[300];
  if (!(mhd = mhd_load(why, sizeof why))) {
    fprintf(stderr, "parley: serve: %s\n", why);
    return 1;
  }
  struct addrinfo hints = {0}, *ai = NULL;
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  char port[16];
  snprintf(port, sizeof port, "%d", c.port);
  int gai = getaddrinfo(c.host, port, &hints, &ai);
  if (gai) {
    fprintf(stderr, "parley: serve: cannot resolve '%s': %s\n", c.host, gai_strerror(gai));
    return 2;
  }

  srv_state st = {NULL, 0, c.max_bytes};
  if (open_pairs(&st, &c)) {
    freeaddrinfo(ai);
    return 1;
  }
  max_queue = c.max_queue;

  /* Signals are taken by sigwait() in this thread; the daemon's threads,
   * started below, inherit the blocked mask. */
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGINT);
  pthread_sigmask(SIG_BLOCK, &sigs, NULL);
  signal(SIGPIPE, SIG_IGN);

  unsigned flags = MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC;
  if (c.threads == 0) flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC;
  if (ai->ai_family == AF_INET6) flags |= MHD_USE_IPv6;
  struct MHD_Daemon *d = mhd->start_daemon(
      flags, (uint16_t)c.port, NULL, NULL, on_request, &st, MHD_OPTION_SOCK_ADDR, ai->ai_addr,
      MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)c.timeout,
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)128 * 1024, MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
      MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(c.threads > 1 ? c.threads : 0), MHD_OPTION_END);
  freeaddrinfo(ai);
  if (!d) {
    fprintf(stderr, "parley: serve: cannot listen on %s port %d: %s\n", c.host, c.port,
            errno ? strerror(errno) : "libmicrohttpd refused");
    close_pairs(&st);
    return 1;
  }
  const union MHD_DaemonInfo *di = mhd->get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
  fprintf(stderr, "parley: serving %zu pair%s on http://%s:%u/ (", st.npairs, st.npairs == 1 ? "" : "s", c.host,
          di ? di->port : (unsigned)c.port);
  for (size_t i = 0; i < st.npairs; i++) fprintf(stderr, "%s%s", i ? " " : "", st.pairs[i].mode);
  fprintf(stderr, ")\n");

  int sig = 0;
  sigwait(&sigs, &sig);
  fprintf(stderr, "parley: %s: finishing the requests under way\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
  /* Stop accepting, let the requests under way finish (10 s at most). */
  MHD_socket ls = mhd->quiesce_daemon(d);
  for (int i = 0; i < 1000 && atomic_load(&inflight) > 0; i++) nanosleep(&(struct timespec){0, 10000000}, NULL);
  mhd->stop_daemon(d);
  if (ls != MHD_INVALID_SOCKET) close(ls);
  close_pairs(&st);
  fprintf(stderr, "parley: stopped\n");
  return 0;
}
