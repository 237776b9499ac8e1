/*
 * main.c - the `parley` command-line tool, a thin client of libparley.
 *
 *   parley translate [--strict] [-u] [--glossary FILE] [--unknown] [--lines] [-d DIR] [-f txt|json|html] PAIR [IN [OUT]]
 *   parley pairs [-d DIR]
 *   parley serve [--host H] [--port P] [-d DIR] [--pairs A,B] [--threads N] ...  HTTP server
 *   parley stage PROGRAM [ARGS...]   run one Apertium stage like Debian's program
 *   parley version
 *
 * Exit codes: 0 success, 1 runtime error (bad input or data), 2 usage error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parley.h"
#include "server/server.h"

static void usage(FILE *f) {
  fprintf(f,
          "usage: parley translate [--strict] [-u] [--glossary FILE] [--unknown] [--lines] [-d DIR] [-f txt|json|html]\n"
          "                        PAIR [IN [OUT]]\n"
          "       parley pairs [-d DIR]\n"
          "       parley serve [--host 127.0.0.1] [--port 5000] [-d DIR] [--pairs eng-spa,spa-eng|all]\n"
          "                    [--threads N] [--max-bytes N] [--max-queue N] [--timeout SECONDS]\n"
          "       parley stage PROGRAM [ARGS...]\n"
          "       parley version\n"
          "\n"
          "  translate  translate text (stdin or IN) with an installed Apertium pair,\n"
          "             e.g. eng-spa.  By default in news mode: names kept, no marks,\n"
          "             --glossary FILE (lines 'source<TAB>target', or a term to keep);\n"
          "             --strict gives exactly what `apertium PAIR` gives (-u: without\n"
          "             the '*' of unknown words); -d is apertium's -d; -f json takes\n"
          "             a news article object and returns it translated; -f html an\n"
          "             HTML page (text, alt/title/meta descriptions translated, all\n"
          "             markup kept byte for byte); --unknown\n"
          "             lists the unknown words (byte offset, word) on stderr;\n"
          "             --lines translates each line as a text of its own (a list of\n"
          "             headlines or segments: nothing moves from one line to the next)\n"
          "  pairs      list the installed pairs and whether parley runs them\n"
          "  serve      HTTP server: LibreTranslate (/translate, /languages) and APy\n"
          "             (/translate?langpair=, /listPairs) APIs and a page at /\n"
          "  stage      run one Apertium stage program (lt-proc, apertium-tagger,\n"
          "             lrx-proc, apertium-transfer, ...) byte-identically to Debian's\n");
}

/* Reads a whole file (NULL or "-": stdin). */
static char *slurp(const char *path, size_t *len) {
  FILE *f = (!path || !strcmp(path, "-")) ? stdin : fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, n = 0, r;
  char *b = malloc(cap);
  while (b && (r = fread(b + n, 1, cap - n, f)) > 0) {
    n += r;
    if (n == cap) {
      char *q = cap < ((size_t)1 << 31) ? realloc(b, cap *= 2) : NULL;
      if (!q) {
        free(b);
        b = NULL;
      }
      b = q;
    }
  }
  int bad = ferror(f);
  if (f != stdin) fclose(f);
  if (bad) {
    free(b);
    return NULL;
  }
  *len = n;
  return b;
}

/* Appends s[0..n) to the malloc'd buffer *b of length *bl; -1 when out of memory. */
static int append(char **b, size_t *bl, size_t *cap, const char *s, size_t n) {
  if (*bl + n + 1 > *cap) {
    size_t c = *cap ? *cap : 4096;
    while (c < *bl + n + 1) c *= 2;
    char *q = realloc(*b, c);
    if (!q) return -1;
    *b = q;
    *cap = c;
  }
  memcpy(*b + *bl, s, n);
  *bl += n;
  (*b)[*bl] = 0;
  return 0;
}

/* --lines: each line of `in` translated as a text of its own, with its line
 * break; the unknown words' offsets are offsets into the whole input. */
static int translate_lines(const parley_engine *g, const char *in, size_t n, const parley_request *req, char **out,
                           size_t *on, parley_error *err) {
  char *b = NULL, *ub = NULL, *unk = NULL;
  size_t bl = 0, cap = 0, ul = 0, ucap = 0;
  parley_request r = {req->glossary, req->unknown ? &unk : NULL};
  int rc = 0;
  for (size_t at = 0; !rc && at < n;) {
    const char *nl = memchr(in + at, '\n', n - at);
    size_t len = nl ? (size_t)(nl - (in + at)) : n - at;
    char *o = NULL;
    size_t ol = 0;
    rc = parley_translate_ex(g, in + at, len, &r, &o, &ol, err);
    if (!rc && (append(&b, &bl, &cap, o, ol) || (nl && append(&b, &bl, &cap, "\n", 1)))) rc = -1;
    for (const char *u = unk; !rc && u && *u;) { /* "offset<TAB>word<LF>" lines, offset in this line */
      const char *e = strchr(u, '\n');
      size_t l = e ? (size_t)(e - u) + 1 : strlen(u);
      char num[32];
      long long off = strtoll(u, NULL, 10);
      const char *tab = memchr(u, '\t', l);
      snprintf(num, sizeof num, "%lld", off >= 0 ? off + (long long)at : -1LL);
      if (!tab || append(&ub, &ul, &ucap, num, strlen(num)) || append(&ub, &ul, &ucap, tab, l - (size_t)(tab - u)))
        rc = tab ? -1 : 0;
      u += l;
    }
    parley_free(o);
    parley_free(unk);
    unk = NULL;
    at += len + (nl != NULL);
  }
  if (rc == -1) {
    err->code = PARLEY_ENOMEM;
    snprintf(err->message, sizeof err->message, "out of memory");
  }
  if (rc || (!b && append(&b, &bl, &cap, "", 0))) {
    free(b);
    free(ub);
    return rc ? rc : PARLEY_ENOMEM;
  }
  *out = b;
  *on = bl;
  if (req->unknown) *req->unknown = ub ? ub : calloc(1, 1);
  else free(ub);
  return 0;
}

static int cmd_translate(int argc, char **argv) {
  parley_options o = {NULL, 0, 0};
  const char *pos[3] = {NULL, NULL, NULL}, *glossary = NULL;
  int json = 0, html = 0, unknown = 0, lines = 0;
  int np = 0;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--strict")) o.strict = 1;
    else if (!strcmp(a, "-u")) o.no_unknown_marks = 1;
    else if (!strcmp(a, "-d") && i + 1 < argc) o.datadir = argv[++i];
    else if (!strcmp(a, "--glossary") && i + 1 < argc) glossary = argv[++i];
    else if (!strcmp(a, "--unknown")) unknown = 1;
    else if (!strcmp(a, "--lines")) lines = 1;
    else if (!strcmp(a, "-f") && i + 1 < argc) {
      const char *f = argv[++i];
      if (!strcmp(f, "json")) json = 1;
      else if (!strcmp(f, "html")) html = 1;
      else if (strcmp(f, "txt")) {
        fprintf(stderr, "parley: format '%s' is not supported yet (txt, json and html are)\n", f);
        return 2;
      }
    } else if (a[0] == '-' && a[1]) {
      fprintf(stderr, "parley: translate: unknown option '%s'\n", a);
      return 2;
    } else if (np < 3) pos[np++] = a;
    else {
      fprintf(stderr, "parley: translate: too many arguments\n");
      return 2;
    }
  }
  if (np < 1) {
    usage(stderr);
    return 2;
  }
  if (lines && (json || html)) {
    fprintf(stderr, "parley: translate: --lines is for plain text, not -f json or html\n");
    return 2;
  }
  parley_error err;
  parley_engine *g;
  if (parley_open(&g, pos[0], &o, &err)) {
    fprintf(stderr, "parley: %s\n", err.message);
    return err.code == PARLEY_EUSAGE ? 2 : 1;
  }
  size_t n = 0;
  char *in = slurp(pos[1], &n);
  if (!in) {
    fprintf(stderr, "parley: cannot read '%s': %s\n", pos[1] ? pos[1] : "stdin", strerror(errno));
    parley_close(g);
    return 1;
  }
  parley_glossary *gl = NULL;
  if (glossary && parley_glossary_load(&gl, glossary, &err)) {
    fprintf(stderr, "parley: %s\n", err.message);
    free(in);
    parley_close(g);
    return 1;
  }
  char *unk = NULL;
  parley_request req = {gl, unknown ? &unk : NULL};
  char *out = NULL;
  size_t on = 0;
  int rc = json    ? parley_translate_json(g, in, n, &req, &out, &on, &err)
           : html  ? parley_translate_html(g, in, n, &req, &out, &on, &err)
           : lines ? translate_lines(g, in, n, &req, &out, &on, &err)
                   : parley_translate_ex(g, in, n, &req, &out, &on, &err);
  free(in);
  parley_glossary_free(gl);
  parley_close(g);
  if (rc) {
    fprintf(stderr, "parley: %s\n", err.message);
    return 1;
  }
  FILE *f = pos[2] ? fopen(pos[2], "wb") : stdout;
  if (!f || fwrite(out, 1, on, f) != on || (f != stdout ? fclose(f) : fflush(f))) {
    fprintf(stderr, "parley: cannot write '%s': %s\n", pos[2] ? pos[2] : "stdout", strerror(errno));
    parley_free(out);
    return 1;
  }
  parley_free(out);
  if (unk) { /* the unknown words, after the translation */
    fputs(unk, stderr);
    parley_free(unk);
  }
  return 0;
}

static void print_pair(const char *pair, const char *missing, void *arg) {
  (void)arg;
  if (missing) printf("%-22s no   (needs %s)\n", pair, missing);
  else printf("%-22s yes\n", pair);
}

static int cmd_pairs(int argc, char **argv) {
  const char *dir = NULL;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "-d") && i + 1 < argc) dir = argv[++i];
    else {
      fprintf(stderr, "parley: pairs: unknown argument '%s'\n", argv[i]);
      return 2;
    }
  }
  parley_error err;
  if (parley_pairs(dir, print_pair, NULL, &err) < 0) {
    fprintf(stderr, "parley: %s\n", err.message);
    return 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
    usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
    printf("parley %s\n", parley_version());
    return 0;
  }
  if (!strcmp(argv[1], "translate")) return cmd_translate(argc - 2, argv + 2);
  if (!strcmp(argv[1], "pairs")) return cmd_pairs(argc - 2, argv + 2);
  if (!strcmp(argv[1], "serve")) return server_main(argc - 2, argv + 2);
  if (!strcmp(argv[1], "stage")) {
    if (argc < 3) {
      usage(stderr);
      return 2;
    }
    parley_error err;
    int rc = parley_stage(argc - 2, argv + 2, STDIN_FILENO, STDOUT_FILENO, &err);
    if (rc) {
      fprintf(stderr, "parley: %s\n", err.message);
      return rc == PARLEY_EUSAGE ? 2 : 1;
    }
    return 0;
  }
  fprintf(stderr, "parley: unknown command '%s'\n", argv[1]);
  usage(stderr);
  return 2;
}
