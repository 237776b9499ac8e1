/*
 * hmm_tag.c - apertium-tagger -g with an HMM model: reading the analysed
 * stream into tagger words (apertium FileMorphoStream), classifying each
 * reading into a coarse tag (lrlmClassify over the pattern list), and the
 * Viterbi decoding of apertium's HMM::tagger, printed with
 * TaggerWord::get_lexical_form.
 *
 * A port, kept close to the original because byte identity depends on its
 * details: the coarse tag of a reading is the lowest-numbered final of the
 * pattern automaton; readings joined with '+' may be cut into several words;
 * an unknown word takes the open class, and an ambiguity class the model
 * lacks is replaced by the smallest known superset, *and that replacement
 * overwrites the open class for the rest of the run* (Apertium assigns
 * through a reference); Viterbi multiplies probabilities left to right with
 * no logarithms (the Makefile forbids fused multiply-add), and ties go to the
 * later previous tag.
 *
 * Speed (the stream has ~30 bytes per token; most tokens recur):
 *   - fast path: a token that lies whole in the current input chunk is
 *     scanned as bytes (16 at a time where SSE2 is there) and copied once
 *     into its word; valid UTF-8 needs no decoding, since Apertium's UTF-16
 *     round trip gives the same bytes back.  Anything unusual (NUL, invalid
 *     UTF-8, a token cut by the chunk's end, "^sf$") goes to the slow path,
 *     the code-point reader that mirrors FileMorphoStream step by step;
 *   - word cache (wcache.h): the words a token's readings make (tags,
 *     lexical forms as parts of the readings, plus cuts, the discard rules
 *     applied, the ambiguity class) depend only on the readings' text, so
 *     they are compiled once and replayed; classification (lrlmClassify and
 *     the prefer rules) runs only for new readings;
 *   - words come from a pool and keep their buffers; the Viterbi window
 *     keeps back-pointers per position instead of Apertium's copied paths.
 */
#include <stdlib.h>
#include <string.h>

#include "../base/args.h"
#include "../base/i32vec.h"
#include "../base/u8in.h"
#include "../fst/fst_int.h" /* uc_tolower */
#include "hmm_int.h"
#include "wcache.h"
#include "../base/scan.h"

/* ---------------- tagger words ---------------- */

/* Texts are kept in UTF-8, as they are read and printed: Apertium's
 * UTF-16 strings are only needed where a decision depends on them (the
 * classification of a reading, the prefer and discard rules), and there a
 * reading or lexical form is converted on the way in. */
typedef struct lfent {
  int32_t tag;
  uint32_t off, len; /* bytes of tword.txt */
} lfent;

typedef struct tword {
  struct tword *next_free; /* in run.pool */
  /* The texts (ignored text, surface form, lexical forms) are ranges of
   * txt.  On the fast path txt is a copy of the token up to its '$' and
   * every text a part of it (the readings start at `base`); on the slow path
   * texts are appended as they come, and the ignored text, which can grow
   * after other texts, is moved to the end first. */
  bbuf txt;
  uint32_t ign_off, ign_len, sf_off, sf_len, base;
  i32vec tags;             /* sorted set */
  lfent *lfs;              /* sorted by tag (std::map) */
  uint32_t n_lfs, cap_lfs;
  int plus_cut, prev_plus_cut;
  int32_t cls; /* ambiguity class of `tags` when known (cached words), else -1 */
} tword;

#define MS_LIMIT 1024

typedef struct run {
  const hmm_model *m;
  const hmm_opts *o;
  u8in r;
  pl_out *out;
  URegularExpression **prefer, **discard;
  int end_of_file;
  /* FileMorphoStream::vwords: the words of the current token, vw[head..n_vw)
   * not yet handed out */
  tword **vw;
  uint32_t n_vw, cap_vw, head;
  tword *pool; /* released words, reused with their buffers */
  /* MatchState */
  uint32_t st[MS_LIMIT];
  int first, last;
  /* per pattern state, its destinations on the ASCII characters, made when
   * the state is first reached by a character (NULL before) */
  uint32_t **ascii;
  /* the open class, which find_similar_ambiguity_class overwrites */
  tagset open;
  /* word cache: the readings of a token (UTF-8) -> its words, compiled */
  wcache cache;
  bbuf val;   /* a cache value being built */
  ubuf u16;   /* a reading in UTF-16, being classified */
  /* a fast-path token being classified: its readings (key; in every
   * word's txt from `base`), where the current reading starts in them, and
   * the byte offset of each UTF-16 unit of u16 in that reading */
  const char *key;
  size_t key_len, rd_base;
  i32vec map;
  ubuf re16;  /* a lexical form in UTF-16, for a discard rule */
  int failed;
} run;

static tword *tw_new(run *R, int prev_plus_cut) {
  tword *w = R->pool;
  if (w) {
    R->pool = w->next_free;
    w->txt.len = 0;
    w->tags.n = 0;
    w->n_lfs = 0;
    w->plus_cut = 0;
  } else {
    /* txt.p is never NULL, so that every range of it is a valid pointer */
    if (!(w = calloc(1, sizeof *w))) return NULL;
    if (bbuf_reserve(&w->txt, 64)) {
      free(w);
      return NULL;
    }
  }
  w->ign_off = w->ign_len = w->sf_off = w->sf_len = w->base = 0;
  w->prev_plus_cut = prev_plus_cut;
  w->cls = -1;
  return w;
}

static void tw_release(run *R, tword *w) {
  w->next_free = R->pool;
  R->pool = w;
}

static void tw_destroy(tword *w) {
  bbuf_free(&w->txt);
  i32vec_free(&w->tags);
  free(w->lfs);
  free(w);
}

static int tw_failed(const tword *w) { return w->txt.failed || w->tags.failed; }

/* Slow path: appends UTF-16 text to the ignored text. */
static void tw_add_ignored(tword *w, const uint16_t *s, size_t n) {
  bbuf *b = &w->txt;
  if (w->ign_off + w->ign_len != b->len) { /* move it to the end */
    if (bbuf_reserve(b, w->ign_len)) return;
    memcpy(b->p + b->len, b->p + w->ign_off, w->ign_len);
    w->ign_off = (uint32_t)b->len;
    b->len += w->ign_len;
  }
  size_t before = b->len;
  bbuf_put_u16(b, s, n);
  w->ign_len += (uint32_t)(b->len - before);
}

/* Slow path: sets the surface form. */
static void tw_set_sf(tword *w, const uint16_t *s, size_t n) {
  w->sf_off = (uint32_t)w->txt.len;
  bbuf_put_u16(&w->txt, s, n);
  w->sf_len = (uint32_t)(w->txt.len - w->sf_off);
}

static int tw_has_tag(const tword *w, int32_t t) {
  for (uint32_t i = 0; i < w->tags.n; i++)
    if (w->tags.p[i] == t) return 1;
  return 0;
}

static void tw_insert_tag(run *R, tword *w, int32_t t) {
  if (tw_has_tag(w, t)) return;
  i32vec_push(&w->tags, t); /* then moved down to its sorted place */
  if (w->tags.failed) {
    R->failed = 1;
    return;
  }
  size_t i = w->tags.n - 1;
  while (i > 0 && w->tags.p[i - 1] > t) {
    w->tags.p[i] = w->tags.p[i - 1];
    i--;
  }
  w->tags.p[i] = t;
}

static int lfs_reserve(run *R, tword *w, uint32_t need) {
  if (need <= w->cap_lfs) return 0;
  uint32_t cap = w->cap_lfs ? w->cap_lfs : 4;
  while (cap < need) cap *= 2;
  lfent *n = pl_realloc_array(w->lfs, cap, sizeof *n);
  if (!n) {
    R->failed = 1;
    return -1;
  }
  w->lfs = n;
  w->cap_lfs = cap;
  return 0;
}

/* The index of lexical_forms[t] (std::map::operator[]: inserts an empty
 * string); -1 when out of memory. */
static int tw_lf(run *R, tword *w, int32_t t) {
  uint32_t i = 0;
  while (i < w->n_lfs && w->lfs[i].tag < t) i++;
  if (i < w->n_lfs && w->lfs[i].tag == t) return (int)i;
  if (lfs_reserve(R, w, w->n_lfs + 1)) return -1;
  memmove(w->lfs + i + 1, w->lfs + i, (w->n_lfs - i) * sizeof *w->lfs);
  w->lfs[i] = (lfent){t, 0, 0};
  w->n_lfs++;
  return (int)i;
}

/* lexical_forms[t] = lf (a replaced text stays unused in txt, which the
 * word's reuse resets). */
static void tw_set_lf(run *R, tword *w, int32_t t, const uint16_t *lf, size_t n) {
  int i = tw_lf(R, w, t);
  if (i < 0) return;
  if (R->key) { /* a part of the reading, which txt already holds */
    size_t u = n ? (size_t)(lf - R->u16.p) : 0;
    w->lfs[i].off = w->base + (uint32_t)(R->rd_base + (size_t)R->map.p[u]);
    w->lfs[i].len = n ? (uint32_t)(R->map.p[u + n] - R->map.p[u]) : 0;
    return;
  }
  size_t off = w->txt.len;
  bbuf_put_u16(&w->txt, lf, n);
  if (w->txt.failed) {
    R->failed = 1;
    return;
  }
  w->lfs[i].off = (uint32_t)off;
  w->lfs[i].len = (uint32_t)(w->txt.len - off);
}

static int re_find(URegularExpression *re, const uint16_t *s, size_t n) {
  UErrorCode err = U_ZERO_ERROR;
  static const UChar empty = 0;
  uregex_setText(re, n ? s : &empty, (int32_t)n, &err);
  if (U_FAILURE(err)) return 0;
  UBool f = uregex_find(re, 0, &err);
  return U_SUCCESS(err) && f;
}

/* TaggerWord::match: whether `rule` is found in s.  *re is the run's
 * compiled copy of the rule (NULL for a literal not compiled yet, or when
 * cloning failed). */
static int rule_find(const hmm_re *rule, URegularExpression **re, const uint16_t *s, size_t n) {
  if (rule->lit) {
    size_t i = 0;
    while (i < n && s[i] < 0x80) i++;
    if (i == n) { /* ASCII text: a case-insensitive substring search */
      size_t k = rule->lit_len;
      for (size_t at = 0; at + k <= n; at++) {
        size_t j = 0;
        while (j < k && (s[at + j] >= 'A' && s[at + j] <= 'Z' ? s[at + j] + 32 : s[at + j]) == (unsigned char)rule->lit[j])
          j++;
        if (j == k) return 1;
      }
      return 0;
    }
    if (!*re) {
      UErrorCode err = U_ZERO_ERROR;
      UParseError pe;
      *re = uregex_open(rule->src, (int32_t)rule->len, UREGEX_DOTALL | UREGEX_CASE_INSENSITIVE, &pe, &err);
      if (U_FAILURE(err)) {
        if (*re) uregex_close(*re);
        *re = NULL;
      }
    }
  }
  return *re && re_find(*re, s, n);
}

/* TaggerWord::add_tag */
static void tw_add_tag(run *R, tword *w, int32_t t, const uint16_t *lf, size_t n) {
  if (!tw_has_tag(w, t)) {
    tw_insert_tag(R, w, t);
    tw_set_lf(R, w, t, lf, n);
    return;
  }
  for (uint32_t i = 0; i < R->m->n_prefer; i++)
    if (rule_find(&R->m->prefer[i], &R->prefer[i], lf, n)) {
      tw_set_lf(R, w, t, lf, n);
      break;
    }
}

static void tw_erase_tag(tword *w, int32_t t) {
  for (size_t i = 0; i < w->tags.n; i++)
    if (w->tags.p[i] == t) {
      memmove(w->tags.p + i, w->tags.p + i + 1, (w->tags.n - i - 1) * sizeof *w->tags.p);
      w->tags.n--;
      return;
    }
}

/* UTF-8 text that this file wrote or validated -> UTF-16 (replaces u). */
static void u8_to_u16(ubuf *u, const char *s, size_t n) {
  const unsigned char *b = (const unsigned char *)s;
  u->len = 0;
  if (ubuf_reserve(u, n)) return;
  for (size_t i = 0; i < n;) {
    if (b[i] < 0x80) {
      ubuf_push(u, b[i++]);
      continue;
    }
    int k = utf8_lead_len(b[i]);
    int32_t cp = (size_t)k <= n - i ? utf8_decode(b + i, k) : -1;
    if (cp < 0) { /* cannot happen: the text was valid */
      cp = 0xFFFD;
      k = 1;
    }
    ubuf_put_cp(u, cp);
    i += (size_t)k;
  }
}

/* The reading of a fast-path token at s (up to an unescaped '/' or n) in
 * UTF-16 into R->u16, with R->map; returns its length in bytes. */
static size_t reading_to_u16(run *R, const char *s, size_t n) {
  const unsigned char *b = (const unsigned char *)s;
  ubuf *u = &R->u16;
  u->len = 0;
  R->map.n = 0;
  if (ubuf_reserve(u, n + 1) || i32vec_reserve(&R->map, n + 1)) {
    R->failed = 1;
    return n;
  }
  uint16_t *up = u->p;
  int32_t *mp = R->map.p;
  size_t i = 0, k = 0;
  while (i < n) {
    unsigned c = b[i];
    if (c < 0x80) {
      if (c == '/') break;
      mp[k] = (int32_t)i;
      up[k++] = (uint16_t)c;
      i++;
      if (c == '\\' && i < n && b[i] < 0x80) { /* the escaped character */
        mp[k] = (int32_t)i;
        up[k++] = b[i++];
      }
      continue;
    }
    int len = utf8_lead_len((unsigned char)c);
    int32_t cp = utf8_decode(b + i, len); /* validated by the fast scanner */
    mp[k] = (int32_t)i;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      up[k++] = (uint16_t)(0xD800 + (cp >> 10));
      mp[k] = (int32_t)i; /* never a cut point */
      up[k++] = (uint16_t)(0xDC00 + (cp & 0x3FF));
    } else {
      up[k++] = (uint16_t)cp;
    }
    i += (size_t)len;
  }
  mp[k] = (int32_t)i;
  u->len = k;
  R->map.n = k + 1;
  return i;
}

/* TaggerWord::discardOnAmbiguity, including its loop (after an erase it
 * restarts at the beginning and then skips it) and its final comparison,
 * which compares with the length of the rule's text. */
static void tw_discard(run *R, tword *w, uint32_t rule_no) {
  const hmm_re *rule = &R->m->discard[rule_no];
  uint32_t rule_len = rule->len;
  if (w->tags.n <= 1 || (!rule->lit && !R->discard[rule_no])) return;
  int32_t newset[256];
  uint32_t n_new = 0;
  uint32_t it = 0;
  while (it < w->n_lfs) {
    u8_to_u16(&R->re16, w->txt.p + w->lfs[it].off, w->lfs[it].len);
    if (R->re16.failed) {
      R->failed = 1;
      return;
    }
    if (rule_find(rule, &R->discard[rule_no], R->re16.p, R->re16.len)) {
      memmove(w->lfs + it, w->lfs + it + 1, (w->n_lfs - it - 1) * sizeof *w->lfs);
      w->n_lfs--;
      it = 0;
    } else if (n_new < 256) {
      int seen = 0;
      for (uint32_t k = 0; k < n_new; k++) seen |= newset[k] == w->lfs[it].tag;
      if (!seen) newset[n_new++] = w->lfs[it].tag;
    }
    if (w->n_lfs == 1) {
      int seen = 0;
      for (uint32_t k = 0; k < n_new; k++) seen |= newset[k] == w->lfs[0].tag;
      if (!seen && n_new < 256) newset[n_new++] = w->lfs[0].tag;
      break;
    }
    it++;
  }
  if (rule_len != n_new) {
    w->tags.n = 0;
    for (uint32_t k = 0; k < n_new; k++) tw_insert_tag(R, w, newset[k]);
  }
}

/* Appends n bytes; small copies inline (most texts are a few bytes). */
static inline void put(bbuf *o, const char *p, size_t n) {
  if (PL_LIKELY(n <= 16 && o->cap - o->len >= 16)) {
    char *d = o->p + o->len;
    o->len += n;
    if (n >= 8) {
      memcpy(d, p, 8);
      memcpy(d + n - 8, p + n - 8, 8);
    } else if (n >= 4) {
      memcpy(d, p, 4);
      memcpy(d + n - 4, p + n - 4, 4);
    } else {
      for (size_t i = 0; i < n; i++) d[i] = p[i];
    }
    return;
  }
  bbuf_append(o, p, n);
}

/* TaggerWord::get_lexical_form / get_all_chosen_tag_first, written
 * straight into the output buffer. */
static void tw_print(run *R, tword *w, int32_t t) {
  bbuf *o = &R->out->b;
  const hmm_opts *op = R->o;
  const char *txt = w->txt.p, *sf = txt + w->sf_off;
  size_t sf_len = w->sf_len;
  put(o, txt + w->ign_off, w->ign_len);
  if (t == R->m->tag_eof) return;
  size_t mark = o->len;
  if (!w->prev_plus_cut) {
    if (op->mark && w->tags.n > 1) put(o, "^=", 2);
    else bbuf_putc(o, '^');
    if (op->show_sf && !op->first) {
      put(o, sf, sf_len);
      bbuf_putc(o, '/');
    }
  }
  if (op->first) {
    put(o, sf, sf_len);
    if (w->n_lfs == 0) {
      put(o, "/*", 2);
      put(o, sf, sf_len);
    } else {
      int l = tw_lf(R, w, t);
      if (l < 0) return;
      bbuf_putc(o, '/');
      put(o, txt + w->lfs[l].off, w->lfs[l].len);
      if (w->n_lfs > 1)
        for (uint32_t i = 0; i < w->tags.n; i++)
          if (w->tags.p[i] != t) {
            int k = tw_lf(R, w, w->tags.p[i]);
            if (k < 0) return;
            bbuf_putc(o, '/');
            put(o, txt + w->lfs[k].off, w->lfs[k].len);
          }
    }
  } else if (w->n_lfs == 0 || (w->lfs[0].len && txt[w->lfs[0].off] == '*')) {
    bbuf_putc(o, '*');
    put(o, sf, sf_len);
  } else {
    int l = tw_lf(R, w, t);
    if (l < 0) return;
    put(o, txt + w->lfs[l].off, w->lfs[l].len);
  }
  if (o->len != mark) /* Apertium: ret != ignored_string */
    bbuf_putc(o, w->plus_cut ? '+' : '$');
}

/* ---------------- pattern matching (lttoolbox MatchState) ---------------- */

static void ms_init(run *R) {
  R->first = 0;
  R->last = 1;
  R->st[0] = R->m->initial;
}

/* MatchState::step(input, alt): `alt` is <ANY_CHAR> or <ANY_TAG>, whose
 * destinations the model has per state (alt_dest; NULL: no alternative). */
static PL_NOINLINE uint32_t *ascii_table(run *R, uint32_t st) {
  uint32_t *t = malloc(128 * sizeof *t);
  if (!t) return NULL;
  for (int32_t c = 0; c < 128; c++) t[c] = hmm_ms_search(R->m, st, c);
  return R->ascii[st] = t;
}

static void ms_step(run *R, int32_t in, const uint32_t *alt_dest) {
  const hmm_model *m = R->m;
  unsigned mylast = (unsigned)R->last, last = mylast;
  for (unsigned i = (unsigned)R->first; i != mylast; i = (i + 1) & (MS_LIMIT - 1)) {
    uint32_t st = R->st[i], d;
    const uint32_t *t;
    if (in >= 0 && in < 128 && R->ascii && ((t = R->ascii[st]) || (t = ascii_table(R, st)))) d = t[in];
    else d = hmm_ms_search(m, st, in);
    if (d != UINT32_MAX) {
      R->st[last] = d;
      last = (last + 1) & (MS_LIMIT - 1);
    }
    if (alt_dest && (d = alt_dest[st]) != UINT32_MAX) {
      R->st[last] = d;
      last = (last + 1) & (MS_LIMIT - 1);
    }
  }
  R->last = (int)last;
  R->first = (int)mylast;
}

static int ms_size(const run *R) { return R->last >= R->first ? R->last - R->first : R->last + MS_LIMIT - R->first; }

static int32_t ms_classify(const run *R) {
  int32_t best = INT32_MAX;
  for (int i = R->first; i != R->last; i = (i + 1) % MS_LIMIT) {
    int32_t t = R->m->final_type[R->st[i]];
    if (t >= 0 && t < best) best = t;
  }
  return best < INT32_MAX ? best : -1;
}

/* ---------------- reading words (FileMorphoStream) ---------------- */

static int vw_push(run *R, tword *w) {
  if (!w) {
    R->failed = 1;
    return -1;
  }
  if (R->n_vw == R->cap_vw) {
    uint32_t cap = R->cap_vw ? R->cap_vw * 2 : 8;
    tword **n = pl_realloc_array(R->vw, cap, sizeof *n);
    if (!n) {
      tw_release(R, w);
      R->failed = 1;
      return -1;
    }
    R->vw = n;
    R->cap_vw = cap;
  }
  R->vw[R->n_vw++] = w;
  return 0;
}

static int is_eof(run *R, int32_t c) { return u8in_eof(&R->r) || (R->o->null_flush && c == 0); }

static void add_eof_tag(run *R, int iv) { tw_add_tag(R, R->vw[iv], R->m->tag_eof, NULL, 0); }

/* A plus cut: the reading continues as a new word after '+'. */
static void plus_cut(run *R, int *iv) {
  R->vw[*iv]->plus_cut = 1;
  if ((int)R->n_vw <= *iv + 1 && !vw_push(R, tw_new(R, 1)) && R->key) {
    tword *w = R->vw[R->n_vw - 1], *w0 = R->vw[0];
    bbuf_append(&w->txt, w0->txt.p, w0->txt.len);
    w->base = w0->base;
  }
  (*iv)++;
  ms_init(R);
}

/* Apertium deletes vwords[ivwords] and pops the last word, which are the
 * same word unless an earlier reading of the token made more words than
 * this one (then Apertium keeps a dangling pointer); here the last word is
 * always the one removed. */
static void rollback(run *R, int *iv, int initial_iv, int32_t last_type, const ubuf *str) {
  while (*iv > initial_iv) {
    tw_release(R, R->vw[--R->n_vw]);
    (*iv)--;
  }
  R->vw[*iv]->plus_cut = 0;
  tw_erase_tag(R->vw[*iv], last_type);
  tw_add_tag(R, R->vw[*iv], last_type, str->len ? str->p : NULL, str->len);
}

/* The length of std::u16string::substr(pos, count) on a string of `limit`
 * units (pos <= limit): a negative count converts to a huge size_t, and a
 * count past the end stops at the end.  (After a '+' cut Apertium can ask
 * for two units where only one is left.) */
static size_t substr_len(int pos, int count, int limit) {
  size_t rest = (size_t)(limit - pos);
  return count < 0 || (size_t)count > rest ? rest : (size_t)count;
}

/* lrlmClassify: the coarse tag of one reading (UTF-16), added to the
 * current word; '+' may cut the reading into several words. */
static void lrlm_classify(run *R, const ubuf *str, int *iv) {
  const hmm_model *m = R->m;
  int floor = 0, last_type = -1, last_pos = 0, initial_iv = *iv;
  int limit = (int)str->len;
  static const uint16_t empty = 0;
  const uint16_t *s = str->p ? str->p : &empty;
#define AT(k) ((k) >= 0 && (k) < limit ? s[k] : 0)
  ms_init(R);
  for (int i = 0; i != limit && !R->failed; i++) {
    if (s[i] != '<') {
      if (s[i] == '+') {
        int32_t val = ms_classify(R);
        if (val != -1) {
          last_pos = i - 1;
          last_type = val;
        }
      }
      ms_step(R, uc_tolower(s[i]), m->dest_any_char);
    } else {
      int tag_start = i, tag_end = -1;
      for (int j = i + 1; j < limit; j++) {
        if (s[j] == '\\') {
          j++;
        } else if (s[j] == '>') {
          tag_end = j;
          i = j;
          break;
        }
      }
      int32_t sym = tag_end >= 0 ? hmm_ptag_find(m, s + tag_start, (size_t)(tag_end - tag_start + 1)) : 0;
      if (sym) ms_step(R, sym, m->dest_any_tag);
      else ms_step(R, m->any_tag, NULL);
    }
    int dead = ms_size(R) == 0;
    if (dead || (i == limit - 1 && ms_classify(R) == -1)) {
      if (last_pos != floor) {
        tw_add_tag(R, R->vw[*iv], last_type, s + floor, substr_len(floor, last_pos - floor + 1, limit));
        if (AT(last_pos + 1) == '+' && last_pos + 1 < limit) {
          floor = last_pos + 1;
          last_pos = dead ? floor + 1 : floor;
          plus_cut(R, iv);
          if (R->failed) return;
        }
        i = floor++;
      } else {
        tw_add_tag(R, R->vw[*iv], m->tag_undef, s + floor, (size_t)(limit - floor));
        return;
      }
    }
  }
  int32_t val = ms_classify(R);
  if (val == -1) {
    val = m->tag_undef;
    if (*iv > initial_iv) {
      rollback(R, iv, initial_iv, last_type, str);
      return;
    }
  }
  tw_add_tag(R, R->vw[*iv], val, s + floor, (size_t)(limit - floor));
#undef AT
}

/* --- the slow path: code point by code point, exactly as Apertium reads.
 * It handles everything (the end of the input or a NUL inside a token,
 * invalid UTF-8, a token cut by the end of an input chunk). */

/* The input ended (or a NUL came with -z) inside a word: what was read
 * becomes ignored text and the word the end-of-file pseudo-word. */
static void end_in_word(run *R, int iv, const ubuf *str) {
  R->end_of_file = 1;
  if (str->len) tw_add_ignored(R->vw[iv], str->p, str->len);
  add_eof_tag(R, iv);
}

/* After a backslash: keeps it and the character it escapes. */
static void push_escaped(run *R, ubuf *str) {
  int32_t c = u8in_get(&R->r);
  ubuf_push(str, '\\');
  ubuf_put_cp(str, c);
}

static void read_rest_of_word(run *R, int *iv) {
  ubuf str = {0};
  for (;;) {
    int32_t c = u8in_get(&R->r);
    if (is_eof(R, c)) {
      end_in_word(R, *iv, &str);
      goto out;
    } else if (c == '\\') {
      push_escaped(R, &str);
    } else if (c == '/') {
      tw_set_sf(R->vw[*iv], str.p, str.len);
      str.len = 0;
      break;
    } else if (c == '$') {
      static const uint16_t dollar = '$';
      tw_set_sf(R->vw[*iv], str.p, str.len);
      tw_add_ignored(R->vw[*iv], &dollar, 1);
      break;
    } else {
      ubuf_put_cp(&str, c);
    }
  }
  for (;;) {
    int32_t c = u8in_get(&R->r);
    if (is_eof(R, c)) {
      end_in_word(R, *iv, &str);
      goto out;
    } else if (c == '\\') {
      push_escaped(R, &str);
    } else if (c == '/') {
      lrlm_classify(R, &str, iv);
      str.len = 0;
      *iv = 0;
    } else if (c == '$') {
      if (!(str.len && str.p[0] == '*')) lrlm_classify(R, &str, iv);
      goto out;
    } else {
      ubuf_put_cp(&str, c);
    }
    if (R->failed) goto out;
  }
out:
  if (str.failed) R->failed = 1;
  ubuf_free(&str);
}

static void slow_token(run *R) {
  int iv = 0;
  if (vw_push(R, tw_new(R, 0))) return;
  int32_t c = u8in_get(&R->r);
  if (is_eof(R, c)) {
    R->end_of_file = 1;
    add_eof_tag(R, iv);
    return;
  }
  if (c == '^') {
    read_rest_of_word(R, &iv);
    return;
  }
  ubuf str = {0};
  if (c == '\\') {
    c = u8in_get(&R->r);
    ubuf_push(&str, '\\');
    ubuf_put_cp(&str, c);
    c = '\\';
  } else {
    ubuf_put_cp(&str, c);
  }
  while (c != '^') {
    c = u8in_get(&R->r);
    if (is_eof(R, c)) {
      R->end_of_file = 1;
      tw_add_ignored(R->vw[iv], str.p, str.len);
      add_eof_tag(R, iv);
      break;
    } else if (c == '\\') {
      ubuf_push(&str, '\\');
      c = u8in_get(&R->r);
      if (is_eof(R, c)) {
        R->end_of_file = 1;
        tw_add_ignored(R->vw[iv], str.p, str.len);
        add_eof_tag(R, iv);
        break;
      }
      ubuf_put_cp(&str, c);
      c = '\\';
    } else if (c == '^') {
      if (str.len) tw_add_ignored(R->vw[iv], str.p, str.len);
      read_rest_of_word(R, &iv);
      break;
    } else {
      ubuf_put_cp(&str, c);
    }
  }
  if (str.failed) R->failed = 1;
  ubuf_free(&str);
}

/* --- the fast path: a whole token inside the current input chunk, read as
 * bytes.  Valid UTF-8 decoded to UTF-16 and encoded back is the same bytes,
 * so texts are copied as they are; anything the fast path does not handle
 * (NUL, invalid UTF-8, the chunk ends) sends the token to the slow path,
 * which starts again from the same byte. */

/* Bytes of the character at s (n > 0 bytes available); 0 for NUL, invalid
 * UTF-8 or a sequence cut by the end of the chunk. */
static inline size_t char_len(const unsigned char *s, size_t n) {
  if (PL_LIKELY(s[0] - 1u < 0x7Fu)) return 1;
  if (s[0] == 0) return 0;
  int k = utf8_lead_len(s[0]);
  if ((size_t)k > n || utf8_decode(s, k) < 0) return 0;
  return (size_t)k;
}

/* A cache value: the words a token's readings make, after the discard
 * rules, in bytes (16-bit fields little-endian; small values keep the
 * cache, and the pages it touches, few):
 *   n_words, then per word: flags (1 plus_cut, 2 prev_plus_cut),
 *   cls + 1 (16 bits), n_tags, n_lfs, tags[n_tags] (16 bits each),
 *   (tag, off, len)[n_lfs] (16 bits each)
 * The lexical forms are parts of the readings (the key); off counts from
 * the start of the readings.  A token whose words do not fit is not
 * cached (0 returned). */
static void put16(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
}
static uint32_t get16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }

static int compile_token(run *R) {
  bbuf *b = &R->val;
  b->len = 0;
  if (R->n_vw > 255) return 0;
  bbuf_putc(b, (int)R->n_vw);
  for (uint32_t i = 0; i < R->n_vw; i++) {
    const tword *w = R->vw[i];
    if (w->tags.n > 255 || w->n_lfs > 255 || w->cls >= 0xFFFF) return 0;
    size_t need = 5 + 2 * w->tags.n + 6 * w->n_lfs;
    if (bbuf_reserve(b, need)) return 0;
    uint8_t *p = (uint8_t *)b->p + b->len;
    p[0] = (uint8_t)((w->plus_cut ? 1 : 0) | (w->prev_plus_cut ? 2 : 0));
    put16(p + 1, (uint32_t)(w->cls + 1));
    p[3] = (uint8_t)w->tags.n;
    p[4] = (uint8_t)w->n_lfs;
    p += 5;
    for (size_t k = 0; k < w->tags.n; k++, p += 2) {
      if (w->tags.p[k] < 0 || w->tags.p[k] > 0xFFFF) return 0;
      put16(p, (uint32_t)w->tags.p[k]);
    }
    for (uint32_t k = 0; k < w->n_lfs; k++, p += 6) {
      const lfent *l = &w->lfs[k];
      uint32_t off = l->off - w->base;
      if (l->tag < 0 || l->tag > 0xFFFF || off > 0xFFFF || l->len > 0xFFFF) return 0;
      put16(p, (uint32_t)l->tag);
      put16(p + 2, off);
      put16(p + 4, l->len);
    }
    b->len += need;
  }
  return 1;
}

/* Rebuilds the words of a cached token; vw[0] exists (its txt and
 * ranges already set). */
static void replay_token(run *R, const char *v) {
  const uint8_t *p = (const uint8_t *)v;
  uint32_t n_words = *p++;
  for (uint32_t i = 0; i < n_words && !R->failed; i++) {
    uint32_t flags = p[0], n_tags = p[3], n_lfs = p[4];
    tword *w = R->vw[0];
    if (i > 0) {
      if (vw_push(R, tw_new(R, (flags & 2) != 0))) return;
      w = R->vw[R->n_vw - 1];
      bbuf_append(&w->txt, R->vw[0]->txt.p, R->vw[0]->txt.len);
      w->base = R->vw[0]->base;
    }
    w->plus_cut = (flags & 1) != 0;
    w->prev_plus_cut = (flags & 2) != 0;
    w->cls = (int32_t)get16(p + 1) - 1;
    p += 5;
    if (i32vec_reserve(&w->tags, n_tags) || lfs_reserve(R, w, n_lfs)) {
      R->failed = 1;
      return;
    }
    for (uint32_t k = 0; k < n_tags; k++, p += 2) w->tags.p[k] = (int32_t)get16(p);
    w->tags.n = n_tags;
    for (uint32_t k = 0; k < n_lfs; k++, p += 6)
      w->lfs[k] = (lfent){(int32_t)get16(p), w->base + get16(p + 2), get16(p + 4)};
    w->n_lfs = n_lfs;
  }
}

/* The discard rules (Apertium applies them as each word is handed out;
 * nothing changes a word in between) and the allocation failures. */
static void finish_token(run *R) {
  for (uint32_t i = 0; i < R->n_vw; i++) {
    tword *w = R->vw[i];
    if (w->tags.n > 1)
      for (uint32_t k = 0; k < R->m->n_discard; k++) tw_discard(R, w, k);
    if (tw_failed(w)) R->failed = 1;
  }
}

/* The readings of a token, "r1/r2/...", already copied into vw[0]->txt:
 * from the cache, or classified one by one (then cached). */
static void read_readings(run *R, const char *p, size_t len) {
  uint64_t h = wc_hash(p, len);
  size_t vlen;
  const char *v = wc_get(&R->cache, h, p, len, &vlen);
  if (v) {
    replay_token(R, v);
    return;
  }
  R->key = p;
  R->key_len = len;
  int iv = 0;
  for (size_t a = 0;;) {
    R->rd_base = a;
    size_t i = a + reading_to_u16(R, p + a, len - a);
    if (R->failed) break;
    if (i < len) { /* a '/' follows */
      lrlm_classify(R, &R->u16, &iv);
      iv = 0;
    } else {
      if (!(R->u16.len && R->u16.p[0] == '*')) lrlm_classify(R, &R->u16, &iv);
      break;
    }
    if (R->failed) break;
    a = i + 1;
  }
  R->key = NULL;
  if (R->failed) return;
  finish_token(R);
  if (R->failed) return;
  for (uint32_t i = 0; i < R->n_vw; i++) {
    tword *w = R->vw[i];
    w->cls = w->tags.n ? hmm_class_find(R->m, w->tags.p, (uint32_t)w->tags.n) : -1;
  }
  if (compile_token(R) && !R->val.failed) wc_put(&R->cache, h, p, len, R->val.p, R->val.len);
}

/* The first byte at or after i (below n) that the scanner must look at
 * (NUL, '$', '/', '\\', '^' and every byte of a multi-byte character), or n. */
static inline size_t skip_plain(const unsigned char *s, size_t i, size_t n) {
  return pl_scan4(s, i, n, '$', '/', '\\', '^');
}

/* 1 if a whole token was read, 0 if the slow path must read it. */
static int fast_token(run *R) {
  pl_in *in = R->r.in;
  if (R->r.n_back || R->r.bad || in->pos >= in->len) return 0;
  const unsigned char *s = (const unsigned char *)in->p + in->pos;
  size_t n = in->len - in->pos, i = 0, k;
  for (;;) { /* the blank, up to '^' */
    i = skip_plain(s, i, n);
    if (i >= n) return 0;
    unsigned c = s[i];
    if (c == '^') break;
    if (c == '$' || c == '/') {
      i++;
      continue;
    }
    if (c == '\\' && ++i >= n) return 0;
    if (!(k = char_len(s + i, n - i))) return 0;
    i += k;
  }
  size_t blank = i, sf0 = ++i, sf1 = 0;
  for (;;) { /* the word, up to '$'; sf1: the first '/' */
    i = skip_plain(s, i, n);
    if (i >= n) return 0;
    unsigned c = s[i];
    if (c == '$') break;
    if (c == '/') {
      if (!sf1) sf1 = i;
      i++;
      continue;
    }
    if (c == '\\' && ++i >= n) return 0;
    if (!(k = char_len(s + i, n - i))) return 0;
    i += k;
  }
  /* "^sf$": Apertium then goes on reading readings after the '$', starting
   * with the surface form; the slow path does that. */
  if (!sf1) return 0;
  in->pos += i + 1;
  tword *w = tw_new(R, 0);
  if (vw_push(R, w)) return 1;
  bbuf_append(&w->txt, s, i); /* all but the '$' */
  w->ign_len = (uint32_t)blank;
  w->sf_off = (uint32_t)sf0;
  w->sf_len = (uint32_t)(sf1 - sf0);
  w->base = (uint32_t)(sf1 + 1);
  read_readings(R, (const char *)s + sf1 + 1, i - sf1 - 1);
  for (uint32_t k2 = 0; k2 < R->n_vw; k2++)
    if (tw_failed(R->vw[k2])) R->failed = 1;
  return 1;
}

/* FileMorphoStream::get_next_word: NULL at the end. */
static tword *next_word(run *R) {
  for (;;) {
    if (R->head < R->n_vw) return R->vw[R->head++];
    R->head = R->n_vw = 0;
    if (u8in_eof(&R->r) || R->failed) return NULL;
    if (!fast_token(R)) {
      slow_token(R);
      finish_token(R);
    }
  }
}

/* ---------------- HMM::tagger ---------------- */

static int set_includes(const tagset *a, const int32_t *b, uint32_t nb) { /* std::includes(a, b) */
  uint32_t i = 0;
  for (uint32_t j = 0; j < nb; j++) {
    while (i < a->n && a->t[i] < b[j]) i++;
    if (i == a->n || a->t[i] != b[j]) return 0;
    i++;
  }
  return 1;
}

int hmm_run(const hmm_model *m, const hmm_opts *o, pl_in *in, pl_out *out, pl_err *e) {
  run R;
  memset(&R, 0, sizeof R);
  R.m = m;
  R.o = o;
  R.out = out;
  u8in_init(&R.r, in);
  int rc = PL_OK;
  int32_t N = m->N;
  double *alpha[2] = {calloc((size_t)N, sizeof(double)), calloc((size_t)N, sizeof(double))};
  /* The Viterbi window, one position per pending word: the tags of the
   * position (win_tag, from win_off[p]) and, for each, the tag of the
   * previous position its best path comes from (win_from; -1 when no
   * previous tag passed the comparison, so that Apertium's path is empty).
   * Apertium copies whole paths instead (best[][]); the paths read back
   * from these are the same. */
  i32vec win_off = {0}, win_tag = {0}, win_from = {0}, path = {0};
  tword **wpend = NULL;
  uint32_t n_wpend = 0, cap_wpend = 0;
  int32_t *tags = malloc(((size_t)N + 1) * sizeof *tags), *pretags = malloc(((size_t)N + 1) * sizeof *pretags);
  uint32_t n_tags = 0, n_pretags = 0;
  R.prefer = calloc(m->n_prefer ? m->n_prefer : 1, sizeof *R.prefer);
  R.discard = calloc(m->n_discard ? m->n_discard : 1, sizeof *R.discard);
  R.open.t = malloc(((size_t)N + 1) * sizeof *R.open.t);
  R.ascii = calloc(m->n_states, sizeof *R.ascii); /* NULL: binary searches only */
  if (!alpha[0] || !alpha[1] || !tags || !pretags || !R.prefer || !R.discard || !R.open.t) {
    rc = pl_err_set(e, PL_ENOMEM, -1, "apertium-tagger: out of memory");
    goto done;
  }
  for (uint32_t i = 0; i < m->n_prefer; i++) {
    UErrorCode err = U_ZERO_ERROR;
    R.prefer[i] = m->prefer[i].re ? uregex_clone(m->prefer[i].re, &err) : NULL;
  }
  for (uint32_t i = 0; i < m->n_discard; i++) {
    UErrorCode err = U_ZERO_ERROR;
    R.discard[i] = m->discard[i].re ? uregex_clone(m->discard[i].re, &err) : NULL;
  }
  memcpy(R.open.t, m->open_class.t, m->open_class.n * sizeof *R.open.t);
  R.open.n = m->open_class.n;

  const int32_t eos = m->tag_sent;
  tags[0] = eos;
  n_tags = 1;
  alpha[0][eos] = 1;
  tword *word = next_word(&R);
  while (word && !R.failed) {
    if (n_wpend == cap_wpend) {
      cap_wpend = cap_wpend ? cap_wpend * 2 : 16;
      tword **nw = realloc(wpend, cap_wpend * sizeof *nw);
      if (!nw) {
        R.failed = 1;
        tw_release(&R, word);
        word = NULL;
        break;
      }
      wpend = nw;
    }
    wpend[n_wpend++] = word;
    int cur = (int)(n_wpend % 2), prev = 1 - cur;
    int32_t *swap = pretags;
    pretags = tags;
    n_pretags = n_tags;
    tags = swap;
    if (word->tags.n == 0) { /* an unknown word: the open class */
      memcpy(tags, R.open.t, R.open.n * sizeof *tags);
      n_tags = R.open.n;
    } else {
      n_tags = word->tags.n < (size_t)N + 1 ? (uint32_t)word->tags.n : (uint32_t)N + 1;
      memcpy(tags, word->tags.p, n_tags * sizeof *tags);
    }
    /* require_similar_ambiguity_class */
    int k = word->cls;
    if (k < 0) k = hmm_class_find(m, tags, n_tags);
    if (k < 0) {
      for (uint32_t c = 0; c < m->n_cls; c++) {
        const tagset *cls = &m->cls[c];
        if (cls->n >= R.open.n) continue;
        if (set_includes(cls, tags, n_tags)) { /* assigns into the open class itself */
          memcpy(R.open.t, cls->t, cls->n * sizeof *cls->t);
          R.open.n = cls->n;
        }
      }
      k = hmm_class_find(m, R.open.t, R.open.n); /* -1: not in the model (Debian reads past B) */
    }
    /* Apertium zeroes alpha[cur] for every tag, then keeps the best of
     * each of this word's tags there; the others are not read before being
     * written again (but see the null flush below). */
    i32vec_push(&win_off, (int32_t)win_tag.n);
    const double *ap = alpha[prev];
    double *ac = alpha[cur];
    for (uint32_t a = 0; a < n_tags; a++) {
      int32_t i = tags[a], from = -1;
      if (i >= 0 && i < N) {
        double bik = k >= 0 && k < m->M ? m->B[(size_t)k * (size_t)N + (size_t)i] : 0.0;
        const double *Ai = m->A + i;
        double best = 0;
        for (uint32_t b = 0; b < n_pretags; b++) {
          int32_t j = pretags[b];
          if (j < 0 || j >= N) continue;
          double x = ap[j] * Ai[(size_t)j * (size_t)N] * bik;
          if (best <= x) {
            from = j;
            best = x;
          }
        }
        ac[i] = best;
      }
      i32vec_push(&win_tag, i);
      i32vec_push(&win_from, from);
    }
    if (win_off.failed || win_tag.failed || win_from.failed) R.failed = 1;
    if (n_tags == 1 && !R.failed) {
      int32_t tag = tags[0];
      if (tag >= 0 && tag < N) {
        /* the best path to `tag`, read backwards from the window */
        path.n = 0;
        int32_t t = tag;
        for (uint32_t q = n_wpend; q-- > 0;) {
          size_t lo = (size_t)win_off.p[q], hi = q + 1 < n_wpend ? (size_t)win_off.p[q + 1] : win_tag.n, x = lo;
          while (x < hi && win_tag.p[x] != t) x++;
          if (x == hi || win_from.p[x] < 0) break; /* Apertium's path here is empty */
          i32vec_push(&path, t);
          t = win_from.p[x];
        }
        if (path.failed) R.failed = 1;
        for (uint32_t q = 0; q < path.n && !R.failed; q++) tw_print(&R, wpend[q], path.p[path.n - 1 - q]);
        alpha[0][tag] = 1;
      }
      for (uint32_t t = 0; t < n_wpend; t++) tw_release(&R, wpend[t]);
      n_wpend = 0;
      win_off.n = win_tag.n = win_from.n = 0;
    }
    if (R.end_of_file) {
      if (o->null_flush) {
        out_byte(out, 0);
        /* Apertium's zeroing of alpha[cur]: the next word may read
         * alpha[cur][eos] though eos was not among this word's tags */
        int has_eos = 0;
        for (uint32_t a = 0; a < n_tags; a++) has_eos |= tags[a] == eos;
        if (!has_eos) alpha[cur][eos] = 0;
        tags[0] = eos;
        n_tags = 1;
        alpha[0][eos] = 1;
      }
      pl_out_flush(out);
      R.end_of_file = 0;
    }
    pl_out_maybe_spill(out);
    word = next_word(&R);
  }
  if (word) tw_release(&R, word);
done:
  for (uint32_t t = 0; t < n_wpend; t++) tw_release(&R, wpend[t]);
  free(wpend);
  for (uint32_t i = R.head; i < R.n_vw; i++) tw_release(&R, R.vw[i]);
  free(R.vw);
  while (R.pool) {
    tword *w = R.pool;
    R.pool = w->next_free;
    tw_destroy(w);
  }
  free(alpha[0]);
  free(alpha[1]);
  i32vec_free(&win_off);
  i32vec_free(&win_tag);
  i32vec_free(&win_from);
  i32vec_free(&path);
  free(tags);
  free(pretags);
  if (R.prefer)
    for (uint32_t i = 0; i < m->n_prefer; i++)
      if (R.prefer[i]) uregex_close(R.prefer[i]);
  if (R.discard)
    for (uint32_t i = 0; i < m->n_discard; i++)
      if (R.discard[i]) uregex_close(R.discard[i]);
  free(R.prefer);
  free(R.discard);
  free(R.open.t);
  if (R.ascii)
    for (uint32_t i = 0; i < m->n_states; i++) free(R.ascii[i]);
  free(R.ascii);
  wc_free(&R.cache);
  bbuf_free(&R.val);
  ubuf_free(&R.u16);
  i32vec_free(&R.map);
  ubuf_free(&R.re16);
  if (!rc) rc = u8in_check(&R.r, "apertium-tagger", e);
  if (!rc && (R.failed || out->b.failed)) rc = pl_err_set(e, PL_ENOMEM, -1, "apertium-tagger: out of memory");
  pl_out_flush(out);
  if (!rc && out->err) rc = pl_err_set(e, PL_EIO, -1, "apertium-tagger: error writing output");
  return rc;
}

/* ---------------- command line ---------------- */

struct run_args {
  const hmm_model *m;
  const hmm_opts *o;
};

static int run_cb(pl_in *in, pl_out *out, void *arg, pl_err *e) {
  const struct run_args *a = arg;
  return hmm_run(a->m, a->o, in, out, e);
}

static const arg_opt opts[] = {
    {'g', "tagger", 0}, {'p', "show-superficial", 0}, {'m', "mark", 0}, {'f', "first", 0},
    {'z', "null-flush", 0}, {'d', "debug", 0},       {'h', "help", 0},
};

int hmm_main(int argc, char **argv, int in_fd, int out_fd, pl_err *e) {
  arg_result r;
  int rc = args_parse("apertium-tagger", argc, argv, opts, (int)(sizeof opts / sizeof opts[0]), 3, &r, e);
  if (rc) return rc;
  if (!r.seen['g'] || r.n_files < 1)
    return pl_err_set(e, PL_EUSAGE, -1,
                      "apertium-tagger: parley implements tagging only: apertium-tagger -g [-p] [-m] [-f] [-z] "
                      "MODEL.prob [input [output]]");
  hmm_opts o = {r.seen['p'] > 0, r.seen['m'] > 0, r.seen['f'] > 0, r.seen['z'] > 0};
  hmm_model *m = NULL;
  if ((rc = hmm_load_file(&m, r.files[0], e))) return rc;
  struct run_args ra = {m, &o};
  rc = pl_run_files("apertium-tagger", r.n_files >= 2 ? r.files[1] : NULL, r.n_files >= 3 ? r.files[2] : NULL, in_fd,
                    out_fd, run_cb, &ra, e);
  hmm_free(m);
  return rc;
}
