/*
 * api.c - the public entry points of include/parley.h, mapping the internal
 * error record to the public one.
 */
#include <string.h>

#include "../include/parley.h"
#include "stage/stage.h"

const char *parley_version(void) { return PARLEY_VERSION; }

static void export_err(const pl_err *in, parley_error *out) {
  if (!out) return;
  out->code = in->code;
  out->offset = in->off;
  memcpy(out->message, in->msg, sizeof out->message < sizeof in->msg ? sizeof out->message : sizeof in->msg);
  out->message[sizeof out->message - 1] = 0;
}

int parley_stage(int argc, char **argv, int in_fd, int out_fd, parley_error *err) {
  pl_err e;
  pl_err_clear(&e);
  int rc = stage_main(argc, argv, in_fd, out_fd, &e);
  if (rc) export_err(&e, err);
  else if (err) {
    err->code = 0;
    err->offset = -1;
    err->message[0] = 0;
  }
  return rc;
}
