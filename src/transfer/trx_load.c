/*
 * trx_load.c - the compiled pattern file of a transfer stage (.t1x.bin,
 * .t2x.bin, .t3x.bin; apertium/transfer_data.cc writes it, TransferBase::read
 * reads it):
 *
 *   alphabet      mb n_tags, n_tags x string (tag names without brackets);
 *                 mb n_pairs, n_pairs x (mb, mb)   (unused at run time)
 *   transducer    ["LTTD" u64 features] mb initial, mb n_finals, finals,
 *                 mb n_states, per state: mb n, n x (mb label+n_tags delta,
 *                 mb target delta [, weight])  - labels are raw symbols
 *   finals        mb n, n x (mb state, mb rule number)
 *   string        regex engine version ("" for ICU-era files)
 *   attributes    mb n, n x (string name, mb blob size, blob, string regex)
 *   variables     mb n, n x (string name, string default)
 *   macros        mb n, n x (string name, mb index)
 *   lists         mb n, n x (string name, mb k, k x string)
 *
 * A string is mb length then that many mb code points.  Every count is
 * checked against the bytes left, every state, rule and code point against
 * its range; errors name the file and the offset.
 */
#include <stdlib.h>
#include <string.h>

#include "../base/rd.h"
#include "trx_int.h"

typedef struct bl {
  rd r;
  const char *name;
  pl_err *e;
  trx_rules *t;
} bl;

static int bl_truncated(bl *L) {
  return pl_err_set(L->e, PL_ECORRUPT, (long long)L->r.len, "%s: truncated transfer file (ends at offset %zu)",
                    L->name, L->r.len);
}

static int bl_corrupt(bl *L, const char *what) {
  return pl_err_set(L->e, PL_ECORRUPT, (long long)L->r.pos, "%s: corrupt transfer file: %s (offset %zu)", L->name,
                    what, L->r.pos);
}

static int bl_nomem(bl *L) { return pl_err_set(L->e, PL_ENOMEM, -1, "%s: out of memory", L->name); }

static int bl_count(bl *L, uint32_t *n, size_t min_each, const char *what) {
  *n = rd_mb(&L->r);
  if (L->r.err) return bl_truncated(L);
  if (min_each && *n > rd_left(&L->r) / min_each) {
    return pl_err_set(L->e, PL_ECORRUPT, (long long)L->r.pos,
                      "%s: corrupt transfer file: %s count %u exceeds the %zu bytes left (offset %zu)", L->name,
                      what, *n, rd_left(&L->r), L->r.pos);
  }
  return PL_OK;
}

int trx_pool_add(trx_rules *r, const uint16_t *s, size_t n, trx_str *out) {
  if (n > UINT32_MAX / 2 || r->pool_len + n > UINT32_MAX / 2) return PL_ENOMEM;
  if (r->pool_len + n + 1 > r->pool_cap) {
    size_t cap = r->pool_cap ? r->pool_cap : 4096;
    while (cap < r->pool_len + n + 1) cap *= 2;
    uint16_t *p = pl_realloc_array(r->pool, cap, sizeof *p);
    if (!p) return PL_ENOMEM;
    r->pool = p;
    r->pool_cap = cap;
  }
  if (n) memcpy(r->pool + r->pool_len, s, n * sizeof *s);
  out->off = (uint32_t)r->pool_len;
  out->len = (uint32_t)n;
  r->pool_len += n;
  r->pool[r->pool_len] = 0;
  return PL_OK;
}

/* Reads a string into the pool. */
static int bl_str(bl *L, trx_str *out) {
  uint32_t n;
  if (bl_count(L, &n, 1, "string length")) return L->e->code;
  ubuf b = {0};
  for (uint32_t i = 0; i < n; i++) {
    uint32_t cp = rd_mb(&L->r);
    if (L->r.err) {
      ubuf_free(&b);
      return bl_truncated(L);
    }
    if (cp > 0x10FFFF) {
      ubuf_free(&b);
      return bl_corrupt(L, "code point above U+10FFFF in a string");
    }
    ubuf_put_cp(&b, (int32_t)cp);
  }
  int rc = b.failed ? PL_ENOMEM : trx_pool_add(L->t, b.p, b.len, out);
  ubuf_free(&b);
  return rc ? bl_nomem(L) : PL_OK;
}

int32_t trx_find_name(const trx_rules *r, const trx_str *names, uint32_t n, const uint16_t *s, size_t len) {
  for (uint32_t i = 0; i < n; i++)
    if (names[i].len == len && !memcmp(trx_s(r, names[i]), s, len * sizeof *s)) return (int32_t)i;
  return -1;
}

static int read_alphabet(bl *L) {
  trx_rules *t = L->t;
  uint32_t n_tags;
  if (bl_count(L, &n_tags, 1, "tag")) return L->e->code;
  t->tag = calloc(n_tags ? n_tags : 1, sizeof *t->tag);
  t->tag_len = calloc(n_tags ? n_tags : 1, sizeof *t->tag_len);
  if (!t->tag || !t->tag_len) return bl_nomem(L);
  t->n_tags = n_tags;
  for (uint32_t i = 0; i < t->n_tags; i++) {
    trx_str s;
    if (bl_str(L, &s)) return L->e->code;
    uint16_t *p = malloc(((size_t)s.len + 2) * sizeof *p);
    if (!p) return bl_nomem(L);
    p[0] = '<';
    memcpy(p + 1, trx_s(t, s), s.len * sizeof *p);
    p[s.len + 1] = '>';
    t->pool_len = s.off; /* the name was only needed here */
    t->tag[i] = p;
    t->tag_len[i] = s.len + 2;
  }
  uint32_t cap = 16;
  while (cap < t->n_tags * 2u + 2u) cap *= 2;
  t->tag_hash = calloc(cap, sizeof *t->tag_hash);
  if (!t->tag_hash) return bl_nomem(L);
  t->tag_hash_cap = cap;
  for (uint32_t i = 0; i < t->n_tags; i++) { /* a repeated name maps to its later index */
    for (uint32_t j = trx_hash16(t->tag[i], t->tag_len[i]) & (cap - 1);; j = (j + 1) & (cap - 1)) {
      uint32_t k = t->tag_hash[j];
      if (!k || (t->tag_len[k - 1] == t->tag_len[i] &&
                 !memcmp(t->tag[k - 1], t->tag[i], t->tag_len[i] * sizeof(uint16_t)))) {
        t->tag_hash[j] = i + 1;
        break;
      }
    }
  }
  static const uint16_t any_char[] = {'<', 'A', 'N', 'Y', '_', 'C', 'H', 'A', 'R', '>'};
  static const uint16_t any_tag[] = {'<', 'A', 'N', 'Y', '_', 'T', 'A', 'G', '>'};
  t->any_char = trx_tag_symbol(t, any_char, 10);
  t->any_tag = trx_tag_symbol(t, any_tag, 9);
  uint32_t n_pairs;
  if (bl_count(L, &n_pairs, 2, "symbol pair")) return L->e->code;
  for (uint32_t i = 0; i < 2 * n_pairs; i++) rd_mb(&L->r);
  return L->r.err ? bl_truncated(L) : PL_OK;
}

typedef struct arcrec {
  int32_t sym;
  uint32_t to, order;
} arcrec;

static int cmp_arc(const void *a, const void *b) {
  const arcrec *x = a, *y = b;
  if (x->sym != y->sym) return x->sym < y->sym ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order;
}

static int read_transducer(bl *L) {
  trx_rules *t = L->t;
  int weighted = 0;
  size_t hdr = L->r.pos;
  if (rd_magic(&L->r, "LTTD")) {
    uint64_t feat = rd_u64be(&L->r);
    if (L->r.err) return bl_truncated(L);
    if (feat >= 2) {
      L->r.pos = hdr;
      return bl_corrupt(L, "transducer has unknown feature bits");
    }
    weighted = (int)(feat & 1);
  }
  uint32_t initial = rd_mb(&L->r), n_finals;
  if (bl_count(L, &n_finals, 1, "final state")) return L->e->code;
  for (uint32_t i = 0; i < n_finals; i++) {
    rd_mb(&L->r);
    if (weighted) rd_mb_double(&L->r);
  }
  uint32_t n_states;
  if (L->r.err) return bl_truncated(L);
  if (bl_count(L, &n_states, 1, "state")) return L->e->code;
  if (n_states == 0) return bl_corrupt(L, "transducer has no states");
  if (initial >= n_states) return bl_corrupt(L, "initial state out of range");
  t->n_nodes = n_states;
  t->initial = initial;
  t->first = calloc((size_t)n_states + 1, sizeof *t->first);
  t->final_rule = calloc(n_states, sizeof *t->final_rule);
  if (!t->first || !t->final_rule) return bl_nomem(L);
  size_t cap = 0;
  arcrec *arcs = NULL;
  for (uint32_t s = 0; s < n_states; s++) {
    uint32_t n;
    if (bl_count(L, &n, 2, "transition")) goto fail;
    t->first[s] = t->n_arcs;
    if ((size_t)t->n_arcs + n > cap) {
      size_t nc = cap ? cap : 1024;
      while (nc < (size_t)t->n_arcs + n) nc *= 2;
      arcrec *p = pl_realloc_array(arcs, nc, sizeof *p);
      if (!p) {
        bl_nomem(L);
        goto fail;
      }
      arcs = p;
      cap = nc;
    }
    int64_t label = 0;
    for (uint32_t k = 0; k < n; k++) {
      label += (int64_t)rd_mb(&L->r) - (int64_t)t->n_tags;
      uint32_t delta = rd_mb(&L->r);
      if (weighted) rd_mb_double(&L->r);
      if (L->r.err) {
        bl_truncated(L);
        goto fail;
      }
      if (label < -(int64_t)t->n_tags || label > 0x10FFFF) {
        bl_corrupt(L, "transition symbol out of range");
        goto fail;
      }
      arcrec *a = &arcs[t->n_arcs++];
      a->sym = (int32_t)label;
      a->to = (uint32_t)(((uint64_t)s + delta) % n_states);
      a->order = k;
    }
    /* lttoolbox keeps a state's arcs in a multimap ordered by symbol */
    if (n) qsort(arcs + t->first[s], n, sizeof *arcs, cmp_arc);
  }
  t->first[n_states] = t->n_arcs;
  t->arc = malloc((t->n_arcs ? t->n_arcs : 1) * sizeof *t->arc);
  if (!t->arc) {
    bl_nomem(L);
    goto fail;
  }
  for (uint32_t i = 0; i < t->n_arcs; i++) t->arc[i] = (trx_arc){arcs[i].sym, arcs[i].to};
  free(arcs);
  return PL_OK;
fail:
  free(arcs);
  return L->e->code;
}

static int read_tables(bl *L) {
  trx_rules *t = L->t;
  uint32_t n;
  /* finals: state -> rule number; a later entry for a state wins */
  if (bl_count(L, &n, 2, "rule final")) return L->e->code;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t st = rd_mb(&L->r), rule = rd_mb(&L->r);
    if (L->r.err) return bl_truncated(L);
    if (st >= t->n_nodes) return bl_corrupt(L, "final state out of range");
    if (rule == 0 || rule > INT32_MAX) return bl_corrupt(L, "rule number out of range");
    t->final_rule[st] = rule;
  }
  trx_str version;
  if (bl_str(L, &version)) return L->e->code;
  int icu = version.len == 0;

  if (bl_count(L, &n, 3, "attribute")) return L->e->code;
  t->attr_name = calloc(n ? n : 1, sizeof *t->attr_name);
  t->attr_re = calloc(n ? n : 1, sizeof *t->attr_re);
  if (!t->attr_name || !t->attr_re) return bl_nomem(L);
  t->attr_lem = -1;
  for (uint32_t i = 0; i < n; i++) {
    trx_str name, re;
    if (bl_str(L, &name)) return L->e->code;
    uint32_t blob;
    if (bl_count(L, &blob, 1, "regex blob byte")) return L->e->code;
    L->r.pos += blob;
    if (bl_str(L, &re)) return L->e->code;
    static const uint16_t chname[] = {'c', 'h', 'n', 'a', 'm', 'e'};
    int is_chname = name.len == 6 && !memcmp(trx_s(t, name), chname, sizeof chname);
    if (!icu && is_chname) { /* the PCRE-era pattern has an unmatched bracket */
      static const uint16_t fixed[] = {'(', '\\', '{', '(', '[', '^', '/', ']', '+', ')', '\\', '/', ')'};
      if (trx_pool_add(t, fixed, sizeof fixed / sizeof fixed[0], &re)) return bl_nomem(L);
    }
    /* the same name again replaces the earlier pattern (std::map) */
    int32_t k = trx_find_name(t, t->attr_name, t->n_attrs, trx_s(t, name), name.len);
    if (k < 0) {
      k = (int32_t)t->n_attrs++;
    } else { /* Debian compiled the replaced pattern too (and stopped if it was invalid) */
      if (trx_re_validate(t->attr_re[k], L->e, L->name)) return L->e->code;
      trx_re_free(t->attr_re[k]);
    }
    t->attr_name[k] = name;
    t->attr_re[k] = NULL;
    if (trx_re_compile(&t->attr_re[k], trx_s(t, re), re.len, L->e, L->name)) return L->e->code;
    static const uint16_t lem[] = {'l', 'e', 'm'};
    if (name.len == 3 && !memcmp(trx_s(t, name), lem, sizeof lem)) t->attr_lem = k;
  }

  if (bl_count(L, &n, 2, "variable")) return L->e->code;
  t->var_name = calloc(n ? n : 1, sizeof *t->var_name);
  t->var_default = calloc(n ? n : 1, sizeof *t->var_default);
  if (!t->var_name || !t->var_default) return bl_nomem(L);
  for (uint32_t i = 0; i < n; i++) {
    trx_str name, val;
    if (bl_str(L, &name) || bl_str(L, &val)) return L->e->code;
    int32_t k = trx_find_name(t, t->var_name, t->n_vars, trx_s(t, name), name.len);
    if (k < 0) k = (int32_t)t->n_vars++;
    t->var_name[k] = name;
    t->var_default[k] = val;
  }

  if (bl_count(L, &n, 2, "macro")) return L->e->code;
  t->macro_name = calloc(n ? n : 1, sizeof *t->macro_name);
  t->macro_index = calloc(n ? n : 1, sizeof *t->macro_index);
  if (!t->macro_name || !t->macro_index) return bl_nomem(L);
  for (uint32_t i = 0; i < n; i++) {
    trx_str name;
    if (bl_str(L, &name)) return L->e->code;
    uint32_t idx = rd_mb(&L->r);
    if (L->r.err) return bl_truncated(L);
    int32_t k = trx_find_name(t, t->macro_name, t->n_macros_bin, trx_s(t, name), name.len);
    if (k < 0) k = (int32_t)t->n_macros_bin++;
    t->macro_name[k] = name;
    t->macro_index[k] = idx;
  }

  if (bl_count(L, &n, 2, "list")) return L->e->code;
  t->list_name = calloc(n ? n : 1, sizeof *t->list_name);
  t->list = calloc(n ? n : 1, sizeof *t->list);
  if (!t->list_name || !t->list) return bl_nomem(L);
  for (uint32_t i = 0; i < n; i++) {
    trx_str name;
    if (bl_str(L, &name)) return L->e->code;
    int32_t k = trx_find_name(t, t->list_name, t->n_lists, trx_s(t, name), name.len);
    if (k < 0) {
      k = (int32_t)t->n_lists++;
      t->list_name[k] = name;
    }
    uint32_t m;
    if (bl_count(L, &m, 1, "list item")) return L->e->code;
    trx_list *li = &t->list[k];
    trx_str *items = pl_realloc_array(li->items, (size_t)li->n + m + 1, sizeof *items);
    if (!items) return bl_nomem(L);
    li->items = items;
    for (uint32_t j = 0; j < m; j++)
      if (bl_str(L, &li->items[li->n++])) return L->e->code;
  }
  return PL_OK;
}

/* The precomputed steps of trx_int.h. */
static int precompute(bl *L) {
  trx_rules *t = L->t;
  size_t n = t->n_nodes, n_tab = 0;
  t->to_any_char = malloc(n * sizeof *t->to_any_char);
  t->to_any_tag = malloc(n * sizeof *t->to_any_tag);
  t->ascii_idx = malloc(n * sizeof *t->ascii_idx);
  if (!t->to_any_char || !t->to_any_tag || !t->ascii_idx) return bl_nomem(L);
  for (size_t i = 0; i < n; i++) {
    t->ascii_idx[i] = TRX_NONE;
    if (t->first[i + 1] - t->first[i] >= 4) n_tab++;
  }
  t->ascii_tab = malloc((n_tab ? n_tab : 1) * 128 * sizeof *t->ascii_tab);
  if (!t->ascii_tab) return bl_nomem(L);
  uint32_t k = 0;
  for (size_t i = 0; i < n; i++) {
    t->to_any_char[i] = trx_step(t, (uint32_t)i, t->any_char);
    t->to_any_tag[i] = trx_step(t, (uint32_t)i, t->any_tag);
    if (t->first[i + 1] - t->first[i] < 4) continue;
    for (int32_t c = 0; c < 128; c++) t->ascii_tab[(size_t)k * 128 + (size_t)c] = trx_step(t, (uint32_t)i, c);
    t->ascii_idx[i] = k++;
  }
  return PL_OK;
}

int trx_load_bin(trx_rules *t, const char *buf, size_t len, const char *name, pl_err *e) {
  bl L = {.name = name, .e = e, .t = t};
  rd_init(&L.r, buf, len);
  if (read_alphabet(&L) || read_transducer(&L) || read_tables(&L)) return e->code;
  if (L.r.err || L.r.pos > L.r.len) return bl_truncated(&L);
  return precompute(&L);
}
