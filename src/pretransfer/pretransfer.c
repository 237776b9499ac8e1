/*
 * pretransfer.c - apertium-pretransfer: splits multiword analyses joined
 * with '+' into separate lexical units and moves the invariable part of a
 * multiword (after '#') in front of the tags, so that structural transfer
 * sees one lexical form per unit:
 *
 *   ^bank<n><sg># of the river$   ->  ^bank# of the river<n><sg>$
 *   ^del<pr>+el<det><def><m><sg>$ ->  ^del<pr>$ ^el<det><def><m><sg>$
 *
 * A port of apertium 3.8.3's pretransfer.cc (procWord, processStream),
 * including its quirks: inside a unit a backslash is an ordinary character
 * (an escaped '$' still ends the unit), and text outside units is copied
 * with escapes kept.  Where Debian loops for ever or exits on an unexpected
 * end of input, parley stops with an error that gives the offset.
 *
 * Flags: -n (the units carry surface forms: skip up to the first '/'; the
 * name is inverted in Debian too), -e ('~' separates compounds), -z (flush
 * at each NUL).
 */
#include <string.h>

#include "../base/args.h"
#include "../base/scan.h"
#include "../base/u8in.h"
#include "pretransfer.h"

typedef struct ptx {
  u8in r;
  pl_out *out;
  const ptx_opts *o;
  ubuf buf;
  pl_err *e;
} ptx;

static int unexpected_eof(ptx *t) {
  return pl_err_set(t->e, PL_EINPUT, pl_in_offset(t->r.in),
                    "apertium-pretransfer: unexpected end of input inside a lexical unit (byte %lld)",
                    pl_in_offset(t->r.in));
}

/* A word-bound blank "[[...]]" after its "[[", copied and also returned. */
static int copy_wblank(ptx *t, ubuf *wb) {
  wb->len = 0;
  ubuf_put_ascii(wb, "[[");
  for (;;) {
    int32_t c = u8in_get(&t->r);
    if (u8in_eof(&t->r)) return unexpected_eof(t);
    ubuf_put_cp(wb, c);
    out_cp(t->out, c);
    if (c == '\\') {
      c = u8in_get(&t->r);
      ubuf_put_cp(wb, c);
      out_cp(t->out, c);
    } else if (c == ']') {
      c = u8in_get(&t->r);
      if (c == ']') {
        ubuf_put_cp(wb, c);
        out_cp(t->out, c);
        return PL_OK;
      }
      /* Debian drops a character that follows a single ']' here */
    }
  }
}

static void buf_split(ptx *t, const char *sep, const ubuf *wb) {
  ubuf_put_ascii(&t->buf, sep);
  if (wb) ubuf_append(&t->buf, wb->p, wb->len);
  ubuf_push(&t->buf, '^');
}

/* procWord: the body of a unit, after its '^'. */
static int word(ptx *t, const ubuf *wb) {
  int buffer_mode = 0, in_tag = 0, queuing = 0;
  t->buf.len = 0;
  if (t->o->surface_forms) {
    for (;;) {
      int32_t c = u8in_get(&t->r);
      if (u8in_eof(&t->r)) return unexpected_eof(t); /* Debian loops for ever here */
      if (c == '/') break;
    }
  }
  for (;;) {
    int32_t c = u8in_get(&t->r);
    if (c == '$' && !u8in_eof(&t->r)) break;
    if (u8in_eof(&t->r)) return unexpected_eof(t);
    if (c == '<') {
      in_tag = 1;
      buffer_mode = 1;
    } else if (c == '>') {
      in_tag = 0;
    } else if (c == '#' && buffer_mode) {
      buffer_mode = 0;
      queuing = 1;
    }
    if (buffer_mode) {
      if ((c != '+' || in_tag) && (c != '~' || in_tag)) ubuf_put_cp(&t->buf, c);
      else if (!in_tag && c == '+') buf_split(t, "$ ", wb);
      else if (!in_tag && c == '~' && t->o->compound_sep) buf_split(t, "$", wb);
    } else if (c == '+' && queuing) {
      buf_split(t, "$ ", wb);
      buffer_mode = 1;
    } else {
      out_cp(t->out, c);
    }
  }
  out_u16(t->out, t->buf.p, t->buf.len);
  return PL_OK;
}

/* The fast path, for the common unit that pretransfer leaves as it is: at
 * a '^' in the current input chunk (nothing pushed back), a body without
 * '+', '#', '~' or NUL, of valid UTF-8, ending with '$' within the chunk,
 * is copied with its '^' and '$' in one go.  Returns 1 if it did, 0 to let
 * the character loop read the unit.  (Without -n only: -n units skip their
 * surface form.) */
static int fast_unit(ptx *t) {
  pl_in *in = t->r.in;
  if (t->r.n_back || t->o->surface_forms) return 0;
  const unsigned char *s = (const unsigned char *)in->p + in->pos;
  size_t n = in->len - in->pos, i = 1; /* s[0] is the '^' */
  for (;;) {
    i = pl_scan4(s, i, n, '$', '+', '#', '~');
    if (i >= n) return 0;
    unsigned c = s[i];
    if (c == '$') break;
    if (c < 0x80) return 0; /* '+', '#', '~' or NUL */
    int k = utf8_lead_len((unsigned char)c);
    if (k < 2 || (size_t)k > n - i || utf8_decode(s + i, k) < 0) return 0;
    i += (size_t)k;
  }
  out_bytes(t->out, s, i + 1);
  in->pos += i + 1;
  return 1;
}

int ptx_run(pl_in *in, pl_out *out, const ptx_opts *o, pl_err *e) {
  ptx t;
  memset(&t, 0, sizeof t);
  u8in_init(&t.r, in);
  t.out = out;
  t.o = o;
  t.e = e;
  ubuf wb = {0};
  int rc = PL_OK;
  for (;;) {
    if (!t.r.n_back && in->pos < in->len && in->p[in->pos] == '^' && fast_unit(&t)) {
      pl_out_maybe_spill(out);
      continue;
    }
    int32_t c = u8in_get(&t.r);
    if (u8in_eof(&t.r)) break;
    if (c == '[') {
      out_byte(out, '[');
      c = u8in_get(&t.r);
      if (c == '[') {
        out_byte(out, '[');
        if ((rc = copy_wblank(&t, &wb))) break;
        c = u8in_get(&t.r);
        if (c != '^' || u8in_eof(&t.r)) {
          rc = pl_err_set(e, PL_EINPUT, pl_in_offset(in),
                          "apertium-pretransfer: a word-bound blank is not followed by a lexical unit (byte %lld)",
                          pl_in_offset(in));
          break;
        }
        out_byte(out, '^');
        if ((rc = word(&t, &wb))) break;
        out_byte(out, '$');
      } else {
        /* readAndWriteUntil(']') */
        u8in_unget(&t.r, c);
        for (;;) {
          c = u8in_get(&t.r);
          if (c == ']' && !u8in_eof(&t.r)) break;
          if (u8in_eof(&t.r)) {
            rc = unexpected_eof(&t);
            break;
          }
          out_cp(out, c);
          if (c == '\\') out_cp(out, u8in_get(&t.r));
        }
        if (rc) break;
        out_byte(out, ']');
      }
    } else if (c == '\\') {
      out_byte(out, '\\');
      out_cp(out, u8in_get(&t.r)); /* at the end, U+FFFF, as Debian writes */
    } else if (c == '^') {
      out_byte(out, '^');
      if ((rc = word(&t, NULL))) break;
      out_byte(out, '$');
    } else if (c == 0) {
      out_byte(out, 0);
      if (o->null_flush) pl_out_flush(out);
    } else {
      out_cp(out, c);
    }
    pl_out_maybe_spill(out);
  }
  ubuf_free(&wb);
  ubuf_free(&t.buf);
  if (!rc) rc = u8in_check(&t.r, "apertium-pretransfer", e);
  if (!rc && (out->b.failed || t.buf.failed)) rc = pl_err_set(e, PL_ENOMEM, -1, "apertium-pretransfer: out of memory");
  pl_out_flush(out);
  if (!rc && out->err) rc = pl_err_set(e, PL_EIO, -1, "apertium-pretransfer: error writing output");
  return rc;
}

static int run_cb(pl_in *in, pl_out *out, void *arg, pl_err *e) { return ptx_run(in, out, arg, e); }

static const arg_opt opts[] = {
    {'z', "null-flush", 0}, {'n', "no-surface-forms", 0}, {'e', "compounds", 0}, {'h', "help", 0}};

int ptx_main(int argc, char **argv, int in_fd, int out_fd, pl_err *e) {
  arg_result r;
  int rc = args_parse("apertium-pretransfer", argc, argv, opts, 4, 2, &r, e);
  if (rc) return rc;
  if (r.seen['h'])
    return pl_err_set(e, PL_EUSAGE, -1, "USAGE: apertium-pretransfer [-n] [-e] [-z] [input_file [output_file]]");
  ptx_opts o = {r.seen['z'] > 0, r.seen['n'] > 0, r.seen['e'] > 0};
  return pl_run_files("apertium-pretransfer", r.n_files >= 1 ? r.files[0] : NULL, r.n_files >= 2 ? r.files[1] : NULL,
                      in_fd, out_fd, run_cb, &o, e);
}
