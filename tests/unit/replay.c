/*
 * replay.c - runs a fuzz target's entry point over files, without libFuzzer,
 * so that `make check` replays every input that once crashed or hung a
 * fuzzer (tests/regress/<target>/) and the seed corpora, under the
 * sanitizers of the check build.
 * Usage: replay-TARGET FILE_OR_DIR...   Prints "N passed, 0 failed".
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return 0;
  size_t cap = 1 << 16, n = 0, r;
  uint8_t *b = malloc(cap);
  while (b && (r = fread(b + n, 1, cap - n, f)) > 0) {
    n += r;
    if (n == cap) b = realloc(b, cap *= 2);
  }
  fclose(f);
  if (!b) return 0;
  LLVMFuzzerTestOneInput(b, n);
  free(b);
  return 1;
}

int main(int argc, char **argv) {
  int count = 0;
  for (int i = 1; i < argc; i++) {
    struct stat st;
    if (stat(argv[i], &st)) continue;
    if (!S_ISDIR(st.st_mode)) {
      count += run_file(argv[i]);
      continue;
    }
    DIR *d = opendir(argv[i]);
    struct dirent *e;
    while (d && (e = readdir(d))) {
      if (e->d_name[0] == '.') continue;
      char p[4096];
      snprintf(p, sizeof p, "%s/%s", argv[i], e->d_name);
      count += run_file(p);
    }
    if (d) closedir(d);
  }
  /* reaching here means no input crashed (the sanitizers abort otherwise) */
  printf("%d passed, 0 failed\n", count);
  return 0;
}
