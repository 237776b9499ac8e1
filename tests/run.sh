#!/usr/bin/env bash
# The test suite behind `make check`:  tests/run.sh RELEASE_BUILD_DIR SAN_BUILD_DIR
#   1. loader corruption tests and fuzz-input replays, built with ASan+UBSan;
#   2. CLI behaviour;
#   3. differential tests against Debian's programs: the text format stages
#      (tests/diff_format.sh) and every stage parley implements in every
#      working non-CG mode (tests/difftest.py; a sample of each corpus, or
#      whole corpora with PARLEY_FULL=1);
#   4. `parley translate --strict` against `apertium` for every such mode
#      (tests/e2e.py).
# Ends with one line "N passed, M failed" summing every part.
set -u
cd "$(dirname "$0")/.."
REL=${1:-build}
SAN=${2:-build-san}
total_pass=0 total_fail=0
part() {  # part NAME command...: runs it, adds its "N passed, M failed" line
  local name=$1; shift
  echo "=== $name"
  local log; log=$(mktemp)
  "$@" 2>&1 | tee "$log" | grep -v '^ok ' | grep -v '^$'
  local line; line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
  if [ -z "$line" ]; then
    echo "FAIL $name: no result line"; total_fail=$((total_fail + 1))
  else
    total_pass=$((total_pass + $(echo "$line" | cut -d' ' -f1)))
    total_fail=$((total_fail + $(echo "$line" | cut -d' ' -f3)))
  fi
  rm -f "$log"
}
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
for t in "$SAN"/tests/test_*; do part "$(basename "$t") (sanitizers)" "$t"; done
for r in "$SAN"/tests/replay-*; do
  target=${r##*/replay-}
  part "replay $target (sanitizers)" "$r" "tests/regress/$target" "fuzz/corpus/$target"
done
part "cli" bash tests/cli.sh "$REL/parley"
part "html" bash tests/html.sh "$REL/parley"
part "server" bash tests/server.sh "$REL/parley"
if [ -n "${PARLEY_FULL:-}" ]; then
  part "format stages vs Debian" bash tests/diff_format.sh "$REL/parley"
  part "stages vs Debian, whole corpora" python3 tests/difftest.py "$REL/parley" --full
  part "translate vs apertium, whole corpora" python3 tests/e2e.py "$REL/parley" --full
else
  part "format stages vs Debian" env QUICK=1 bash tests/diff_format.sh "$REL/parley"
  part "stages vs Debian" python3 tests/difftest.py "$REL/parley"
  part "translate vs apertium" python3 tests/e2e.py "$REL/parley"
fi
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" = 0 ]
