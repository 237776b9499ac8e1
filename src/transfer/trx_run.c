/*
 * trx_run.c - the matcher and interpreter of the three transfer programs,
 * ported loop for loop from apertium/transfer.cc, interchunk.cc,
 * postchunk.cc and transfer_base.cc (Debian's apertium 3.8.3) so that the
 * output is byte-identical, quirks included:
 *
 *   - tokens live in a 2048-slot ring (lttoolbox Buffer) and are replayed
 *     after a rule; tmpword/tmpblank point into it;
 *   - the pattern automaton is run as lttoolbox's MatchState (a 1024-entry
 *     ring of alive nodes); the lowest rule number among the final nodes
 *     reached wins, and since that check runs after every token the longest
 *     match is kept;
 *   - <b/> pops the blank queue in order whatever its pos; blanks left in
 *     the queue that are not a single space are written after the rule;
 *   - variables persist for the whole run (reset per segment with -z);
 *   - postchunk splits a matched chunk into its words and imposes the
 *     chunk name's case and its tags (<1>, <2>...) on them.
 *
 * Where Debian reads past the end of a string or loops for ever (an unclosed
 * "[" or "{" at the end of input), this code stops at the end and keeps the
 * text; DIVERGENCES.md lists it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/uloc.h>
#include <unicode/ustring.h>

#if defined(__SSE2__)
#include <emmintrin.h> /* the fast token reader, 16 bytes at a time */
#endif

#include "../base/args.h"
#include "../base/hash.h"
#include "../base/u8in.h"
#include "trx_int.h"

#define TOK_RING 2048
#define MS_RING 1024

enum { TT_WORD, TT_BLANK, TT_EOF };

typedef struct tok {
  int type;
  ubuf s;
  uint32_t klen;  /* with khash: the word memo's key of the token, once found (klen + 1; 0 not yet) */
  uint64_t khash;
} tok;

typedef struct tword { /* TransferWord (s, t, r, wb) or InterchunkWord (s = chunk, t = queue, wb) */
  ubuf s, t, r, wb;
  /* match cache: for string k (0 s, 1 t, 2 r) and attribute a, slot
   * k * n_attrs + a holds the span found when the string had version cver */
  uint32_t ver[3];
  struct sent *ent[3]; /* the whole-string table entry of string k, valid while ever[k] == ver[k] */
  uint32_t ever[3];
  uint32_t epoch[3]; /* of the table when ent[k] was set */
  /* the tag-table entry of string k from its first '<' ([0][k]) or its
   * first tch[k] ([1][k]), valid while tever[.][k] == ver[k] */
  struct sent *tent[2][3];
  uint32_t tever[2][3];
  uint32_t tepoch[2][3];
  uint32_t toff[2][3]; /* where that part starts */
  uint16_t tch[3];
  struct cpart *cp; /* interchunk: per attribute, chunk_span() of (s, t) at versions (ver[0], ver[1]) */
  const ubuf *src; /* not made yet: the token it is made from at its first use (see word_use) */
} tword;

typedef struct run {
  const trx_rules *R;
  const trx_opts *o;
  trx_kind kind;
  u8in in;
  pl_out *out;
  pl_err *e;
  int err; /* a runtime error was recorded in e */

  /* lttoolbox Buffer<TransferToken> */
  tok *ring;           /* TOK_RING slots, of which ring_hw are initialised */
  uint32_t ring_hw;
  uint32_t cur, lastpos;

  /* MatchState */
  uint32_t ms[MS_RING];
  uint32_t ms_first, ms_last; /* ring positions, below MS_RING */
  struct wmemo *wm; /* words through the patterns, remembered (see apply_word) */

  ubuf **tmpword, **tmpblank;
  size_t n_tw, cap_tw, n_tb, cap_tb;

  /* words of the rule being applied */
  tword *wpool;
  size_t cap_wpool;
  tword **word; /* NULL inside an npar <= 0 macro */
  int lword, last_lword;
  tword **wordarr;
  size_t cap_wordarr;

  /* postchunk: the words and blanks split out of a chunk */
  ubuf **split;
  size_t n_split, cap_split;

  ubuf *var, *var_wb;
  ubuf *bq; /* blank queue */
  size_t bq_head, bq_len, bq_cap;

  int in_lu, in_let_var, in_out, var_val;
  ubuf out_wblank;
  int in_wblank, inword, internal_null_flush, null_flush;
  const trx_node *const *kidp; /* the rules' kid array as node pointers */
  uint32_t caret; /* the initial node's step on '^' */
  int fast; /* fresh_tokens() may be used (transfer, and no pattern reads a blank first) */

  URegularExpression **icu; /* per attribute: this run's ICU matcher, made when needed */
  uint8_t *lemma_attr, *content_attr;
  uint8_t *banned;
  int32_t *banned_list;
  size_t n_banned;

  ubuf **tmp; /* stack of scratch strings */
  uint32_t gen; /* versions of word strings */
  struct stab *whole, *tags; /* tables of results by string (see below) */
  uint8_t *attr_class; /* per attribute: AC_* */
  int32_t *attr_first; /* per attribute: trx_re_first() */
  int ascii_lower; /* the default locale lowercases ASCII as ASCII */
  UBreakIterator *title_bi;
  struct tmemo *case_memo[3]; /* lower, upper and title casings of short strings, kept */
  size_t n_tmp, cap_tmp;
} run;

/* ---- small string helpers ---- */

/* The next string of a pool of individually allocated strings (so that
 * pointers to them stay valid as the pool grows), emptied. */
static ubuf *pool_take(ubuf ***arr, size_t *n, size_t *cap, size_t first_cap) {
  if (*n == *cap) {
    size_t c = *cap ? *cap * 2 : first_cap;
    ubuf **p = pl_realloc_array(*arr, c, sizeof *p);
    if (!p) return NULL;
    memset(p + *cap, 0, (c - *cap) * sizeof *p);
    *arr = p;
    *cap = c;
  }
  if (!(*arr)[*n] && !((*arr)[*n] = calloc(1, sizeof(ubuf)))) return NULL;
  ubuf *b = (*arr)[(*n)++];
  ubuf_reset(b);
  return b;
}

static PL_NOINLINE ubuf *tmp_grow(run *R) { return pool_take(&R->tmp, &R->n_tmp, &R->cap_tmp, 32); }

/* A scratch string from the stack (each allocated once, so pointers stay
 * valid); tmp_put gives them back in LIFO order. */
static PL_INLINE ubuf *tmp_get(run *R) {
  if (PL_LIKELY(R->n_tmp < R->cap_tmp && R->tmp[R->n_tmp])) {
    ubuf *b = R->tmp[R->n_tmp++];
    b->len = 0;
    return b;
  }
  return tmp_grow(R);
}
static void tmp_put(run *R, size_t n) { R->n_tmp -= n; }

static int nomem(run *R) {
  if (!R->err) pl_err_set(R->e, PL_ENOMEM, -1, "transfer: out of memory");
  R->err = 1;
  return -1;
}

static int rt_error(run *R, const trx_node *n, const char *what) {
  if (!R->err)
    pl_err_set(R->e, PL_ECORRUPT, n ? (long long)n->line : -1, "%s:%u: %s", R->R->xml_name, n ? n->line : 0, what);
  R->err = 1;
  return -1;
}

static PL_INLINE void put(ubuf *b, const uint16_t *s, size_t n) {
  if (!n) return; /* (b->p may be NULL then) */
  if (PL_LIKELY(n <= b->cap - b->len)) { /* room already: no call for short strings */
    uint16_t *d = b->p + b->len;
    b->len += n;
    if (n >= 4 && n <= 8) { /* two overlapping 8-byte moves, both read first */
      uint64_t x, y;
      memcpy(&x, s, 8);
      memcpy(&y, s + n - 4, 8);
      memcpy(d, &x, 8);
      memcpy(d + n - 4, &y, 8);
    } else if (n > 8 && n <= 16) { /* two overlapping 16-byte moves */
#if defined(__SSE2__)
      __m128i x = _mm_loadu_si128((const __m128i *)(const void *)s);
      __m128i y = _mm_loadu_si128((const __m128i *)(const void *)(s + n - 8));
      _mm_storeu_si128((__m128i *)(void *)d, x);
      _mm_storeu_si128((__m128i *)(void *)(d + n - 8), y);
#else
      memmove(d, s, n * sizeof *s);
#endif
    } else if (n > 16) {
      memcpy(d, s, n * sizeof *s);
    } else {
      for (size_t i = 0; i < n; i++) d[i] = s[i];
    }
    return;
  }
  ubuf_append(b, s, n);
}
static void puts16(ubuf *b, const ubuf *s) { ubuf_append(b, s->p, s->len); }
static void putc16(ubuf *b, uint16_t c) { ubuf_push(b, c); }
static void set16(ubuf *b, const uint16_t *s, size_t n) {
  ubuf_reset(b);
  ubuf_append(b, s, n);
}
static size_t nul_len(const uint16_t *s, size_t n) { /* ICU sees the string up to its first NUL */
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i zero = _mm_setzero_si128();
  for (; n - i >= 8; i += 8) {
    unsigned mask = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi16(_mm_loadu_si128((const __m128i *)(const void *)(s + i)), zero));
    if (mask) return i + (size_t)(__builtin_ctz(mask) / 2);
  }
#endif
  for (; i < n; i++)
    if (!s[i]) return i;
  return n;
}
/* The index of the first c in s[0..n), or n. */
static PL_INLINE size_t find16(const uint16_t *s, size_t n, uint16_t c) {
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i v = _mm_set1_epi16((short)c);
  for (; n - i >= 8; i += 8) {
    unsigned mask = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi16(_mm_loadu_si128((const __m128i *)(const void *)(s + i)), v));
    if (mask) return i + (size_t)(__builtin_ctz(mask) / 2);
  }
#endif
  while (i < n && s[i] != c) i++;
  return i;
}
static uint16_t at(const ubuf *b, size_t i) { return i < b->len ? b->p[i] : 0; }
/* 1 if a[0..n) == b[0..n): inline, since the strings compared are short
 * (tags, lemmas, keys) and a call to memcmp costs more than the compare. */
static PL_INLINE int same16(const uint16_t *a, const uint16_t *b, size_t n) {
#if defined(__SSE2__)
  if (n >= 8) {
    size_t i = 0;
    for (; n - i > 8; i += 8) {
      __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(a + i));
      __m128i y = _mm_loadu_si128((const __m128i *)(const void *)(b + i));
      if (_mm_movemask_epi8(_mm_cmpeq_epi16(x, y)) != 0xFFFF) return 0;
    }
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(a + n - 8)); /* the last 8, overlapping */
    __m128i y = _mm_loadu_si128((const __m128i *)(const void *)(b + n - 8));
    return _mm_movemask_epi8(_mm_cmpeq_epi16(x, y)) == 0xFFFF;
  }
#endif
  if (n >= 4) {
    uint64_t x, y, u, v;
    memcpy(&x, a, 8);
    memcpy(&y, b, 8);
    memcpy(&u, a + n - 4, 8);
    memcpy(&v, b + n - 4, 8);
    return x == y && u == v;
  }
  for (size_t i = 0; i < n; i++)
    if (a[i] != b[i]) return 0;
  return 1;
}
static int eq16(const uint16_t *a, size_t na, const uint16_t *b, size_t nb) { return na == nb && same16(a, b, na); }

/* out_u16, eight ASCII units at a time (packed to bytes); the rest, and
 * growth, go through out_u16. */
static PL_INLINE void out16(pl_out *o, const uint16_t *s, size_t n) {
#if defined(__SSE2__)
  bbuf *b = &o->b;
  if (n >= 8 && n <= b->cap - b->len) {
    char *d = b->p + b->len;
    size_t i = 0;
    const __m128i hi = _mm_set1_epi16((short)0xFF80), zero = _mm_setzero_si128();
    for (; n - i >= 8; i += 8) {
      __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
      if (_mm_movemask_epi8(_mm_cmpeq_epi16(_mm_and_si128(v, hi), zero)) != 0xFFFF) break;
      _mm_storel_epi64((__m128i *)(void *)(d + i), _mm_packus_epi16(v, v));
    }
    b->len += i;
    s += i;
    n -= i;
  }
#endif
  out_u16(o, s, n);
}

/* Appends the ICU full-string case mapping of s (default locale) to dst;
 * `bi` is the word break iterator for titlecasing. */
static void map_case(ubuf *dst, const uint16_t *s, size_t n, int how, UBreakIterator *bi) {
  if (!n) return;
  if (n > INT32_MAX / 4) return;
  for (int pass = 0; pass < 2; pass++) {
    size_t need = pass ? 0 : n * 2 + 1;
    if (need && ubuf_reserve(dst, need)) return;
    UErrorCode err = U_ZERO_ERROR;
    UChar *d = (UChar *)dst->p + dst->len;
    int32_t cap = (int32_t)(dst->cap - dst->len), m;
    if (how == 0) m = u_strToLower(d, cap, (const UChar *)s, (int32_t)n, NULL, &err);
    else if (how == 1) m = u_strToUpper(d, cap, (const UChar *)s, (int32_t)n, NULL, &err);
    else m = u_strToTitle(d, cap, (const UChar *)s, (int32_t)n, bi, NULL, &err);
    if (err == U_BUFFER_OVERFLOW_ERROR && !pass) {
      if (ubuf_reserve(dst, (size_t)m + 1)) return;
      continue;
    }
    if (U_SUCCESS(err) || err == U_STRING_NOT_TERMINATED_WARNING) dst->len += (size_t)m;
    return;
  }
}
/* ASCII text maps as ASCII where the default locale does so (not Turkish,
 * Azeri or Lithuanian); anything else goes to ICU. */
static int ascii_map(run *R, ubuf *d, const uint16_t *s, size_t n, int up) {
  if (!R->ascii_lower) return 0;
  for (size_t i = 0; i < n; i++)
    if (s[i] >= 0x80) return 0;
  if (ubuf_reserve(d, n)) return 1;
  uint16_t *o = d->p + d->len;
  for (size_t i = 0; i < n; i++) {
    uint16_t c = s[i];
    o[i] = up ? (c >= 'a' && c <= 'z' ? c - 32 : c) : (c >= 'A' && c <= 'Z' ? c + 32 : c);
  }
  d->len += n;
  return 1;
}
/* u_strToTitle with no iterator builds a word break iterator for the
 * default locale on every call; each run opens one (the same one ICU would
 * build) and keeps it. */
static void map_case_icu(run *R, ubuf *d, const uint16_t *s, size_t n, int how) {
  if (how == 2 && !R->title_bi) {
    UErrorCode e2 = U_ZERO_ERROR;
    R->title_bi = ubrk_open(UBRK_WORD, NULL, NULL, 0, &e2);
    if (U_FAILURE(e2)) R->title_bi = NULL;
  }
  map_case(d, s, n, how, how == 2 ? R->title_bi : NULL);
}

/* ICU's case mappings give the same result for the same string (the
 * default locale and the iterator do not change during a run), and the
 * same chunk names and lemmas are mapped again and again: short ones are
 * kept in a small direct-mapped table per mapping (lower, upper, title). */
#define TM_SLOTS 256
#define TM_IN 24
#define TM_OUT 48
typedef struct tmemo {
  uint8_t nin[TM_SLOTS], nout[TM_SLOTS]; /* nin 0: empty */
  uint16_t in[TM_SLOTS][TM_IN], out[TM_SLOTS][TM_OUT];
} tmemo;

static void map_case_kept(run *R, ubuf *d, const uint16_t *s, size_t n, int how) {
  tmemo *M = R->case_memo[how];
  if (!n || n > TM_IN || (!M && !(M = R->case_memo[how] = calloc(1, sizeof *M)))) {
    map_case_icu(R, d, s, n, how);
    return;
  }
  size_t j = (size_t)pl_hash(s, n * sizeof *s) & (TM_SLOTS - 1);
  if (M->nin[j] == n && same16(M->in[j], s, n)) {
    put(d, M->out[j], M->nout[j]);
    return;
  }
  size_t at = d->len;
  map_case_icu(R, d, s, n, how);
  if (d->len - at <= TM_OUT && !d->failed) {
    M->nin[j] = (uint8_t)n;
    memcpy(M->in[j], s, n * sizeof *s);
    M->nout[j] = (uint8_t)(d->len - at);
    memcpy(M->out[j], d->p + at, (d->len - at) * sizeof *s);
  }
}

static void lower(run *R, ubuf *d, const uint16_t *s, size_t n) {
  if (!ascii_map(R, d, s, n, 0)) map_case_kept(R, d, s, n, 0);
}
static void upper(run *R, ubuf *d, const uint16_t *s, size_t n) {
  if (!ascii_map(R, d, s, n, 1)) map_case_kept(R, d, s, n, 1);
}
static void title(run *R, ubuf *d, const uint16_t *s, size_t n) { map_case_kept(R, d, s, n, 2); }

static UChar32 cp_at(const uint16_t *s, size_t n, size_t i) {
  UChar32 c = s[i];
  if (U16_IS_LEAD(c) && i + 1 < n && U16_IS_TRAIL(s[i + 1])) c = U16_GET_SUPPLEMENTARY(c, s[i + 1]);
  return c;
}
static UChar32 last_cp(const uint16_t *s, size_t n) {
  UChar32 c = s[n - 1];
  if (U16_IS_TRAIL(c) && n >= 2 && U16_IS_LEAD(s[n - 2])) c = U16_GET_SUPPLEMENTARY(s[n - 2], c);
  return c;
}
static size_t cp_len(const uint16_t *s, size_t n) { /* units of the first code point */
  return U16_IS_LEAD(s[0]) && n > 1 && U16_IS_TRAIL(s[1]) ? 2 : 1;
}

/* StringUtils::getcase: "aa", "Aa" (first upper), "AA" (first and last upper). */
static void getcase(const uint16_t *s, size_t n, uint16_t out[2]) {
  out[0] = 'a';
  out[1] = 'a';
  if (!n) return;
  if (u_isupper(cp_at(s, n, 0))) {
    out[0] = 'A';
    if (cp_len(s, n) < n && u_isupper(last_cp(s, n))) out[1] = 'A';
  }
}

/* StringUtils::copycase(source, target), appended to dst. */
static void copycase(run *R, ubuf *dst, const uint16_t *src, size_t ns, const uint16_t *t, size_t nt) {
  if (!ns || !nt) {
    put(dst, t, nt);
    return;
  }
  int first = u_isupper(cp_at(src, ns, 0));
  int all = first && cp_len(src, ns) < ns && u_isupper(last_cp(src, ns));
  if (first && all) upper(R, dst, t, nt);
  else if (first) title(R, dst, t, nt);
  else lower(R, dst, t, nt);
}

/* TransferBase::copycase: the case of src on the text before the first '<'
 * of dest; the tags are kept; text after the last '>' follows the second
 * letter of src's case. */
static void tcopycase(run *R, ubuf *dst, const uint16_t *src, size_t ns, const uint16_t *d, size_t nd) {
  size_t loc = nd, loc2 = nd;
  for (size_t i = 0; i < nd; i++)
    if (d[i] == '<') {
      loc = i;
      break;
    }
  for (size_t i = nd; i-- > 0;)
    if (d[i] == '>') {
      loc2 = i;
      break;
    }
  if (loc == nd || loc2 == nd) {
    copycase(R, dst, src, ns, d, nd);
    return;
  }
  uint16_t cs[2];
  getcase(src, ns, cs);
  copycase(R, dst, cs, 2, d, loc);
  size_t tl = loc2 >= loc ? loc2 - loc + 1 : nd - loc;
  put(dst, d + loc, tl);
  if (loc2 + 1 < nd) {
    if (u_isupper(cs[1])) upper(R, dst, d + loc2 + 1, nd - loc2 - 1);
    else lower(R, dst, d + loc2 + 1, nd - loc2 - 1);
  }
}

/* ---- attribute patterns ---- */

static int re_find(run *R, int32_t attr, const uint16_t *s, size_t n, size_t *b, size_t *e) {
  if (attr < 0 || !R->R->attr_re[attr]) return 0;
  int r = trx_re_find(R->R->attr_re[attr], &R->icu[attr], s, nul_len(s, n), b, e);
  if (r < 0) return nomem(R), 0;
  return r;
}

/* ApertiumRE::match: the first match, or nothing. */
static void re_match(run *R, int32_t attr, const uint16_t *s, size_t n, ubuf *dst) {
  size_t b, e;
  if (re_find(R, attr, s, n, &b, &e)) put(dst, s + b, e - b);
}

/* ---- results by string ----
 * The same lemma and tag strings come back word after word, and a rule
 * clips each of them with many attributes, so results are kept by string:
 * every distinct string seen gets an entry holding the match of each
 * attribute, computed on first use.  Most attributes are tag patterns
 * ("<n>", "<(?:det|prn)>"...) whose every match starts with '<': for them
 * the key is the string from its first '<' on, since the text before it
 * cannot change where or whether they match, and tag sequences are few
 * (AC_TAGS).  The same holds for any other unit every match starts with,
 * such as the '#' of lemq (AC_FROM: most words have none, so one entry
 * serves them all).  Other patterns key on the whole string (AC_WHOLE); the
 * patterns every file has (lem, tags, whole...) are simple scans, cheaper
 * than a lookup (AC_DIRECT, and AC_LEM, AC_LEMH, AC_ALL scanned inline).
 * A table is emptied when it fills up. */
#define ST_CAP 32768 /* slots; at most half are used */
#define UNKNOWN_SPAN 0xFFFFFFFEu
#define NOT_FOUND 0xFFFFFFFFu

enum { AC_NONE, AC_DIRECT, AC_TAGS, AC_WHOLE, AC_LEM, AC_LEMH, AC_ALL, AC_FROM };

typedef struct stslot {
  uint32_t hash;
  struct sent *e;
} stslot;

typedef struct sent {
  uint32_t hash, len;
  uint32_t *span; /* per attribute: b << 16 | e, NOT_FOUND or UNKNOWN_SPAN (in the same block) */
  uint16_t *s;
} sent;

typedef struct stab {
  stslot *slot;
  size_t used, cap, max; /* slots: a power of two; PARLEY_TRX_TABLE makes max small, for tests */
  uint32_t epoch;        /* bumped when emptied */
} stab;

static uint32_t hash16(const uint16_t *s, size_t n) { return (uint32_t)pl_hash(s, n * sizeof *s); }

static void st_clear(stab *T) {
  for (size_t i = 0; i < T->cap; i++) {
    free(T->slot[i].e);
    T->slot[i].e = NULL;
  }
  T->used = 0;
  T->epoch++;
}

static void st_free(stab *T) {
  if (!T) return;
  st_clear(T);
  free(T->slot);
  free(T);
}

static stab *st_new(void) {
  stab *T = calloc(1, sizeof *T);
  if (!T) return NULL;
  const char *v = getenv("PARLEY_TRX_TABLE");
  size_t cap = 1024; /* grows to ST_CAP */
  if (v && atoi(v) >= 16)
    for (cap = 16; cap < (size_t)atoi(v) && cap < ST_CAP; cap *= 2) {
    }
  T->max = v && atoi(v) >= 16 ? cap : ST_CAP;
  if (!(T->slot = calloc(cap, sizeof *T->slot))) {
    free(T);
    return NULL;
  }
  T->cap = cap;
  return T;
}

static sent *st_get(run *R, stab *T, const uint16_t *s, size_t n) {
  uint32_t h = hash16(s, n);
  for (size_t j = h & (T->cap - 1);; j = (j + 1) & (T->cap - 1)) {
    sent *e = T->slot[j].e;
    if (!e) break;
    if (T->slot[j].hash == h && e->len == n && same16(e->s, s, n)) return e;
  }
  if (T->used >= T->cap / 2) {
    stslot *big = T->cap < T->max ? calloc(T->cap * 2, sizeof *big) : NULL;
    if (big) { /* grow: the entries stay where they are */
      size_t cap = T->cap * 2;
      for (size_t i = 0; i < T->cap; i++) {
        if (!T->slot[i].e) continue;
        size_t j = T->slot[i].hash & (cap - 1);
        while (big[j].e) j = (j + 1) & (cap - 1);
        big[j] = T->slot[i];
      }
      free(T->slot);
      T->slot = big;
      T->cap = cap;
    } else {
      st_clear(T);
    }
  }
  size_t na = R->R->n_attrs;
  sent *e = malloc(sizeof *e + na * sizeof(uint32_t) + n * sizeof *s);
  if (!e) return NULL;
  e->hash = h;
  e->len = (uint32_t)n;
  e->span = (uint32_t *)(e + 1);
  e->s = (uint16_t *)(e->span + na);
  for (size_t i = 0; i < na; i++) e->span[i] = UNKNOWN_SPAN;
  if (n) memcpy(e->s, s, n * sizeof *s);
  size_t j = h & (T->cap - 1);
  while (T->slot[j].e) j = (j + 1) & (T->cap - 1);
  T->slot[j].hash = h;
  T->slot[j].e = e;
  T->used++;
  return e;
}

static ubuf *wstr(tword *w, int k) { return k == 0 ? &w->s : k == 1 ? &w->t : &w->r; }
static int side_k(int side) { return side == SIDE_SL ? 0 : side == SIDE_REF ? 2 : 1; }

/* The match of attr in an entry's string, computed once. */
static int st_span(run *R, int32_t attr, sent *en, size_t off, size_t *b, size_t *e) {
  uint32_t sp = en->span[attr];
  if (sp == UNKNOWN_SPAN) sp = en->span[attr] = re_find(R, attr, en->s, en->len, b, e) ? (uint32_t)(*b << 16 | *e) : NOT_FOUND;
  if (sp == NOT_FOUND) return 0;
  *b = off + (sp >> 16);
  *e = off + (sp & 0xFFFF);
  return 1;
}

/* re_find on string k of a word, through the tables of results by string. */
static int re_find_w(run *R, int32_t attr, tword *w, int k, size_t *b, size_t *e) {
  switch (attr < 0 ? AC_NONE : R->attr_class[attr]) {
  case AC_DIRECT: {
    ubuf *u = wstr(w, k);
    return re_find(R, attr, u->p, u->len, b, e);
  }
  case AC_LEM: /* the rule compiler's lem, lemh and whole, scanned here (ICU sees the string up to a NUL) */
  case AC_LEMH:
  case AC_ALL: {
    ubuf *u = wstr(w, k);
    const uint16_t *p = u->p;
    size_t n = u->len, i = 0;
    if (R->attr_class[attr] == AC_ALL) i = nul_len(p, n);
    else if (R->attr_class[attr] == AC_LEM)
      while (i < n && p[i] != '<' && p[i]) i++;
    else
      while (i < n && p[i] != '<' && p[i] != '#' && p[i]) i++;
    if (!i) return 0;
    *b = 0;
    *e = i;
    return 1;
  }
  case AC_TAGS:
  case AC_FROM: {
    int f = R->attr_class[attr] == AC_FROM;
    uint16_t c = f ? (uint16_t)R->attr_first[attr] : '<';
    if (w->tever[f][k] != w->ver[k] || w->tepoch[f][k] != R->tags->epoch || (f && w->tch[k] != c)) {
      ubuf *u = wstr(w, k);
      size_t n = nul_len(u->p, u->len), off = find16(u->p, n, c);
      sent *en;
      if (n - off >= 0xFFFF || !(en = st_get(R, R->tags, off ? u->p + off : u->p, n - off))) /* (p may be NULL) */
        return re_find(R, attr, u->p, n, b, e);
      w->tent[f][k] = en;
      w->toff[f][k] = (uint32_t)off;
      w->tever[f][k] = w->ver[k];
      w->tepoch[f][k] = R->tags->epoch;
      if (f) w->tch[k] = c;
    }
    return st_span(R, attr, w->tent[f][k], w->toff[f][k], b, e);
  }
  case AC_WHOLE: {
    if (w->ever[k] != w->ver[k] || w->epoch[k] != R->whole->epoch) {
      ubuf *u = wstr(w, k);
      size_t n = nul_len(u->p, u->len);
      sent *en;
      if (n >= 0xFFFF || !(en = st_get(R, R->whole, u->p, n))) return re_find(R, attr, u->p, n, b, e);
      w->ent[k] = en;
      w->ever[k] = w->ver[k];
      w->epoch[k] = R->whole->epoch;
    }
    return st_span(R, attr, w->ent[k], 0, b, e);
  }
  default:
    return 0;
  }
}

static void re_match_w(run *R, int32_t attr, tword *w, int k, ubuf *dst) {
  size_t b, e;
  if (re_find_w(R, attr, w, k, &b, &e)) put(dst, wstr(w, k)->p + b, e - b);
}

/* ApertiumRE::replace on string k of a word: the first match is replaced
 * by v. */
static void re_replace_w(run *R, int32_t attr, tword *w, int k, const ubuf *v) {
  size_t b, e;
  if (!re_find_w(R, attr, w, k, &b, &e)) return;
  ubuf *s = wstr(w, k);
  ubuf *t = tmp_get(R);
  if (!t) {
    nomem(R);
    return;
  }
  put(t, s->p, b);
  puts16(t, v);
  put(t, s->p + e, s->len - e);
  ubuf_copy(s, t);
  tmp_put(R, 1);
  w->ver[k] = ++R->gen;
}

/* InterchunkWord::chunkPart, as where its value is: CP_NONE (empty),
 * CP_S (s[b, e)), CP_T (t[b, e)) or CP_ST (the match in s + t, which
 * chunk_part() computes). */
enum { CP_NONE, CP_S, CP_T, CP_ST };

typedef struct cpart {
  uint32_t v0, v1, b, e;
  int kind;
} cpart;

static int chunk_span_of(run *R, int32_t attr, tword *w, size_t *b, size_t *e) {
  if (!re_find_w(R, attr, w, 0, b, e) || *b == *e) {
    /* only a match of the whole queue counts: a pattern whose every match
     * starts with some unit cannot give one unless the queue starts with it
     * (the queue of a chunk starts with '{', tag patterns with '<') */
    if (attr >= 0 && R->attr_first[attr] >= 0 && (!w->t.len || w->t.p[0] != R->attr_first[attr])) return CP_NONE;
    if (re_find_w(R, attr, w, 1, b, e) && *e - *b == w->t.len) return CP_T;
    return CP_NONE;
  }
  return *e - *b == w->s.len ? CP_ST : CP_S;
}

/* chunk_span_of(), kept per word and attribute while s and t are unchanged
 * (a rule clips the same part of a word again and again). */
static int chunk_span(run *R, int32_t attr, tword *w, size_t *b, size_t *e) {
  if (attr < 0 || (uint32_t)attr >= R->R->n_attrs) return chunk_span_of(R, attr, w, b, e);
  if (!w->cp && !(w->cp = calloc(R->R->n_attrs, sizeof *w->cp))) return chunk_span_of(R, attr, w, b, e);
  cpart *c = &w->cp[attr];
  if (c->v0 == w->ver[0] && c->v1 == w->ver[1]) {
    *b = c->b;
    *e = c->e;
    return c->kind;
  }
  int k = chunk_span_of(R, attr, w, b, e);
  if (k == CP_NONE) *b = *e = 0;
  if (*e <= UINT32_MAX) {
    c->v0 = w->ver[0];
    c->v1 = w->ver[1];
    c->b = (uint32_t)*b;
    c->e = (uint32_t)*e;
    c->kind = k;
  }
  return k;
}

static void chunk_part(run *R, int32_t attr, tword *w, ubuf *dst) {
  size_t b, e;
  int k = chunk_span(R, attr, w, &b, &e);
  if (k == CP_T) {
    put(dst, w->t.p + b, e - b);
    return;
  }
  if (k == CP_ST) {
    int c = R->attr_class[attr];
    if (c == AC_ALL || c == AC_LEM || c == AC_LEMH) {
      /* the scan matched all of s, so it found no stop in it: on s + t it
       * goes on into t (s is not empty: an empty match went to the queue) */
      const uint16_t *q = w->t.p;
      size_t n = w->t.len, i = 0;
      if (c == AC_ALL) i = nul_len(q, n);
      else if (c == AC_LEM)
        while (i < n && q[i] != '<' && q[i]) i++;
      else
        while (i < n && q[i] != '<' && q[i] != '#' && q[i]) i++;
      put(dst, w->s.p, w->s.len);
      put(dst, q, i);
      return;
    }
    ubuf *t = tmp_get(R);
    if (!t) {
      nomem(R);
      return;
    }
    puts16(t, &w->s);
    puts16(t, &w->t);
    re_match(R, attr, t->p, t->len, dst);
    tmp_put(R, 1);
    return;
  }
  if (k == CP_S) put(dst, w->s.p + b, e - b);
}

/* TransferBase::combineWblanks, into `first`. */
static void combine_wblanks(run *R, ubuf *first, const ubuf *second) {
  if (!first->len) {
    ubuf_copy(first, second);
    return;
  }
  if (!second->len) return;
  ubuf *r = tmp_get(R);
  if (!r) {
    nomem(R);
    return;
  }
  size_t n = first->len;
  if (n >= 2 && first->p[n - 1] == ']' && first->p[n - 2] == ']') {
    if (n > 2) {
      size_t i = n - 3;
      int esc = 0;
      while (first->p[i] == '\\') {
        esc = !esc;
        if (i == 0) break;
        i--;
      }
      put(r, first->p, esc ? n : n - 2);
    } else {
      put(r, first->p, n - 2);
    }
  } else {
    put(r, first->p, n);
  }
  putc16(r, ';');
  putc16(r, ' ');
  if (second->len >= 2 && second->p[0] == '[' && second->p[1] == '[') put(r, second->p + 2, second->len - 2);
  else puts16(r, second);
  ubuf_copy(first, r);
  tmp_put(R, 1);
}

/* ---- the pattern matcher (MatchState) ---- */

static void ms_init(run *R) {
  R->ms_first = 0;
  R->ms_last = 1;
  R->ms[0] = R->R->initial;
}
static uint32_t ms_size(const run *R) { return (R->ms_last - R->ms_first) & (MS_RING - 1); }
static PL_INLINE void ms_push(run *R, uint32_t to) {
  if (to == TRX_NONE) return;
  R->ms[R->ms_last] = to;
  R->ms_last = (R->ms_last + 1) & (MS_RING - 1);
}
static void ms_step(run *R, int32_t sym) {
  uint32_t mylast = R->ms_last;
  for (uint32_t i = R->ms_first; i != mylast; i = (i + 1) & (MS_RING - 1)) ms_push(R, trx_step(R->R, R->ms[i], sym));
  R->ms_first = mylast;
}
/* A symbol with its ANY_CHAR or ANY_TAG alternative (alt_tag selects). */
static void ms_step2(run *R, int32_t sym, int alt_tag) {
  const trx_rules *T = R->R;
  const uint32_t *alt = alt_tag ? T->to_any_tag : T->to_any_char;
  uint32_t mylast = R->ms_last;
  for (uint32_t i = R->ms_first; i != mylast; i = (i + 1) & (MS_RING - 1)) {
    uint32_t n = R->ms[i];
    ms_push(R, trx_step(T, n, sym));
    ms_push(R, alt[n]);
  }
  R->ms_first = mylast;
}
static int ms_classify(const run *R) {
  uint32_t best = UINT32_MAX;
  for (uint32_t i = R->ms_first; i != R->ms_last; i = (i + 1) & (MS_RING - 1)) {
    uint32_t rule = R->R->final_rule[R->ms[i]];
    if (rule && rule < best && !R->banned[rule]) best = rule;
  }
  return best == UINT32_MAX ? -1 : (int)best;
}
static void ban(run *R, int rule) {
  if (rule <= 0 || R->banned[rule]) return;
  R->banned[rule] = 1;
  R->banned_list[R->n_banned++] = rule;
}
static void unban_all(run *R) {
  while (R->n_banned) R->banned[R->banned_list[--R->n_banned]] = 0;
}

/* ---- token ring (lttoolbox Buffer) ---- */

/* The slot the next token is read into, emptied; ring_commit() makes it
 * the newest token.  Reading straight into the slot saves a copy. */
static tok *ring_open(run *R) {
  uint32_t i = R->lastpos == TOK_RING ? 0 : R->lastpos;
  if (i >= R->ring_hw) { /* slots are used in order: a new one */
    memset(&R->ring[R->ring_hw], 0, sizeof R->ring[0]);
    R->ring_hw++;
  }
  tok *t = &R->ring[i];
  ubuf_reset(&t->s);
  t->klen = 0;
  return t;
}
static tok *ring_commit(run *R, int type) {
  if (R->lastpos == TOK_RING) R->lastpos = 0;
  tok *t = &R->ring[R->lastpos++];
  R->cur = R->lastpos;
  t->type = type;
  if (t->s.failed) nomem(R);
  return t;
}
static tok *ring_last(run *R) { return &R->ring[R->lastpos ? R->lastpos - 1 : TOK_RING - 1]; }
static tok *ring_next(run *R) {
  if (R->cur != R->lastpos) {
    if (R->cur == TOK_RING) R->cur = 0;
    return &R->ring[R->cur++];
  }
  return ring_last(R);
}
static void ring_setpos(run *R, uint32_t p) { R->cur = p % TOK_RING; }

static int push_ptr(run *R, ubuf ***arr, size_t *n, size_t *cap, ubuf *p) {
  if (*n == *cap) {
    size_t c = *cap ? *cap * 2 : 64;
    ubuf **q = pl_realloc_array(*arr, c, sizeof *q);
    if (!q) return nomem(R);
    *arr = q;
    *cap = c;
  }
  (*arr)[(*n)++] = p;
  return 0;
}
static int tw_push(run *R, ubuf *p) { return push_ptr(R, &R->tmpword, &R->n_tw, &R->cap_tw, p); }
static int tb_push(run *R, ubuf *p) { return push_ptr(R, &R->tmpblank, &R->n_tb, &R->cap_tb, p); }

/* Bytes that end a plain run of the readers (and every byte >= 0x80):
 * SCAN_TOP for the transfer reader, SCAN_CHUNK outside and SCAN_BRACE
 * inside a chunk's braces for the other two.  Stopping at a byte that is
 * plain after all costs nothing but time. */
enum { SCAN_TOP, SCAN_CHUNK, SCAN_BRACE };
#define SCAN_SET(w)                                                                                                  \
  ((w) == SCAN_TOP     ? (const char[6]){0, '\\', '[', '$', '^', '^'}                                               \
   : (w) == SCAN_CHUNK ? (const char[6]){0, '\\', '[', '{', '$', '^'}                                               \
                       : (const char[6]){0, '\\', '}', '}', '}', '}'})

static PL_INLINE int scan_stop(int which, uint8_t c) {
  const char *set = SCAN_SET(which);
  if (c >= 0x80) return 1;
  for (int k = 0; k < 6; k++)
    if (c == (uint8_t)set[k]) return 1;
  return 0;
}

/* The first byte at or after p (below e) that ends a plain run, or e. */
static PL_INLINE const uint8_t *scan_plain(const uint8_t *p, const uint8_t *e, int which) {
#if defined(__SSE2__)
  const char *set = SCAN_SET(which);
  const __m128i c0 = _mm_setzero_si128(), c1 = _mm_set1_epi8(set[1]), c2 = _mm_set1_epi8(set[2]),
                c3 = _mm_set1_epi8(set[3]), c4 = _mm_set1_epi8(set[4]), c5 = _mm_set1_epi8(set[5]);
  for (; e - p >= 16; p += 16) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, c0), _mm_cmpeq_epi8(v, c1)),
                               _mm_or_si128(_mm_cmpeq_epi8(v, c2), _mm_cmpeq_epi8(v, c3)));
    hit = _mm_or_si128(_mm_or_si128(hit, v), _mm_or_si128(_mm_cmpeq_epi8(v, c4), _mm_cmpeq_epi8(v, c5)));
    unsigned mask = (unsigned)_mm_movemask_epi8(hit); /* v: the high bit of bytes >= 0x80 */
    if (mask) return p + __builtin_ctz(mask);
  }
#endif
  while (p < e && !scan_stop(which, *p)) p++;
  return p;
}

/* Appends the n ASCII bytes at p to b; the input chunk ends at e (whole
 * blocks of 16 are loaded and stored where the chunk and b have room). */
static PL_INLINE int put_ascii(ubuf *b, const uint8_t *p, size_t n, const uint8_t *e) {
  if (n + 16 > b->cap - b->len && ubuf_reserve(b, n + 16)) return -1;
  uint16_t *d = b->p + b->len;
  b->len += n;
#if defined(__SSE2__)
  if ((size_t)(e - p) >= n + 16) {
    const __m128i zero = _mm_setzero_si128();
    for (size_t i = 0; i < n; i += 16) {
      __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
      _mm_storeu_si128((__m128i *)(void *)(d + i), _mm_unpacklo_epi8(v, zero));
      _mm_storeu_si128((__m128i *)(void *)(d + i + 8), _mm_unpackhi_epi8(v, zero));
    }
    return 0;
  }
#else
  (void)e;
#endif
  for (size_t i = 0; i < n; i++) d[i] = p[i];
  return 0;
}

/* Copies a run of plain ASCII bytes straight from the input chunk into b;
 * the caller's u8in_get sees the rest.  Only when no code point has been
 * pushed back. */
static PL_INLINE void copy_plain(run *R, ubuf *b, int which) {
  pl_in *in = R->in.in;
  if (R->in.n_back) return;
  const uint8_t *p = (const uint8_t *)in->p + in->pos, *e = (const uint8_t *)in->p + in->len;
  const uint8_t *q = scan_plain(p, e, which);
  size_t n = (size_t)(q - p);
  if (!n || put_ascii(b, p, n, e)) return;
  in->pos += n;
}

/* ---- reading tokens ---- */

/* The end of input inside a bracket: Debian loops for ever there; we end
 * the token, keeping its text. */
#define AT_EOF(R, c) ((c) == U8IN_EOF && u8in_eof(&(R)->in))

/* A backslash and the code point it escapes (U+FFFF at the end of input,
 * as Debian appends it). */
static void put_escaped(run *R, ubuf *b) {
  putc16(b, '\\');
  ubuf_put_cp(b, u8in_get(&R->in));
}

/* The rest of a superblank after its '[', up to and with its ']': 0.  At
 * the end of input: -1.  With `wblank`, a second '[' opens a word-bound
 * blank instead: the first '[' is taken back and the result is 1. */
static int read_bracket(run *R, ubuf *b, int wblank) {
  putc16(b, '[');
  for (;;) {
    int32_t c = u8in_get(&R->in);
    if (AT_EOF(R, c)) return -1;
    if (c == '\\') {
      put_escaped(R, b);
    } else if (wblank && c == '[') {
      b->len--;
      return 1;
    } else if (c == ']') {
      putc16(b, ']');
      return 0;
    } else {
      ubuf_put_cp(b, c);
    }
  }
}

static tok *read_token_transfer(run *R) {
  if (R->cur != R->lastpos) return ring_next(R);
  ubuf *content = &ring_open(R)->s;
  for (;;) {
    if (!R->in_wblank) copy_plain(R, content, SCAN_TOP);
    int32_t val = u8in_get(&R->in);
    if (u8in_eof(&R->in) || (val == 0 && R->internal_null_flush)) {
      R->in_wblank = 0;
      goto eof;
    }
    if (R->in_wblank) {
      put(content, (const uint16_t[]){'[', '['}, 2);
      ubuf_put_cp(content, val);
      for (;;) {
        int32_t v3 = u8in_get(&R->in);
        if (AT_EOF(R, v3)) {
          R->in_wblank = 0;
          goto eof;
        }
        if (v3 == '\\') {
          put_escaped(R, content);
        } else if (v3 == '$') {
          R->in_wblank = 0;
          return ring_commit(R, TT_WORD);
        } else if (v3 == 0 && R->null_flush) {
          R->in_wblank = 0;
          pl_out_flush(R->out);
        } else {
          ubuf_put_cp(content, v3);
        }
      }
    }
    if (val == '\\') {
      put_escaped(R, content);
    } else if (val == '[') {
      int r = read_bracket(R, content, 1);
      if (r < 0) goto eof;
      if (r > 0) {
        R->in_wblank = 1;
        return ring_commit(R, TT_BLANK);
      }
    } else if (val == '$') {
      return ring_commit(R, TT_WORD);
    } else if (val == '^') {
      return ring_commit(R, TT_BLANK);
    } else if (val == 0 && R->null_flush) {
      R->in_wblank = 0;
      pl_out_flush(R->out);
    } else {
      ubuf_put_cp(content, val);
    }
  }
eof:
  return ring_commit(R, TT_EOF);
}

/* The first byte at or after p (below e) that is NUL or one of set[0..4]
 * (repeat one to use fewer), or e.  Bytes >= 0x80 do not stop it. */
static PL_INLINE const uint8_t *scan_bytes(const uint8_t *p, const uint8_t *e, const char set[5]) {
#if defined(__SSE2__)
  const __m128i c0 = _mm_setzero_si128(), c1 = _mm_set1_epi8(set[0]), c2 = _mm_set1_epi8(set[1]),
                c3 = _mm_set1_epi8(set[2]), c4 = _mm_set1_epi8(set[3]), c5 = _mm_set1_epi8(set[4]);
  for (; e - p >= 16; p += 16) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, c0), _mm_cmpeq_epi8(v, c1)),
                               _mm_or_si128(_mm_cmpeq_epi8(v, c2), _mm_cmpeq_epi8(v, c3)));
    hit = _mm_or_si128(hit, _mm_or_si128(_mm_cmpeq_epi8(v, c4), _mm_cmpeq_epi8(v, c5)));
    unsigned mask = (unsigned)_mm_movemask_epi8(hit);
    if (mask) return p + __builtin_ctz(mask);
  }
#endif
  for (; p < e; p++)
    if (!*p || *p == (uint8_t)set[0] || *p == (uint8_t)set[1] || *p == (uint8_t)set[2] || *p == (uint8_t)set[3] ||
        *p == (uint8_t)set[4])
      break;
  return p;
}

/* Appends the UTF-8 text [p, q) to b as UTF-16 (as u8in_get decodes it);
 * the input chunk ends at e.  -1 on invalid UTF-8 or no memory. */
static int put_utf8(ubuf *b, const uint8_t *p, const uint8_t *q, const uint8_t *e) {
  while (p < q) {
    const uint8_t *r = p;
#if defined(__SSE2__)
    for (; q - r >= 16; r += 16) {
      unsigned mask = (unsigned)_mm_movemask_epi8(_mm_loadu_si128((const __m128i *)(const void *)r));
      if (mask) {
        r += __builtin_ctz(mask);
        goto found;
      }
    }
#endif
    while (r < q && *r < 0x80) r++;
#if defined(__SSE2__)
  found:
#endif
    if (r > p && put_ascii(b, p, (size_t)(r - p), e)) return -1;
    if (r >= q) break;
    int k = utf8_lead_len(*r);
    int32_t cp;
    if (q - r < k || (cp = utf8_decode(r, k)) < 0 || ubuf_put_cp(b, cp)) return -1;
    p = r + k;
  }
  return 0;
}

/* The usual tokens of interchunk and postchunk in one go, straight from
 * the input chunk: a blank up to '^' with no backslash, bracket or NUL in
 * it, or a word up to its '$' (name, then "{...}" with no backslash or
 * NUL, closed by "}$").  Anything else, or a token the chunk does not hold
 * whole, is left to the general reader (-1, nothing consumed); otherwise
 * the token's type, with the same text and state the general reader
 * leaves. */
static int fast_chunk_token(run *R, ubuf *b) {
  pl_in *in = R->in.in;
  const uint8_t *base = (const uint8_t *)in->p, *p = base + in->pos, *e = base + in->len, *q;
  int type;
  if (!R->inword) {
    q = scan_bytes(p, e, "\\[^^");
    if (q >= e || *q != '^') return -1;
    type = TT_BLANK;
  } else {
    q = scan_bytes(p, e, "\\[{$^");
    if (q >= e) return -1;
    if (*q == '{') {
      q = scan_bytes(q + 1, e, "\\}}}");
      if (e - q < 2 || q[0] != '}' || q[1] != '$') return -1;
      q++;
    } else if (*q != '$') {
      return -1;
    }
    type = TT_WORD;
  }
  if (put_utf8(b, p, q, e)) {
    b->len = 0;
    return -1;
  }
  in->pos = (size_t)(q + 1 - base);
  R->inword = type == TT_BLANK;
  return type;
}

static tok *read_token_chunk(run *R) { /* interchunk and postchunk */
  if (R->cur != R->lastpos) return ring_next(R);
  ubuf *content = &ring_open(R)->s;
  if (!R->in.n_back && !R->in.bad) {
    int type = fast_chunk_token(R, content);
    if (type >= 0) return ring_commit(R, type);
  }
  for (;;) {
    copy_plain(R, content, SCAN_CHUNK);
    int32_t val = u8in_get(&R->in);
    if (u8in_eof(&R->in) || (R->internal_null_flush && val == 0)) goto eof;
    if (val == '\\') {
      put_escaped(R, content);
    } else if (val == '[') {
      if (read_bracket(R, content, 0) < 0) goto eof;
    } else if (R->inword && val == '{') {
      putc16(content, '{');
      for (;;) {
        copy_plain(R, content, SCAN_BRACE);
        int32_t v2 = u8in_get(&R->in);
        if (AT_EOF(R, v2)) goto eof;
        if (v2 == '\\') {
          put_escaped(R, content);
        } else if (v2 == '}') {
          int32_t v3 = u8in_peek(&R->in);
          putc16(content, '}');
          if (v3 == '$') break;
        } else {
          ubuf_put_cp(content, v2);
        }
      }
    } else if (R->inword && val == '$') {
      R->inword = 0;
      return ring_commit(R, TT_WORD);
    } else if (val == '^') {
      R->inword = 1;
      return ring_commit(R, TT_BLANK);
    } else {
      ubuf_put_cp(content, val);
    }
  }
eof:
  return ring_commit(R, TT_EOF);
}

/* ---- stepping words through the patterns ---- */


static void step_char(run *R, uint16_t c) {
  int32_t l = c < 0x80 ? (c >= 'A' && c <= 'Z' ? c + 32 : c) : (int32_t)u_tolower(c); /* u_tolower is locale-free */
  ms_step2(R, l, 0);
}

/* A tag "<...>" starting at s[i]: steps it and returns the index of its '>',
 * or i unchanged (and nothing stepped) when there is no '>'. */
static size_t step_tag(run *R, const uint16_t *s, size_t n, size_t i) {
  for (size_t j = i + 1; j < n; j++) {
    if (s[j] == '>') {
      int32_t sym = trx_tag_symbol(R->R, s + i, j - i + 1);
      if (sym) ms_step2(R, sym, 1);
      else ms_step(R, R->R->any_tag);
      return j;
    }
  }
  return i;
}

/* The first part of apply_word() while a single pattern node is alive (the
 * common case): plain characters and tags are stepped without the state
 * ring.  Returns the index where the general loop goes on: at a unit it
 * leaves to it, where a step keeps two nodes alive (both are then in the
 * ring, in ms_step2's order), or n. */
static size_t step_single(run *R, const uint16_t *s, size_t n) {
  const trx_rules *T = R->R;
  uint32_t st = R->ms[R->ms_first];
  size_t i = 0;
  while (i < n) {
    uint16_t c = s[i];
    uint32_t a, b;
    size_t next = i + 1;
    if (c == '<' && R->kind != TRX_POSTCHUNK) {
      size_t j = i + 1;
      while (j < n && s[j] != '>') j++;
      if (j >= n) { /* no '>': nothing is stepped (step_tag) */
        i++;
        continue;
      }
      int32_t sym = trx_tag_symbol(T, s + i, j - i + 1);
      if (sym) {
        a = trx_step(T, st, sym);
        b = T->to_any_tag[st];
      } else {
        a = trx_step(T, st, T->any_tag);
        b = TRX_NONE;
      }
      next = j + 1;
    } else if (c == '\\' || c == '[' || c == '/' || c == '{' || c == '<') {
      break;
    } else {
      int32_t l = c < 0x80 ? (c >= 'A' && c <= 'Z' ? c + 32 : c) : (int32_t)u_tolower(c);
      a = trx_step(T, st, l);
      b = T->to_any_char[st];
    }
    if (a != TRX_NONE && b != TRX_NONE) {
      R->ms_first = 0;
      R->ms_last = 2;
      R->ms[0] = a;
      R->ms[1] = b;
      return next;
    }
    if (a == TRX_NONE && b == TRX_NONE) {
      R->ms_first = R->ms_last = 0;
      return n;
    }
    st = a != TRX_NONE ? a : b;
    i = next;
  }
  R->ms_first = 0;
  R->ms_last = 1;
  R->ms[0] = st;
  return i;
}

/* Steps s[i..n) and the closing '$' (the rest of apply_word). */
static void apply_rest(run *R, const ubuf *w, size_t i) {
  const uint16_t *s = w->p;
  size_t n = w->len;
  for (; i < n; i++) {
    if (R->ms_first == R->ms_last) return; /* no pattern is alive: the rest cannot match */
    switch (s[i]) {
    case '\\':
      i++;
      step_char(R, at(w, i));
      break;
    case '[':
      if (R->kind == TRX_TRANSFER) {
        if (at(w, i + 1) == '[') {
          for (; i < n; i++) { /* skip the word-bound blank "[[...]]" up to its '^' */
            if (s[i] == '\\') i++;
            else if (i >= 4 && s[i] == '^' && s[i - 1] == ']' && s[i - 2] == ']') break;
          }
        } else {
          step_char(R, s[i]);
        }
        break;
      }
      step_char(R, s[i]);
      break;
    case '/':
      if (R->kind == TRX_TRANSFER) {
        i = n;
        break;
      }
      step_char(R, s[i]);
      break;
    case '<':
      if (R->kind == TRX_POSTCHUNK) {
        ms_step(R, '$');
        return;
      }
      i = step_tag(R, s, n, i);
      break;
    case '{':
      if (R->kind != TRX_TRANSFER) {
        ms_step(R, '$');
        return;
      }
      step_char(R, s[i]);
      break;
    default:
      step_char(R, s[i]);
      break;
    }
  }
  ms_step(R, '$');
}

/* A word through the patterns (Transfer::applyWord & co.): '^', its
 * characters and tags, '$'. */
static void step_word(run *R, const ubuf *w) {
  size_t i = 0;
  if (R->ms_last == ((R->ms_first + 1) & (MS_RING - 1)) && R->ms[R->ms_first] == R->R->initial) {
    R->ms_first = 0; /* from the initial node alone: its step on '^' is known */
    R->ms_last = R->caret == TRX_NONE ? 0 : 1;
    R->ms[0] = R->caret;
  } else {
    ms_step(R, '^');
  }
  if (R->ms_last == ((R->ms_first + 1) & (MS_RING - 1))) {
    i = step_single(R, w->p, w->len);
    if (R->ms_first == R->ms_last) return;
  }
  apply_rest(R, w, i);
}

/* ---- words through the patterns, remembered ----
 * The nodes alive after a word depend only on the nodes alive before it
 * (in their ring order, repeats included) and on the part of the word that
 * step_word() reads, and the same few states meet the same words again and
 * again (interchunk sees the same chunk names and tags all the time).  So
 * the result is kept by (nodes before, that part of the word) in a table
 * whose entries live in one arena; both are emptied when full.  The ring's
 * positions play no part: every step reads and writes relative to them. */
#define WM_SLOTS 65536u      /* at most; a power of two, at most half are used */
#define WM_ARENA (1u << 20)  /* u32 units, at most */
#define WM_MAX_NODES 64u
#define WM_MAX_KEY 1024u
#define WM_ENTRY_MAX (3 + 2 * WM_MAX_NODES + WM_MAX_KEY / 2)

typedef struct wmslot {
  uint64_t hash; /* 0: empty */
  uint32_t at;   /* the entry's offset in the arena */
} wmslot;

/* Both start small and grow (a lookup in a big sparse table misses the
 * cache), up to WM_SLOTS and WM_ARENA; then they are emptied. */
typedef struct wmemo {
  wmslot *slot;
  uint32_t *arena; /* entries: n_in, n_out, key length, nodes in, nodes out, key (u16 pairs) */
  size_t slots, max_slots, used, a_used, a_cap, a_max;
} wmemo;

static wmemo *wm_new(void) {
  wmemo *M = calloc(1, sizeof *M);
  if (!M) return NULL;
  const char *v = getenv("PARLEY_TRX_TABLE"); /* small tables, for tests */
  int small = v && atoi(v) >= 16;
  M->slots = small ? 16 : 1024;
  M->max_slots = small ? 16 : WM_SLOTS;
  M->a_cap = small ? 4 * WM_ENTRY_MAX : 16384;
  M->a_max = small ? M->a_cap : WM_ARENA;
  M->slot = calloc(M->slots, sizeof *M->slot);
  M->arena = malloc(M->a_cap * sizeof *M->arena);
  if (!M->slot || !M->arena) {
    free(M->slot);
    free(M->arena);
    free(M);
    return NULL;
  }
  return M;
}

static void wm_free(wmemo *M) {
  if (!M) return;
  free(M->slot);
  free(M->arena);
  free(M);
}

/* Room for an entry of `need` units and one more slot: the arena and the
 * slots grow, or everything is emptied. */
static void wm_room(wmemo *M, size_t need) {
  if (M->a_cap - M->a_used < need) {
    size_t cap = M->a_cap * 2;
    uint32_t *p = cap <= M->a_max ? realloc(M->arena, cap * sizeof *p) : NULL;
    if (p) {
      M->arena = p;
      M->a_cap = cap;
    } else {
      memset(M->slot, 0, M->slots * sizeof *M->slot);
      M->used = M->a_used = 0;
    }
  }
  if (M->used >= M->slots / 2) {
    size_t cap = M->slots * 2;
    wmslot *big = cap <= M->max_slots ? calloc(cap, sizeof *big) : NULL;
    if (big) {
      for (size_t i = 0; i < M->slots; i++) {
        if (!M->slot[i].hash) continue;
        size_t j = (size_t)M->slot[i].hash & (cap - 1);
        while (big[j].hash) j = (j + 1) & (cap - 1);
        big[j] = M->slot[i];
      }
      free(M->slot);
      M->slot = big;
      M->slots = cap;
    } else {
      memset(M->slot, 0, M->slots * sizeof *M->slot);
      M->used = M->a_used = 0;
    }
  }
}

/* How many units of word s[0..n) step_word() reads: up to and with the
 * unit where it stops, or n (also when it looks for a '>' up to the end or
 * reads past it after a final backslash).  From s[i], inside a tag if
 * `inside`. */
static size_t word_key_scalar(trx_kind kind, const uint16_t *s, size_t n, size_t i, int inside) {
  if (inside) {
    while (i < n && s[i] != '>') i++;
    if (i >= n) return n;
    i++;
  }
  for (; i < n; i++) {
    uint16_t c = s[i];
    if (c > '\\') {
      if (c == '{' && kind != TRX_TRANSFER) return i + 1;
    } else if (c == '\\') {
      i++;
    } else if (c == '<') {
      if (kind == TRX_POSTCHUNK) return i + 1;
      size_t j = i + 1;
      while (j < n && s[j] != '>') j++;
      if (j >= n) return n;
      i = j;
    } else if (kind == TRX_TRANSFER) {
      if (c == '/') return i + 1;
      if (c == '[' && i + 1 < n && s[i + 1] == '[') {
        for (; i < n; i++) { /* as step_word skips a word-bound blank */
          if (s[i] == '\\') i++;
          else if (i >= 4 && s[i] == '^' && s[i - 1] == ']' && s[i - 2] == ']') break;
        }
      }
    }
  }
  return n;
}

/* The same, eight units at a time: a unit is inside a tag when the last
 * '<' before it comes after the last '>' before it.  Backslashes and '['
 * outside tags go to the scalar loop. */
static size_t word_key_len(const run *R, const uint16_t *s, size_t n) {
  trx_kind kind = R->kind;
  size_t i = 0;
  int inside = 0;
#if defined(__SSE2__)
  const __m128i lt = _mm_set1_epi16('<'), gt = _mm_set1_epi16('>'), bs = _mm_set1_epi16('\\');
  const __m128i x1 = _mm_set1_epi16(kind == TRX_TRANSFER ? '/' : '{');
  const __m128i x2 = _mm_set1_epi16(kind == TRX_TRANSFER ? '[' : '{');
  for (; n - i >= 8; i += 8) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
    unsigned ml = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi16(v, lt));
    unsigned mg = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi16(v, gt));
    unsigned ms = (unsigned)_mm_movemask_epi8(
        _mm_or_si128(_mm_cmpeq_epi16(v, bs), _mm_or_si128(_mm_cmpeq_epi16(v, x1), _mm_cmpeq_epi16(v, x2))));
    if (kind == TRX_POSTCHUNK) { /* '<' ends the word there: no tags */
      ms |= ml;
      ml = mg = 0;
    }
    while (ms) {
      unsigned bit = (unsigned)__builtin_ctz(ms);
      unsigned below = (ml | mg) & ((1u << bit) - 1);
      int in = below ? (int)((ml >> (31 - __builtin_clz(below))) & 1) : inside;
      if (!in) {
        size_t p = i + bit / 2;
        if (s[p] == '\\' || s[p] == '[') return word_key_scalar(kind, s, n, p, 0);
        return p + 1;
      }
      ms &= ~(3u << bit);
    }
    if (ml | mg) inside = (int)((ml >> (31 - __builtin_clz(ml | mg))) & 1);
  }
#endif
  return word_key_scalar(kind, s, n, i, inside);
}

/* A token's word through the patterns, with the memo (its key is found
 * once: tokens are stepped again when they are read back after a rule). */
static PL_NOINLINE void apply_word_kept(run *R, tok *t) {
  const ubuf *w = &t->s;
  wmemo *M = R->wm;
  uint32_t n_in = ms_size(R);
  if (!n_in) return; /* nothing alive: nothing to step */
  if (n_in > WM_MAX_NODES) {
    step_word(R, w);
    return;
  }
  if (!t->klen) {
    size_t k = word_key_len(R, w->p, w->len);
    t->klen = k > WM_MAX_KEY ? UINT32_MAX : (uint32_t)k + 1;
    if (k <= WM_MAX_KEY) t->khash = pl_hash(w->p, k * sizeof *w->p);
  }
  if (t->klen == UINT32_MAX) {
    step_word(R, w);
    return;
  }
  size_t klen = t->klen - 1;
  uint64_t h = t->khash;
  for (uint32_t i = R->ms_first, k = 0; k < n_in; k++, i = (i + 1) & (MS_RING - 1))
    h = ((h ^ R->ms[i]) * 0x9E3779B97F4A7C15ull) ^ (h >> 29);
  if (!h) h = 1;
  size_t mask = M->slots - 1, j = (size_t)h & mask;
  for (; M->slot[j].hash; j = (j + 1) & mask) {
    if (M->slot[j].hash != h) continue;
    const uint32_t *e = M->arena + M->slot[j].at;
    if (e[0] != n_in || e[2] != klen) continue;
    const uint32_t *in = e + 3, *out = in + n_in, *key = out + e[1];
    uint32_t i = R->ms_first, k = 0;
    for (; k < n_in && R->ms[i] == in[k]; k++) i = (i + 1) & (MS_RING - 1);
    if (k < n_in || !same16((const uint16_t *)(const void *)key, w->p, klen)) continue;
    memcpy(R->ms, out, e[1] * sizeof *out);
    R->ms_first = 0;
    R->ms_last = e[1];
    return;
  }
  /* not known: step it, and keep the result */
  wm_room(M, 3 + n_in + WM_MAX_NODES + (klen + 1) / 2);
  uint32_t *e = M->arena + M->a_used;
  e[0] = n_in;
  for (uint32_t i = R->ms_first, k = 0; k < n_in; k++, i = (i + 1) & (MS_RING - 1)) e[3 + k] = R->ms[i];
  step_word(R, w);
  uint32_t n_out = ms_size(R);
  if (n_out > WM_MAX_NODES) return;
  e[1] = n_out;
  e[2] = (uint32_t)klen;
  uint32_t *out = e + 3 + n_in;
  for (uint32_t i = R->ms_first, k = 0; k < n_out; k++, i = (i + 1) & (MS_RING - 1)) out[k] = R->ms[i];
  uint32_t *key = out + n_out;
  memcpy(key, w->p, klen * sizeof *w->p);
  M->a_used += 3 + n_in + n_out + (klen + 1) / 2;
  mask = M->slots - 1;
  for (j = (size_t)h & mask; M->slot[j].hash; j = (j + 1) & mask) {
  }
  M->slot[j].hash = h;
  M->slot[j].at = (uint32_t)(e - M->arena);
  M->used++;
}

static PL_INLINE void apply_word(run *R, tok *t) {
  if (R->wm) apply_word_kept(R, t);
  else step_word(R, &t->s);
}

/* ---- the fast path for fresh tokens ----
 * Most blanks and many words arrive when nothing is pending: the matcher
 * is at its initial state, no word or blank is held, nothing is to be
 * replayed.  A blank there cannot start a pattern (they all start with
 * '^'), so it is written at once, and so is a word no pattern goes through.
 * fresh_tokens() does that straight from the input bytes for plain text,
 * with the same effects on the token ring, the matcher and `last` as the
 * general loop in segment(); anything else (escapes, brackets, the end of
 * the input chunk, NUL, invalid UTF-8) goes back to the general loop before
 * the token is consumed. */

/* Copies plain text from p (below e) into b as UTF-16, up to the first
 * stopping byte, which it returns; NULL if the chunk ends first or a
 * character is not valid UTF-8. */
static const uint8_t *fast_copy(const uint8_t *p, const uint8_t *e, ubuf *b) {
  for (;;) {
    const uint8_t *q = scan_plain(p, e, SCAN_TOP);
    if (put_ascii(b, p, (size_t)(q - p), e)) return NULL;
    if (q >= e) return NULL;
    if (*q < 0x80) return q;
    int k = utf8_lead_len(*q);
    if ((size_t)(e - q) < (size_t)k) return NULL;
    int32_t cp = utf8_decode(q, k);
    if (cp < 0) return NULL;
    if (ubuf_put_cp(b, cp)) return NULL;
    p = q + k;
  }
}

/* Can fresh_tokens() run now?  (The caller knows that no rule is pending.) */
static PL_INLINE int fresh(const run *R) {
  return R->fast && !R->n_tw && !R->n_tb && R->cur == R->lastpos && !R->in.n_back && !R->in_wblank &&
         R->ms_last == ((R->ms_first + 1) & (MS_RING - 1)) && R->ms[R->ms_first] == R->R->initial;
}

static void default_output(run *R, const ubuf *w);

/* 1: a word was read that some pattern is still matching (it has been
 * stepped and held, as the general loop does); 0: the general loop goes on
 * from a fresh state. */
static int fresh_tokens(run *R, uint32_t *last, uint32_t *prev_last) {
  pl_in *in = R->in.in;
  const uint8_t *base = (const uint8_t *)in->p, *e = base + in->len;
  int plain_out = !R->o->pre_bilingual && !R->R->default_chunk;
  for (;;) {
    if (R->err) return 0;
    pl_out_maybe_spill(R->out);
    /* the blank, up to '^' */
    const uint8_t *bp = base + in->pos, *bq;
    tok *t = ring_open(R);
    if (e - bp >= 2 && bp[0] == ' ' && bp[1] == '^' && t->s.cap) { /* the usual blanks */
      t->s.p[0] = ' ';
      t->s.len = 1;
      bq = bp + 1;
    } else if (bp < e && bp[0] == '^') {
      bq = bp;
    } else if (!(bq = fast_copy(bp, e, &t->s)) || *bq != '^') {
      return 0;
    }
    in->pos = (size_t)(bq + 1 - base);
    ring_commit(R, TT_BLANK);
    *prev_last = *last;
    *last = R->cur;
    ms_init(R);
    /* the word, up to '$'; the blank is written with it (valid UTF-8 is
     * written back as it came) */
    const uint8_t *p = bq + 1;
    t = ring_open(R);
    const uint8_t *q = fast_copy(p, e, &t->s);
    if (!q || *q != '$') { /* the general reader reads it from here */
      out_bytes(R->out, bp, (size_t)(bq - bp));
      return 0;
    }
    in->pos = (size_t)(q + 1 - base);
    ring_commit(R, TT_WORD);
    apply_word(R, t);
    if (R->ms_first != R->ms_last) {
      out_bytes(R->out, bp, (size_t)(bq - bp));
      if (tw_push(R, &t->s)) return 0;
      return 1;
    }
    if (plain_out) {
      out_bytes(R->out, bp, q > p ? (size_t)(q + 1 - bp) : (size_t)(bq - bp));
    } else {
      out_bytes(R->out, bp, (size_t)(bq - bp));
      default_output(R, &t->s);
    }
    unban_all(R);
    ring_setpos(R, *last);
    ring_next(R);
    *prev_last = *last;
    *last = R->cur;
    ms_init(R);
  }
}

/* ---- words ---- */

/* Word i of the rule being applied, emptied; word_array() has made room
 * for all of them (growing the pool moves the words, so it is never done
 * while R->word points into it). */
static tword *word_slot(run *R, size_t i) {
  if (i >= R->cap_wpool) return NULL;
  tword *w = &R->wpool[i];
  w->src = NULL;
  for (int k = 0; k < 3; k++) w->ver[k] = ++R->gen;
  ubuf_reset(&w->s);
  ubuf_reset(&w->t);
  ubuf_reset(&w->r);
  ubuf_reset(&w->wb);
  return w;
}

/* Room for n words: the array of pointers and the pool they point into. */
static int word_array(run *R, size_t n) {
  if (n > R->cap_wpool) {
    size_t cap = R->cap_wpool ? R->cap_wpool * 2 : 64;
    while (cap < n) cap *= 2;
    tword *p = pl_realloc_array(R->wpool, cap, sizeof *p);
    if (!p) return nomem(R);
    memset(p + R->cap_wpool, 0, (cap - R->cap_wpool) * sizeof *p);
    R->wpool = p;
    R->cap_wpool = cap;
  }
  if (n > R->cap_wordarr) {
    size_t cap = R->cap_wordarr ? R->cap_wordarr : 64;
    while (cap < n) cap *= 2;
    tword **p = pl_realloc_array(R->wordarr, cap, sizeof *p);
    if (!p) return nomem(R);
    R->wordarr = p;
    R->cap_wordarr = cap;
  }
  return 0;
}

/* apertium-transfer -b: "sl/tl/ref" with a leading "[[...]]" word-bound
 * blank (Transfer::applyRule).  Runs of plain characters are appended
 * whole. */
/* The first of '\\', '[' and '/' at or after s[i] (below n), or n. */
static PL_INLINE size_t next_bil(const uint16_t *s, size_t i, size_t n) {
#if defined(__SSE2__)
  const __m128i bs = _mm_set1_epi16('\\'), br = _mm_set1_epi16('['), sl = _mm_set1_epi16('/');
  for (; n - i >= 8; i += 8) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
    __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi16(v, bs), _mm_cmpeq_epi16(v, br)), _mm_cmpeq_epi16(v, sl));
    unsigned mask = (unsigned)_mm_movemask_epi8(hit);
    if (mask) return i + (size_t)(__builtin_ctz(mask) / 2);
  }
#endif
  while (i < n && s[i] != '\\' && s[i] != '[' && s[i] != '/') i++;
  return i;
}

static void split_bilingual(const ubuf *in, ubuf *sl, ubuf *tl, ubuf *ref, ubuf *wb) {
  const uint16_t *s = in->p;
  size_t n = in->len, from = 0, i = 0;
  ubuf *side = sl;
  int seen = 0;
  for (; (i = next_bil(s, i, n)) < n; i++) {
    uint16_t c = s[i];
    if (c == '\\') { /* the escaped unit stays in the run; at the very end, Debian appends a NUL */
      if (++i < n) continue;
      put(side, s + from, i - from);
      putc16(side, 0);
      return;
    }
    if (c == '[' && (i + 1 >= n || s[i + 1] != '[')) continue;
    put(side, s + from, i - from);
    if (c == '/') {
      seen++;
      side = seen == 1 ? tl : ref;
      ubuf_reset(ref);
    } else { /* "[[...]]" up to its '^' goes to wb; the '^' is dropped */
      for (; i < n; i++) {
        if (s[i] == '\\') {
          putc16(wb, s[i]);
          i++;
          putc16(wb, at(in, i));
        } else if (s[i] == '^' && i >= 2 && s[i - 1] == ']' && s[i - 2] == ']') {
          break;
        } else {
          putc16(wb, s[i]);
        }
      }
    }
    from = i + 1;
  }
  if (from < n) put(side, s + from, n - from);
}

/* InterchunkWord::init */
/* The first of '\\', '{' and ']' at or after s[i] (below n), or n. */
static PL_INLINE size_t next_chunk_special(const uint16_t *s, size_t i, size_t n) {
#if defined(__SSE2__)
  const __m128i bs = _mm_set1_epi16('\\'), br = _mm_set1_epi16('{'), cl = _mm_set1_epi16(']');
  for (; n - i >= 8; i += 8) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
    __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi16(v, bs), _mm_cmpeq_epi16(v, br)), _mm_cmpeq_epi16(v, cl));
    unsigned mask = (unsigned)_mm_movemask_epi8(hit);
    if (mask) return i + (size_t)(__builtin_ctz(mask) / 2);
  }
#endif
  while (i < n && s[i] != '\\' && s[i] != '{' && s[i] != ']') i++;
  return i;
}

static void chunk_word(tword *w, const uint16_t *s, size_t n) {
  size_t b_end = 0;
  for (size_t i = 0; (i = next_chunk_special(s, i, n)) < n; i++) {
    if (s[i] == '\\') {
      i++;
    } else if (s[i] == '{') {
      set16(&w->s, s, i);
      set16(&w->t, s + i, n - i);
      return;
    } else if (s[i] == ']' && i > 0 && s[i - 1] == ']') {
      b_end = i + 1;
    }
  }
  if (b_end > 0) {
    set16(&w->wb, s, b_end);
    set16(&w->s, s + b_end, n - b_end);
  } else {
    set16(&w->s, s, n);
  }
  ubuf_reset(&w->t);
}

/* ---- the interpreter ---- */

static const trx_node *kid(const run *R, const trx_node *n, uint32_t i) { return R->kidp[n->kids + i]; }

static int eval(run *R, const trx_node *n, ubuf *dst);

/* A word of transfer or interchunk is made from its token when it is
 * first used (rules often read fewer words than were matched: the longest
 * pattern tried decides how many tokens are held).  What it is made of
 * does not change meanwhile: no token is read while a rule runs. */
static PL_NOINLINE void word_make(run *R, tword *w) {
  const ubuf *src = w->src;
  w->src = NULL;
  if (R->kind == TRX_INTERCHUNK) chunk_word(w, src->p, src->len);
  else if (R->o->pre_bilingual) split_bilingual(src, &w->s, &w->t, &w->r, &w->wb);
  else {
    ubuf_copy(&w->s, src);
    ubuf_copy(&w->t, src);
  }
}
static PL_INLINE tword *word_use(run *R, tword *w) {
  if (PL_UNLIKELY(w->src != NULL)) word_make(R, w);
  return w;
}

static int check_index(run *R, int pos) {
  if (pos < 0) return 0;
  if (R->kind == TRX_POSTCHUNK ? pos > R->lword : pos >= R->lword) return 0;
  if (!R->word || !R->word[pos]) return 0;
  word_use(R, R->word[pos]);
  return 1;
}


static void note_wblank(run *R, tword *w) {
  if (R->in_lu) combine_wblanks(R, &R->out_wblank, &w->wb);
  else if (R->in_let_var) combine_wblanks(R, &R->var_wb[R->var_val], &w->wb);
}

static PL_NOINLINE int eval_clip(run *R, const trx_node *n, ubuf *dst) {
  if (!check_index(R, n->pos)) return 0;
  tword *w = R->word[n->pos];
  if (R->kind == TRX_TRANSFER) {
    if (n->linkto) {
      ubuf *t = tmp_get(R);
      if (!t) return nomem(R);
      re_match_w(R, n->attr, w, side_k(n->side), t);
      if (t->len) {
        putc16(dst, '<');
        put(dst, trx_s(R->R, n->s), n->s.len);
        putc16(dst, '>');
      }
      tmp_put(R, 1);
      return 0;
    }
    if (n->side != SIDE_REF && n->attr >= 0 && R->lemma_attr[n->attr] && R->last_lword > 1) note_wblank(R, w);
    re_match_w(R, n->attr, w, side_k(n->side), dst);
    return 0;
  }
  if (R->kind == TRX_POSTCHUNK && n->attr >= 0 && R->lemma_attr[n->attr] && R->lword > 1) note_wblank(R, w);
  if (R->kind == TRX_INTERCHUNK && n->attr >= 0 && R->content_attr[n->attr]) {
    ubuf *t = tmp_get(R);
    if (!t) return nomem(R);
    chunk_part(R, n->attr, w, t);
    if (t->len >= 2) put(dst, t->p + 1, t->len - 2);
    tmp_put(R, 1);
    return 0;
  }
  chunk_part(R, n->attr, w, dst);
  return 0;
}

/* The value of a clip on a word (for case-of, get-case-from, modify-case). */
static void clip_value(run *R, tword *w, int side, int32_t attr, ubuf *dst) {
  if (R->kind == TRX_TRANSFER) {
    re_match_w(R, attr, w, side_k(side), dst);
  } else {
    chunk_part(R, attr, w, dst);
  }
}

static int eval_lu(run *R, const trx_node *n, ubuf *dst) {
  R->in_lu = 1;
  ubuf_reset(&R->out_wblank);
  ubuf *w = tmp_get(R);
  if (!w) return nomem(R);
  for (uint32_t i = 0; i < n->n_kids; i++)
    if (eval(R, kid(R, n, i), w)) return -1;
  R->in_lu = 0;
  if (R->kind == TRX_TRANSFER) {
    if (R->last_lword == 1 && R->word && R->word[0]) /* (NULL in a macro given a position past the words: Debian crashes) */
      ubuf_copy(&R->out_wblank, &word_use(R, R->word[0])->wb);
  } else if (R->lword == 1 && R->word && R->word[1]) {
    ubuf_copy(&R->out_wblank, &word_use(R, R->word[1])->wb);
  }
  if (w->len) {
    if (R->kind == TRX_POSTCHUNK || at(w, 0) != '[' || at(w, 1) != '[') {
      puts16(dst, &R->out_wblank);
      putc16(dst, '^');
    }
    puts16(dst, w);
    putc16(dst, '$');
  }
  tmp_put(R, 1);
  return 0;
}

static int eval_mlu(run *R, const trx_node *n, ubuf *dst) {
  ubuf *value = tmp_get(R), *w = tmp_get(R);
  if (!value || !w) return nomem(R);
  int first = 1;
  ubuf_reset(&R->out_wblank);
  R->in_lu = 1;
  for (uint32_t i = 0; i < n->n_kids; i++) {
    const trx_node *c = kid(R, n, i);
    ubuf_reset(w);
    for (uint32_t j = 0; j < c->n_kids; j++)
      if (eval(R, kid(R, c, j), w)) return -1;
    if (!first) {
      if (w->len && w->p[0] != '#') putc16(value, '+');
    } else if (w->len) {
      first = 0;
    }
    puts16(value, w);
  }
  if (R->kind == TRX_POSTCHUNK) R->in_lu = 0; /* transfer leaves it set */
  if (R->kind == TRX_TRANSFER) {
    if (R->last_lword == 1 && R->word && R->word[0]) /* (NULL in a macro given a position past the words: Debian crashes) */
      ubuf_copy(&R->out_wblank, &word_use(R, R->word[0])->wb);
  } else if (R->lword == 1 && R->word && R->word[1]) {
    ubuf_copy(&R->out_wblank, &word_use(R, R->word[1])->wb);
  }
  if (value->len) {
    puts16(dst, &R->out_wblank);
    putc16(dst, '^');
    puts16(dst, value);
    putc16(dst, '$');
  }
  tmp_put(R, 2);
  return 0;
}

static int eval_chunk(run *R, const trx_node *n, ubuf *dst) {
  putc16(dst, '^');
  if (R->kind == TRX_INTERCHUNK) {
    for (uint32_t i = 0; i < n->n_kids; i++)
      if (eval(R, kid(R, n, i), dst)) return -1;
    putc16(dst, '$');
    return 0;
  }
  const uint16_t *name;
  size_t nlen;
  if (n->linkto) {
    name = trx_s(R->R, n->s);
    nlen = n->s.len;
  } else {
    name = R->var[n->var].p;
    nlen = R->var[n->var].len;
  }
  if (n->var2 >= 0) {
    ubuf *c = &R->var[n->var2];
    ubuf *t = tmp_get(R);
    if (!t) return nomem(R);
    put(t, name, nlen); /* the name may be the case variable itself */
    copycase(R, dst, c->p, c->len, t->p, t->len);
    tmp_put(R, 1);
  } else {
    put(dst, name, nlen);
  }
  for (uint32_t i = 0; i < n->n_kids; i++) {
    const trx_node *c = kid(R, n, i);
    if (c->op == OP_TAGS) {
      for (uint32_t j = 0; j < c->n_kids; j++) {
        const trx_node *tg = kid(R, c, j);
        if (tg->op != OP_TAG) continue;
        for (uint32_t k = 0; k < tg->n_kids; k++)
          if (eval(R, kid(R, tg, k), dst)) return -1;
      }
      putc16(dst, '{');
    } else if (eval(R, c, dst)) {
      return -1;
    }
  }
  putc16(dst, '}');
  putc16(dst, '$');
  return 0;
}

/* The expressions eval() leaves to a function of their own. */
static PL_NOINLINE int eval_other(run *R, const trx_node *n, ubuf *dst) {
  switch ((trx_op)n->op) {
  case OP_VAR:
    if (R->kind == TRX_TRANSFER ? R->last_lword > 1 : R->kind == TRX_POSTCHUNK && R->lword > 1)
      combine_wblanks(R, &R->out_wblank, &R->var_wb[n->var]);
    puts16(dst, &R->var[n->var]);
    return 0;
  case OP_B:
    if (R->bq_len) {
      puts16(dst, &R->bq[R->bq_head]);
      if (R->in_out) {
        R->bq_head++;
        R->bq_len--;
      }
    } else {
      putc16(dst, ' ');
    }
    return 0;
  case OP_GET_CASE_FROM: {
    if (!check_index(R, n->pos)) return 0;
    ubuf *src = tmp_get(R), *v = tmp_get(R);
    if (!src || !v) return nomem(R);
    clip_value(R, R->word[n->pos], SIDE_SL, n->attr, src);
    if (eval(R, kid(R, n, 0), v)) return -1;
    tcopycase(R, dst, src->p, src->len, v->p, v->len);
    tmp_put(R, 2);
    return 0;
  }
  case OP_CASE_OF: {
    if (!check_index(R, n->pos)) return 0;
    ubuf *v = tmp_get(R);
    if (!v) return nomem(R);
    clip_value(R, R->word[n->pos], n->side, n->attr, v);
    uint16_t cs[2];
    getcase(v->p, v->len, cs);
    put(dst, cs, 2);
    tmp_put(R, 1);
    return 0;
  }
  case OP_CONCAT:
    for (uint32_t i = 0; i < n->n_kids; i++)
      if (eval(R, kid(R, n, i), dst)) return -1;
    return 0;
  case OP_LU:
    if (R->kind == TRX_INTERCHUNK) break;
    return eval_lu(R, n, dst);
  case OP_MLU:
    if (R->kind == TRX_INTERCHUNK) break;
    return eval_mlu(R, n, dst);
  case OP_CHUNK:
    if (R->kind == TRX_POSTCHUNK) break;
    return eval_chunk(R, n, dst);
  case OP_LU_COUNT: {
    if (R->kind != TRX_POSTCHUNK) break;
    char num[24];
    int k = snprintf(num, sizeof num, "%zu", R->n_tw);
    for (int i = 0; i < k; i++) putc16(dst, (uint16_t)num[i]);
    return 0;
  }
  default:
    break;
  }
  return rt_error(R, n, "unexpected expression in a string context");
}

/* A string expression, appended to dst: literals here, clips and the rest
 * in functions of their own (so that the common cases stay small). */
static int eval(run *R, const trx_node *n, ubuf *dst) {
  if (R->err) return -1;
  if (n->op == OP_LIT || n->op == OP_LIT_TAG) {
    put(dst, trx_s(R->R, n->s), n->s.len);
    return 0;
  }
  if (n->op == OP_CLIP) return eval_clip(R, n, dst);
  return eval_other(R, n, dst);
}

static int test(run *R, const trx_node *n);

typedef struct view {
  const uint16_t *p;
  size_t n;
} view;

/* The value of a string expression without copying it where it already
 * exists (literals, variables, transfer clips); otherwise evaluated into
 * `scratch`.  Side effects are those of eval(). */
static int eval_view(run *R, const trx_node *n, view *v, ubuf **scratch) {
  switch ((trx_op)n->op) {
  case OP_LIT:
  case OP_LIT_TAG:
    v->p = trx_s(R->R, n->s);
    v->n = n->s.len;
    return 0;
  case OP_VAR:
    if (R->kind == TRX_TRANSFER ? R->last_lword > 1 : R->kind == TRX_POSTCHUNK && R->lword > 1)
      combine_wblanks(R, &R->out_wblank, &R->var_wb[n->var]);
    v->p = R->var[n->var].p;
    v->n = R->var[n->var].len;
    return 0;
  case OP_CLIP:
    if (R->kind == TRX_TRANSFER && !n->linkto) {
      v->p = NULL;
      v->n = 0;
      if (!check_index(R, n->pos)) return 0;
      tword *w = R->word[n->pos];
      if (n->side != SIDE_REF && n->attr >= 0 && R->lemma_attr[n->attr] && R->last_lword > 1) note_wblank(R, w);
      size_t b, e;
      int k = side_k(n->side);
      if (re_find_w(R, n->attr, w, k, &b, &e)) {
        v->p = wstr(w, k)->p + b;
        v->n = e - b;
      }
      return 0;
    }
    if (R->kind == TRX_INTERCHUNK) { /* the part where it is, unless it is made of s + t */
      v->p = NULL;
      v->n = 0;
      if (!check_index(R, n->pos)) return 0;
      tword *w = R->word[n->pos];
      size_t b, e;
      int k = chunk_span(R, n->attr, w, &b, &e);
      if (k == CP_NONE) return 0;
      if (k != CP_ST) {
        const uint16_t *p = (k == CP_S ? w->s.p : w->t.p) + b;
        size_t len = e - b;
        if (n->attr >= 0 && R->content_attr[n->attr]) { /* as eval_clip: without the braces */
          if (len < 2) return 0;
          p++;
          len -= 2;
        }
        v->p = p;
        v->n = len;
        return 0;
      }
    }
    break;
  default:
    break;
  }
  if (!*scratch && !(*scratch = tmp_get(R))) return nomem(R); /* taken from the scratch stack when needed */
  ubuf_reset(*scratch);
  if (eval(R, n, *scratch)) return -1;
  v->p = (*scratch)->p;
  v->n = (*scratch)->len;
  return 0;
}

/* StringUtils::tolower for a comparison (the value ends at a NUL, as the
 * C string Apertium builds does).  ASCII goes without ICU where the default
 * locale lowercases ASCII as ASCII. */
static void lower_view(run *R, view *v, ubuf *dst) {
  size_t n = nul_len(v->p, v->n);
  ubuf_reset(dst);
  size_t i = 0;
  if (R->ascii_lower) {
    if (ubuf_reserve(dst, n)) return;
    while (i < n && v->p[i] < 0x80) {
      uint16_t c = v->p[i];
      dst->p[i++] = c >= 'A' && c <= 'Z' ? c + 32 : c;
    }
    dst->len = i;
  }
  if (i < n) {
    dst->len = 0;
    lower(R, dst, v->p, n);
  }
  v->p = dst->p;
  v->n = dst->len;
}

/* Cuts *n at the first NUL of p; 1 if what is left is ASCII. */
static int ascii_nul(const uint16_t *p, size_t *n) {
  uint16_t any = 0;
  size_t i = 0, m = *n;
  for (; i < m && p[i]; i++) any |= p[i];
  *n = i;
  return any < 0x80;
}
static uint16_t fold_ascii(uint16_t c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }
static int eq_fold(const uint16_t *x, const uint16_t *y, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (fold_ascii(x[i]) != fold_ascii(y[i])) return 0;
  return 1;
}

static int compare(run *R, const trx_node *n) {
  ubuf *sa = NULL, *sb = NULL; /* scratch, taken only if needed (all released at the end) */
  view a, b;
  if (eval_view(R, kid(R, n, 0), &a, &sa) || eval_view(R, kid(R, n, 1), &b, &sb)) return -1;
  size_t held = (sa != NULL) + (sb != NULL);
  ubuf *la = NULL, *lb = NULL;
  if (n->caseless && R->ascii_lower) { /* ASCII on both sides: compared folding as they go */
    int aa = ascii_nul(a.p, &a.n), ab = ascii_nul(b.p, &b.n);
    if (aa && ab) {
      int r = 0;
      switch ((trx_op)n->op) {
      case OP_EQUAL:
        r = a.n == b.n && eq_fold(a.p, b.p, b.n);
        break;
      case OP_BEGINS_WITH:
        r = a.n >= b.n && eq_fold(a.p, b.p, b.n);
        break;
      case OP_ENDS_WITH:
        r = a.n >= b.n && eq_fold(a.p + a.n - b.n, b.p, b.n);
        break;
      case OP_CONTAINS:
        if (!b.n) r = 1;
        for (size_t i = 0; !r && i + b.n <= a.n; i++) r = eq_fold(a.p + i, b.p, b.n);
        break;
      default:
        break;
      }
      tmp_put(R, held);
      return r;
    }
  }
  if (n->caseless) {
    if (!(la = tmp_get(R)) || !(lb = tmp_get(R))) return nomem(R);
    lower_view(R, &a, la);
    lower_view(R, &b, lb);
  }
  int r = 0;
  switch ((trx_op)n->op) {
  case OP_EQUAL:
    r = eq16(a.p, a.n, b.p, b.n);
    break;
  case OP_BEGINS_WITH:
    r = a.n >= b.n && eq16(a.p, b.n, b.p, b.n);
    break;
  case OP_ENDS_WITH:
    r = a.n >= b.n && eq16(a.p + a.n - b.n, b.n, b.p, b.n);
    break;
  case OP_CONTAINS:
    if (!b.n) r = 1;
    for (size_t i = 0; !r && i + b.n <= a.n; i++) r = same16(a.p + i, b.p, b.n);
    break;
  default:
    break;
  }
  tmp_put(R, held + (n->caseless ? 2 : 0));
  return r;
}

static int cmp_pool(const trx_rules *T, trx_str s, const uint16_t *p, size_t n) {
  const uint16_t *x = trx_s(T, s);
  size_t m = s.len < n ? s.len : n;
  for (size_t i = 0; i < m; i++)
    if (x[i] != p[i]) return x[i] < p[i] ? -1 : 1;
  return s.len < n ? -1 : s.len > n;
}

static int list_test(run *R, const trx_node *n) {
  ubuf *sv = NULL, *lv = NULL;
  view v;
  if (eval_view(R, kid(R, n, 0), &v, &sv)) return -1;
  if (!(lv = tmp_get(R))) return nomem(R);
  size_t held = 1 + (sv != NULL);
  const trx_list *li = &R->R->list[kid(R, n, 1)->var];
  const trx_str *items = li->items;
  uint32_t cnt = li->n;
  if (n->caseless) {
    lower_view(R, &v, lv);
    items = li->low;
    cnt = li->n_low;
  }
  int r = 0;
  if (n->op == OP_IN) {
    uint32_t lo = 0, hi = cnt;
    while (lo < hi && !r) {
      uint32_t mid = (lo + hi) / 2;
      int c = cmp_pool(R->R, items[mid], v.p, v.n);
      if (!c) r = 1;
      else if (c < 0) lo = mid + 1;
      else hi = mid;
    }
  } else {
    for (uint32_t i = 0; i < cnt && !r; i++) {
      size_t m = items[i].len;
      if (m > v.n) continue;
      const uint16_t *p = n->op == OP_BEGINS_WITH_LIST ? v.p : v.p + v.n - m;
      r = eq16(p, m, trx_s(R->R, items[i]), m);
    }
  }
  tmp_put(R, held);
  return r;
}

/* processLogical: 1 true, 0 false, -1 error */
static int test(run *R, const trx_node *n) {
  if (R->err) return -1;
  int r;
  switch ((trx_op)n->op) {
  case OP_EQUAL:
  case OP_BEGINS_WITH:
  case OP_ENDS_WITH:
  case OP_CONTAINS:
    return compare(R, n);
  case OP_BEGINS_WITH_LIST:
  case OP_ENDS_WITH_LIST:
  case OP_IN:
    return list_test(R, n);
  case OP_OR:
    for (uint32_t i = 0; i < n->n_kids; i++)
      if ((r = test(R, kid(R, n, i)))) return r;
    return 0;
  case OP_AND:
    for (uint32_t i = 0; i < n->n_kids; i++)
      if ((r = test(R, kid(R, n, i))) != 1) return r;
    return 1;
  case OP_NOT:
    if (!n->n_kids) return 0;
    r = test(R, kid(R, n, 0));
    return r < 0 ? r : !r;
  default:
    return 0;
  }
}

static int instr(run *R, const trx_node *n);

static int do_let(run *R, const trx_node *n, int modify) {
  const trx_node *l = kid(R, n, 0), *rs = kid(R, n, 1);
  ubuf *v = tmp_get(R);
  if (!v) return nomem(R);
  if (l->op == OP_VAR) {
    if (modify) {
      if (eval(R, rs, v)) return -1;
      ubuf *t = tmp_get(R);
      if (!t) return nomem(R);
      copycase(R, t, v->p, v->len, R->var[l->var].p, R->var[l->var].len);
      ubuf_copy(&R->var[l->var], t);
      tmp_put(R, 2);
      return 0;
    }
    int uses_wb = R->kind != TRX_INTERCHUNK;
    if (uses_wb) {
      R->in_let_var = 1;
      R->var_val = l->var;
      ubuf_reset(&R->var_wb[l->var]);
    }
    if (eval(R, rs, v)) return -1;
    if (uses_wb) R->in_let_var = 0;
    ubuf_copy(&R->var[l->var], v);
    tmp_put(R, 1);
    return 0;
  }
  /* a clip */
  if (!check_index(R, l->pos)) {
    tmp_put(R, 1);
    return 0;
  }
  if (eval(R, rs, v)) return -1;
  tword *w = R->word[l->pos];
  int target = R->kind == TRX_TRANSFER ? side_k(l->side) : 0;
  if (modify) {
    ubuf *cur = tmp_get(R), *res = tmp_get(R);
    if (!cur || !res) return nomem(R);
    clip_value(R, w, l->side, l->attr, cur);
    copycase(R, res, v->p, v->len, cur->p, cur->len);
    re_replace_w(R, l->attr, w, target, res);
    tmp_put(R, 2);
  } else {
    re_replace_w(R, l->attr, w, target, v);
  }
  tmp_put(R, 1);
  return 0;
}

static int call_macro(run *R, const trx_node *n) {
  const trx_node *m = &R->R->node[R->R->macro[n->var]];
  int npar = n->npar;
  tword **saved = R->word;
  int saved_l = R->lword;
  tword *local[64];
  tword **arr = NULL;
  int ok = 1;
  if (R->kind == TRX_POSTCHUNK) {
    if (npar <= 0) return rt_error(R, n, "postchunk macro called with npar <= 0");
    arr = (size_t)npar + 1 <= 64 ? local : malloc(((size_t)npar + 1) * sizeof *arr);
    if (!arr) return nomem(R);
    for (int i = 0; i <= npar; i++) arr[i] = NULL;
    arr[0] = R->word ? R->word[0] : NULL;
    for (uint32_t i = 0; i < n->n_kids && (int)i < npar; i++) {
      int pos = kid(R, n, i)->pos;
      if (!check_index(R, pos)) {
        ok = 0;
        pos = 1;
      }
      arr[i + 1] = R->word && pos <= R->lword ? R->word[pos] : NULL;
    }
  } else if (npar > 0) {
    arr = (size_t)npar <= 64 ? local : malloc((size_t)npar * sizeof *arr);
    if (!arr) return nomem(R);
    for (int i = 0; i < npar; i++) arr[i] = NULL;
    for (uint32_t i = 0; i < n->n_kids && (int)i < npar; i++) {
      int pos = kid(R, n, i)->pos;
      arr[i] = R->word && pos >= 0 && pos < R->lword ? R->word[pos] : NULL;
    }
  }
  R->word = arr;
  R->lword = npar;
  int rc = 0;
  if (ok)
    for (uint32_t i = 0; i < m->n_kids && !rc; i++)
      if (instr(R, kid(R, m, i)) < -1) rc = -1; /* a reject inside a macro is ignored */
  R->word = saved;
  R->lword = saved_l;
  if (arr != local) free(arr);
  return R->err ? -2 : 0;
}

/* processInstruction: -1 go on, 0 reject, 1 reject and shift, -2 error. */
static int instr(run *R, const trx_node *n) {
  if (R->err) return -2;
  switch ((trx_op)n->op) {
  case OP_CHOOSE: {
    int r = -1;
    for (uint32_t i = 0; i < n->n_kids; i++) {
      const trx_node *opt = kid(R, n, i);
      if (opt->op == OP_WHEN) {
        int picked = 0;
        for (uint32_t j = 0; j < opt->n_kids; j++) {
          const trx_node *c = kid(R, opt, j);
          if (c->op == OP_TEST) {
            int t = c->n_kids ? test(R, kid(R, c, 0)) : 0;
            if (t < 0) return -2;
            if (!t) break;
            picked = 1;
          } else {
            r = instr(R, c);
            if (r != -1) return r;
          }
        }
        if (picked) return r;
      } else if (opt->op == OP_OTHERWISE) {
        for (uint32_t j = 0; j < opt->n_kids; j++) {
          r = instr(R, kid(R, opt, j));
          if (r != -1) return r;
        }
      }
    }
    return r;
  }
  case OP_LET:
    return do_let(R, n, 0) ? -2 : -1;
  case OP_MODIFY_CASE:
    return do_let(R, n, 1) ? -2 : -1;
  case OP_APPEND:
    for (uint32_t i = 0; i < n->n_kids; i++) {
      ubuf *v = tmp_get(R);
      if (!v) return nomem(R), -2;
      if (R->kind != TRX_INTERCHUNK) {
        R->in_let_var = 1;
        R->var_val = n->var;
      }
      if (eval(R, kid(R, n, i), v)) return -2;
      R->in_let_var = 0;
      puts16(&R->var[n->var], v);
      tmp_put(R, 1);
    }
    return -1;
  case OP_OUT: {
    R->in_out = 1;
    ubuf *v = tmp_get(R);
    if (!v) return nomem(R), -2;
    for (uint32_t i = 0; i < n->n_kids; i++) {
      ubuf_reset(v);
      if (eval(R, kid(R, n, i), v)) return -2;
      out16(R->out, v->p, v->len);
    }
    tmp_put(R, 1);
    R->in_out = 0;
    return -1;
  }
  case OP_CALL_MACRO:
    return call_macro(R, n) ? -2 : -1;
  case OP_REJECT:
    return n->shifting ? 1 : 0;
  default:
    return -1;
  }
}

static int process_rule(run *R, uint32_t rule) {
  const trx_node *a = &R->R->node[R->R->rule[rule]];
  int r = -1;
  for (uint32_t i = 0; i < a->n_kids; i++) {
    r = instr(R, kid(R, a, i));
    if (r != -1) break;
  }
  for (; R->bq_len; R->bq_head++, R->bq_len--) {
    ubuf *b = &R->bq[R->bq_head];
    if (!(b->len == 1 && b->p[0] == ' ')) out16(R->out, b->p, b->len);
  }
  R->bq_head = 0;
  return r;
}

static int bq_push(run *R, const ubuf *b) {
  size_t end = R->bq_head + R->bq_len;
  if (end == R->bq_cap) {
    size_t cap = R->bq_cap ? R->bq_cap * 2 : 64;
    ubuf *p = pl_realloc_array(R->bq, cap, sizeof *p);
    if (!p) return nomem(R);
    memset(p + R->bq_cap, 0, (cap - R->bq_cap) * sizeof *p);
    R->bq = p;
    R->bq_cap = cap;
  }
  ubuf_copy(&R->bq[end], b);
  R->bq_len++;
  return 0;
}

/* ---- postchunk: splitting a chunk ---- */

static ubuf *split_new(run *R) { /* tmpword/tmpblank point at them */
  return pool_take(&R->split, &R->n_split, &R->cap_split, 64);
}

typedef struct chunkinfo {
  size_t tags_b[64], tags_e[64]; /* the chunk's tags (getVecTags), first 64 */
  size_t n_tags;
  int upper_all, upper_first;
  size_t begin, end;
} chunkinfo;

static void chunk_info(const uint16_t *s, size_t n, chunkinfo *ci) {
  ci->n_tags = 0;
  for (size_t i = 0; i < n; i++) { /* getVecTags */
    if (s[i] == '\\') {
      i++;
    } else if (s[i] == '<') {
      size_t b = i;
      while (i < n && s[i] != '>') i++;
      if (ci->n_tags < 64) {
        ci->tags_b[ci->n_tags] = b;
        ci->tags_e[ci->n_tags] = i < n ? i + 1 : n;
        ci->n_tags++;
      }
    } else if (s[i] == '{') {
      break;
    }
  }
  size_t pl = 0; /* pseudolemma: up to the first '<' or '{' ("" if none) */
  int found = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '\\') i++;
    else if (s[i] == '<' || s[i] == '{') {
      pl = i;
      found = 1;
      break;
    }
  }
  uint16_t cs[2];
  getcase(s, found ? pl : 0, cs);
  ci->upper_all = cs[0] == 'A' && cs[1] == 'A';
  ci->upper_first = cs[0] == 'A' && cs[1] == 'a';
  ci->begin = n;
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '\\') i++;
    else if (s[i] == '{') {
      ci->begin = i + 1;
      break;
    }
  }
  ci->end = n >= 2 ? n - 2 : 0;
}

/* "<N>" at s[i]: the chunk's N-th tag.  Returns the index of the '>'. */
static size_t tag_ref(const uint16_t *s, size_t n, size_t i, const chunkinfo *ci, const uint16_t *chunk, ubuf *dst) {
  size_t j = i + 1;
  long long v = 0;
  int neg = 0, any = 0;
  if (j < n && (s[j] == '-' || s[j] == '+')) neg = s[j++] == '-';
  while (j < n && s[j] >= '0' && s[j] <= '9') {
    if (v < 100000000) v = v * 10 + (s[j] - '0');
    j++;
    any = 1;
  }
  if (any) {
    unsigned long value = (unsigned long)((neg ? -v : v) - 1);
    if (value < ci->n_tags) put(dst, chunk + ci->tags_b[value], ci->tags_e[value] - ci->tags_b[value]);
  }
  size_t k = i + 1;
  while (k < n && s[k] != '>') k++;
  return k;
}

/* A word's inside from s[i] (just after '^' or the wblank) to its '$', with
 * case and tag substitution; returns the index of the '$'. */
static size_t unchunk_word(const uint16_t *s, size_t n, size_t i, chunkinfo *ci, ubuf *dst) {
  while (++i < n && s[i] != '$') {
    if (s[i] == '\\') {
      putc16(dst, '\\');
      i++;
      putc16(dst, i < n ? s[i] : 0);
    } else if (s[i] == '<') {
      if (i + 1 < n && u_isdigit(s[i + 1])) {
        i = tag_ref(s, n, i, ci, s, dst);
      } else {
        putc16(dst, '<');
        while (++i < n && s[i] != '>') putc16(dst, s[i]);
        putc16(dst, '>');
      }
    } else if (ci->upper_all) {
      putc16(dst, (uint16_t)u_toupper(s[i]));
    } else if (ci->upper_first && u_isalnum(s[i])) {
      putc16(dst, (uint16_t)u_toupper(s[i]));
      ci->upper_first = 0;
    } else {
      putc16(dst, s[i]);
    }
  }
  return i;
}

/* Postchunk::unchunk: an unmatched chunk's words, written out. */
static void unchunk(run *R, const ubuf *c) {
  const uint16_t *s = c->p;
  size_t n = c->len;
  chunkinfo ci;
  chunk_info(s, n, &ci);
  ubuf *o = tmp_get(R);
  if (!o) {
    nomem(R);
    return;
  }
  for (size_t i = ci.begin; i < ci.end && i < n; i++) {
    if (s[i] == '\\') {
      putc16(o, '\\');
      i++;
      putc16(o, i < n ? s[i] : 0);
    } else if (s[i] == '^') {
      putc16(o, '^');
      i = unchunk_word(s, n, i, &ci, o);
      putc16(o, '$');
    } else if (s[i] == '[') {
      putc16(o, '[');
      while (++i < n && s[i] != ']') {
        if (s[i] == '\\') {
          putc16(o, '\\');
          i++;
          putc16(o, i < n ? s[i] : 0);
        } else {
          putc16(o, s[i]);
        }
      }
      putc16(o, ']');
    } else {
      putc16(o, s[i]);
    }
  }
  out16(R->out, o->p, o->len);
  tmp_put(R, 1);
}

/* Postchunk::splitWordsAndBlanks: appends the chunk's words to tmpword and
 * its blanks to tmpblank (whose last entry may be extended in place, as in
 * Debian). */
static int split_chunk(run *R, const ubuf *c) {
  const uint16_t *s = c->p;
  size_t n = c->len;
  chunkinfo ci;
  chunk_info(s, n, &ci);
  int lastblank = 1;
  for (size_t i = ci.begin; i < ci.end && i < n; i++) {
    if (s[i] == '^' || (s[i] == '[' && i + 1 < n && s[i + 1] == '[')) {
      if (!lastblank) {
        ubuf *b = split_new(R);
        if (!b || tb_push(R, b)) return nomem(R);
      }
      lastblank = 0;
      ubuf *w = split_new(R);
      if (!w) return nomem(R);
      if (s[i] == '[') { /* the word-bound blank, up to "]]", then the word */
        for (; i < n; i++) {
          if (s[i] == '\\') {
            putc16(w, '\\');
            i++;
            putc16(w, i < n ? s[i] : 0);
          } else if (s[i] == ']' && i > 0 && s[i - 1] == ']') {
            putc16(w, s[i]);
            i++;
            break;
          } else {
            putc16(w, s[i]);
          }
        }
      }
      i = unchunk_word(s, n, i, &ci, w);
      if (tw_push(R, w)) return -1;
    } else if (s[i] == '[') {
      if (!(lastblank && R->n_tb)) {
        ubuf *b = split_new(R);
        if (!b || tb_push(R, b)) return nomem(R);
      }
      ubuf *b = R->tmpblank[R->n_tb - 1];
      putc16(b, '[');
      while (++i < n && s[i] != ']') {
        if (s[i] == '\\') {
          putc16(b, '\\');
          i++;
          putc16(b, i < n ? s[i] : 0);
        } else {
          putc16(b, s[i]);
        }
      }
      putc16(b, i < n ? s[i] : 0);
      lastblank = 1;
    } else {
      if (!lastblank || !R->n_tb) {
        ubuf *b = split_new(R);
        if (!b || tb_push(R, b)) return nomem(R);
      }
      ubuf *b = R->tmpblank[R->n_tb - 1];
      if (s[i] == '\\') {
        putc16(b, '\\');
        i++;
        putc16(b, i < n ? s[i] : 0);
      } else {
        putc16(b, s[i]);
      }
      lastblank = 1;
    }
  }
  return 0;
}

/* ---- applying a rule ---- */

static int apply_rule(run *R, int rule) {
  size_t limit = R->n_tw;
  int r;
  R->n_split = 0;
  if (R->kind == TRX_POSTCHUNK) {
    ubuf *chunk = tmp_get(R);
    if (!chunk) return nomem(R), -2;
    ubuf_copy(chunk, R->tmpword[0]);
    R->n_tw = 0;
    if (split_chunk(R, chunk)) return -2;
    if (word_array(R, R->n_tw + 1)) return -2;
    R->word = R->wordarr;
    R->lword = (int)R->n_tw;
    tword *w0 = word_slot(R, 0);
    if (!w0) return nomem(R), -2;
    size_t z = 0; /* wordzero: up to '{', or "" */
    int found = 0;
    for (size_t i = 0; i < chunk->len; i++) {
      if (chunk->p[i] == '\\') i++;
      else if (chunk->p[i] == '{') {
        z = i;
        found = 1;
        break;
      }
    }
    chunk_word(w0, chunk->p, found ? z : 0);
    R->word[0] = w0;
    for (size_t i = 1; i <= R->n_tw; i++) {
      if (i != 1 && i - 1 < R->n_tb && bq_push(R, R->tmpblank[i - 1])) return -2;
      tword *w = word_slot(R, i);
      if (!w) return nomem(R), -2;
      chunk_word(w, R->tmpword[i - 1]->p, R->tmpword[i - 1]->len);
      R->word[i] = w;
    }
    tmp_put(R, 1);
  } else {
    if (word_array(R, limit ? limit : 1)) return -2;
    R->word = R->wordarr;
    R->lword = (int)limit;
    for (size_t i = 0; i < limit; i++) {
      if (i > 0 && (long)R->bq_len < (long)R->last_lword - 1 && i - 1 < R->n_tb &&
          bq_push(R, R->tmpblank[i - 1]))
        return -2;
      tword *w = word_slot(R, i);
      if (!w) return nomem(R), -2;
      w->src = R->tmpword[i]; /* made at its first use */
      R->word[i] = w;
    }
  }
  r = process_rule(R, (uint32_t)rule);
  R->word = NULL;
  R->n_tw = 0;
  R->n_tb = 0;
  ms_init(R);
  return R->err ? -2 : r;
}

/* The output of an unmatched word. */
static void default_output(run *R, const ubuf *w) {
  pl_out *out = R->out;
  if (R->kind == TRX_INTERCHUNK) {
    out_byte(out, '^');
    out16(out, w->p, w->len);
    out_byte(out, '$');
    return;
  }
  if (R->kind == TRX_POSTCHUNK) {
    unchunk(R, w);
    return;
  }
  ubuf *wb = tmp_get(R);
  if (!wb) {
    nomem(R);
    return;
  }
  const ubuf *tr = w;
  size_t held = 1;
  if (R->o->pre_bilingual) {
    ubuf *sl = tmp_get(R), *t = tmp_get(R), *ref = tmp_get(R);
    if (!sl || !t || !ref) {
      nomem(R);
      return;
    }
    held += 3;
    split_bilingual(w, sl, t, ref, wb);
    tr = t;
  }
  if (tr->len) {
    if (!R->R->default_chunk) {
      if (at(tr, 0) != '[' || at(tr, 1) != '[') {
        out16(out, wb->p, wb->len);
        out_byte(out, '^');
      }
      out16(out, tr->p, tr->len);
      out_byte(out, '$');
    } else {
      out_str(out, tr->p[0] == '*' ? "^unknown<unknown>{" : "^default<default>{");
      out16(out, wb->p, wb->len);
      out_byte(out, '^');
      out16(out, tr->p, tr->len);
      out_str(out, "$}$");
    }
  }
  tmp_put(R, held);
}

/* One call of Transfer::transfer / Interchunk::interchunk /
 * Postchunk::postchunk after the null-flush wrapper. */
static int segment(run *R) {
  uint32_t last = R->cur, prev_last = last;
  int lastrule = -1; /* 0-based rule index, -1 none */
  int lastrule_id = -1;
  unban_all(R);
  if (R->kind == TRX_TRANSFER) R->in_wblank = 0;
  ms_init(R);
  for (;;) {
    if (R->err) return -1;
    pl_out_maybe_spill(R->out);
    if (ms_size(R) == 0) {
      if (lastrule >= 0) {
        int n = apply_rule(R, lastrule);
        lastrule = -1;
        if (n == -2) return -1;
        if (n < 0) {
          unban_all(R);
          ring_setpos(R, last);
        } else if (n > 0) {
          unban_all(R);
          ring_setpos(R, prev_last >= TOK_RING ? 0 : prev_last + 1);
          for (int consumed = 0; consumed < n;) {
            tok *t = ring_next(R);
            if (t->type == TT_WORD) consumed++;
            if (R->cur == R->lastpos && t->type != TT_WORD) break; /* Debian would spin on the last token */
          }
        } else {
          ban(R, lastrule_id);
          ring_setpos(R, prev_last);
          ring_next(R);
          last = R->cur;
        }
        lastrule_id = -1;
      } else if (R->n_tw) {
        default_output(R, R->tmpword[0]);
        if (R->err) return -1;
        unban_all(R);
        R->n_tw = 0;
        ring_setpos(R, last);
        ring_next(R);
        prev_last = last;
        last = R->cur;
        ms_init(R);
      } else if (R->n_tb) {
        ubuf *b = R->tmpblank[0];
        out16(R->out, b->p, b->len);
        R->n_tb = 0;
        prev_last = last;
        last = R->cur;
        ms_init(R);
      }
    }
    if (lastrule < 0 && fresh(R)) {
      int r = fresh_tokens(R, &last, &prev_last);
      if (R->err) return -1;
      if (r) continue;
    }
    int val = ms_classify(R);
    if (val != -1) {
      lastrule = val - 1;
      lastrule_id = val;
      last = R->cur;
      if (R->kind != TRX_POSTCHUNK) R->last_lword = (int)R->n_tw;
    }
    tok *t = R->kind == TRX_TRANSFER ? read_token_transfer(R) : read_token_chunk(R);
    if (R->err) return -1;
    switch (t->type) {
    case TT_WORD:
      apply_word(R, t);
      if (tw_push(R, &t->s)) return -1;
      break;
    case TT_BLANK:
      ms_step(R, ' ');
      if (tb_push(R, &t->s)) return -1;
      break;
    default:
      if (R->n_tw) {
        if (tb_push(R, &t->s)) return -1;
        R->ms_first = R->ms_last = 0;
      } else {
        out16(R->out, t->s.p, t->s.len);
        if (R->kind == TRX_INTERCHUNK) R->n_tb = 0;
        return 0;
      }
    }
  }
}

static void reset_vars(run *R) {
  for (uint32_t i = 0; i < R->R->n_vars; i++) {
    set16(&R->var[i], trx_s(R->R, R->R->var_default[i]), R->R->var_default[i].len);
  }
}

static void run_free(run *R) {
  for (size_t i = 0; i < R->ring_hw; i++) ubuf_free(&R->ring[i].s);
  free(R->ring);
  for (size_t i = 0; i < R->cap_wpool; i++) {
    ubuf_free(&R->wpool[i].s);
    ubuf_free(&R->wpool[i].t);
    ubuf_free(&R->wpool[i].r);
    ubuf_free(&R->wpool[i].wb);
    free(R->wpool[i].cp);
  }
  free(R->wpool);
  st_free(R->whole);
  st_free(R->tags);
  wm_free(R->wm);
  free(R->attr_class);
  free(R->attr_first);
  free(R->wordarr);
  for (size_t i = 0; i < R->cap_split; i++)
    if (R->split[i]) {
      ubuf_free(R->split[i]);
      free(R->split[i]);
    }
  free(R->split);
  if (R->var)
    for (uint32_t i = 0; i < R->R->n_vars; i++) {
      ubuf_free(&R->var[i]);
      ubuf_free(&R->var_wb[i]);
    }
  free(R->var);
  free(R->var_wb);
  for (size_t i = 0; i < R->bq_cap; i++) ubuf_free(&R->bq[i]);
  free(R->bq);
  ubuf_free(&R->out_wblank);
  if (R->title_bi) ubrk_close(R->title_bi);
  for (int i = 0; i < 3; i++) free(R->case_memo[i]);
  if (R->icu)
    for (uint32_t i = 0; i < R->R->n_attrs; i++)
      if (R->icu[i]) uregex_close(R->icu[i]);
  free(R->icu);
  free(R->lemma_attr);
  free(R->content_attr);
  free(R->banned);
  free(R->banned_list);
  for (size_t i = 0; i < R->cap_tmp; i++)
    if (R->tmp[i]) {
      ubuf_free(R->tmp[i]);
      free(R->tmp[i]);
    }
  free(R->tmp);
  free(R->tmpword);
  free(R->tmpblank);
}

static int name_is(const trx_rules *T, trx_str s, const char *lit) {
  size_t n = strlen(lit);
  if (s.len != n) return 0;
  for (size_t i = 0; i < n; i++)
    if (trx_s(T, s)[i] != (unsigned char)lit[i]) return 0;
  return 1;
}

int trx_run(const trx_rules *T, const trx_opts *o, pl_in *in, pl_out *out, pl_err *e) {
  run *R = calloc(1, sizeof *R);
  if (!R) return pl_err_set(e, PL_ENOMEM, -1, "transfer: out of memory");
  R->R = T;
  R->o = o;
  R->kind = T->kind;
  R->out = out;
  R->e = e;
  u8in_init(&R->in, in);
  int rc = PL_OK;
  R->var = calloc(T->n_vars ? T->n_vars : 1, sizeof *R->var);
  R->var_wb = calloc(T->n_vars ? T->n_vars : 1, sizeof *R->var_wb);
  R->ring = malloc(TOK_RING * sizeof *R->ring);
  R->icu = calloc(T->n_attrs ? T->n_attrs : 1, sizeof *R->icu);
  R->attr_class = calloc(T->n_attrs ? T->n_attrs : 1, 1);
  R->attr_first = calloc(T->n_attrs ? T->n_attrs : 1, sizeof *R->attr_first);
  R->whole = st_new();
  R->tags = st_new();
  /* transfer sees too many distinct words: its table outgrows the cache
   * and costs more than it saves (measured on eng-spa) */
  if (T->kind != TRX_TRANSFER) R->wm = wm_new(); /* without it, words are simply stepped */
  R->lemma_attr = calloc(T->n_attrs ? T->n_attrs : 1, 1);
  R->content_attr = calloc(T->n_attrs ? T->n_attrs : 1, 1);
  R->banned = calloc((size_t)T->n_rules + 1, 1);
  R->banned_list = calloc((size_t)T->n_rules + 1, sizeof *R->banned_list);
  if (!R->ring || !R->var || !R->var_wb || !R->icu || !R->attr_class || !R->attr_first || !R->whole || !R->tags || !R->lemma_attr || !R->content_attr || !R->banned || !R->banned_list) {
    rc = pl_err_set(e, PL_ENOMEM, -1, "transfer: out of memory");
    goto out;
  }
  for (uint32_t i = 0; i < T->n_attrs; i++) {
    R->lemma_attr[i] =
        name_is(T, T->attr_name[i], "lem") || name_is(T, T->attr_name[i], "lemh") || name_is(T, T->attr_name[i], "whole");
    R->content_attr[i] = name_is(T, T->attr_name[i], "content");
    const trx_re *re = T->attr_re[i];
    R->attr_first[i] = re ? trx_re_first(re) : -1;
    int bi = re ? trx_re_builtin(re) : TRX_B_NONE;
    int32_t first = re ? trx_re_first(re) : -1;
    R->attr_class[i] = !re ? AC_NONE : bi ? AC_DIRECT : first == '<' ? AC_TAGS : first >= 0 ? AC_FROM : AC_WHOLE;
    if (bi && !trx_re_verifying(re))
      R->attr_class[i] = bi == TRX_B_LEM ? AC_LEM : bi == TRX_B_LEMH ? AC_LEMH : bi == TRX_B_WHOLE ? AC_ALL : AC_DIRECT;
  }
  {
    const char *loc = uloc_getDefault();
    R->ascii_lower = !(loc && (!strncmp(loc, "tr", 2) || !strncmp(loc, "az", 2) || !strncmp(loc, "lt", 2)));
  }
  R->kidp = (const trx_node *const *)T->kidp;
  R->caret = trx_step(T, T->initial, '^');
  R->fast = T->kind == TRX_TRANSFER && trx_step(T, T->initial, ' ') == TRX_NONE && !T->final_rule[T->initial];
  reset_vars(R);
  if (o->null_flush) {
    R->internal_null_flush = 1;
    while (!u8in_eof(&R->in)) {
      if (T->kind == TRX_TRANSFER) {
        R->n_tb = R->n_tw = 0;
        reset_vars(R);
      }
      if (segment(R)) break;
      out_byte(out, 0);
      pl_out_flush(out);
      if (T->kind != TRX_TRANSFER) reset_vars(R);
    }
    R->internal_null_flush = 0;
    R->null_flush = 1;
  }
  if (!R->err) segment(R);
  if (R->err) rc = e->code ? e->code : PL_ECORRUPT;
  if (!rc) rc = u8in_check(&R->in, T->kind == TRX_TRANSFER ? "apertium-transfer"
                                    : T->kind == TRX_INTERCHUNK ? "apertium-interchunk" : "apertium-postchunk", e);
out:
  pl_out_flush(out);
  if (!rc && out->b.failed) rc = pl_err_set(e, PL_ENOMEM, -1, "transfer: out of memory");
  if (!rc && out->err) rc = pl_err_set(e, PL_EIO, -1, "transfer: error writing output");
  run_free(R);
  free(R);
  return rc;
}

/* ---- loading and the stage programs ---- */

void trx_free(trx_rules *t) {
  if (!t) return;
  for (uint32_t i = 0; i < t->n_tags; i++) free(t->tag[i]);
  free(t->tag);
  free(t->tag_len);
  free(t->tag_hash);
  free(t->first);
  free(t->arc);
  free(t->final_rule);
  free(t->to_any_char);
  free(t->to_any_tag);
  free(t->ascii_idx);
  free(t->ascii_tab);
  for (uint32_t i = 0; i < t->n_attrs; i++) trx_re_free(t->attr_re[i]);
  free(t->attr_re);
  free(t->attr_name);
  free(t->var_name);
  free(t->var_default);
  for (uint32_t i = 0; i < t->n_lists; i++) {
    free(t->list[i].items);
    free(t->list[i].low);
  }
  free(t->list);
  free(t->list_name);
  free(t->macro_name);
  free(t->macro_index);
  free(t->node);
  free(t->kid);
  free(t->kidp);
  free(t->rule);
  free(t->rule_line);
  free(t->macro);
  free(t->pool);
  free(t->xml_name);
  free(t);
}

int trx_load_buffers(trx_rules **out, trx_kind kind, const char *xml, size_t xml_len, const char *bin, size_t bin_len,
                     pl_err *e) {
  return trx_load_named(out, kind, xml, xml_len, "rules.xml", bin, bin_len, "rules.bin", e);
}

int trx_load_named(trx_rules **out, trx_kind kind, const char *xml, size_t xml_len, const char *xml_name,
                   const char *bin, size_t bin_len, const char *bin_name, pl_err *e) {
  *out = NULL;
  trx_rules *t = calloc(1, sizeof *t);
  if (!t) return pl_err_set(e, PL_ENOMEM, -1, "transfer: out of memory");
  t->kind = kind;
  t->xml_name = strdup(xml_name);
  int rc = t->xml_name ? PL_OK : pl_err_set(e, PL_ENOMEM, -1, "transfer: out of memory");
  if (!rc) rc = trx_load_bin(t, bin, bin_len, bin_name, e);
  if (!rc) {
    uint64_t key = trx_cache_key(kind, xml, xml_len, bin, bin_len);
    if (trx_cache_load(t, key)) { /* not cached (or a bad entry): check, compile and keep */
      for (uint32_t i = 0; i < t->n_attrs && !rc; i++) rc = trx_re_validate(t->attr_re[i], e, bin_name);
      if (!rc) rc = trx_compile_xml(t, xml, xml_len, xml_name, e);
      if (!rc) trx_cache_store(t, key);
    }
  }
  if (!rc) { /* the kid array as pointers, for the interpreter */
    t->kidp = malloc((t->n_kid ? t->n_kid : 1) * sizeof *t->kidp);
    if (!t->kidp) rc = pl_err_set(e, PL_ENOMEM, -1, "transfer: out of memory");
    for (uint32_t i = 0; !rc && i < t->n_kid; i++) t->kidp[i] = &t->node[t->kid[i]];
  }
  if (rc) {
    trx_free(t);
    return rc;
  }
  *out = t;
  return PL_OK;
}

int trx_load(trx_rules **out, trx_kind kind, const char *xml_path, const char *bin_path, pl_err *e) {
  bbuf x = {0}, b = {0};
  int rc = pl_read_file(xml_path, &x, e);
  if (!rc) rc = pl_read_file(bin_path, &b, e);
  if (!rc) rc = trx_load_named(out, kind, x.p, x.len, xml_path, b.p, b.len, bin_path, e);
  bbuf_free(&x);
  bbuf_free(&b);
  return rc;
}

typedef struct stage_ctx {
  const trx_rules *r;
  trx_opts o;
} stage_ctx;

static int run_cb(pl_in *in, pl_out *out, void *arg, pl_err *e) {
  stage_ctx *c = arg;
  return trx_run(c->r, &c->o, in, out, e);
}

static const arg_opt t_opts[] = {{'b', "from-bilingual", 0}, {'n', "no-bilingual", 0}, {'x', "extended", 1},
                                 {'c', "case-sensitive", 0}, {'z', "null-flush", 0},  {'t', "trace", 0},
                                 {'T', "trace_att", 0},      {'h', "help", 0}};
static const arg_opt c_opts[] = {{'z', "null-flush", 0}, {'t', "trace", 0}, {'h', "help", 0}};

static int stage(trx_kind kind, const char *prog, int argc, char **argv, int in_fd, int out_fd, pl_err *e) {
  arg_result a;
  int transfer = kind == TRX_TRANSFER;
  int rc = args_parse(prog, argc, argv, transfer ? t_opts : c_opts, transfer ? 8 : 3, 4, &a, e);
  if (rc) return rc;
  if (a.seen['h'])
    return pl_err_set(e, PL_EUSAGE, -1, "USAGE: %s%s [-z] rules_file data_file [input_file [output_file]]", prog,
                      transfer ? " -b|-n" : "");
  if (a.seen['t'] || a.seen['T'] || a.seen['x'] || a.seen['c'])
    return pl_err_set(e, PL_EUNSUPPORTED, -1, "%s: options -t, -T, -x and -c are not supported by parley", prog);
  if (transfer && !a.seen['b'] && !a.seen['n'])
    return pl_err_set(e, PL_EUNSUPPORTED, -1,
                      "%s: only -b and -n are supported (apertium-wblank-mode rewrites the three-file form into "
                      "lt-proc -b | %s -b)",
                      prog, prog);
  if (a.n_files < 2) return pl_err_set(e, PL_EUSAGE, -1, "%s: needs a rules file and a data file", prog);
  stage_ctx c = {NULL, {transfer && a.seen['b'] > 0, a.seen['z'] > 0}};
  trx_rules *r;
  if ((rc = trx_load(&r, kind, a.files[0], a.files[1], e))) return rc;
  c.r = r;
  rc = pl_run_files(prog, a.n_files >= 3 ? a.files[2] : NULL, a.n_files >= 4 ? a.files[3] : NULL, in_fd, out_fd,
                    run_cb, &c, e);
  trx_free(r);
  return rc;
}

int trx_transfer_main(int argc, char **argv, int in_fd, int out_fd, pl_err *e) {
  return stage(TRX_TRANSFER, "apertium-transfer", argc, argv, in_fd, out_fd, e);
}
int trx_interchunk_main(int argc, char **argv, int in_fd, int out_fd, pl_err *e) {
  return stage(TRX_INTERCHUNK, "apertium-interchunk", argc, argv, in_fd, out_fd, e);
}
int trx_postchunk_main(int argc, char **argv, int in_fd, int out_fd, pl_err *e) {
  return stage(TRX_POSTCHUNK, "apertium-postchunk", argc, argv, in_fd, out_fd, e);
}
