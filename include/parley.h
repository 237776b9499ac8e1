/*
 * parley.h - the public interface of libparley.
 *
 * parley runs Apertium's machine-translation pipelines, from the compiled
 * data that Debian ships, inside one process.  This header is all that
 * programs embedding parley include; every type behind it is opaque.
 *
 * Ownership: functions never take ownership of their arguments; anything a
 * function returns through a pointer is documented at that function.
 * Errors: functions return 0 (PARLEY_OK) on success or a PARLEY_E* code, and
 * fill the caller's parley_error with a message naming the file, offset or
 * argument at fault.
 */
#ifndef PARLEY_H
#define PARLEY_H

#ifdef __cplusplus
extern "C" {
#endif

#define PARLEY_VERSION "0.1.0"

enum {
  PARLEY_OK = 0,
  PARLEY_ENOMEM = 1,      /* out of memory, or an input exceeded a size limit */
  PARLEY_ECORRUPT = 2,    /* a data file is malformed */
  PARLEY_EINPUT = 3,      /* the input text or stream is malformed */
  PARLEY_EIO = 4,         /* a file could not be read or written */
  PARLEY_EUSAGE = 5,      /* bad arguments */
  PARLEY_EUNSUPPORTED = 6, /* valid, but not implemented by parley */
  PARLEY_ELIMIT = 7        /* a safety limit was reached (size, paths, time) */
};

typedef struct parley_error {
  int code;
  long long offset; /* byte offset in the file or stream at fault, or -1 */
  char message[512];
} parley_error;

/* The library's version string, e.g. "0.1.0". */
const char *parley_version(void);

/* Runs one Apertium stage program by its Debian name, e.g.
 *   char *argv[] = {"lt-proc", "-b", "eng-spa.autobil.bin"};
 * reading `in_fd` and writing `out_fd` (unless the program's own file
 * arguments name files), with the same output bytes as the Debian program.
 * The descriptors stay open.  Returns PARLEY_OK or an error code. */
int parley_stage(int argc, char **argv, int in_fd, int out_fd, parley_error *err);

#ifdef __cplusplus
}
#endif
#endif
