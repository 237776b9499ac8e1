/*
 * trx_re.c - the attribute patterns of transfer rules ("lem", "tags", "a_nom"
 * = "(<(?:n|np)>)" ...), with Apertium's semantics (apertium_re.cc): an ICU
 * pattern compiled with UREGEX_CASE_INSENSITIVE | UREGEX_DOTALL, and "match"
 * is the first find() in the subject.
 *
 * The patterns the rule compiler writes use a small part of ICU's syntax:
 * literals, "\x" escapes of punctuation, ".", "[...]" and "[^...]" classes,
 * "(...)" and "(?:...)" groups, "|", the greedy quantifiers "?", "*", "+",
 * and "^".  Those are compiled here to a tree and run by a backtracking
 * matcher with ICU's leftmost-first semantics, which avoids ICU's per-call
 * set-up (most of the cost of transfer in Debian).  A pattern that uses
 * anything else is handed to ICU itself.  Case-insensitivity compares
 * simple case folds, and classes accept a character if it, its fold, or its
 * upper- or lowercase form is in the class.
 *
 * PARLEY_RE_VERIFY=1 in the environment runs ICU beside every match and
 * aborts on any difference (the differential tests use it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/uregex.h>

#include "trx_int.h"

enum { A_CHAR, A_ANY, A_CLASS, A_GROUP, A_BOL };

typedef struct atom {
  uint8_t kind;
  uint8_t neg;       /* class: [^...] */
  uint16_t min, max; /* max 0xFFFF = unbounded */
  int32_t c;         /* char: folded code point */
  uint32_t a, n;     /* class: ranges [a, a+n); group: alternatives [a, a+n) */
} atom;

typedef struct seq {
  uint32_t a, n; /* atoms [a, a+n) */
  int32_t first; /* folded code point every match starts with, or -1 */
} seq;

struct trx_re {
  URegularExpression *icu; /* compiled at load only for a pattern the native matcher cannot run */
  uint16_t *pat;           /* the pattern, for compiling ICU's form when a run needs it */
  size_t len;
  int native;
  atom *at;
  uint32_t n_at;
  seq *alt;
  uint32_t n_alt;
  int32_t (*rng)[2];
  uint32_t n_rng;
  uint32_t top; /* alternatives of the whole pattern: alt[top..] */
  uint32_t n_top;
  int anchored;  /* every alternative starts with ^ */
  int32_t first; /* literal first code unit every match starts with, or -1 */
  int verify;
  int builtin; /* one of the patterns every rule file has, matched by hand (B_*) */
};

/* The attribute patterns the rule compiler writes into every file, with
 * scanners equivalent to the backtracking matcher on them. */
enum {
  B_NONE = TRX_B_NONE,
  B_LEM = TRX_B_LEM,
  B_LEMH = TRX_B_LEMH,
  B_WHOLE = TRX_B_WHOLE,
  B_TAGS = TRX_B_TAGS,
  B_CONTENT = TRX_B_CONTENT,
  B_CHNAME = TRX_B_CHNAME
};
static const struct {
  const char *pat;
  int id;
} builtins[] = {{"^(([^<]|\"\\<\")+)", B_LEM},
                {"^(([^<#]|\"\\<\"|\"\\#\")+)", B_LEMH},
                {"(.+)", B_WHOLE},
                {"((<[^>]+>)+)", B_TAGS},
                {"(\\{.+)", B_CONTENT},
                {"(\\{([^/]+)\\/)", B_CHNAME}};

static int builtin_of(const uint16_t *pat, size_t len) {
  for (size_t k = 0; k < sizeof builtins / sizeof builtins[0]; k++) {
    const char *b = builtins[k].pat;
    size_t n = strlen(b), i = 0;
    if (n != len) continue;
    while (i < n && pat[i] == (unsigned char)b[i]) i++;
    if (i == n) return builtins[k].id;
  }
  return B_NONE;
}

static int builtin_find(int id, const uint16_t *s, size_t n, size_t *b, size_t *e) {
  size_t i = 0;
  switch (id) {
  case B_LEM:
  case B_LEMH:
    while (i < n && s[i] != '<' && !(id == B_LEMH && s[i] == '#')) i++;
    if (!i) return 0;
    *b = 0;
    *e = i;
    return 1;
  case B_WHOLE:
    if (!n) return 0;
    *b = 0;
    *e = n;
    return 1;
  case B_TAGS:
    for (size_t p = 0; p < n; p++) {
      if (s[p] != '<') continue;
      size_t q = p, end = p;
      while (q < n && s[q] == '<' && q + 1 < n && s[q + 1] != '>') {
        size_t r = q + 1;
        while (r < n && s[r] != '>') r++;
        if (r >= n) break;
        end = q = r + 1;
      }
      if (end > p) {
        *b = p;
        *e = end;
        return 1;
      }
    }
    return 0;
  case B_CONTENT:
    for (size_t p = 0; p + 1 < n; p++)
      if (s[p] == '{') {
        *b = p;
        *e = n;
        return 1;
      }
    return 0;
  case B_CHNAME:
    for (size_t p = 0; p < n; p++) {
      if (s[p] != '{' || p + 1 >= n || s[p + 1] == '/') continue;
      size_t q = p + 1;
      while (q < n && s[q] != '/') q++;
      if (q < n) {
        *b = p;
        *e = q + 1;
        return 1;
      }
    }
    return 0;
  }
  return 0;
}



#define UNB 0xFFFF

/* ---- parser ---- */

typedef struct rp {
  const uint16_t *s;
  size_t n, i;
  trx_re *re;
  int bad;
} rp;

static int32_t fold(int32_t c) {
  if (c < 0x80) return c >= 'A' && c <= 'Z' ? c + 32 : c; /* ASCII folds to ASCII lowercase */
  return (int32_t)u_foldCase(c, U_FOLD_CASE_DEFAULT);
}

static int add_atom(rp *P, atom a, uint32_t *out) {
  trx_re *r = P->re;
  atom *p = pl_realloc_array(r->at, (size_t)r->n_at + 1, sizeof *p);
  if (!p) return P->bad = 1, -1;
  r->at = p;
  r->at[r->n_at] = a;
  *out = r->n_at++;
  return 0;
}

static int32_t next_cp(rp *P) {
  int32_t c = P->s[P->i++];
  if (U16_IS_LEAD(c) && P->i < P->n && U16_IS_TRAIL(P->s[P->i])) c = U16_GET_SUPPLEMENTARY(c, P->s[P->i++]);
  return c;
}

/* An escaped character: only punctuation escapes are literal; letters and
 * digits (\d, \w, \u, \1 ...) are left to ICU. */
static int32_t escaped(rp *P) {
  if (P->i >= P->n) return P->bad = 1, -1;
  int32_t c = next_cp(P);
  if (c < 128 && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return P->bad = 1, -1;
  return c;
}

static void parse_alts(rp *P, uint32_t *first, uint32_t *count);

static void parse_class(rp *P, atom *a) {
  trx_re *r = P->re;
  a->kind = A_CLASS;
  if (P->i < P->n && P->s[P->i] == '^') {
    a->neg = 1;
    P->i++;
  }
  /* ranges are appended at the end of rng; a class is contiguous */
  a->a = r->n_rng;
  int firstc = 1;
  for (;;) {
    if (P->i >= P->n) {
      P->bad = 1;
      return;
    }
    int32_t c = P->s[P->i];
    if (c == ']' && !firstc) {
      P->i++;
      break;
    }
    firstc = 0;
    if (c == '[' || c == '&' || (c == '-' && P->i + 1 < P->n && P->s[P->i + 1] == '[')) { /* set operations */
      P->bad = 1;
      return;
    }
    P->i++;
    if (c == '\\') {
      c = escaped(P);
      if (P->bad) return;
    } else if (U16_IS_LEAD(c)) {
      P->i--;
      c = next_cp(P);
    }
    int32_t hi = c;
    if (P->i + 1 < P->n && P->s[P->i] == '-' && P->s[P->i + 1] != ']') {
      P->i++;
      hi = next_cp(P);
      if (hi == '\\') {
        hi = escaped(P);
        if (P->bad) return;
      } else if (hi == '[') {
        P->bad = 1;
        return;
      }
      if (hi < c) {
        P->bad = 1;
        return;
      }
    }
    int32_t(*p)[2] = pl_realloc_array(r->rng, (size_t)r->n_rng + 1, sizeof *p);
    if (!p) {
      P->bad = 1;
      return;
    }
    r->rng = p;
    r->rng[r->n_rng][0] = c;
    r->rng[r->n_rng][1] = hi;
    r->n_rng++;
  }
  a->n = r->n_rng - a->a;
  /* a->c = 1: every range is ASCII without letters */
  a->c = 1;
  for (uint32_t k = a->a; k < r->n_rng; k++) {
    int32_t lo = r->rng[k][0], hi = r->rng[k][1];
    if (hi >= 0x80 || (lo <= 'Z' && hi >= 'A') || (lo <= 'z' && hi >= 'a')) a->c = 0;
  }
}

/* One sequence, up to '|' or ')' or the end. */
static void parse_seq(rp *P, seq *out) {
  trx_re *r = P->re;
  /* atoms of a sequence must be contiguous: collect indices, then copy */
  atom *tmp = NULL;
  size_t nt = 0, ct = 0;
  while (!P->bad && P->i < P->n && P->s[P->i] != '|' && P->s[P->i] != ')') {
    atom a = {0};
    a.min = a.max = 1;
    int32_t c = next_cp(P);
    if (c == '(') {
      if (P->i + 1 < P->n && P->s[P->i] == '?') {
        if (P->s[P->i + 1] != ':') {
          P->bad = 1;
          break;
        }
        P->i += 2;
      }
      a.kind = A_GROUP;
      parse_alts(P, &a.a, &a.n);
      if (P->bad || P->i >= P->n || P->s[P->i] != ')') {
        P->bad = 1;
        break;
      }
      P->i++;
    } else if (c == '[') {
      parse_class(P, &a);
    } else if (c == '.') {
      a.kind = A_ANY;
    } else if (c == '^') {
      a.kind = A_BOL;
    } else if (c == '\\') {
      a.kind = A_CHAR;
      a.c = fold(escaped(P));
    } else if (c == '$' || c == '*' || c == '+' || c == '?' || c == '{' || c == '}') {
      P->bad = 1; /* anchors and stray quantifiers are left to ICU */
      break;
    } else {
      a.kind = A_CHAR;
      a.c = fold(c);
    }
    if (P->bad) break;
    if (P->i < P->n) {
      uint16_t q = P->s[P->i];
      if (q == '?' || q == '*' || q == '+') {
        if (a.kind == A_BOL) {
          P->bad = 1;
          break;
        }
        P->i++;
        a.min = q == '+';
        a.max = q == '?' ? 1 : UNB;
        if (P->i < P->n && (P->s[P->i] == '?' || P->s[P->i] == '+' || P->s[P->i] == '{')) {
          P->bad = 1; /* lazy or possessive */
          break;
        }
      } else if (q == '{') {
        P->bad = 1;
        break;
      }
    }
    if (nt == ct) {
      ct = ct ? ct * 2 : 8;
      atom *p = pl_realloc_array(tmp, ct, sizeof *p);
      if (!p) {
        P->bad = 1;
        break;
      }
      tmp = p;
    }
    tmp[nt++] = a;
  }
  out->a = r->n_at;
  out->n = (uint32_t)nt;
  for (size_t k = 0; k < nt && !P->bad; k++) {
    uint32_t id;
    add_atom(P, tmp[k], &id);
  }
  free(tmp);
}

static void parse_alts(rp *P, uint32_t *first, uint32_t *count) {
  trx_re *r = P->re;
  seq *tmp = NULL;
  size_t nt = 0, ct = 0;
  for (;;) {
    seq s;
    parse_seq(P, &s);
    if (P->bad) break;
    if (nt == ct) {
      ct = ct ? ct * 2 : 4;
      seq *p = pl_realloc_array(tmp, ct, sizeof *p);
      if (!p) {
        P->bad = 1;
        break;
      }
      tmp = p;
    }
    tmp[nt++] = s;
    if (P->i < P->n && P->s[P->i] == '|') {
      P->i++;
      continue;
    }
    break;
  }
  if (!P->bad) {
    seq *p = pl_realloc_array(r->alt, (size_t)r->n_alt + nt + 1, sizeof *p);
    if (!p) P->bad = 1;
    else {
      r->alt = p;
      *first = r->n_alt;
      *count = (uint32_t)nt;
      if (nt) memcpy(r->alt + r->n_alt, tmp, nt * sizeof *tmp);
      r->n_alt += (uint32_t)nt;
    }
  }
  free(tmp);
}

/* The literal code unit every match must start with, or -1. */
static int32_t first_unit(const trx_re *r, uint32_t alts, uint32_t n) {
  int32_t f = -2;
  for (uint32_t k = 0; k < n; k++) {
    const seq *s = &r->alt[alts + k];
    if (!s->n) return -1;
    const atom *a = &r->at[s->a];
    int32_t g;
    if (a->min == 0) return -1;
    if (a->kind == A_CHAR && a->c < 0x80 && !u_isalpha(a->c)) g = a->c;
    else if (a->kind == A_GROUP) g = first_unit(r, a->a, a->n);
    else return -1;
    if (g < 0 || (f != -2 && f != g)) return -1;
    f = g;
  }
  return f == -2 ? -1 : f;
}

static void native_free(trx_re *r) {
  free(r->at);
  free(r->alt);
  free(r->rng);
  r->at = NULL;
  r->alt = NULL;
  r->rng = NULL;
  r->n_at = r->n_alt = r->n_rng = 0;
  r->native = 0;
}

/* The first code point (folded) that every match of alternative k starts
 * with, or -1: from a first atom that must match at least once. */
static int32_t seq_first(trx_re *r, uint32_t k, int depth) {
  seq *s = &r->alt[k];
  if (s->first != -2) return s->first;
  int32_t f = -1;
  if (s->n && depth < 64) {
    const atom *a = &r->at[s->a];
    if (a->min >= 1 && a->kind == A_CHAR) f = a->c;
    else if (a->min >= 1 && a->kind == A_GROUP && a->n) {
      f = seq_first(r, a->a, depth + 1);
      for (uint32_t j = 1; j < a->n && f >= 0; j++)
        if (seq_first(r, a->a + j, depth + 1) != f) f = -1;
    }
  }
  return s->first = f;
}

static void compile_native(trx_re *r, const uint16_t *pat, size_t len) {
  rp P = {pat, len, 0, r, 0};
  parse_alts(&P, &r->top, &r->n_top);
  if (P.bad || P.i != len) {
    native_free(r);
    return;
  }
  r->native = 1;
  for (uint32_t k = 0; k < r->n_alt; k++) r->alt[k].first = -2; /* not computed */
  for (uint32_t k = 0; k < r->n_alt; k++) seq_first(r, k, 0);
  r->anchored = 1;
  for (uint32_t k = 0; k < r->n_top; k++) {
    const seq *s = &r->alt[r->top + k];
    if (!s->n || r->at[s->a].kind != A_BOL) r->anchored = 0;
  }
  r->first = first_unit(r, r->top, r->n_top);
}

static int icu_open(const uint16_t *pat, size_t len, URegularExpression **out, UErrorCode *err, UParseError *pe) {
  static const UChar empty[1] = {0};
  *out = uregex_open(len ? (const UChar *)pat : empty, (int32_t)len, UREGEX_CASE_INSENSITIVE | UREGEX_DOTALL, pe, err);
  if (U_FAILURE(*err)) {
    if (*out) uregex_close(*out);
    *out = NULL;
    return -1;
  }
  return 0;
}

static int bad_pattern(pl_err *e, const char *name, UErrorCode err, const UParseError *pe) {
  return pl_err_set(e, PL_ECORRUPT, -1, "%s: invalid attribute regular expression (%s at offset %d)", name,
                    u_errorName(err), (int)pe->offset);
}

/* ICU is only compiled here for a pattern the native matcher cannot run:
 * compiling the first ICU pattern of a process builds ICU's static sets,
 * which costs more than the rest of loading a small rule file.  Native
 * patterns are checked with ICU by trx_re_validate(), which the loader
 * calls unless the rule cache holds an entry made from the same bytes
 * (made after that check). */
int trx_re_compile(trx_re **out, const uint16_t *pat, size_t len, pl_err *e, const char *name) {
  *out = NULL;
  if (len > INT32_MAX) return pl_err_set(e, PL_ECORRUPT, -1, "%s: regular expression too long", name);
  trx_re *r = calloc(1, sizeof *r);
  if (!r || !(r->pat = malloc((len ? len : 1) * sizeof *pat))) {
    free(r);
    return pl_err_set(e, PL_ENOMEM, -1, "%s: out of memory", name);
  }
  if (len) memcpy(r->pat, pat, len * sizeof *pat);
  r->len = len;
  compile_native(r, pat, len);
  if (!r->native) {
    UErrorCode err = U_ZERO_ERROR;
    UParseError pe;
    if (icu_open(pat, len, &r->icu, &err, &pe)) {
      trx_re_free(r);
      return bad_pattern(e, name, err, &pe);
    }
  }
  r->builtin = builtin_of(pat, len);
  const char *v = getenv("PARLEY_RE_VERIFY");
  r->verify = v && *v && *v != '0';
  *out = r;
  return PL_OK;
}

int trx_re_validate(const trx_re *r, pl_err *e, const char *name) {
  if (!r || r->icu) return PL_OK;
  UErrorCode err = U_ZERO_ERROR;
  UParseError pe;
  URegularExpression *re;
  if (icu_open(r->pat, r->len, &re, &err, &pe)) {
    if (err == U_MEMORY_ALLOCATION_ERROR) return pl_err_set(e, PL_ENOMEM, -1, "%s: out of memory", name);
    return bad_pattern(e, name, err, &pe);
  }
  uregex_close(re);
  return PL_OK;
}

/* ICU's form of the pattern for one run (URegularExpression keeps match
 * state, so each run has its own), made on first use. */
static URegularExpression *icu_of(const trx_re *r, URegularExpression **slot) {
  if (*slot) return *slot;
  UErrorCode err = U_ZERO_ERROR;
  UParseError pe;
  if (r->icu) *slot = uregex_clone(r->icu, &err);
  else icu_open(r->pat, r->len, slot, &err, &pe);
  if (U_FAILURE(err)) {
    if (*slot) uregex_close(*slot);
    *slot = NULL;
  }
  return *slot;
}

int trx_re_builtin(const trx_re *r) { return r->native ? r->builtin : B_NONE; }
int trx_re_verifying(const trx_re *r) { return r->verify; }
int32_t trx_re_first(const trx_re *r) { return r->native && !r->anchored ? r->first : -1; }

void trx_re_free(trx_re *r) {
  if (!r) return;
  if (r->icu) uregex_close(r->icu);
  native_free(r);
  free(r->pat);
  free(r);
}

/* ---- matcher ---- */

typedef struct cont {
  const seq *s;
  uint32_t i;     /* next atom in s */
  uint32_t count; /* repetition: iterations done of atom i */
  size_t start;   /* repetition: where this iteration started */
  int rep;
  const struct cont *next;
} cont;

typedef struct mt {
  const trx_re *r;
  const uint16_t *s;
  size_t n;
  size_t end;
  long budget; /* steps left before giving up to ICU */
} mt;

static int32_t cp_at(const mt *M, size_t p, size_t *len) {
  int32_t c = M->s[p];
  *len = 1;
  if (U16_IS_LEAD(c) && p + 1 < M->n && U16_IS_TRAIL(M->s[p + 1])) {
    c = U16_GET_SUPPLEMENTARY(c, M->s[p + 1]);
    *len = 2;
  }
  return c;
}

static int in_class(const trx_re *r, const atom *a, int32_t c) {
  int in = 0;
  if (a->c) { /* no cased letter in the class: case variants cannot matter */
    for (uint32_t k = 0; k < a->n && !in; k++) in = c >= r->rng[a->a + k][0] && c <= r->rng[a->a + k][1];
    if (!in && c >= 0x80) goto slow; /* a non-ASCII c could fold into the class */
    return in != a->neg;
  }
slow:;
  int32_t v[4] = {c, fold(c), (int32_t)u_toupper(c), (int32_t)u_tolower(c)};
  for (uint32_t k = 0; k < a->n && !in; k++) {
    const int32_t *g = r->rng[a->a + k];
    for (int j = 0; j < 4 && !in; j++) in = v[j] >= g[0] && v[j] <= g[1];
  }
  return in != a->neg;
}

/* Width of one match of a single-character atom at p (0 = no match). */
static size_t one(const mt *M, const atom *a, size_t p) {
  if (p >= M->n) return 0;
  size_t len;
  int32_t c = cp_at(M, p, &len);
  switch (a->kind) {
  case A_ANY:
    return len;
  case A_CHAR:
    return (c == a->c || fold(c) == a->c) ? len : 0;
  case A_CLASS:
    return in_class(M->r, a, c) ? len : 0;
  default:
    return 0;
  }
}

static int m_seq(mt *M, const seq *s, uint32_t i, size_t p, const cont *k);

/* The folded code point at p, or -3 at the end. */
static int32_t folded_at(const mt *M, size_t p) {
  if (p >= M->n) return -3;
  size_t len;
  return fold(cp_at(M, p, &len));
}

static int m_rep(mt *M, const seq *s, uint32_t i, uint32_t count, size_t p, const cont *k) {
  const atom *a = &M->r->at[s->a + i];
  if (count < a->max) {
    cont c = {s, i, count + 1, p, 1, k};
    int32_t here = folded_at(M, p);
    for (uint32_t j = 0; j < a->n; j++) {
      const seq *alt = &M->r->alt[a->a + j];
      if (alt->first >= 0 && alt->first != here) continue; /* cannot start here */
      if (m_seq(M, alt, 0, p, &c)) return 1;
    }
  }
  if (count >= a->min) return m_seq(M, s, i + 1, p, k);
  return 0;
}

static int m_seq(mt *M, const seq *s, uint32_t i, size_t p, const cont *k) {
  if (--M->budget < 0) return 0;
  if (i == s->n) {
    if (!k) {
      M->end = p;
      return 1;
    }
    if (k->rep) {
      if (p == k->start && k->count > M->r->at[k->s->a + k->i].min) return 0; /* an empty iteration */
      return m_rep(M, k->s, k->i, k->count, p, k->next);
    }
    return m_seq(M, k->s, k->i, p, k->next);
  }
  const atom *a = &M->r->at[s->a + i];
  if (a->kind == A_BOL) return p == 0 && m_seq(M, s, i + 1, p, k);
  if (a->kind == A_GROUP) return m_rep(M, s, i, 0, p, k);
  if (a->min == 1 && a->max == 1) {
    size_t w = one(M, a, p);
    return w && m_seq(M, s, i + 1, p + w, k);
  }
  /* greedy repetition of a single character: take as many as possible,
   * then give them back one at a time */
  size_t cnt = 0, q = p, cap = 64;
  size_t local[64], *stack = local;
  stack[cnt++] = q;
  while (cnt - 1 < a->max) {
    size_t w = one(M, a, q);
    if (!w) break;
    q += w;
    if (cnt == cap) {
      size_t nc = cap * 2;
      size_t *ns = malloc(nc * sizeof *ns);
      if (!ns) break;
      memcpy(ns, stack, cnt * sizeof *ns);
      if (stack != local) free(stack);
      stack = ns;
      cap = nc;
    }
    stack[cnt++] = q;
  }
  int ok = 0;
  for (size_t j = cnt; j-- > 0;) {
    if (j < a->min) break;
    if (m_seq(M, s, i + 1, stack[j], k)) {
      ok = 1;
      break;
    }
  }
  if (stack != local) free(stack);
  return ok;
}

static int native_find(const trx_re *r, const uint16_t *s, size_t n, size_t *b, size_t *e, int *gave_up) {
  mt M = {r, s, n, 0, 200000};
  *gave_up = 0;
  for (size_t p = 0; p <= n;) {
    if (r->first >= 0) {
      while (p < n && s[p] != r->first) p++;
      if (p >= n) return 0;
    }
    int32_t here = folded_at(&M, p);
    for (uint32_t k = 0; k < r->n_top; k++) {
      if (r->alt[r->top + k].first >= 0 && r->alt[r->top + k].first != here) continue;
      if (m_seq(&M, &r->alt[r->top + k], 0, p, NULL)) {
        *b = p;
        *e = M.end;
        return 1;
      }
    }
    if (M.budget < 0) {
      *gave_up = 1;
      return 0;
    }
    if (r->anchored || p == n) break;
    p += (U16_IS_LEAD(s[p]) && p + 1 < n && U16_IS_TRAIL(s[p + 1])) ? 2 : 1;
  }
  return 0;
}

/* -1: ICU could not be set up (out of memory). */
static int icu_find(const trx_re *r, URegularExpression **slot, const uint16_t *s, size_t n, size_t *b, size_t *e) {
  static const UChar empty[1] = {0};
  URegularExpression *re = icu_of(r, slot);
  if (!re) return -1;
  UErrorCode err = U_ZERO_ERROR;
  if (n > INT32_MAX) n = INT32_MAX;
  uregex_setText(re, n ? (const UChar *)s : empty, (int32_t)n, &err);
  if (U_FAILURE(err)) return 0;
  if (!uregex_findNext(re, &err) || U_FAILURE(err)) return 0;
  int32_t st = uregex_start(re, 0, &err), en = uregex_end(re, 0, &err);
  if (U_FAILURE(err) || st < 0 || en < st) return 0;
  *b = (size_t)st;
  *e = (size_t)en;
  return 1;
}

int trx_re_find(const trx_re *r, URegularExpression **icu, const uint16_t *s, size_t n, size_t *b, size_t *e) {
  if (!r->native) return icu_find(r, icu, s, n, b, e);
  int gave_up = 0;
  int found = r->builtin ? builtin_find(r->builtin, s, n, b, e) : native_find(r, s, n, b, e, &gave_up);
  if (gave_up) return icu_find(r, icu, s, n, b, e);
  if (r->verify) {
    size_t b2 = 0, e2 = 0;
    int f2 = icu_find(r, icu, s, n, &b2, &e2);
    if (f2 < 0) return f2;
    if (f2 != found || (found && (b2 != *b || e2 != *e))) {
      fprintf(stderr, "parley: regex mismatch (native %d %zu-%zu, ICU %d %zu-%zu) on a string of %zu units\n", found,
              found ? *b : 0, found ? *e : 0, f2, b2, e2, n);
      abort();
    }
  }
  return found;
}
