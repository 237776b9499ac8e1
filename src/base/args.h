/*
 * args.h - a small, reentrant getopt_long work-alike for the stage programs
 * we emulate (lt-proc, apertium-destxt, ...): short flags may be clustered
 * ("-cp"), options and file arguments may be mixed in any order (GNU
 * permutation), "--" ends the options, and long names map to short ones.
 * No global state, so pipelines can be parsed from any thread.
 */
#ifndef PL_ARGS_H
#define PL_ARGS_H

#include "base.h"

typedef struct arg_opt {
  char short_name;
  const char *long_name;
  int takes_value;
} arg_opt;

typedef struct arg_result {
  int seen[128];          /* count per short flag */
  const char *value[128]; /* last value of an option with an argument */
  const char *files[8];
  int n_files;
} arg_result;

/* Parses argv[1..argc).  Returns PL_OK or PL_EUSAGE with a message naming
 * the program and the offending argument. */
int args_parse(const char *prog, int argc, char **argv, const arg_opt *opts, int n_opts, int max_files,
               arg_result *r, pl_err *e);

#endif
