/*
 * destxt.c - apertium-destxt: plain text -> Apertium stream.
 *
 * Debian's program is a flex scanner generated from apertium/txt-format.xml
 * by deformat.xsl.  Its observable behaviour, which this file reproduces byte
 * for byte (checked by tests/diff_format.sh):
 *
 *   - the blank characters are ' ', '\n', '\t', '\r' and '~'; a maximal run
 *     of them is held back until the next non-blank byte (or EOF) and then
 *     written by print_blank(): a single ' ' as itself, anything else
 *     (longer, or one non-space blank) as a superblank "[...]";
 *   - a run containing "\n\n" or "\r\n\r\n" sets the sentence-end ("dot")
 *     flag: ".[]" ("[]" with -n) is written before the run;
 *   - '[' ']' '\' '/' '@' '<' '>' '^' '$' '{' '}' are written as "\X";
 *   - every other byte is text and copied (UTF-8 sequences whole);
 *   - NUL bytes are dropped, but like any non-blank byte they end a blank
 *     run ("a \0 b" gives "a  b", not "a[  ]b");
 *   - at EOF the dot flag is set, so the output always ends with ".[]" and
 *     then the trailing blank run;
 *   - -i ("eos unconditional"): the flag is ignored and ".[]" is written
 *     before every bracketed run and once more at EOF;
 *   - -o marks the ends of headings, which only formats with heading rules
 *     have: in txt it is accepted and has no effect;
 *   - there is no -z: NULs are dropped, so fmt_txt_opts.null_flush is not
 *     used here.
 *
 * Deliberate differences from Debian (documented, not accidents):
 *
 *   1. Invalid UTF-8.  Debian accumulates the bytes of a character until
 *      they form valid UTF-8; after an invalid byte they never do, so all
 *      following non-blank text is silently dropped (and a character whose
 *      bytes are interrupted by a blank is written after that blank).
 *      parley refuses such input: PL_EINPUT with the byte offset of the bad
 *      sequence.  Output written before that point has been emitted.  A NUL
 *      inside a multi-byte character is skipped as Debian does (NULs are not
 *      text), so "\xc3\0\xa9" is "é" in both.
 *   2. Runs of more than 8192 blank characters.  Debian writes such a run to
 *      a temporary file and emits "[@/tmp/name]" (apertium-retxt splices the
 *      file back and deletes it).  parley never creates temporary files: the
 *      run stays inline as an ordinary superblank "[...]".  After
 *      apertium-retxt the text is the same; the intermediate stream is not.
 *      A run is held in memory until it ends (its sentence-end flag must be
 *      written before it); once the flag is known to be set and the run
 *      passes 1 MiB it is streamed instead, so only a run of over 1 GiB
 *      without a paragraph break (or, with -i, any such run) can exhaust
 *      the buffer cap (PL_ENOMEM).
 *
 * The scanner works on the input chunk in place and copies text runs in
 * bulk; it writes as it reads (nothing but a pending blank run is held).
 */
#include <string.h>

#include "fmt_int.h"

enum { C_TEXT, C_BLANK, C_ESC, C_NUL, C_HIGH };

#define H4 C_HIGH, C_HIGH, C_HIGH, C_HIGH
#define H16 H4, H4, H4, H4

static const unsigned char dt_class[256] = {
    [0] = C_NUL,     [' '] = C_BLANK, ['\n'] = C_BLANK, ['\t'] = C_BLANK, ['\r'] = C_BLANK, ['~'] = C_BLANK,
    ['['] = C_ESC,   [']'] = C_ESC,   ['\\'] = C_ESC,   ['/'] = C_ESC,    ['@'] = C_ESC,    ['<'] = C_ESC,
    ['>'] = C_ESC,   ['^'] = C_ESC,   ['$'] = C_ESC,    ['{'] = C_ESC,    ['}'] = C_ESC,
    [0x80] = H16, H16, H16, H16, H16, H16, H16, H16,
};

#undef H4
#undef H16

/* A blank run longer than this, once its dot flag is known, is streamed. */
#define DT_STREAM_AT ((size_t)1 << 20)

typedef struct destxt {
  pl_out *out;
  bbuf blank;     /* the pending blank run (empty while `open`) */
  int dot;        /* the run contains "\n\n" or "\r\n\r\n" */
  int open;       /* streaming a long run: its "[" and start are written */
  unsigned tail;  /* last three bytes of the run, for the dot patterns */
  int eos_incond; /* -i */
  const char *dot_str;
  size_t dot_len;
} destxt;

/* Debian's printBuffer(): writes the pending blank run, preceded by the
 * sentence end when due, and empties it. */
static void print_blank(destxt *st) {
  pl_out *out = st->out;
  if (st->dot && !st->eos_incond) {
    out_bytes(out, st->dot_str, st->dot_len);
    st->dot = 0;
  }
  size_t n = st->blank.len;
  if (st->open) {
    out_bytes(out, st->blank.p, n);
    out_byte(out, ']');
    st->open = 0;
  } else if (n > 1 || (n == 1 && st->blank.p[0] != ' ')) {
    /* The content is blank characters only, so it never needs escaping
     * and never starts with '@' (Debian's "[\@" case cannot arise here). */
    if (st->eos_incond) out_bytes(out, st->dot_str, st->dot_len);
    out_byte(out, '[');
    out_bytes(out, st->blank.p, n);
    out_byte(out, ']');
  } else if (n == 1) {
    out_byte(out, ' ');
  }
  st->blank.len = 0;
  st->tail = 0;
}

static inline void end_blank(destxt *st) {
  if (st->blank.len | (size_t)st->dot | (size_t)st->open) print_blank(st);
}

/* Adds blank bytes p[0..n) to the run, tracking the dot patterns. */
static void add_blank(destxt *st, const unsigned char *p, size_t n) {
  unsigned tail = st->tail;
  int found = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned c = p[i];
    /* "\n\n", or "\r\n\r\n" (tail holds the three bytes before c). */
    if (c == '\n' && ((tail & 0xFF) == '\n' || tail == (('\r' << 16) | ('\n' << 8) | '\r'))) found = 1;
    tail = ((tail << 8) | c) & 0xFFFFFF;
  }
  st->tail = tail;
  if (st->open) {
    out_bytes(st->out, p, n);
    return;
  }
  if (found) st->dot = 1;
  bbuf_append(&st->blank, p, n);
  if (st->blank.len > DT_STREAM_AT && st->dot && !st->eos_incond) {
    /* The prefix is now certain: ".[][" then the run so far. */
    out_bytes(st->out, st->dot_str, st->dot_len);
    st->dot = 0;
    out_byte(st->out, '[');
    out_bytes(st->out, st->blank.p, st->blank.len);
    st->blank.len = 0;
    st->open = 1;
  }
}

/* Length of the valid UTF-8 character at p (lead byte >= 0x80) if it lies
 * entirely before end, else 0. */
static inline int whole_char(const unsigned char *p, const unsigned char *end) {
  unsigned c = p[0];
  if (c >= 0xC2 && c <= 0xDF) return end - p >= 2 && (p[1] & 0xC0) == 0x80 ? 2 : 0;
  int n = utf8_lead_len((unsigned char)c);
  return end - p >= n && utf8_decode(p, n) >= 0 ? n : 0;
}

/* End of the run of bytes starting at p that destxt copies unchanged: text
 * bytes, whole valid UTF-8 characters, and single spaces followed by a
 * non-blank byte (a blank run of one ' ' is written as itself). */
static const unsigned char *text_run(const unsigned char *p, const unsigned char *end) {
  const unsigned char *q = p;
  for (;;) {
    while (end - q >= 8 && !(dt_class[q[0]] | dt_class[q[1]] | dt_class[q[2]] | dt_class[q[3]] | dt_class[q[4]] |
                             dt_class[q[5]] | dt_class[q[6]] | dt_class[q[7]]))
      q += 8;
    while (q < end && dt_class[*q] == C_TEXT) q++;
    if (q == end) return q;
    if (*q >= 0x80) {
      int n = whole_char(q, end);
      if (!n) return q;
      q += n;
    } else if (*q == ' ' && q > p && end - q >= 2 && dt_class[q[1]] != C_BLANK) {
      q++;
    } else {
      return q;
    }
  }
}

/* Scans the rest of the current chunk.  Returns 0 when the chunk is used up
 * and 1 when a multi-byte character does not fit in it, or is invalid (the
 * chunk position is then left on its first byte). */
static int scan_chunk(destxt *st, pl_in *in) {
  const unsigned char *base = (const unsigned char *)in->p;
  const unsigned char *p = base + in->pos, *end = base + in->len;
  pl_out *out = st->out;
  int stop = 0;
  while (p < end) {
    unsigned c = *p;
    switch (dt_class[c]) {
    case C_TEXT:
    case C_HIGH: {
      const unsigned char *q = text_run(p, end);
      if (q == p) { /* a character cut by the chunk end, or invalid */
        stop = 1;
        goto done;
      }
      end_blank(st);
      out_bytes(out, p, (size_t)(q - p));
      p = q;
      break;
    }
    case C_BLANK: {
      const unsigned char *q = p + 1;
      while (q < end && dt_class[*q] == C_BLANK) q++;
      add_blank(st, p, (size_t)(q - p));
      p = q;
      break;
    }
    case C_ESC:
      end_blank(st);
      out_byte(out, '\\');
      out_byte(out, (int)c);
      p++;
      break;
    default: /* C_NUL */
      end_blank(st);
      p++;
      break;
    }
  }
done:
  in->pos = (size_t)(p - base);
  return stop;
}

/* One multi-byte character read byte by byte: across a chunk boundary,
 * skipping NULs inside it; an invalid or truncated one is an error. */
static int slow_char(destxt *st, pl_in *in, pl_err *e) {
  end_blank(st); /* as for any non-blank byte */
  long long off = pl_in_offset(in);
  unsigned char s[4] = {0, 0, 0, 0};
  s[0] = (unsigned char)pl_in_getb(in);
  int n = utf8_lead_len(s[0]);
  if (s[0] < 0xC2 || s[0] > 0xF4) n = 1; /* not a lead byte: invalid as is */
  for (int i = 1; i < n;) {
    int b = pl_in_getb(in);
    if (b == 0) continue;
    if (b < 0) {
      if (in->io_error) return PL_OK; /* reported by fmt_finish */
      return pl_err_set(e, PL_EINPUT, off,
                        "apertium-destxt: invalid UTF-8 at byte offset %lld (character cut short by the end of "
                        "the input); refusing to drop text",
                        off);
    }
    s[i++] = (unsigned char)b;
    if ((b & 0xC0) != 0x80) break;
  }
  if (utf8_decode(s, n) < 0)
    return pl_err_set(e, PL_EINPUT, off,
                      "apertium-destxt: invalid UTF-8 at byte offset %lld; refusing to drop text "
                      "(Debian's destxt would silently lose the text after it)",
                      off);
  out_bytes(st->out, s, (size_t)n);
  return PL_OK;
}

int fmt_destxt(pl_in *in, pl_out *out, const fmt_txt_opts *o, pl_err *e) {
  destxt st;
  memset(&st, 0, sizeof st);
  st.out = out;
  st.eos_incond = o && o->eos_incond;
  int no_dot = o && o->no_dot;
  st.dot_str = no_dot ? "[]" : ".[]";
  st.dot_len = no_dot ? 2 : 3;
  int rc = PL_OK;
  while (fmt_fill(in)) {
    if (scan_chunk(&st, in) && (rc = slow_char(&st, in, e))) break;
    if (st.blank.failed) break;
    pl_out_maybe_spill(out);
  }
  if (!rc && !st.blank.failed && !in->io_error) {
    /* Debian's <<EOF>> rule: isDot = true; preDot(); printBuffer(). */
    st.dot = 1;
    if (st.eos_incond) out_bytes(out, st.dot_str, st.dot_len);
    print_blank(&st);
  }
  if (!rc && st.blank.failed)
    rc = pl_err_set(e, PL_ENOMEM, pl_in_offset(in), "apertium-destxt: a run of blanks is too long to hold in memory");
  bbuf_free(&st.blank);
  return fmt_finish("apertium-destxt", rc, in, out, e);
}

/* ---- command line ---- */

static const char destxt_usage[] =
    "USAGE: apertium-destxt [ -h | -o | -i | -n ] [input_file [output_file]]\ntxt format processor \n";

typedef struct destxt_ctx {
  fmt_txt_opts o;
} destxt_ctx;

static int destxt_body(pl_in *in, pl_out *out, const void *ctx, pl_err *e) {
  return fmt_destxt(in, out, &((const destxt_ctx *)ctx)->o, e);
}

/* Debian's main(): the flags -i, -n and -o, each exactly as a whole
 * argument, may only come first; then [input_file [output_file]].
 * Debian answers anything it cannot open (so "-h", an unknown option or a
 * missing file) with its usage text on stderr and exit status 0; parley
 * prints the usage for -h/--help the same way, but refuses unknown options,
 * options after file names and a third file name (which Debian silently
 * ignores) with PL_EUSAGE, and reports unopenable files as PL_EIO. */
int fmt_destxt_main(int argc, char **argv, int in_fd, int out_fd, pl_err *e) {
  destxt_ctx c;
  memset(&c, 0, sizeof c);
  int i = 1;
  for (; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "-i")) c.o.eos_incond = 1;
    else if (!strcmp(a, "-n")) c.o.no_dot = 1;
    else if (!strcmp(a, "-o")) c.o.mark_heading = 1;
    else if (!strcmp(a, "-h") || !strcmp(a, "--help")) return fmt_write_fd(2, destxt_usage, e);
    else break;
  }
  const char *files[2] = {NULL, NULL};
  int nf = 0;
  for (; i < argc; i++) {
    const char *a = argv[i];
    if (a[0] == '-' && a[1])
      return pl_err_set(e, PL_EUSAGE, -1, "apertium-destxt: unknown option or option after a file name: '%s'\n%s", a,
                        destxt_usage);
    if (nf == 2)
      return pl_err_set(e, PL_EUSAGE, -1, "apertium-destxt: too many file arguments ('%s')\n%s", a, destxt_usage);
    files[nf++] = a;
  }
  return fmt_run_files("apertium-destxt", files[0], files[1], in_fd, out_fd, destxt_body, &c, e);
}
