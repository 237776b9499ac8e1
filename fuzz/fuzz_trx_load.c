/*
 * fuzz_trx_load.c - libFuzzer target: arbitrary bytes as a transfer rule
 * set.  The input is [kind byte][2-byte .bin length, little-endian][.bin]
 * [rule XML].  Refused or accepted, never a crash; accepted rules run over
 * a fixed stream, with and without -z.
 */
#include <stdint.h>
#include <string.h>

#include "transfer/trx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 3) return 0;
  trx_kind kind = (trx_kind)(data[0] % 3);
  size_t nb = (size_t)data[1] | (size_t)data[2] << 8;
  if (nb > size - 3) nb = size - 3;
  const char *bin = (const char *)data + 3, *xml = bin + nb;
  size_t nx = size - 3 - nb;
  trx_rules *r = NULL;
  pl_err e;
  if (trx_load_buffers(&r, kind, xml, nx, bin, nb, &e)) return 0;
  static const char s[] = "^the<det><def><sp>/el<det><def>$ ^x<n><sg>/y<n>$ [a] ^Chunk<SN><m>{^a<n><1>$ ^b<2>$}$\0"
                          "^c\\$<v>$ ^{$ [[t:b:1]]^d/e$ x";
  for (int z = 0; z < 2; z++) {
    trx_opts o = {z, z};
    pl_in in;
    pl_out out;
    pl_in_init_mem(&in, s, sizeof s - 1);
    pl_out_init_mem(&out);
    trx_run(r, &o, &in, &out, &e);
    pl_out_fini(&out);
  }
  trx_free(r);
  return 0;
}
