#!/usr/bin/env bash
# First command of the README: installs what is missing (Debian packages),
# builds parley, and runs a sample news article through the stages parley
# has so far, printing the morphological analysis that parley produces
# (identical to Debian's lt-proc).
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/install-deps.sh
make -j2
A=/usr/share/apertium/apertium-eng-spa
echo
echo "== examples/article.en.txt, analysed by parley (first lines):"
build/parley stage apertium-destxt < examples/article.en.txt \
  | build/parley stage lt-proc "$A/eng-spa.automorf.bin" \
  | head -c 900
echo
echo
echo "Built: build/parley and build/libparley.a.  Run the tests with: make check"
