/*
 * fst_args.c - lt-proc's command line, resolved the way lt_proc.cc's main()
 * resolves it: one processing mode (-a, -b/-o, -g, -e, -p, -t/-x), then the
 * generation flavour (-d, -l, -m, -n, -C), plus -c, -w, -z and -I.
 * Flags that no Debian mode uses and that parley does not implement (-i, -r,
 * -s, -W, -N, -L) are refused with a clear message instead of being ignored.
 */
#include <string.h>

#include "../base/args.h"
#include "fst.h"

static const arg_opt lt_opts[] = {
    {'a', "analysis", 0},         {'b', "bilingual", 0},       {'c', "case-sensitive", 0},
    {'d', "debugged-gen", 0},     {'e', "decompose-nouns", 0}, {'g', "generation", 0},
    {'i', "ignored-chars", 1},    {'r', "restore-chars", 1},   {'l', "tagged-gen", 0},
    {'m', "tagged-nm-gen", 0},    {'n', "non-marked-gen", 0},  {'o', "surf-bilingual", 0},
    {'p', "post-generation", 0},  {'x', "inter-generation", 0}, {'s', "sao", 0},
    {'t', "transliteration", 0},  {'v', "version", 0},         {'z', "null-flush", 0},
    {'w', "dictionary-case", 0},  {'C', "careful-case", 0},    {'I', "no-default-ignore", 0},
    {'W', "show-weights", 0},     {'N', "analyses", 1},        {'L', "weight-classes", 1},
    {'h', "help", 0},
};

int fst_parse_args(int argc, char **argv, fst_opts *o, pl_err *e) {
  arg_result r;
  int rc = args_parse("lt-proc", argc, argv, lt_opts, (int)(sizeof lt_opts / sizeof lt_opts[0]), 3, &r, e);
  if (rc) return rc;
  static const char unsupported[] = "irsWNLvh";
  for (const char *u = unsupported; *u; u++)
    if (r.seen[(unsigned char)*u])
      return pl_err_set(e, PL_EUSAGE, -1, "lt-proc: option -%c is not supported by parley", *u);
  char cmd = 0;
  const char *conflict = "lt-proc: conflicting processing modes";
  if (r.seen['a']) cmd = 'a';
  if (r.seen['b']) {
    if (cmd) return pl_err_set(e, PL_EUSAGE, -1, "%s", conflict);
    cmd = 'b';
  }
  if (r.seen['o']) {
    if (cmd && cmd != 'b') return pl_err_set(e, PL_EUSAGE, -1, "%s", conflict);
    cmd = 'b';
  }
  if (r.seen['g']) {
    if (cmd && cmd != 'b') return pl_err_set(e, PL_EUSAGE, -1, "%s", conflict);
    if (!cmd) cmd = 'g';
  }
  if (r.seen['e']) {
    if (cmd) return pl_err_set(e, PL_EUSAGE, -1, "%s", conflict);
    cmd = 'e';
  }
  if (r.seen['p']) {
    if (cmd) return pl_err_set(e, PL_EUSAGE, -1, "%s", conflict);
    cmd = 'p';
  }
  if (r.seen['x'] || r.seen['t']) {
    if (cmd) return pl_err_set(e, PL_EUSAGE, -1, "%s", conflict);
    cmd = 't';
  }
  memset(o, 0, sizeof *o);
  o->gm = FST_GM_UNKNOWN;
  static const struct { char flag; fst_genmode gm; } gms[] = {
      {'d', FST_GM_ALL}, {'l', FST_GM_TAGGED}, {'m', FST_GM_TAGGED_NM}, {'n', FST_GM_CLEAN}, {'C', FST_GM_CAREFULCASE}};
  for (size_t i = 0; i < sizeof gms / sizeof gms[0]; i++)
    if (r.seen[(unsigned char)gms[i].flag]) {
      if (!cmd) cmd = 'g';
      o->gm = gms[i].gm;
    }
  switch (cmd) {
  case 'b': o->mode = FST_MODE_BILINGUAL; break;
  case 'g': o->mode = FST_MODE_GENERATION; break;
  case 'p': o->mode = FST_MODE_POSTGEN; break;
  case 't': o->mode = FST_MODE_TRANSLIT; break;
  case 'e': o->mode = FST_MODE_ANALYSIS; o->decompose = 1; break;
  default: o->mode = FST_MODE_ANALYSIS; break;
  }
  o->surface_bil = r.seen['o'] > 0;
  o->case_sensitive = r.seen['c'] > 0;
  o->dictionary_case = r.seen['w'] > 0;
  o->null_flush = r.seen['z'] > 0;
  o->no_default_ignore = r.seen['I'] > 0;
  if (r.n_files < 1) return pl_err_set(e, PL_EUSAGE, -1, "lt-proc: missing transducer file argument");
  o->files[0] = r.files[0];
  o->files[1] = r.n_files > 1 ? r.files[1] : NULL;
  o->files[2] = r.n_files > 2 ? r.files[2] : NULL;
  return PL_OK;
}
