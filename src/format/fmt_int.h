/*
 * fmt_int.h - helpers shared by the format stages (destxt.c, retxt.c,
 * wblank.c) and nothing else: direct access to the current input chunk for
 * the byte-scanning fast paths, the common end-of-run error checks, and the
 * file/descriptor plumbing of the `parley stage` front ends.
 */
#ifndef PL_FMT_INT_H
#define PL_FMT_INT_H

#include "format.h"

/* Makes sure the current chunk of `in` has at least one unread byte.
 * Returns 0 at end of input.  The scanners then work on
 * in->p[in->pos .. in->len) directly and store the new position back. */
static inline int fmt_fill(pl_in *in) { return in->pos < in->len || pl_in_peekb(in) >= 0; }

/* Final checks common to every stage: read error, allocation failure, write
 * error (in that order of precedence unless `rc` already holds an error).
 * Flushes `out` first.  Returns the resulting code. */
int fmt_finish(const char *prog, int rc, pl_in *in, pl_out *out, pl_err *e);

/* A stage body as run by fmt_run_files. */
typedef int (*fmt_body_fn)(pl_in *in, pl_out *out, const void *ctx, pl_err *e);

/* Opens `in_path` / `out_path` (NULL: use the given descriptor), runs `body`
 * and closes what it opened.  The input is opened before the output, so a
 * missing input never truncates an existing output file (Debian's flex
 * front ends open the output first). */
int fmt_run_files(const char *prog, const char *in_path, const char *out_path, int in_fd, int out_fd,
                  fmt_body_fn body, const void *ctx, pl_err *e);

/* Writes a whole string to a descriptor (help texts); PL_OK or PL_EIO. */
int fmt_write_fd(int fd, const char *s, pl_err *e);

#endif
