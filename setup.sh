#!/usr/bin/env bash
# First command of the README: installs what is missing (Debian packages),
# builds parley, and translates a sample news article from English to
# Spanish with the eng-spa pair.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/install-deps.sh
make -j2
echo
echo "== examples/article.en.txt, translated by parley (eng-spa):"
echo
build/parley translate eng-spa examples/article.en.txt
echo
echo "Built: build/parley and build/libparley.a.  Run the tests with: make check"
