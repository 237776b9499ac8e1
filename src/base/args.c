/* args.c - see args.h. */
#include <string.h>

#include "args.h"

static const arg_opt *find_short(const arg_opt *o, int n, int c) {
  for (int i = 0; i < n; i++)
    if (o[i].short_name == c) return &o[i];
  return NULL;
}

int args_parse(const char *prog, int argc, char **argv, const arg_opt *opts, int n_opts, int max_files,
               arg_result *r, pl_err *e) {
  memset(r, 0, sizeof *r);
  int only_files = 0;
  if (max_files > 8) max_files = 8;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (only_files || a[0] != '-' || a[1] == 0) {
      if (r->n_files >= max_files)
        return pl_err_set(e, PL_EUSAGE, -1, "%s: too many file arguments ('%s')", prog, a);
      r->files[r->n_files++] = a;
      continue;
    }
    if (a[1] == '-') {
      if (a[2] == 0) {
        only_files = 1;
        continue;
      }
      const char *name = a + 2, *eq = strchr(name, '=');
      size_t len = eq ? (size_t)(eq - name) : strlen(name);
      const arg_opt *o = NULL;
      for (int k = 0; k < n_opts && !o; k++)
        if (opts[k].long_name && strlen(opts[k].long_name) == len && !strncmp(opts[k].long_name, name, len))
          o = &opts[k];
      if (!o) return pl_err_set(e, PL_EUSAGE, -1, "%s: unknown option '%s'", prog, a);
      unsigned char c = (unsigned char)o->short_name;
      r->seen[c]++;
      if (o->takes_value) {
        if (eq) r->value[c] = eq + 1;
        else if (i + 1 < argc) r->value[c] = argv[++i];
        else return pl_err_set(e, PL_EUSAGE, -1, "%s: option '%s' needs a value", prog, a);
      } else if (eq) {
        return pl_err_set(e, PL_EUSAGE, -1, "%s: option '--%s' takes no value", prog, o->long_name);
      }
      continue;
    }
    for (const char *p = a + 1; *p; p++) {
      const arg_opt *o = find_short(opts, n_opts, (unsigned char)*p);
      if (!o || (unsigned char)*p >= 128)
        return pl_err_set(e, PL_EUSAGE, -1, "%s: unknown option '-%c'", prog, *p);
      r->seen[(unsigned char)*p]++;
      if (o->takes_value) {
        if (p[1]) r->value[(unsigned char)*p] = p + 1;
        else if (i + 1 < argc) r->value[(unsigned char)*p] = argv[++i];
        else return pl_err_set(e, PL_EUSAGE, -1, "%s: option '-%c' needs a value", prog, *p);
        break;
      }
    }
  }
  return PL_OK;
}
