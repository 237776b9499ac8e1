/*
 * base.c - errors, allocation wrappers, growable buffers, UTF-8 and the
 * streaming reader/writer described in base.h.
 *
 * Every growth is overflow-checked and capped at PL_BUF_MAX; a failed growth
 * sets a sticky flag on the buffer so that a long chain of appends can be
 * checked once at the end (SQLite's mallocFailed idea) instead of after each
 * call.
 */
#include "base.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int pl_err_set_(pl_err *e, int code, long long off, const char *where,
                const char *fmt, ...) {
  if (!e) return code;
  va_list ap;
  e->code = code;
  e->off = off;
  e->where = where;
  va_start(ap, fmt);
  vsnprintf(e->msg, sizeof e->msg, fmt, ap);
  va_end(ap);
  return code;
}

void pl_err_clear(pl_err *e) {
  e->code = PL_OK;
  e->off = -1;
  e->where = NULL;
  e->msg[0] = 0;
}

void *pl_malloc(size_t n) { return malloc(n ? n : 1); }
void *pl_calloc(size_t n, size_t size) {
  if (size && n > SIZE_MAX / size) return NULL;
  return calloc(n ? n : 1, size ? size : 1);
}
void *pl_realloc_array(void *p, size_t n, size_t size) {
  if (size && n > SIZE_MAX / size) return NULL;
  size_t bytes = n * size;
  return realloc(p, bytes ? bytes : 1);
}
void pl_free(void *p) { free(p); }

/* Next capacity for a buffer that must hold `need` elements: doubling, at
 * least 64, never above `max`.  Returns 0 when `need` exceeds `max`. */
static size_t grow_cap(size_t cap, size_t need, size_t max) {
  if (need > max) return 0;
  size_t c = cap < 64 ? 64 : cap;
  while (c < need) c = c > max / 2 ? max : c * 2;
  return c;
}

/* Makes room for `extra` more elements of `size` bytes in a buffer of
 * `*len` used and `*cap` allocated, never above `max` elements.  The one
 * growth path of bbuf and ubuf. */
static int grow(void **p, size_t *cap, size_t len, size_t extra, size_t size, size_t max, int *failed) {
  if (*failed) return -1;
  if (extra <= *cap - len) return 0;
  if (extra > max - len) goto fail;
  size_t c = grow_cap(*cap, len + extra, max);
  if (!c) goto fail;
  void *np = realloc(*p, c * size);
  if (!np) goto fail;
  *p = np;
  *cap = c;
  return 0;
fail:
  *failed = 1;
  return -1;
}

int bbuf_reserve(bbuf *b, size_t extra) {
  void *p = b->p;
  int rc = grow(&p, &b->cap, b->len, extra, 1, PL_BUF_MAX, &b->failed);
  b->p = p;
  return rc;
}

void bbuf_free(bbuf *b) {
  free(b->p);
  memset(b, 0, sizeof *b);
}

int bbuf_append(bbuf *b, const void *p, size_t n) {
  if (n > b->cap - b->len && bbuf_reserve(b, n)) return -1;
  if (n) memcpy(b->p + b->len, p, n);
  b->len += n;
  return 0;
}

int bbuf_puts(bbuf *b, const char *s) { return bbuf_append(b, s, strlen(s)); }

int utf8_encode(uint32_t cp, char t[4]) {
  if (cp < 0x80) {
    t[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    t[0] = (char)(0xC0 | (cp >> 6));
    t[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp >= 0x110000) return utf8_encode(0xFFFD, t);
  if (cp < 0x10000) {
    if (cp >= 0xD800 && cp < 0xE000) cp = 0xFFFD; /* lone surrogate */
    t[0] = (char)(0xE0 | (cp >> 12));
    t[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    t[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  t[0] = (char)(0xF0 | (cp >> 18));
  t[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  t[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  t[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

int bbuf_put_utf8(bbuf *b, uint32_t cp) {
  char t[4];
  return bbuf_append(b, t, (size_t)utf8_encode(cp, t));
}

int bbuf_put_u16(bbuf *b, const uint16_t *s, size_t n) {
  if (n == 0) return b->failed ? -1 : 0;
  if (n > (PL_BUF_MAX / 3) || bbuf_reserve(b, n * 3)) {
    b->failed = 1;
    return -1;
  }
  unsigned char *o = (unsigned char *)b->p + b->len;
  for (size_t i = 0; i < n; i++) {
    uint32_t c = s[i];
    if (c < 0x80) {
      *o++ = (unsigned char)c;
    } else if (c < 0x800) {
      *o++ = (unsigned char)(0xC0 | (c >> 6));
      *o++ = (unsigned char)(0x80 | (c & 0x3F));
    } else if (c >= 0xD800 && c < 0xDC00 && i + 1 < n && s[i + 1] >= 0xDC00 && s[i + 1] < 0xE000) {
      /* a surrogate pair: 4 bytes for 2 units, within the 3-per-unit room */
      c = 0x10000 + ((c - 0xD800) << 10) + (s[i + 1] - 0xDC00u);
      i++;
      *o++ = (unsigned char)(0xF0 | (c >> 18));
      *o++ = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
      *o++ = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
      *o++ = (unsigned char)(0x80 | (c & 0x3F));
    } else {
      if (c >= 0xD800 && c < 0xE000) c = 0xFFFD; /* lone surrogate */
      *o++ = (unsigned char)(0xE0 | (c >> 12));
      *o++ = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
      *o++ = (unsigned char)(0x80 | (c & 0x3F));
    }
  }
  b->len = (size_t)(o - (unsigned char *)b->p);
  return 0;
}

int ubuf_reserve(ubuf *b, size_t extra) {
  void *p = b->p;
  int rc = grow(&p, &b->cap, b->len, extra, sizeof *b->p, PL_BUF_MAX / sizeof *b->p, &b->failed);
  b->p = p;
  return rc;
}

void ubuf_free(ubuf *b) {
  free(b->p);
  memset(b, 0, sizeof *b);
}

int ubuf_put_cp_slow(ubuf *b, int32_t cp) {
  if (cp >= 0x10000 && cp < 0x110000) {
    if (ubuf_reserve(b, 2)) return -1;
    cp -= 0x10000;
    b->p[b->len++] = (uint16_t)(0xD800 + (cp >> 10));
    b->p[b->len++] = (uint16_t)(0xDC00 + (cp & 0x3FF));
    return 0;
  }
  return ubuf_push(b, (uint16_t)cp);
}

int ubuf_append(ubuf *b, const uint16_t *s, size_t n) {
  if (n == 0) return b->failed ? -1 : 0;
  if (ubuf_reserve(b, n)) return -1;
  if (n) memcpy(b->p + b->len, s, n * sizeof *s);
  b->len += n;
  return 0;
}

int ubuf_put_ascii(ubuf *b, const char *s) {
  for (; *s; s++)
    if (ubuf_push(b, (uint16_t)(unsigned char)*s)) return -1;
  return 0;
}

int ubuf_copy(ubuf *dst, const ubuf *src) {
  dst->len = 0;
  return ubuf_append(dst, src->p, src->len);
}

int32_t utf8_decode(const unsigned char *s, int n) {
  int32_t c;
  switch (n) {
  case 1:
    return s[0] < 0x80 ? s[0] : -1;
  case 2:
    if ((s[1] & 0xC0) != 0x80) return -1;
    c = ((s[0] & 0x1F) << 6) | (s[1] & 0x3F);
    return c >= 0x80 ? c : -1;
  case 3:
    if ((s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80) return -1;
    c = ((s[0] & 0x0F) << 12) | ((s[1] & 0x3F) << 6) | (s[2] & 0x3F);
    return c >= 0x800 && (c < 0xD800 || c > 0xDFFF) ? c : -1;
  case 4:
    if (s[0] > 0xF4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
      return -1;
    c = ((s[0] & 0x07) << 18) | ((s[1] & 0x3F) << 12) | ((s[2] & 0x3F) << 6) | (s[3] & 0x3F);
    return c >= 0x10000 && c <= 0x10FFFF ? c : -1;
  }
  return -1;
}

long long utf8_check(const char *s, size_t len) {
  const unsigned char *u = (const unsigned char *)s;
  size_t i = 0;
  while (i < len) {
    if (u[i] < 0x80) {
      i++;
      continue;
    }
    int n = utf8_lead_len(u[i]);
    if ((size_t)n > len - i || utf8_decode(u + i, n) < 0) return (long long)i;
    i += (size_t)n;
  }
  return -1;
}

/* ---- input ---- */
void pl_in_init_mem(pl_in *in, const char *p, size_t len) {
  memset(in, 0, sizeof *in);
  in->p = p;
  in->len = len;
  in->at_eof = 1;
}

static long fd_refill(void *ud, char *dst, size_t cap) {
  int fd = (int)(intptr_t)ud;
  for (;;) {
    ssize_t r = read(fd, dst, cap);
    if (r >= 0) return (long)r;
    if (errno != EINTR) return -1;
  }
}

int pl_in_init_fd(pl_in *in, int fd) {
  memset(in, 0, sizeof *in);
  in->own_cap = 65536;
  in->own = malloc(in->own_cap);
  if (!in->own) return PL_ENOMEM;
  in->p = in->own;
  in->refill = fd_refill;
  in->ud = (void *)(intptr_t)fd;
  return PL_OK;
}

void pl_in_fini(pl_in *in) {
  free(in->own);
  memset(in, 0, sizeof *in);
}

/* Pulls the next chunk; returns 0 if bytes are available afterwards. */
static int in_fill(pl_in *in) {
  if (in->at_eof || !in->refill) {
    in->at_eof = 1;
    return -1;
  }
  in->consumed += (long long)in->len;
  in->pos = in->len = 0;
  long r = in->refill(in->ud, in->own, in->own_cap);
  if (r <= 0) {
    if (r < 0) in->io_error = 1;
    in->at_eof = 1;
    return -1;
  }
  in->len = (size_t)r;
  return 0;
}

int pl_in_getb_slow(pl_in *in) {
  while (in->pos >= in->len) {
    if (in_fill(in)) {
      in->eof_seen = 1;
      return -1;
    }
  }
  return (unsigned char)in->p[in->pos++];
}

int pl_in_rest(pl_in *in, bbuf *tmp, const char **p, size_t *n) {
  if (!in->refill) { /* a memory reader: its own bytes, no copy */
    *p = in->p ? in->p + in->pos : "";
    *n = in->len - in->pos;
    in->pos = in->len;
    in->eof_seen = 1;
    return 0;
  }
  for (;;) {
    if (in->pos < in->len) {
      bbuf_append(tmp, in->p + in->pos, in->len - in->pos);
      in->pos = in->len;
    }
    if (pl_in_peekb(in) < 0) break;
  }
  in->eof_seen = 1;
  *p = tmp->p ? tmp->p : "";
  *n = tmp->len;
  return tmp->failed || in->io_error ? -1 : 0;
}

int pl_in_peekb(pl_in *in) {
  while (in->pos >= in->len)
    if (in_fill(in)) return -1;
  return (unsigned char)in->p[in->pos];
}

/* ---- output ---- */
void pl_out_init_mem(pl_out *o) { memset(o, 0, sizeof *o); }

static int fd_sink(void *ud, const char *p, size_t len) {
  int fd = (int)(intptr_t)ud;
  while (len) {
    ssize_t w = write(fd, p, len);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += w;
    len -= (size_t)w;
  }
  return 0;
}

void pl_out_init_fd(pl_out *o, int fd) {
  memset(o, 0, sizeof *o);
  o->sink = fd_sink;
  o->ud = (void *)(intptr_t)fd;
}

void pl_out_fini(pl_out *o) { bbuf_free(&o->b); }

int pl_out_spill(pl_out *o) {
  if (!o->sink) return 0;
  if (o->b.len && !o->err && o->sink(o->ud, o->b.p, o->b.len)) o->err = 1;
  o->b.len = 0;
  return o->err ? -1 : 0;
}

int pl_out_flush(pl_out *o) { return pl_out_spill(o); }

int pl_read_file(const char *path, bbuf *out, pl_err *e) {
  FILE *f = (!path || !strcmp(path, "-")) ? stdin : fopen(path, "rb");
  if (!f) return pl_err_set(e, PL_EIO, -1, "cannot open '%s': %s", path, strerror(errno));
  char tmp[65536];
  size_t n;
  int rc = PL_OK;
  while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
    if (bbuf_append(out, tmp, n)) {
      rc = pl_err_set(e, PL_ENOMEM, -1, "'%s' is too large to read into memory", path ? path : "-");
      break;
    }
  if (!rc && ferror(f)) rc = pl_err_set(e, PL_EIO, -1, "error reading '%s'", path ? path : "-");
  if (f != stdin) fclose(f);
  return rc;
}

int pl_run_files(const char *prog, const char *in_path, const char *out_path, int in_fd, int out_fd, pl_stream_fn fn,
                 void *arg, pl_err *e) {
  int ifd = in_fd, ofd = out_fd, rc;
  if (in_path && (ifd = open(in_path, O_RDONLY)) < 0)
    return pl_err_set(e, PL_EIO, -1, "%s: cannot open '%s': %s", prog, in_path, strerror(errno));
  if (out_path && (ofd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0) {
    rc = pl_err_set(e, PL_EIO, -1, "%s: cannot open '%s' for writing: %s", prog, out_path, strerror(errno));
    if (ifd != in_fd) close(ifd);
    return rc;
  }
  pl_in in;
  pl_out out;
  if ((rc = pl_in_init_fd(&in, ifd)) == PL_OK) {
    pl_out_init_fd(&out, ofd);
    rc = fn(&in, &out, arg, e);
    pl_out_fini(&out);
    pl_in_fini(&in);
  } else {
    rc = pl_err_set(e, PL_ENOMEM, -1, "%s: out of memory", prog);
  }
  if (ifd != in_fd) close(ifd);
  if (ofd != out_fd) close(ofd);
  return rc;
}
