/*
 * fst.h - lttoolbox transducers as Debian ships them (.bin), loaded into a
 * flat, read-only form, and the lt-proc processors that run them.
 *
 * Model.  A file holds an alphabet (letters, tags, symbol pairs) and a set of
 * named sections, each a transducer.  lt-proc joins the sections under one
 * synthetic root with an epsilon arc to each section's initial state, in
 * section-name order.  We build that joined automaton directly: node 0 is the
 * root, each section's states follow at an offset.  Every node owns a
 * contiguous run of arcs sorted by input symbol; arcs with the same input keep
 * their file order, because lt-proc's output order follows it.
 *
 * Symbols: > 0 a Unicode code point, 0 epsilon, < 0 a tag (-1 is the first
 * tag of the alphabet).  Tag names are kept with their angle brackets, as
 * UTF-16, which is how lt-proc prints and compares them.
 *
 * Ownership: an fst is immutable after fst_load_buffer() and may be shared by
 * any number of threads; processors (fst_proc) hold all per-run state.
 */
#ifndef PL_FST_H
#define PL_FST_H

#include "../base/base.h"
#include "../base/u8in.h"

enum { FST_SEC_STANDARD = 1, FST_SEC_INCOND = 2, FST_SEC_POSTBLANK = 4, FST_SEC_PREBLANK = 8,
       FST_SEC_OTHER = 16 };

typedef struct fst_section {
  uint16_t *name; /* UTF-16, not terminated */
  uint32_t name_len;
  uint32_t first_node, n_nodes;
  uint32_t initial; /* global node id */
  int type;         /* FST_SEC_* from the name's suffix */
  int weighted;
} fst_section;

/* Runtime layout, chosen for cache behaviour: a node's arc range, final
 * flag and epsilon flag share one 8-byte record, and an arc's input, output
 * and target share 12 bytes, so following an arc touches one cache line. */
typedef struct fst_node {
  uint32_t first;     /* first arc; the node's arcs end at node[n + 1].first */
  uint8_t final_type; /* FST_SEC_* of the section if the node is final, else 0 */
  uint8_t has_eps;    /* 1 if the node has epsilon-input arcs */
  uint16_t dense;     /* index of the node's direct table, FST_NO_DENSE if none */
} fst_node;

/* Nodes with many arcs (dictionary roots, regular-expression sections) get a
 * direct table for the symbols below FST_DENSE_SYMS, so that the hottest
 * lookups cost one load instead of a binary search. */
#define FST_NO_DENSE 0xFFFF
#define FST_DENSE_SYMS 256
#define FST_DENSE_MIN_ARCS 32
#define FST_DENSE_MAX_NODES 4096
typedef struct fst_range {
  uint32_t lo, hi;
} fst_range;

/* An arc's `to` packs the target node with two facts about it, so that the
 * State engine never has to look the target node up to learn them:
 * bits 0-25 the node, bit 26 "has epsilon arcs", bits 27-31 its final type. */
typedef struct fst_arc {
  int32_t in, out;
  uint32_t to;
} fst_arc;
#define FST_MAX_NODES ((1u << 26) - 1)
#define FST_TO_NODE(x) ((x) & FST_MAX_NODES)
#define FST_TO_FLAGS(x) ((x) >> 26) /* bit 0: has eps; bits 1-5: final type */

typedef struct fst_tagent { /* one slot of the tag-name hash table */
  uint32_t hash;
  int32_t sym; /* 0 = empty slot */
} fst_tagent;

typedef struct fst {
  /* alphabet */
  int32_t *letters; /* sorted, unique */
  uint32_t n_letters;
  uint8_t letter_ascii[128];
  uint32_t n_tags;
  uint16_t **tag;       /* tag[i] = "<name>" for symbol -(i+1) */
  uint32_t *tag_len;
  fst_tagent *tag_hash; /* open addressing, capacity tag_hash_cap (power of 2) */
  uint32_t tag_hash_cap;
  uint32_t n_pairs;
  int32_t (*pair)[2];

  /* joined automaton */
  uint32_t n_sections;
  fst_section *sec;
  uint32_t n_nodes;     /* including the root, node 0 */
  fst_node *node;       /* n_nodes + 1 entries (the last one ends the arc list) */
  fst_arc *arc;
  fst_range *dense;     /* n_dense x FST_DENSE_SYMS */
  uint32_t n_dense;
  double *arc_w;        /* NULL when no section is weighted */
  uint32_t n_arcs;
  double *final_w;      /* NULL when not weighted */
  int weighted;
  /* When loaded from the image cache (fst_image.c): the read-only mapping
   * that letters, tag names, pairs, section names, nodes, arcs, dense
   * tables and weights point into. */
  void *image;
  size_t image_len;
} fst;

/* Parses and validates a whole .bin image.  `name` is used in messages.
 * On failure returns a PL_E* code with `e` naming the file and offset. */
int fst_load_buffer(fst **out, const char *buf, size_t len, const char *name, pl_err *e);
int fst_load_file(fst **out, const char *path, pl_err *e);
void fst_free(fst *f);

/* Building an fst from lttoolbox parts embedded in another format (the lrx
 * files of lrx-proc store an Alphabet, then named transducers between data
 * of their own).  fst_builder_create reads the alphabet (tags and symbol
 * pairs, no letters: lttoolbox's Alphabet::read) from `r`, which stays the
 * caller's and is advanced by every call; fst_builder_section reads one
 * "string name, transducer" into section *idx (sections keep file order:
 * no sorting by name, no removal of duplicates); fst_builder_finish
 * validates and packs the result (node 0 is a root with an epsilon arc to
 * every section, as in fst_load_buffer) and hands it over.  Errors name
 * `name`, call the file `kind` ("lrx file") and give r's offset.  The
 * builder must be freed in every case. */
struct rd;
typedef struct fst_builder fst_builder;
int fst_builder_create(fst_builder **b, struct rd *r, const char *name, const char *kind, pl_err *e);
int fst_builder_section(fst_builder *b, uint32_t *idx);
int fst_builder_finish(fst_builder *b, fst **out);
void fst_builder_free(fst_builder *b);

/* Symbol of a tag given with brackets ("<n>"), or 0 when unknown. */
int32_t fst_tag_find(const fst *f, const uint16_t *s, size_t n);
/* Appends the printable form of a symbol to a UTF-16 buffer. */
void fst_sym_append(const fst *f, ubuf *b, int32_t sym);

static inline int fst_is_letter(const fst *f, int32_t c) {
  if (c >= 0 && c < 128) return f->letter_ascii[c];
  uint32_t lo = 0, hi = f->n_letters;
  while (lo < hi) {
    uint32_t mid = (lo + hi) / 2;
    if (f->letters[mid] < c) lo = mid + 1;
    else hi = mid;
  }
  return lo < f->n_letters && f->letters[lo] == c;
}

/* Arc range of node `n` for input symbol `sym`: sets [*a, *b).  Hot path:
 * a branch-free lower bound (conditional moves, no mispredictions), then a
 * scan over the run of equal inputs, which is usually one arc long. */
static inline void fst_arcs_for(const fst *f, uint32_t n, int32_t sym, uint32_t *a, uint32_t *b) {
  uint32_t lo = f->node[n].first, hi = f->node[n + 1].first;
  const fst_arc *arc = f->arc;
  if ((uint32_t)sym < FST_DENSE_SYMS && f->node[n].dense != FST_NO_DENSE) {
    const fst_range *r = &f->dense[(size_t)f->node[n].dense * FST_DENSE_SYMS + (uint32_t)sym];
    *a = r->lo;
    *b = r->hi;
    return;
  }
  uint32_t len = hi - lo;
  if (len <= 6) { /* most nodes: a short linear scan */
    while (lo < hi && arc[lo].in < sym) lo++;
  } else {
    uint32_t base = lo;
    while (len > 1) {
      uint32_t half = len / 2;
      base = arc[base + half - 1].in < sym ? base + half : base;
      len -= half;
    }
    lo = base + (arc[base].in < sym);
  }
  uint32_t e = lo;
  while (e < hi && arc[e].in == sym) e++;
  *a = lo;
  *b = e;
}

/* libstdc++'s std::sort of `n` records by ascending key (introsort; equal
 * keys end up in the order std::sort leaves them, which is not stable above
 * 16 records).  Shared by lt-proc's analysis order and lrx-proc's candidate
 * order.  Keys must not be NaN. */
typedef struct sortrec {
  double key;
  uint32_t idx;
} sortrec;
void std_sort_by_key(sortrec *a, size_t n);

/* ---- processors (lt-proc) ---- */

typedef enum {
  FST_MODE_ANALYSIS,   /* lt-proc [-a] [-w] [-c] [-e] */
  FST_MODE_GENERATION, /* lt-proc -g -n -d -l -m -C */
  FST_MODE_BILINGUAL,  /* lt-proc -b [-o] */
  FST_MODE_POSTGEN,    /* lt-proc -p */
  FST_MODE_TRANSLIT    /* lt-proc -t / -x */
} fst_mode;

typedef enum { /* lttoolbox GenerationMode */
  FST_GM_UNKNOWN,     /* -g (default) */
  FST_GM_CLEAN,       /* -n */
  FST_GM_ALL,         /* -d */
  FST_GM_TAGGED,      /* -l */
  FST_GM_TAGGED_NM,   /* -m */
  FST_GM_CAREFULCASE  /* -C */
} fst_genmode;

typedef struct fst_opts {
  fst_mode mode;
  fst_genmode gm;
  int case_sensitive;   /* -c */
  int dictionary_case;  /* -w */
  int null_flush;       /* -z */
  int decompose;        /* -e */
  int surface_bil;      /* -o */
  int no_default_ignore;/* -I */
  size_t size_hint;     /* bytes of input expected (0: unknown, e.g. a stream): sizes the analysis cache */
  int keep_initials;    /* -p, not lt-proc's: a word's capital initial that a rule's output writes in lower
                           case stays a capital ("~y Idaho" -> "e Idaho", lt-proc gives "e idaho"); news mode */
  const char *files[3]; /* transducer, input (NULL: stdin), output (NULL: stdout) */
} fst_opts;

typedef struct fst_proc fst_proc;

/* Checks that `f` can run in `opts->mode` (lt-proc's valid() and section
 * types) and creates the per-run state.  Errors name the reason.
 * Analysis keeps a prefix cache (acache.h) and generation and bilingual
 * lookup a word cache; they change no output.  The environment variable
 * PARLEY_NO_CACHE turns the analysis cache off, for tests and benchmarks. */
int fst_proc_create(fst_proc **out, const fst *f, const fst_opts *opts, pl_err *e);
void fst_proc_free(fst_proc *p);
/* Runs over the whole input, writing to `out` (flushed at each NUL with -z).
 * Returns PL_OK or an error (malformed stream, invalid UTF-8, output). */
int fst_proc_run(fst_proc *p, pl_in *in, pl_out *out, pl_err *e);

/* Parses lt-proc's command line (argv[0] is "lt-proc") into opts, including
 * the file arguments.  Returns PL_EUSAGE with a message. */
int fst_parse_args(int argc, char **argv, fst_opts *opts, pl_err *e);

#endif
