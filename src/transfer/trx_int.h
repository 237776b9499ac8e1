/*
 * trx_int.h - the internal form of a transfer rule set, shared by the
 * loader (trx_load.c), the XML compiler (trx_xml.c) and the interpreter
 * (trx_run.c).  Strings are UTF-16, as in Apertium, so that case rules that
 * look at "the first and last character" see the same code units.
 */
#ifndef PL_TRX_INT_H
#define PL_TRX_INT_H

#include <unicode/uregex.h>

#include "trx.h"

/* A string in the rule set's pool. */
typedef struct trx_str {
  uint32_t off, len;
} trx_str;

/* The pattern automaton (lttoolbox MatchExe): one sorted arc array per
 * node, searched by binary search as lttoolbox's SortedVector does. */
#define TRX_NONE 0xFFFFFFFFu

typedef struct trx_arc {
  int32_t sym;
  uint32_t to;
} trx_arc;

/* Attribute regular expressions (trx_re.c). */
typedef struct trx_re trx_re;
int trx_re_compile(trx_re **out, const uint16_t *pat, size_t len, pl_err *e, const char *name);
/* Checks the pattern with ICU's own compiler (trx_re_compile does that only
 * for the patterns the native matcher cannot run). */
int trx_re_validate(const trx_re *re, pl_err *e, const char *name);
void trx_re_free(trx_re *re);
/* Which of the rule compiler's own patterns (lem, lemh, whole, tags...)
 * the pattern is, which the matcher runs as a simple scan; TRX_B_NONE if
 * none. */
enum { TRX_B_NONE, TRX_B_LEM, TRX_B_LEMH, TRX_B_WHOLE, TRX_B_TAGS, TRX_B_CONTENT, TRX_B_CHNAME };
int trx_re_builtin(const trx_re *re);
/* 1 if every match is checked against ICU (PARLEY_RE_VERIFY). */
int trx_re_verifying(const trx_re *re);
/* The code unit every match starts with (an ASCII non-letter), or -1: a
 * match found in the string from its first such unit on is the match in
 * the whole string. */
int32_t trx_re_first(const trx_re *re);
/* Finds the first match in s[0..n) like ICU's RegexMatcher::find() with
 * UREGEX_CASE_INSENSITIVE|UREGEX_DOTALL; sets [*b, *e).  Returns 1 if
 * found, 0 if not, -1 when out of memory.  A compiled pattern is read-only
 * and shared; *icu is the caller's own ICU matcher for it (NULL at first),
 * made when needed and closed with uregex_close. */
int trx_re_find(const trx_re *re, URegularExpression **icu, const uint16_t *s, size_t n, size_t *b, size_t *e);


typedef enum {
  OP_NONE = 0,
  /* instructions */
  OP_CHOOSE, OP_WHEN, OP_OTHERWISE, OP_LET, OP_APPEND, OP_OUT, OP_CALL_MACRO, OP_MODIFY_CASE, OP_REJECT,
  /* conditions */
  OP_TEST, OP_AND, OP_OR, OP_NOT, OP_EQUAL, OP_BEGINS_WITH, OP_BEGINS_WITH_LIST, OP_ENDS_WITH,
  OP_ENDS_WITH_LIST, OP_CONTAINS, OP_IN,
  /* string expressions */
  OP_CLIP, OP_LIT, OP_LIT_TAG, OP_VAR, OP_B, OP_GET_CASE_FROM, OP_CASE_OF, OP_CONCAT, OP_LU, OP_MLU,
  OP_CHUNK, OP_LU_COUNT,
  /* parts of other elements */
  OP_TAGS, OP_TAG, OP_WITH_PARAM, OP_LIST, OP_OTHER
} trx_op;

enum { SIDE_TL = 0, SIDE_SL = 1, SIDE_REF = 2 };

typedef struct trx_node {
  uint8_t op;
  uint8_t side;     /* clip, case-of */
  uint8_t queue;    /* clip: queue="no" clears it */
  uint8_t caseless; /* comparisons */
  uint8_t shifting; /* reject-current-rule shifting="yes" */
  uint8_t linkto;   /* clip has link-to (its text in s) */
  int32_t pos;      /* word index, already adjusted as each program adjusts it */
  int32_t attr;     /* attribute index, -1 if undefined (matches nothing) */
  int32_t var;      /* variable (var, let, append, chunk namefrom), list (in ...), macro (call) */
  int32_t var2;     /* chunk: case variable, -1 for none */
  int32_t npar;     /* call-macro: the macro's npar */
  trx_str s;        /* lit, lit-tag (as "<a><b>"), chunk name, link-to */
  uint32_t kids, n_kids; /* child element nodes, in the kid array */
  uint32_t line;
} trx_node;

typedef struct trx_list {
  trx_str *items;    /* sorted, unique (std::set<UString>) */
  uint32_t n;
  trx_str *low;      /* lowercased, sorted, unique */
  uint32_t n_low;
} trx_list;

struct trx_rules {
  trx_kind kind;
  char *xml_name;
  int default_chunk; /* t1x root default="chunk" */

  /* alphabet: tag name -> symbol */
  uint16_t **tag;
  uint32_t *tag_len;
  uint32_t n_tags;
  uint32_t *tag_hash; /* open addressing: index+1, 0 = empty */
  uint32_t tag_hash_cap;
  int32_t any_char, any_tag;

  /* pattern automaton */
  uint32_t n_nodes, initial;
  uint32_t *first; /* n_nodes + 1 */
  trx_arc *arc;
  uint32_t n_arcs;
  uint32_t *final_rule; /* per node: rule number (1-based) or 0 */
  /* precomputed steps (TRX_NONE: no arc): on ANY_CHAR and ANY_TAG for
   * every node, and on ASCII symbols for nodes with many arcs */
  uint32_t *to_any_char, *to_any_tag;
  uint32_t *ascii_idx; /* per node: table number or TRX_NONE */
  uint32_t *ascii_tab; /* 128 entries per table */

  /* attributes, variables, lists, macros (names and values in the pool) */
  uint16_t *pool;
  size_t pool_len, pool_cap;
  trx_str *attr_name;
  trx_re **attr_re;
  uint32_t n_attrs;
  int32_t attr_lem; /* index of "lem", -1 if absent */
  trx_str *var_name, *var_default;
  uint32_t n_vars;
  trx_str *list_name;
  trx_list *list;
  uint32_t n_lists;
  trx_str *macro_name;
  uint32_t *macro_index; /* .bin index into the XML's def-macro order */
  uint32_t n_macros_bin;

  /* compiled XML */
  trx_node *node;
  uint32_t n_node, cap_node;
  uint32_t *kid;
  uint32_t n_kid, cap_kid;
  trx_node **kidp; /* kid as node pointers (made after loading) */
  uint32_t *rule;  /* action node per rule (rule number - 1) */
  uint32_t *rule_line;
  uint32_t n_rules;
  uint32_t *macro; /* def-macro node per XML macro */
  uint32_t n_macros;
};

int trx_load_bin(trx_rules *r, const char *buf, size_t len, const char *name, pl_err *e);
/* The node reached from `node` on `sym` (lttoolbox SortedVector::search
 * over its arcs), or TRX_NONE. */
static inline uint32_t trx_step(const trx_rules *r, uint32_t node, int32_t sym) {
  if ((uint32_t)sym < 128 && r->ascii_idx[node] != TRX_NONE) return r->ascii_tab[(size_t)r->ascii_idx[node] * 128 + sym];
  const trx_arc *a = r->arc + r->first[node];
  int left = 0, right = (int)(r->first[node + 1] - r->first[node]) - 1;
  while (left <= right) {
    int mid = (left + right) / 2;
    if (a[mid].sym == sym) return a[mid].to;
    if (a[mid].sym > sym) right = mid - 1;
    else left = mid + 1;
  }
  return TRX_NONE;
}
int trx_compile_xml(trx_rules *r, const char *buf, size_t len, const char *name, pl_err *e);
/* The compiled-XML cache (trx_cache.c). */
uint64_t trx_cache_key(trx_kind kind, const char *xml, size_t xml_len, const char *bin, size_t bin_len);
int trx_cache_load(trx_rules *t, uint64_t key);
void trx_cache_store(const trx_rules *t, uint64_t key);
int trx_pool_add(trx_rules *r, const uint16_t *s, size_t n, trx_str *out);
static inline uint32_t trx_hash16(const uint16_t *s, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++) h = (h ^ s[i]) * 16777619u;
  return h;
}
/* The symbol of tag s ("<n>"), or 0 if the alphabet has no such tag. */
static inline int32_t trx_tag_symbol(const trx_rules *r, const uint16_t *s, size_t n) {
  if (!r->tag_hash_cap) return 0;
  uint32_t m = r->tag_hash_cap - 1;
  for (uint32_t j = trx_hash16(s, n) & m;; j = (j + 1) & m) {
    uint32_t k = r->tag_hash[j];
    if (!k) return 0;
    k--;
    if (r->tag_len[k] != n) continue;
    const uint16_t *t = r->tag[k];
    size_t i = 0;
    while (i < n && t[i] == s[i]) i++;
    if (i == n) return -(int32_t)k - 1;
  }
}
int32_t trx_find_name(const trx_rules *r, const trx_str *names, uint32_t n, const uint16_t *s, size_t len);

static inline const uint16_t *trx_s(const trx_rules *r, trx_str s) { return r->pool + s.off; }

#endif
