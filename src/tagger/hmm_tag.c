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
 */
#include <stdlib.h>
#include <string.h>

#include "../base/args.h"
#include "../base/i32vec.h"
#include "../base/kvcache.h"
#include "../base/u8in.h"
#include "../fst/fst_int.h" /* uc_tolower */
#include "hmm_int.h"

/* ---------------- tagger words ---------------- */

typedef struct lfent {
  int32_t tag;
  ubuf lf;
} lfent;

typedef struct tword {
  ubuf sf, ignored;
  i32vec tags; /* sorted set */
  lfent *lfs; /* sorted by tag (std::map) */
  uint32_t n_lfs, cap_lfs;
  int plus_cut, prev_plus_cut;
} tword;

typedef struct run {
  const hmm_model *m;
  const hmm_opts *o;
  u8in r;
  pl_out *out;
  URegularExpression **prefer, **discard;
  int end_of_file;
  /* FileMorphoStream::vwords */
  tword **vw;
  uint32_t n_vw, cap_vw;
  /* MatchState */
  uint32_t st[1024];
  int first, last;
  /* the open class, which find_similar_ambiguity_class overwrites */
  tagset open;
  /* classification cache: reading text -> recorded operations */
  kvcache cache;
  bbuf *rec;
  ubuf scratch;
  int failed;
} run;

static tword *tw_new(int prev_plus_cut) {
  tword *w = calloc(1, sizeof *w);
  if (w) w->prev_plus_cut = prev_plus_cut;
  return w;
}

static void tw_free(tword *w) {
  if (!w) return;
  ubuf_free(&w->sf);
  ubuf_free(&w->ignored);
  i32vec_free(&w->tags);
  for (uint32_t i = 0; i < w->n_lfs; i++) ubuf_free(&w->lfs[i].lf);
  free(w->lfs);
  free(w);
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

/* lexical_forms[t] (std::map::operator[]: inserts an empty string). */
static ubuf *tw_lf(run *R, tword *w, int32_t t) {
  uint32_t i = 0;
  while (i < w->n_lfs && w->lfs[i].tag < t) i++;
  if (i < w->n_lfs && w->lfs[i].tag == t) return &w->lfs[i].lf;
  if (w->n_lfs == w->cap_lfs) {
    uint32_t cap = w->cap_lfs ? w->cap_lfs * 2 : 4;
    lfent *n = realloc(w->lfs, cap * sizeof *n);
    if (!n) { /* out of memory: reported at the end; write into scratch */
      R->failed = 1;
      R->scratch.len = 0;
      return &R->scratch;
    }
    w->lfs = n;
    w->cap_lfs = cap;
  }
  memmove(w->lfs + i + 1, w->lfs + i, (w->n_lfs - i) * sizeof *w->lfs);
  memset(&w->lfs[i], 0, sizeof w->lfs[i]);
  w->lfs[i].tag = t;
  w->n_lfs++;
  return &w->lfs[i].lf;
}

static int re_find(URegularExpression *re, const uint16_t *s, size_t n) {
  UErrorCode err = U_ZERO_ERROR;
  static const UChar empty = 0;
  uregex_setText(re, n ? s : &empty, (int32_t)n, &err);
  if (U_FAILURE(err)) return 0;
  UBool f = uregex_find(re, 0, &err);
  return U_SUCCESS(err) && f;
}

/* TaggerWord::add_tag */
static void tw_add_tag(run *R, tword *w, int32_t t, const uint16_t *lf, size_t n) {
  if (!tw_has_tag(w, t)) {
    tw_insert_tag(R, w, t);
    ubuf *l = tw_lf(R, w, t);
    l->len = 0;
    ubuf_append(l, lf, n);
    return;
  }
  for (uint32_t i = 0; i < R->m->n_prefer; i++)
    if (R->prefer[i] && re_find(R->prefer[i], lf, n)) {
      ubuf *l = tw_lf(R, w, t);
      l->len = 0;
      ubuf_append(l, lf, n);
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

/* TaggerWord::discardOnAmbiguity, including its loop (after an erase it
 * restarts at the beginning and then skips it) and its final comparison,
 * which compares with the length of the rule's text. */
static void tw_discard(run *R, tword *w, URegularExpression *re, uint32_t rule_len) {
  if (w->tags.n <= 1 || !re) return;
  int32_t newset[256];
  uint32_t n_new = 0;
  uint32_t it = 0;
  while (it < w->n_lfs) {
    if (re_find(re, w->lfs[it].lf.p, w->lfs[it].lf.len)) {
      ubuf_free(&w->lfs[it].lf);
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

/* TaggerWord::get_lexical_form / get_all_chosen_tag_first */
static void tw_print(run *R, tword *w, int32_t t) {
  ubuf ret = {0};
  ubuf_append(&ret, w->ignored.p, w->ignored.len);
  if (t == R->m->tag_eof) goto out;
  if (!w->prev_plus_cut) {
    ubuf_put_ascii(&ret, R->o->mark && w->tags.n > 1 ? "^=" : "^");
    if (R->o->show_sf && !R->o->first) {
      ubuf_append(&ret, w->sf.p, w->sf.len);
      ubuf_push(&ret, '/');
    }
  }
  if (R->o->first) {
    ubuf_append(&ret, w->sf.p, w->sf.len);
    if (w->n_lfs == 0) {
      ubuf_put_ascii(&ret, "/*");
      ubuf_append(&ret, w->sf.p, w->sf.len);
    } else {
      ubuf *l = tw_lf(R, w, t);
      ubuf_push(&ret, '/');
      ubuf_append(&ret, l->p, l->len);
      if (w->n_lfs > 1)
        for (uint32_t i = 0; i < w->tags.n; i++)
          if (w->tags.p[i] != t) {
            ubuf *o = tw_lf(R, w, w->tags.p[i]);
            ubuf_push(&ret, '/');
            ubuf_append(&ret, o->p, o->len);
          }
    }
  } else if (w->n_lfs == 0 || (w->lfs[0].lf.len && w->lfs[0].lf.p[0] == '*')) {
    ubuf_push(&ret, '*');
    ubuf_append(&ret, w->sf.p, w->sf.len);
  } else {
    ubuf *l = tw_lf(R, w, t);
    ubuf_append(&ret, l->p, l->len);
  }
  if (!(ret.len == w->ignored.len && (ret.len == 0 || !memcmp(ret.p, w->ignored.p, ret.len * sizeof *ret.p))))
    ubuf_push(&ret, w->plus_cut ? '+' : '$');
out:
  out_u16(R->out, ret.p, ret.len);
  if (ret.failed) R->failed = 1;
  ubuf_free(&ret);
}

/* ---------------- pattern matching (lttoolbox MatchState) ---------------- */

#define MS_LIMIT 1024

static uint32_t ms_search(const hmm_model *m, uint32_t node, int32_t sym) {
  int left = 0, right = (int)(m->first[node + 1] - m->first[node]) - 1;
  if (right < 0) return UINT32_MAX;
  const int32_t *s = m->sym + m->first[node];
  while (left <= right) {
    int mid = (left + right) / 2;
    if (s[mid] == sym) return m->dest[m->first[node] + (uint32_t)mid];
    if (s[mid] > sym) right = mid - 1;
    else left = mid + 1;
  }
  return UINT32_MAX;
}

static void ms_init(run *R) {
  R->first = 0;
  R->last = 1;
  R->st[0] = R->m->initial;
}

static void ms_step(run *R, int32_t in, int32_t alt, int has_alt) {
  int mylast = R->last;
  for (int i = R->first; i != mylast; i = (i + 1) % MS_LIMIT) {
    uint32_t d = ms_search(R->m, R->st[i], in);
    if (d != UINT32_MAX) {
      R->st[R->last] = d;
      R->last = (R->last + 1) % MS_LIMIT;
    }
    if (has_alt) {
      d = ms_search(R->m, R->st[i], alt);
      if (d != UINT32_MAX) {
        R->st[R->last] = d;
        R->last = (R->last + 1) % MS_LIMIT;
      }
    }
  }
  R->first = mylast;
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
    tword **n = realloc(R->vw, cap * sizeof *n);
    if (!n) {
      tw_free(w);
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
  if ((int)R->n_vw <= *iv + 1) vw_push(R, tw_new(1));
  (*iv)++;
  ms_init(R);
}

/* The effects of classifying one reading, as a list of operations that
 * can be replayed: a reading's classification depends only on its text, so
 * it is cached per reading (kvcache) and replayed on the current words. */
enum { OP_ADD = 1, OP_CUT = 2, OP_ROLLBACK = 3 };

static void op_log(run *R, int32_t op, int32_t a, int32_t b, int32_t c) {
  if (!R->rec) return;
  int32_t w[4] = {op, a, b, c};
  bbuf_append(R->rec, w, sizeof w);
}

static void op_add(run *R, int iv, int32_t tag, const ubuf *str, int off, int len) {
  op_log(R, OP_ADD, tag, off, len);
  tw_add_tag(R, R->vw[iv], tag, str->p + off, (size_t)len);
}

static void op_rollback(run *R, int *iv, int initial_iv, int32_t last_type, const ubuf *str) {
  op_log(R, OP_ROLLBACK, last_type, 0, 0);
  while (*iv > initial_iv) {
    tw_free(R->vw[*iv]);
    R->n_vw--;
    (*iv)--;
  }
  R->vw[*iv]->plus_cut = 0;
  tw_erase_tag(R->vw[*iv], last_type);
  tw_add_tag(R, R->vw[*iv], last_type, str->p, str->len);
}

static void lrlm_classify(run *R, const ubuf *str, int *iv) {
  const hmm_model *m = R->m;
  int floor = 0, last_type = -1, last_pos = 0, initial_iv = *iv;
  int limit = (int)str->len;
  const uint16_t *s = str->p;
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
      ms_step(R, uc_tolower(s[i]), m->any_char, 1);
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
      if (sym) ms_step(R, sym, m->any_tag, 1);
      else ms_step(R, m->any_tag, 0, 0);
    }
    int dead = ms_size(R) == 0;
    if (dead || (i == limit - 1 && ms_classify(R) == -1)) {
      if (last_pos != floor) {
        op_add(R, *iv, last_type, str, floor, last_pos - floor + 1);
        if (AT(last_pos + 1) == '+' && last_pos + 1 < limit) {
          floor = last_pos + 1;
          last_pos = dead ? floor + 1 : floor;
          op_log(R, OP_CUT, 0, 0, 0);
          plus_cut(R, iv);
          if (R->failed) return;
        }
        i = floor++;
      } else {
        op_add(R, *iv, m->tag_undef, str, floor, limit - floor);
        return;
      }
    }
  }
  int32_t val = ms_classify(R);
  if (val == -1) {
    val = m->tag_undef;
    if (*iv > initial_iv) {
      op_rollback(R, iv, initial_iv, last_type, str);
      return;
    }
  }
  op_add(R, *iv, val, str, floor, limit - floor);
#undef AT
}

/* The input ended (or a NUL came with -z) inside a word: what was read
 * becomes ignored text and the word the end-of-file pseudo-word. */
static void end_in_word(run *R, int iv, const ubuf *str) {
  R->end_of_file = 1;
  if (str->len) ubuf_append(&R->vw[iv]->ignored, str->p, str->len);
  add_eof_tag(R, iv);
}

/* After a backslash: keeps it and the character it escapes. */
static void push_escaped(run *R, ubuf *str) {
  int32_t c = u8in_get(&R->r);
  ubuf_push(str, '\\');
  ubuf_put_cp(str, c);
}

static void classify(run *R, const ubuf *str, int *iv) {
  size_t klen = str->len * sizeof *str->p;
  uint64_t h = kv_hash(str->p ? (const void *)str->p : (const void *)"", klen);
  size_t vlen;
  const char *v = kv_get(&R->cache, h, str->p ? (const void *)str->p : (const void *)"", klen, &vlen);
  if (v) {
    int initial_iv = *iv;
    for (size_t k = 0; k + 16 <= vlen && !R->failed; k += 16) {
      int32_t w[4];
      memcpy(w, v + k, sizeof w);
      if (w[0] == OP_ADD) tw_add_tag(R, R->vw[*iv], w[1], str->p + w[2], (size_t)w[3]);
      else if (w[0] == OP_CUT) plus_cut(R, iv);
      else if (w[0] == OP_ROLLBACK) {
        bbuf *rec = R->rec;
        R->rec = NULL;
        op_rollback(R, iv, initial_iv, w[1], str);
        R->rec = rec;
      }
    }
    return;
  }
  bbuf rec = {0};
  R->rec = &rec;
  lrlm_classify(R, str, iv);
  R->rec = NULL;
  if (!rec.failed && !R->failed) kv_put(&R->cache, h, str->p ? (const void *)str->p : (const void *)"", klen, rec.p, rec.len);
  bbuf_free(&rec);
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
      ubuf_copy(&R->vw[*iv]->sf, &str);
      str.len = 0;
      break;
    } else if (c == '$') {
      ubuf_copy(&R->vw[*iv]->sf, &str);
      ubuf_push(&R->vw[*iv]->ignored, '$');
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
      classify(R, &str, iv);
      str.len = 0;
      *iv = 0;
    } else if (c == '$') {
      if (!(str.len && str.p[0] == '*')) classify(R, &str, iv);
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

/* FileMorphoStream::get_next_word: NULL at the end. */
static tword *next_word(run *R) {
  for (;;) {
    if (R->n_vw) {
      tword *w = R->vw[0];
      memmove(R->vw, R->vw + 1, (R->n_vw - 1) * sizeof *R->vw);
      R->n_vw--;
      if (w->tags.n > 1)
        for (uint32_t i = 0; i < R->m->n_discard; i++) tw_discard(R, w, R->discard[i], R->m->discard[i].len);
      return w;
    }
    if (u8in_eof(&R->r) || R->failed) return NULL;
    int iv = 0;
    if (vw_push(R, tw_new(0))) return NULL;
    int32_t c = u8in_get(&R->r);
    if (is_eof(R, c)) {
      R->end_of_file = 1;
      add_eof_tag(R, iv);
      continue;
    }
    if (c == '^') {
      read_rest_of_word(R, &iv);
      continue;
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
        ubuf_append(&R->vw[iv]->ignored, str.p, str.len);
        add_eof_tag(R, iv);
        break;
      } else if (c == '\\') {
        ubuf_push(&str, '\\');
        c = u8in_get(&R->r);
        if (is_eof(R, c)) {
          R->end_of_file = 1;
          ubuf_append(&R->vw[iv]->ignored, str.p, str.len);
          add_eof_tag(R, iv);
          break;
        }
        ubuf_put_cp(&str, c);
        c = '\\';
      } else if (c == '^') {
        if (str.len) ubuf_append(&R->vw[iv]->ignored, str.p, str.len);
        read_rest_of_word(R, &iv);
        break;
      } else {
        ubuf_put_cp(&str, c);
      }
    }
    if (str.failed) R->failed = 1;
    ubuf_free(&str);
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
  i32vec *best[2] = {calloc((size_t)N, sizeof(i32vec)), calloc((size_t)N, sizeof(i32vec))};
  tword **wpend = NULL;
  uint32_t n_wpend = 0, cap_wpend = 0;
  int32_t *tags = malloc(((size_t)N + 1) * sizeof *tags), *pretags = malloc(((size_t)N + 1) * sizeof *pretags);
  uint32_t n_tags = 0, n_pretags = 0;
  R.prefer = calloc(m->n_prefer ? m->n_prefer : 1, sizeof *R.prefer);
  R.discard = calloc(m->n_discard ? m->n_discard : 1, sizeof *R.discard);
  R.open.t = malloc(((size_t)N + 1) * sizeof *R.open.t);
  if (!alpha[0] || !alpha[1] || !best[0] || !best[1] || !tags || !pretags || !R.prefer || !R.discard || !R.open.t) {
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
        tw_free(word);
        break;
      }
      wpend = nw;
    }
    wpend[n_wpend++] = word;
    int cur = (int)(n_wpend % 2), prev = 1 - cur;
    memcpy(pretags, tags, n_tags * sizeof *tags);
    n_pretags = n_tags;
    if (word->tags.n == 0) { /* an unknown word: the open class */
      memcpy(tags, R.open.t, R.open.n * sizeof *tags);
      n_tags = R.open.n;
    } else {
      uint32_t k = 0;
      for (uint32_t i = 0; i < word->tags.n && k < (uint32_t)N + 1; i++) tags[k++] = word->tags.p[i];
      n_tags = k;
    }
    /* require_similar_ambiguity_class */
    int k = hmm_class_find(m, tags, n_tags);
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
    for (int32_t i = 0; i < N; i++) {
      alpha[cur][i] = 0;
      best[cur][i].n = 0;
    }
    for (uint32_t a = 0; a < n_tags; a++) {
      int32_t i = tags[a];
      if (i < 0 || i >= N) continue;
      for (uint32_t b = 0; b < n_pretags; b++) {
        int32_t j = pretags[b];
        if (j < 0 || j >= N) continue;
        double bik = k >= 0 && k < m->M ? m->B[(size_t)i * (size_t)m->M + (size_t)k] : 0.0;
        double x = alpha[prev][j] * m->A[(size_t)j * (size_t)N + (size_t)i] * bik;
        if (alpha[cur][i] <= x) {
          if (n_wpend > 1) i32vec_set(&best[cur][i], best[prev][j].p, best[prev][j].n);
          i32vec_push(&best[cur][i], i);
          if (best[cur][i].failed) R.failed = 1;
          alpha[cur][i] = x;
        }
      }
    }
    if (n_tags == 1) {
      int32_t tag = tags[0];
      if (tag >= 0 && tag < N) {
        const i32vec *p = &best[cur][tag];
        for (uint32_t t = 0; t < p->n && t < n_wpend; t++) tw_print(&R, wpend[t], p->p[t]);
        alpha[0][tag] = 1;
      }
      for (uint32_t t = 0; t < n_wpend; t++) tw_free(wpend[t]);
      n_wpend = 0;
    }
    if (R.end_of_file) {
      if (o->null_flush) {
        out_byte(out, 0);
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
  if (word) tw_free(word);
done:
  for (uint32_t t = 0; t < n_wpend; t++) tw_free(wpend[t]);
  free(wpend);
  for (uint32_t i = 0; i < R.n_vw; i++) tw_free(R.vw[i]);
  free(R.vw);
  for (int c = 0; c < 2; c++) {
    if (best[c])
      for (int32_t i = 0; i < N; i++) i32vec_free(&best[c][i]);
    free(best[c]);
    free(alpha[c]);
  }
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
  kv_free(&R.cache);
  ubuf_free(&R.scratch);
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
