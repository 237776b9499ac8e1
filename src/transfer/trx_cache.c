/*
 * trx_cache.c - the compiled form of a rule XML, kept on disk so that the
 * next load skips parsing it (the largest part of start-up: eng-spa's .t1x
 * is 650 KB of XML).  The Debian files stay the source of truth: the cache
 * entry is named and keyed by a hash of the XML and .bin bytes, so any
 * change to either makes a new entry.
 *
 * Directory: $PARLEY_CACHE_DIR, else $XDG_CACHE_HOME/parley, else
 * $HOME/.cache/parley; PARLEY_NO_RULE_CACHE=1 turns the cache off.  A cache
 * file is untrusted input like any other: every count, offset and index is
 * checked, and so is every structural fact the interpreter relies on (kinds
 * of children, indices in range, children numbered after their parent so
 * that no cycle is possible); a bad or stale file is ignored and replaced.
 *
 * Layout (native little-endian u32 unless noted):
 *   "PLTRXC03", u64 key, kind, default_chunk,
 *   pool_len, pool (u16 units),
 *   n_vars, n_vars x (name off, len, default off, len),
 *   n_lists, n_lists x (name off, len, n, n x (off, len), n_low, n_low x (off, len)),
 *   n_node, n_node x node (14 words), then each of kids, rules, rule lines
 *   and macros as a count and that many words.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/cachefile.h"
#include "../base/hash.h"
#include "../base/rd.h"
#include "trx_int.h"

static const char MAGIC[8] = {'P', 'L', 'T', 'R', 'X', 'C', '0', '3'};

uint64_t trx_cache_key(trx_kind kind, const char *xml, size_t xl, const char *bin, size_t bl) {
  /* base/hash.h, eight bytes a step: the .t1x files are up to 650 KB */
  uint64_t h = pl_hash(xml, xl) ^ (pl_hash(bin, bl) * 0xBF58476D1CE4E5B9ull);
  h ^= ((uint64_t)kind + 1) * 0x94D049BB133111EBull ^ (uint64_t)xl * 0x9E3779B97F4A7C15ull ^ (uint64_t)bl;
  return h;
}


/* ---- writing ---- */

static void w32(bbuf *b, uint32_t v) { bbuf_append(b, &v, 4); }
static void w32s(bbuf *b, const uint32_t *a, uint32_t n) { /* a count, then the array */
  w32(b, n);
  bbuf_append(b, a, n * sizeof *a);
}
static void wstr(bbuf *b, trx_str s) {
  w32(b, s.off);
  w32(b, s.len);
}

void trx_cache_store(const trx_rules *t, uint64_t key) {
  char *path = pl_cache_path("PARLEY_NO_RULE_CACHE", key, "trxc", 1);
  if (!path) return;
  bbuf b = {0};
  bbuf_append(&b, MAGIC, 8);
  bbuf_append(&b, &key, 8);
  w32(&b, (uint32_t)t->kind);
  w32(&b, (uint32_t)t->default_chunk);
  w32(&b, (uint32_t)t->pool_len);
  bbuf_append(&b, t->pool, t->pool_len * sizeof *t->pool);
  w32(&b, t->n_vars);
  for (uint32_t i = 0; i < t->n_vars; i++) {
    wstr(&b, t->var_name[i]);
    wstr(&b, t->var_default[i]);
  }
  w32(&b, t->n_lists);
  for (uint32_t i = 0; i < t->n_lists; i++) {
    wstr(&b, t->list_name[i]);
    w32(&b, t->list[i].n);
    for (uint32_t k = 0; k < t->list[i].n; k++) wstr(&b, t->list[i].items[k]);
    w32(&b, t->list[i].n_low);
    for (uint32_t k = 0; k < t->list[i].n_low; k++) wstr(&b, t->list[i].low[k]);
  }
  w32(&b, t->n_node);
  for (uint32_t i = 0; i < t->n_node; i++) {
    const trx_node *n = &t->node[i];
    w32(&b, n->op);
    w32(&b, n->side);
    w32(&b, n->queue);
    w32(&b, (uint32_t)n->caseless | (uint32_t)n->shifting << 1 | (uint32_t)n->linkto << 2);
    w32(&b, (uint32_t)n->pos);
    w32(&b, (uint32_t)n->attr);
    w32(&b, (uint32_t)n->var);
    w32(&b, (uint32_t)n->var2);
    w32(&b, (uint32_t)n->npar);
    wstr(&b, n->s);
    w32(&b, n->kids);
    w32(&b, n->n_kids);
    w32(&b, n->line);
  }
  w32s(&b, t->kid, t->n_kid);
  w32s(&b, t->rule, t->n_rules);
  w32s(&b, t->rule_line, t->n_rules);
  w32s(&b, t->macro, t->n_macros);
  if (!b.failed) pl_cache_write(path, b.p, b.len);
  bbuf_free(&b);
  free(path);
}

/* ---- reading ---- */

/* A count followed by at least `each` bytes per element. */
static uint32_t rcount(rd *c, size_t each) {
  uint32_t v = rd_u32_host(c);
  if (!c->err && each && v > rd_left(c) / each) c->err = 1;
  return c->err ? 0 : v;
}

/* A count, then that many u32: a new array (never empty), or NULL with
 * c->err set. */
static uint32_t *r32s(rd *c, uint32_t *n) {
  *n = rcount(c, 4);
  if (c->err) return NULL;
  uint32_t *a = malloc((*n ? *n : 1) * sizeof *a);
  if (!a) {
    c->err = 1;
    return NULL;
  }
  if (*n) memcpy(a, c->base + c->pos, *n * sizeof *a);
  c->pos += *n * sizeof *a;
  return a;
}

static trx_str rstr(rd *c, size_t pool_len) {
  trx_str s;
  s.off = rd_u32_host(c);
  s.len = rd_u32_host(c);
  if ((uint64_t)s.off + s.len > pool_len) c->err = 1;
  return s;
}

static int node_ok(const trx_rules *t, uint32_t i) {
  const trx_node *n = &t->node[i];
  if (n->op == OP_NONE || n->op > OP_OTHER || n->side > SIDE_REF) return 0;
  if ((uint64_t)n->kids + n->n_kids > t->n_kid) return 0;
  if ((uint64_t)n->s.off + n->s.len > t->pool_len) return 0;
  if (n->attr < -1 || (n->attr >= 0 && (uint32_t)n->attr >= t->n_attrs)) return 0;
  if (n->var2 < -1 || (n->var2 >= 0 && (uint32_t)n->var2 >= t->n_vars)) return 0;
  for (uint32_t k = 0; k < n->n_kids; k++)
    if (t->kid[n->kids + k] <= i || t->kid[n->kids + k] >= t->n_node) return 0; /* children after their parent */
  const trx_node *k0 = n->n_kids ? &t->node[t->kid[n->kids]] : NULL;
  switch ((trx_op)n->op) {
  case OP_VAR:
  case OP_APPEND:
    return n->var >= 0 && (uint32_t)n->var < t->n_vars;
  case OP_LIST:
    return n->var >= 0 && (uint32_t)n->var < t->n_lists;
  case OP_CALL_MACRO:
    return n->var >= 0 && (uint32_t)n->var < t->n_macros;
  case OP_CHUNK:
    return t->kind != TRX_TRANSFER || n->linkto || (n->var >= 0 && (uint32_t)n->var < t->n_vars);
  case OP_LET:
  case OP_MODIFY_CASE:
    return n->n_kids >= 2 && (k0->op == OP_VAR || k0->op == OP_CLIP);
  case OP_EQUAL:
  case OP_BEGINS_WITH:
  case OP_ENDS_WITH:
  case OP_CONTAINS:
    return n->n_kids >= 2;
  case OP_BEGINS_WITH_LIST:
  case OP_ENDS_WITH_LIST:
  case OP_IN:
    return n->n_kids >= 2 && t->node[t->kid[n->kids + 1]].op == OP_LIST;
  case OP_GET_CASE_FROM:
    return n->n_kids >= 1;
  default:
    return 1;
  }
}

/* Loads the cached compiled XML into t (whose .bin part is loaded); 0 if
 * it was there and sound. */
int trx_cache_load(trx_rules *t, uint64_t key) {
  char *path = pl_cache_path("PARLEY_NO_RULE_CACHE", key, "trxc", 0);
  if (!path) return -1;
  bbuf f = {0};
  pl_err e;
  int rc = pl_read_file(path, &f, &e);
  free(path);
  if (rc) {
    bbuf_free(&f);
    return -1;
  }
  rd c;
  rd_init(&c, f.p, f.len);
  trx_rules n = {0}; /* the parts read here, moved into t at the end */
  if (f.len < 16 || memcmp(f.p, MAGIC, 8)) goto bad;
  uint64_t k;
  memcpy(&k, f.p + 8, 8);
  c.pos = 16;
  if (k != key || rd_u32_host(&c) != (uint32_t)t->kind) goto bad;
  n.default_chunk = (int)rd_u32_host(&c);
  n.pool_len = rcount(&c, 2);
  if (c.err || n.pool_len < t->pool_len) goto bad;
  n.pool = malloc((n.pool_len + 1) * sizeof *n.pool);
  if (!n.pool) goto bad;
  memcpy(n.pool, f.p + c.pos, n.pool_len * sizeof *n.pool);
  n.pool[n.pool_len] = 0;
  c.pos += n.pool_len * sizeof *n.pool;
  if (memcmp(n.pool, t->pool, t->pool_len * sizeof *t->pool)) goto bad; /* the .bin part must agree */
  n.n_vars = rcount(&c, 16);
  if (c.err || n.n_vars < t->n_vars) goto bad;
  n.var_name = calloc(n.n_vars ? n.n_vars : 1, sizeof *n.var_name);
  n.var_default = calloc(n.n_vars ? n.n_vars : 1, sizeof *n.var_default);
  if (!n.var_name || !n.var_default) goto bad;
  for (uint32_t i = 0; i < n.n_vars; i++) {
    n.var_name[i] = rstr(&c, n.pool_len);
    n.var_default[i] = rstr(&c, n.pool_len);
  }
  n.n_lists = rcount(&c, 16);
  if (c.err || n.n_lists < t->n_lists) goto bad;
  n.list_name = calloc(n.n_lists ? n.n_lists : 1, sizeof *n.list_name);
  n.list = calloc(n.n_lists ? n.n_lists : 1, sizeof *n.list);
  if (!n.list_name || !n.list) goto bad;
  for (uint32_t i = 0; i < n.n_lists && !c.err; i++) {
    n.list_name[i] = rstr(&c, n.pool_len);
    trx_list *li = &n.list[i];
    li->n = rcount(&c, 8);
    li->items = calloc(li->n ? li->n : 1, sizeof *li->items);
    if (!li->items) goto bad;
    for (uint32_t j = 0; j < li->n; j++) li->items[j] = rstr(&c, n.pool_len);
    li->n_low = rcount(&c, 8);
    li->low = calloc(li->n_low ? li->n_low : 1, sizeof *li->low);
    if (!li->low) goto bad;
    for (uint32_t j = 0; j < li->n_low; j++) li->low[j] = rstr(&c, n.pool_len);
  }
  n.n_node = rcount(&c, 56);
  if (c.err) goto bad;
  n.node = calloc(n.n_node ? n.n_node : 1, sizeof *n.node);
  if (!n.node) goto bad;
  for (uint32_t i = 0; i < n.n_node; i++) {
    trx_node *d = &n.node[i];
    d->op = (uint8_t)rd_u32_host(&c);
    d->side = (uint8_t)rd_u32_host(&c);
    d->queue = (uint8_t)rd_u32_host(&c);
    uint32_t fl = rd_u32_host(&c);
    d->caseless = fl & 1;
    d->shifting = (fl >> 1) & 1;
    d->linkto = (fl >> 2) & 1;
    d->pos = (int32_t)rd_u32_host(&c);
    d->attr = (int32_t)rd_u32_host(&c);
    d->var = (int32_t)rd_u32_host(&c);
    d->var2 = (int32_t)rd_u32_host(&c);
    d->npar = (int32_t)rd_u32_host(&c);
    d->s = rstr(&c, n.pool_len);
    d->kids = rd_u32_host(&c);
    d->n_kids = rd_u32_host(&c);
    d->line = rd_u32_host(&c);
  }
  uint32_t n_lines;
  if (!(n.kid = r32s(&c, &n.n_kid)) || !(n.rule = r32s(&c, &n.n_rules)) || !(n.rule_line = r32s(&c, &n_lines)) ||
      n_lines != n.n_rules || !(n.macro = r32s(&c, &n.n_macros)))
    goto bad;
  if (c.err || c.pos != c.len) goto bad;
  /* what the interpreter relies on */
  n.kind = t->kind;
  n.n_attrs = t->n_attrs;
  for (uint32_t i = 0; i < n.n_rules; i++)
    if (n.rule[i] >= n.n_node) goto bad;
  for (uint32_t i = 0; i < n.n_macros; i++)
    if (n.macro[i] >= n.n_node) goto bad;
  for (uint32_t s = 0; s < t->n_nodes; s++)
    if (t->final_rule[s] > n.n_rules) goto bad;
  for (uint32_t i = 0; i < n.n_node; i++)
    if (!node_ok(&n, i)) goto bad;
  { /* nesting depth, as the XML compiler limits it (children come after parents) */
    uint16_t *depth = calloc(n.n_node ? n.n_node : 1, sizeof *depth);
    int deep = !depth;
    for (uint32_t i = n.n_node; i-- > 0 && !deep;) {
      uint32_t d = 0;
      for (uint32_t j = 0; j < n.node[i].n_kids; j++)
        if (depth[n.kid[n.node[i].kids + j]] + 1u > d) d = depth[n.kid[n.node[i].kids + j]] + 1u;
      if (d > 250) deep = 1;
      depth[i] = (uint16_t)d;
    }
    free(depth);
    if (deep) goto bad;
  }
  /* move into t */
  free(t->pool);
  t->pool = n.pool;
  t->pool_len = t->pool_cap = n.pool_len;
  free(t->var_name);
  free(t->var_default);
  t->var_name = n.var_name;
  t->var_default = n.var_default;
  t->n_vars = n.n_vars;
  for (uint32_t i = 0; i < t->n_lists; i++) {
    free(t->list[i].items);
    free(t->list[i].low);
  }
  free(t->list);
  free(t->list_name);
  t->list = n.list;
  t->list_name = n.list_name;
  t->n_lists = n.n_lists;
  t->node = n.node;
  t->n_node = t->cap_node = n.n_node;
  t->kid = n.kid;
  t->n_kid = t->cap_kid = n.n_kid;
  t->rule = n.rule;
  t->rule_line = n.rule_line;
  t->n_rules = n.n_rules;
  t->macro = n.macro;
  t->n_macros = n.n_macros;
  t->default_chunk = n.default_chunk;
  bbuf_free(&f);
  return 0;
bad:
  free(n.pool);
  free(n.var_name);
  free(n.var_default);
  if (n.list)
    for (uint32_t i = 0; i < n.n_lists; i++) {
      free(n.list[i].items);
      free(n.list[i].low);
    }
  free(n.list);
  free(n.list_name);
  free(n.node);
  free(n.kid);
  free(n.rule);
  free(n.rule_line);
  free(n.macro);
  bbuf_free(&f);
  return -1;
}
