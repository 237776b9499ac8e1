#!/usr/bin/env bash
# HTTP benchmark of `parley serve` with wrk (Debian's `wrk`), on loopback:
# one short sentence at 1, 16 and 64 connections, and a 1,000-word request.
#   bench/server.sh [BUILD/parley] [SECONDS]    (default build/parley, 10 s per run)
# Extra arguments for the server go in SERVE_ARGS (e.g. SERVE_ARGS="--threads 0").
# Prints wrk's requests/s and latency percentiles for each run.
set -eu
cd "$(dirname "$0")/.."
P=${1:-build/parley}
D=${2:-10}
T=$(mktemp -d "${TMPDIR:-/tmp}/parley-bench.XXXXXX")
command -v wrk >/dev/null || { echo "bench/server.sh needs wrk (apt-get install wrk)"; exit 2; }
# shellcheck disable=SC2086
"$P" serve --port 0 --pairs eng-spa ${SERVE_ARGS:-} 2>"$T/log" &
SPID=$!
trap 'kill $SPID 2>/dev/null; rm -rf "$T"' EXIT
for _ in $(seq 1 100); do grep -q http "$T/log" && break; sleep 0.1; done
PORT=$(sed -n 's|.*http://[^:]*:\([0-9]*\)/.*|\1|p' "$T/log")
U="http://127.0.0.1:$PORT"

echo '{"q":"The President met the Prime Minister on Tuesday.","source":"en","target":"es"}' > "$T/short.json"
CORPUS=../shared/data/newstest2013/newstest2013.en
python3 - "$CORPUS" > "$T/long.json" <<'EOF'
import json, os, sys
words = (open(sys.argv[1], encoding="utf-8").read().split() if os.path.exists(sys.argv[1])
         else ("The President met the Prime Minister on Tuesday. " * 200).split())
print(json.dumps({"q": " ".join(words[:1000]), "source": "en", "target": "es"}))
EOF
cat > "$T/post.lua" <<EOF
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open(os.getenv("BODY"), "rb"); wrk.body = f:read("*a"); f:close()
EOF
# Sanity: the server answers the requests the runs send.
curl -sf -H 'Content-Type: application/json' --data-binary @"$T/short.json" "$U/translate"; echo
run() {  # NAME CONNECTIONS BODY
  local th=$2; [ "$th" -gt 2 ] && th=2
  echo "== $1, $2 connection(s), ${D}s"
  BODY=$3 wrk -t "$th" -c "$2" -d "${D}s" --latency -s "$T/post.lua" "$U/translate" \
    | grep -E 'Requests/sec|Latency|50%|75%|90%|99%|requests in|Non-2xx|Socket errors'
}
for c in 1 16 64; do run "short sentence" "$c" "$T/short.json"; done
run "1,000 words" 1 "$T/long.json"
run "1,000 words" 16 "$T/long.json"
