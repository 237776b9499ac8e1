/*
 * fuzz_news.c - libFuzzer target for news mode's parsers: the first byte
 * chooses what the rest is: a glossary file, a tagged stream for the name
 * stage (with a small glossary), or a JSON article translated by eng-spa
 * (loaded once); 0xF0: a transfer stream for the spaces stage, 0xF1/0xF2:
 * a translation for the Spanish/English date rewriting and the tidy step,
 * 0xF3: a bilingual stream for the news senses (prefer.c).  Never a crash,
 * never a hang.
 */
#include <stdint.h>
#include <stdlib.h>

#include "news/news.h"
#include "pipeline/pipeline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static pl_pipeline *pipe_;
static int tried;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  const char *s = (const char *)data + 1;
  size_t n = size - 1;
  pl_err e;
  if (data[0] >= 0xF0 && data[0] <= 0xF3) { /* news/spaces.c's and prefer.c's streams, dates.c and tidy.c's text */
    if (data[0] == 0xF0 || data[0] == 0xF3) {
      pl_in in;
      pl_out out;
      pl_in_init_mem(&in, s, n);
      pl_out_init_mem(&out);
      if (data[0] == 0xF0) news_spaces(&in, &out, n & 1, &e);
      else news_prefer(&in, &out, n & 1 ? NEWS_PREFER_ENG_SPA : NEWS_PREFER_SPA_ENG, &e);
      pl_out_fini(&out);
    } else {
      bbuf out = {0};
      bbuf_puts(&out, "prefix ");
      bbuf_append(&out, s, n);
      if (data[0] == 0xF1) {
        news_dates_spa(&out, 7, n & 1);
        news_spelling_spa(&out, 7, n & 1);
      }
      else news_dates_eng(&out, 7, n & 1);
      news_tidy(s, n, &out, 7);
      bbuf_free(&out);
    }
    return 0;
  }
  if (data[0] % 3 == 0) {
    news_glossary *g = NULL;
    if (!news_glossary_parse(&g, s, n, "fuzz", &e)) {
      news_glossary *h = NULL;
      news_glossary_extend(&h, g, "Trump\0Field", 12);
      news_glossary_free(h);
    }
    news_glossary_free(g);
    return 0;
  }
  if (data[0] % 3 == 1) {
    static const char gl[] = "footbridge\tpasarela\nApple\nBank of England\tBanco de Inglaterra\n";
    news_glossary *g = NULL;
    if (news_glossary_parse(&g, gl, sizeof gl - 1, "fuzz", &e)) return 0;
    news_run r = {0};
    r.g = g;
    r.into_spanish = n & 1;
    pl_in in;
    pl_out out;
    pl_in_init_mem(&in, s, n);
    pl_out_init_mem(&out);
    news_names(&in, &out, &r, &e);
    bbuf un = {0};
    news_unplace(&r, out.b.p ? out.b.p : "", out.b.len, &un);
    bbuf_free(&un);
    pl_out_fini(&out);
    news_run_free(&r);
    news_glossary_free(g);
    return 0;
  }
  if (!tried) {
    tried = 1;
    pipeline_opts o = {getenv("APERTIUM_DIR"), 0, 0, 1};
    if (pipeline_open(&pipe_, "eng-spa", &o, &e)) pipe_ = NULL;
  }
  if (!pipe_ || n > 4096) return 0;
  bbuf out = {0};
  news_translate_json(pipe_, s, n, NULL, &out, &e);
  bbuf_free(&out);
  return 0;
}
