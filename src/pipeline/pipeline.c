/*
 * pipeline.c - `apertium PAIR` for -f txt in one process (see pipeline.h).
 *
 * What the wrapper runs (apertium-header.sh, apertium-wblank-mode.cc):
 *   apertium-destxt [-n] | <mode, rewritten> $1 $2 | apertium-retxt
 * where the mode file's lines are joined, an old three-file transfer stage
 * becomes "lt-proc -b BIL | apertium-transfer -b RULES BIN" (when the mode
 * has no "lt-proc -b"), apertium-wblank-attach follows the analyser stage
 * and apertium-wblank-detach precedes the generator stage (unless the mode
 * mentions them already), and bash runs the result with $1 = -g (-n for
 * apertium -u) and $2 empty.
 *
 * Each stage reads the previous stage's whole output from memory.  That is
 * what the programs of a shell pipeline see too (each reads until EOF), so
 * the bytes are the same; parsing each stream again costs little next to the
 * stages themselves (bench/RESULTS.md).
 */
#define _GNU_SOURCE /* memmem */
#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <libxml/parser.h>
#include <unicode/uchar.h>

#include "../base/args.h"
#include "../format/format.h"
#include "../fst/fst.h"
#include "../lrx/lrx.h"
#include "../news/news.h"
#include "../pretransfer/pretransfer.h"
#include "../tagger/hmm.h"
#include "../transfer/trx.h"
#include "pipeline.h"

typedef enum {
  ST_LTPROC, ST_TAGGER, ST_PRETRANSFER, ST_LRX, ST_TRANSFER, ST_WB_ATTACH, ST_WB_DETACH, ST_NAMES, ST_SPACES, ST_PREFER
} step_kind;

typedef struct step {
  step_kind kind;
  fst *f;
  fst_opts fo;
  hmm_model *hmm;
  hmm_opts ho;
  ptx_opts po;
  lrx *lx;
  lrx_opts lo;
  trx_rules *tr;
  trx_opts to;
  int z; /* wblank -z */
  const struct step *analyser; /* ST_NAMES: the mode's analysis stage, or NULL */
  int prefer;                   /* ST_PREFER: news_prefer's table (NEWS_PREFER_*) */
  int spa;                      /* ST_SPACES: the target language is Spanish */
  char label[96];               /* program and last file name, for PARLEY_PROFILE */
} step;

struct pl_pipeline {
  step *steps;
  size_t n;
  fmt_txt_opts fmt;
  char *desc;
  int profile; /* PARLEY_PROFILE set at open: each run prints its stages' CPU times to stderr */
  int news;    /* news mode: plain text gets news_tidy */
  int en_es;   /* English into Spanish: news mode writes dates the Spanish way (news_dates_spa) */
  int es_en;   /* and the other way (news_dates_eng) */
};

/* ---- the mode text ---- */

static int is_ws(int c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

static void trim(bbuf *b) {
  size_t s = 0, e = b->len;
  while (s < e && is_ws((unsigned char)b->p[s])) s++;
  while (e > s && is_ws((unsigned char)b->p[e - 1])) e--;
  memmove(b->p, b->p + s, e - s);
  b->len = e - s;
}

static int contains(const char *p, size_t n, const char *needle) {
  size_t k = strlen(needle);
  for (size_t i = 0; i + k <= n; i++)
    if (!memcmp(p + i, needle, k)) return 1;
  return 0;
}

/* Matches "apertium-transfer\s+'A'\s+'B'\s+'C'" with C ending in
 * "autobil.bin" at p; sets the spans and the end. */
static int old_transfer_at(const char *p, size_t n, size_t at, size_t sp[3][2], size_t *end) {
  static const char kw[] = "apertium-transfer";
  size_t i = at, k = sizeof kw - 1;
  if (i + k > n || memcmp(p + i, kw, k)) return 0;
  i += k;
  for (int g = 0; g < 3; g++) {
    size_t w = i;
    while (i < n && is_ws((unsigned char)p[i])) i++;
    if (i == w || i >= n || p[i] != '\'') return 0;
    size_t s = ++i;
    while (i < n && p[i] != '\'') i++;
    if (i >= n || i == s) return 0;
    sp[g][0] = s;
    sp[g][1] = i;
    i++;
  }
  static const char bil[] = "autobil.bin";
  size_t bl = sizeof bil - 1;
  if (sp[2][1] - sp[2][0] < bl + 1 || memcmp(p + sp[2][1] - bl, bil, bl)) return 0;
  *end = i;
  return 1;
}

/* apertium-wblank-mode, into `out`. */
static int rewrite_mode(const bbuf *raw, bbuf *out) {
  bbuf m = {0};
  for (size_t i = 0; i < raw->len; i++)
    if (raw->p[i] != '\n') bbuf_putc(&m, raw->p[i]); /* getline() joins the lines */
  trim(&m);
  int helpers = contains(m.p, m.len, "apertium-wblank-");
  if (!contains(m.p, m.len, "lt-proc -b")) {
    bbuf r = {0};
    for (size_t i = 0; i < m.len;) {
      size_t sp[3][2], end;
      if (old_transfer_at(m.p, m.len, i, sp, &end)) {
        bbuf_puts(&r, "lt-proc -b '");
        bbuf_append(&r, m.p + sp[2][0], sp[2][1] - sp[2][0]);
        bbuf_puts(&r, "' | apertium-transfer -b '");
        bbuf_append(&r, m.p + sp[0][0], sp[0][1] - sp[0][0]);
        bbuf_puts(&r, "' '");
        bbuf_append(&r, m.p + sp[1][0], sp[1][1] - sp[1][0]);
        bbuf_puts(&r, "'");
        i = end;
      } else {
        bbuf_putc(&r, m.p[i++]);
      }
    }
    bbuf_free(&m);
    m = r;
  }
  size_t e = 0;
  for (;;) {
    size_t b = e;
    while (b < m.len && m.p[b] != '|') b++;
    bbuf t = {0};
    bbuf_append(&t, m.p + e, b - e);
    trim(&t);
    if (!helpers) {
      if (contains(t.p, t.len, "automorf.bin") || contains(t.p, t.len, "automorf.hfst")) {
        bbuf_puts(&t, " | apertium-wblank-attach");
      } else if (contains(t.p, t.len, "autogen.bin") || contains(t.p, t.len, "autogen.hfst")) {
        bbuf_puts(out, "apertium-wblank-detach | ");
      }
    }
    bbuf_append(out, t.p, t.len);
    bbuf_free(&t);
    if (b >= m.len) break;
    bbuf_puts(out, " | ");
    e = b + 1;
  }
  bbuf_free(&m);
  int failed = out->failed;
  bbuf_putc(out, 0);
  out->len--;
  return failed || out->failed ? -1 : 0;
}

/* ---- one command, as bash splits it ---- */

typedef struct words {
  char **w;
  int n, cap;
} words;

static int words_add(words *ws, bbuf *cur) {
  if (ws->n + 1 >= ws->cap) {
    int cap = ws->cap ? ws->cap * 2 : 16;
    char **p = pl_realloc_array(ws->w, (size_t)cap, sizeof *p);
    if (!p) return -1;
    ws->w = p;
    ws->cap = cap;
  }
  char *s = malloc(cur->len + 1);
  if (!s) return -1;
  memcpy(s, cur->p, cur->len);
  s[cur->len] = 0;
  ws->w[ws->n++] = s;
  ws->w[ws->n] = NULL;
  cur->len = 0;
  return 0;
}

static void words_free(words *ws) {
  for (int i = 0; i < ws->n; i++) free(ws->w[i]);
  free(ws->w);
  memset(ws, 0, sizeof *ws);
}

/* Splits `cmd` into words: '...' and "..." quoting, backslash escapes, and
 * $1/$2 (an unquoted empty expansion is no word).  Anything else a shell
 * would interpret is refused. */
static int split_cmd(const char *cmd, size_t n, const char *d1, const char *d2, words *ws, pl_err *e) {
  bbuf cur = {0};
  int have = 0, rc = PL_OK;
  for (size_t i = 0; i < n && !rc;) {
    char c = cmd[i];
    if (is_ws((unsigned char)c)) {
      if (have && words_add(ws, &cur)) rc = PL_ENOMEM;
      have = 0;
      i++;
    } else if (c == '\'') {
      size_t j = i + 1;
      while (j < n && cmd[j] != '\'') j++;
      if (j >= n) rc = pl_err_set(e, PL_EUNSUPPORTED, -1, "mode: unterminated quote in '%.*s'", (int)n, cmd);
      else {
        bbuf_append(&cur, cmd + i + 1, j - i - 1);
        have = 1;
        i = j + 1;
      }
    } else if (c == '"') {
      size_t j = i + 1;
      have = 1;
      while (j < n && cmd[j] != '"') {
        if (cmd[j] == '\\' && j + 1 < n && strchr("$`\"\\", cmd[j + 1])) j++;
        else if (cmd[j] == '$' && j + 1 < n && (cmd[j + 1] == '1' || cmd[j + 1] == '2')) {
          bbuf_puts(&cur, cmd[j + 1] == '1' ? d1 : d2);
          j += 2;
          continue;
        } else if (cmd[j] == '$' || cmd[j] == '`') {
          rc = pl_err_set(e, PL_EUNSUPPORTED, -1, "mode: shell expansion in '%.*s' is not supported", (int)n, cmd);
          break;
        }
        bbuf_putc(&cur, cmd[j++]);
      }
      if (!rc && j >= n) rc = pl_err_set(e, PL_EUNSUPPORTED, -1, "mode: unterminated quote in '%.*s'", (int)n, cmd);
      i = j + 1;
    } else if (c == '\\' && i + 1 < n) {
      bbuf_putc(&cur, cmd[i + 1]);
      have = 1;
      i += 2;
    } else if (c == '$' && i + 1 < n && (cmd[i + 1] == '1' || cmd[i + 1] == '2')) {
      const char *v = cmd[i + 1] == '1' ? d1 : d2;
      if (*v) { /* a flag word, never containing blanks */
        bbuf_puts(&cur, v);
        have = 1;
      }
      i += 2;
    } else if (strchr("<>;&$`(){}*?[", c)) {
      rc = pl_err_set(e, PL_EUNSUPPORTED, -1, "mode: shell syntax '%c' in '%.*s' is not supported", c, (int)n, cmd);
    } else {
      bbuf_putc(&cur, c);
      have = 1;
      i++;
    }
  }
  if (!rc && have && words_add(ws, &cur)) rc = PL_ENOMEM;
  if (!rc && cur.failed) rc = PL_ENOMEM;
  if (rc == PL_ENOMEM) pl_err_set(e, PL_ENOMEM, -1, "mode: out of memory");
  bbuf_free(&cur);
  return rc;
}

/* ---- stages ---- */

static const char *base_name(const char *p) {
  const char *s = strrchr(p, '/');
  return s ? s + 1 : p;
}

static const arg_opt tagger_opts[] = {{'g', "tagger", 0}, {'p', "show-superficial", 0}, {'m', "mark", 0},
                                      {'f', "first", 0},  {'z', "null-flush", 0},       {'h', "help", 0}};
static const arg_opt ptx_opts_tab[] = {{'z', "null-flush", 0}, {'n', "no-surface-forms", 0}, {'e', "compounds", 0}};
static const arg_opt lrx_opts_tab[] = {{'m', "max-ent", 0}, {'z', "null-flush", 0}};
static const arg_opt trx_opts_tab[] = {{'b', "from-bilingual", 0}, {'n', "no-bilingual", 0}, {'z', "null-flush", 0}};
static const arg_opt chunk_opts_tab[] = {{'z', "null-flush", 0}};
static const arg_opt z_only[] = {{'z', "null-flush", 0}};

/* The program a mode stage runs if parley has it, else NULL. */
static const char *known(const char *prog) {
  static const char *const names[] = {"lt-proc", "apertium-tagger", "apertium-pretransfer", "lrx-proc",
                                      "parley-names", "parley-spaces", "parley-prefer",
                                      "apertium-transfer", "apertium-interchunk", "apertium-postchunk",
                                      "apertium-wblank-attach", "apertium-wblank-detach", NULL};
  for (int i = 0; names[i]; i++)
    if (!strcmp(prog, names[i])) return names[i];
  return NULL;
}

static int open_step(step *s, words *w, pl_err *e) {
  const char *prog = base_name(w->w[0]);
  arg_result r;
  int rc;
  memset(s, 0, sizeof *s);
  snprintf(s->label, sizeof s->label, "%s%s%s", prog, w->n > 1 ? " " : "", w->n > 1 ? base_name(w->w[w->n - 1]) : "");
  if (!strcmp(prog, "lt-proc")) {
    s->kind = ST_LTPROC;
    if ((rc = fst_parse_args(w->n, w->w, &s->fo, e))) return rc;
    if (s->fo.files[1]) return pl_err_set(e, PL_EUNSUPPORTED, -1, "mode: lt-proc with an input file is not supported");
    if ((rc = fst_load_file(&s->f, s->fo.files[0], e))) return rc;
    fst_proc *p = NULL; /* check now that the transducer suits the mode */
    fst_opts check = s->fo;
    check.size_hint = 1; /* a small cache: it is freed at once */
    rc = fst_proc_create(&p, s->f, &check, e);
    fst_proc_free(p);
    return rc;
  }
  if (!strcmp(prog, "apertium-tagger")) {
    s->kind = ST_TAGGER;
    if ((rc = args_parse(prog, w->n, w->w, tagger_opts, 6, 1, &r, e))) return rc;
    if (!r.seen['g'] || r.n_files != 1)
      return pl_err_set(e, PL_EUNSUPPORTED, -1, "mode: only 'apertium-tagger -g MODEL' is supported");
    s->ho = (hmm_opts){r.seen['p'] > 0, r.seen['m'] > 0, r.seen['f'] > 0, r.seen['z'] > 0};
    return hmm_load_file(&s->hmm, r.files[0], e);
  }
  if (!strcmp(prog, "apertium-pretransfer")) {
    s->kind = ST_PRETRANSFER;
    if ((rc = args_parse(prog, w->n, w->w, ptx_opts_tab, 3, 0, &r, e))) return rc;
    s->po = (ptx_opts){r.seen['z'] > 0, r.seen['n'] > 0, r.seen['e'] > 0};
    return PL_OK;
  }
  if (!strcmp(prog, "lrx-proc")) {
    s->kind = ST_LRX;
    if ((rc = args_parse(prog, w->n, w->w, lrx_opts_tab, 2, 1, &r, e))) return rc;
    if (r.n_files != 1) return pl_err_set(e, PL_EUSAGE, -1, "mode: lrx-proc needs one rule file");
    s->lo.null_flush = r.seen['z'] > 0;
    return lrx_load_file(&s->lx, r.files[0], e);
  }
  if (!strcmp(prog, "apertium-transfer") || !strcmp(prog, "apertium-interchunk") ||
      !strcmp(prog, "apertium-postchunk")) {
    s->kind = ST_TRANSFER;
    trx_kind k = prog[9] == 't' ? TRX_TRANSFER : prog[9] == 'i' ? TRX_INTERCHUNK : TRX_POSTCHUNK;
    if ((rc = args_parse(prog, w->n, w->w, k == TRX_TRANSFER ? trx_opts_tab : chunk_opts_tab, k == TRX_TRANSFER ? 3 : 1,
                         2, &r, e)))
      return rc;
    if (r.n_files != 2 || (k == TRX_TRANSFER && !r.seen['b'] && !r.seen['n']))
      return pl_err_set(e, PL_EUNSUPPORTED, -1, "mode: '%s' needs -b or -n and two files", prog);
    s->to = (trx_opts){k == TRX_TRANSFER && r.seen['b'] > 0, r.seen['z'] > 0};
    return trx_load(&s->tr, k, r.files[0], r.files[1], e);
  }
  if (!strcmp(prog, "parley-names")) { /* news mode's own stages */
    s->kind = ST_NAMES;
    return PL_OK;
  }
  if (!strcmp(prog, "parley-spaces")) {
    s->kind = ST_SPACES;
    return PL_OK;
  }
  if (!strcmp(prog, "parley-prefer")) {
    s->kind = ST_PREFER;
    return PL_OK;
  }
  if (!strcmp(prog, "apertium-wblank-attach") || !strcmp(prog, "apertium-wblank-detach")) {
    s->kind = prog[16] == 'a' ? ST_WB_ATTACH : ST_WB_DETACH;
    if ((rc = args_parse(prog, w->n, w->w, z_only, 1, 0, &r, e))) return rc;
    s->z = r.seen['z'] > 0;
    return PL_OK;
  }
  return pl_err_set(e, PL_EUNSUPPORTED, -1, "the mode needs %s, which parley does not have yet", prog);
}

static void free_step(step *s) {
  fst_free(s->f);
  hmm_free(s->hmm);
  lrx_free(s->lx);
  trx_free(s->tr);
}

static int analyse_cb(void *ctx, const char *text, size_t len, bbuf *res) {
  pl_in in;
  pl_out out;
  pl_err e;
  pl_in_init_mem(&in, text, len);
  pl_out_init_mem(&out);
  int rc = fst_proc_run(ctx, &in, &out, &e);
  if (!rc) rc = bbuf_append(res, out.b.p, out.b.len);
  pl_out_fini(&out);
  return rc ? -1 : 0;
}

static int run_step(const step *s, pl_in *in, pl_out *out, news_run *nr, pl_err *e) {
  switch (s->kind) {
  case ST_LTPROC: {
    fst_proc *p = NULL;
    fst_opts o = s->fo;
    o.size_hint = in->len ? in->len : 1; /* the whole text is in memory */
    int rc = fst_proc_create(&p, s->f, &o, e);
    if (!rc) rc = fst_proc_run(p, in, out, e);
    fst_proc_free(p);
    return rc;
  }
  case ST_TAGGER:
    return hmm_run(s->hmm, &s->ho, in, out, e);
  case ST_PRETRANSFER:
    return ptx_run(in, out, &s->po, e);
  case ST_LRX:
    return lrx_run(s->lx, &s->lo, in, out, e);
  case ST_TRANSFER:
    return trx_run(s->tr, &s->to, in, out, e);
  case ST_WB_ATTACH:
    return fmt_wblank_attach(in, out, s->z, e);
  case ST_WB_DETACH:
    return fmt_wblank_detach(in, out, s->z, e);
  case ST_SPACES:
    return news_spaces(in, out, s->spa, e);
  case ST_PREFER:
    return news_prefer(in, out, s->prefer, e);
  case ST_NAMES: {
    fst_proc *ap = NULL;
    news_run *r = nr;
    fst_opts ao = s->analyser ? s->analyser->fo : (fst_opts){0};
    ao.size_hint = 1; /* it analyses single words */
    if (s->analyser && !fst_proc_create(&ap, s->analyser->f, &ao, e)) {
      r->analyse = analyse_cb;
      r->analyse_ctx = ap;
    }
    int rc = news_names(in, out, r, e);
    r->analyse = NULL;
    fst_proc_free(ap);
    return rc;
  }
  }
  return pl_err_set(e, PL_EUNSUPPORTED, -1, "pipeline: unknown stage");
}

static int mode_path(bbuf *p, const char *datadir, const char *pair, pl_err *e) {
  if (!*pair || strchr(pair, '/') || pair[0] == '.')
    return pl_err_set(e, PL_EUSAGE, -1, "'%s' is not a language pair name", pair);
  bbuf_puts(p, datadir ? datadir : "/usr/share/apertium");
  bbuf_puts(p, "/modes/");
  bbuf_puts(p, pair);
  bbuf_puts(p, ".mode");
  bbuf_putc(p, 0);
  return p->failed ? pl_err_set(e, PL_ENOMEM, -1, "out of memory") : PL_OK;
}

/* The rewritten mode of a pair, and its commands split into words. */
static int read_commands(const char *datadir, const char *pair, const char *d1, bbuf *text, words **cmds, int *ncmd,
                         pl_err *e) {
  bbuf path = {0}, raw = {0};
  int rc = mode_path(&path, datadir, pair, e);
  if (!rc && (rc = pl_read_file(path.p, &raw, e)) == PL_EIO)
    rc = pl_err_set(e, PL_EUSAGE, -1, "no mode '%s' (%s not found); `parley pairs` lists the installed ones", pair,
                    path.p);
  if (!rc && rewrite_mode(&raw, text)) rc = pl_err_set(e, PL_ENOMEM, -1, "out of memory");
  bbuf_free(&path);
  bbuf_free(&raw);
  if (rc) return rc;
  int n = 1;
  for (size_t i = 0; i < text->len; i++) n += text->p[i] == '|';
  *cmds = calloc((size_t)n, sizeof **cmds);
  if (!*cmds) return pl_err_set(e, PL_ENOMEM, -1, "out of memory");
  *ncmd = n;
  size_t b = 0;
  for (int k = 0; k < n && !rc; k++) {
    size_t q = b;
    while (q < text->len && text->p[q] != '|') q++;
    rc = split_cmd(text->p + b, q - b, d1, "", &(*cmds)[k], e);
    if (!rc && (*cmds)[k].n == 0) rc = pl_err_set(e, PL_EUNSUPPORTED, -1, "mode '%s': an empty stage", pair);
    b = q + 1;
  }
  return rc;
}

/* Inserts the command `prog` after command `at`. */
static int insert_after(words **cmds, int *n, int at, const char *prog, pl_err *e) {
  words *c = pl_realloc_array(*cmds, (size_t)*n + 1, sizeof *c);
  if (!c) return pl_err_set(e, PL_ENOMEM, -1, "out of memory");
  *cmds = c;
  memmove(c + at + 2, c + at + 1, (size_t)(*n - at - 1) * sizeof *c);
  memset(&c[at + 1], 0, sizeof c[at + 1]);
  (*n)++;
  bbuf w = {0};
  bbuf_puts(&w, prog);
  int rc = words_add(&c[at + 1], &w);
  bbuf_free(&w);
  return rc ? pl_err_set(e, PL_ENOMEM, -1, "out of memory") : PL_OK;
}

/* News mode: parley's name stage goes right after apertium-tagger, which is
 * asked for surface forms (-p; the name stage removes them again); a mode
 * without a tagger gets none. */
static int insert_names(words **cmds, int *n, pl_err *e) {
  int at = -1;
  for (int k = 0; k < *n && at < 0; k++)
    if (!strcmp(base_name((*cmds)[k].w[0]), "apertium-tagger")) at = k;
  if (at < 0) return PL_OK;
  int rc = insert_after(cmds, n, at, "parley-names", e);
  if (rc) return rc;
  bbuf w = {0};
  bbuf_puts(&w, "-p");
  rc = words_add(&(*cmds)[at], &w); /* the tagger: -p */
  bbuf_free(&w);
  return rc ? pl_err_set(e, PL_ENOMEM, -1, "out of memory") : PL_OK;
}

/* News mode: parley-spaces (news/spaces.c) right after the last transfer
 * stage, where the generator would read. */
static int insert_spaces(words **cmds, int *n, pl_err *e) {
  int at = -1;
  for (int k = 0; k < *n; k++) {
    const char *b = base_name((*cmds)[k].w[0]);
    if (!strcmp(b, "apertium-transfer") || !strcmp(b, "apertium-interchunk") || !strcmp(b, "apertium-postchunk"))
      at = k;
  }
  return at < 0 ? PL_OK : insert_after(cmds, n, at, "parley-spaces", e);
}

/* News mode: parley-prefer (news/prefer.c) right after the bilingual
 * dictionary (lt-proc -b), before lexical selection. */
static int insert_prefer(words **cmds, int *n, pl_err *e) {
  for (int k = 0; k < *n; k++) {
    const words *c = &(*cmds)[k];
    if (strcmp(base_name(c->w[0]), "lt-proc")) continue;
    for (int i = 1; i < c->n; i++)
      if (!strcmp(c->w[i], "-b") || !strcmp(c->w[i], "--bilingual"))
        return insert_after(cmds, n, k, "parley-prefer", e);
  }
  return PL_OK;
}

static void free_commands(words *cmds, int n) {
  for (int k = 0; k < n && cmds; k++) words_free(&cmds[k]);
  free(cmds);
}

/* Stages are loaded in parallel (they are independent files): start-up is
 * mostly loading, and a pair has several large files. */
typedef struct loader_job {
  pl_pipeline *p;
  words *cmds;
  int n;
  atomic_int next;
  int *rc;
  pl_err *errs;
} loader_job;

static void *load_worker(void *arg) {
  loader_job *j = arg;
  for (;;) {
    int k = atomic_fetch_add(&j->next, 1);
    if (k >= j->n) break;
    pl_err_clear(&j->errs[k]);
    j->rc[k] = open_step(&j->p->steps[k], &j->cmds[k], &j->errs[k]);
  }
  return NULL;
}

static int open_steps(pl_pipeline *p, words *cmds, int n, pl_err *e) {
  int *rc = calloc((size_t)n, sizeof *rc);
  pl_err *errs = calloc((size_t)n, sizeof *errs);
  if (!rc || !errs) {
    free(rc);
    free(errs);
    return pl_err_set(e, PL_ENOMEM, -1, "out of memory");
  }
  loader_job j = {p, cmds, n, 0, rc, errs};
  xmlInitParser(); /* once, before libxml2 is used from several threads */
  pthread_t th[3];
  int nt = 0;
  for (; nt < 3 && nt + 1 < n; nt++)
    if (pthread_create(&th[nt], NULL, load_worker, &j)) break;
  load_worker(&j);
  for (int i = 0; i < nt; i++) pthread_join(th[i], NULL);
  p->n = (size_t)n;
  int r = PL_OK;
  for (int k = 0; k < n && !r; k++) /* the first failing stage, in pipeline order */
    if (rc[k]) {
      *e = errs[k];
      r = rc[k];
    }
  free(rc);
  free(errs);
  return r;
}

int pipeline_open(pl_pipeline **out, const char *pair, const pipeline_opts *o, pl_err *e) {
  *out = NULL;
  pl_pipeline *p = calloc(1, sizeof *p);
  if (!p) return pl_err_set(e, PL_ENOMEM, -1, "out of memory");
  const char *prof = getenv("PARLEY_PROFILE");
  p->profile = prof && *prof && strcmp(prof, "0");
  bbuf text = {0};
  words *cmds = NULL;
  int n = 0;
  int news = o && o->news;
  p->news = news;
  p->en_es = !strcmp(pair, "eng-spa") || !strcmp(pair, "en-es");
  p->es_en = !strcmp(pair, "spa-eng") || !strcmp(pair, "es-en");
  int rc = read_commands(o ? o->datadir : NULL, pair, (o && !o->unknown_marks) || news ? "-n" : "-g", &text, &cmds,
                         &n, e);
  if (!rc && news) rc = insert_names(&cmds, &n, e);
  if (!rc && news) rc = insert_spaces(&cmds, &n, e);
  int prefer = p->en_es ? NEWS_PREFER_ENG_SPA : p->es_en ? NEWS_PREFER_SPA_ENG : 0;
  if (!rc && news && news_prefer_has(prefer)) rc = insert_prefer(&cmds, &n, e);
  if (!rc) {
    for (int k = 0; k < n; k++) { /* name the first missing program before loading anything */
      if (!known(base_name(cmds[k].w[0]))) {
        rc = pl_err_set(e, PL_EUNSUPPORTED, -1, "mode '%s' needs %s, which parley does not have yet", pair,
                        base_name(cmds[k].w[0]));
        break;
      }
    }
  }
  if (!rc && !(p->steps = calloc(n > 0 ? (size_t)n : 1, sizeof *p->steps))) rc = pl_err_set(e, PL_ENOMEM, -1, "out of memory");
  if (!rc) rc = open_steps(p, cmds, n, e);
  for (size_t k = 0; !rc && news && k < p->n; k++) /* news: "e Idaho", not lt-proc's "e idaho" */
    if (p->steps[k].kind == ST_LTPROC && p->steps[k].fo.mode == FST_MODE_POSTGEN) p->steps[k].fo.keep_initials = 1;
  for (size_t k = 0; !rc && k < p->n; k++)
    if (p->steps[k].kind == ST_PREFER) p->steps[k].prefer = prefer;
    else if (p->steps[k].kind == ST_SPACES) p->steps[k].spa = p->en_es;
  for (size_t k = 0; !rc && k < p->n; k++) /* the name stage asks the analyser */
    if (p->steps[k].kind == ST_NAMES)
      for (size_t a = 0; a < k; a++)
        if (p->steps[a].kind == ST_LTPROC && p->steps[a].fo.mode == FST_MODE_ANALYSIS) {
          p->steps[k].analyser = &p->steps[a];
          break;
        }
  free_commands(cmds, n);
  if (!rc) {
    p->fmt.no_dot = o ? o->no_dot : 0;
    p->desc = strdup(text.p ? text.p : "");
    if (!p->desc) rc = pl_err_set(e, PL_ENOMEM, -1, "out of memory");
  }
  bbuf_free(&text);
  if (rc) {
    pipeline_free(p);
    return rc;
  }
  *out = p;
  return PL_OK;
}

void pipeline_free(pl_pipeline *p) {
  if (!p) return;
  for (size_t i = 0; i < p->n; i++) free_step(&p->steps[i]);
  free(p->steps);
  free(p->desc);
  free(p);
}

const char *pipeline_describe(const pl_pipeline *p) { return p->desc; }

/* Runs one stage from `cur` into a new buffer, which replaces `cur`. */
typedef int (*stage_fn)(const void *ctx, pl_in *in, pl_out *out, pl_err *e);

static int destxt_fn(const void *ctx, pl_in *in, pl_out *out, pl_err *e) { return fmt_destxt(in, out, ctx, e); }
static int retxt_fn(const void *ctx, pl_in *in, pl_out *out, pl_err *e) { return fmt_retxt(in, out, ctx, e); }
typedef struct step_ctx {
  const step *s;
  news_run *nr;
} step_ctx;
static int step_fn(const void *ctx, pl_in *in, pl_out *out, pl_err *e) {
  const step_ctx *c = ctx;
  return run_step(c->s, in, out, c->nr, e);
}

/* Runs one stage from `cur` into `spare` (emptied, with room for about the
 * input's size, so that the output seldom grows by copying), then swaps
 * them: the output becomes the next input, and the old input's storage is
 * reused by the next stage. */
static double cpu_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* PARLEY_PROFILE: one line per stage, "CPU-ms  bytes-in  bytes-out  stage". */
static int pass_timed(const pl_pipeline *p, const char *label, stage_fn fn, const void *ctx, bbuf *cur,
                      bbuf *spare, pl_err *e);

static int pass(stage_fn fn, const void *ctx, bbuf *cur, bbuf *spare, pl_err *e) {
  pl_in in;
  pl_out out;
  pl_in_init_mem(&in, cur->p ? cur->p : "", cur->len);
  pl_out_init_mem(&out);
  out.b = *spare;
  out.b.len = 0;
  out.b.failed = 0;
  bbuf_reserve(&out.b, cur->len + cur->len / 4 + 4096);
  int rc = fn(ctx, &in, &out, e);
  if (!rc && out.b.failed) rc = pl_err_set(e, PL_ENOMEM, -1, "out of memory");
  *spare = *cur;
  *cur = out.b;
  return rc;
}

static int pass_timed(const pl_pipeline *p, const char *label, stage_fn fn, const void *ctx, bbuf *cur,
                      bbuf *spare, pl_err *e) {
  if (!p->profile) return pass(fn, ctx, cur, spare, e);
  size_t in = cur->len;
  double t0 = cpu_ms();
  int rc = pass(fn, ctx, cur, spare, e);
  fprintf(stderr, "parley profile: %8.2f ms %10zu B in %10zu B out  %s\n", cpu_ms() - t0, in, cur->len, label);
  return rc;
}

/* The mode's stages between deformatter and reformatter; `formatted`: run
 * destxt before and retxt after them (pipeline_run), else the input is
 * already a stream and the output stays one (pipeline_run_stream). */
static int run(const pl_pipeline *p, const char *in, size_t len, const pipeline_run_opts *ro, bbuf *out, int formatted,
               pl_err *e) {
  bbuf cur = {0}, spare = {0};
  news_run nr = {0};
  nr.g = ro ? ro->glossary : NULL;
  nr.into_spanish = p->en_es;
  size_t start = out->len;
  if (bbuf_append(&cur, in, len)) return pl_err_set(e, PL_ENOMEM, -1, "out of memory");
  int rc = formatted ? pass_timed(p, "apertium-destxt", destxt_fn, &p->fmt, &cur, &spare, e) : PL_OK;
  for (size_t i = 0; i < p->n && !rc; i++) {
    const step *s = &p->steps[i];
    /* the word-bound blank stages change nothing in a stream without "[[" */
    if ((s->kind == ST_WB_ATTACH || s->kind == ST_WB_DETACH) && !memmem(cur.p ? cur.p : "", cur.len, "[[", 2))
      continue;
    step_ctx c = {s, &nr};
    rc = pass_timed(p, s->label, step_fn, &c, &cur, &spare, e);
  }
  if (!rc && formatted) rc = pass_timed(p, "apertium-retxt", retxt_fn, &p->fmt, &cur, &spare, e);
  if (!rc && (nr.n ? news_unplace(&nr, cur.p ? cur.p : "", cur.len, out) : bbuf_append(out, cur.p, cur.len)))
    rc = pl_err_set(e, PL_ENOMEM, -1, "out of memory");
  if (!rc && p->news && formatted) rc = news_tidy(in, len, out, start);
  if (!rc && p->news &&
      ((p->en_es && (news_dates_spa(out, start, !formatted) || news_spelling_spa(out, start, !formatted))) ||
       (p->es_en && news_dates_eng(out, start, !formatted))))
    rc = pl_err_set(e, PL_ENOMEM, -1, "out of memory");
  if (!rc && ro && ro->names && bbuf_append(ro->names, nr.names.p, nr.names.len))
    rc = pl_err_set(e, PL_ENOMEM, -1, "out of memory");
  if (!rc && ro && ro->unknown && bbuf_append(ro->unknown, nr.unknown.p, nr.unknown.len))
    rc = pl_err_set(e, PL_ENOMEM, -1, "out of memory");
  news_run_free(&nr);
  bbuf_free(&cur);
  bbuf_free(&spare);
  return rc;
}

int pipeline_run(const pl_pipeline *p, const char *in, size_t len, const pipeline_run_opts *ro, bbuf *out,
                 pl_err *e) {
  return run(p, in, len, ro, out, 1, e);
}

int pipeline_run_stream(const pl_pipeline *p, const char *in, size_t len, const pipeline_run_opts *ro, bbuf *out,
                        pl_err *e) {
  return run(p, in, len, ro, out, 0, e);
}

/* ---- how much of a text the source language knows ---- */

/* One unit's surface form and analyses, starting after its '^': sets *has_letter
 * and *unknown, returns the index after its '$' (or n). */
static size_t scan_unit(const char *s, size_t n, size_t i, int *has_letter, int *unknown) {
  int in_sf = 1, first = 1;
  *has_letter = *unknown = 0;
  while (i < n) {
    unsigned char c = (unsigned char)s[i];
    if (c == '$') return i + 1;
    if (c == '\\' && i + 1 < n) {
      i += 2;
      continue;
    }
    if (c == '/') {
      if (in_sf) first = 1;
      in_sf = 0;
      i++;
      continue;
    }
    if (!in_sf) {
      if (first && c == '*') *unknown = 1;
      first = 0;
      i++;
      continue;
    }
    int32_t cp = c;
    int k = 1;
    if (c >= 0x80) {
      k = utf8_lead_len(c);
      if (k < 2 || i + (size_t)k > n || (cp = utf8_decode((const unsigned char *)s + i, k)) < 0) k = 1, cp = 0;
    }
    if (cp && u_isalpha(cp)) *has_letter = 1;
    i += (size_t)k;
  }
  return n;
}

int pipeline_known_share(const pl_pipeline *p, const char *in, size_t len, size_t *known, size_t *n_words,
                         pl_err *e) {
  *known = *n_words = 0;
  const step *an = NULL;
  for (size_t i = 0; i < p->n && !an; i++)
    if (p->steps[i].kind == ST_LTPROC && p->steps[i].fo.mode == FST_MODE_ANALYSIS) an = &p->steps[i];
  if (!an) return pl_err_set(e, PL_EUNSUPPORTED, -1, "the mode has no morphological analyser");
  bbuf cur = {0}, spare = {0};
  int rc = bbuf_append(&cur, in, len) ? pl_err_set(e, PL_ENOMEM, -1, "out of memory") : PL_OK;
  if (!rc) rc = pass(destxt_fn, &p->fmt, &cur, &spare, e);
  step_ctx c = {an, NULL};
  if (!rc) rc = pass(step_fn, &c, &cur, &spare, e);
  for (size_t i = 0; !rc && i < cur.len;) {
    char ch = cur.p[i];
    if (ch == '\\') i += 2;
    else if (ch == '[') { /* a superblank: up to its unescaped ']' */
      for (i++; i < cur.len && cur.p[i] != ']'; i++)
        if (cur.p[i] == '\\') i++;
      i++;
    } else if (ch == '^') {
      int letter, unknown;
      i = scan_unit(cur.p, cur.len, i + 1, &letter, &unknown);
      if (letter) {
        (*n_words)++;
        *known += !unknown;
      }
    } else {
      i++;
    }
  }
  bbuf_free(&cur);
  bbuf_free(&spare);
  return rc;
}

/* ---- listing ---- */

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int pipeline_list(const char *datadir, void (*fn)(const char *, const char *, void *), void *arg, pl_err *e) {
  bbuf dir = {0};
  bbuf_puts(&dir, datadir ? datadir : "/usr/share/apertium");
  bbuf_puts(&dir, "/modes");
  bbuf_putc(&dir, 0);
  DIR *d = dir.failed ? NULL : opendir(dir.p);
  if (!d) {
    pl_err_set(e, PL_EIO, -1, "cannot list %s", dir.p ? dir.p : "modes");
    bbuf_free(&dir);
    return -1;
  }
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct dirent *de;
  while ((de = readdir(d))) {
    size_t l = strlen(de->d_name);
    if (l <= 5 || strcmp(de->d_name + l - 5, ".mode")) continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 64;
      char **q = pl_realloc_array(names, cap, sizeof *q);
      if (!q) break;
      names = q;
    }
    if (!(names[n] = strndup(de->d_name, l - 5))) break;
    n++;
  }
  closedir(d);
  bbuf_free(&dir);
  if (n) qsort(names, n, sizeof *names, cmp_str);
  for (size_t i = 0; i < n; i++) {
    bbuf text = {0};
    words *cmds = NULL;
    int nc = 0;
    pl_err e2;
    const char *missing = NULL;
    char why[128];
    if (read_commands(datadir, names[i], "-g", &text, &cmds, &nc, &e2)) {
      snprintf(why, sizeof why, "(unreadable mode: %.100s)", e2.msg);
      missing = why;
    }
    for (int k = 0; k < nc && !missing; k++) {
      if (!known(base_name(cmds[k].w[0]))) {
        snprintf(why, sizeof why, "%s", base_name(cmds[k].w[0]));
        missing = why;
      }
    }
    fn(names[i], missing, arg);
    free_commands(cmds, nc);
    bbuf_free(&text);
    free(names[i]);
  }
  free(names);
  return (int)n;
}
