/*
 * fst_image.c - the loaded form of an lttoolbox .bin (fst.h), kept on disk
 * so that the next load maps it instead of parsing the .bin: parsing,
 * sorting and packing were most of lt-proc's start-up (eng-spa's analyser:
 * 91k arcs, about 22M instructions), mapping and checking the image costs a
 * small part of that.  The .bin stays the source of truth: the image is
 * named and keyed by a hash of its bytes, so any change makes a new entry.
 *
 * Directory: $PARLEY_CACHE_DIR, else $XDG_CACHE_HOME/parley, else
 * $HOME/.cache/parley (the rule cache's); PARLEY_NO_FST_CACHE=1 turns it
 * off.  An image is untrusted input like any other: every count, offset,
 * index and symbol is checked, and so is every fact the State engine relies
 * on (arc runs sorted by input, the flag bits of each arc's target, direct
 * tables inside their node's arcs, no epsilon cycle), and a checksum of the
 * whole image catches damage that would pass those checks (a changed output
 * symbol, say); a bad or stale image is ignored and replaced.
 *
 * Layout: "PLFSTI01", u64 key, u64 checksum of everything after it, then
 * u32s: a byte-order mark, the record
 * sizes, n_letters, n_tags, tag_units, n_pairs, n_sections, name_units,
 * n_nodes, n_arcs, n_dense, weighted; then, each at an 8-byte boundary:
 * letters (i32), tag offsets (n_tags + 1 u32) and tag units (u16), pairs
 * (2 i32 each), sections (7 u32 each) and their names (u16), nodes
 * (n_nodes + 1 fst_node), arcs (fst_arc), dense tables (256 fst_range each),
 * and when weighted the arc and final weights (double).  Native byte order:
 * an image is only ever read by the machine that wrote it.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/cachefile.h"
#include "../base/hash.h"
#include "../base/rd.h"
#include "fst_int.h"

static const char MAGIC[8] = {'P', 'L', 'F', 'S', 'T', 'I', '0', '1'};
#define BOM 0x01020304u
#define SIZES ((uint32_t)sizeof(fst_node) | (uint32_t)sizeof(fst_arc) << 8 | (uint32_t)sizeof(fst_range) << 16)
#define N_HDR 12 /* u32 words after the key */
#define MAX_CP 0x10FFFF

static uint64_t image_key(const char *bin, size_t len) {
  return pl_hash(bin, len) ^ (uint64_t)len * 0x9E3779B97F4A7C15ull;
}

/* The checksum: four independent lanes of 8 bytes (the image is a few MB
 * and is summed at every start; one dependent chain would be 4x slower).
 * `n` is a multiple of 8 (the writer pads). */
static uint64_t image_sum(const char *p, size_t n) {
  uint64_t h[4] = {1, 2, 3, 4}, v;
  size_t i = 0;
  for (; i + 32 <= n; i += 32)
    for (int k = 0; k < 4; k++) {
      memcpy(&v, p + i + 8 * k, 8);
      h[k] = (h[k] ^ v) * 0xBF58476D1CE4E5B9ull;
      h[k] ^= h[k] >> 31;
    }
  for (; i + 8 <= n; i += 8) {
    memcpy(&v, p + i, 8);
    h[0] = (h[0] ^ v) * 0x94D049BB133111EBull;
  }
  return (h[0] ^ (h[1] * 3) ^ (h[2] * 5) ^ (h[3] * 7) ^ n) * 0xBF58476D1CE4E5B9ull;
}


/* ---- writing ---- */

static void w32(bbuf *b, uint32_t v) { bbuf_append(b, &v, 4); }
static void walign(bbuf *b) {
  static const char zero[8];
  if (b->len % 8) bbuf_append(b, zero, 8 - b->len % 8);
}
static void warr(bbuf *b, const void *p, size_t n) {
  walign(b);
  if (n) bbuf_append(b, p, n);
}

void fst_image_store(const fst *f, const char *bin, size_t bin_len) {
  uint64_t key = image_key(bin, bin_len);
  char *path = pl_cache_path("PARLEY_NO_FST_CACHE", key, "fsti", 1);
  if (!path) return;
  bbuf b = {0};
  uint32_t tag_units = 0, name_units = 0;
  for (uint32_t i = 0; i < f->n_tags; i++) tag_units += f->tag_len[i];
  for (uint32_t i = 0; i < f->n_sections; i++) name_units += f->sec[i].name_len;
  bbuf_append(&b, MAGIC, 8);
  bbuf_append(&b, &key, 8);
  uint64_t sum = 0;
  bbuf_append(&b, &sum, 8); /* filled in below */
  uint32_t hdr[N_HDR] = {BOM,          SIZES,       f->n_letters, f->n_tags,  tag_units, f->n_pairs,
                         f->n_sections, name_units, f->n_nodes,   f->n_arcs, f->n_dense, (uint32_t)f->weighted};
  for (int i = 0; i < N_HDR; i++) w32(&b, hdr[i]);
  warr(&b, f->letters, f->n_letters * sizeof *f->letters);
  walign(&b);
  uint32_t off = 0;
  for (uint32_t i = 0; i < f->n_tags; i++) {
    w32(&b, off);
    off += f->tag_len[i];
  }
  w32(&b, off);
  walign(&b);
  for (uint32_t i = 0; i < f->n_tags; i++) bbuf_append(&b, f->tag[i], f->tag_len[i] * sizeof(uint16_t));
  warr(&b, f->pair, f->n_pairs * sizeof *f->pair);
  walign(&b);
  off = 0;
  for (uint32_t i = 0; i < f->n_sections; i++) {
    const fst_section *s = &f->sec[i];
    uint32_t rec[7] = {off, s->name_len, s->first_node, s->n_nodes, s->initial, (uint32_t)s->type,
                       (uint32_t)s->weighted};
    for (int k = 0; k < 7; k++) w32(&b, rec[k]);
    off += s->name_len;
  }
  walign(&b);
  for (uint32_t i = 0; i < f->n_sections; i++) bbuf_append(&b, f->sec[i].name, f->sec[i].name_len * sizeof(uint16_t));
  warr(&b, f->node, ((size_t)f->n_nodes + 1) * sizeof *f->node);
  warr(&b, f->arc, (size_t)f->n_arcs * sizeof *f->arc);
  warr(&b, f->dense, (size_t)f->n_dense * FST_DENSE_SYMS * sizeof *f->dense);
  if (f->weighted) {
    warr(&b, f->arc_w, (size_t)f->n_arcs * sizeof *f->arc_w);
    warr(&b, f->final_w, (size_t)f->n_nodes * sizeof *f->final_w);
  }
  walign(&b);
  if (!b.failed) {
    sum = image_sum(b.p + 24, b.len - 24);
    memcpy(b.p + 16, &sum, 8);
  }
  if (!b.failed) pl_cache_write(path, b.p, b.len);
  bbuf_free(&b);
  free(path);
}

/* ---- reading ---- */

/* A symbol is a code point up to U+10FFFF, 0, or one of the n_tags tags
 * (-1 .. -n_tags): one unsigned comparison (n_tags is far below 2^31). */
static inline uint32_t sym_bad(int32_t s, uint32_t n_tags) { return (uint32_t)s + n_tags > MAX_CP + n_tags; }

/* Everything the State engine and the processors rely on. */
static int check(const fst *f) {
  const fst_node *nd = f->node;
  for (uint32_t i = 1; i < f->n_letters; i++)
    if (f->letters[i] <= f->letters[i - 1]) return -1;
  for (uint32_t i = 0; i < f->n_pairs; i++)
    if (sym_bad(f->pair[i][0], f->n_tags) | sym_bad(f->pair[i][1], f->n_tags)) return -1;
  if (f->n_nodes == 0 || nd[0].first != 0 || nd[f->n_nodes].first != f->n_arcs) return -1;
  for (uint32_t i = 0; i < f->n_sections; i++) {
    const fst_section *s = &f->sec[i];
    if ((uint64_t)s->first_node + s->n_nodes > f->n_nodes || s->initial < s->first_node ||
        s->initial - s->first_node >= s->n_nodes)
      return -1;
    if (s->type != FST_SEC_STANDARD && s->type != FST_SEC_INCOND && s->type != FST_SEC_POSTBLANK &&
        s->type != FST_SEC_PREBLANK && s->type != FST_SEC_OTHER)
      return -1;
  }
  uint32_t *owner = NULL; /* the node of each dense table */
  if (f->n_dense) {
    owner = malloc((size_t)f->n_dense * sizeof *owner);
    if (!owner) return -1;
    for (uint32_t d = 0; d < f->n_dense; d++) owner[d] = UINT32_MAX;
  }
  int rc = 0;
  for (uint32_t n = 0; n < f->n_nodes && !rc; n++) {
    uint32_t lo = nd[n].first, hi = nd[n + 1].first;
    if (hi < lo || hi > f->n_arcs || nd[n].final_type >= 32 || nd[n].has_eps > 1) {
      rc = -1;
      break;
    }
    if (nd[n].dense != FST_NO_DENSE) {
      if (nd[n].dense >= f->n_dense || owner[nd[n].dense] != UINT32_MAX) {
        rc = -1;
        break;
      }
      owner[nd[n].dense] = n;
    }
    /* the arcs, without branches: this runs over every arc at every start */
    uint32_t bad = 0, eps = 0;
    const uint32_t n_tags = f->n_tags, n_nodes = f->n_nodes;
    const fst_arc *arc = f->arc;
    int32_t prev = INT32_MIN;
    for (uint32_t a = lo; a < hi; a++) {
      int32_t in = arc[a].in, o = arc[a].out;
      uint32_t to = arc[a].to, t = FST_TO_NODE(to), in_range = t < n_nodes;
      const fst_node *tn = &nd[in_range ? t : 0];
      bad |= sym_bad(in, n_tags) | sym_bad(o, n_tags) | !in_range | (in < prev) |
             (FST_TO_FLAGS(to) != ((uint32_t)tn->has_eps | (uint32_t)tn->final_type << 1));
      eps |= in == 0;
      prev = in;
    }
    if (bad || eps != nd[n].has_eps) rc = -1;
  }
  for (uint32_t d = 0; d < f->n_dense && !rc; d++) {
    if (owner[d] == UINT32_MAX) {
      rc = -1;
      break;
    }
    uint32_t lo = nd[owner[d]].first, hi = nd[owner[d] + 1].first;
    const fst_range *r = &f->dense[(size_t)d * FST_DENSE_SYMS];
    for (uint32_t c = 0; c < FST_DENSE_SYMS; c++) {
      if (r[c].lo > r[c].hi || (r[c].lo < r[c].hi && (r[c].lo < lo || r[c].hi > hi))) {
        rc = -1;
        break;
      }
    }
  }
  free(owner);
  if (rc) return rc;
  if (f->weighted) {
    for (uint32_t a = 0; a < f->n_arcs; a++)
      if (isnan(f->arc_w[a])) return -1;
    for (uint32_t n = 0; n < f->n_nodes; n++)
      if (isnan(f->final_w[n])) return -1;
  }
  uint32_t at;
  return fst_find_eps_cycle(f, &at) ? -1 : 0;
}

int fst_image_load(fst **out, const char *bin, size_t bin_len) {
  uint64_t key = image_key(bin, bin_len);
  char *path = pl_cache_path("PARLEY_NO_FST_CACHE", key, "fsti", 0);
  if (!path) return -1;
  int fd = open(path, O_RDONLY);
  free(path);
  if (fd < 0) return -1;
  struct stat st;
  void *m = MAP_FAILED;
  size_t len = 0;
  if (!fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size >= 24 + 4 * N_HDR) {
    len = (size_t)st.st_size;
    m = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
  }
  close(fd);
  if (m == MAP_FAILED) return -1;
  fst *f = calloc(1, sizeof *f);
  if (!f) {
    munmap(m, len);
    return -1;
  }
  f->image = m;
  f->image_len = len;
  rd c;
  rd_init(&c, m, len);
  uint64_t k, sum;
  uint32_t h[N_HDR];
  const char *p = m;
  memcpy(&k, p + 8, 8);
  memcpy(&sum, p + 16, 8);
  memcpy(h, p + 24, sizeof h);
  c.pos = 24 + sizeof h;
  if (memcmp(p, MAGIC, 8) || k != key || len % 8 || sum != image_sum(p + 24, len - 24) || h[0] != BOM ||
      h[1] != SIZES || h[11] > 1)
    goto bad;
  f->n_letters = h[2];
  f->n_tags = h[3];
  uint32_t tag_units = h[4];
  f->n_pairs = h[5];
  f->n_sections = h[6];
  uint32_t name_units = h[7];
  f->n_nodes = h[8];
  f->n_arcs = h[9];
  f->n_dense = h[10];
  f->weighted = (int)h[11];
  if (f->n_nodes > FST_MAX_NODES || f->n_dense > FST_DENSE_MAX_NODES) goto bad;
  f->letters = (int32_t *)rd_array(&c, f->n_letters, sizeof *f->letters, 8);
  const uint32_t *tag_off = rd_array(&c, (uint64_t)f->n_tags + 1, sizeof *tag_off, 8);
  const uint16_t *tags = rd_array(&c, tag_units, sizeof *tags, 8);
  f->pair = (int32_t(*)[2])rd_array(&c, f->n_pairs, sizeof *f->pair, 8);
  const uint32_t *secs = rd_array(&c, (uint64_t)f->n_sections * 7, sizeof *secs, 8);
  const uint16_t *names = rd_array(&c, name_units, sizeof *names, 8);
  f->node = (fst_node *)rd_array(&c, (uint64_t)f->n_nodes + 1, sizeof *f->node, 8);
  f->arc = (fst_arc *)rd_array(&c, f->n_arcs, sizeof *f->arc, 8);
  f->dense = (fst_range *)rd_array(&c, (uint64_t)f->n_dense * FST_DENSE_SYMS, sizeof *f->dense, 8);
  if (f->weighted) {
    f->arc_w = (double *)rd_array(&c, f->n_arcs, sizeof *f->arc_w, 8);
    f->final_w = (double *)rd_array(&c, f->n_nodes, sizeof *f->final_w, 8);
  }
  if (c.err || ((c.pos + 7) & ~(size_t)7) != c.len) goto bad;
  /* the tables made here: tag names and section records */
  f->tag = malloc((f->n_tags ? f->n_tags : 1) * sizeof *f->tag);
  f->tag_len = malloc((f->n_tags ? f->n_tags : 1) * sizeof *f->tag_len);
  f->sec = calloc(f->n_sections ? f->n_sections : 1, sizeof *f->sec);
  if (!f->tag || !f->tag_len || !f->sec || tag_off[0] != 0 || tag_off[f->n_tags] != tag_units) goto bad;
  for (uint32_t i = 0; i < f->n_tags; i++) {
    if (tag_off[i + 1] < tag_off[i]) goto bad;
    f->tag[i] = (uint16_t *)tags + tag_off[i];
    f->tag_len[i] = tag_off[i + 1] - tag_off[i];
  }
  for (uint32_t i = 0; i < f->n_sections; i++) {
    const uint32_t *r = secs + (size_t)i * 7;
    fst_section *s = &f->sec[i];
    if ((uint64_t)r[0] + r[1] > name_units || r[6] > 1) goto bad;
    s->name = (uint16_t *)names + r[0];
    s->name_len = r[1];
    s->first_node = r[2];
    s->n_nodes = r[3];
    s->initial = r[4];
    s->type = (int)r[5];
    s->weighted = (int)r[6];
  }
  for (uint32_t i = 0; i < f->n_letters; i++)
    if (f->letters[i] >= 0 && f->letters[i] < 128) f->letter_ascii[f->letters[i]] = 1;
  if (fst_build_tag_hash(f) || check(f)) goto bad;
  *out = f;
  return 0;
bad:
  fst_free(f);
  return -1;
}
