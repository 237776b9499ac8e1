/*
 * wblank.c - apertium-wblank-attach and apertium-wblank-detach, the two
 * filters that apertium-wblank-mode puts around the middle of every mode:
 * attach after the analyser, detach before the generator.
 *
 * Word-bound blanks ("[[...]]" right before a "^...$", as Transfuse emits
 * them) carry inline markup that must travel with the words.  attach turns
 * "[[A]]^x$ ^y$[[/]]" into "[[A]]^x$ [[A]]^y$": each such blank opens a
 * region, closed by "[[/]]", whose entries (split on ';', trimmed of ' ' and
 * ';', de-duplicated, kept in order, nested) are written before every "^"
 * inside it.  detach writes "[[/]]" after every "$" that follows a "[[...]]"
 * blank.  For plain text (no "[[") both are the identity.
 *
 * Both are byte-level state machines (apertium/wblank-attach.cc,
 * wblank-detach.cc); this file reproduces them flag for flag, including the
 * odd corners, because byte identity is the point:
 *   - "\" escapes the next byte, except that a "\" before a NUL is an
 *     ordinary byte, and a "\" at the very end of the input is written
 *     followed by a 0xFF byte (Debian reads EOF through istream::get() and
 *     stores it in a char);
 *   - a NUL resets the token/blank state, writes the pending blank, is
 *     copied and flushes the output, with or without -z (Debian ignores -z);
 *     attach forgets its open regions there but, like Debian, keeps the
 *     "[[" nesting flag (in_wblank) and the region depth stack;
 *   - "[" opens a blank only outside a token; a second "[" inside a blank
 *     makes the next "]" not close it;
 *   - the entries attach writes are the unescaped blank contents;
 *   - at EOF attach writes a pending (unclosed) blank, detach drops it.
 *
 * Differences from Debian, all in cases Debian handles with undefined
 * behaviour or with stderr only:
 *   - after a NUL has dropped the open regions, a later "[[/]]" pops only
 *     what is there (Debian pops from an empty std::vector: undefined
 *     behaviour, usually a crash);
 *   - the warnings Debian prints on stderr ("tf-apertium-spread warning:
 *     ...", for unbalanced "[[/]]" and unclosed blanks) are not printed:
 *     these functions have no diagnostic channel, and the output bytes do
 *     not depend on them.
 */
#include <string.h>

#include "fmt_int.h"

/* Bytes that may change the state; everything else is copied (outside a
 * blank) or appended to the blank (inside one) in bulk. */
static const unsigned char wb_special[256] = {[0] = 1, ['\\'] = 1, ['['] = 1, [']'] = 1, ['^'] = 1, ['$'] = 1};

typedef struct wblank {
  pl_out *out;
  int attach; /* 1: attach, 0: detach */
  int in_token, in_blank, in_wblank, had_wblank;
  bbuf blank; /* the pending blank as read */
  bbuf unesc; /* the same without escaping backslashes (attach) */
  /* attach: the open entries (text in `wbs`, entry i at off[i], len[i]),
   * how many entries each open region added (`depth`), and the "[[a; b]]"
   * prefix built from them (`prefix`, rebuilt when `prefix_dirty`). */
  bbuf wbs;
  size_t *off, *len;
  size_t n, cap;
  size_t *depth;
  size_t n_depth, cap_depth;
  bbuf prefix;
  int prefix_dirty;
  int oom;
} wblank;

static void wb_free(wblank *st) {
  bbuf_free(&st->blank);
  bbuf_free(&st->unesc);
  bbuf_free(&st->wbs);
  bbuf_free(&st->prefix);
  pl_free(st->off);
  pl_free(st->len);
  pl_free(st->depth);
}

static void wb_clear_blank(wblank *st) {
  st->blank.len = 0;
  st->unesc.len = 0;
}

static int wb_has_entry(const wblank *st, const char *s, size_t n) {
  for (size_t i = 0; i < st->n; i++)
    if (st->len[i] == n && !memcmp(st->wbs.p + st->off[i], s, n)) return 1;
  return 0;
}

static void wb_push_entry(wblank *st, const char *s, size_t n) {
  if (st->n == st->cap) {
    size_t c = st->cap ? st->cap * 2 : 8;
    size_t *o = pl_realloc_array(st->off, c, sizeof *o);
    if (o) st->off = o;
    size_t *l = pl_realloc_array(st->len, c, sizeof *l);
    if (l) st->len = l;
    if (!o || !l) {
      st->oom = 1;
      return;
    }
    st->cap = c;
  }
  st->off[st->n] = st->wbs.len;
  st->len[st->n] = n;
  if (bbuf_append(&st->wbs, s, n)) {
    st->oom = 1;
    return;
  }
  st->n++;
  st->prefix_dirty = 1;
}

static void wb_pop_entries(wblank *st, size_t k) {
  if (k > st->n) k = st->n; /* Debian: pop_back() on an empty vector */
  st->n -= k;
  st->wbs.len = st->n ? st->off[st->n - 1] + st->len[st->n - 1] : 0;
  if (k) st->prefix_dirty = 1;
}

static const char *wb_prefix(wblank *st, size_t *n) {
  if (st->prefix_dirty) {
    bbuf *b = &st->prefix;
    b->len = 0;
    bbuf_append(b, "[[", 2);
    for (size_t i = 0; i < st->n; i++) {
      if (i) bbuf_append(b, "; ", 2);
      bbuf_append(b, st->wbs.p + st->off[i], st->len[i]);
    }
    bbuf_append(b, "]]", 2);
    st->prefix_dirty = 0;
  }
  *n = st->prefix.len;
  return st->prefix.p;
}

static int is_trim(char c) { return c == ';' || c == ' '; }

/* attach: a closed "[[...]]" blank opens a region; "[[/]]" closes one. */
static void attach_close_blank(wblank *st) {
  const char *b = st->blank.p;
  size_t bl = st->blank.len;
  if (bl >= 5 && !memcmp(b, "[[/]]", 5)) {
    if (st->n_depth) wb_pop_entries(st, st->depth[--st->n_depth]);
    /* else Debian only warns: "Too many [[/]]" */
  } else if (bl >= 2 && b[0] == '[' && b[1] == '[') {
    if (st->n_depth == st->cap_depth) {
      size_t c = st->cap_depth ? st->cap_depth * 2 : 8;
      size_t *d = pl_realloc_array(st->depth, c, sizeof *d);
      if (!d) {
        st->oom = 1;
        return;
      }
      st->depth = d;
      st->cap_depth = c;
    }
    size_t *count = &st->depth[st->n_depth++];
    *count = 0;
    /* The unescaped contents between "[[" and "]]", split on ';'. */
    const char *s = st->unesc.p + 2;
    const char *end = st->unesc.len >= 4 ? st->unesc.p + st->unesc.len - 2 : s;
    while (s < end) {
      const char *semi = memchr(s, ';', (size_t)(end - s));
      const char *e = semi ? semi : end;
      const char *a = s, *z = e;
      while (z > a && is_trim(z[-1])) z--;
      while (a < z && is_trim(*a)) a++;
      if (a < z && !wb_has_entry(st, a, (size_t)(z - a))) {
        wb_push_entry(st, a, (size_t)(z - a));
        if (st->oom) return;
        ++*count;
      }
      if (!semi) break;
      s = semi + 1;
    }
  } else {
    out_bytes(st->out, b, bl); /* a normal blank */
  }
}

/* One byte that is neither an escape pair nor a NUL: Debian's main loop. */
static void wb_step(wblank *st, int c) {
  if (!st->in_token && c == '[') {
    if (st->in_blank) st->in_wblank = 1;
    st->in_blank = 1;
  } else if (st->in_wblank && c == ']') {
  } else if (st->in_blank && c == ']') {
  } else if (!st->in_blank && c == '^') {
    if (st->attach && st->n) {
      size_t n;
      const char *p = wb_prefix(st, &n);
      out_bytes(st->out, p, n);
    }
    st->in_token = 1;
  } else if (!st->in_blank && c == '$') {
    st->in_token = 0;
  }

  if (st->in_blank) {
    bbuf_putc(&st->blank, c);
    if (st->attach) bbuf_putc(&st->unesc, c);
  } else {
    out_byte(st->out, c);
  }

  if (st->in_wblank && c == ']') {
    st->in_wblank = 0;
  } else if (st->in_blank && c == ']') {
    st->in_blank = 0;
    if (st->attach) {
      attach_close_blank(st);
    } else {
      if (st->blank.len >= 2 && st->blank.p[0] == '[' && st->blank.p[1] == '[') st->had_wblank = 1;
      out_bytes(st->out, st->blank.p, st->blank.len);
    }
    wb_clear_blank(st);
  } else if (!st->attach && st->had_wblank && !st->in_blank && c == '$') {
    out_bytes(st->out, "[[/]]", 5);
    st->had_wblank = 0;
  }
}

/* "\" followed by the byte n (0xFF standing for EOF, as in Debian). */
static void wb_escape(wblank *st, int n) {
  if (st->in_blank) {
    bbuf_putc(&st->blank, '\\');
    bbuf_putc(&st->blank, n);
    if (st->attach) bbuf_putc(&st->unesc, n);
  } else {
    out_byte(st->out, '\\');
    out_byte(st->out, n);
  }
}

static void wb_nul(wblank *st) {
  st->in_token = st->in_blank = 0;
  if (st->attach) {
    wb_pop_entries(st, st->n); /* open regions dropped (Debian warns) */
  } else {
    st->in_wblank = st->had_wblank = 0;
  }
  if (st->blank.len) {
    out_bytes(st->out, st->blank.p, st->blank.len);
    wb_clear_blank(st);
  }
  out_byte(st->out, 0);
  pl_out_flush(st->out);
}

static int wb_run(pl_in *in, pl_out *out, int attach, pl_err *e) {
  const char *prog = attach ? "apertium-wblank-attach" : "apertium-wblank-detach";
  wblank st;
  memset(&st, 0, sizeof st);
  st.out = out;
  st.attach = attach;
  while (fmt_fill(in)) {
    const unsigned char *base = (const unsigned char *)in->p;
    const unsigned char *p = base + in->pos, *end = base + in->len;
    int resync = 0;
    while (p < end) {
      int c = *p;
      if (!wb_special[c]) {
        const unsigned char *q = p + 1;
        while (q < end && !wb_special[*q]) q++;
        if (st.in_blank) {
          bbuf_append(&st.blank, p, (size_t)(q - p));
          if (attach) bbuf_append(&st.unesc, p, (size_t)(q - p));
        } else {
          out_bytes(out, p, (size_t)(q - p));
        }
        p = q;
      } else if (c == 0) {
        wb_nul(&st);
        p++;
      } else if (c == '\\') {
        int n;
        if (p + 1 < end) {
          n = p[1];
          p += n ? 2 : 1;
        } else {
          /* The next byte is in the next chunk (or is EOF). */
          in->pos = (size_t)(p + 1 - base);
          n = pl_in_peekb(in);
          if (n > 0) pl_in_getb(in);
          resync = 1;
        }
        if (n == 0) wb_step(&st, '\\');
        else wb_escape(&st, n < 0 ? 0xFF : n);
        if (resync) break;
      } else {
        wb_step(&st, c);
        p++;
      }
    }
    if (!resync) in->pos = (size_t)(p - base);
    if (st.oom || st.blank.failed || st.unesc.failed || st.wbs.failed || st.prefix.failed) break;
    pl_out_maybe_spill(out);
  }
  int rc = PL_OK;
  if (st.oom || st.blank.failed || st.unesc.failed || st.wbs.failed || st.prefix.failed)
    rc = pl_err_set(e, PL_ENOMEM, pl_in_offset(in), "%s: out of memory", prog);
  else if (attach && st.blank.len)
    out_bytes(out, st.blank.p, st.blank.len); /* detach drops it */
  wb_free(&st);
  return fmt_finish(prog, rc, in, out, e);
}

/* null_flush: Debian's programs accept -z and ignore it; they flush at every
 * NUL in any case, and so do these. */
int fmt_wblank_attach(pl_in *in, pl_out *out, int null_flush, pl_err *e) {
  (void)null_flush;
  return wb_run(in, out, 1, e);
}

int fmt_wblank_detach(pl_in *in, pl_out *out, int null_flush, pl_err *e) {
  (void)null_flush;
  return wb_run(in, out, 0, e);
}

/* ---- command line ---- */

static const char attach_help[] =
    "Distributes word-bound blanks across all tokens they encompass, turning [[A]]^...$^...$[[/]] into "
    "[[A]]^...$[[A]]^...$\n"
    "Also merges word-bound blanks, turning [[A]][[B]]^...$^...$[[/]][[/]] into [[A; B]]^...$\n"
    "Word-bound blanks will be deduplicated, but order will be preserved amongst unique elements.\n";

static const char detach_help[] =
    "Closes all word-bound blanks, turning [[...]]^...$ into [[...]]^...$[[/]]\n"
    "This tool does not merge across whitespace or do any other heuristics wrt. which word-bound blanks should "
    "have their spans combined.\n";

typedef struct wb_ctx {
  int attach, null_flush;
} wb_ctx;

static int wb_body(pl_in *in, pl_out *out, const void *ctx, pl_err *e) {
  const wb_ctx *c = ctx;
  return c->attach ? fmt_wblank_attach(in, out, c->null_flush, e) : fmt_wblank_detach(in, out, c->null_flush, e);
}

/* Debian's main() looks only at argv[1]: if its second character is 'z' the
 * filter runs on stdin/stdout (other arguments ignored), otherwise the help
 * text is written to stdout with exit status 0.  parley writes the same help
 * for -h/--help, accepts any number of "-z", and refuses everything else
 * (other options, file names) with PL_EUSAGE instead of printing the help. */
static int wb_main(int attach, int argc, char **argv, int in_fd, int out_fd, pl_err *e) {
  const char *prog = attach ? "apertium-wblank-attach" : "apertium-wblank-detach";
  wb_ctx c = {attach, 0};
  if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))
    return fmt_write_fd(out_fd, attach ? attach_help : detach_help, e);
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "-z")) c.null_flush = 1;
    else
      return pl_err_set(e, PL_EUSAGE, -1, "%s: unknown argument '%s' (usage: %s [-z], reading stdin)", prog, argv[i],
                        prog);
  }
  return fmt_run_files(prog, NULL, NULL, in_fd, out_fd, wb_body, &c, e);
}

int fmt_wblank_attach_main(int argc, char **argv, int in_fd, int out_fd, pl_err *e) {
  return wb_main(1, argc, argv, in_fd, out_fd, e);
}

int fmt_wblank_detach_main(int argc, char **argv, int in_fd, int out_fd, pl_err *e) {
  return wb_main(0, argc, argv, in_fd, out_fd, e);
}
