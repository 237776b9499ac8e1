/*
 * fst_load.c - reads and validates an lttoolbox .bin file into the joined,
 * flat automaton of fst.h.
 *
 * File layout (lttoolbox 3.7: file_utils.cc readShared/readTransducerSet,
 * alphabet.cc Alphabet::read, trans_exe.cc TransExe::read).  "mb" is the
 * multibyte integer of rd.h, "str" an mb length followed by that many mb
 * code points, "dbl" the long-multibyte double of rd.c.
 *
 *   ["LTTB" u64be features]      optional header; features must be 0
 *   mb n_letters, n_letters x mb the dictionary's <alphabet> characters
 *   mb n_tags, n_tags x str      tag names without <>; tag i is symbol -(i+1)
 *   mb n_pairs, n_pairs x (mb a, mb b)
 *                                symbol pair k = (a - n_tags, b - n_tags)
 *   mb n_sections, then per section:
 *     str name                   "<id>@standard|@inconditional|@postblank|@preblank"
 *     ["LTTD" u64be features]    optional; bit 0 = weights, other bits refused
 *     mb initial
 *     mb n_finals, n_finals x (mb delta [, dbl weight])   ascending state ids
 *     mb n_states, then per state s:
 *       mb n_arcs, n_arcs x (mb label_delta, mb target_delta [, dbl weight])
 *         label += label_delta (from 0 per state) is a pair index;
 *         target = (s + target_delta) % n_states
 *
 * What we check, and what lttoolbox does not: every count against the bytes
 * left before allocating, every pair index and state id against its table,
 * code points against U+10FFFF, truncation anywhere (the sticky reader), and
 * trailing garbage is tolerated as lttoolbox tolerates it.  Duplicate section
 * names behave as in lttoolbox: the later one replaces the earlier.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/hash.h"
#include "../base/rd.h"
#include "fst_int.h"

#define MAX_CP 0x10FFFF

typedef struct loader {
  rd *r; /* the caller's reader (fst_builder) or `own` */
  rd own;
  const char *name;
  const char *kind; /* "lttoolbox file", or what the embedding file is */
  pl_err *e;
  fst *f;
  /* arcs in file order, grouped by source node (node 0 = root) */
  size_t arc_cap, node_cap;
} loader;

static int corrupt(loader *L, const char *what) {
  return pl_err_set(L->e, PL_ECORRUPT, (long long)L->r->pos, "%s: corrupt %s: %s (offset %zu)",
                    L->name, L->kind, what, L->r->pos);
}

static int truncated(loader *L) {
  return pl_err_set(L->e, PL_ECORRUPT, (long long)L->r->len, "%s: truncated %s (ends at offset %zu)",
                    L->name, L->kind, L->r->len);
}

/* Reads a count that is followed by at least `min_each` bytes per element. */
static int read_count(loader *L, uint32_t *n, size_t min_each, const char *what) {
  *n = rd_mb(L->r);
  if (L->r->err) return truncated(L);
  if (min_each && *n > rd_left(L->r) / min_each) {
    return pl_err_set(L->e, PL_ECORRUPT, (long long)L->r->pos,
                      "%s: corrupt %s: %s count %u exceeds the %zu bytes left (offset %zu)",
                      L->name, L->kind, what, *n, rd_left(L->r), L->r->pos);
  }
  return PL_OK;
}

static int read_str(loader *L, uint16_t **out, uint32_t *out_len) {
  uint32_t n;
  if (read_count(L, &n, 1, "string length")) return L->e->code;
  ubuf b = {0};
  for (uint32_t i = 0; i < n; i++) {
    uint32_t cp = rd_mb(L->r);
    if (L->r->err) {
      ubuf_free(&b);
      return truncated(L);
    }
    if (cp > MAX_CP) {
      ubuf_free(&b);
      return corrupt(L, "code point above U+10FFFF in a string");
    }
    ubuf_put_cp(&b, (int32_t)cp);
  }
  if (b.failed) {
    ubuf_free(&b);
    return pl_err_set(L->e, PL_ENOMEM, -1, "%s: out of memory", L->name);
  }
  *out = b.p ? b.p : calloc(1, sizeof(uint16_t));
  *out_len = (uint32_t)b.len;
  return *out ? PL_OK : pl_err_set(L->e, PL_ENOMEM, -1, "%s: out of memory", L->name);
}

static uint32_t hash_u16(const uint16_t *s, size_t n) {
  uint32_t h = (uint32_t)pl_hash(s, n * sizeof *s);
  return h ? h : 1;
}

int32_t fst_tag_find(const fst *f, const uint16_t *s, size_t n) {
  if (!f->tag_hash_cap) return 0;
  uint32_t h = hash_u16(s, n), mask = f->tag_hash_cap - 1;
  for (uint32_t i = h & mask;; i = (i + 1) & mask) {
    const fst_tagent *t = &f->tag_hash[i];
    if (!t->sym) return 0;
    if (t->hash == h) {
      uint32_t k = (uint32_t)(-t->sym - 1);
      if (f->tag_len[k] == n && !memcmp(f->tag[k], s, n * sizeof *s)) return t->sym;
    }
  }
}

void fst_sym_append(const fst *f, ubuf *b, int32_t sym) {
  if (sym > 0) ubuf_put_cp(b, sym);
  else if (sym < 0) {
    uint32_t k = (uint32_t)(-sym - 1);
    ubuf_append(b, f->tag[k], f->tag_len[k]);
  }
}

static int cmp_i32(const void *a, const void *b) {
  int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
  return (x > y) - (x < y);
}

/* The letters ("alphabetic characters") that lttoolbox .bin files store
 * before the alphabet proper (file_utils.cc readShared). */
static int read_letters(loader *L) {
  fst *f = L->f;
  uint32_t n;
  if (read_count(L, &n, 1, "letter")) return L->e->code;
  f->letters = calloc(n ? n : 1, sizeof *f->letters);
  if (!f->letters) return pl_err_set(L->e, PL_ENOMEM, -1, "%s: out of memory", L->name);
  for (uint32_t i = 0; i < n; i++) f->letters[i] = (int32_t)rd_mb(L->r);
  if (L->r->err) return truncated(L);
  qsort(f->letters, n, sizeof *f->letters, cmp_i32);
  uint32_t u = 0;
  for (uint32_t i = 0; i < n; i++)
    if (!u || f->letters[u - 1] != f->letters[i]) f->letters[u++] = f->letters[i];
  f->n_letters = u;
  for (uint32_t i = 0; i < u; i++)
    if (f->letters[i] >= 0 && f->letters[i] < 128) f->letter_ascii[f->letters[i]] = 1;
  return PL_OK;
}

/* Tag name -> symbol.  A name that occurs twice maps to its later index,
 * as in lttoolbox (slexic[name] is overwritten). */
int fst_build_tag_hash(fst *f) {
  uint32_t cap = 16;
  while (cap < f->n_tags * 2u + 2u) cap *= 2;
  f->tag_hash = calloc(cap, sizeof *f->tag_hash);
  if (!f->tag_hash) return -1;
  f->tag_hash_cap = cap;
  for (uint32_t i = 0; i < f->n_tags; i++) {
    uint32_t h = hash_u16(f->tag[i], f->tag_len[i]);
    for (uint32_t j = h & (cap - 1);; j = (j + 1) & (cap - 1)) {
      fst_tagent *t = &f->tag_hash[j];
      if (!t->sym) {
        t->hash = h;
        t->sym = -(int32_t)i - 1;
        break;
      }
      uint32_t k = (uint32_t)(-t->sym - 1);
      if (t->hash == h && f->tag_len[k] == f->tag_len[i] &&
          !memcmp(f->tag[k], f->tag[i], f->tag_len[i] * sizeof(uint16_t))) {
        t->sym = -(int32_t)i - 1;
        break;
      }
    }
  }
  return 0;
}

/* Alphabet::read: the tags, then the symbol pairs. */
static int read_alphabet(loader *L) {
  fst *f = L->f;
  if (read_count(L, &f->n_tags, 1, "tag")) return L->e->code;
  f->tag = calloc(f->n_tags ? f->n_tags : 1, sizeof *f->tag);
  f->tag_len = calloc(f->n_tags ? f->n_tags : 1, sizeof *f->tag_len);
  if (!f->tag || !f->tag_len) return pl_err_set(L->e, PL_ENOMEM, -1, "%s: out of memory", L->name);
  for (uint32_t i = 0; i < f->n_tags; i++) {
    uint16_t *s;
    uint32_t len;
    if (read_str(L, &s, &len)) return L->e->code;
    uint16_t *t = malloc(((size_t)len + 2) * sizeof *t);
    if (!t) {
      free(s);
      return pl_err_set(L->e, PL_ENOMEM, -1, "%s: out of memory", L->name);
    }
    t[0] = '<';
    memcpy(t + 1, s, (size_t)len * sizeof *t);
    t[len + 1] = '>';
    free(s);
    f->tag[i] = t;
    f->tag_len[i] = len + 2;
  }
  if (fst_build_tag_hash(f)) return pl_err_set(L->e, PL_ENOMEM, -1, "%s: out of memory", L->name);

  if (read_count(L, &f->n_pairs, 2, "symbol pair")) return L->e->code;
  f->pair = calloc(f->n_pairs ? f->n_pairs : 1, sizeof *f->pair);
  if (!f->pair) return pl_err_set(L->e, PL_ENOMEM, -1, "%s: out of memory", L->name);
  for (uint32_t i = 0; i < f->n_pairs; i++) {
    for (int k = 0; k < 2; k++) {
      int64_t v = (int64_t)rd_mb(L->r) - (int64_t)f->n_tags;
      if (L->r->err) return truncated(L);
      if (v > MAX_CP) return corrupt(L, "symbol pair names a code point above U+10FFFF");
      f->pair[i][k] = (int32_t)v;
    }
  }
  return PL_OK;
}

/* The arcs are read straight into their runtime records (f->arc, `to`
 * without its flag bits until finish()); weights only once a weighted
 * section is seen (earlier arcs and finals then get 0). */
static int grow_arcs(loader *L, size_t need) {
  fst *f = L->f;
  if (need <= L->arc_cap) return PL_OK;
  size_t cap = L->arc_cap ? L->arc_cap : 1024;
  while (cap < need) cap *= 2;
  fst_arc *arc = pl_realloc_array(f->arc, cap, sizeof *arc);
  if (arc) f->arc = arc;
  double *w = f->arc_w ? pl_realloc_array(f->arc_w, cap, sizeof *w) : NULL;
  if (w) f->arc_w = w;
  if (!arc || (f->arc_w && !w)) return pl_err_set(L->e, PL_ENOMEM, -1, "%s: out of memory", L->name);
  L->arc_cap = cap;
  return PL_OK;
}

/* f->node has node_cap + 1 records (the last one ends the arc list). */
static int grow_nodes(loader *L, size_t need) {
  fst *f = L->f;
  if (need <= L->node_cap) return PL_OK;
  size_t cap = L->node_cap ? L->node_cap : 1024;
  while (cap < need) cap *= 2;
  fst_node *node = pl_realloc_array(f->node, cap + 1, sizeof *node);
  if (node) f->node = node;
  double *fw = f->final_w ? pl_realloc_array(f->final_w, cap, sizeof *fw) : NULL;
  if (fw) f->final_w = fw;
  if (!node || (f->final_w && !fw)) return pl_err_set(L->e, PL_ENOMEM, -1, "%s: out of memory", L->name);
  L->node_cap = cap;
  return PL_OK;
}

/* The first weighted section: weights for everything read so far (0). */
static int start_weights(loader *L) {
  fst *f = L->f;
  if (f->arc_w) return PL_OK;
  f->arc_w = calloc(L->arc_cap ? L->arc_cap : 1, sizeof *f->arc_w);
  f->final_w = calloc(L->node_cap ? L->node_cap : 1, sizeof *f->final_w);
  if (!f->arc_w || !f->final_w) return pl_err_set(L->e, PL_ENOMEM, -1, "%s: out of memory", L->name);
  return PL_OK;
}

static int section_type(const uint16_t *s, uint32_t n) {
  static const struct { const char *suf; int type; } tab[] = {
      {"@inconditional", FST_SEC_INCOND}, {"@standard", FST_SEC_STANDARD},
      {"@postblank", FST_SEC_POSTBLANK},  {"@preblank", FST_SEC_PREBLANK}};
  for (size_t t = 0; t < sizeof tab / sizeof tab[0]; t++) {
    size_t k = strlen(tab[t].suf);
    if (n < k) continue;
    size_t i = 0;
    while (i < k && s[n - k + i] == (unsigned char)tab[t].suf[i]) i++;
    if (i == k) return tab[t].type;
  }
  return FST_SEC_OTHER;
}

static int read_transducer(loader *L, fst_section *sec) {
  fst *f = L->f;
  size_t hdr = L->r->pos;
  if (rd_magic(L->r, "LTTD")) {
    uint64_t feat = rd_u64be(L->r);
    if (L->r->err) return truncated(L);
    if (feat >= 2) {
      L->r->pos = hdr;
      return corrupt(L, "transducer has unknown feature bits");
    }
    sec->weighted = (int)(feat & 1);
    if (sec->weighted && start_weights(L)) return L->e->code;
  }
  uint32_t initial = rd_mb(L->r);
  uint32_t n_finals;
  if (read_count(L, &n_finals, sec->weighted ? 3 : 1, "final state")) return L->e->code;
  /* finals are remembered until the state count is known */
  uint32_t *fin = malloc((n_finals ? n_finals : 1) * sizeof *fin);
  double *finw = malloc((n_finals ? n_finals : 1) * sizeof *finw);
  if (!fin || !finw) {
    free(fin);
    free(finw);
    return pl_err_set(L->e, PL_ENOMEM, -1, "%s: out of memory", L->name);
  }
  uint64_t base = 0;
  for (uint32_t i = 0; i < n_finals; i++) {
    base += rd_mb(L->r);
    fin[i] = base > UINT32_MAX ? UINT32_MAX : (uint32_t)base;
    finw[i] = sec->weighted ? rd_mb_double(L->r) : 0.0;
  }
  int rc = PL_OK;
  uint32_t n_states;
  if (L->r->err) {
    rc = truncated(L);
    goto out;
  }
  if ((rc = read_count(L, &n_states, 1, "state"))) goto out;
  if (n_states == 0) {
    rc = corrupt(L, "transducer has no states");
    goto out;
  }
  if (initial >= n_states) {
    rc = pl_err_set(L->e, PL_ECORRUPT, (long long)L->r->pos,
                    "%s: corrupt %s: initial state %u >= %u states (offset %zu)", L->name, L->kind,
                    initial, n_states, L->r->pos);
    goto out;
  }
  uint32_t first = f->n_nodes;
  if ((uint64_t)first + n_states > FST_MAX_NODES) {
    rc = corrupt(L, "too many states");
    goto out;
  }
  if ((rc = grow_nodes(L, (size_t)first + n_states))) goto out;
  memset(f->node + first, 0, n_states * sizeof *f->node);
  if (f->final_w) memset(f->final_w + first, 0, n_states * sizeof *f->final_w);
  for (uint32_t i = 0; i < n_finals; i++) {
    if (fin[i] >= n_states) {
      rc = pl_err_set(L->e, PL_ECORRUPT, (long long)L->r->pos,
                      "%s: corrupt %s: final state %u >= %u states (offset %zu)", L->name, L->kind,
                      fin[i], n_states, L->r->pos);
      goto out;
    }
    /* a repeated final keeps its first weight (std::map::insert) */
    if (!f->node[first + fin[i]].final_type) {
      f->node[first + fin[i]].final_type = (uint8_t)sec->type;
      if (f->final_w) f->final_w[first + fin[i]] = finw[i];
    }
  }
  for (uint32_t s = 0; s < n_states; s++) {
    uint32_t n_arcs;
    if ((rc = read_count(L, &n_arcs, 2, "transition"))) goto out;
    f->node[first + s].first = f->n_arcs;
    if ((rc = grow_arcs(L, (size_t)f->n_arcs + n_arcs))) goto out;
    uint64_t label = 0;
    for (uint32_t t = 0; t < n_arcs; t++) {
      label += rd_mb(L->r);
      uint32_t delta = rd_mb(L->r);
      double w = sec->weighted ? rd_mb_double(L->r) : 0.0;
      if (L->r->err) {
        rc = truncated(L);
        goto out;
      }
      if (label >= f->n_pairs) {
        rc = pl_err_set(L->e, PL_ECORRUPT, (long long)L->r->pos,
                        "%s: corrupt %s: state %u: symbol pair %llu >= %u pairs (offset %zu)",
                        L->name, L->kind, s, (unsigned long long)label, f->n_pairs, L->r->pos);
        goto out;
      }
      uint32_t k = f->n_arcs++;
      uint64_t tgt = (uint64_t)s + delta; /* (s + delta) % n_states, dividing only when needed */
      if (tgt >= n_states) {
        tgt -= n_states;
        if (tgt >= n_states) tgt %= n_states;
      }
      f->arc[k] = (fst_arc){f->pair[label][0], f->pair[label][1], first + (uint32_t)tgt};
      if (f->arc_w) f->arc_w[k] = w;
    }
  }
  f->n_nodes = first + n_states;
  sec->first_node = first;
  sec->n_nodes = n_states;
  sec->initial = first + initial;
  if (sec->weighted) f->weighted = 1;
out:
  free(fin);
  free(finw);
  return rc;
}

static int cmp_u16(const uint16_t *a, uint32_t na, const uint16_t *b, uint32_t nb) {
  uint32_t n = na < nb ? na : nb;
  for (uint32_t i = 0; i < n; i++)
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  return na < nb ? -1 : na > nb;
}

/* Stable sort of one node's arcs by input symbol (insertion sort for the
 * usual short runs, merge sort through `tmp` for long ones); weighted
 * arcs carry their weight along. */
typedef struct arcrec {
  fst_arc a;
  double w;
} arcrec;

static void merge_sort(arcrec *a, arcrec *tmp, size_t n) {
  if (n <= 16) {
    for (size_t i = 1; i < n; i++) {
      arcrec x = a[i];
      size_t j = i;
      while (j > 0 && a[j - 1].a.in > x.a.in) {
        a[j] = a[j - 1];
        j--;
      }
      a[j] = x;
    }
    return;
  }
  size_t h = n / 2;
  merge_sort(a, tmp, h);
  merge_sort(a + h, tmp, n - h);
  size_t i = 0, j = h, k = 0;
  while (i < h && j < n) tmp[k++] = a[j].a.in < a[i].a.in ? a[j++] : a[i++];
  while (i < h) tmp[k++] = a[i++];
  while (j < n) tmp[k++] = a[j++];
  memcpy(a, tmp, n * sizeof *a);
}

/* An epsilon cycle would make lt-proc loop for ever (its closure has no
 * visited set); no compiler produces one, so such a file is refused.
 * Iterative depth-first search over epsilon-input arcs, three colours;
 * nodes without any (has_eps, which must be set) are leaves.  Returns 0,
 * FST_EPS_CYCLE with the state in *at, or FST_EPS_NOMEM. */
int fst_find_eps_cycle(const fst *f, uint32_t *at) {
  uint8_t *colour = calloc(f->n_nodes ? f->n_nodes : 1, 1);
  uint32_t *stack = malloc(((size_t)f->n_nodes + 1) * sizeof *stack);
  uint32_t *next = malloc(((size_t)f->n_nodes + 1) * sizeof *next);
  int rc = 0;
  if (!colour || !stack || !next) {
    rc = FST_EPS_NOMEM;
    goto out;
  }
  for (uint32_t root = 0; root < f->n_nodes && !rc; root++) {
    if (colour[root] || !f->node[root].has_eps) continue;
    size_t sp = 0;
    stack[sp] = root;
    next[sp] = f->node[root].first;
    colour[root] = 1;
    sp++;
    while (sp && !rc) {
      uint32_t n = stack[sp - 1];
      uint32_t a = next[sp - 1];
      while (a < f->node[n + 1].first && f->arc[a].in != 0) a++;
      if (a >= f->node[n + 1].first) {
        colour[n] = 2;
        sp--;
        continue;
      }
      next[sp - 1] = a + 1;
      uint32_t t = FST_TO_NODE(f->arc[a].to);
      if (!f->node[t].has_eps) continue;
      if (colour[t] == 1) {
        *at = t;
        rc = FST_EPS_CYCLE;
      } else if (colour[t] == 0) {
        colour[t] = 1;
        stack[sp] = t;
        next[sp] = f->node[t].first;
        sp++;
      }
    }
  }
out:
  free(colour);
  free(stack);
  free(next);
  return rc;
}

static int check_eps_cycles(loader *L) {
  uint32_t t = 0;
  int rc = fst_find_eps_cycle(L->f, &t);
  if (rc == FST_EPS_NOMEM) return pl_err_set(L->e, PL_ENOMEM, -1, "%s: out of memory", L->name);
  if (rc)
    return pl_err_set(L->e, PL_ECORRUPT, -1, "%s: corrupt %s: epsilon cycle through state %u", L->name, L->kind, t);
  return PL_OK;
}

static int finish(loader *L) {
  fst *f = L->f;
  int rc_cycle;
  f->node[f->n_nodes] = (fst_node){f->n_arcs, 0, 0, FST_NO_DENSE};
  size_t maxrun = 0;
  for (uint32_t n = 0; n < f->n_nodes; n++) {
    size_t run = f->node[n + 1].first - f->node[n].first;
    if (run > maxrun) maxrun = run;
  }
  arcrec *a = malloc((maxrun ? maxrun : 1) * sizeof *a), *tmp = malloc((maxrun ? maxrun : 1) * sizeof *tmp);
  if (!a || !tmp) {
    free(a);
    free(tmp);
    return pl_err_set(L->e, PL_ENOMEM, -1, "%s: out of memory", L->name);
  }
  for (uint32_t n = 0; n < f->n_nodes; n++) {
    uint32_t lo = f->node[n].first, hi = f->node[n + 1].first;
    int sorted = 1;
    for (uint32_t i = lo + 1; i < hi && sorted; i++)
      if (f->arc[i].in < f->arc[i - 1].in) sorted = 0;
    if (sorted) continue;
    for (uint32_t i = lo; i < hi; i++) a[i - lo] = (arcrec){f->arc[i], f->arc_w ? f->arc_w[i] : 0.0};
    merge_sort(a, tmp, hi - lo);
    for (uint32_t i = lo; i < hi; i++) {
      f->arc[i] = a[i - lo].a;
      if (f->arc_w) f->arc_w[i] = a[i - lo].w;
    }
  }
  free(a);
  free(tmp);
  /* The node flags, direct tables and the flag bits of each arc's `to`
   * (see fst_node / fst_arc). */
  for (uint32_t n = 0; n < f->n_nodes; n++) {
    fst_node *nd = &f->node[n];
    nd->has_eps = 0;
    nd->dense = FST_NO_DENSE;
    for (uint32_t k = nd->first; k < f->node[n + 1].first; k++)
      if (f->arc[k].in == 0) {
        nd->has_eps = 1;
        break;
      }
    if (f->node[n + 1].first - nd->first >= FST_DENSE_MIN_ARCS && f->n_dense < FST_DENSE_MAX_NODES)
      nd->dense = (uint16_t)f->n_dense++;
  }
  if ((rc_cycle = check_eps_cycles(L))) return rc_cycle;
  for (uint32_t k = 0; k < f->n_arcs; k++) {
    uint32_t t = f->arc[k].to;
    f->arc[k].to = t | ((uint32_t)f->node[t].has_eps << 26) | ((uint32_t)f->node[t].final_type << 27);
  }
  if (f->n_dense) {
    f->dense = malloc((size_t)f->n_dense * FST_DENSE_SYMS * sizeof *f->dense);
    if (!f->dense) return pl_err_set(L->e, PL_ENOMEM, -1, "%s: out of memory", L->name);
    for (uint32_t n = 0; n < f->n_nodes; n++) {
      uint16_t d = f->node[n].dense;
      if (d == FST_NO_DENSE) continue;
      fst_range *r = &f->dense[(size_t)d * FST_DENSE_SYMS];
      memset(r, 0, FST_DENSE_SYMS * sizeof *r); /* empty ranges */
      /* arcs are sorted by input, so equal inputs are one run */
      for (uint32_t k = f->node[n].first; k < f->node[n + 1].first; k++) {
        int32_t c = f->arc[k].in;
        if (c < 0 || c >= FST_DENSE_SYMS) continue;
        if (r[c].hi == 0) r[c].lo = k;
        r[c].hi = k + 1;
      }
    }
  }
  return PL_OK;
}

/* Starts a loader over `r` with an empty fst whose node 0 is the root. */
static int loader_init(loader *L, rd *r, const char *name, const char *kind, pl_err *e) {
  memset(L, 0, sizeof *L);
  L->r = r;
  L->name = name ? name : "(buffer)";
  L->kind = kind;
  L->e = e;
  L->f = calloc(1, sizeof *L->f);
  if (!L->f) return pl_err_set(e, PL_ENOMEM, -1, "%s: out of memory", L->name);
  /* node 0 is the root; its arcs are added once the sections are known */
  int rc = grow_nodes(L, 1);
  if (rc) return rc;
  L->f->n_nodes = 1;
  L->f->node[0] = (fst_node){0, 0, 0, FST_NO_DENSE};
  return PL_OK;
}

/* Reads one "string name, transducer" into a new section (file order). */
static int read_section(loader *L, size_t *sec_cap) {
  fst *f = L->f;
  if (f->n_sections == *sec_cap) {
    size_t cap = *sec_cap ? *sec_cap * 2 : 8;
    fst_section *sec = pl_realloc_array(f->sec, cap, sizeof *sec);
    if (!sec) return pl_err_set(L->e, PL_ENOMEM, -1, "%s: out of memory", L->name);
    memset(sec + f->n_sections, 0, (cap - f->n_sections) * sizeof *sec);
    f->sec = sec;
    *sec_cap = cap;
  }
  fst_section *s = &f->sec[f->n_sections++];
  int rc = read_str(L, &s->name, &s->name_len);
  if (rc) return rc;
  s->type = section_type(s->name, s->name_len);
  return read_transducer(L, s);
}

/* Gives node 0 an epsilon arc to each section's initial state, in section
 * order; the root's arcs come first in the arc arrays. */
static int add_root_arcs(loader *L) {
  fst *f = L->f;
  uint32_t k = f->n_sections;
  int rc = grow_arcs(L, (size_t)f->n_arcs + k + 1);
  if (rc) return rc;
  memmove(f->arc + k, f->arc, f->n_arcs * sizeof *f->arc);
  if (f->arc_w) memmove(f->arc_w + k, f->arc_w, f->n_arcs * sizeof *f->arc_w);
  for (uint32_t i = 0; i < k; i++) {
    f->arc[i] = (fst_arc){0, 0, f->sec[i].initial};
    if (f->arc_w) f->arc_w[i] = 0.0;
  }
  for (uint32_t n = 1; n < f->n_nodes; n++) f->node[n].first += k;
  f->n_arcs += k;
  return PL_OK;
}

int fst_load_buffer(fst **out, const char *buf, size_t len, const char *name, pl_err *e) {
  loader L;
  rd r;
  rd_init(&r, buf, len);
  *out = NULL;
  int rc = loader_init(&L, &r, name, "lttoolbox file", e);
  fst *f = L.f;
  if (rc) goto fail;
  if (rd_magic(&r, "LTTB")) {
    uint64_t feat = rd_u64be(&r);
    if (r.err) {
      rc = truncated(&L);
      goto fail;
    }
    if (feat != 0) {
      r.pos = 4;
      rc = corrupt(&L, "file has unknown feature bits (newer lttoolbox?)");
      goto fail;
    }
  }
  if ((rc = read_letters(&L)) || (rc = read_alphabet(&L))) goto fail;
  uint32_t n_sections;
  if ((rc = read_count(&L, &n_sections, 2, "section"))) goto fail;
  size_t sec_cap = 0;
  for (uint32_t i = 0; i < n_sections; i++)
    if ((rc = read_section(&L, &sec_cap))) goto fail;
  /* Order sections by name (lttoolbox keeps them in a std::map); a later
   * duplicate replaces an earlier one. Insertion sort: n is tiny. */
  for (uint32_t i = 1; i < f->n_sections; i++) {
    fst_section x = f->sec[i];
    uint32_t j = i;
    while (j > 0 && cmp_u16(f->sec[j - 1].name, f->sec[j - 1].name_len, x.name, x.name_len) > 0) {
      f->sec[j] = f->sec[j - 1];
      j--;
    }
    f->sec[j] = x;
  }
  {
    uint32_t u = 0;
    for (uint32_t i = 0; i < f->n_sections; i++) {
      if (u && !cmp_u16(f->sec[u - 1].name, f->sec[u - 1].name_len, f->sec[i].name, f->sec[i].name_len)) {
        /* keep the one read later (higher first_node) */
        if (f->sec[i].first_node > f->sec[u - 1].first_node) {
          free(f->sec[u - 1].name);
          f->sec[u - 1] = f->sec[i];
        } else {
          free(f->sec[i].name);
        }
        continue;
      }
      f->sec[u++] = f->sec[i];
    }
    f->n_sections = u;
  }
  if ((rc = add_root_arcs(&L)) || (rc = finish(&L))) goto fail;
  *out = f;
  return PL_OK;
fail:
  fst_free(f);
  return rc;
}

/* ---- fst_builder: lttoolbox parts embedded in other files ---- */
struct fst_builder {
  loader L;
  size_t sec_cap;
};

int fst_builder_create(fst_builder **out, rd *r, const char *name, const char *kind, pl_err *e) {
  fst_builder *b = calloc(1, sizeof *b);
  *out = NULL;
  if (!b) return pl_err_set(e, PL_ENOMEM, -1, "%s: out of memory", name ? name : "(buffer)");
  int rc = loader_init(&b->L, r, name, kind, e);
  if (!rc) rc = read_alphabet(&b->L);
  if (rc) {
    fst_builder_free(b);
    return rc;
  }
  *out = b;
  return PL_OK;
}

int fst_builder_section(fst_builder *b, uint32_t *idx) {
  int rc = read_section(&b->L, &b->sec_cap);
  if (!rc) *idx = b->L.f->n_sections - 1;
  return rc;
}

int fst_builder_finish(fst_builder *b, fst **out) {
  *out = NULL;
  int rc = add_root_arcs(&b->L);
  if (!rc) rc = finish(&b->L);
  if (rc) return rc;
  *out = b->L.f;
  b->L.f = NULL;
  return PL_OK;
}

void fst_builder_free(fst_builder *b) {
  if (!b) return;
  fst_free(b->L.f);
  free(b);
}

/* The .bin is mapped when it is a regular file (the image cache needs
 * only its hash; parsing reads it once), else read. */
int fst_load_file(fst **out, const char *path, pl_err *e) {
  int fd = path && strcmp(path, "-") ? open(path, O_RDONLY) : -1;
  struct stat st;
  if (fd >= 0 && !fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size > 0) {
    size_t len = (size_t)st.st_size;
    void *m = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (m != MAP_FAILED) {
      int rc = PL_OK;
      if (fst_image_load(out, m, len)) {
        rc = fst_load_buffer(out, m, len, path, e);
        if (!rc) fst_image_store(*out, m, len);
      }
      munmap(m, len);
      return rc;
    }
  } else if (fd >= 0) {
    close(fd);
  }
  bbuf b = {0};
  int rc = pl_read_file(path, &b, e);
  if (!rc) rc = fst_load_buffer(out, b.p ? b.p : "", b.len, path, e);
  bbuf_free(&b);
  return rc;
}

void fst_free(fst *f) {
  if (!f) return;
  if (f->image) { /* only the tables made at load are ours */
    free(f->tag);
    free(f->tag_len);
    free(f->tag_hash);
    free(f->sec);
    munmap(f->image, f->image_len);
    free(f);
    return;
  }
  free(f->letters);
  if (f->tag)
    for (uint32_t i = 0; i < f->n_tags; i++) free(f->tag[i]);
  free(f->tag);
  free(f->tag_len);
  free(f->tag_hash);
  free(f->pair);
  if (f->sec)
    for (uint32_t i = 0; i < f->n_sections; i++) free(f->sec[i].name);
  free(f->sec);
  free(f->arc_w);
  free(f->final_w);
  free(f->node);
  free(f->arc);
  free(f->dense);
  free(f);
}
