/*
 * test_api.c - the public engine API: opening pairs (a missing pair, a pair
 * needing a stage parley lacks), translating, and translating from several
 * threads at once on one engine, which must give what one thread gives.
 * Prints "N passed, M failed".
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parley.h"

#include "check.h"

static const char text[] =
    "The city council voted on Tuesday to build a new bridge across the river.\n\n"
    "Mayor Anna Lewis said the bridge would connect the old town with the station.\n";

typedef struct job {
  const parley_engine *eng;
  char *out;
  size_t n;
  int rc;
} job;

static void *worker(void *arg) {
  job *j = arg;
  parley_error err;
  for (int i = 0; i < 3; i++) {
    char *o = NULL;
    size_t n = 0;
    j->rc |= parley_translate(j->eng, text, sizeof text - 1, &o, &n, &err);
    if (i == 0) {
      j->out = o;
      j->n = n;
    } else {
      if (!o || n != j->n || memcmp(o, j->out, n)) j->rc |= 64;
      parley_free(o);
    }
  }
  return NULL;
}

int main(void) {
  parley_error err;
  parley_engine *eng = NULL;
  int rc = parley_open(&eng, "no-such-pair", NULL, &err);
  CHECK(rc == PARLEY_EUSAGE && strstr(err.message, "no-such-pair"), "missing pair refused: %d %s", rc, err.message);
  rc = parley_open(&eng, "../etc/passwd", NULL, &err);
  CHECK(rc == PARLEY_EUSAGE, "a path is not a pair name: %d %s", rc, err.message);
  rc = parley_open(&eng, "eng-hbs", NULL, &err);
  CHECK(rc == PARLEY_EUNSUPPORTED && strstr(err.message, "cg-proc"), "a CG pair names the missing stage: %d %s",
        rc, err.message);

  parley_options o = {NULL, 1, 0};
  rc = parley_open(&eng, "eng-spa", &o, &err);
  CHECK(rc == PARLEY_OK, "eng-spa opens: %s", err.message);
  if (rc) {
    printf("%d passed, %d failed\n", passed, failed);
    return 1;
  }
  CHECK(strstr(parley_pipeline(eng), "apertium-wblank-attach") != NULL, "pipeline rewritten as apertium-wblank-mode does");
  char *out = NULL;
  size_t n = 0;
  rc = parley_translate(eng, "Hello world", 11, &out, &n, &err);
  CHECK(rc == 0 && n == strlen("Hola Mundo") && !strcmp(out, "Hola Mundo"), "Hello world -> Hola Mundo: %s",
        out ? out : err.message);
  parley_free(out);
  rc = parley_translate(eng, "", 0, &out, &n, &err);
  CHECK(rc == 0 && n == 0, "empty text gives empty text");
  parley_free(out);
  rc = parley_translate(eng, "a\xff b", 4, &out, &n, &err);
  CHECK(rc == PARLEY_EINPUT && out == NULL, "invalid UTF-8 refused: %d %s", rc, err.message);

  double share = -1;
  size_t words = 0;
  static const char en[] = "The neighbours said that the dog was black.", es[] = "Los vecinos dijeron que el perro era negro.";
  rc = parley_known_share(eng, en, sizeof en - 1, &share, &words, &err);
  CHECK(rc == 0 && words == 8 && share == 1.0, "English is known to eng-spa: %d %zu %g %s", rc, words, share, err.message);
  rc = parley_known_share(eng, es, sizeof es - 1, &share, &words, &err);
  CHECK(rc == 0 && words == 8 && share < 0.5, "Spanish is mostly unknown to eng-spa: %zu %g", words, share);
  rc = parley_known_share(eng, "12 + 3 = 15 !", 13, &share, &words, &err);
  CHECK(rc == 0 && words == 0 && share == 0.0, "no words, no share: %zu %g", words, share);
  rc = parley_known_share(eng, "a\xff b", 4, &share, &words, &err);
  CHECK(rc == PARLEY_EINPUT, "invalid UTF-8 refused by known_share: %d", rc);

  job one = {eng, NULL, 0, 0};
  worker(&one);
  CHECK(one.rc == 0 && one.n > 0, "single-thread translation");
  enum { T = 4 };
  pthread_t th[T];
  job jobs[T];
  for (int i = 0; i < T; i++) {
    jobs[i] = (job){eng, NULL, 0, 0};
    pthread_create(&th[i], NULL, worker, &jobs[i]);
  }
  for (int i = 0; i < T; i++) {
    pthread_join(th[i], NULL);
    CHECK(jobs[i].rc == 0 && jobs[i].n == one.n && !memcmp(jobs[i].out, one.out, one.n),
          "thread %d gives the single-thread result", i);
    parley_free(jobs[i].out);
  }
  parley_free(one.out);
  parley_close(eng);

  /* news mode and a per-request glossary */
  parley_options news = {NULL, 0, 0};
  rc = parley_open(&eng, "eng-spa", &news, &err);
  CHECK(rc == PARLEY_OK, "eng-spa opens in news mode: %s", err.message);
  if (!rc) {
    parley_glossary *gl = NULL;
    static const char gtext[] = "footbridge\tpasarela\nBank of England\tBanco de Inglaterra\nApple\n";
    rc = parley_glossary_parse(&gl, gtext, sizeof gtext - 1, &err);
    CHECK(rc == PARLEY_OK, "glossary parses: %s", err.message);
    parley_request req = {gl, NULL};
    static const char src[] = "Labour MP Frank Field said Apple and the Bank of England will pay for a footbridge.";
    rc = parley_translate_ex(eng, src, sizeof src - 1, &req, &out, &n, &err);
    CHECK(rc == 0 && strstr(out, "pasarela") && strstr(out, "Banco de Inglaterra") && strstr(out, "Apple") &&
              strstr(out, "Frank Field") && !strpbrk(out, "*#@"),
          "glossary and names in news mode: %s", out ? out : err.message);
    parley_free(out);
    rc = parley_translate(eng, src, sizeof src - 1, &out, &n, &err);
    CHECK(rc == 0 && !strstr(out, "pasarela"), "no glossary without a request: %s", out ? out : err.message);
    parley_free(out);
    static const char bad[] = "\tx\n";
    parley_glossary *g2 = NULL;
    CHECK(parley_glossary_parse(&g2, bad, sizeof bad - 1, &err) == PARLEY_EINPUT && !g2, "bad glossary refused");
    parley_glossary_free(gl);
    parley_close(eng);
  }
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
