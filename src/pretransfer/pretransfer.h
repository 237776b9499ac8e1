/*
 * pretransfer.h - apertium-pretransfer (see pretransfer.c).
 */
#ifndef PL_PRETRANSFER_H
#define PL_PRETRANSFER_H

#include "../base/base.h"

typedef struct ptx_opts {
  int null_flush;    /* -z */
  int surface_forms; /* -n: units start with a surface form */
  int compound_sep;  /* -e: '~' separates compounds */
} ptx_opts;

/* Reads the whole stream from `in`, writes to `out`. */
int ptx_run(pl_in *in, pl_out *out, const ptx_opts *o, pl_err *e);
/* `parley stage apertium-pretransfer ARGS...` */
int ptx_main(int argc, char **argv, int in_fd, int out_fd, pl_err *e);

#endif
