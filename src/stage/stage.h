/*
 * stage.h - `parley stage PROGRAM ARGS...`: run one Apertium stage program,
 * reading stdin (or its input file argument) and writing stdout (or its
 * output file argument), with the same arguments and the same output bytes
 * as the Debian program of that name.
 */
#ifndef PL_STAGE_H
#define PL_STAGE_H

#include "../base/base.h"

/* argv[0] is the program name (e.g. "lt-proc").  Returns PL_OK or an error
 * with `e` filled; PL_EUSAGE for an unknown program or bad flags. */
int stage_main(int argc, char **argv, int in_fd, int out_fd, pl_err *e);

/* Names of the programs stage_main knows, NULL-terminated. */
extern const char *const stage_programs[];

#endif
