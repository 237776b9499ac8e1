/* cachefile.c - see cachefile.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cachefile.h"

char *pl_cache_path(const char *off_var, uint64_t key, const char *ext, int make_dir) {
  const char *off = getenv(off_var);
  if (off && *off && *off != '0') return NULL;
  char dir[1024];
  const char *d = getenv("PARLEY_CACHE_DIR"), *x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
  if (d && *d) snprintf(dir, sizeof dir, "%s", d);
  else if (x && *x) snprintf(dir, sizeof dir, "%s/parley", x);
  else if (home && *home) snprintf(dir, sizeof dir, "%s/.cache/parley", home);
  else return NULL;
  if (make_dir) { /* mkdir -p for the last two levels */
    char parent[1024];
    snprintf(parent, sizeof parent, "%s", dir);
    char *slash = strrchr(parent, '/');
    if (slash && slash != parent) {
      *slash = 0;
      mkdir(parent, 0755);
    }
    if (mkdir(dir, 0755) && errno != EEXIST) return NULL;
  }
  size_t n = strlen(dir) + strlen(ext) + 24;
  char *p = malloc(n);
  if (p) snprintf(p, n, "%s/%016llx.%s", dir, (unsigned long long)key, ext);
  return p;
}

void pl_cache_write(const char *path, const void *p, size_t n) {
  size_t tn = strlen(path) + 16;
  char *tmp = malloc(tn);
  if (!tmp) return;
  snprintf(tmp, tn, "%s.XXXXXX", path);
  int fd = mkstemp(tmp);
  if (fd >= 0) {
    ssize_t w = write(fd, p, n);
    int ok = w == (ssize_t)n && !close(fd);
    if (!ok || rename(tmp, path)) unlink(tmp);
  }
  free(tmp);
}
