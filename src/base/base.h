/*
 * base.h - the small layer every other module of parley builds on.
 *
 * It holds four things:
 *   - pl_err: the error record every fallible function fills (what, where,
 *     and in debug builds which check fired);
 *   - bbuf / ubuf: growable byte and UTF-16 buffers with overflow-checked
 *     growth and a hard cap, so no input can make them grow without bound;
 *   - pl_in: a pull reader of bytes with a refill callback, so one stage can
 *     read from a file descriptor (interactive, for `parley stage ... -z`) or
 *     from memory (the in-process pipeline) through the same code;
 *   - pl_out: a byte writer that batches output and hands full batches, and
 *     every explicit flush, to a sink.
 *
 * Why UTF-16 buffers at all: Apertium's tools keep their strings as UTF-16
 * (ICU UChar) and several observable decisions depend on it (case of the
 * "first" and "last" character, indices into a surface form).  Keeping the
 * same representation where those decisions are made is the simplest way to
 * be byte-identical; the hot paths work on int32 symbols instead.
 */
#ifndef PL_BASE_H
#define PL_BASE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdarg.h>

#define PL_OK 0
#define PL_ENOMEM 1    /* allocation failed or a buffer cap was reached */
#define PL_ECORRUPT 2  /* a data file is malformed */
#define PL_EINPUT 3    /* the text stream is malformed */
#define PL_EIO 4       /* read or write failed */
#define PL_EUSAGE 5    /* bad arguments */
#define PL_EUNSUPPORTED 6
#define PL_ELIMIT 7    /* a safety limit was reached (size, paths, time) */

#if defined(__GNUC__)
#define PL_LIKELY(x) __builtin_expect(!!(x), 1)
#define PL_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define PL_NOINLINE __attribute__((noinline))
#define PL_INLINE inline __attribute__((always_inline))
#define PL_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define PL_LIKELY(x) (x)
#define PL_UNLIKELY(x) (x)
#define PL_NOINLINE
#define PL_INLINE inline
#define PL_PRINTF(a, b)
#endif

/* An error: a code, a human message and, when known, the byte offset in the
 * input (file or stream) where it was detected.  `where` names the check in
 * debug builds (SQLite's CORRUPT_BKPT idea: one place to break on). */
typedef struct pl_err {
  int code;
  long long off; /* -1 when not applicable */
  const char *where;
  char msg[512];
} pl_err;

int pl_err_set_(pl_err *e, int code, long long off, const char *where,
                const char *fmt, ...) PL_PRINTF(5, 6);
#ifdef NDEBUG
#define pl_err_set(e, code, off, ...) pl_err_set_((e), (code), (off), NULL, __VA_ARGS__)
#else
#define PL_STR2(x) #x
#define PL_STR(x) PL_STR2(x)
#define pl_err_set(e, code, off, ...) \
  pl_err_set_((e), (code), (off), __FILE__ ":" PL_STR(__LINE__), __VA_ARGS__)
#endif
void pl_err_clear(pl_err *e);

/* Allocation wrappers: NULL on failure or on size overflow, never abort. */
void *pl_malloc(size_t n);
void *pl_calloc(size_t n, size_t size);
void *pl_realloc_array(void *p, size_t n, size_t size);
void pl_free(void *p);

/* Hard cap on any single growable buffer (1 GiB): an input that needs more
 * is refused with PL_ENOMEM instead of exhausting the machine. */
#define PL_BUF_MAX ((size_t)1 << 30)

/* ---- byte buffer ---- */
typedef struct bbuf {
  char *p;
  size_t len, cap;
  int failed; /* sticky: set once a growth failed; later appends are no-ops */
} bbuf;

int bbuf_reserve(bbuf *b, size_t extra);
void bbuf_free(bbuf *b);
static inline void bbuf_reset(bbuf *b) { b->len = 0; }
int bbuf_append(bbuf *b, const void *p, size_t n);
static inline int bbuf_putc(bbuf *b, int c) {
  if (PL_UNLIKELY(b->len >= b->cap) && bbuf_reserve(b, 1)) return -1;
  b->p[b->len++] = (char)c;
  return 0;
}
/* The UTF-8 bytes of code point cp in t (U+FFFD for a surrogate or a value
 * past U+10FFFF); returns how many (1 to 4). */
int utf8_encode(uint32_t cp, char t[4]);
int bbuf_put_utf8(bbuf *b, uint32_t cp);
int bbuf_put_u16(bbuf *b, const uint16_t *s, size_t n); /* UTF-16 -> UTF-8 */
int bbuf_puts(bbuf *b, const char *s);

/* ---- UTF-16 buffer ---- */
typedef struct ubuf {
  uint16_t *p;
  size_t len, cap;
  int failed;
} ubuf;

int ubuf_reserve(ubuf *b, size_t extra);
void ubuf_free(ubuf *b);
static inline void ubuf_reset(ubuf *b) { b->len = 0; }
static inline int ubuf_push(ubuf *b, uint16_t c) {
  if (PL_UNLIKELY(b->len >= b->cap) && ubuf_reserve(b, 1)) return -1;
  b->p[b->len++] = c;
  return 0;
}
/* Appends a code point as one or two UTF-16 units (like UString += UChar32). */
int ubuf_put_cp_slow(ubuf *b, int32_t cp);
static inline int ubuf_put_cp(ubuf *b, int32_t cp) {
  if (PL_LIKELY(cp < 0x10000) && PL_LIKELY(b->len < b->cap)) {
    b->p[b->len++] = (uint16_t)cp;
    return 0;
  }
  return ubuf_put_cp_slow(b, cp);
}
int ubuf_append(ubuf *b, const uint16_t *s, size_t n);
int ubuf_put_ascii(ubuf *b, const char *s);
int ubuf_copy(ubuf *dst, const ubuf *src);

/* ---- UTF-8 helpers ---- */
/* Length of the UTF-8 sequence that the lead byte announces, Apertium-style
 * (lttoolbox InputFile): >=F0 -> 4, >=E0 -> 3, >=C0 -> 2, else 1. */
static inline int utf8_lead_len(unsigned char c) {
  return (c & 0xF0) == 0xF0 ? 4 : (c & 0xE0) == 0xE0 ? 3 : (c & 0xC0) == 0xC0 ? 2 : 1;
}
/* Strict decoder of one sequence of `n` bytes (n from utf8_lead_len); returns
 * the code point or -1 if the bytes are not valid UTF-8 (overlong, surrogate,
 * > U+10FFFF, bad continuation). */
int32_t utf8_decode(const unsigned char *s, int n);
/* The code point at s[i] (i < n), its sequence length in *k; -1 if it is not
 * valid UTF-8, and *k = 1 if the sequence would run past n. */
static inline int32_t utf8_at(const char *s, size_t n, size_t i, int *k) {
  *k = utf8_lead_len((unsigned char)s[i]);
  if ((size_t)*k > n - i) {
    *k = 1;
    return -1;
  }
  return utf8_decode((const unsigned char *)s + i, *k);
}
/* Validates a whole buffer; returns the offset of the first bad byte or -1. */
long long utf8_check(const char *s, size_t len);

/* ---- streaming input ---- */
/* refill: put up to `cap` bytes in `dst`; return count, 0 at EOF, -1 on error. */
typedef long (*pl_refill_fn)(void *ud, char *dst, size_t cap);

typedef struct pl_in {
  const char *p; /* current chunk */
  size_t len, pos;
  long long consumed; /* bytes of earlier chunks, for offsets in errors */
  int at_eof;         /* the source said EOF (no more chunks) */
  int eof_seen;       /* a read was attempted past the end (C stdio feof) */
  int io_error;
  pl_refill_fn refill;
  void *ud;
  char *own; /* chunk storage when reading through refill */
  size_t own_cap;
} pl_in;

void pl_in_init_mem(pl_in *in, const char *p, size_t len);
int pl_in_init_fd(pl_in *in, int fd); /* fd reader with a 64 KiB chunk */
void pl_in_fini(pl_in *in);
/* Next byte (0..255) or -1 at EOF; sets eof_seen when it returns -1. */
int pl_in_getb_slow(pl_in *in);
static inline int pl_in_getb(pl_in *in) {
  if (PL_LIKELY(in->pos < in->len)) return (unsigned char)in->p[in->pos++];
  return pl_in_getb_slow(in);
}
/* All the rest of the input as one block in *p, *n: a memory reader's own
 * bytes (no copy), else the input read into *tmp (the caller frees it).
 * Returns -1 when out of memory or on a read error. */
int pl_in_rest(pl_in *in, bbuf *tmp, const char **p, size_t *n);
/* Peek a byte without consuming it; -1 at EOF (does not set eof_seen). */
int pl_in_peekb(pl_in *in);
static inline long long pl_in_offset(const pl_in *in) { return in->consumed + (long long)in->pos; }

/* ---- output ---- */
typedef int (*pl_sink_fn)(void *ud, const char *p, size_t len);

typedef struct pl_out {
  bbuf b;
  pl_sink_fn sink; /* NULL: keep everything in b (memory output) */
  void *ud;
  int err;
} pl_out;

void pl_out_init_mem(pl_out *o);
void pl_out_init_fd(pl_out *o, int fd);
void pl_out_fini(pl_out *o);
int pl_out_flush(pl_out *o); /* hands the batch to the sink (no-op for memory) */
PL_NOINLINE int pl_out_spill(pl_out *o);
static inline void pl_out_maybe_spill(pl_out *o) {
  if (o->sink && o->b.len >= 65536) pl_out_spill(o);
}
static inline void out_byte(pl_out *o, int c) { bbuf_putc(&o->b, c); }
static inline void out_bytes(pl_out *o, const void *p, size_t n) { bbuf_append(&o->b, p, n); }
static inline void out_str(pl_out *o, const char *s) { bbuf_puts(&o->b, s); }
static inline void out_cp(pl_out *o, int32_t cp) {
  if (cp >= 0 && cp < 0x80) bbuf_putc(&o->b, cp);
  else bbuf_put_utf8(&o->b, (uint32_t)cp);
}
/* UTF-16 to UTF-8 output: ASCII is copied inline, the rest (and growth)
 * goes through bbuf_put_u16. */
static inline void out_u16(pl_out *o, const uint16_t *s, size_t n) {
  bbuf *b = &o->b;
  if (n == 0) return;
  if (PL_LIKELY(n <= b->cap - b->len)) {
    char *d = b->p + b->len;
    size_t i = 0;
    while (i < n && s[i] < 0x80) d[i] = (char)s[i], i++;
    b->len += i;
    if (i == n) return;
    s += i;
    n -= i;
  }
  bbuf_put_u16(b, s, n);
}
static inline int pl_out_failed(const pl_out *o) { return o->b.failed || o->err; }

/* The file arguments of a stage program: opens `in_path` (or uses in_fd)
 * and `out_path` (or out_fd; created or truncated), runs fn over them and
 * closes what it opened.  The input is opened first, so that a missing input
 * never empties an existing output file. */
typedef int (*pl_stream_fn)(pl_in *in, pl_out *out, void *arg, pl_err *e);
int pl_run_files(const char *prog, const char *in_path, const char *out_path, int in_fd, int out_fd, pl_stream_fn fn,
                 void *arg, pl_err *e);

/* Reads a whole file (or stdin for "-"/NULL) into memory. */
int pl_read_file(const char *path, bbuf *out, pl_err *e);

#endif
