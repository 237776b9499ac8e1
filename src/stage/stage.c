/*
 * stage.c - the dispatcher behind `parley stage`: maps a Debian program name
 * to the parley implementation of that stage and wires its files.
 */
#include <string.h>

#include "../format/format.h"
#include "../fst/fst.h"
#include "../lrx/lrx.h"
#include "../pretransfer/pretransfer.h"
#include "../tagger/hmm.h"
#include "../transfer/trx.h"
#include "stage.h"

static int ltproc_cb(pl_in *in, pl_out *out, void *arg, pl_err *e) { return fst_proc_run(arg, in, out, e); }

static int ltproc_main(int argc, char **argv, int in_fd, int out_fd, pl_err *e) {
  fst_opts o;
  int rc = fst_parse_args(argc, argv, &o, e);
  if (rc) return rc;
  fst *f = NULL;
  fst_proc *p = NULL;
  if ((rc = fst_load_file(&f, o.files[0], e))) return rc;
  if (!(rc = fst_proc_create(&p, f, &o, e)))
    rc = pl_run_files("lt-proc", o.files[1], o.files[2], in_fd, out_fd, ltproc_cb, p, e);
  fst_proc_free(p);
  fst_free(f);
  return rc;
}

typedef int (*stage_fn)(int, char **, int, int, pl_err *);

static const struct {
  const char *name;
  stage_fn fn;
} table[] = {
    {"lt-proc", ltproc_main},
    {"apertium-destxt", fmt_destxt_main},
    {"apertium-retxt", fmt_retxt_main},
    {"apertium-wblank-attach", fmt_wblank_attach_main},
    {"apertium-wblank-detach", fmt_wblank_detach_main},
    {"apertium-pretransfer", ptx_main},
    {"apertium-tagger", hmm_main},
    {"lrx-proc", lrx_main},
    {"apertium-transfer", trx_transfer_main},
    {"apertium-interchunk", trx_interchunk_main},
    {"apertium-postchunk", trx_postchunk_main},
};

const char *const stage_programs[] = {"lt-proc", "apertium-destxt", "apertium-retxt", "apertium-wblank-attach",
                                      "apertium-wblank-detach", "apertium-pretransfer", "apertium-tagger", "lrx-proc",
                                      "apertium-transfer", "apertium-interchunk", "apertium-postchunk", NULL};

int stage_main(int argc, char **argv, int in_fd, int out_fd, pl_err *e) {
  if (argc < 1) return pl_err_set(e, PL_EUSAGE, -1, "stage: missing program name");
  const char *name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
    if (!strcmp(table[i].name, name)) return table[i].fn(argc, argv, in_fd, out_fd, e);
  return pl_err_set(e, PL_EUSAGE, -1, "stage: unknown program '%s'", name);
}
