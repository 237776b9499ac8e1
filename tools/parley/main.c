/*
 * main.c - the `parley` command-line tool, a thin client of libparley.
 *
 *   parley stage PROGRAM [ARGS...]   run one Apertium stage like Debian's program
 *   parley version
 *
 * Exit codes: 0 success, 1 runtime error (bad input or data), 2 usage error.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "parley.h"

static void usage(FILE *f) {
  fprintf(f,
          "usage: parley stage PROGRAM [ARGS...]\n"
          "       parley version\n"
          "\n"
          "  stage    run one Apertium stage from stdin to stdout, byte-identical\n"
          "           to the Debian program of that name: lt-proc, apertium-destxt,\n"
          "           apertium-retxt, apertium-wblank-attach, apertium-wblank-detach\n");
}

int main(int argc, char **argv) {
  if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
    usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
    printf("parley %s\n", parley_version());
    return 0;
  }
  if (!strcmp(argv[1], "stage")) {
    if (argc < 3) {
      usage(stderr);
      return 2;
    }
    parley_error err;
    int rc = parley_stage(argc - 2, argv + 2, STDIN_FILENO, STDOUT_FILENO, &err);
    if (rc) {
      fprintf(stderr, "parley: %s\n", err.message);
      return rc == PARLEY_EUSAGE ? 2 : 1;
    }
    return 0;
  }
  fprintf(stderr, "parley: unknown command '%s'\n", argv[1]);
  usage(stderr);
  return 2;
}
