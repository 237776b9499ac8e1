/*
 * retxt.c - apertium-retxt: Apertium stream -> plain text, the inverse of
 * apertium-destxt.
 *
 * Debian's program is a flex scanner generated from apertium/txt-format.xml
 * by reformat.xsl.  Its rules, applied longest match first, are:
 *
 *   "[" or "]"            dropped (superblank brackets)
 *   "[@" [^]]+ "]"        a temporary file written by destxt: spliced in
 *   "[\@"                 "@"
 *   ".[]"                 dropped (the sentence end destxt added)
 *   "\" + one of []\/@<>^${}   that character
 *   any other byte        copied with fputs, so NUL bytes are dropped
 *
 * "[\@" needs no rule of its own here: dropping the "[" and unescaping "\@"
 * gives the same "@".  All remaining rules are at most three bytes long, so
 * the scanner is a four-state machine that carries its state across input
 * chunks and copies runs of ordinary bytes in bulk.
 *
 * fmt_txt_opts.null_flush (no Debian flag; for in-process -z pipelines)
 * flushes the output at each NUL, which is dropped either way; the other
 * options do not apply.  o may be NULL.
 *
 * Deliberate difference from Debian: "[@name]" is NOT treated as a file to
 * splice.  Debian opens that path, copies it to the output and deletes it,
 * which lets any text in the stream read and delete arbitrary files, and
 * parley's destxt never writes such temporary files (see destxt.c).  The
 * sequence goes through the ordinary rules instead: the brackets are
 * dropped and "@name" is copied ("[@a.[]" gives "@a").  Debian would either
 * splice a file or stop with "ERROR: File '...' not found."; neither can
 * happen with streams made by parley.
 */
#include <string.h>

#include "fmt_int.h"

enum { S_NORM, S_DOT, S_DOTBR, S_BS };

/* Bytes with a rule of their own: 1; ordinary bytes: 0. */
static const unsigned char rt_special[256] = {[0] = 1, ['['] = 1, [']'] = 1, ['.'] = 1, ['\\'] = 1};

/* The characters that "\X" unescapes. */
static const unsigned char rt_escaped[256] = {['['] = 1, [']'] = 1, ['\\'] = 1, ['/'] = 1, ['@'] = 1, ['<'] = 1,
                                              ['>'] = 1, ['^'] = 1, ['$'] = 1, ['{'] = 1, ['}'] = 1};

int fmt_retxt(pl_in *in, pl_out *out, const fmt_txt_opts *o, pl_err *e) {
  int state = S_NORM;
  int null_flush = o && o->null_flush;
  while (fmt_fill(in)) {
    const unsigned char *base = (const unsigned char *)in->p;
    const unsigned char *p = base + in->pos, *end = base + in->len;
    while (p < end) {
      unsigned c = *p;
      switch (state) {
      case S_NORM:
        if (!rt_special[c]) {
          const unsigned char *q = p + 1;
          while (q < end && !rt_special[*q]) q++;
          out_bytes(out, p, (size_t)(q - p));
          p = q;
          continue;
        }
        p++;
        if (c == '.') state = S_DOT;
        else if (c == '\\') state = S_BS;
        else if (c == 0 && null_flush) pl_out_flush(out);
        /* '[' and ']' are dropped */
        continue;
      case S_DOT:
        if (c == '[') {
          state = S_DOTBR;
          p++;
          continue;
        }
        out_byte(out, '.');
        state = S_NORM; /* c is read again in S_NORM */
        continue;
      case S_DOTBR:
        /* ".[]" is dropped; ".[" + other: the '.' is text, the '[' dropped. */
        if (c == ']') p++;
        else out_byte(out, '.');
        state = S_NORM;
        continue;
      default: /* S_BS */
        if (rt_escaped[c]) {
          out_byte(out, (int)c);
          p++;
        } else {
          out_byte(out, '\\'); /* c is read again in S_NORM */
        }
        state = S_NORM;
        continue;
      }
    }
    in->pos = (size_t)(p - base);
    pl_out_maybe_spill(out);
  }
  if (state == S_DOT || state == S_DOTBR) out_byte(out, '.');
  else if (state == S_BS) out_byte(out, '\\');
  return fmt_finish("apertium-retxt", PL_OK, in, out, e);
}

/* ---- command line ---- */

static const char retxt_usage[] = "USAGE: apertium-retxt [input_file [output_file]]\ntxt format processor \n";

static int retxt_body(pl_in *in, pl_out *out, const void *ctx, pl_err *e) {
  (void)ctx;
  return fmt_retxt(in, out, NULL, e);
}

/* Debian's main(): [input_file [output_file]], no options.  It answers an
 * argument it cannot open ("-h" included) or a third argument with the usage
 * on stderr and exit status 0; parley prints the usage for -h/--help the
 * same way and refuses other options and extra arguments with PL_EUSAGE. */
int fmt_retxt_main(int argc, char **argv, int in_fd, int out_fd, pl_err *e) {
  const char *files[2] = {NULL, NULL};
  int nf = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) return fmt_write_fd(2, retxt_usage, e);
    if (a[0] == '-' && a[1])
      return pl_err_set(e, PL_EUSAGE, -1, "apertium-retxt: unknown option '%s'\n%s", a, retxt_usage);
    if (nf == 2)
      return pl_err_set(e, PL_EUSAGE, -1, "apertium-retxt: too many file arguments ('%s')\n%s", a, retxt_usage);
    files[nf++] = a;
  }
  return fmt_run_files("apertium-retxt", files[0], files[1], in_fd, out_fd, retxt_body, NULL, e);
}
