/*
 * lrx.h - lexical selection: apertium-lex-tools' lrx-proc (0.4.2, as Debian
 * 12 ships it) over the rule files Debian ships (*.autolex.bin).
 *
 * lrx-proc sits after bilingual lookup: each lexical unit of the stream is
 * "^source/translation1/translation2...$", and the rules (weighted patterns
 * over source-language words) choose or remove translations.  A loaded rule
 * set (lrx) is immutable and may be shared by threads; lrx_run keeps all
 * per-run state.
 */
#ifndef PL_LRX_H
#define PL_LRX_H

#include <stdio.h>

#include "../base/base.h"

typedef struct lrx lrx;

/* Parses and validates a whole .autolex.bin image; `name` is used in
 * messages, which give the byte offset of the fault.  PL_ECORRUPT for a bad
 * or truncated file, PL_ENOMEM. */
int lrx_load_buffer(lrx **out, const char *buf, size_t len, const char *name, pl_err *e);
int lrx_load_file(lrx **out, const char *path, pl_err *e);
void lrx_free(lrx *x);

typedef struct lrx_opts {
  int null_flush; /* -z: flush at each NUL */
  FILE *trace;    /* -t: the rules applied, one line each (NULL: off) */
  FILE *warn;     /* "Recogniser not found" warnings, as Debian prints them (NULL: off) */
} lrx_opts;

/* Reads the whole stream from `in`, writes to `out`.  Errors: invalid UTF-8
 * (with its offset, after writing what was complete), PL_ECORRUPT for a rule
 * output Debian would abort on, PL_ELIMIT when the rules keep more paths
 * alive than LRX_MAX_PATHS, PL_ENOMEM, PL_EIO. */
int lrx_run(const lrx *x, const lrx_opts *o, pl_in *in, pl_out *out, pl_err *e);

/* `parley stage lrx-proc [-m] [-z] [-t] FILE.bin [IN [OUT]]` */
int lrx_main(int argc, char **argv, int in_fd, int out_fd, pl_err *e);

#endif
