#!/usr/bin/env bash
# Runs every built libFuzzer target for SECONDS (default 60) each, with
# memory limits, seeding each from fuzz/corpus/<target>/ when present.
# A crash leaves its input in build-fuzz/ and fails the run; copy it to
# tests/regress/<target>/ so that `make check` replays it for ever.
set -euo pipefail
secs=${1:-60}
cd "$(dirname "$0")/.."
status=0
for src in fuzz/fuzz_*.c; do
  name=$(basename "$src" .c)
  t=build-fuzz/$name
  work=build-fuzz/corpus-$name
  mkdir -p "$work"
  seeds=()
  [ -d "fuzz/corpus/$name" ] && seeds+=("fuzz/corpus/$name")
  [ -d "tests/regress/$name" ] && seeds+=("tests/regress/$name")
  if [ "$name" = fuzz_hmm_load ]; then  # seed with the smallest real models
    ls -S /usr/share/apertium/apertium-*/*.prob 2>/dev/null | tail -n 3 | while read -r f; do cp "$f" "$work/"; done
  fi
  if [ "$name" = fuzz_lrx_load ]; then  # seed with small real rule files
    ls -S /usr/share/apertium/apertium-*/*.autolex.bin 2>/dev/null | tail -n 8 | while read -r f; do cp "$f" "$work/"; done
  fi
  if [ "$name" = fuzz_fst_load ]; then  # seed with small real Debian files
    for f in /usr/share/apertium/apertium-eng-spa/*.autopgen.bin /usr/share/apertium/apertium-*/*.autopmor.bin; do
      [ -f "$f" ] && cp "$f" "$work/" || true
    done
  fi
  echo "== $name for ${secs}s"
  if ! "$t" -max_total_time="$secs" -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=10 \
       -artifact_prefix=build-fuzz/"$name"- "$work" "${seeds[@]}" 2>build-fuzz/"$name".log; then
    echo "FAIL $name (see build-fuzz/$name.log)"; status=1
  else
    tail -n 1 build-fuzz/"$name".log
  fi
done
exit $status
