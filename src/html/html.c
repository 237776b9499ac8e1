/*
 * html.c - HTML pages: text and human-readable attributes translated,
 * every other byte of the page kept as it was.
 *
 * The page is never parsed into a tree and serialised again: a tokenizer
 * (after the HTML5 tokenizer's rules for tags, attributes, comments,
 * doctypes, CDATA and the raw-text elements) walks the bytes, and whatever
 * is not translated text is copied from the input.
 *
 * Units.  Translation works on units: the text of one block (p, li, h1,
 * td, title, ...: any element not in the inline list below ends a unit)
 * including the inline markup inside it (a, em, strong, span, br, img,
 * comments, scripts...), or one attribute value (alt, title, placeholder,
 * aria-label, the content of <meta name="description"> and of the
 * og:/twitter: title and description).  A unit becomes one Apertium
 * stream, built the way apertium-destxt builds one:
 *
 *   - text, with character references decoded ("&eacute;" -> "é"), and
 *     the stream's special characters [ ] \ / @ < > ^ $ { } escaped;
 *   - each piece of markup as a superblank: "[" + its bytes, escaped the
 *     same way (a NUL as "\0") + "]", so the stages carry it along with
 *     the words around it;
 *   - each blank run other than a single space, each '~' (the generator's
 *     post-generation mark) and each character reference parley does not
 *     decode, as a superblank too (they come back byte for byte);
 *   - ".[]" at the end, as destxt writes it.
 *
 * The translated stream is read back: its superblanks are matched to the
 * unit's pieces by their bytes (identical pieces are interchangeable), and
 * the pieces of markup are then made to appear exactly once and in their
 * input order, which keeps the page valid and its tag sequence unchanged:
 * those in the longest run that came back in order stay where the stages
 * put them, the others (and any the stages dropped) go next to their
 * neighbours in input order (an opening tag right after the previous
 * piece, a closing one right before the next).  Text between two pieces
 * that were neighbours in the input, if it came back unchanged, is copied
 * from the input (so entities keep their spelling); other text is written
 * escaped (& < >, and the quote inside attributes), non-ASCII as UTF-8.
 *
 * Kept as they are: elements with translate="no" or class "notranslate"
 * (with everything inside them), code, pre, script, style, textarea, svg,
 * math and the other raw-text elements.  Inside a unit such an element is
 * one opaque piece, so "<span translate=no>AFP</span>" does not cut the
 * sentence.  The lang attribute of <html> is set to the target language.
 *
 * Malformed HTML: a '<' that does not start markup is text; an
 * unterminated tag, comment or quoted attribute keeps the rest of the page
 * as it is (what a browser would do with it too); an end tag with no open
 * element is kept; unclosed elements end where HTML's implied end tags end
 * them (p, li, dt, dd, option, tr, td, th) or at the end of the page.
 * Nothing recurses, so nesting depth costs only memory.  Invalid UTF-8 is
 * refused (PL_EINPUT with its offset) before anything is written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "html.h"
#include "html_int.h"
#include "../base/hash.h"

/* ---- character classes and element lists ---- */

/* A buffer's bytes, never NULL (no arithmetic on a NULL pointer). */
#define BP(b) ((b)->p ? (const char *)(b)->p : "")

static int is_ws(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
static int is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
/* blank runs that travel as superblanks: HTML blanks, '~' and NUL */
static int is_blank(int c) { return is_ws(c) || c == '~' || c == 0; }

static int name_is(const char *s, size_t n, const char *lit) { return strlen(lit) == n && !strncasecmp(s, lit, n); }

static int name_in(const char *s, size_t n, const char *const *list) {
  for (int i = 0; list[i]; i++)
    if (name_is(s, n, list[i])) return 1;
  return 0;
}

/* Elements that do not end a unit. */
static const char *const inline_names[] = {
    "a",     "abbr", "acronym", "b",    "bdi",  "bdo",    "big",    "br",   "button", "cite",   "code", "data",
    "del",   "dfn",  "em",      "font", "i",    "img",    "input",  "ins",  "kbd",    "label",  "mark", "math",
    "nobr",  "q",    "rp",      "rt",   "ruby", "s",      "samp",   "script", "small", "span",  "strike", "strong",
    "style", "sub",  "sup",     "svg",  "textarea", "time", "tt",   "u",    "var",    "wbr",    "picture", "source",
    NULL};
static const char *const void_names[] = {"area", "base",  "br",   "col",    "embed", "hr",    "img",
                                         "input", "link", "meta", "param", "source", "track", "wbr", NULL};
/* Kept with their content, whatever their attributes. */
static const char *const kept_names[] = {"code", "pre", "script", "style", "textarea", "svg", "math", "xmp",
                                         "iframe", "noembed", "noframes", "plaintext", "template", "kbd", "samp",
                                         NULL};
/* Raw text: no markup inside, up to the matching end tag.  "title" is
 * raw text that is translated (RCDATA). */
static const char *const raw_names[] = {"script", "style", "textarea", "xmp", "iframe", "noembed", "noframes",
                                        "plaintext", "title", NULL};
static const char *const p_closers[] = {"address", "article", "aside",  "blockquote", "details", "div",  "dl",
                                        "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
                                        "h4",      "h5",      "h6",     "header", "hgroup", "hr",  "main", "menu",
                                        "nav",     "ol",      "p",      "pre",    "section", "table", "ul", NULL};

/* ---- tokenizer ---- */

enum { T_TEXT, T_START, T_END, T_MARKUP, T_RAW };

typedef struct attr {
  size_t name_off, name_len;
  size_t val_off, val_len;
  int quote; /* '"' or '\'', 0 unquoted, -1 no value */
} attr;

typedef struct tok {
  int type;
  size_t off, len;
  size_t name_off, name_len; /* tags */
  int self_closing;
} tok;

typedef struct tokenizer {
  const char *s;
  size_t n, pos;
  size_t raw_off, raw_len; /* the raw-text element whose content comes next (raw_len 0: none) */
} tokenizer;

/* Scans the tag at s[pos] ('<' or "</" then a letter).  Fills t and, if
 * av is not NULL, the attributes (up to *n_av, growing *av).  Returns 0,
 * or -1 if the tag is not terminated (or memory ran out, *oom set). */
static int scan_tag(const char *s, size_t n, size_t pos, tok *t, attr **av, size_t *n_av, size_t *cap_av, int *oom) {
  size_t i = pos + 1;
  t->type = T_START;
  if (s[i] == '/') {
    t->type = T_END;
    i++;
  }
  t->name_off = i;
  while (i < n && !is_ws((unsigned char)s[i]) && s[i] != '/' && s[i] != '>') i++;
  t->name_len = i - t->name_off;
  t->self_closing = 0;
  if (av) *n_av = 0;
  for (;;) {
    while (i < n && is_ws((unsigned char)s[i])) i++;
    if (i >= n) return -1;
    if (s[i] == '>') {
      i++;
      break;
    }
    if (s[i] == '/') {
      if (i + 1 < n && s[i + 1] == '>') {
        t->self_closing = 1;
        i += 2;
        break;
      }
      i++;
      continue;
    }
    attr a = {i, 0, 0, 0, -1};
    i++; /* the first character may be '=' */
    while (i < n && !is_ws((unsigned char)s[i]) && s[i] != '/' && s[i] != '>' && s[i] != '=') i++;
    a.name_len = i - a.name_off;
    size_t j = i;
    while (j < n && is_ws((unsigned char)s[j])) j++;
    if (j < n && s[j] == '=') {
      j++;
      while (j < n && is_ws((unsigned char)s[j])) j++;
      if (j >= n) return -1;
      if (s[j] == '"' || s[j] == '\'') {
        const char *q = memchr(s + j + 1, s[j], n - j - 1);
        if (!q) return -1;
        a.quote = s[j];
        a.val_off = j + 1;
        a.val_len = (size_t)(q - s) - a.val_off;
        i = (size_t)(q - s) + 1;
      } else {
        a.quote = 0;
        a.val_off = j;
        while (j < n && !is_ws((unsigned char)s[j]) && s[j] != '>') j++;
        a.val_len = j - a.val_off;
        i = j;
      }
    }
    if (av) {
      if (*n_av == *cap_av) {
        size_t cap = *cap_av ? *cap_av * 2 : 8;
        attr *p = pl_realloc_array(*av, cap, sizeof *p);
        if (!p) {
          *oom = 1;
          return -1;
        }
        *av = p;
        *cap_av = cap;
      }
      (*av)[(*n_av)++] = a;
    }
  }
  t->len = i - pos;
  return 0;
}

/* Offset of the end of the raw text that starts at `from`: the next
 * "</name" followed by a blank, '/' or '>' (or the end of the input). */
static size_t raw_end(const char *s, size_t n, size_t from, const char *name, size_t name_len) {
  for (size_t i = from; i < n;) {
    const char *lt = memchr(s + i, '<', n - i);
    if (!lt) return n;
    i = (size_t)(lt - s);
    if (n - i >= name_len + 3 && s[i + 1] == '/' && !strncasecmp(s + i + 2, name, name_len)) {
      int c = (unsigned char)s[i + 2 + name_len];
      if (is_ws(c) || c == '/' || c == '>') return i;
    }
    i++;
  }
  return n;
}

static size_t find_str(const char *s, size_t n, size_t from, const char *lit) {
  size_t k = strlen(lit);
  for (size_t i = from; i + k <= n; i++) {
    const char *p = memchr(s + i, lit[0], n - i);
    if (!p) return n;
    i = (size_t)(p - s);
    if (i + k <= n && !memcmp(s + i, lit, k)) return i + k;
  }
  return n;
}

/* The next token.  Returns 0 at the end of the input. */
static int next_token(tokenizer *z, tok *t) {
  const char *s = z->s;
  size_t n = z->n, i = z->pos;
  if (i >= n) return 0;
  memset(t, 0, sizeof *t);
  t->off = i;
  if (z->raw_len) { /* the content of a raw-text element */
    size_t e = name_is(s + z->raw_off, z->raw_len, "plaintext") ? n : raw_end(s, n, i, s + z->raw_off, z->raw_len);
    t->type = name_is(s + z->raw_off, z->raw_len, "title") ? T_TEXT : T_RAW;
    z->raw_len = 0;
    if (e > i) {
      t->len = e - i;
      z->pos = e;
      return 1;
    }
  }
  if (s[i] == '<' && i + 1 < n) {
    int c = (unsigned char)s[i + 1];
    if (is_alpha(c) || (c == '/' && i + 2 < n && is_alpha((unsigned char)s[i + 2]))) {
      int oom = 0;
      if (!scan_tag(s, n, i, t, NULL, NULL, NULL, &oom)) {
        if (t->type == T_START && !t->self_closing && name_in(s + t->name_off, t->name_len, raw_names)) {
          z->raw_off = t->name_off;
          z->raw_len = t->name_len;
        }
        z->pos = i + t->len;
        return 1;
      }
      t->type = T_MARKUP; /* unterminated: the rest is kept */
      t->len = n - i;
      z->pos = n;
      return 1;
    }
    if (c == '!' || c == '?' || (c == '/' && i + 2 < n && s[i + 2] == '>')) {
      size_t e;
      if (n - i >= 4 && !memcmp(s + i, "<!--", 4)) {
        if (n - i >= 5 && s[i + 4] == '>') e = i + 5;
        else if (n - i >= 6 && !memcmp(s + i + 4, "->", 2)) e = i + 6;
        else e = find_str(s, n, i + 4, "-->");
      } else if (n - i >= 9 && !memcmp(s + i, "<![CDATA[", 9)) {
        e = find_str(s, n, i + 9, "]]>");
      } else {
        const char *gt = memchr(s + i + 1, '>', n - i - 1);
        e = gt ? (size_t)(gt - s) + 1 : n;
      }
      t->type = T_MARKUP;
      t->len = e - i;
      z->pos = e;
      return 1;
    }
  }
  /* text, up to the next '<' that may start markup */
  size_t j = i + 1;
  for (;;) {
    const char *lt = j < n ? memchr(s + j, '<', n - j) : NULL;
    if (!lt) {
      j = n;
      break;
    }
    j = (size_t)(lt - s);
    if (j + 1 < n) {
      int c = (unsigned char)s[j + 1];
      if (is_alpha(c) || c == '!' || c == '?' || c == '/') break;
    }
    j++;
  }
  t->type = T_TEXT;
  t->len = j - i;
  z->pos = j;
  return 1;
}

/* ---- a unit: its pieces, the stream, and back ---- */

enum { US_TEXT, US_ITEM };

typedef struct uspan {
  size_t off, len;
  int kind;
  int closing;           /* an end tag */
  size_t rep_off, rep_len; /* rewritten bytes in hx.rep (rep_len 0: none) */
} uspan;

typedef struct hx {
  const char *s;
  size_t n;
  html_xlate_fn fn;
  void *ctx;
  const char *lang;
  bbuf *out;
  pl_err *e;
  uspan *u; /* the unit being collected */
  size_t n_u, cap_u;
  bbuf rep; /* rewritten tags */
  attr *av;
  size_t n_av, cap_av;
  int oom;
} hx;

typedef struct item {
  size_t off, len;         /* input bytes */
  size_t rep_off, rep_len; /* output bytes in hx.rep, if rep_len */
  size_t r_off, r_len;     /* rendering in the stream (in `rend`) */
  int ord;                 /* markup: must appear once and in order */
  int closing;
} item;

typedef struct gap {
  size_t dec_off, dec_len; /* decoded text (in `dec`) */
  size_t raw_off, raw_len; /* its input bytes */
} gap;

typedef struct ent_ {
  long it; /* item index, or -1 for text */
  size_t off, len; /* text in `odec` */
} oent;

typedef struct unit {
  item *it;
  size_t n_it, cap_it;
  gap *gp; /* n_it + 1 gaps */
  size_t cap_gp;
  bbuf dec, rend, stream, tr, odec;
  oent *ent, *fin;
  size_t n_ent, cap_ent, n_fin, cap_fin;
  int failed;
} unit;

static void *grow(void *p, size_t *cap, size_t need, size_t size, int *failed) {
  if (need <= *cap) return p;
  size_t c = *cap ? *cap : 16;
  while (c < need) c *= 2;
  void *q = pl_realloc_array(p, c, size);
  if (!q) {
    *failed = 1;
    return NULL;
  }
  *cap = c;
  return q;
}

static void unit_free(unit *u) {
  free(u->it);
  free(u->gp);
  bbuf_free(&u->dec);
  bbuf_free(&u->rend);
  bbuf_free(&u->stream);
  bbuf_free(&u->tr);
  bbuf_free(&u->odec);
  free(u->ent);
  free(u->fin);
}

/* Escapes bytes for the stream: the specials with '\', NUL as "\0". */
static void put_escaped(bbuf *b, const char *p, size_t n) {
  static const char special[] = "[]\\/@<>^${}";
  size_t s = 0;
  for (size_t i = 0; i < n; i++) {
    int c = (unsigned char)p[i];
    if (c && !strchr(special, c)) continue;
    bbuf_append(b, p + s, i - s);
    bbuf_putc(b, '\\');
    bbuf_putc(b, c ? c : '0');
    s = i + 1;
  }
  bbuf_append(b, p + s, n - s);
}

/* Ends the current gap at input offset `at` and adds an item there. */
static void add_item(unit *u, size_t off, size_t len, int ord, int closing, size_t rep_off, size_t rep_len) {
  void *p = grow(u->it, &u->cap_it, u->n_it + 1, sizeof *u->it, &u->failed);
  void *q = grow(u->gp, &u->cap_gp, u->n_it + 2, sizeof *u->gp, &u->failed);
  if (!p || !q) {
    if (p) u->it = p;
    if (q) u->gp = q;
    return;
  }
  u->it = p;
  u->gp = q;
  gap *g = &u->gp[u->n_it];
  g->raw_len = off - g->raw_off;
  g->dec_len = u->dec.len - g->dec_off;
  item *it = &u->it[u->n_it++];
  *it = (item){off, len, rep_off, rep_len, 0, 0, ord, closing};
  gap *ng = &u->gp[u->n_it];
  ng->raw_off = off + len;
  ng->dec_off = u->dec.len;
}

/* Decodes the text s[a..b) into the unit: text into the current gap,
 * blank runs, '~', NUL and undecoded references as free items. */
static void add_text(unit *u, const char *s, size_t a, size_t b) {
  size_t i = a;
  while (i < b) {
    int c = (unsigned char)s[i];
    if (is_blank(c)) {
      size_t j = i + 1;
      while (j < b && is_blank((unsigned char)s[j])) j++;
      if (j - i == 1 && c == ' ') bbuf_putc(&u->dec, ' ');
      else add_item(u, i, j - i, 0, 0, 0, 0);
      i = j;
    } else if (c == '&') {
      uint32_t cp;
      size_t k = html_entity(s + i, b - i, &cp);
      if (k && cp != '~') {
        bbuf_put_utf8(&u->dec, cp);
        i += k;
        continue;
      }
      if (!k) { /* a reference parley does not decode is kept as it is */
        size_t j = i + 1;
        if (j < b && s[j] == '#') j++;
        while (j < b && j - i < 40 && (is_alpha((unsigned char)s[j]) || (s[j] >= '0' && s[j] <= '9'))) j++;
        if (j > i + 1 && j < b && s[j] == ';' && !(j == i + 2 && s[i + 1] == '#')) k = j + 1 - i;
      }
      if (k) add_item(u, i, k, 0, 0, 0, 0);
      else bbuf_putc(&u->dec, '&');
      i += k ? k : 1;
    } else {
      size_t j = i + 1;
      while (j < b && !is_blank((unsigned char)s[j]) && s[j] != '&') j++;
      bbuf_append(&u->dec, s + i, j - i);
      i = j;
    }
  }
}

static uint64_t hash_bytes(const char *p, size_t n) { return pl_hash(p, n); }

/* Matching superblanks to items: items with the same rendering form a
 * group, taken in input order. */
typedef struct matcher {
  long *slot; /* hash table: group head item, or -1 */
  size_t mask;
  long *next, *cursor; /* next item of the same group; first untaken of a group (at its head) */
} matcher;

static int matcher_init(matcher *m, const unit *u) {
  size_t cap = 16;
  while (cap < 2 * u->n_it + 2) cap *= 2;
  m->slot = malloc(cap * sizeof *m->slot);
  m->next = malloc((u->n_it + 1) * sizeof *m->next);
  m->cursor = malloc((u->n_it + 1) * sizeof *m->cursor);
  long *last = malloc((u->n_it + 1) * sizeof *last);
  m->mask = cap - 1;
  if (!m->slot || !m->next || !m->cursor || !last) {
    free(last);
    return -1;
  }
  for (size_t i = 0; i < cap; i++) m->slot[i] = -1;
  for (size_t k = 0; k < u->n_it; k++) {
    const item *it = &u->it[k];
    const char *r = BP(&u->rend) + it->r_off;
    m->next[k] = -1;
    for (size_t h = hash_bytes(r, it->r_len) & m->mask;; h = (h + 1) & m->mask) {
      long g = m->slot[h];
      if (g < 0) {
        m->slot[h] = (long)k;
        m->cursor[k] = (long)k;
        last[k] = (long)k;
        break;
      }
      const item *gi = &u->it[g];
      if (gi->r_len == it->r_len && !memcmp(BP(&u->rend) + gi->r_off, r, it->r_len)) {
        m->next[last[g]] = (long)k;
        last[g] = (long)k;
        break;
      }
    }
  }
  free(last);
  return 0;
}

static void matcher_free(matcher *m) {
  free(m->slot);
  free(m->next);
  free(m->cursor);
}

/* The first untaken item rendered as r[0..n), taken; or -1. */
static long matcher_take(matcher *m, const unit *u, const char *r, size_t n) {
  for (size_t h = hash_bytes(r, n) & m->mask;; h = (h + 1) & m->mask) {
    long g = m->slot[h];
    if (g < 0) return -1;
    const item *gi = &u->it[g];
    if (gi->r_len == n && !memcmp(BP(&u->rend) + gi->r_off, r, n)) {
      long k = m->cursor[g];
      if (k >= 0) m->cursor[g] = m->next[k];
      return k;
    }
  }
}

static void push_ent(unit *u, oent **v, size_t *n, size_t *cap, oent e) {
  oent *p = grow(*v, cap, *n + 1, sizeof **v, &u->failed);
  if (!p) return;
  *v = p;
  (*v)[(*n)++] = e;
}

/* Reads the translated stream u->tr into u->ent. */
static void read_stream(unit *u, matcher *m) {
  const char *s = u->tr.p ? u->tr.p : "";
  size_t n = u->tr.len;
  u->n_ent = 0;
  size_t text_start = 0;
  int in_text = 0;
#define END_TEXT()                                                                                   \
  do {                                                                                               \
    if (in_text && u->odec.len > text_start)                                                         \
      push_ent(u, &u->ent, &u->n_ent, &u->cap_ent, (oent){-1, text_start, u->odec.len - text_start}); \
    in_text = 0;                                                                                     \
  } while (0)
  for (size_t i = 0; i < n;) {
    int c = (unsigned char)s[i];
    if (c == '[') {
      size_t j = i + 1;
      while (j < n && s[j] != ']') j += s[j] == '\\' && j + 1 < n ? 2 : 1;
      if (j == i + 1) { /* "[]": with the '.' before it, destxt's sentence end */
        if (in_text && u->odec.len > text_start && u->odec.p[u->odec.len - 1] == '.') u->odec.len--;
      } else {
        long k = matcher_take(m, u, s + i + 1, j - i - 1);
        if (k >= 0) {
          END_TEXT();
          push_ent(u, &u->ent, &u->n_ent, &u->cap_ent, (oent){k, 0, 0});
        }
      }
      i = j < n ? j + 1 : n;
      continue;
    }
    if (!in_text) {
      in_text = 1;
      text_start = u->odec.len;
    }
    if (c == '\\' && i + 1 < n) {
      bbuf_putc(&u->odec, s[i + 1]);
      i += 2;
    } else if (c == ']') {
      i++; /* a stray bracket, as retxt drops it */
    } else {
      size_t j = i + 1;
      while (j < n && s[j] != '[' && s[j] != '\\' && s[j] != ']') j++;
      bbuf_append(&u->odec, s + i, j - i);
      i = j;
    }
  }
  END_TEXT();
#undef END_TEXT
}

/* Puts the markup items in input order (see the file comment): u->ent ->
 * u->fin. */
static void repair(unit *u) {
  size_t n = u->n_it, m = 0;
  long *rank = malloc((n + 1) * sizeof *rank);  /* item -> rank among markup items */
  long *byrank = malloc((n + 1) * sizeof *byrank);
  long *seq = malloc((n + 1) * sizeof *seq);    /* ranks in output order */
  long *tails = malloc((n + 1) * sizeof *tails), *prev = malloc((n + 1) * sizeof *prev);
  long *aft_end = calloc(n + 2, sizeof *aft_end), *bef_start = calloc(n + 2, sizeof *bef_start);
  char *kept = calloc(n + 1, 1), *seen = calloc(n + 1, 1);
  u->n_fin = 0;
  if (!rank || !byrank || !seq || !tails || !prev || !aft_end || !bef_start || !kept || !seen) {
    u->failed = 1;
    goto out;
  }
  for (size_t k = 0; k < n; k++) {
    rank[k] = u->it[k].ord ? (long)m : -1;
    if (u->it[k].ord) byrank[m++] = (long)k;
  }
  size_t ns = 0;
  for (size_t i = 0; i < u->n_ent; i++)
    if (u->ent[i].it >= 0) {
      seen[u->ent[i].it] = 1;
      if (rank[u->ent[i].it] >= 0) seq[ns++] = rank[u->ent[i].it];
    }
  /* the longest increasing subsequence of seq (patience sorting) */
  size_t nt = 0;
  for (size_t i = 0; i < ns; i++) {
    size_t lo = 0, hi = nt;
    while (lo < hi) {
      size_t mid = (lo + hi) / 2;
      if (seq[tails[mid]] < seq[i]) lo = mid + 1;
      else hi = mid;
    }
    prev[i] = lo ? tails[lo - 1] : -1;
    tails[lo] = (long)i;
    if (lo == nt) nt++;
  }
  for (long i = nt ? tails[nt - 1] : -1; i >= 0; i = prev[i]) kept[seq[i]] = 1;
  /* the displaced ranks between two kept ones: up to the first end tag
   * after the earlier, the rest before the later */
  long j = -1;
  for (long r = 0; r <= (long)m; r++) {
    if (r < (long)m && !kept[r]) continue;
    long split = j + 1;
    while (split < r && !u->it[byrank[split]].closing) split++;
    aft_end[j + 1] = split;
    bef_start[r] = split;
    j = r;
  }
  long start_end = aft_end[0];
  for (long r = 0; r < start_end; r++) push_ent(u, &u->fin, &u->n_fin, &u->cap_fin, (oent){byrank[r], 0, 0});
  for (size_t i = 0; i < u->n_ent; i++) {
    oent e = u->ent[i];
    long r = e.it >= 0 ? rank[e.it] : -1;
    if (r < 0) {
      push_ent(u, &u->fin, &u->n_fin, &u->cap_fin, e);
      continue;
    }
    if (!kept[r]) continue;
    for (long q = bef_start[r]; q <= r; q++) push_ent(u, &u->fin, &u->n_fin, &u->cap_fin, (oent){byrank[q], 0, 0});
    for (long q = r + 1; q < aft_end[r + 1]; q++) push_ent(u, &u->fin, &u->n_fin, &u->cap_fin, (oent){byrank[q], 0, 0});
  }
  if (m) /* the end tags after the last kept one */
    for (long q = bef_start[m]; q < (long)m; q++)
      push_ent(u, &u->fin, &u->n_fin, &u->cap_fin, (oent){byrank[q], 0, 0});
  for (size_t k = 0; k < n; k++) /* free items the stages dropped */
    if (!u->it[k].ord && !seen[k]) push_ent(u, &u->fin, &u->n_fin, &u->cap_fin, (oent){(long)k, 0, 0});
out:
  free(rank);
  free(byrank);
  free(seq);
  free(tails);
  free(prev);
  free(aft_end);
  free(bef_start);
  free(kept);
  free(seen);
}

static void put_html_text(bbuf *b, const char *p, size_t n, int quote) {
  size_t s = 0;
  for (size_t i = 0; i < n; i++) {
    int c = (unsigned char)p[i];
    const char *r = c == '&' ? "&amp;" : c == '<' ? "&lt;" : c == '>' ? "&gt;"
                  : quote && c == '"' ? "&quot;" : quote && c == '\'' ? "&#39;" : NULL;
    if (!r) continue;
    bbuf_append(b, p + s, i - s);
    bbuf_puts(b, r);
    s = i + 1;
  }
  bbuf_append(b, p + s, n - s);
}

/* Translates the unit made of the spans sp[0..n_sp) (consecutive in the
 * input) and appends it to dst.  quote: 0 for text, else the quote the
 * result will be written between (attribute values). */
static int xlate_unit(hx *h, const uspan *sp, size_t n_sp, int quote, bbuf *dst) {
  const char *s = h->s;
  if (!n_sp) return PL_OK;
  size_t a = sp[0].off, b = sp[n_sp - 1].off + sp[n_sp - 1].len;
  int content = 0;
  for (size_t i = 0; i < n_sp && !content; i++)
    if (sp[i].kind == US_TEXT)
      for (size_t k = 0; k < sp[i].len && !content; k++) content = !is_ws((unsigned char)s[sp[i].off + k]);
  if (!content) { /* nothing to translate: as it was, rewritten tags aside */
    for (size_t i = 0; i < n_sp; i++) {
      if (sp[i].rep_len) bbuf_append(dst, BP(&h->rep) + sp[i].rep_off, sp[i].rep_len);
      else bbuf_append(dst, s + sp[i].off, sp[i].len);
    }
    return dst->failed ? pl_err_set(h->e, PL_ENOMEM, -1, "html: out of memory") : PL_OK;
  }
  /* the blanks that open and close the unit stay outside it */
  size_t lead = 0, trail = 0;
  if (sp[0].kind == US_TEXT)
    while (lead < sp[0].len && is_ws((unsigned char)s[a + lead])) lead++;
  if (sp[n_sp - 1].kind == US_TEXT)
    while (trail < sp[n_sp - 1].len && is_ws((unsigned char)s[b - 1 - trail])) trail++;
  if (n_sp == 1 && lead + trail > sp[0].len) trail = sp[0].len - lead;
  unit u;
  memset(&u, 0, sizeof u);
  int rc = PL_OK;
  u.gp = grow(NULL, &u.cap_gp, 1, sizeof *u.gp, &u.failed);
  if (!u.gp) goto out;
  u.gp[0].raw_off = a + lead;
  u.gp[0].dec_off = 0;
  for (size_t i = 0; i < n_sp; i++) {
    size_t o = sp[i].off, e = sp[i].off + sp[i].len;
    if (i == 0) o += lead;
    if (i == n_sp - 1) e -= trail;
    if (sp[i].kind == US_TEXT) add_text(&u, s, o, e);
    else add_item(&u, o, e - o, 1, sp[i].closing, sp[i].rep_off, sp[i].rep_len);
  }
  if (u.failed) goto out;
  gap *g = &u.gp[u.n_it];
  g->raw_len = b - trail - g->raw_off;
  g->dec_len = u.dec.len - g->dec_off;
  /* the stream */
  for (size_t k = 0; k <= u.n_it; k++) {
    put_escaped(&u.stream, BP(&u.dec) + u.gp[k].dec_off, u.gp[k].dec_len);
    if (k == u.n_it) break;
    item *it = &u.it[k];
    it->r_off = u.rend.len;
    put_escaped(&u.rend, s + it->off, it->len);
    it->r_len = u.rend.len - it->r_off;
    bbuf_putc(&u.stream, '[');
    bbuf_append(&u.stream, BP(&u.rend) + it->r_off, it->r_len);
    bbuf_putc(&u.stream, ']');
  }
  bbuf_puts(&u.stream, ".[]");
  if (u.stream.failed || u.rend.failed || u.dec.failed) goto out;
  rc = h->fn(h->ctx, u.stream.p, u.stream.len, &u.tr, h->e);
  if (rc) goto done;
  if (u.tr.failed) goto out;
  matcher m;
  memset(&m, 0, sizeof m);
  if (matcher_init(&m, &u)) {
    matcher_free(&m);
    goto out;
  }
  read_stream(&u, &m);
  matcher_free(&m);
  if (u.failed || u.odec.failed) goto out;
  repair(&u);
  if (u.failed) goto out;
  /* write it */
  bbuf_append(dst, s + a, lead);
  for (size_t i = 0; i < u.n_fin; i++) {
    oent e = u.fin[i];
    if (e.it >= 0) {
      const item *it = &u.it[e.it];
      if (it->rep_len) bbuf_append(dst, BP(&h->rep) + it->rep_off, it->rep_len);
      else bbuf_append(dst, s + it->off, it->len);
      continue;
    }
    /* the neighbouring items (-1: the start; text next to text: never the input's) */
    long before = i ? (u.fin[i - 1].it >= 0 ? u.fin[i - 1].it : -3) : -1;
    long after = i + 1 < u.n_fin ? (u.fin[i + 1].it >= 0 ? u.fin[i + 1].it : -3) : (long)u.n_it;
    const gap *gg = before >= -1 && after == before + 1 ? &u.gp[before + 1] : NULL;
    if (gg && gg->dec_len == e.len && !memcmp(BP(&u.dec) + gg->dec_off, BP(&u.odec) + e.off, e.len))
      bbuf_append(dst, s + gg->raw_off, gg->raw_len);
    else put_html_text(dst, BP(&u.odec) + e.off, e.len, quote);
  }
  bbuf_append(dst, s + b - trail, trail);
out:
  if (u.failed || u.dec.failed || u.rend.failed || u.stream.failed || u.tr.failed || u.odec.failed || dst->failed)
    rc = pl_err_set(h->e, PL_ENOMEM, -1, "html: out of memory");
done:
  unit_free(&u);
  return rc;
}

/* ---- the page ---- */

static void unit_add(hx *h, size_t off, size_t len, int kind, int closing, size_t rep_off, size_t rep_len) {
  uspan *p = grow(h->u, &h->cap_u, h->n_u + 1, sizeof *h->u, &h->oom);
  if (!p) return;
  h->u = p;
  h->u[h->n_u++] = (uspan){off, len, kind, closing, rep_off, rep_len};
}

static int flush(hx *h) {
  if (h->oom) return pl_err_set(h->e, PL_ENOMEM, -1, "html: out of memory");
  int rc = xlate_unit(h, h->u, h->n_u, 0, h->out);
  h->n_u = 0;
  return rc;
}

static const attr *find_attr(const hx *h, const char *name) {
  for (size_t i = 0; i < h->n_av; i++)
    if (name_is(h->s + h->av[i].name_off, h->av[i].name_len, name)) return &h->av[i];
  return NULL;
}

static int attr_val_is(const hx *h, const attr *a, const char *lit) {
  return a && a->quote >= 0 && name_is(h->s + a->val_off, a->val_len, lit);
}

/* translate="no" or class "notranslate" (the attributes are in h->av). */
static int marked_no(const hx *h) {
  const attr *t = find_attr(h, "translate");
  if (attr_val_is(h, t, "no")) return 1;
  const attr *c = find_attr(h, "class");
  if (!c || c->quote < 0) return 0;
  const char *v = h->s + c->val_off;
  for (size_t i = 0; i < c->val_len;) {
    while (i < c->val_len && is_ws((unsigned char)v[i])) i++;
    size_t j = i;
    while (j < c->val_len && !is_ws((unsigned char)v[j])) j++;
    if (name_is(v + i, j - i, "notranslate")) return 1;
    i = j;
  }
  return 0;
}

static int translatable_attr(const hx *h, const tok *t, const attr *a) {
  static const char *const names[] = {"alt", "title", "placeholder", "aria-label", NULL};
  const char *s = h->s;
  if (a->quote < 0) return 0;
  if (name_in(s + a->name_off, a->name_len, names)) return 1;
  if (name_is(s + t->name_off, t->name_len, "meta") && name_is(s + a->name_off, a->name_len, "content")) {
    const attr *nm = find_attr(h, "name"), *pr = find_attr(h, "property");
    return attr_val_is(h, nm, "description") || attr_val_is(h, nm, "twitter:title") ||
           attr_val_is(h, nm, "twitter:description") || attr_val_is(h, pr, "og:title") ||
           attr_val_is(h, pr, "og:description") || attr_val_is(h, pr, "description");
  }
  return 0;
}

/* The start tag t with its attributes translated and, on <html>, lang set:
 * the new bytes go to h->rep (*rep_len 0 if nothing changed). */
static int rewrite_tag(hx *h, const tok *t, int keep, size_t *rep_off, size_t *rep_len) {
  const char *s = h->s;
  *rep_len = 0;
  int is_html = h->lang && name_is(s + t->name_off, t->name_len, "html");
  if (keep && !is_html) return PL_OK;
  size_t start = h->rep.len, at = t->off; /* copied up to `at` */
  int changed = 0, lang_done = 0;
  if (is_html && !find_attr(h, "lang")) { /* lang="XX" right after the name */
    changed = 1;
    size_t e = t->name_off + t->name_len;
    bbuf_append(&h->rep, s + at, e - at);
    bbuf_puts(&h->rep, " lang=\"");
    bbuf_puts(&h->rep, h->lang);
    bbuf_putc(&h->rep, '"');
    at = e;
  }
  for (size_t i = 0; i < h->n_av; i++) {
    const attr *a = &h->av[i];
    bbuf v = {0};
    if (is_html && !lang_done && name_is(s + a->name_off, a->name_len, "lang")) {
      lang_done = 1;
      if (a->quote >= 0 && a->val_len == strlen(h->lang) && !memcmp(s + a->val_off, h->lang, a->val_len)) continue;
      bbuf_puts(&v, h->lang);
    } else if (!keep && translatable_attr(h, t, a)) {
      uspan sp = {a->val_off, a->val_len, US_TEXT, 0, 0, 0};
      int rc = xlate_unit(h, &sp, 1, a->quote > 0 ? a->quote : '"', &v);
      if (rc) {
        bbuf_free(&v);
        return rc;
      }
      if (v.len == a->val_len && !memcmp(BP(&v), s + a->val_off, v.len)) {
        bbuf_free(&v);
        continue;
      }
    } else {
      continue;
    }
    changed = 1;
    if (a->quote > 0) {
      bbuf_append(&h->rep, s + at, a->val_off - at);
      bbuf_append(&h->rep, v.p, v.len);
      at = a->val_off + a->val_len;
    } else if (a->quote == 0) {
      bbuf_append(&h->rep, s + at, a->val_off - at);
      bbuf_putc(&h->rep, '"');
      bbuf_append(&h->rep, v.p, v.len);
      bbuf_putc(&h->rep, '"');
      at = a->val_off + a->val_len;
    } else { /* a bare "lang" */
      bbuf_append(&h->rep, s + at, a->name_off + a->name_len - at);
      bbuf_puts(&h->rep, "=\"");
      bbuf_append(&h->rep, v.p, v.len);
      bbuf_putc(&h->rep, '"');
      at = a->name_off + a->name_len;
    }
    bbuf_free(&v);
  }
  if (!changed) {
    h->rep.len = start;
    return PL_OK;
  }
  bbuf_append(&h->rep, s + at, t->off + t->len - at);
  if (h->rep.failed) return pl_err_set(h->e, PL_ENOMEM, -1, "html: out of memory");
  *rep_off = start;
  *rep_len = h->rep.len - start;
  return PL_OK;
}

/* Whether a start tag `name` implies the end of an open `top`. */
static int implies_end(const char *s, const tok *t, size_t top_off, size_t top_len) {
  const char *n = s + t->name_off;
  size_t l = t->name_len;
  const char *tp = s + top_off;
  if (name_is(tp, top_len, "p")) return name_in(n, l, p_closers);
  if (name_is(tp, top_len, "li")) return name_is(n, l, "li");
  if (name_is(tp, top_len, "dt") || name_is(tp, top_len, "dd")) return name_is(n, l, "dt") || name_is(n, l, "dd");
  if (name_is(tp, top_len, "option")) return name_is(n, l, "option") || name_is(n, l, "optgroup");
  if (name_is(tp, top_len, "td") || name_is(tp, top_len, "th"))
    return name_is(n, l, "td") || name_is(n, l, "th") || name_is(n, l, "tr");
  if (name_is(tp, top_len, "tr")) return name_is(n, l, "tr");
  return 0;
}

/* A kept element: everything from its start tag to its end is one piece. */
typedef struct region {
  size_t start;
  int is_inline;
  size_t *stk; /* open elements inside it: name offset, name length, ... */
  size_t n_stk, cap_stk;
} region;

static int region_push(hx *h, region *r, const tok *t) {
  size_t *p = grow(r->stk, &r->cap_stk, r->n_stk + 2, sizeof *r->stk, &h->oom);
  if (!p) return -1;
  r->stk = p;
  r->stk[r->n_stk++] = t->name_off;
  r->stk[r->n_stk++] = t->name_len;
  return 0;
}

static int region_end(hx *h, region *r, size_t end) {
  r->n_stk = 0;
  if (r->is_inline) {
    unit_add(h, r->start, end - r->start, US_ITEM, 0, 0, 0);
    return PL_OK;
  }
  int rc = flush(h);
  if (!rc && bbuf_append(h->out, h->s + r->start, end - r->start))
    rc = pl_err_set(h->e, PL_ENOMEM, -1, "html: out of memory");
  return rc;
}

/* Inside a region: 1 if t belongs to it (and 2 if t closes it), 0 if the
 * region ends before t. */
static int region_take(hx *h, region *r, const tok *t) {
  const char *s = h->s;
  if (t->type == T_START) {
    while (r->n_stk && implies_end(s, t, r->stk[r->n_stk - 2], r->stk[r->n_stk - 1])) {
      if (r->n_stk == 2) return 0;
      r->n_stk -= 2;
    }
    if (!t->self_closing && !name_in(s + t->name_off, t->name_len, void_names)) region_push(h, r, t);
    return 1;
  }
  if (t->type != T_END) return 1;
  for (size_t i = r->n_stk; i >= 2; i -= 2)
    if (r->stk[i - 1] == t->name_len && !strncasecmp(s + r->stk[i - 2], s + t->name_off, t->name_len)) {
      r->n_stk = i - 2;
      return r->n_stk ? 1 : 2;
    }
  /* not open here: an ancestor's end tag ends the region, a stray inline one is kept */
  return name_in(s + t->name_off, t->name_len, inline_names) ? 1 : 0;
}

int html_process(const char *html, size_t len, html_xlate_fn fn, void *ctx, const char *target_lang, bbuf *out,
                 pl_err *e) {
  long long bad = utf8_check(html ? html : "", len);
  if (bad >= 0)
    return pl_err_set(e, PL_EINPUT, bad, "html: invalid UTF-8 at byte offset %lld; the page must be UTF-8", bad);
  hx h;
  memset(&h, 0, sizeof h);
  h.s = html ? html : "";
  h.n = len;
  h.fn = fn;
  h.ctx = ctx;
  h.lang = target_lang && *target_lang ? target_lang : NULL;
  h.out = out;
  h.e = e;
  tokenizer z = {h.s, len, 0, 0, 0};
  region r;
  memset(&r, 0, sizeof r);
  int in_region = 0, rc = PL_OK;
  tok t;
  while (!rc && !h.oom && next_token(&z, &t)) {
    if (in_region) {
      int k = region_take(&h, &r, &t);
      if (k) {
        if (k == 2) {
          in_region = 0;
          rc = region_end(&h, &r, t.off + t.len);
        }
        continue;
      }
      in_region = 0;
      if ((rc = region_end(&h, &r, t.off))) break;
    }
    const char *nm = h.s + t.name_off;
    switch (t.type) {
    case T_TEXT:
      unit_add(&h, t.off, t.len, US_TEXT, 0, 0, 0);
      break;
    case T_MARKUP:
    case T_RAW:
      unit_add(&h, t.off, t.len, US_ITEM, 0, 0, 0);
      break;
    case T_START: {
      tok t2;
      if (scan_tag(h.s, h.n, t.off, &t2, &h.av, &h.n_av, &h.cap_av, &h.oom)) break; /* cannot fail twice */
      int is_inline = name_in(nm, t.name_len, inline_names);
      int keep = marked_no(&h) || name_in(nm, t.name_len, kept_names);
      int is_void = t.self_closing || name_in(nm, t.name_len, void_names);
      if (keep && !is_void) {
        if (!is_inline && (rc = flush(&h))) break;
        in_region = 1;
        r.start = t.off;
        r.is_inline = is_inline;
        r.n_stk = 0;
        region_push(&h, &r, &t);
        break;
      }
      size_t ro = 0, rl = 0;
      if ((rc = rewrite_tag(&h, &t, keep, &ro, &rl))) break;
      if (is_inline) {
        unit_add(&h, t.off, t.len, US_ITEM, 0, ro, rl);
      } else {
        if ((rc = flush(&h))) break;
        if (rl ? bbuf_append(out, BP(&h.rep) + ro, rl) : bbuf_append(out, h.s + t.off, t.len))
          rc = pl_err_set(e, PL_ENOMEM, -1, "html: out of memory");
      }
      break;
    }
    default: /* T_END */
      if (name_in(nm, t.name_len, inline_names)) {
        unit_add(&h, t.off, t.len, US_ITEM, 1, 0, 0);
      } else {
        if ((rc = flush(&h))) break;
        if (bbuf_append(out, h.s + t.off, t.len)) rc = pl_err_set(e, PL_ENOMEM, -1, "html: out of memory");
      }
      break;
    }
  }
  if (!rc && in_region) rc = region_end(&h, &r, h.n);
  if (!rc) rc = flush(&h);
  if (!rc && (h.oom || out->failed)) rc = pl_err_set(e, PL_ENOMEM, -1, "html: out of memory");
  free(h.u);
  free(h.av);
  free(r.stk);
  bbuf_free(&h.rep);
  return rc;
}

/* ---- translation steps ---- */

static int identity(void *ctx, const char *stream, size_t len, bbuf *out, pl_err *e) {
  (void)ctx;
  return bbuf_append(out, stream, len) ? pl_err_set(e, PL_ENOMEM, -1, "html: out of memory") : PL_OK;
}

int html_roundtrip(const char *html, size_t len, bbuf *out, pl_err *e) {
  return html_process(html, len, identity, NULL, NULL, out, e);
}

typedef struct pipe_ctx {
  const pl_pipeline *p;
  const pipeline_run_opts *ro;
} pipe_ctx;

static int run_pipe(void *ctx, const char *stream, size_t len, bbuf *out, pl_err *e) {
  const pipe_ctx *c = ctx;
  return pipeline_run_stream(c->p, stream, len, c->ro, out, e);
}

int html_translate(const pl_pipeline *p, const char *html, size_t len, const pipeline_run_opts *ro,
                   const char *target_lang, bbuf *out, pl_err *e) {
  pipe_ctx c = {p, ro};
  return html_process(html, len, run_pipe, &c, target_lang, out, e);
}

void html_lang_of_pair(const char *pair, char *buf, size_t cap) {
  static const char *const map[][2] = {
      {"spa", "es"}, {"eng", "en"}, {"cat", "ca"}, {"glg", "gl"}, {"por", "pt"}, {"fra", "fr"}, {"ita", "it"},
      {"oci", "oc"}, {"arg", "an"}, {"ast", "ast"}, {"eus", "eu"}, {"epo", "eo"}, {"ron", "ro"}, {"deu", "de"},
      {"nld", "nl"}, {"afr", "af"}, {"nob", "nb"}, {"nno", "nn"}, {"dan", "da"}, {"swe", "sv"}, {"isl", "is"},
      {"fao", "fo"}, {"bel", "be"}, {"rus", "ru"}, {"ukr", "uk"}, {"pol", "pl"}, {"ces", "cs"}, {"slk", "sk"},
      {"slv", "sl"}, {"hbs", "sh"}, {"srp", "sr"}, {"hrv", "hr"}, {"bos", "bs"}, {"mkd", "mk"}, {"bul", "bg"},
      {"ell", "el"}, {"tur", "tr"}, {"kaz", "kk"}, {"tat", "tt"}, {"kir", "ky"}, {"uzb", "uz"}, {"cym", "cy"},
      {"bre", "br"}, {"gle", "ga"}, {"gla", "gd"}, {"glv", "gv"}, {"mlt", "mt"}, {"ara", "ar"}, {"heb", "he"},
      {"hin", "hi"}, {"urd", "ur"}, {"ind", "id"}, {"msa", "ms"}, {"zlm", "ms"}, {"sme", "se"}, {"fin", "fi"},
      {"est", "et"}, {"hun", "hu"}, {"lit", "lt"}, {"lav", "lv"}, {"srd", "sc"}, {"cos", "co"}, {"fry", "fy"},
      {"ltz", "lb"}, {"que", "qu"}, {"grn", "gn"}, {"swa", "sw"}, {"zho", "zh"}, {"jpn", "ja"}, {"kor", "ko"}};
  const char *d = pair ? strchr(pair, '-') : NULL;
  const char *t = d ? d + 1 : pair ? pair : "";
  size_t l = 0;
  while (t[l] && t[l] != '_' && t[l] != '-') l++;
  if (!cap) return;
  buf[0] = 0;
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
    if (strlen(map[i][0]) == l && !strncmp(t, map[i][0], l)) {
      snprintf(buf, cap, "%s", map[i][1]);
      return;
    }
  snprintf(buf, cap, "%.*s", (int)l, t);
}
