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
 *     eight, of its common words capitalised) keeps only a word after a
 *     first name ("Frank Field Quits ..."), since capitals say little there;
 *   - the first word of a sentence (after <sent>, at the start of a line,
 *     after an opening quote, bracket or '¿' there) is kept only when the
 *     next word is a name ("Will Smith said", "Penny Mordaunt carried")
 *     or when two capitalised nouns come before a verb ("Tiger Woods won");
 *   - a capitalised article inside a sentence starts a name with the
 *     capitalised words after it ("The Guardian", "La Leona");
 *   - closed-class words ("I", determiners, prepositions, pronouns,
 *     conjunctions), one-letter words and multiwords are left alone;
 *   - titles (President, Senator, Dr...) are translated, not kept;
 *   - in_context() then keeps person-like runs, runs of two capitalised
 *     common words or more ("Shark Tank", "Black Beauty") and a
 *     common word next to a name ("Deutsche Bank"), but drops runs headed
 *     by the noun of an institution, place or event ("the Supreme Court",
 *     "the Ross Sea", "Lake Onega", "Teatro Real": generic_head), runs
 *     joined by "of" ("Museum of Israel") and words the same text also
 *     writes in lower case ("Earth" next to "earth");
 *   - a capitalised determiner inside a sentence starts a name like an
 *     article does ("Little Mix", "Más Madrid");
 *   - first_names(): a word the analyser also knows as a first name
 *     (<np><ant>), before a capitalised word, is a person's first name
 *     ("Marco Rubio", "Jordan Henderson"), even at a sentence start; not
 *     an adjective ("Roman Catholic") or an institution's head ("Mar");
 *   - listed_starts(): at a sentence start, two capitalised adjectives
 *     and a verb ("Virgin Atlantic will"), and "The X" listed with a
 *     name that has its article ("The Times and The Sun"), are names;
 *   - amp_names(): capitalised words around " & " are one name ("Legal &
 *     General", "Marks & Spencer");
 *   - brands(): "'s" read as "is" after a name in a list or after a
 *     preposition is the name's ("at McDonald's, Wendy's and ...");
 *   - same_everywhere() carries a name to the sentence starts and headlines
 *     of the same text;
 *   - capitalised words no dictionary knows, camel-case words ("LinkedIn")
 *     and names the dictionaries know only in the singular ("Barclays")
 *     are written out as they stand too;
 *   - name_span() makes one unit of the names written out as they stand
 *     and the persons' names next to them ("Vince Cable", "Luis de
 *     Guindos").
 * The stage reads the tagger's output with surface forms (apertium-tagger
 * -p: ^surface/lemma<tags>$) and writes what the tagger writes without -p
 * (^lemma<tags>$), except that a kept name becomes ^Surface<np><cog><sg>$
 * (^Surface<np><cog><mf><sg>$ when the language's nouns have a gender): the
 * words as written, as a surname, which transfer rules handle like the
 * names they know and the bilingual dictionary does not translate.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>

#include "../base/base.h"
#include "../base/kvcache.h"
#include "news_int.h"

typedef struct tokn {
  size_t b, e;     /* the unit's analysis (after the surface form and '/'), or the blank */
  size_t sb;       /* unit: start of its surface form (b if it has none) */
  size_t lem_e;    /* end of the lemma (first unescaped '<') */
  size_t from;     /* unit: 1 + the unit whose analysis it takes (same_everywhere), or 0 */
  size_t brand;    /* unit: 1 + the unit of the "'s" that belongs to its name ("McDonald's"), or 0 */
  size_t line;     /* the number of line breaks before it */
  unsigned char lu;         /* 1: a unit */
  unsigned char newline;    /* blank: contains a line break */
  unsigned char kind;       /* unit: 0 other word, 1 name (<np>), 2 punctuation/closed, 3 sentence end, 4 opener */
  unsigned char cap;        /* unit: lemma starts with an upper-case letter */
  unsigned char protect;
  unsigned char forced;     /* unit: kept whatever in_context says (an article's name, a headline's surname) */
  unsigned char initial;    /* unit: at a sentence start or in a headline */
  unsigned char past;       /* unit: a participle after a name, written as the past tense (check_past) */
  unsigned char first_name; /* unit: the analyser also knows it as a first name, and a name follows (first_names) */
  unsigned char place;      /* unit: part of the name of a city's place ("Puerta del Sol"; landmarks) */
  unsigned char joined;     /* unit: kept only as a part of the name after it ("Turkish" in "Turkish Airlines") */
  size_t swap;              /* unit: 1 + the noun that goes before the name it starts ("the Messenger probe") */
  unsigned char capital_only; /* unit: the analyser does not know it in lower case ("Romanian"; check_lower) */
  unsigned char glue;       /* unit: the "of" inside a name ("Bank of America"; in_context) */
  size_t np_b, np_e;        /* unit: its proper-noun analysis in the stage's store, if np_e > np_b (proper_readings) */
  unsigned char prep;       /* unit: "as" that the tagger took for "so" before a noun phrase (as_preposition) */
} tokn;

static int32_t first_cp(const char *s, size_t n) {
  int k;
  return n ? utf8_at(s, n, 0, &k) : -1;
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
    "Lord", "Lady", "Marshal", "Ayatollah", "Sheikh", "Judge", "Justice", "Pope", "Bishop", "Archbishop",
    "Cardinal", "Father", "Rev", "Reverend",
    "Captain", "Capt", "Colonel", "Col", "Major", "Sergeant", "Sgt", "Lieutenant", "Lt", "Admiral", "Officer",
    "Detective", "Inspector", "Professor", "Prof", "Coach", "Chairman", "Chairwoman", "Chief", "Secretary",
    "Ambassador", "Representative", "Rep", "Congressman", "Congresswoman", "Speaker", "Commissioner", "Director",
    "Deputy", "Councillor", "Councilor", "Sheriff", "Duke", "Duchess", "Count", "Countess", "Baron", "Earl",
    "Presidente", "Presidenta", "Rey", "Reina", "Príncipe", "Princesa", "Ministro", "Ministra", "Alcalde",
    "Alcaldesa", "Señor", "Señora", "Sr", "Sra", "Dra", "Don", "Doña", "Papa", "Obispo", "Juez", "Jueza", "Senador",
    "Senadora", "Diputado", "Diputada", "Gobernador", "Gobernadora", "Doctor", "Doctora", NULL};

/* Is s[0..n) one of the words of l (exactly, no trimming)? */
static int name_in(const char *s, size_t n, const char *const *l) {
  for (int i = 0; n && l[i]; i++) /* the first byte first: most words differ there */
    if (l[i][0] == s[0] && strlen(l[i]) == n && !memcmp(l[i], s, n)) return 1;
  return 0;
}

/* The same, for a word as written, less its final dots ("Dr.", "Sen."). */
static int in_list(const char *const *l, const char *s, size_t n) {
  while (n && s[n - 1] == '.') n--;
  return name_in(s, n, l);
}

static int is_title(const char *s, size_t n) { return in_list(titles, s, n); }

/* Forms of address: only a person's name follows them ("Mr Field"). */
static int is_honorific(const char *s, size_t n) {
  static const char *const w[] = {"Mr",  "Mrs",    "Ms",     "Miss", "Dr",  "Sir", "Dame", "Lord", "Lady",
                                  "Señor", "Señora", "Señorita", "Sr", "Sra", "Srta", "Dra", "Don", "Doña", NULL};
  return in_list(w, s, n);
}

/* Classifies a unit by its first tag. */
static int unit_kind(const char *p, size_t b, size_t e, size_t lem_e) {
  const char *t = p + lem_e;
  size_t n = e - lem_e, k = 1;
  if (lem_e == b || n < 3 || t[0] != '<') return 2; /* no lemma, or no tags (unknown words keep their '*') */
  while (k < n && t[k] != '>') k++;
  if (k >= n) return 2;
  const char *name = t + 1; /* the first tag's name, name[0..k - 1) */
  size_t nl = k - 1;
  static const char *const np[] = {"np", NULL}, *const sent[] = {"sent", NULL};
  static const char *const openers[] = {"lquot", "lpar", "guio", "lquest", NULL};
  static const char *const closed[] = {"prn", "det", "predet", "pr", "cnjcoo", "cnjsub", "cnjadv", "num", "ij",
                                       "cm", "rpar", "rquot", "apos", "sep", "percent", NULL};
  if (name_in(name, nl, np)) return 1;
  if (name_in(name, nl, sent)) return 3;
  if (name_in(name, nl, openers)) return 4;
  if (name_in(name, nl, closed)) return 2;
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
  return in_list(w, s, n);
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

/* Does the unit's analysis have the tag <name> anywhere ("del" is
 * de<pr>+el<det>)? */
static int has_tag(const char *p, const tokn *u, const char *name) {
  if (!u || !u->lu) return 0;
  size_t k = strlen(name);
  for (size_t i = u->lem_e; i + k + 2 <= u->e; i++)
    if (p[i] == '<' && !memcmp(p + i + 1, name, k) && p[i + k + 1] == '>') return 1;
  return 0;
}

static int first_tag(const char *p, const tokn *u, const char *name) {
  return u && u->lu && tag_is(p + u->lem_e, u->e - u->lem_e, name);
}

/* A word no dictionary knows (^surface/\*surface$). */
static int is_unknown(const char *p, const tokn *u) { return u && u->lu && u->b < u->e && p[u->b] == '*'; }

/* A name as the dictionaries or the text spell it: a capitalised <np>, or a
 * capitalised unknown word that is not an acronym. */
static int name_like(const char *p, const tokn *u) {
  if (!u || !u->lu || !u->cap) return 0;
  if (u->kind == 1) return 1;
  return is_unknown(p, u) && !all_caps(p + u->sb, surf_end(u) - u->sb) && n_cps(p + u->sb, surf_end(u) - u->sb) >= 2;
}

/* A person's name the dictionaries know: <np> with <ant> (first name) or
 * <cog> (surname). */
static int is_person(const char *p, const tokn *u) {
  return u && u->lu && u->kind == 1 && (has_tag(p, u, "ant") || has_tag(p, u, "cog"));
}

/* Does the blank before unit k end in an opening quote? */
static int after_quote(const char *p, const tokn *t, size_t k) {
  if (k == 0 || t[k - 1].lu || t[k - 1].e == t[k - 1].b) return 0;
  const char *b = p + t[k - 1].b;
  size_t n = t[k - 1].e - t[k - 1].b;
  static const char *const q[] = {"\"", "\xe2\x80\x9c", "\xe2\x80\x98", "\xc2\xab", "'", NULL};
  for (int i = 0; q[i]; i++) {
    size_t l = strlen(q[i]);
    if (n >= l && !memcmp(b + n - l, q[i], l) && (n == l || b[n - l - 1] == ' ' || b[n - l - 1] == '\n')) return 1;
  }
  return 0;
}

/* "of", "de", "del", "on", "for": the words that join the parts of an
 * institution's name ("Museum of Art", "Departamento de Policía"). */
static int is_linker(const char *p, const tokn *u) {
  static const char *const w[] = {"of", "de", "del", "on", "for", NULL};
  if (!u || !u->lu || u->cap) return 0;
  size_t n = surf_end(u) - u->sb;
  for (int i = 0; w[i]; i++)
    if (strlen(w[i]) == n && !memcmp(w[i], p + u->sb, n)) return 1;
  return 0;
}

/* Is t[k] joined by a linker (and perhaps an article after it) to a
 * capitalised word in direction d, one that is not a sentence start? */
static int linked(const char *p, const tokn *t, size_t nt, size_t k, int d) {
  const tokn *l = neighbour(p, t, nt, k, d);
  if (!is_linker(p, l)) return 0;
  const tokn *o = neighbour(p, t, nt, (size_t)(l - t), d);
  if (d > 0 && o && !o->cap && first_tag(p, o, "det")) o = neighbour(p, t, nt, (size_t)(o - t), d);
  return o && o->cap && !o->initial && (o->kind <= 1 || is_unknown(p, o));
}

/* Common nouns that English or Spanish capitalise by convention and that
 * the other language translates: the one Earth, Moon and Sun, God, and
 * religions and doctrines ("Hinduism", "Islam", "Communism",
 * "Catolicismo"). */
static int by_convention(const char *s, size_t n) {
  static const char *const w[] = {"Earth", "Moon", "Sun", "God", "Heaven", "Hell", "Islam", "Bible", "Koran",
                                  "Quran", "Tierra", "Luna", "Sol", "Dios", "Cielo", "Infierno", "Biblia", "Corán",
                                  NULL};
  if (in_list(w, s, n)) return 1;
  static const char *const suf[] = {"ism", "isms", "ismo", "ismos", NULL};
  for (int i = 0; suf[i]; i++) {
    size_t l = strlen(suf[i]);
    if (n > l + 2 && !memcmp(s + n - l, suf[i], l)) return 1;
  }
  return 0;
}

/* A capitalised common word that may be a name: two letters or more, not a
 * title, not a multiword the dictionary translates as a whole ("Prime
 * Minister", "in front of", "del"). */
static int candidate(const char *p, const tokn *u) {
  if (!u->lu || u->kind != 0 || !u->cap) return 0;
  size_t se = surf_end(u);
  return n_cps(p + u->b, u->lem_e - u->b) >= 2 && !is_title(p + u->sb, se - u->sb) &&
         !by_convention(p + u->sb, se - u->sb) &&
         !memchr(p + u->b, '#', u->lem_e - u->b) && !memchr(p + u->b, '+', u->lem_e - u->b) &&
         !memchr(p + u->sb, ' ', se - u->sb);
}

/* A multiword common noun the dictionary translates as a whole, written
 * with every word capitalised ("Human Rights"). */
static int title_multiword(const char *p, const tokn *u) {
  if (!u->lu || u->kind != 0 || !u->cap || !first_tag(p, u, "n")) return 0;
  size_t se = surf_end(u);
  const char *sp = memchr(p + u->sb, ' ', se - u->sb);
  if (!sp) return 0;
  const char *w = p + u->sb; /* each word capitalised, none a title ("Prime Minister") */
  for (; sp; w = sp + 1, sp = memchr(sp + 1, ' ', (size_t)(p + se - sp - 1))) {
    int32_t c = first_cp(sp + 1, (size_t)(p + se - sp - 1));
    if (c <= 0 || !u_isupper(c) || is_title(w, (size_t)(sp - w))) return 0;
  }
  return !is_title(w, (size_t)(p + se - w));
}

/* At a sentence start, two capitalised nouns and then a verb are a name
 * ("Tiger Woods won ..."): a second capitalised word says so, as it would
 * inside a sentence, and a verb right after ends the run. */
static int is_verb(const char *p, const tokn *u);
static int two_nouns(const char *p, const tokn *t, size_t nt, size_t k) {
  const tokn *v = neighbour(p, t, nt, k, 1), *w = v ? neighbour(p, t, nt, (size_t)(v - t), 1) : NULL;
  return first_tag(p, &t[k], "n") && v && candidate(p, v) && first_tag(p, v, "n") && w && !w->cap && is_verb(p, w);
}

/* The word s[0..n) in lower case, into w (emptied first). */
static void lower_word(const char *s, size_t n, bbuf *w) {
  w->len = 0;
  for (size_t i = 0; i < n;) {
    int k = utf8_lead_len((unsigned char)s[i]);
    if (k < 1 || (size_t)k > n - i) { /* not UTF-8: the byte as it is */
      bbuf_putc(w, s[i++]);
      continue;
    }
    int32_t c = utf8_decode((const unsigned char *)s + i, k);
    bbuf_put_utf8(w, (uint32_t)(c >= 0 ? u_tolower(c) : 0xFFFD));
    i += (size_t)k;
  }
}

/* Evidence from lower case is local: a text may hold many articles (a
 * page of news, a feed), and "street" in one says nothing of "Macbeth
 * Street" in another.  The lines of a text fall into blocks of LOWER_LINES;
 * a word counts as written in lower case near a line when it is, in the
 * line's block or one next to it. */
#ifndef LOWER_LINES
#define LOWER_LINES 16
#endif

/* The key of a lower-case word (w[0..len)) in block b: the word, 0x01, b. */
static void block_key(bbuf *w, size_t len, size_t b) {
  w->len = len;
  bbuf_putc(w, 1);
  for (int i = 0; i < 4; i++) bbuf_putc(w, (int)((b >> (8 * i)) & 0xFF));
}

static void put_lower(kvcache *lower, const char *s, size_t n, size_t line, bbuf *w) {
  w->len = 0;
  bbuf_append(w, s, n);
  block_key(w, n, line / LOWER_LINES);
  if (!w->failed) kv_put(lower, kv_hash(w->p, w->len), w->p, w->len, "", 0);
}

/* Does the text have the word s[0..n) in lower case near line `line`?
 * lower: the surfaces of its lower-case units, by block. */
static int used_lower(const kvcache *lower, const char *s, size_t n, size_t line, bbuf *w) {
  size_t vl, b = line / LOWER_LINES;
  lower_word(s, n, w);
  size_t len = w->len;
  for (size_t d = b ? b - 1 : 0; d <= b + 1; d++) {
    block_key(w, len, d);
    if (!w->failed && kv_get(lower, kv_hash(w->p, w->len), w->p, w->len, &vl)) return 1;
  }
  return 0;
}

static int is_verb(const char *p, const tokn *u) {
  static const char *const v[] = {"vblex", "vbser", "vbhaver", "vbmod", "vaux", NULL};
  for (int i = 0; u && v[i]; i++)
    if (first_tag(p, u, v[i])) return 1;
  return 0;
}

/* Is t[k] in a list of names with a person's name the dictionaries know
 * ("Brown, Rice and Field")?  Looks in direction d across commas and
 * 'and'/'or', over capitalised words. */
static int listed_with_person(const char *p, const tokn *t, size_t nt, size_t k, int d) {
  for (int i = 0; i < 8; i++) {
    const tokn *sep = neighbour(p, t, nt, k, d);
    if (!sep || !(first_tag(p, sep, "cm") || first_tag(p, sep, "cnjcoo"))) return 0;
    const tokn *o = neighbour(p, t, nt, (size_t)(sep - t), d);
    if (o && first_tag(p, sep, "cm") && first_tag(p, o, "cnjcoo")) o = neighbour(p, t, nt, (size_t)(o - t), d);
    if (!o || !o->cap) return 0;
    if (is_person(p, o)) return 1;
    if (!(o->protect || o->kind == 1 || is_unknown(p, o))) return 0;
    k = (size_t)(o - t);
  }
  return 0;
}

/* The common nouns that head the names of institutions, events, eras and
 * places of a kind ("Supreme Court", "Baltic Sea", "Lake Onega", "Museo
 * del Prado"): news in the other language translates such names, whose
 * other words the dictionaries translate too.  English puts the head last
 * ("the War Memorial Stadium" is a stadium), but for a few heads that come
 * first ("Lake Onega", "Fort Worth", "Operation Desert Storm"); Spanish
 * puts it first. */
static int english_head(const char *s, size_t n) {
  static const char *const w[] = {
      "Court", "Office", "Committee", "Commission", "Council", "Center", "Centre", "Association", "Service",
      "Services", "Sea", "Ocean", "Lake", "River", "Mountains", "Island", "Islands", "Hemisphere",
      "University", "School", "College", "Institute", "Department", "Ministry", "Agency", "Corps", "Games",
      "Olympics", "Site", "List", "Orchestra", "Consulate", "Embassy", "Hospital", "Museum", "Library",
      "Cathedral", "Church", "Palace", "Government", "Parliament", "Assembly", "Congress", "Senate", "Party",
      "Union", "Federation", "Organization", "Organisation", "Foundation", "Army", "Navy", "Republic", "Kingdom",
      "Empire", "Desert", "Valley", "Canal", "Coast", "Peninsula", "Gulf", "Strait", "Channel", "Region",
      "Province", "Dynasty", "Pole", "Year", "House", "Age", "Ages", "War", "Civilization", "Civilisation", "Revolution", "Day", "Prize", "Cup",
      "Championship", "Championships", "Heritage", "Subcommittee", "Board", "Authority", "Police", "Force",
      "Forces", "Reserve", "Station", "Airport", "Zone", "Area", "Reserve", "Conference", "Summit", "Treaty",
      "Agreement", "Accord", "Accords", "Convention", "Declaration", "Act", "Law", "Bill", "Constitution",
      "Fleet", "Navy", "Fair", "Exhibition", "Expo", "Operation", "Canyon", "Fort", "Race", "Emirates",
      NULL};
  return in_list(w, s, n);
}

static int spanish_head(const char *s, size_t n) {
  static const char *const w[] = {
      "Museo", "Teatro", "Banco", "Tribunal", "Ministerio", "Comisión", "Consejo", "Comité", "Universidad",
      "Instituto", "Partido", "Gobierno", "Congreso", "Senado", "Parlamento", "Mar", "Océano", "Río", "Lago",
      "Isla", "Islas", "Monte", "Palacio", "Catedral", "Iglesia", "Hospital", "Parque", "Estación",
      "Aeropuerto", "Fundación", "Asociación", "Federación", "Organización", "Unión", "Agencia", "Servicio",
      "Departamento", "Escuela", "Colegio", "Centro", "Oficina", "Juegos", "Copa", "Premio", "Guerra",
      "Revolución", "Dinastía", "Polo", "Año", "Casa", "Edad", "Día", "Reino", "República", "Imperio", "Ejército", "Policía", "Guardia", "Junta",
      "Audiencia", "Cortes", "Asamblea", "Ayuntamiento", "Diputación", "Consejería", "Conferencia", "Cumbre",
      "Tratado", "Acuerdo", "Ley", "Corte", "Reserva", "Patrimonio", "Marina", "Armada", "Flota", "Feria",
      "Exposición", "Operación", "Cuerpo", "Fuerte", "Cañón", "Carrera", "Emiratos", NULL};
  return in_list(w, s, n);
}

static int generic_head(const char *s, size_t n) { return english_head(s, n) || spanish_head(s, n); }

/* Does a run of capitalised words s[0..n) .. z[0..zn) name a thing of a
 * kind (see generic_head)? */
static int generic_run(const char *s, size_t n, const char *z, size_t zn) {
  static const char *const first[] = {"Lake", "River", "Fort", "Operation", "Mount", "Cape", NULL};
  return spanish_head(s, n) || in_list(first, s, n) || generic_head(z, zn);
}

/* An adjective of nationality as English writes it: capitalised, with its
 * lemma in lower case ("Turkish" -> turkish<adj>). */
static int nationality(const char *p, const tokn *u) {
  if (!u || !u->lu || !u->cap || !first_tag(p, u, "adj")) return 0;
  int32_t c = first_cp(p + u->b, u->lem_e - u->b);
  return c > 0 && u_islower(c);
}

/* An adjective that qualifies a place's name, which translates with it
 * ("Southern Africa", "Central America", "Greater London"), or a
 * nationality, which English capitalises by convention. */
static int qualifier(const char *p, const tokn *u) {
  static const char *const w[] = {"Northern", "Southern", "Eastern", "Western", "Central", "Latin", "Greater",
                                  "Upper", "Lower", "North", "South", "East", "West", "New", "Old", "Great",
                                  "Middle", "Far", "Near", "Outer", "Inner", NULL};
  return nationality(p, u) || (first_tag(p, u, "adj") && in_list(w, p + u->sb, surf_end(u) - u->sb));
}

/* Capitals also mark institutions ("the State", "the Supreme Court") and
 * adjectives of names ("Republican strategy"), which translate.  So a run
 * of capitalised common words is kept next to a person's name ("Donald
 * Trump", "Frank Field") or after a title ("Mr Field"), and a single such
 * word also when it is not an adjective in front of a noun, not after a
 * determiner, not next to another name ("Trump said", "Apple and").  But a
 * run after a lower-case determiner ("the Ross Sea", "the Brennan Centre")
 * or joined by "of"/"de" to other capitalised words ("Museum of Israel",
 * "Comité de Energía") names an institution or a place, whose common words
 * translate. */
static void in_context(const char *p, tokn *t, size_t nt, const kvcache *lower, int english) {
  bbuf w = {0};
  for (size_t k = 0; k < nt; k++) {
    if (!t[k].lu || !t[k].protect || t[k].forced) continue;
    size_t members[16], m = 0;
    for (const tokn *u = &t[k]; u && u->protect && !u->forced && m < 16; u = neighbour(p, t, nt, (size_t)(u - t), 1))
      members[m++] = (size_t)(u - t);
    const tokn *before = neighbour(p, t, nt, members[0], -1), *after = neighbour(p, t, nt, members[m - 1], 1);
    /* after a first name or surname ("Frank Field"), before a surname ("Rose Byrne"); a word
     * before a first name describes the person ("Hurricane Katrina", "Administrator Adam") */
    int person = is_person(p, before) || (is_person(p, after) && !has_tag(p, after, "ant")) ||
                 (m == 1 && first_tag(p, &t[k], "adj") && is_person(p, after)) || /* "Matt Damon" */
                 (before && is_honorific(p + before->sb, surf_end(before) - before->sb)) ||
                 listed_with_person(p, t, nt, members[0], -1) || listed_with_person(p, t, nt, members[m - 1], 1);
    int keep = person || (before && is_title(p + before->sb, surf_end(before) - before->sb));
    /* a run of capitalised common words ("Black Beauty", "Shark Tank"), or one next to a
     * name ("Deutsche Bank", "Lockwood Gardens") or before an acronym, which belongs to it
     * ("Alpha TV"), is a name of its own: 2 */
    tokn *acr =
        after && after->kind == 0 && all_caps(p + after->sb, surf_end(after) - after->sb) ? (tokn *)after : NULL;
    int nbr = (before && before->cap && !before->initial && (before->kind == 1 || is_unknown(p, before))) ||
              (after && after->cap && (after->kind == 1 || is_unknown(p, after))) || acr;
    /* a nationality in front belongs to the name ("Turkish Airlines", "Royal Dutch Shell", "the German
     * Marshall Fund"), unless an institution's head makes it translate ("the British Museum") */
    const tokn *nat = !keep && nationality(p, before) ? before : NULL;
    if (!keep && (m >= 2 || nat || (nbr && !qualifier(p, &t[k])))) keep = 2;
    if (!keep && m == 1) {
      const tokn *u = &t[k];
      int attributive = first_tag(p, u, "adj") && after &&
                        (first_tag(p, after, "n") || first_tag(p, after, "adj") || first_tag(p, after, "np"));
      int det = before && has_tag(p, before, "det");
      int near = (before && before->cap && before->kind <= 1) || (after && after->cap && after->kind <= 1);
      /* "May" is a month after a preposition ("in May"), a name next to a verb ("to succeed May") */
      int month = is_calendar(p + u->sb, surf_end(u) - u->sb) &&
                  (first_tag(p, after, "num") ||
                   !(is_verb(p, before) || (is_verb(p, after) && !(before && first_tag(p, before, "pr")))));
      keep = !attributive && !det && !near && !month && !all_caps(p + u->sb, surf_end(u) - u->sb);
    }
    if (keep) {
      const tokn *a = &t[members[0]], *b; /* the start of the whole run of capitalised words */
      while ((b = neighbour(p, t, nt, (size_t)(a - t), -1)) && b->cap && (b->kind <= 1 || is_unknown(p, b)) &&
             !is_title(p + b->sb, surf_end(b) - b->sb))
        a = b;
      if (keep == 2) { /* but an institution's, place's or event's name translates */
        const tokn *z = &t[members[m - 1]], *c;
        while ((c = neighbour(p, t, nt, (size_t)(z - t), 1)) && c->cap && (c->kind <= 1 || is_unknown(p, c))) z = c;
        if (generic_run(p + a->sb, surf_end(a) - a->sb, p + z->sb, surf_end(z) - z->sb)) keep = 0;
      }
      /* in English, a name joined by "of"/"for" to a proper noun after it is one name with it if its
       * own head is not an institution's, a place's or a title ("Bank of America", "Voices for Africa") */
      const tokn *h = &t[members[m - 1]];
      tokn *l = (tokn *)neighbour(p, t, nt, members[m - 1], 1);
      tokn *o = l ? (tokn *)neighbour(p, t, nt, (size_t)(l - t), 1) : NULL;
      int own = english && keep && !linked(p, t, nt, members[0], -1) && linked(p, t, nt, members[m - 1], 1) && o &&
                o->kind == 1 && !generic_head(p + h->sb, surf_end(h) - h->sb) &&
                !is_title(p + h->sb, surf_end(h) - h->sb);
      if ((b && !b->cap && has_tag(p, b, "det") && keep != 2) ||
          (!person && !own && (linked(p, t, nt, members[0], -1) || linked(p, t, nt, members[m - 1], 1))))
        keep = 0;
      if (own && keep) {
        l->glue = 1;
        for (; o && o->cap && (o->kind <= 1 || is_unknown(p, o)); o = (tokn *)neighbour(p, t, nt, (size_t)(o - t), 1))
          o->place = o->joined = 1;
      }
    }
    for (size_t i = 0; i < m; i++) {
      tokn *u = &t[members[i]];
      u->protect = keep && (person || keep == 2 || !used_lower(lower, p + u->sb, surf_end(u) - u->sb, u->line, &w));
    }
    if (acr && keep == 2) acr->protect = acr->forced = acr->joined = 1;
    for (tokn *v = (tokn *)nat; keep == 2 && v && v->cap && v->kind == 0 && !is_title(p + v->sb, surf_end(v) - v->sb);
         v = (tokn *)neighbour(p, t, nt, (size_t)(v - t), -1))
      v->protect = v->joined = 1; /* and the capitalised words before it ("Royal") */
    k = members[m - 1];
  }
  bbuf_free(&w);
}

/* A word kept as a name inside a sentence, or one the tagger took for a
 * name there (<np>), is a name wherever the same text uses it: at the start
 * of a sentence and in a headline too ("Amazon plans ..." when the text also
 * has "head of Amazon"; the start then gets the same analysis).  Not when
 * the text also has the word in lower case ("Boredom can ..." in a text
 * about boredom). */
static void same_everywhere(const char *p, tokn *t, size_t nt, const kvcache *lower) {
  kvcache names = {0};
  bbuf w = {0};
  for (size_t k = 0; k < nt; k++) {
    const tokn *u = &t[k];
    if (!u->lu) continue;
    size_t sn = surf_end(u) - u->sb;
    uint64_t h = kv_hash(p + u->sb, sn);
    size_t vl;
    if (u->cap && !u->initial && (u->protect || u->kind == 1) && !u->joined && !kv_get(&names, h, p + u->sb, sn, &vl))
      kv_put(&names, h, p + u->sb, sn, &k, sizeof k);
  }
  for (size_t k = 0; k < nt; k++) {
    tokn *u = &t[k];
    if (!u->lu || u->protect || u->kind != 0 || !u->cap || !u->initial) continue;
    size_t sn = surf_end(u) - u->sb, vl, v;
    const char *val = kv_get(&names, kv_hash(p + u->sb, sn), p + u->sb, sn, &vl);
    if (!val || vl != sizeof v) continue;
    memcpy(&v, val, sizeof v);
    if (used_lower(lower, p + u->sb, sn, u->line, &w)) continue;
    u->protect = 1;
    if (v < nt && t[v].kind == 1) u->from = v + 1;
  }
  kv_free(&names);
  bbuf_free(&w);
}

/* A kept candidate that check_lower asks the analyser about: a non-empty
 * word of ASCII letters, hyphens and apostrophes. */
static int checkable(const char *p, const tokn *t, size_t nt, size_t k) {
  (void)nt;
  const tokn *u = &t[k];
  if (!u->lu || !u->protect) return 0;
  size_t se = surf_end(u);
  for (size_t i = u->sb; i < se; i++) {
    unsigned char c = (unsigned char)p[i];
    if (c >= 0x80 || !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '\'')) return 0;
  }
  return se > u->sb;
}


/* A capitalised word no dictionary knows, two letters or more ("Karno",
 * "RSPCA"): a name.  As one, transfer puts it in a phrase with the words
 * around it; an unknown word stands outside every rule, and the phrase
 * after it starts the sentence ("Karno Es un tutor"). */
static int unknown_name(const char *p, const tokn *u) {
  return u->cap && is_unknown(p, u) && n_cps(p + u->sb, surf_end(u) - u->sb) >= 2;
}

/* Does the word have a capital after a small letter ("LinkedIn",
 * "iPhone", "McMurdo")?  Only a name is written so; the dictionaries may
 * know it in another case ("Linkedin"). */
static int camel_case(const char *p, const tokn *u) {
  int small = 0;
  if (memchr(p + u->sb, ' ', surf_end(u) - u->sb)) return 0; /* a multiword ("siglo XX") */
  for (size_t i = u->sb, se = surf_end(u); i < se;) {
    int k = utf8_lead_len((unsigned char)p[i]);
    if (k < 1 || (size_t)k > se - i) return 0;
    int32_t c = utf8_decode((const unsigned char *)p + i, k);
    if (c < 0) return 0;
    if (u_islower(c)) small = 1;
    else if (small && u_isupper(c)) return 1;
    i += (size_t)k;
  }
  return 0;
}

/* A name the dictionaries know in the singular only, written in the plural
 * ("Barclays" -> Barclay<np><cog><pl>, "Vegas" -> Vega): the word as
 * written.  Places keep their translation ("the Philippines"). */
static int plural_name(const char *p, const tokn *u) {
  if (u->kind != 1 || !has_tag(p, u, "pl") || has_tag(p, u, "loc")) return 0;
  size_t sn = surf_end(u) - u->sb;
  if (memchr(p + u->sb, ' ', sn)) return 0; /* a multiword ("Estados Unidos") */
  return sn != u->lem_e - u->b || memcmp(p + u->sb, p + u->b, sn);
}

/* A unit written out as it stands in the text, as a name: a kept word, an
 * unknown capitalised one, a camel-case or plural name.  Such words next to
 * each other become one unit ("Vince Cable", "Taj Mahal"), which transfer
 * keeps together. */
static int verbatim(const char *p, const tokn *u) {
  return u->lu && !u->from &&
         (u->protect || unknown_name(p, u) || (u->kind <= 1 && (camel_case(p, u) || plural_name(p, u))));
}

/* Is the blank t[k] " & " between two capitalised words ("Legal & General",
 * "Marks & Spencer")?  Then the three are one name. */
static int amp_blank(const char *p, const tokn *t, size_t nt, size_t k) {
  return k > 0 && k + 1 < nt && !t[k].lu && t[k].e - t[k].b == 3 && !memcmp(p + t[k].b, " & ", 3) &&
         t[k - 1].lu && t[k - 1].cap && t[k + 1].lu && t[k + 1].cap;
}

static void amp_names(const char *p, tokn *t, size_t nt) {
  for (size_t k = 1; k + 1 < nt; k++) {
    if (!amp_blank(p, t, nt, k)) continue;
    for (int d = -1; d <= 1; d += 2) { /* the capitalised words on each side: "Qatar Airways & Turkish Airlines" */
      tokn *u = &t[d < 0 ? k - 1 : k + 1];
      for (int n = 0; u && u->cap && n < 8; n++, u = (tokn *)neighbour(p, t, nt, (size_t)(u - t), d))
        if (u->kind == 0 || u->kind == 2) u->protect = u->forced = 1;
    }
  }
}

/* English puts a name in front of the noun it names ("the Messenger
 * probe", "the Obama administration", "the Tap Tap band"), Spanish after it
 * ("la sonda Messenger", "la administración Obama"); Apertium's rules leave
 * a name where it is ("el Obama administración").  After "the", a name (a
 * person's, a kept word, a word no dictionary knows, or one capitalised
 * common noun that the text does not use in lower case and that heads no
 * institution), then a common noun in lower case that is not a title, not
 * followed by another noun: the noun goes in front of the name.  Not a
 * place's name ("the Iraq war" is "la guerra de Irak"). */
static void name_modifiers(const char *p, tokn *t, size_t nt, const kvcache *lower) {
  static const char *const roles[] = {"secretary", "minister", "president", "spokesman", "spokeswoman",
                                      "spokesperson", "chairman", "director", "official", "officials", "leader",
                                      "leaders", "chief", "head", "member", "members", "correspondent", "editor",
                                      NULL};
  bbuf w = {0};
  for (size_t k = 0; k < nt; k++) {
    const tokn *d = &t[k];
    if (!d->lu || !first_tag(p, d, "det") || !has_tag(p, d, "def")) continue;
    tokn *first = (tokn *)neighbour(p, t, nt, k, 1), *last = NULL;
    int words = 0, common = 0;
    for (tokn *v = first; v && v->cap && words < 4; v = (tokn *)neighbour(p, t, nt, (size_t)(v - t), 1), words++) {
      int name = v->protect || is_unknown(p, v) || (v->kind == 1 && !has_tag(p, v, "loc"));
      if (!name && words == 0 && candidate(p, v) && first_tag(p, v, "n") && !v->capital_only &&
          !generic_head(p + v->sb, surf_end(v) - v->sb) && !is_calendar(p + v->sb, surf_end(v) - v->sb) &&
          !used_lower(lower, p + v->sb, surf_end(v) - v->sb, v->line, &w))
        name = common = 1;
      if (!name || v->brand || v->from || (v->kind == 1 && has_tag(p, v, "loc"))) {
        last = NULL;
        break;
      }
      last = v;
    }
    const tokn *c = last ? neighbour(p, t, nt, (size_t)(last - t), 1) : NULL;
    if (!c || c->cap || !first_tag(p, c, "n") || in_list(roles, p + c->sb, surf_end(c) - c->sb)) continue;
    if (common && last != first) continue; /* one common noun alone */
    if (has_tag(p, c, "gen") || memchr(p + c->b, '+', c->e - c->b)) continue; /* "the Obama administration's" */
    const tokn *e = neighbour(p, t, nt, (size_t)(c - t), 1);
    if (e && (first_tag(p, e, "n") || first_tag(p, e, "np") || first_tag(p, e, "adj") || has_tag(p, e, "gen") ||
              first_tag(p, e, "apos")))
      continue;
    if (common) first->protect = first->forced = 1;
    first->swap = (size_t)(c - t) + 1;
    k = (size_t)(c - t);
  }
  bbuf_free(&w);
}

/* Is t[j + 1] a single space (or a " & " between capitalised words), and no
 * glossary term starts at t[j + 2]? */
static int joins_next(const char *p, const tokn *t, size_t nt, size_t j, const news_run *run) {
  size_t last;
  return j + 2 < nt && !t[j + 1].lu &&
         ((t[j + 1].e - t[j + 1].b == 1 && p[t[j + 1].b] == ' ') || amp_blank(p, t, nt, j + 1)) && t[j + 2].lu &&
         !(run && run->g && gl_match(run->g, p, t, nt, j + 2, &last));
}

/* The small words inside surnames ("Luis de Guindos", "Vicente del
 * Bosque", "Ludwig van Beethoven"). */
static int particle(const char *p, const tokn *u) {
  static const char *const w[] = {"de", "del", "de la", "la", "las", "los", "da", "das", "do", "dos", "di", "du",
                                  "van", "von", "der", "den", "ter", "le", NULL};
  return u->lu && !u->cap && in_list(w, p + u->sb, surf_end(u) - u->sb);
}

/* The Spanish nouns that head the names of a city's places: English news
 * writes those names as Spanish does ("the Teatro Real", "the Puerta del
 * Sol", "the Plaza de España"), where Apertium would give "the Real
 * Theatre", "the Door of the Sun", "the Square of Spain". */
static int place_head(const char *s, size_t n) {
  static const char *const w[] = {"Teatro", "Puerta", "Plaza", "Parque", "Paseo", "Calle", "Avenida", "Estadio",
                                  "Puente", "Mercado", "Barrio", "Glorieta", "Rambla", "Ramblas", NULL};
  return in_list(w, s, n);
}

/* Such a head, then capitalised words, each perhaps after "de"/"del"/"de
 * la": one name, kept as written. */
static void landmarks(const char *p, tokn *t, size_t nt) {
  for (size_t k = 0; k < nt; k++) {
    const tokn *u = &t[k];
    if (!u->lu || !u->cap || u->kind != 0) continue;
    const char *sp = memchr(p + u->sb, ' ', surf_end(u) - u->sb);
    size_t hn = sp ? (size_t)(sp - (p + u->sb)) : surf_end(u) - u->sb;
    if (!place_head(p + u->sb, hn)) continue;
    int multi = 0; /* a multiword the dictionary translates as a whole, all of it capitalised ("Plaza Mayor") */
    if (sp) {
      int32_t c = first_cp(sp + 1, (size_t)(p + surf_end(u) - sp - 1));
      if (c <= 0 || !u_isupper(c) || memchr(sp + 1, ' ', (size_t)(p + surf_end(u) - sp - 1))) continue;
      multi = 1;
    }
    size_t j = k;
    for (;;) {
      const tokn *v = neighbour(p, t, nt, j, 1);
      if (v && !v->cap && particle(p, v)) { /* "del", "de la", "de las" */
        const tokn *a = neighbour(p, t, nt, (size_t)(v - t), 1);
        if (a && !a->cap && particle(p, a)) v = a;
        v = neighbour(p, t, nt, (size_t)(v - t), 1);
        if (!v || !v->cap) break;
      }
      if (!v || !v->cap || !(v->kind <= 1 || is_unknown(p, v))) break;
      j = (size_t)(v - t);
    }
    if (j == k && !multi) continue;
    /* not a kind of place ("Parque Nacional del Serengeti" is the Serengeti National Park) */
    static const char *const kinds[] = {"Nacional", "Natural", "Regional", "Municipal", "Provincial", "Olímpico",
                                        "Central", "Internacional", "Federal", NULL};
    int kind = 0;
    for (size_t i = k + 1; i <= j && !kind; i++)
      kind = t[i].lu && in_list(kinds, p + t[i].sb, surf_end(&t[i]) - t[i].sb);
    if (kind) continue;
    for (size_t i = k; i <= j; i++)
      if (t[i].lu && t[i].cap) t[i].protect = t[i].forced = t[i].place = 1;
    k = j;
  }
}

/* A name that starts at t[k] and is written out as it stands, as one unit:
 * the index of its last unit, or (size_t)-1.  Its units follow each other
 * with a single space: verbatim units and persons' names the dictionaries
 * know ("Frank Field", "Casey Fenton", "Stephen Colbert"), one verbatim
 * unit or two units at least; a place's name before a surname is a first
 * name ("Jordan Henderson"); particles join a person's name to a
 * capitalised word ("Luis de Guindos", "Ana de Palacio", "Rio Grande do
 * Sul", but "Santiago de Chile" translates). */
static size_t name_span(const char *p, const tokn *t, size_t nt, size_t k, const news_run *run) {
  const tokn *u = &t[k];
  int has_v = verbatim(p, u), person = is_person(p, u) || u->first_name;
  /* else a place's or other name before a known surname ("Jordan Henderson") */
  int np_first = u->kind == 1 && joins_next(p, t, nt, k, run) && is_person(p, &t[k + 2]) &&
                 has_tag(p, &t[k + 2], "cog");
  if (!has_v && !person && !np_first) return (size_t)-1;
  size_t j = k;
  for (;;) {
    if (!joins_next(p, t, nt, j, run)) break;
    const tokn *v = &t[j + 2];
    if (verbatim(p, v) || is_person(p, v)) {
      has_v |= verbatim(p, v);
      person |= is_person(p, v);
      j += 2;
      continue;
    }
    if (!(has_v || person) || !(particle(p, v) || v->glue)) break;
    size_t q = j + 2;
    if (joins_next(p, t, nt, q, run) && particle(p, &t[q + 2])) q += 2;
    if (!joins_next(p, t, nt, q, run)) break;
    const tokn *w = &t[q + 2];
    if (!w->cap || !(w->kind == 0 || (w->kind == 1 && !has_tag(p, w, "loc")) || is_unknown(p, w) || w->place)) break;
    has_v = 1;
    j = q + 2;
  }
  return has_v || j > k ? j : (size_t)-1;
}

/* A capitalised word joined by hyphens, with no blank, to other capitalised
 * words, digits or single letters, inside a sentence ("Rolls-Royce", "the
 * Minneapolis Star-Tribune", "Meteor-1A"), is one name when a part is a
 * word no dictionary knows or has a digit; not when a part is an adjective
 * ("Franco-German talks" translate).  The index of its last unit, or
 * (size_t)-1. */
static size_t hyphen_name(const char *p, const tokn *t, size_t nt, size_t k) {
  const tokn *u = &t[k];
  if (!u->lu || !u->cap || u->initial || first_tag(p, u, "adj") || u->from) return (size_t)-1;
  size_t j = k;
  int hyphens = 0, strong = is_unknown(p, u);
  while (j + 1 < nt && t[j + 1].lu) {
    const tokn *v = &t[j + 1];
    size_t sn = surf_end(v) - v->sb;
    if (first_tag(p, v, "guio") && sn == 1 && p[v->sb] == '-') {
      if (j + 2 >= nt || !t[j + 2].lu) break; /* a hyphen at the end: not part of the name */
      hyphens++;
    } else if (first_tag(p, v, "num")) {
      strong = 1;
    } else {
      if (!v->cap || first_tag(p, v, "adj") || first_tag(p, v, "sent") || first_tag(p, v, "cm") ||
          first_tag(p, v, "apos") || first_tag(p, v, "rpar") || first_tag(p, v, "rquot"))
        break;
      strong |= is_unknown(p, v);
    }
    j++;
  }
  while (j > k && first_tag(p, &t[j], "guio")) j--;
  return hyphens && strong && j > k ? j : (size_t)-1;
}

/* A capital letter, an apostrophe and a capitalised word with no blanks
 * between ("O'Shannessy", "D'Alema", which the Spanish analyser cuts into
 * "o", "'" and the rest, so that Apertium gives "Or'Shannessy"): one name.
 * The index of its last unit, or (size_t)-1. */
static size_t apostrophe_name(const char *p, const tokn *t, size_t nt, size_t k) {
  const tokn *u = &t[k];
  if (k + 2 >= nt || !u->lu || !t[k + 1].lu || !t[k + 2].lu || surf_end(u) - u->sb != 1 || p[u->sb] < 'A' ||
      p[u->sb] > 'Z')
    return (size_t)-1;
  const tokn *a = &t[k + 1], *w = &t[k + 2];
  size_t an = surf_end(a) - a->sb;
  int apos = (an == 1 && p[a->sb] == '\'') || (an == 3 && !memcmp(p + a->sb, "\xe2\x80\x99", 3));
  return apos && w->cap && n_cps(p + w->sb, surf_end(w) - w->sb) >= 2 ? k + 2 : (size_t)-1;
}

/* Is unit u a common noun with a gender (^casa<n><f><sg>$)?  Then the
 * source language's names have one too (Spanish ^Sánchez<np><cog><mf><sg>$,
 * English ^Byrne<np><cog><sg>$), and the transfer rules expect it. */
static int has_gender(const char *p, const tokn *u) {
  if (!u->lu || !first_tag(p, u, "n")) return 0;
  tokn rest = *u;
  rest.lem_e += 3; /* after "<n>" */
  return first_tag(p, &rest, "m") || first_tag(p, &rest, "f") || first_tag(p, &rest, "mf");
}

/* The tags of a kept name: a surname's (<np><cog>), which the transfer
 * rules of both directions handle as a name that keeps its article and
 * needs no subject pronoun, with the gender the language's names have; in
 * the singular, whatever number the tagger gave the common word ("Pence",
 * "Boots": a verb after them agrees as with one name). */
static void out_name_tags(pl_out *out, int gendered) {
  out_str(out, gendered ? "<np><cog><mf><sg>" : "<np><cog><sg>");
}

/* A capitalised noun at a sentence start joined by 'and'/'or' to a kept
 * name or a person's name ("Gap and Target reported") is a name too. */
static void listed_starts(const char *p, tokn *t, size_t nt) {
  for (size_t k = 0; k < nt; k++) {
    tokn *u = &t[k];
    if (!u->lu || u->protect || u->forced || !u->initial || !candidate(p, u) || !first_tag(p, u, "n")) continue;
    const tokn *sep = neighbour(p, t, nt, k, 1);
    if (!first_tag(p, sep, "cnjcoo")) continue;
    const tokn *o = neighbour(p, t, nt, (size_t)(sep - t), 1);
    if (o && o->cap && !o->initial && (o->protect || is_person(p, o))) u->protect = 1;
  }
  for (size_t k = 0; k < nt; k++) {
    tokn *u = &t[k];
    if (!u->lu || !u->cap || !u->initial || u->forced) continue;
    tokn *v = (tokn *)neighbour(p, t, nt, k, 1);
    if (!v || !v->cap || v->initial) continue;
    const tokn *w = neighbour(p, t, nt, (size_t)(v - t), 1);
    /* two capitalised adjectives, no noun, then a verb: "Virgin Atlantic will cut ..." */
    if (first_tag(p, u, "adj") && first_tag(p, v, "adj") && !qualifier(p, u) && !qualifier(p, v) && is_verb(p, w)) {
      u->protect = u->forced = v->protect = v->forced = 1;
      continue;
    }
    /* an article's name listed with one inside the sentence: "The Times and The Sun are ..." */
    if (u->kind == 2 && first_tag(p, u, "det") && has_tag(p, u, "def") && (v->kind <= 1 || is_unknown(p, v)) &&
        (first_tag(p, w, "cnjcoo") || first_tag(p, w, "cm"))) {
      const tokn *o = neighbour(p, t, nt, (size_t)(w - t), 1);
      if (o && o->cap && ((o->forced && o->kind == 2) || (o->kind == 1 && surf_end(o) - o->sb > surf_end(u) - u->sb &&
                                                           !memcmp(p + o->sb, p + u->sb, surf_end(u) - u->sb) &&
                                                           p[o->sb + surf_end(u) - u->sb] == ' '))) {
        u->protect = u->forced = 1;
        if (v->kind == 0) v->protect = v->forced = 1;
      }
      continue;
    }
  }
}

/* "'s" read as "is" right after a name, with punctuation, 'and'/'or', a
 * preposition or the end of the line after it, and a preposition, comma,
 * 'and'/'or' or determiner before the name, is part of the name: "at
 * McDonald's, Wendy's and Burger King", "works at McDonald's in Ohio"
 * (Apertium gives "McDonald es"), but "said Trump's in town".  So it is
 * before a verb in the past tense, which cannot follow "is" ("Wendy's went
 * on strike"). */
static void brands(const char *p, tokn *t, size_t nt) {
  for (size_t k = 2; k < nt; k++) {
    tokn *s = &t[k];
    if (!s->lu || surf_end(s) - s->sb != 2 || memcmp(p + s->sb, "'s", 2) || !first_tag(p, s, "vbser")) continue;
    if (t[k - 1].lu || t[k - 1].e - t[k - 1].b > 1 || (t[k - 1].e > t[k - 1].b && p[t[k - 1].b] != ' ')) continue;
    tokn *u = &t[k - 2];
    if (!u->lu || !u->cap || !(u->kind == 1 || u->protect || is_unknown(p, u)) || u->from) continue;
    const tokn *a = k + 1 < nt ? &t[k + 1] : NULL;
    if (a && !a->lu && !a->newline) a = neighbour(p, t, nt, k, 1);
    int past = a && (first_tag(p, a, "vblex") || first_tag(p, a, "vbhaver") || first_tag(p, a, "vbdo") ||
                     first_tag(p, a, "vbmod")) && has_tag(p, a, "past");
    if (a && a->lu && a->kind != 3 && !first_tag(p, a, "cm") && !first_tag(p, a, "cnjcoo") &&
        !first_tag(p, a, "pr") && !first_tag(p, a, "rpar") && !first_tag(p, a, "rquot") && !past)
      continue;
    const tokn *b = neighbour(p, t, nt, k - 2, -1); /* "at McDonald's", "Wendy's and", not "Trump's in town" */
    if (!past && (!b || !(first_tag(p, b, "pr") || first_tag(p, b, "cm") || first_tag(p, b, "cnjcoo") ||
                          has_tag(p, b, "det"))))
      continue;
    u->brand = k + 1;
  }
  /* "O'Shannessy": the analyser reads "'S" as "'s", leaving "O" and "hannessy" (Apertium's output
   * "O hannessy" loses the "'S"); a capitalised word, "'s" and a word glued to it are one name */
  for (size_t k = 2; k + 1 < nt; k++) {
    tokn *s = &t[k], *u = &t[k - 2];
    if (!s->lu || surf_end(s) - s->sb != 2 || p[s->sb] != '\'' || (p[s->sb + 1] != 's' && p[s->sb + 1] != 'S'))
      continue;
    if (t[k - 1].lu || t[k - 1].e - t[k - 1].b != 1 || p[t[k - 1].b] != ' ' || !u->lu || !u->cap || u->from)
      continue;
    size_t j = k;
    while (j + 1 < nt && t[j + 1].lu && first_cp(p + t[j + 1].sb, surf_end(&t[j + 1]) - t[j + 1].sb) > 0 &&
           u_isalpha(first_cp(p + t[j + 1].sb, surf_end(&t[j + 1]) - t[j + 1].sb)))
      j++;
    if (j > k) u->brand = j + 1;
  }
}

/* May t[k] be a first name: a capitalised common word or place name (not
 * a known person's name) with a capitalised word after it that is not a
 * title or a sentence end ("Marco Rubio", "Jordan Henderson")?  A word of
 * ASCII or Latin letters. */
static int first_name_candidate(const char *p, const tokn *t, size_t nt, size_t k) {
  const tokn *u = &t[k];
  if (!u->lu || !u->cap || !(u->kind == 0 || (u->kind == 1 && has_tag(p, u, "loc"))) || is_person(p, u) ||
      memchr(p + u->sb, ' ', surf_end(u) - u->sb) || n_cps(p + u->sb, surf_end(u) - u->sb) < 3 ||
      is_title(p + u->sb, surf_end(u) - u->sb) || all_caps(p + u->sb, surf_end(u) - u->sb))
    return 0;
  /* not "Roman Catholic", "German", the head of "Mar Negro" (Mar is a first name too), "San Pablo" */
  static const char *const saints[] = {"San", "Santa", "Santo", "Saint", "St", NULL};
  if (first_tag(p, u, "adj") || generic_head(p + u->sb, surf_end(u) - u->sb) ||
      in_list(saints, p + u->sb, surf_end(u) - u->sb))
    return 0;
  const tokn *b = neighbour(p, t, nt, k, -1), *v = neighbour(p, t, nt, k, 1);
  if (b && b->cap && !b->initial && b->kind <= 1) return 0; /* inside a run: "Bright Angel Campground" */
  if (!v || !v->cap || !(v->kind <= 1 || is_unknown(p, v)) || is_title(p + v->sb, surf_end(v) - v->sb) ||
      all_caps(p + v->sb, surf_end(v) - v->sb) || (v->kind == 1 && !is_person(p, v) && !has_tag(p, v, "cog")))
    return 0;
  const tokn *w = neighbour(p, t, nt, (size_t)(v - t), 1); /* two words: a first name and a surname */
  return !(w && w->cap && w->kind <= 1 && !is_verb(p, w));
}

/* The analyses the analyser gives a unit: "/lemma<tags>/lemma<tags>", up to '$'. */
typedef int (*unit_pred)(const char *p, const tokn *t, size_t nt, size_t k);
typedef void (*unit_answer)(void *ctx, const char *p, tokn *u, const char *a, size_t an);

/* Asks the analyser about the surface form (lower: in lower case, ASCII
 * words) of every unit k that pred() chooses, in one call (the words separated by " 7 ", which keeps them
 * apart), and hands each unit its analyses.  Stops at the first unit whose
 * surface form the analyser does not give back as it is (it joined words:
 * the rest keep what they have). */
static int ascii_lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

static int ask_analyser(news_run *run, const char *p, tokn *t, size_t nt, unit_pred pred, int lower,
                        unit_answer answer, void *ctx, pl_err *e) {
  bbuf q = {0}, res = {0};
  size_t nq = 0;
  for (size_t k = 0; k < nt; k++)
    if (pred(p, t, nt, k)) {
      for (size_t i = t[k].sb; i < surf_end(&t[k]); i++)
        bbuf_putc(&q, lower ? ascii_lower((unsigned char)p[i]) : p[i]);
      bbuf_puts(&q, " 7 ");
      nq++;
    }
  if (!nq) return PL_OK;
  bbuf_puts(&q, ".\n");
  int rc = q.failed || run->analyse(run->analyse_ctx, q.p, q.len, &res) ? PL_ENOMEM : PL_OK;
  size_t i = 0;
  for (size_t k = 0; !rc && k < nt; k++) {
    if (!pred(p, t, nt, k)) continue;
    tokn *u = &t[k];
    size_t sn = surf_end(u) - u->sb;
    while (i < res.len && res.p[i] != '^') i++; /* the next unit: ^surface/analysis/...$ */
    if (i >= res.len) break;
    size_t b = ++i;
    while (i < res.len && res.p[i] != '/' && res.p[i] != '$') i++;
    int same = i - b == sn;
    for (size_t x = 0; same && x < sn; x++)
      same = (lower ? ascii_lower((unsigned char)p[u->sb + x]) : (unsigned char)p[u->sb + x]) ==
             (unsigned char)res.p[b + x];
    if (!same) break; /* the analyser joined words: stop */
    size_t a = i;
    while (i < res.len && res.p[i] != '$') i++;
    answer(ctx, p, u, res.p + a, i - a);
    while (i < res.len && res.p[i] != '^') i++; /* skip the "7" */
    if (i < res.len) {
      i++;
      while (i < res.len && res.p[i] != '$') i++;
    }
  }
  bbuf_free(&q);
  bbuf_free(&res);
  return rc ? pl_err_set(e, PL_ENOMEM, -1, "news: out of memory") : PL_OK;
}

static void first_name_answer(void *ctx, const char *p, tokn *u, const char *a, size_t an) {
  (void)ctx;
  (void)p;
  static const char ant[] = "<np><ant>";
  for (size_t x = 0; x + sizeof ant - 1 <= an; x++)
    if (!memcmp(a + x, ant, sizeof ant - 1)) {
      u->first_name = 1;
      return;
    }
}

/* Asks the analyser which first_name_candidate() words it also knows as a
 * first name (<np><ant>); those and the capitalised word after them are
 * one person's name, kept as written ("Marco Rubio visitó..." -> "Marco
 * Rubio visited", not "Blond frame"; "Jordan Henderson", not "Jordania
 * Henderson"). */
static int first_names(news_run *run, const char *p, tokn *t, size_t nt, pl_err *e) {
  int rc = ask_analyser(run, p, t, nt, first_name_candidate, 0, first_name_answer, NULL, e);
  for (size_t k = 0; !rc && k < nt; k++) {
    tokn *u = &t[k];
    if (!u->first_name) continue;
    tokn *v = (tokn *)neighbour(p, t, nt, k, 1);
    if (u->kind == 0) u->protect = u->forced = 1;
    if (v && v->kind == 0) v->protect = v->forced = 1;
  }
  return rc;
}

/* Is t[k] a participle right after a name ("Amir Khan said": say<vblex><pp>),
 * a word of ASCII letters? */
static int past_candidate(const char *p, const tokn *t, size_t nt, size_t k) {
  const tokn *u = &t[k];
  static const char pp[] = "<vblex><pp>";
  if (!u->lu || u->e - u->lem_e != sizeof pp - 1 || memcmp(p + u->lem_e, pp, sizeof pp - 1)) return 0;
  for (size_t i = u->sb; i < surf_end(u); i++) {
    unsigned char c = (unsigned char)p[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return 0;
  }
  const tokn *b = neighbour(p, t, nt, k, -1);
  return surf_end(u) > u->sb && b && b->cap && (b->kind == 1 || verbatim(p, b));
}

/* A name the tagger did not know (an unknown word, a common word) leaves it
 * unsure of the verb after it, and it takes a past tense for a participle:
 * "Amir Khan said" -> "Amir Khan dicho", "Zhabdrung Ngawang Namgyel
 * created" -> "crear".  Right after a name, a verb form is the verb of the
 * sentence, so a participle that the analyser also knows as a past tense
 * of the same verb is written as the past. */
static void unknown_answer(void *ctx, const char *p, tokn *u, const char *a, size_t an) {
  (void)ctx;
  (void)p;
  if (an >= 2 && a[0] == '/' && a[1] == '*') u->protect = 0, u->capital_only = 1;
}

/* Unprotects the candidates whose lower-case form the analyser does not
 * know (ASCII words only; the others stay kept). */
static int check_lower(news_run *run, const char *p, tokn *t, size_t nt, pl_err *e) {
  return ask_analyser(run, p, t, nt, checkable, 1, unknown_answer, NULL, e);
}

static void past_answer(void *ctx, const char *p, tokn *u, const char *a, size_t an) {
  (void)ctx;
  static const char past[] = "<vblex><past>";
  size_t ln = u->lem_e - u->b;
  for (size_t i = 0; i < an && a[i] == '/';) { /* each analysis */
    size_t b = ++i;
    while (i < an && a[i] != '/') i++;
    if (i - b == ln + sizeof past - 1 && !memcmp(a + b, p + u->b, ln) && !memcmp(a + b + ln, past, sizeof past - 1))
      u->past = 1;
  }
}

/* A capitalised word inside a sentence that the tagger read as a common
 * noun and nothing kept as a name ("noroeste de la India": indio<n><f>,
 * "European Turkey": turkey<n>), but that the analyser also knows as a
 * proper noun: the proper noun, which the dictionaries translate as a
 * name ("India", "Turquía").  Not months, titles, words capitalised by
 * convention or the heads of institutions' names. */
static int proper_candidate(const char *p, const tokn *t, size_t nt, size_t k) {
  (void)nt;
  const tokn *u = &t[k];
  if (!u->lu || u->kind != 0 || !u->cap || u->initial || u->protect || u->from || u->past || !first_tag(p, u, "n"))
    return 0;
  size_t sn = surf_end(u) - u->sb;
  return !memchr(p + u->sb, ' ', sn) && !is_calendar(p + u->sb, sn) && !is_title(p + u->sb, sn) &&
         !by_convention(p + u->sb, sn) && !generic_head(p + u->sb, sn) && !all_caps(p + u->sb, sn) &&
         n_cps(p + u->sb, sn) >= 3;
}

static void proper_answer(void *ctx, const char *p, tokn *u, const char *a, size_t an) {
  (void)p;
  bbuf *store = ctx;
  for (size_t i = 0; i < an && a[i] == '/';) { /* each analysis: the first with <np> after its lemma */
    size_t b = ++i;
    while (i < an && a[i] != '/') i++;
    size_t l = b;
    while (l < i && a[l] != '<') l++;
    if (i - l >= 4 && !memcmp(a + l, "<np>", 4) && l > b) {
      u->np_b = store->len;
      bbuf_append(store, a + b, i - b);
      u->np_e = store->failed ? u->np_b : store->len;
      return;
    }
  }
}

static int check_past(news_run *run, const char *p, tokn *t, size_t nt, pl_err *e) {
  return ask_analyser(run, p, t, nt, past_candidate, 0, past_answer, NULL, e);
}

/* "as" that the tagger read as the degree adverb of "as big as"
 * (as<preadv>, which eng-spa translates "tan") in front of a noun phrase is
 * the preposition ("as part of", "as funnels": "como"). */
static void as_preposition(const char *p, tokn *t, size_t nt) {
  static const char *const w[] = {"as", "As", NULL};
  for (size_t k = 0; k < nt; k++) {
    tokn *u = &t[k];
    if (!u->lu || !first_tag(p, u, "preadv") || !name_in(p + u->b, u->lem_e - u->b, w)) continue;
    const tokn *v = neighbour(p, t, nt, k, 1);
    if (v && (first_tag(p, v, "n") || first_tag(p, v, "np") || first_tag(p, v, "det") || first_tag(p, v, "num")))
      u->prep = 1;
  }
}

int news_names(pl_in *in, pl_out *out, news_run *run, pl_err *e) {
  bbuf all = {0};
  const char *p;
  size_t n, i = 0, line = 0;
  int rc = pl_in_rest(in, &all, &p, &n) ? pl_err_set(e, PL_ENOMEM, -1, "news: out of memory") : PL_OK;
  tokn *t = NULL;
  size_t nt = 0, cap = 0;
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
    k->line = line;
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
        else if (p[j] == '\n') {
          k->newline = 1;
          line++;
        }
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
    for (size_t k = a; k < z; k++) {
      tokn *u = &t[k];
      if (!u->lu) continue;
      u->initial = title || start;
      if (title) { /* a headline: only a word after a first name ("Frank Field Quits ...") */
        const tokn *b = neighbour(p, t, nt, k, -1);
        if (candidate(p, u) && is_person(p, b) && has_tag(p, b, "ant")) u->protect = u->forced = 1;
        continue;
      }
      if (u->kind == 3) {
        start = 1;
        continue;
      }
      if (u->kind == 4) continue; /* an opening quote or bracket keeps the sentence start */
      int det_like = (first_tag(p, u, "det") && has_tag(p, u, "def")) ||
                     (n_cps(p + u->sb, surf_end(u) - u->sb) >= 2 &&
                      ((first_tag(p, u, "det") && !has_tag(p, u, "ord")) || first_tag(p, u, "predet") ||
                       first_tag(p, u, "preadv")));
      if (!start && u->kind == 2 && u->cap && det_like && !after_quote(p, t, k)) {
        /* a capitalised article or determiner inside a sentence starts a name: "The Guardian",
         * "La Leona", "Little Mix", "Más Madrid", "the All Blacks" */
        tokn *v = (tokn *)neighbour(p, t, nt, k, 1);
        if (v && v->cap && (v->kind <= 1 || is_unknown(p, v))) {
          u->protect = u->forced = 1;
          for (; v && v->cap && (v->kind <= 1 || is_unknown(p, v)); v = (tokn *)neighbour(p, t, nt, (size_t)(v - t), 1))
            if (v->kind == 0) v->protect = v->forced = 1;
        }
      }
      if (candidate(p, u) && !u->forced) /* a sentence start only in front of a name: "Rose Byrne said" */
        u->protect = !start || name_like(p, neighbour(p, t, nt, k, 1)) || two_nouns(p, t, nt, k);
      else if (!start && !u->forced && title_multiword(p, u)) { /* "Human Rights" in "Human Rights Watch" */
        const tokn *b = neighbour(p, t, nt, k, -1), *v = neighbour(p, t, nt, k, 1);
        u->protect = (b && b->cap && !b->initial && (b->kind <= 1 || is_unknown(p, b))) ||
                     (v && v->cap && (v->kind <= 1 || is_unknown(p, v)));
      }
      start = 0;
    }
    a = z < nt ? z + 1 : nt;
  }
  if (!rc && run && run->analyse) rc = check_lower(run, p, t, nt, e);
  if (!rc && run && run->analyse) rc = first_names(run, p, t, nt, e);
  if (!rc) landmarks(p, t, nt);
  kvcache lower = {0}; /* the words the text has in lower case, by block of lines */
  bbuf key = {0};
  for (size_t k = 0; !rc && k < nt; k++)
    if (t[k].lu && !t[k].cap) put_lower(&lower, p + t[k].sb, surf_end(&t[k]) - t[k].sb, t[k].line, &key);
  if (key.failed) rc = pl_err_set(e, PL_ENOMEM, -1, "news: out of memory");
  bbuf_free(&key);
  if (!rc) in_context(p, t, nt, &lower, run && run->into_spanish);
  if (!rc) same_everywhere(p, t, nt, &lower);
  if (!rc) listed_starts(p, t, nt);
  if (!rc) brands(p, t, nt);
  if (!rc) amp_names(p, t, nt);
  if (!rc && run && run->into_spanish) name_modifiers(p, t, nt, &lower);
  kv_free(&lower);
  if (!rc && run && run->analyse) rc = check_past(run, p, t, nt, e);
  bbuf store = {0}; /* proper-noun analyses (proper_answer) */
  if (!rc && run && run->analyse) rc = ask_analyser(run, p, t, nt, proper_candidate, 0, proper_answer, &store, e);
  if (!rc && run && run->into_spanish) as_preposition(p, t, nt);
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
  int gendered = 0;
  for (size_t k = 0; !rc && k < nt && !gendered; k++)
    gendered = has_gender(p, &t[k]);
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
      snprintf(ph, sizeof ph, "^Pgl%zux", run->n - 1);
      out_str(out, ph);
      out_name_tags(out, gendered);
      out_byte(out, '$');
      k = last;
      continue;
    }
    size_t swap = u->swap; /* the noun that goes first ("the Messenger probe" -> "the probe Messenger") */
    if (swap) {
      const tokn *c = &t[swap - 1];
      out_byte(out, '^');
      out_bytes(out, p + c->b, c->e - c->b);
      out_str(out, "$ ");
    }
    out_byte(out, '^');
    size_t span;
    if (u->brand || (span = hyphen_name(p, t, nt, k)) != (size_t)-1 ||
        (span = apostrophe_name(p, t, nt, k)) != (size_t)-1) {
      /* "McDonald's", "O'Shannessy" (the name, its "'s" and what is glued to it) and "Rolls-Royce":
       * the units as written, glued, as one name */
      size_t end = u->brand ? u->brand - 1 : span;
      for (size_t j = k; j <= end; j++) {
        if (!t[j].lu) continue; /* the blank the analyser put before "'s" */
        out_bytes(out, p + t[j].sb, surf_end(&t[j]) - t[j].sb);
        if (run) bbuf_append(&run->names, p + t[j].sb, surf_end(&t[j]) - t[j].sb);
      }
      if (run) bbuf_putc(&run->names, 0);
      out_name_tags(out, gendered);
      k = end;
      u = &t[k];
    } else if (u->from) { /* the analysis of the same word elsewhere in the text */
      const tokn *v = &t[u->from - 1];
      out_bytes(out, p + v->b, v->e - v->b);
      if (run) {
        bbuf_append(&run->names, p + u->sb, surf_end(u) - u->sb);
        bbuf_putc(&run->names, 0);
      }
    } else if ((span = name_span(p, t, nt, k, run)) != (size_t)-1) { /* the words as written, as one name */
      for (size_t j = k; j <= span; j += 2) {
        const tokn *v = &t[j];
        if (j > k) out_bytes(out, p + t[j - 1].b, t[j - 1].e - t[j - 1].b); /* " " or " & " */
        out_bytes(out, p + v->sb, surf_end(v) - v->sb);
        if (run && v->protect) { /* remembered, e.g. for the headline of the same article */
          bbuf_append(&run->names, p + v->sb, surf_end(v) - v->sb);
          bbuf_putc(&run->names, 0);
        }
      }
      out_name_tags(out, gendered);
      k = span;
      u = &t[k];
    } else if (u->prep) {
      out_bytes(out, p + u->b, u->lem_e - u->b);
      out_str(out, "<pr>");
    } else if (u->np_e > u->np_b) {
      out_bytes(out, store.p + u->np_b, u->np_e - u->np_b);
    } else if (u->past) {
      out_bytes(out, p + u->b, u->lem_e - u->b);
      out_str(out, "<vblex><past>");
    } else {
      out_bytes(out, p + u->b, u->e - u->b);
    }
    if (u->e < n) out_byte(out, '$');
    if (swap) { /* then the name's other words, and not the noun again */
      for (size_t j = k + 1; j + 1 < swap - 1; j++) {
        if (t[j].lu) out_byte(out, '^');
        out_bytes(out, p + t[j].b, t[j].e - t[j].b);
        if (t[j].lu) out_byte(out, '$');
      }
      k = swap - 1;
    }
    pl_out_maybe_spill(out);
  }
  free(t);
  bbuf_free(&store);
  bbuf_free(&all);
  if (!rc && out->b.failed) rc = pl_err_set(e, PL_ENOMEM, -1, "news: out of memory");
  return rc;
}
