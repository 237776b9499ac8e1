/*
 * fmt_cli.c - plumbing shared by the format stages (see fmt_int.h): the
 * end-of-run checks and the opening of the optional input/output files of
 * the `parley stage apertium-...` front ends.  Kept apart so that each stage
 * file holds only its own scanner and its own command-line rules.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "fmt_int.h"

int fmt_finish(const char *prog, int rc, pl_in *in, pl_out *out, pl_err *e) {
  if (!rc && in->io_error) rc = pl_err_set(e, PL_EIO, pl_in_offset(in), "%s: error reading the input", prog);
  if (!rc && out->b.failed) rc = pl_err_set(e, PL_ENOMEM, -1, "%s: out of memory", prog);
  pl_out_flush(out);
  if (!rc && out->err) rc = pl_err_set(e, PL_EIO, -1, "%s: error writing the output", prog);
  return rc;
}

int fmt_run_files(const char *prog, const char *in_path, const char *out_path, int in_fd, int out_fd,
                  fmt_body_fn body, const void *ctx, pl_err *e) {
  int ifd = in_fd, ofd = out_fd, rc;
  pl_in in;
  pl_out out;
  if (in_path) {
    ifd = open(in_path, O_RDONLY);
    if (ifd < 0) return pl_err_set(e, PL_EIO, -1, "%s: cannot open '%s' for reading: %s", prog, in_path, strerror(errno));
  }
  if (out_path) {
    ofd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (ofd < 0) {
      rc = pl_err_set(e, PL_EIO, -1, "%s: cannot open '%s' for writing: %s", prog, out_path, strerror(errno));
      goto done;
    }
  }
  if (pl_in_init_fd(&in, ifd)) {
    rc = pl_err_set(e, PL_ENOMEM, -1, "%s: out of memory", prog);
    goto done;
  }
  pl_out_init_fd(&out, ofd);
  rc = body(&in, &out, ctx, e);
  pl_out_fini(&out);
  pl_in_fini(&in);
done:
  if (in_path) close(ifd);
  if (out_path && ofd >= 0 && close(ofd) && !rc)
    rc = pl_err_set(e, PL_EIO, -1, "%s: error closing '%s': %s", prog, out_path, strerror(errno));
  return rc;
}

int fmt_write_fd(int fd, const char *s, pl_err *e) {
  size_t n = strlen(s);
  while (n) {
    ssize_t w = write(fd, s, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return pl_err_set(e, PL_EIO, -1, "cannot write: %s", strerror(errno));
    }
    s += w;
    n -= (size_t)w;
  }
  return PL_OK;
}
