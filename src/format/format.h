/*
 * format.h - deformatters and reformatters: plain text to Apertium's stream
 * and back (apertium-destxt / apertium-retxt), and the word-bound-blank
 * stages that apertium-wblank-mode inserts (apertium-wblank-attach /
 * apertium-wblank-detach).
 *
 * Each function reads the whole of `in` and writes to `out`; it returns
 * PL_OK or an error code with `e` filled.  None keeps state between calls.
 */
#ifndef PL_FORMAT_H
#define PL_FORMAT_H

#include "../base/base.h"

typedef struct fmt_txt_opts {
  int no_dot;      /* destxt -n: do not insert '.' before sentence ends */
  int eos_incond;  /* destxt -i */
  int mark_heading;/* destxt -o */
  int null_flush;  /* -z where the program accepts it */
} fmt_txt_opts;

int fmt_destxt(pl_in *in, pl_out *out, const fmt_txt_opts *o, pl_err *e);
int fmt_retxt(pl_in *in, pl_out *out, const fmt_txt_opts *o, pl_err *e);
int fmt_wblank_attach(pl_in *in, pl_out *out, int null_flush, pl_err *e);
int fmt_wblank_detach(pl_in *in, pl_out *out, int null_flush, pl_err *e);

/* Command-line front ends used by `parley stage`: argv[0] is the Debian
 * program name; file arguments, when the program takes them, replace the
 * given default descriptors. */
int fmt_destxt_main(int argc, char **argv, int in_fd, int out_fd, pl_err *e);
int fmt_retxt_main(int argc, char **argv, int in_fd, int out_fd, pl_err *e);
int fmt_wblank_attach_main(int argc, char **argv, int in_fd, int out_fd, pl_err *e);
int fmt_wblank_detach_main(int argc, char **argv, int in_fd, int out_fd, pl_err *e);

#endif
