#!/usr/bin/env bash
# The same APy request against Debian's apertium-apy and against
# `parley serve`, on loopback, with wrk: one short sentence
# (GET /translate?langpair=eng|spa&q=...) at 1, 16 and 64 connections.
#   bench/apy.sh [BUILD/parley] [SECONDS]   (default build/parley, 10 s per run)
# Needs wrk and apertium-apy (apt-get install wrk apertium-apy).
# Prints requests/s and latency percentiles per server and load.
set -eu
cd "$(dirname "$0")/.."
P=${1:-build/parley}
D=${2:-10}
command -v wrk >/dev/null || { echo "bench/apy.sh needs wrk"; exit 2; }
command -v apertium-apy >/dev/null || { echo "bench/apy.sh needs apertium-apy"; exit 2; }
T=$(mktemp -d "${TMPDIR:-/tmp}/parley-apy.XXXXXX")
mkdir -p "$T/modes"
cp /usr/share/apertium/modes/eng-spa.mode "$T/modes/"   # APy serves every mode under its path: only eng-spa
APORT=2737
(cd "$T" && exec apertium-apy -p $APORT -j1 "$T/modes" >"$T/apy.log" 2>&1) &
APID=$!
"$P" serve --port 0 --pairs eng-spa 2>"$T/parley.log" &
SPID=$!
trap 'kill $SPID $APID 2>/dev/null; wait 2>/dev/null; rm -rf "$T"' EXIT
for _ in $(seq 1 100); do grep -q http "$T/parley.log" && break; sleep 0.1; done
PPORT=$(sed -n 's|.*http://[^:]*:\([0-9]*\)/.*|\1|p' "$T/parley.log")
Q='langpair=eng|spa&q=The%20President%20met%20the%20Prime%20Minister%20on%20Tuesday.'
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$APORT/listPairs" >/dev/null && break; sleep 0.2; done
echo "apertium-apy: $(curl -s "http://127.0.0.1:$APORT/translate?$Q")"
echo "parley:       $(curl -s "http://127.0.0.1:$PPORT/translate?$Q")"
for c in 1 16 64; do
  th=$c; [ "$th" -gt 2 ] && th=2
  for s in apy parley; do
    port=$APORT; [ $s = parley ] && port=$PPORT
    echo "== $s, $c connection(s), ${D}s"
    wrk -t "$th" -c "$c" -d "${D}s" --latency "http://127.0.0.1:$port/translate?$Q" \
      | grep -E 'Requests/sec|50%|90%|99%|Non-2xx|Socket errors'
  done
done
