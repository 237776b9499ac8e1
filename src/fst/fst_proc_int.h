/*
 * fst_proc_int.h - the processor state shared by the lt-proc modes
 * (fst_proc.c: analysis, generation, bilingual; translit.c: -p/-t/-x).
 *
 * Everything lt-proc keeps between words lives here, so one fst_proc run
 * behaves like one lt-proc process: the blank queue, the 2048-symbol replay
 * buffer of analysis, the out-of-word flag of generation and bilingual, and
 * the word queues of transliteration.
 */
#ifndef PL_FST_PROC_INT_H
#define PL_FST_PROC_INT_H

#include "../base/i32vec.h"
#include "../base/kvcache.h"
#include "acache.h"
#include "fst_int.h"

/* Output-pool entries kept for the analysis cache's snapshots before the
 * cache is emptied and the pool rewound. */
#define AC_POOL_MAX (1u << 22)

/* A FIFO (with push_front for transliteration) of UTF-16 strings. */
typedef struct uqueue {
  ubuf *v; /* ring of cap entries */
  size_t head, n, cap;
} uqueue;

/* A deque of symbol arrays (transliteration words). */
typedef i32vec symvec;
typedef struct symdeque {
  symvec *v;
  size_t head, n, cap;
  int failed; /* a push failed (sticky) */
} symdeque;

/* lttoolbox Buffer<int>: the circular replay buffer of analysis. */
#define IBUF_SIZE 2048
typedef struct ibuf {
  int32_t buf[IBUF_SIZE];
  unsigned cur, last;
} ibuf;

struct fst_proc {
  const fst *f;
  fst_opts o;
  fst_engine E;
  fstate initial;
  uint32_t pool_base; /* pool size after building the initial state */
  int finals_mask;    /* all_finals */
  u8in r;
  pl_out *out;
  uqueue blanks;
  int out_of_word;
  int null_flush_gen; /* nullFlushGeneration */
  ibuf ib;
  /* -e */
  int32_t cmp_only_l, cmp_r;
  /* transliteration */
  uqueue wblanks;
  symdeque tq;
  int drop_tilde;
  int rewrite_loop; /* transliteration gave up on a word rewritten for ever */
  ubuf tl_blank, tl_wblank; /* scratch of the word reader */
  symvec tl_word;
  /* analysis prefix cache (acache.h); off with -e, whose decisions look
   * inside the State */
  acache ac;
  int ac_on;
  int ac_full; /* the cache is to be emptied at the end of the token */
  /* a ' ' read as the first symbol of a token is only printed (it is no
   * letter, and the initial State is not final and dies on it) */
  int space_alone;
  /* word cache of generation and bilingual lookup: a unit's symbols ->
   * its output (off with -o, whose output also depends on the surface) */
  kvcache wc;
  /* and a cache of whole units by their text, in front of it (rawcache in
   * fst_proc.c): a unit's bytes -> its output bytes */
  kvcache rc;
  int rc_on;
  int rc_pending;  /* the unit being read is to be stored under rc_key */
  bbuf rc_key;
  size_t rc_mark;  /* where the unit's output starts in out->b */
  /* scratch */
  ubuf tmp, tmp2;
};

/* Printable form of a symbol, honouring symbols hidden by -e. */
static inline void proc_sym_append(const struct fst_proc *p, ubuf *b, int32_t sym) {
  if (sym < 0 && (sym == p->E.hide1 || sym == p->E.hide2)) return;
  fst_sym_append(p->f, b, sym);
}

/* queues */
void uq_free(uqueue *q);
int uq_push(uqueue *q, const uint16_t *s, size_t n);
/* uq_push of one unit, inline while the queue and the slot have room */
static inline int uq_push_unit(uqueue *q, uint16_t c) {
  if (q->n < q->cap) {
    size_t k = q->head + q->n;
    ubuf *b = &q->v[k >= q->cap ? k - q->cap : k];
    if (b->cap) {
      b->p[0] = c;
      b->len = 1;
      q->n++;
      return 0;
    }
  }
  return uq_push(q, &c, 1);
}
int uq_push_front(uqueue *q, const uint16_t *s, size_t n);
const ubuf *uq_front(const uqueue *q); /* an empty string when the queue is empty */
void uq_pop(uqueue *q);
void sd_free(symdeque *d);
symvec *sd_at(symdeque *d, size_t i);
int sd_push_back(symdeque *d, const int32_t *p, size_t n);
int sd_push_front(symdeque *d, const int32_t *p, size_t n);
void sd_pop_front(symdeque *d);

/* shared helpers */
void proc_reset_state(struct fst_proc *p, fstate *s);
void proc_write_blank_front(struct fst_proc *p);
void proc_flush_blanks(struct fst_proc *p);
uint16_t *u_readblock(u8in *r, int32_t start, int32_t end, ubuf *out);
void u_finish_wblank(u8in *r, ubuf *out);
int proc_transliteration(struct fst_proc *p);

#endif
