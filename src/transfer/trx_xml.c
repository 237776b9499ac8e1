/*
 * trx_xml.c - compiles the rule XML (.t1x/.t2x/.t3x) into the node array of
 * trx_int.h, once, at load: element names become opcodes, attribute names
 * are resolved to attribute, variable, list and macro indices, literals go
 * to the string pool, and positions are adjusted the way each Debian program
 * adjusts them (transfer and interchunk count words from 1, postchunk from 0
 * with the chunk itself at 0).
 *
 * What is taken from the XML is what TransferBase::read takes: the <action>
 * of every element of <section-rules> (rule N is the N-th such action) and
 * every element of <section-def-macros>.  Patterns, attributes, lists and
 * variable defaults come from the .bin.  Unknown elements, undefined macros,
 * calls with more parameters than the macro has, a chunk with neither name
 * nor namefrom, and rule numbers in the .bin beyond the rules of the XML are
 * errors naming the file and line.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <unicode/ustring.h>

#include "trx_int.h"

typedef struct nm_ent { /* name -> index memo (0 key = empty slot) */
  uint32_t h;
  int tbl;
  int32_t val;
  char *key;
} nm_ent;

typedef struct xc {
  trx_rules *r;
  const char *name;
  pl_err *e;
  nm_ent *nm;
  uint32_t nm_cap, nm_used;
} xc;

enum { TBL_ATTR, TBL_VAR, TBL_LIST, TBL_MACRO };

/* The memo slot of (table, name), created with val -3 if new; NULL when out
 * of memory. */
static int32_t *nm_slot(xc *X, int tbl, const char *s) {
  if (X->nm_used * 2 >= X->nm_cap) {
    uint32_t cap = X->nm_cap ? X->nm_cap * 2 : 1024;
    nm_ent *t = calloc(cap, sizeof *t);
    if (!t) return NULL;
    for (uint32_t i = 0; i < X->nm_cap; i++) {
      if (!X->nm[i].key) continue;
      uint32_t j = X->nm[i].h & (cap - 1);
      while (t[j].key) j = (j + 1) & (cap - 1);
      t[j] = X->nm[i];
    }
    free(X->nm);
    X->nm = t;
    X->nm_cap = cap;
  }
  uint32_t h = 2166136261u ^ (uint32_t)tbl;
  for (const char *p = s; *p; p++) h = (h ^ (unsigned char)*p) * 16777619u;
  uint32_t j = h & (X->nm_cap - 1);
  for (; X->nm[j].key; j = (j + 1) & (X->nm_cap - 1))
    if (X->nm[j].h == h && X->nm[j].tbl == tbl && !strcmp(X->nm[j].key, s)) return &X->nm[j].val;
  if (!(X->nm[j].key = strdup(s))) return NULL;
  X->nm[j].h = h;
  X->nm[j].tbl = tbl;
  X->nm[j].val = -3;
  X->nm_used++;
  return &X->nm[j].val;
}

static void nm_free(xc *X) {
  for (uint32_t i = 0; i < X->nm_cap; i++) free(X->nm[i].key);
  free(X->nm);
}

static const struct {
  const char *name;
  trx_op op;
} ops[] = { /* sorted by name (strcmp) */
    {"and", OP_AND},
    {"append", OP_APPEND},
    {"b", OP_B},
    {"begins-with", OP_BEGINS_WITH},
    {"begins-with-list", OP_BEGINS_WITH_LIST},
    {"call-macro", OP_CALL_MACRO},
    {"case-of", OP_CASE_OF},
    {"choose", OP_CHOOSE},
    {"chunk", OP_CHUNK},
    {"clip", OP_CLIP},
    {"concat", OP_CONCAT},
    {"contains-substring", OP_CONTAINS},
    {"ends-with", OP_ENDS_WITH},
    {"ends-with-list", OP_ENDS_WITH_LIST},
    {"equal", OP_EQUAL},
    {"get-case-from", OP_GET_CASE_FROM},
    {"in", OP_IN},
    {"let", OP_LET},
    {"list", OP_LIST},
    {"lit", OP_LIT},
    {"lit-tag", OP_LIT_TAG},
    {"lu", OP_LU},
    {"lu-count", OP_LU_COUNT},
    {"mlu", OP_MLU},
    {"modify-case", OP_MODIFY_CASE},
    {"not", OP_NOT},
    {"or", OP_OR},
    {"otherwise", OP_OTHERWISE},
    {"out", OP_OUT},
    {"reject-current-rule", OP_REJECT},
    {"tag", OP_TAG},
    {"tags", OP_TAGS},
    {"test", OP_TEST},
    {"var", OP_VAR},
    {"when", OP_WHEN},
    {"with-param", OP_WITH_PARAM},
};

static int xc_err(xc *X, xmlNode *n, const char *fmt, const char *what) {
  long line = n ? xmlGetLineNo(n) : 0;
  return pl_err_set(X->e, PL_ECORRUPT, line, "%s:%ld: %s%s", X->name, line, fmt, what ? what : "");
}

static int xc_nomem(xc *X) { return pl_err_set(X->e, PL_ENOMEM, -1, "%s: out of memory", X->name); }

/* The value of an attribute as libxml2 stores it (its first text child), or
 * NULL when absent; `first` takes the first attribute whatever its name,
 * as several Debian code paths do. */
static const char *attr_val(xmlNode *n, const char *name, int first) {
  for (xmlAttr *a = n->properties; a; a = a->next) {
    if (first || !strcmp((const char *)a->name, name)) {
      return a->children && a->children->content ? (const char *)a->children->content : "";
    }
  }
  return NULL;
}

/* UTF-8 attribute text to a pooled UTF-16 string. */
static int pool_utf8(xc *X, const char *s, trx_str *out) {
  size_t n = strlen(s);
  ubuf b = {0};
  for (size_t i = 0; i < n;) {
    int k = utf8_lead_len((unsigned char)s[i]);
    if (i + (size_t)k > n) k = (int)(n - i);
    int32_t cp = utf8_decode((const unsigned char *)s + i, k);
    ubuf_put_cp(&b, cp < 0 ? 0xFFFD : cp);
    i += (size_t)k;
  }
  int rc = b.failed || trx_pool_add(X->r, b.p, b.len, out);
  ubuf_free(&b);
  return rc ? xc_nomem(X) : PL_OK;
}

static int32_t lookup_slow(xc *X, const char *s, trx_str *names, uint32_t n) {
  trx_str tmp;
  size_t mark = X->r->pool_len;
  if (pool_utf8(X, s, &tmp)) return -2;
  int32_t k = trx_find_name(X->r, names, n, trx_s(X->r, tmp), tmp.len);
  X->r->pool_len = mark;
  return k;
}

/* Index of a name in a table, -1 if absent, -2 out of memory. */
static int32_t lookup(xc *X, int tbl, const char *s, trx_str *names, uint32_t n) {
  int32_t *slot = nm_slot(X, tbl, s);
  if (!slot) return xc_nomem(X), -2;
  if (*slot == -3) *slot = lookup_slow(X, s, names, n);
  return *slot;
}

/* Variable index by name; a name the .bin does not define gets a new,
 * empty variable (std::map::operator[] in Debian). */
static int32_t var_index(xc *X, const char *s) {
  trx_rules *r = X->r;
  int32_t k = lookup(X, TBL_VAR, s, r->var_name, r->n_vars);
  if (k != -1) return k;
  trx_str *nm = pl_realloc_array(r->var_name, (size_t)r->n_vars + 1, sizeof *nm);
  if (!nm) return -2;
  r->var_name = nm;
  trx_str *df = pl_realloc_array(r->var_default, (size_t)r->n_vars + 1, sizeof *df);
  if (!df) return -2;
  r->var_default = df;
  if (pool_utf8(X, s, &r->var_name[r->n_vars])) return -2;
  r->var_default[r->n_vars] = (trx_str){0, 0};
  *nm_slot(X, TBL_VAR, s) = (int32_t)r->n_vars;
  return (int32_t)r->n_vars++;
}

static int32_t list_index(xc *X, const char *s) {
  trx_rules *r = X->r;
  int32_t k = lookup(X, TBL_LIST, s, r->list_name, r->n_lists);
  if (k != -1) return k;
  trx_str *nm = pl_realloc_array(r->list_name, (size_t)r->n_lists + 1, sizeof *nm);
  if (!nm) return -2;
  r->list_name = nm;
  trx_list *li = pl_realloc_array(r->list, (size_t)r->n_lists + 1, sizeof *li);
  if (!li) return -2;
  r->list = li;
  memset(&r->list[r->n_lists], 0, sizeof *li);
  if (pool_utf8(X, s, &r->list_name[r->n_lists])) return -2;
  *nm_slot(X, TBL_LIST, s) = (int32_t)r->n_lists;
  return (int32_t)r->n_lists++;
}

static int new_node(xc *X, uint32_t *out) {
  trx_rules *r = X->r;
  if (r->n_node == r->cap_node) {
    uint32_t cap = r->cap_node ? r->cap_node * 2 : 1024;
    trx_node *p = pl_realloc_array(r->node, cap, sizeof *p);
    if (!p) return xc_nomem(X);
    r->node = p;
    r->cap_node = cap;
  }
  *out = r->n_node++;
  memset(&r->node[*out], 0, sizeof r->node[*out]);
  r->node[*out].attr = -1;
  r->node[*out].var = -1;
  r->node[*out].var2 = -1;
  return PL_OK;
}

static int compile(xc *X, xmlNode *n, uint32_t *out, int depth);

/* Compiles the element children of `n` into a contiguous kid range. */
static int compile_kids(xc *X, xmlNode *n, uint32_t id, int depth) {
  uint32_t cnt = 0;
  for (xmlNode *c = n->children; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE) cnt++;
  uint32_t *tmp = malloc((cnt ? cnt : 1) * sizeof *tmp);
  if (!tmp) return xc_nomem(X);
  uint32_t k = 0;
  for (xmlNode *c = n->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    if (compile(X, c, &tmp[k++], depth + 1)) {
      free(tmp);
      return X->e->code;
    }
  }
  trx_rules *r = X->r;
  if (r->n_kid + cnt > r->cap_kid) {
    uint32_t cap = r->cap_kid ? r->cap_kid : 1024;
    while (cap < r->n_kid + cnt) cap *= 2;
    uint32_t *p = pl_realloc_array(r->kid, cap, sizeof *p);
    if (!p) {
      free(tmp);
      return xc_nomem(X);
    }
    r->kid = p;
    r->cap_kid = cap;
  }
  if (cnt) memcpy(r->kid + r->n_kid, tmp, cnt * sizeof *tmp);
  r->node[id].kids = r->n_kid;
  r->node[id].n_kids = cnt;
  r->n_kid += cnt;
  free(tmp);
  return PL_OK;
}

/* Word positions: "pos" counts from 1 in transfer and interchunk, from 0
 * (the chunk) in postchunk; a missing attribute leaves 0. */
static int32_t pos_of(xc *X, const char *v, int minus_one) {
  if (!v) return 0;
  int32_t p = (int32_t)atoi(v);
  return minus_one && X->r->kind != TRX_POSTCHUNK ? p - 1 : p;
}

static int side_of(const char *v) {
  if (v && !strcmp(v, "sl")) return SIDE_SL;
  if (v && !strcmp(v, "ref")) return SIDE_REF;
  return SIDE_TL;
}

static int compile(xc *X, xmlNode *n, uint32_t *out, int depth) {
  trx_rules *r = X->r;
  if (depth > 200) return xc_err(X, n, "rule nesting too deep", NULL);
  trx_op op = OP_NONE;
  size_t lo = 0, hi = sizeof ops / sizeof ops[0];
  while (lo < hi) { /* ops[] is sorted by name */
    size_t mid = (lo + hi) / 2;
    int c = strcmp((const char *)n->name, ops[mid].name);
    if (!c) {
      op = ops[mid].op;
      break;
    }
    if (c < 0) hi = mid;
    else lo = mid + 1;
  }
  if (op == OP_NONE) return xc_err(X, n, "unknown element: ", (const char *)n->name);
  uint32_t id;
  if (new_node(X, &id)) return X->e->code;
  trx_node *t = &r->node[id];
  t->op = (uint8_t)op;
  t->line = (uint32_t)xmlGetLineNo(n);
  const char *v;
  int32_t k;
  switch (op) {
  case OP_CLIP:
  case OP_CASE_OF:
    t->side = (uint8_t)side_of(attr_val(n, "side", 0));
    t->pos = pos_of(X, attr_val(n, "pos", 0), 1);
    v = attr_val(n, "part", 0);
    if ((k = lookup(X, TBL_ATTR, v ? v : "", r->attr_name, r->n_attrs)) == -2) return X->e->code;
    t->attr = k;
    v = attr_val(n, "queue", 0);
    t->queue = !(v && !strcmp(v, "no"));
    if (op == OP_CLIP && (v = attr_val(n, "link-to", 0)) && *v) {
      t->linkto = 1;
      if (pool_utf8(X, v, &t->s)) return X->e->code;
    }
    break;
  case OP_LIT:
    if (pool_utf8(X, (v = attr_val(n, "v", 0)) ? v : "", &t->s)) return X->e->code;
    break;
  case OP_LIT_TAG: { /* "a.b" -> "<a><b>" */
    v = attr_val(n, "v", 0);
    size_t len = v ? strlen(v) : 0;
    char *s = malloc(len * 2 + 3);
    if (!s) return xc_nomem(X);
    size_t j = 0;
    s[j++] = '<';
    for (size_t i = 0; i < len; i++) {
      if (v[i] == '.') s[j++] = '>', s[j++] = '<';
      else s[j++] = v[i];
    }
    s[j++] = '>';
    s[j] = 0;
    int rc = pool_utf8(X, s, &t->s);
    free(s);
    if (rc) return rc;
    break;
  }
  case OP_VAR:
    if ((t->var = var_index(X, (v = attr_val(n, "n", 0)) ? v : "")) < 0) return xc_nomem(X);
    break;
  case OP_APPEND:
    if ((t->var = var_index(X, (v = attr_val(n, "n", 0)) ? v : "")) < 0) return xc_nomem(X);
    break;
  case OP_GET_CASE_FROM:
    t->pos = pos_of(X, attr_val(n, "pos", 1), 1);
    if (r->kind == TRX_POSTCHUNK) t->pos = (int32_t)atoi(attr_val(n, "pos", 1) ? attr_val(n, "pos", 1) : "0");
    t->attr = r->attr_lem;
    break;
  case OP_CHUNK:
    if (r->kind != TRX_TRANSFER) break;
    if ((v = attr_val(n, "name", 0)) && *v) {
      if (pool_utf8(X, v, &t->s)) return X->e->code;
      t->linkto = 1; /* has a literal name */
    } else if ((v = attr_val(n, "namefrom", 0)) && *v) {
      if ((t->var = var_index(X, v)) < 0) return xc_nomem(X);
    } else {
      return xc_err(X, n, "<chunk> needs a name or namefrom attribute", NULL);
    }
    v = attr_val(n, "case", 0);
    if (!v) v = "aa";
    if (*v && (t->var2 = var_index(X, v)) < 0) return xc_nomem(X);
    break;
  case OP_CALL_MACRO: {
    v = attr_val(n, "n", 1);
    if ((k = lookup(X, TBL_MACRO, v ? v : "", r->macro_name, r->n_macros_bin)) == -2) return X->e->code;
    if (k < 0) return xc_err(X, n, "call to an undefined macro: ", v ? v : "");
    t->var = (int32_t)r->macro_index[k]; /* checked against the XML's macros later */
    break;
  }
  case OP_WITH_PARAM:
    t->pos = pos_of(X, attr_val(n, "pos", 1), 1);
    break;
  case OP_REJECT:
    v = attr_val(n, "shifting", 0);
    t->shifting = v && !strcmp(v, "yes");
    break;
  case OP_EQUAL:
  case OP_BEGINS_WITH:
  case OP_BEGINS_WITH_LIST:
  case OP_ENDS_WITH:
  case OP_ENDS_WITH_LIST:
  case OP_CONTAINS:
  case OP_IN:
    v = attr_val(n, "caseless", 0);
    t->caseless = v && !strcmp(v, "yes");
    break;
  case OP_LIST:
    if ((t->var = list_index(X, (v = attr_val(n, "n", 0)) ? v : "")) < 0) return xc_nomem(X);
    break;
  case OP_B:
    t->pos = n->properties != NULL; /* interchunk/postchunk: <b pos=".."/> (the value is ignored) */
    break;
  default:
    break;
  }
  if (compile_kids(X, n, id, depth)) return X->e->code;
  t = &r->node[id];
  /* shapes the interpreter relies on */
  switch (op) {
  case OP_LET:
  case OP_MODIFY_CASE:
    if (t->n_kids < 2) return xc_err(X, n, "<let>/<modify-case> needs two children", NULL);
    {
      trx_op l = (trx_op)r->node[r->kid[t->kids]].op;
      if (l != OP_VAR && l != OP_CLIP)
        return xc_err(X, n, "<let>/<modify-case> must assign to <var> or <clip>", NULL);
    }
    break;
  case OP_EQUAL:
  case OP_BEGINS_WITH:
  case OP_ENDS_WITH:
  case OP_CONTAINS:
    if (t->n_kids < 2) return xc_err(X, n, "comparison needs two children", NULL);
    break;
  case OP_BEGINS_WITH_LIST:
  case OP_ENDS_WITH_LIST:
  case OP_IN:
    if (t->n_kids < 2 || r->node[r->kid[t->kids + 1]].op != OP_LIST)
      return xc_err(X, n, "list test needs an expression and a <list>", NULL);
    break;
  case OP_GET_CASE_FROM:
    if (t->n_kids < 1) return xc_err(X, n, "<get-case-from> needs a child", NULL);
    break;
  default:
    break;
  }
  *out = id;
  return PL_OK;
}

static int cmp_str_ctx(const trx_rules *r, trx_str a, trx_str b) {
  const uint16_t *x = trx_s(r, a), *y = trx_s(r, b);
  uint32_t n = a.len < b.len ? a.len : b.len;
  for (uint32_t i = 0; i < n; i++)
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  return a.len < b.len ? -1 : a.len > b.len;
}

/* Insertion sort + dedup keeps std::set order without a qsort context. */
static uint32_t sort_unique(const trx_rules *r, trx_str *a, uint32_t n) {
  for (uint32_t i = 1; i < n; i++) {
    trx_str x = a[i];
    uint32_t j = i;
    /* binary search for the insertion point */
    uint32_t lo = 0, hi = i;
    while (lo < hi) {
      uint32_t mid = (lo + hi) / 2;
      if (cmp_str_ctx(r, a[mid], x) <= 0) lo = mid + 1;
      else hi = mid;
    }
    for (j = i; j > lo; j--) a[j] = a[j - 1];
    a[lo] = x;
  }
  uint32_t u = 0;
  for (uint32_t i = 0; i < n; i++)
    if (!u || cmp_str_ctx(r, a[u - 1], a[i])) a[u++] = a[i];
  return u;
}

static int finish_lists(xc *X) {
  trx_rules *r = X->r;
  for (uint32_t i = 0; i < r->n_lists; i++) {
    trx_list *li = &r->list[i];
    li->n = sort_unique(r, li->items, li->n);
    li->low = calloc(li->n ? li->n : 1, sizeof *li->low);
    if (!li->low) return xc_nomem(X);
    for (uint32_t j = 0; j < li->n; j++) {
      trx_str s = li->items[j];
      size_t cap = (size_t)s.len * 2 + 1;
      UChar *buf = malloc(cap * sizeof *buf);
      if (!buf) return xc_nomem(X);
      UErrorCode err = U_ZERO_ERROR;
      int32_t m = u_strToLower(buf, (int32_t)cap, (const UChar *)trx_s(r, s), (int32_t)s.len, NULL, &err);
      if (U_FAILURE(err)) m = 0;
      int rc = trx_pool_add(r, buf, (size_t)m, &li->low[j]);
      free(buf);
      if (rc) return xc_nomem(X);
    }
    li->n_low = sort_unique(r, li->low, li->n);
  }
  return PL_OK;
}

int trx_compile_xml(trx_rules *r, const char *buf, size_t len, const char *name, pl_err *e) {
  xc X = {r, name, e, NULL, 0, 0};
  if (len > INT32_MAX) return pl_err_set(e, PL_ECORRUPT, -1, "%s: rule file too large", name);
  xmlDoc *doc = xmlReadMemory(buf, (int)len, name, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOBLANKS | XML_PARSE_COMPACT);
  if (!doc) {
    const xmlError *xe = xmlGetLastError();
    const char *msg = xe && xe->message ? xe->message : "invalid XML";
    int ml = (int)strcspn(msg, "\n");
    return pl_err_set(e, PL_ECORRUPT, xe ? xe->line : 0, "%s:%d: could not parse the rule file: %.*s", name,
                      xe ? xe->line : 0, ml, msg);
  }
  int rc = PL_OK;
  xmlNode *root = xmlDocGetRootElement(doc);
  if (!root) {
    rc = pl_err_set(e, PL_ECORRUPT, 0, "%s: the rule file has no root element", name);
    goto out;
  }
  const char *def = attr_val(root, "default", 0);
  r->default_chunk = def && !strcmp(def, "chunk");
  uint32_t cap_rules = 0, cap_macros = 0;
  for (xmlNode *sec = root->children; sec; sec = sec->next) {
    if (sec->type != XML_ELEMENT_NODE) continue;
    int is_macros = !strcmp((const char *)sec->name, "section-def-macros");
    int is_rules = !strcmp((const char *)sec->name, "section-rules");
    if (!is_macros && !is_rules) continue;
    for (xmlNode *c = sec->children; c; c = c->next) {
      if (c->type != XML_ELEMENT_NODE) continue;
      uint32_t id;
      if (is_macros) {
        if (new_node(&X, &id)) goto fail;
        r->node[id].op = OP_OTHER;
        r->node[id].line = (uint32_t)xmlGetLineNo(c);
        const char *np = attr_val(c, "npar", 0);
        r->node[id].npar = np ? atoi(np) : 0;
        if (compile_kids(&X, c, id, 0)) goto fail;
        if (r->n_macros == cap_macros) {
          cap_macros = cap_macros ? cap_macros * 2 : 64;
          uint32_t *p = pl_realloc_array(r->macro, cap_macros, sizeof *p);
          if (!p) goto nomem;
          r->macro = p;
        }
        r->macro[r->n_macros++] = id;
      } else {
        xmlNode *act = NULL;
        for (xmlNode *a = c->children; a; a = a->next)
          if (a->type == XML_ELEMENT_NODE && !strcmp((const char *)a->name, "action")) {
            act = a;
            break;
          }
        if (!act) continue; /* Debian skips it too, renumbering the rules after it */
        if (new_node(&X, &id)) goto fail;
        r->node[id].op = OP_OTHER;
        r->node[id].line = (uint32_t)xmlGetLineNo(c);
        if (compile_kids(&X, act, id, 0)) goto fail;
        if (r->n_rules == cap_rules) {
          cap_rules = cap_rules ? cap_rules * 2 : 256;
          uint32_t *p = pl_realloc_array(r->rule, cap_rules, sizeof *p);
          uint32_t *q = p ? pl_realloc_array(r->rule_line, cap_rules, sizeof *q) : NULL;
          if (p) r->rule = p;
          if (!q) goto nomem;
          r->rule_line = q;
        }
        r->rule_line[r->n_rules] = (uint32_t)xmlGetLineNo(c);
        r->rule[r->n_rules++] = id;
      }
    }
  }
  /* macro calls and rule numbers must point into what the XML defines */
  for (uint32_t i = 0; i < r->n_node; i++) {
    trx_node *t = &r->node[i];
    if (t->op != OP_CALL_MACRO) continue;
    if (t->var < 0 || (uint32_t)t->var >= r->n_macros) {
      rc = pl_err_set(e, PL_ECORRUPT, t->line, "%s:%u: macro call refers to macro %d, but the file defines %u",
                      name, t->line, t->var, r->n_macros);
      goto out;
    }
    t->npar = r->node[r->macro[t->var]].npar;
    uint32_t n_par = 0;
    for (uint32_t j = 0; j < t->n_kids; j++) n_par++;
    if (t->npar > 0 && n_par > (uint32_t)t->npar) {
      rc = pl_err_set(e, PL_ECORRUPT, t->line, "%s:%u: macro called with %u parameters, it takes %d", name,
                      t->line, n_par, t->npar);
      goto out;
    }
  }
  for (uint32_t s = 0; s < r->n_nodes; s++) {
    if (r->final_rule[s] > r->n_rules) {
      rc = pl_err_set(e, PL_ECORRUPT, -1, "%s: the compiled patterns refer to rule %u, but the file has %u rules",
                      name, r->final_rule[s], r->n_rules);
      goto out;
    }
  }
  if (finish_lists(&X)) goto fail;
  goto out;
nomem:
  xc_nomem(&X);
fail:
  rc = e->code ? e->code : PL_ECORRUPT;
out:
  xmlFreeDoc(doc);
  nm_free(&X);
  return rc;
}
