/*
 * hmm.h - apertium-tagger with HMM models (.prob), as the modes run it
 * (`apertium-tagger -g [-p] [-m] [-f] [-z] FILE.prob`): the model loader
 * and the tagger.  See hmm_load.c for the file format and hmm_tag.c for the
 * algorithm.
 */
#ifndef PL_HMM_H
#define PL_HMM_H

#include "../base/base.h"

typedef struct hmm_model hmm_model;

typedef struct hmm_opts {
  int show_sf;    /* -p: ^surface/lexical$ */
  int mark;       /* -m: ^= on ambiguous words */
  int first;      /* -f: all analyses, the chosen one first */
  int null_flush; /* -z */
} hmm_opts;

int hmm_load_buffer(hmm_model **out, const char *buf, size_t len, const char *name, pl_err *e);
int hmm_load_file(hmm_model **out, const char *path, pl_err *e);
void hmm_free(hmm_model *m);

/* Tags the whole stream `in` into `out`.  The model is not modified (the
 * state Debian mutates between words lives in the run). */
int hmm_run(const hmm_model *m, const hmm_opts *o, pl_in *in, pl_out *out, pl_err *e);

/* `parley stage apertium-tagger ARGS...` */
int hmm_main(int argc, char **argv, int in_fd, int out_fd, pl_err *e);

#endif
