/*
 * i32vec.h - a growable array of int32 (symbols, tags, Viterbi paths) with
 * a sticky failure flag: after a failed growth every later append is a
 * no-op and the owner reports out of memory once, at the end.
 */
#ifndef PL_I32VEC_H
#define PL_I32VEC_H

#include <stdlib.h>
#include <string.h>

#include "base.h"

typedef struct i32vec {
  int32_t *p;
  size_t n, cap;
  int failed;
} i32vec;

/* Makes room for `need` elements in all; 0 or -1 (and failed set). */
static inline int i32vec_reserve(i32vec *v, size_t need) {
  if (need <= v->cap) return 0;
  size_t cap = v->cap ? v->cap : 16;
  while (cap < need) cap *= 2;
  int32_t *q = v->failed ? NULL : pl_realloc_array(v->p, cap, sizeof *q);
  if (!q) {
    v->failed = 1;
    return -1;
  }
  v->p = q;
  v->cap = cap;
  return 0;
}

static inline void i32vec_push(i32vec *v, int32_t c) {
  if (v->n == v->cap && i32vec_reserve(v, v->n + 1)) return;
  v->p[v->n++] = c;
}

static inline void i32vec_append(i32vec *v, const int32_t *p, size_t n) {
  if (!n || i32vec_reserve(v, v->n + n)) return;
  memmove(v->p + v->n, p, n * sizeof *p);
  v->n += n;
}

/* Replaces the contents with p[0..n). */
static inline int i32vec_set(i32vec *v, const int32_t *p, size_t n) {
  v->n = 0;
  i32vec_append(v, p, n);
  return v->failed ? -1 : 0;
}

static inline void i32vec_free(i32vec *v) {
  free(v->p);
  memset(v, 0, sizeof *v);
}

#endif
