/*
 * names.c - news mode's name keeping (news.h).
 *
 * Apertium analyses "Trump" in "President Donald Trump" as the noun
 * "trump" and translates it ("Triunfo"); "Frank Field" becomes "Frank
 * Campo".  Inside a sentence, English, Spanish and the other Latin-script
 * languages capitalise a common word only when it is (part of) a name, so a
 * capitalised word in the middle of a sentence that the tagger took for a
 * common word is made a proper noun before the bilingual dictionary sees
 * it.  Rules, in order:
 *   - words the analyser already knows as names (<np>) are left alone, so
 *     names with a translation ("Japan" -> "Japón") keep it;
 *   - a short line in title case (a headline: all, or all but one in
 *     eight, of its common words capitalised) is left alone, since capitals
 *     say nothing there;
 *   - the first word of a sentence (after <sent>, at the start of a line,
 *     after an opening quote or bracket there) is kept only when the next
 *     word is a name ("Will Smith said");
 *   - closed-class words ("I", determiners, prepositions, pronouns,
 *     conjunctions), one-letter words and multiwords are left alone.
 *   - titles (President, Senator, Dr...) are translated, not kept.
 * The stage reads the tagger's output with surface forms (apertium-tagger
 * -p: ^surface/lemma<tags>$) and writes what the tagger writes without -p
 * (^lemma<tags>$), except that a kept name becomes ^Surface<np><ant><sg>$
 * (<pl> if the tagger said plural): the word as written, as a person's
 * name, which transfer rules handle like the names they know and the
 * bilingual dictionary does not translate.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>

#include "../base/base.h"
#include "news_int.h"

typedef struct tokn {
  size_t b, e;     /* the unit's analysis (after the surface form and '/'), or the blank */
  size_t sb;       /* unit: start of its surface form (b if it has none) */
  int lu;          /* 1: a unit */
  size_t lem_e;    /* end of the lemma (first unescaped '<') */
  int newline;     /* blank: contains a line break */
  int kind;        /* unit: 0 other word, 1 name (<np>), 2 punctuation/closed, 3 sentence end, 4 opener */
  int cap;         /* unit: lemma starts with an upper-case letter */
  int protect;
  int initial;     /* unit: at a sentence start or in a headline */
} tokn;

static int32_t first_cp(const char *s, size_t n) {
  if (!n) return -1;
  int k = utf8_lead_len((unsigned char)s[0]);
  if ((size_t)k > n) return -1;
  return utf8_decode((const unsigned char *)s, k);
}

static size_t n_cps(const char *s, size_t n) {
  size_t c = 0;
  for (size_t i = 0; i < n; i++)
    if (((unsigned char)s[i] & 0xC0) != 0x80) c++;
  return c;
}

static int tag_is(const char *t, size_t n, const char *name) {
  size_t k = strlen(name);
  return n >= k + 2 && t[0] == '<' && !memcmp(t + 1, name, k) && t[k + 1] == '>';
}

/* Titles and forms of address: they come before names but are translated
 * ("President Obama" -> "presidente Obama"). */
static const char *const titles[] = {
    "President", "Vice", "Senator", "Sen", "Prince", "Princess", "King", "Queen", "Emperor", "Minister", "Prime",
    "Chancellor", "Governor", "Gov", "Mayor", "General", "Gen", "Dr", "Mr", "Mrs", "Ms", "Miss", "Sir", "Dame",
    "Lord", "Lady", "Judge", "Justice", "Pope", "Bishop", "Archbishop", "Cardinal", "Father", "Rev", "Reverend",
    "Captain", "Capt", "Colonel", "Col", "Major", "Sergeant", "Sgt", "Lieutenant", "Lt", "Admiral", "Officer",
    "Detective", "Inspector", "Professor", "Prof", "Coach", "Chairman", "Chairwoman", "Chief", "Secretary",
    "Ambassador", "Representative", "Rep", "Congressman", "Congresswoman", "Speaker", "Commissioner", "Director",
    "Deputy", "Councillor", "Councilor", "Sheriff", "Duke", "Duchess", "Count", "Countess", "Baron", "Earl",
    "Presidente", "Presidenta", "Rey", "Reina", "Príncipe", "Princesa", "Ministro", "Ministra", "Alcalde",
    "Alcaldesa", "Señor", "Señora", "Sr", "Sra", "Don", "Doña", "Papa", "Obispo", "Juez", "Jueza", "Senador",
    "Senadora", "Diputado", "Diputada", "Gobernador", "Gobernadora", "Doctor", "Doctora", NULL};

static int is_title(const char *s, size_t n) {
  while (n && s[n - 1] == '.') n--;
  for (int i = 0; titles[i]; i++)
    if (strlen(titles[i]) == n && !memcmp(titles[i], s, n)) return 1;
  return 0;
}

/* Classifies a unit by its first tag. */
static int unit_kind(const char *p, size_t b, size_t e, size_t lem_e) {
  const char *t = p + lem_e;
  size_t n = e - lem_e;
  if (tag_is(t, n, "np")) return 1;
  if (tag_is(t, n, "sent")) return 3;
  static const char *const openers[] = {"lquot", "lpar", "guio", NULL};
  for (int i = 0; openers[i]; i++)
    if (tag_is(t, n, openers[i])) return 4;
  static const char *const closed[] = {"prn", "det", "predet", "pr", "cnjcoo", "cnjsub", "cnjadv", "num", "ij",
                                       "cm", "rpar", "rquot", "apos", "sep", "lpar", "guio", "percent", NULL};
  for (int i = 0; closed[i]; i++)
    if (tag_is(t, n, closed[i])) return 2;
  if (lem_e == b || n == 0) return 2; /* no lemma, or no tags (unknown words keep their '*') */
  return 0;
}

static size_t surf_end(const tokn *u) { return u->b > u->sb ? u->b - 1 : u->lem_e; }

/* Does glossary word w match the surface form s[0..n)? */
static int word_eq(const char *w, const char *s, size_t n, int exact) {
  size_t k = strlen(w);
  if (k != n) return 0;
  if (exact) return !memcmp(w, s, n);
  for (size_t i = 0; i < n; i++) {
    unsigned char a = (unsigned char)w[i], b = (unsigned char)s[i];
    if (b >= 'A' && b <= 'Z') b = (unsigned char)(b + 32);
    if (a != b) return 0;
  }
  return 1;
}

/* The glossary entry that matches at unit k (longest first), with the
 * index of its last token in *last; NULL if none. */
static const gl_entry *gl_match(const news_glossary *g, const char *p, const tokn *t, size_t nt, size_t k,
                                size_t *last) {
  for (size_t i = 0; g && i < g->n; i++) {
    const gl_entry *en = &g->e[i];
    size_t j = k, w = 0;
    for (; w < en->n_words; w++) {
      if (w) { /* a single space, then the next unit */
        const tokn *b = &t[j + 1];
        if (j + 2 >= nt || b->lu || b->e - b->b != 1 || p[b->b] != ' ' || !t[j + 2].lu) break;
        j += 2;
      }
      const tokn *u = &t[j];
      if (!word_eq(en->words[w], p + u->sb, surf_end(u) - u->sb, en->exact)) break;
    }
    if (w == en->n_words) {
      *last = j;
      return en;
    }
  }
  return NULL;
}

/* The unit next to t[k] in direction d (+1 or -1) across a blank of at
 * most one space, or NULL. */
static const tokn *neighbour(const char *p, const tokn *t, size_t nt, size_t k, int d) {
  size_t j = k;
  if (d < 0 ? j == 0 : j + 1 >= nt) return NULL;
  j = d < 0 ? j - 1 : j + 1;
  if (!t[j].lu) {
    if (t[j].e - t[j].b > 1 || (t[j].e > t[j].b && p[t[j].b] != ' ')) return NULL;
    if (d < 0 ? j == 0 : j + 1 >= nt) return NULL;
    j = d < 0 ? j - 1 : j + 1;
  }
  return t[j].lu ? &t[j] : NULL;
}

/* Months and days: capitalised in English, translated. */
static int is_calendar(const char *s, size_t n) {
  static const char *const w[] = {"January", "February", "March", "April", "May", "June", "July", "August",
                                  "September", "October", "November", "December", "Monday", "Tuesday",
                                  "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "Jan", "Feb", "Mar",
                                  "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", NULL};
  while (n && s[n - 1] == '.') n--;
  for (int i = 0; w[i]; i++)
    if (strlen(w[i]) == n && !memcmp(w[i], s, n)) return 1;
  return 0;
}

/* An acronym ("AIDS", "US"): the dictionaries translate those. */
static int all_caps(const char *s, size_t n) {
  size_t letters = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 'a' && c <= 'z') return 0;
    letters += c >= 'A' && c <= 'Z';
  }
  return letters >= 2;
}

static int is_person(const char *p, const tokn *u) {
  if (!u || !u->lu || u->kind != 1) return 0;
  const char *tg = p + u->lem_e;
  size_t n = u->e - u->lem_e;
  for (size_t i = 0; i + 5 <= n; i++)
    if (!memcmp(tg + i, "<ant>", 5) || !memcmp(tg + i, "<cog>", 5)) return 1;
  return 0;
}

/* Capitals also mark institutions ("the State", "the Supreme Court") and
 * adjectives of names ("Republican strategy"), which translate.  So a run
 * of capitalised common words is kept only next to a person's name
 * ("Donald Trump", "Frank Field"); a single such word also when it is
 * neither an adjective nor after a determiner ("Trump said", "Apple and"). */
static void in_context(const char *p, tokn *t, size_t nt) {
  for (size_t k = 0; k < nt; k++) {
    if (!t[k].lu || !t[k].protect) continue;
    size_t members[16], m = 0;
    for (const tokn *u = &t[k]; u && u->protect && m < 16; u = neighbour(p, t, nt, (size_t)(u - t), 1))
      members[m++] = (size_t)(u - t);
    const tokn *before = neighbour(p, t, nt, members[0], -1), *after = neighbour(p, t, nt, members[m - 1], 1);
    int keep = is_person(p, before) || is_person(p, after) ||
               (before && before->lu && is_title(p + before->sb, surf_end(before) - before->sb)); /* "Mr Field" */
    if (!keep && m == 1) { /* alone: not an adjective, not after a determiner, not next to another name */
      const tokn *u = &t[k];
      int adj = tag_is(p + u->lem_e, u->e - u->lem_e, "adj");
      int det = before && before->lu && tag_is(p + before->lem_e, before->e - before->lem_e, "det");
      int near = (before && before->cap && before->kind <= 1) || (after && after->cap && after->kind <= 1);
      keep = !adj && !det && !near && !is_calendar(p + u->sb, surf_end(u) - u->sb) &&
             !all_caps(p + u->sb, surf_end(u) - u->sb);
    }
    for (size_t i = 0; i < m; i++) t[members[i]].protect = keep;
    k = members[m - 1];
  }
}

/* A word kept as a name inside a sentence is a name wherever the same text
 * uses it: at the start of a sentence and in a headline too. */
static void same_everywhere(const char *p, tokn *t, size_t nt) {
  size_t n_kept = 0;
  for (size_t k = 0; k < nt; k++) n_kept += t[k].lu && t[k].protect;
  if (!n_kept) return;
  size_t *kept = malloc(n_kept * sizeof *kept), m = 0;
  if (!kept) return;
  for (size_t k = 0; k < nt; k++)
    if (t[k].lu && t[k].protect) kept[m++] = k;
  for (size_t k = 0; k < nt; k++) {
    tokn *u = &t[k];
    if (!u->lu || u->protect || u->kind != 0 || !u->cap || !u->initial) continue;
    size_t ul = surf_end(u) - u->sb;
    for (size_t i = 0; i < m; i++) {
      const tokn *v = &t[kept[i]];
      if (surf_end(v) - v->sb == ul && !memcmp(p + v->sb, p + u->sb, ul)) {
        u->protect = 1;
        break;
      }
    }
  }
  free(kept);
}

/* A kept candidate that check_lower asks the analyser about: a non-empty
 * word of ASCII letters, hyphens and apostrophes. */
static int checkable(const char *p, const tokn *u) {
  if (!u->lu || !u->protect) return 0;
  size_t se = surf_end(u);
  for (size_t i = u->sb; i < se; i++) {
    unsigned char c = (unsigned char)p[i];
    if (c >= 0x80 || !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '\'')) return 0;
  }
  return se > u->sb;
}

/* Unprotects the candidates whose lower-case form the analyser does not
 * know (ASCII words only; the others stay kept). */
static int check_lower(news_run *run, const char *p, tokn *t, size_t nt, pl_err *e) {
  bbuf q = {0}, res = {0};
  size_t nq = 0;
  for (size_t k = 0; k < nt; k++) {
    tokn *u = &t[k];
    if (!checkable(p, u)) continue;
    size_t se = surf_end(u);
    for (size_t i = u->sb; i < se; i++) {
      unsigned char c = (unsigned char)p[i];
      bbuf_putc(&q, c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    bbuf_puts(&q, " 7 ");
    nq++;
  }
  if (!nq) return PL_OK;
  bbuf_puts(&q, ".\n");
  int rc = q.failed || run->analyse(run->analyse_ctx, q.p, q.len, &res) ? PL_ENOMEM : PL_OK;
  /* the units of the output, in order: word, "7", word, "7", ... */
  size_t k = 0, i = 0;
  while (!rc && k < nt) {
    tokn *u = &t[k];
    if (!checkable(p, u)) {
      k++;
      continue;
    }
    size_t se = surf_end(u);
    while (i < res.len && res.p[i] != '^') i++; /* the next unit: ^surface/analyses$ */
    if (i >= res.len) break;
    size_t b = ++i;
    while (i < res.len && res.p[i] != '/' && res.p[i] != '$') i++;
    size_t sl = i - b;
    int same = sl == se - u->sb;
    for (size_t x = 0; same && x < sl; x++) {
      unsigned char c = (unsigned char)p[u->sb + x];
      same = (c >= 'A' && c <= 'Z' ? c + 32 : c) == (unsigned char)res.p[b + x];
    }
    int unknown = i + 1 < res.len && res.p[i] == '/' && res.p[i + 1] == '*';
    if (!same) break; /* the analyser joined words: leave the rest as they are */
    if (unknown) u->protect = 0;
    while (i < res.len && res.p[i] != '$') i++;
    while (i < res.len && res.p[i] != '^') i++; /* skip the "7" */
    if (i < res.len) {
      i++;
      while (i < res.len && res.p[i] != '$') i++;
    }
    k++;
  }
  bbuf_free(&q);
  bbuf_free(&res);
  return rc ? pl_err_set(e, PL_ENOMEM, -1, "news: out of memory") : PL_OK;
}

int news_names(pl_in *in, pl_out *out, news_run *run, pl_err *e) {
  bbuf all = {0};
  for (int c; (c = pl_in_getb(in)) >= 0;) bbuf_putc(&all, c);
  tokn *t = NULL;
  size_t nt = 0, cap = 0;
  const char *p = all.p;
  size_t n = all.len, i = 0;
  int rc = all.failed ? pl_err_set(e, PL_ENOMEM, -1, "news: out of memory") : PL_OK;
  while (!rc && i < n) {
    if (nt == cap) {
      cap = cap ? cap * 2 : 1024;
      tokn *q = pl_realloc_array(t, cap, sizeof *q);
      if (!q) {
        rc = pl_err_set(e, PL_ENOMEM, -1, "news: out of memory");
        break;
      }
      t = q;
    }
    tokn *k = &t[nt++];
    memset(k, 0, sizeof *k);
    k->b = i;
    if (p[i] == '^') { /* a unit ^surface/analysis$, up to its unescaped '$' */
      size_t j = i + 1;
      k->sb = k->b = j;
      k->lem_e = (size_t)-1;
      int slash = 0;
      while (j < n && p[j] != '$') {
        if (p[j] == '\\') j++;
        else if (p[j] == '/' && !slash) {
          slash = 1;
          k->b = j + 1;
        } else if (p[j] == '<' && k->lem_e == (size_t)-1 && slash) k->lem_e = j;
        j++;
      }
      if (!slash) { /* no surface form: find the lemma's end again */
        k->lem_e = (size_t)-1;
        for (size_t q = k->b; q < j && q < n; q++) {
          if (p[q] == '\\') q++;
          else if (p[q] == '<') {
            k->lem_e = q;
            break;
          }
        }
      }
      if (j > n) j = n;
      k->e = j;
      if (k->lem_e == (size_t)-1) k->lem_e = j;
      k->lu = 1;
      k->kind = unit_kind(p, k->b, k->e, k->lem_e);
      int32_t c = first_cp(p + k->sb, surf_end(k) - k->sb);
      k->cap = c > 0 && u_isupper(c);
      i = j < n ? j + 1 : n;
    } else { /* a blank, up to the next unescaped '^' outside brackets */
      size_t j = i;
      int br = 0;
      while (j < n && (br || p[j] != '^')) {
        if (p[j] == '\\') j++;
        else if (p[j] == '[') br = 1;
        else if (p[j] == ']') br = 0;
        else if (p[j] == '\n') k->newline = 1;
        j++;
      }
      if (j > n) j = n;
      k->e = j;
      i = j;
    }
  }
  /* per line: title case? then the candidates */
  for (size_t a = 0; !rc && a < nt;) {
    size_t z = a;
    while (z < nt && !(!t[z].lu && t[z].newline)) z++;
    /* title case: (almost) every common word capitalised, in a short line */
    size_t words = 0, lower = 0;
    for (size_t k = a; k < z; k++)
      if (t[k].lu && t[k].kind == 0) {
        words++;
        lower += !t[k].cap;
      }
    int title = words >= 3 && words <= 30 && lower * 8 <= words;
    int start = 1;
    for (size_t k = a; k < z && title; k++) t[k].initial = 1;
    for (size_t k = a; k < z && !title; k++) {
      tokn *u = &t[k];
      if (!u->lu) continue;
      u->initial = start;
      if (u->kind == 3) {
        start = 1;
        continue;
      }
      if (u->kind == 4) continue; /* an opening quote or bracket keeps the sentence start */
      size_t se = surf_end(u);
      if (u->kind == 0 && u->cap && n_cps(p + u->b, u->lem_e - u->b) >= 2 && !is_title(p + u->sb, se - u->sb) &&
          !memchr(p + u->b, '#', u->lem_e - u->b) && !memchr(p + u->b, '+', u->lem_e - u->b)) {
        int ok = !start;
        if (start) { /* a sentence start: only in front of a name */
          size_t m = k + 1;
          while (m < z && !t[m].lu) m++;
          ok = m < z && t[m].kind == 1 && t[m].cap;
        }
        u->protect = ok;
      }
      start = 0;
    }
    a = z < nt ? z + 1 : nt;
  }
  if (!rc && run && run->analyse) rc = check_lower(run, p, t, nt, e);
  if (!rc) in_context(p, t, nt);
  if (!rc) same_everywhere(p, t, nt);
  for (size_t k = 0; !rc && run && k < nt; k++) { /* unknown words: ^surface/\*surface$ */
    const tokn *u = &t[k];
    if (u->lu && u->b > u->sb && u->b < u->e && p[u->b] == '*') {
      for (size_t q = u->sb; q < surf_end(u); q++) {
        if (p[q] == '\\' && q + 1 < surf_end(u)) q++;
        bbuf_putc(&run->unknown, p[q]);
      }
      bbuf_putc(&run->unknown, 0);
    }
  }
  for (size_t k = 0; !rc && k < nt; k++) {
    tokn *u = &t[k];
    if (!u->lu) {
      out_bytes(out, p + u->b, u->e - u->b);
      continue;
    }
    size_t last;
    const gl_entry *en = run && run->g ? gl_match(run->g, p, t, nt, k, &last) : NULL;
    if (en) { /* a glossary term: one placeholder unit for all its words */
      bbuf r = {0};
      if (en->target) {
        bbuf_puts(&r, en->target);
        unsigned char c0 = (unsigned char)p[u->sb];
        if (!en->exact && c0 >= 'A' && c0 <= 'Z' && r.len && r.p[0] >= 'a' && r.p[0] <= 'z') r.p[0] -= 32;
      } else { /* do not translate: the words as written */
        for (size_t j = k; j <= last; j += 2) {
          if (j > k) bbuf_putc(&r, ' ');
          for (size_t q = t[j].sb; q < surf_end(&t[j]); q++) {
            if (p[q] == '\\' && q + 1 < surf_end(&t[j])) q++;
            bbuf_putc(&r, p[q]);
          }
        }
      }
      int bad = r.failed || news_place(run, r.p ? r.p : "", r.len);
      bbuf_free(&r);
      if (bad) {
        rc = pl_err_set(e, PL_ENOMEM, -1, "news: out of memory");
        break;
      }
      char ph[48];
      snprintf(ph, sizeof ph, "^Pgl%zux<np><ant><sg>$", run->n - 1);
      out_str(out, ph);
      k = last;
      continue;
    }
    out_byte(out, '^');
    if (u->protect) { /* the word as written, as a name */
      const char *tags = p + u->lem_e;
      size_t tn = u->e - u->lem_e;
      int pl = 0;
      for (size_t j = 0; j + 4 <= tn; j++)
        if (!memcmp(tags + j, "<pl>", 4)) pl = 1;
      size_t se = surf_end(u);
      out_bytes(out, p + u->sb, se - u->sb);
      if (run) { /* remembered, e.g. for the headline of the same article */
        bbuf_append(&run->names, p + u->sb, se - u->sb);
        bbuf_putc(&run->names, 0);
      }
      out_str(out, pl ? "<np><ant><pl>" : "<np><ant><sg>");
    } else {
      out_bytes(out, p + u->b, u->e - u->b);
    }
    if (u->e < n) out_byte(out, '$');
    pl_out_maybe_spill(out);
  }
  free(t);
  bbuf_free(&all);
  if (!rc && out->b.failed) rc = pl_err_set(e, PL_ENOMEM, -1, "news: out of memory");
  return rc;
}
