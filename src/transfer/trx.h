/*
 * trx.h - Apertium's structural transfer: apertium-transfer (.t1x),
 * apertium-interchunk (.t2x) and apertium-postchunk (.t3x), as the modes run
 * them.  A rule set is the compiled pattern file (.bin, made by
 * apertium-preprocess-transfer) plus the rule XML it was compiled from; both
 * are read once, at load, into an immutable trx_rules.  Running it needs a
 * trx_run context (variables, buffers), one per thread.
 *
 * trx_load.c reads the .bin, trx_xml.c compiles the XML, trx_run.c is the
 * matcher and the interpreter, trx_re.c the attribute regular expressions.
 */
#ifndef PL_TRX_H
#define PL_TRX_H

#include "../base/base.h"

typedef enum { TRX_TRANSFER, TRX_INTERCHUNK, TRX_POSTCHUNK } trx_kind;

typedef struct trx_rules trx_rules;

typedef struct trx_opts {
  int pre_bilingual; /* apertium-transfer -b: input units are ^sl/tl[/ref]$ */
  int null_flush;    /* -z */
} trx_opts;

/* Loads `xml_path` (the .t1x/.t2x/.t3x) and `bin_path` (its compiled
 * patterns).  Errors name the file and the byte offset or line. */
int trx_load(trx_rules **out, trx_kind kind, const char *xml_path, const char *bin_path, pl_err *e);
/* The same from memory (for the fuzz target): the XML and .bin images. */
int trx_load_buffers(trx_rules **out, trx_kind kind, const char *xml, size_t xml_len, const char *bin,
                     size_t bin_len, pl_err *e);
/* The same with the names used in messages. */
int trx_load_named(trx_rules **out, trx_kind kind, const char *xml, size_t xml_len, const char *xml_name,
                   const char *bin, size_t bin_len, const char *bin_name, pl_err *e);
void trx_free(trx_rules *r);

/* Runs the whole stream.  State that Debian keeps for the whole run
 * (variables) lives in the call, so each call equals one Debian process. */
int trx_run(const trx_rules *r, const trx_opts *o, pl_in *in, pl_out *out, pl_err *e);

/* `parley stage apertium-transfer|apertium-interchunk|apertium-postchunk ARGS...` */
int trx_transfer_main(int argc, char **argv, int in_fd, int out_fd, pl_err *e);
int trx_interchunk_main(int argc, char **argv, int in_fd, int out_fd, pl_err *e);
int trx_postchunk_main(int argc, char **argv, int in_fd, int out_fd, pl_err *e);

#endif
