/*
 * fuzz_html.c - libFuzzer target for the HTML format (src/html/): with the
 * identity as the translation step, deformatting and reformatting give
 * back every byte of any valid UTF-8 input (html_roundtrip), and invalid
 * UTF-8 is refused cleanly; with a translation step that mangles the
 * stream (reverses it, drops or repeats superblanks), the run never
 * crashes and never fails (the markup order itself is not asserted here;
 * tests/html.sh checks it on real translations).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "html/html.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reverses the order of the stream's tokens (superblanks, escaped
 * characters, other bytes), drops every third superblank and repeats
 * every fifth: what a stage could at worst do with blanks. */
static int mangle(void *ctx, const char *s, size_t n, bbuf *out, pl_err *e) {
  (void)ctx;
  (void)e;
  size_t *st = malloc((n + 1) * sizeof *st), *en = malloc((n + 1) * sizeof *en), k = 0;
  if (!st || !en) abort();
  for (size_t i = 0; i < n;) {
    size_t j = i + 1;
    if (s[i] == '[') {
      while (j < n && s[j] != ']') j += s[j] == '\\' && j + 1 < n ? 2 : 1;
      if (j < n) j++;
    } else if (s[i] == '\\' && j < n) {
      j++;
    } else {
      while (j < n && s[j] != '[' && s[j] != '\\' && s[j] != ' ') j++;
    }
    st[k] = i;
    en[k++] = j;
    i = j;
  }
  size_t nb = 0;
  for (size_t q = k; q-- > 0;) {
    int sb = s[st[q]] == '[';
    nb += sb;
    if (sb && nb % 3 == 0) continue;
    bbuf_append(out, s + st[q], en[q] - st[q]);
    if (sb && nb % 5 == 0) bbuf_append(out, s + st[q], en[q] - st[q]);
  }
  free(st);
  free(en);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 1 << 16) return 0;
  const char *s = (const char *)data;
  bbuf out = {0};
  pl_err e;
  int rc = html_roundtrip(s, size, &out, &e);
  if (rc && rc != PL_EINPUT) abort();
  if (!rc && (out.len != size || (size && memcmp(out.p, s, size)))) abort(); /* the round-trip property */
  if (rc == PL_EINPUT && utf8_check(s, size) < 0) abort();                    /* refused only for bad UTF-8 */
  bbuf_free(&out);
  if (!rc) {
    bbuf m = {0};
    rc = html_process(s, size, mangle, NULL, "es", &m, &e);
    if (rc) abort();
    bbuf_free(&m);
  }
  return 0;
}
