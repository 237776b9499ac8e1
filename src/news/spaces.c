/*
 * spaces.c - news mode: a space between words that Apertium's transfer
 * rules glue together.
 *
 * Some rules of the Apertium pairs write two lexical units with no blank
 * between them: eng-spa's "28-year-old Vidal" rule gives
 * ^Vidal<np>$^de<pr>$^28<num>$^año<n>$ and so "Vidalde28años"; others give
 * "quecrían", "meayudan", "vuelode8,733".  Units that follow each other
 * with no blank also come from the text itself, where a word is cut at a
 * digit ("1A" -> ^1<num>$^A<...>$, "3D").  The analyser cuts a run of
 * letters only at a space or a symbol, so between two units whose lemmas
 * meet letter to letter the blank was lost, and a space goes there.  Where
 * a digit meets a lower-case word of two letters or more ("de" + "28",
 * "28" + "año") the blank was lost too; a capital or a single letter there
 * ("1A", "3D", "A1GP") is the text's own and stays joined.
 *
 * The stage runs over the stream between the last transfer stage and the
 * generator: ^lemma<tags>$ units, blanks, bracketed superblanks.
 */
#include <string.h>

#include <unicode/uchar.h>

#include "../base/base.h"
#include "news_int.h"

/* The lemma of the unit at s[b..e) (after '^', before '$'): its last
 * '+'-joined part ("dar<vblex>+lo<prn>": "lo") when last != 0, else its
 * first part, without a leading mark ('*', '@', '#', '~'). */
static void lemma(const char *s, size_t b, size_t e, int last, size_t *lb, size_t *le) {
  size_t start = b, end = e;
  int tag = 0;
  for (size_t i = b; i < e; i++) {
    if (s[i] == '\\') {
      i++;
      continue;
    }
    if (s[i] == '<') tag = 1;
    else if (s[i] == '>') tag = 0;
    else if (s[i] == '+' && !tag) {
      if (!last) {
        end = i;
        break;
      }
      start = i + 1;
    }
  }
  size_t t = start; /* the lemma ends at its first tag */
  while (t < end && s[t] != '<') t += s[t] == '\\' ? 2 : 1;
  if (t > end) t = end;
  while (start < t && (s[start] == '*' || s[start] == '@' || s[start] == '#' || s[start] == '~')) start++;
  *lb = start;
  *le = t;
}

/* The last code point of s[b..e), or -1. */
static int32_t last_cp(const char *s, size_t b, size_t e) {
  if (e <= b) return -1;
  size_t i = e - 1;
  while (i > b && ((unsigned char)s[i] & 0xC0) == 0x80) i--;
  int k;
  return utf8_at(s, e, i, &k);
}

static size_t letters(const char *s, size_t b, size_t e) {
  size_t n = 0;
  for (size_t i = b; i < e;) {
    int k;
    int32_t c = utf8_at(s, e, i, &k);
    n += c > 0 && u_isalpha(c);
    i += (size_t)k;
  }
  return n;
}

/* Did a rule lose the blank between the units s[ab..ae) and s[bb..be)? */
static int lost_blank(const char *s, size_t ab, size_t ae, size_t bb, size_t be) {
  size_t alb, ale, blb, ble;
  lemma(s, ab, ae, 1, &alb, &ale);
  lemma(s, bb, be, 0, &blb, &ble);
  if (ale <= alb || ble <= blb) return 0;
  int k;
  int32_t a = last_cp(s, alb, ale), b = utf8_at(s, ble, blb, &k);
  if (a < 0 || b < 0) return 0;
  if (u_isalpha(a) && u_isalpha(b)) return 1;
  if (u_islower(a) && u_isdigit(b)) return letters(s, alb, ale) >= 2;
  if (u_isdigit(a) && u_islower(b)) return letters(s, blb, ble) >= 2;
  return 0;
}

/* Spanish passives: the unit s[b..e) is "estar" in the preterite
 * (^estar<vblex><ifi><p3><sg>$) and the unit after one space a participle
 * (^arrestar<vblex><pp><m><sg>$)?  English "was arrested" comes out of
 * eng-spa's rules as "estuvo arrestado"; Spanish says "fue arrestado". */
static int estar_passive(const char *s, size_t b, size_t e, size_t n) {
  static const char head[] = "star<vblex><ifi>";
  size_t hl = sizeof head - 1;
  if (e - b < hl + 1 || (s[b] != 'e' && s[b] != 'E') || memcmp(s + b + 1, head, hl)) return 0;
  for (size_t i = b + 1 + hl; i < e; i++)
    if (s[i] == '$' || s[i] == '^' || s[i] == '+' || s[i] == '\\') return 0;
  size_t j = e + 1; /* after '$': " ^lemma<vblex><pp>" */
  if (j + 2 >= n || s[j] != ' ' || s[j + 1] != '^') return 0;
  for (j += 2; j < n && s[j] != '<' && s[j] != '$' && s[j] != '^'; j += s[j] == '\\' ? 2 : 1) {}
  static const char pp[] = "<vblex><pp>";
  return j + sizeof pp - 1 <= n && !memcmp(s + j, pp, sizeof pp - 1);
}

int news_spaces(pl_in *in, pl_out *out, int spa, pl_err *e) {
  bbuf all = {0};
  const char *s;
  size_t n, prev_b = 0, prev_e = 0;
  if (pl_in_rest(in, &all, &s, &n)) {
    bbuf_free(&all);
    return pl_err_set(e, PL_ENOMEM, -1, "news: out of memory");
  }
  int have_prev = 0; /* the unit that ended right before i */
  for (size_t i = 0; i < n;) {
    if (s[i] == '^') {
      size_t j = news_unit_end(s, n, i);
      if (have_prev && lost_blank(s, prev_b, prev_e, i + 1, j)) out_byte(out, ' ');
      if (spa && j < n && estar_passive(s, i + 1, j, n)) { /* ^estar<vblex><ifi>... -> ^ser<vbser><ifi>... */
        out_str(out, s[i + 1] == 'E' ? "^Ser<vbser>" : "^ser<vbser>");
        out_bytes(out, s + i + 1 + sizeof "estar<vblex>" - 1, j + 1 - (i + 1 + sizeof "estar<vblex>" - 1));
      } else {
        out_bytes(out, s + i, (j < n ? j + 1 : n) - i);
      }
      prev_b = i + 1;
      prev_e = j;
      have_prev = j < n;
      i = j < n ? j + 1 : n;
      continue;
    }
    have_prev = 0;
    size_t j = s[i] == '[' || s[i] == '\\' ? news_skip_markup(s, n, i) : i + 1; /* a superblank as it stands */
    out_bytes(out, s + i, j - i);
    i = j;
    pl_out_maybe_spill(out);
  }
  bbuf_free(&all);
  return out->b.failed ? pl_err_set(e, PL_ENOMEM, -1, "news: out of memory") : PL_OK;
}
