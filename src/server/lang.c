/*
 * lang.c - language codes: LibreTranslate speaks ISO 639-1 ("en"), Apertium
 * names its modes with ISO 639-3 ("eng-spa") or, in older pairs, 639-1
 * ("es-pt").  Everything is compared in one canonical form (639-3, then
 * "_Variant"), so "en", "eng" and "EN" find the same pair.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "server.h"

static const struct {
  const char *two, *three, *name;
} langs[] = {
    {"af", "afr", "Afrikaans"},  {"an", "arg", "Aragonese"}, {"ar", "ara", "Arabic"},
    {"be", "bel", "Belarusian"}, {"bg", "bul", "Bulgarian"}, {"br", "bre", "Breton"},
    {"ca", "cat", "Catalan"},    {"cs", "ces", "Czech"},     {"cy", "cym", "Welsh"},
    {"da", "dan", "Danish"},     {"de", "deu", "German"},    {"el", "ell", "Greek"},
    {"en", "eng", "English"},    {"eo", "epo", "Esperanto"}, {"es", "spa", "Spanish"},
    {"et", "est", "Estonian"},   {"eu", "eus", "Basque"},    {"fa", "fas", "Persian"},
    {"fi", "fin", "Finnish"},    {"fr", "fra", "French"},    {"ga", "gle", "Irish"},
    {"gd", "gla", "Scottish Gaelic"}, {"gl", "glg", "Galician"}, {"he", "heb", "Hebrew"},
    {"hi", "hin", "Hindi"},      {"hr", "hrv", "Croatian"},  {"hu", "hun", "Hungarian"},
    {"id", "ind", "Indonesian"}, {"is", "isl", "Icelandic"}, {"it", "ita", "Italian"},
    {"ja", "jpn", "Japanese"},   {"kk", "kaz", "Kazakh"},    {"ko", "kor", "Korean"},
    {"lt", "lit", "Lithuanian"}, {"lv", "lav", "Latvian"},   {"mk", "mkd", "Macedonian"},
    {"mt", "mlt", "Maltese"},    {"nb", "nob", "Norwegian Bokmål"}, {"nl", "nld", "Dutch"},
    {"nn", "nno", "Norwegian Nynorsk"}, {"oc", "oci", "Occitan"}, {"pl", "pol", "Polish"},
    {"pt", "por", "Portuguese"}, {"ro", "ron", "Romanian"},  {"ru", "rus", "Russian"},
    {"sc", "srd", "Sardinian"},  {"sk", "slk", "Slovak"},    {"sl", "slv", "Slovenian"},
    {"sq", "sqi", "Albanian"},   {"sr", "srp", "Serbian"},   {"sv", "swe", "Swedish"},
    {"tr", "tur", "Turkish"},    {"uk", "ukr", "Ukrainian"}, {"ur", "urd", "Urdu"},
    {"zh", "zho", "Chinese"},    {NULL, "ast", "Asturian"},  {NULL, "hbs", "Serbo-Croatian"},
    {NULL, "szl", "Silesian"},   {NULL, "crh", "Crimean Tatar"}, {NULL, "kaa", "Karakalpak"},
};
#define NLANGS (sizeof langs / sizeof langs[0])

/* Older ISO 639-2/B codes Apertium pairs still use. */
static const struct {
  const char *alias, *three;
} aliases[] = {{"fre", "fra"}, {"ger", "deu"}, {"baq", "eus"}, {"rum", "ron"}, {"dut", "nld"}, {"per", "fas"}};

int lang_norm(const char *code, size_t n, char *out, size_t cap) {
  size_t base = 0;
  while (base < n && code[base] != '_' && code[base] != '-') base++;
  if (!base || base > 8 || n >= cap) return -1;
  char b[9];
  for (size_t i = 0; i < base; i++) b[i] = (char)tolower((unsigned char)code[i]);
  b[base] = 0;
  const char *canon = b;
  for (size_t i = 0; i < NLANGS; i++)
    if ((langs[i].two && !strcmp(b, langs[i].two)) || !strcmp(b, langs[i].three)) canon = langs[i].three;
  for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
    if (!strcmp(b, aliases[i].alias)) canon = aliases[i].three;
  size_t cl = strlen(canon);
  if (cl + (n - base) + 1 > cap) return -1;
  memcpy(out, canon, cl);
  if (base < n) {
    out[cl] = '_';
    memcpy(out + cl + 1, code + base + 1, n - base - 1);
    cl += n - base;
  }
  out[cl] = 0;
  return 0;
}

void lang_lt_code(const char *norm, char *out, size_t cap) {
  const char *us = strchr(norm, '_');
  size_t base = us ? (size_t)(us - norm) : strlen(norm);
  const char *two = NULL;
  for (size_t i = 0; i < NLANGS; i++)
    if (langs[i].two && strlen(langs[i].three) == base && !strncmp(norm, langs[i].three, base)) two = langs[i].two;
  if (two) {
    snprintf(out, cap, "%s%s%s", two, us ? "-" : "", us ? us + 1 : "");
  } else {
    snprintf(out, cap, "%.*s%s%s", (int)base, norm, us ? "-" : "", us ? us + 1 : "");
  }
}

const char *lang_name(const char *norm) {
  const char *us = strchr(norm, '_');
  size_t base = us ? (size_t)(us - norm) : strlen(norm);
  for (size_t i = 0; i < NLANGS; i++)
    if (strlen(langs[i].three) == base && !strncmp(norm, langs[i].three, base)) return langs[i].name;
  return NULL;
}
