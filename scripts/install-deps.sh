#!/usr/bin/env bash
# Installs everything parley needs to build and test on Debian 12, from
# Debian's own packages: the compiler and libraries, and Apertium's tools and
# language data (the reference the tests compare against, and the data
# parley runs).  Idempotent; uses sudo when not run as root.
set -euo pipefail
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

# Build and test tools.
BUILD_PKGS="build-essential pkg-config libicu-dev libxml2-dev libjansson-dev libmicrohttpd-dev python3 clang"
# The server tests and benchmark (tests/server.sh, bench/server.sh): curl,
# chromium, wrk, and Node.js with npm (see below).
# Apertium's runtime (the reference implementation), its compilers (the tests
# compile hand-made dictionaries with lt-comp) ...
APERTIUM_PKGS="apertium lttoolbox apertium-lex-tools lttoolbox-dev apertium-dev time"
# ... and the language pairs whose modes need no Constraint Grammar
# (../shared/design/modes.md, tier T0), plus what they share packages with.
PAIRS="apertium-eng-spa apertium-en-gl apertium-eo-en apertium-eo-fr apertium-es-pt apertium-es-ro
 apertium-eu-en apertium-eu-es apertium-fr-es apertium-oc-ca apertium-oc-es apertium-pol-szl
 apertium-pt-gl apertium-spa-ast apertium-urd-hin apertium-afr-nld apertium-spa-arg
 apertium-spa-ita apertium-hbs-mkd apertium-hbs-eng apertium-es-gl"

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
missing=""
for p in $BUILD_PKGS $APERTIUM_PKGS $PAIRS; do
  installed "$p" || missing="$missing $p"
done
# Test tools: Node.js may come from elsewhere (e.g. NodeSource, whose nodejs
# conflicts with Debian's npm), so a command that is there is enough.
test_missing=""
for p in curl chromium wrk; do installed "$p" || test_missing="$test_missing $p"; done
command -v node >/dev/null || test_missing="$test_missing nodejs"
command -v npm >/dev/null || test_missing="$test_missing npm"
if [ -n "$missing$test_missing" ]; then
  $SUDO apt-get update -q
fi
if [ -n "$missing" ]; then
  echo "installing:$missing"
  # shellcheck disable=SC2086
  $SUDO apt-get install -y -q --no-install-recommends $missing
fi
if [ -n "$test_missing" ]; then
  echo "installing (test tools):$test_missing"
  # shellcheck disable=SC2086
  $SUDO apt-get install -y -q --no-install-recommends $test_missing ||
    echo "warning: could not install$test_missing; the tests that need them will say they were skipped"
fi
[ -n "$missing$test_missing" ] || echo "all packages present"

# The LibreTranslate client from npm that tests/server.sh runs against
# `parley serve` (optional: the test is skipped without it).
if command -v npm >/dev/null && [ ! -d "$(dirname "$0")/../tests/npm/node_modules/libretranslate" ]; then
  npm --prefix "$(dirname "$0")/../tests/npm" install --no-audit --no-fund || echo "npm install failed: the npm client test will be skipped"
fi
