/*
 * test_news_prefer.c - news/prefer.c: the news sense moves first among a
 * unit's translations and nothing else in the stream changes.
 */
#include <string.h>

#include "check.h"
#include "news/news.h"

static void expect(int which, const char *in, const char *want) {
  pl_in i;
  pl_out o;
  pl_err e;
  pl_in_init_mem(&i, in, strlen(in));
  pl_out_init_mem(&o);
  int rc = news_prefer(&i, &o, which, &e);
  CHECK(rc == 0 && o.b.len == strlen(want) && !memcmp(o.b.p, want, o.b.len), "%s -> %.*s, want %s", in,
        (int)o.b.len, o.b.p ? o.b.p : "", want);
  pl_out_fini(&o);
}

int main(void) {
  const int es = NEWS_PREFER_ENG_SPA, en = NEWS_PREFER_SPA_ENG;
  expect(es, "^party<n><sg>/fiesta<n><f><sg>/partido<n><m><sg>/partida<n><f><sg>$",
         "^party<n><sg>/partido<n><m><sg>/fiesta<n><f><sg>/partida<n><f><sg>$");
  /* the news sense last, and a capitalised word */
  expect(es, "^Temple<n><pl>/Sien<n><f><pl>/Templo<n><m><pl>$ x", "^Temple<n><pl>/Templo<n><m><pl>/Sien<n><f><pl>$ x");
  /* already first; only one translation; another part of speech; no table entry */
  expect(es, "^party<n><sg>/partido<n><m><sg>/fiesta<n><f><sg>$", "^party<n><sg>/partido<n><m><sg>/fiesta<n><f><sg>$");
  expect(es, "^party<n><sg>/fiesta<n><f><sg>$", "^party<n><sg>/fiesta<n><f><sg>$");
  expect(es, "^party<adj>/fiesta<adj>/partido<adj>$", "^party<adj>/fiesta<adj>/partido<adj>$");
  expect(es, "^partying<n>/fiesta<n>/partido<n>$", "^partying<n>/fiesta<n>/partido<n>$");
  /* a multiword target, a lemma with a '#' */
  expect(es, "^become<vblex><inf>/acaecer<vblex><inf>/llegar# a ser<vblex><inf>$",
         "^become<vblex><inf>/llegar# a ser<vblex><inf>/acaecer<vblex><inf>$");
  /* the other pair's table; escapes, superblanks and a cut-off unit stay as they are */
  expect(en, "[^x\\/]^red<n><f><sg>/net<n><sg>/network<n><sg>$\\^",
         "[^x\\/]^red<n><f><sg>/network<n><sg>/net<n><sg>$\\^");
  expect(en, "^entre<pr>/among<pr>/betw\\/een<pr>$ ^entre<pr>/among<pr>/between<pr>",
         "^entre<pr>/among<pr>/betw\\/een<pr>$ ^entre<pr>/between<pr>/among<pr>");
  expect(0, "^party<n>/fiesta<n>/partido<n>$", "^party<n>/fiesta<n>/partido<n>$");
  /* "su" after a verb in the third person plural, until the sentence ends */
  expect(en, "^vender<vblex><ifi><p3><pl>/sell<vblex><ifi><p3><pl>$ ^suyo<det><pos><mf><sg>/his<det><pos><mf><sg>$",
         "^vender<vblex><ifi><p3><pl>/sell<vblex><ifi><p3><pl>$ ^suyo<det><pos><mf><sg>/their<det><pos><mf><sg>$");
  expect(en, "^vender<vblex><ifi><p3><sg>/sell<vblex><ifi><p3><sg>$ ^suyo<det><pos><mf><sg>/his<det><pos><mf><sg>$",
         "^vender<vblex><ifi><p3><sg>/sell<vblex><ifi><p3><sg>$ ^suyo<det><pos><mf><sg>/his<det><pos><mf><sg>$");
  expect(en, "^ir<vblex><pri><p3><pl>/go<vblex>$^.<sent>/.<sent>$ ^suyo<det><pos>/his<det><pos>$",
         "^ir<vblex><pri><p3><pl>/go<vblex>$^.<sent>/.<sent>$ ^suyo<det><pos>/his<det><pos>$");
  expect(es, "^go<vblex><pri><p3><pl>/ir<vblex>$ ^suyo<det><pos>/his<det><pos>$",
         "^go<vblex><pri><p3><pl>/ir<vblex>$ ^suyo<det><pos>/his<det><pos>$");
  expect(en, "^ir<vblex><p3><pl>/go$ ^suyo<det>/his", "^ir<vblex><p3><pl>/go$ ^suyo<det>/their");
  /* "como" before a bare noun is "as", before an article "like" */
  expect(en, "^como<pr>/like<pr>$ ^profesor<n><m><sg>/teacher<n><sg>$",
         "^como<pr>/as<pr>$ ^profesor<n><m><sg>/teacher<n><sg>$");
  expect(en, "^como<pr>/like<pr>$ ^uno<det><ind>/a<det><ind>$", "^como<pr>/like<pr>$ ^uno<det><ind>/a<det><ind>$");
  expect(en, "^como<pr>/like<pr>$ ^x<n>", "^como<pr>/as<pr>$ ^x<n>");
  expect(en, "^como<pr>/like<pr>$ ^x<n", "^como<pr>/like<pr>$ ^x<n");
  expect(en, "^como<pr>/like<pr>$ ^x<", "^como<pr>/like<pr>$ ^x<");
  expect(en, "^como<pr>/like<pr>$", "^como<pr>/like<pr>$");
  /* "for"/"over" before a stretch of time is "durante" */
  expect(es, "^for<pr>/para<pr>/durante<pr>$ ^20<num>/20<num>$ ^minute<n><pl>/minuto<n><pl>$",
         "^for<pr>/durante<pr>/durante<pr>$ ^20<num>/20<num>$ ^minute<n><pl>/minuto<n><pl>$");
  expect(es, "^over<pr>/sobre<pr>$ ^the<det>/el<det>$ ^past<adj>/pasado<adj>$ ^decade<n>/década<n>$",
         "^over<pr>/durante<pr>$ ^the<det>/el<det>$ ^past<adj>/pasado<adj>$ ^decade<n>/década<n>$");
  expect(es, "^for<pr>/para<pr>$ ^you<prn>/ti<prn>$", "^for<pr>/para<pr>$ ^you<prn>/ti<prn>$");
  expect(es, "^for<pr>/para<pr>$ ^the<det>/el<det>$ ^city<n>/ciudad<n>$",
         "^for<pr>/para<pr>$ ^the<det>/el<det>$ ^city<n>/ciudad<n>$");
  expect(es, "^for<pr>/para<pr>$ ^a<det>$ ^b<det>$ ^c<det>$ ^d<det>$ ^year<n>$",
         "^for<pr>/para<pr>$ ^a<det>$ ^b<det>$ ^c<det>$ ^d<det>$ ^year<n>$");
  expect(es, "^for<pr>/para<pr>$ ^the<det>", "^for<pr>/para<pr>$ ^the<det>");
  /* "meet" is "conocer" but before a requirement */
  expect(es, "^meet<vblex><past>/cumplir<vblex><past>/conocer<vblex><past>$ ^on<pr>/en<pr>$",
         "^meet<vblex><past>/conocer<vblex><past>/conocer<vblex><past>$ ^on<pr>/en<pr>$");
  expect(es, "^meet<vblex><past>/cumplir<vblex><past>$ ^the<det>/el<det>$ ^target<n><pl>/objetivo<n><pl>$",
         "^meet<vblex><past>/cumplir<vblex><past>$ ^the<det>/el<det>$ ^target<n><pl>/objetivo<n><pl>$");
  expect(es, "^meet<vblex><past>/cumplir<vblex><past>$", "^meet<vblex><past>/conocer<vblex><past>$");
  expect(es, "^meet<n>/x<n>$", "^meet<n>/x<n>$");
  CHECK(news_prefer_has(es) && news_prefer_has(en) && !news_prefer_has(0), "tables");
  printf("%d passed, %d failed\n", passed, failed);
  return failed != 0;
}
