#!/usr/bin/env bash
# `parley serve` over HTTP: every endpoint of the LibreTranslate and APy APIs,
# the article endpoint, the page, errors and limits, a 100 KB text, 200
# concurrent requests, overload (503) and shutdown on SIGTERM.
#   tests/server.sh BUILD/parley   -> "ok"/"FAIL" lines, then "N passed, M failed"
# Needs curl and python3; pairs eng-spa and spa-eng.
set -u
P=${1:?usage: server.sh PATH-TO-PARLEY}
P=$(cd "$(dirname "$P")" && pwd)/$(basename "$P")
REPO=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d "${TMPDIR:-/tmp}/parley-server.XXXXXX")
PIDS=""
cleanup() { for p in $PIDS; do kill "$p" 2>/dev/null; done; rm -rf "$T"; }
trap cleanup EXIT
pass=0 fail=0
ok() { echo "ok   $1"; pass=$((pass+1)); }
bad() { echo "FAIL $1"; fail=$((fail+1)); }

# start_server LOG ARGS...: starts `parley serve --port 0 ARGS`, sets PORT and SPID.
start_server() {
  local log=$1; shift
  "$P" serve --port 0 "$@" 2>"$log" &
  SPID=$!
  PIDS="$PIDS $SPID"
  PORT=""
  for _ in $(seq 1 100); do
    PORT=$(sed -n 's|.*http://[^:]*:\([0-9]*\)/.*|\1|p' "$log")
    [ -n "$PORT" ] && return 0
    kill -0 "$SPID" 2>/dev/null || break
    sleep 0.1
  done
  echo "FAIL server did not start: $(cat "$log")"; return 1
}

start_server "$T/log" || { echo "0 passed, 1 failed"; exit 1; }
U="http://127.0.0.1:$PORT"
SPID1=$SPID

# req NAME WANT_STATUS PYTHON_CHECK -- curl args...
#   The check is a Python expression over j (the JSON body, or None), b (the
#   body as text) and h (the response headers, lower case).
req() {
  local name=$1 want=$2 check=$3; shift 4
  local code
  code=$(curl -s -o "$T/body" -D "$T/hdr" -w '%{http_code}' "$@")
  if [ "$code" != "$want" ]; then
    bad "$name: status $code (want $want): $(head -c 300 "$T/body")"; return
  fi
  if python3 - "$T/body" "$T/hdr" "$check" <<'EOF'
import json, sys
b = open(sys.argv[1], encoding="utf-8").read()
h = open(sys.argv[2], encoding="latin-1").read().lower()
try:
    j = json.loads(b)
except ValueError:
    j = None
sys.exit(0 if eval(sys.argv[3]) else 1)
EOF
  then ok "$name"; else bad "$name: check '$check' failed on: $(head -c 300 "$T/body")"; fi
}
JS=(-H 'Content-Type: application/json')

# ---- the page and the lists
req "GET / is the page"             200 "'<select id=\"pair\"' in b and 'text/html' in h and '<script src' not in b" -- "$U/"
req "GET /languages"                200 "{'code':'en','name':'English','targets':['es']} in j and any(x['code']=='es' and 'en' in x['targets'] for x in j)" -- "$U/languages"
req "GET /listPairs"                200 "{'sourceLanguage':'eng','targetLanguage':'spa'} in j['responseData'] and j['responseStatus']==200 and j['responseDetails'] is None" -- "$U/listPairs"
req "POST /listPairs"               200 "len(j['responseData'])==2" -- -X POST "$U/listPairs"

# ---- LibreTranslate
req "LT: JSON, string"              200 "j=={'translatedText':'Hola Mundo'}" -- "${JS[@]}" -d '{"q":"Hello world","source":"en","target":"es"}' "$U/translate"
req "LT: JSON, array"               200 "j=={'translatedText':['Hola','El perro es negro.','']}" -- "${JS[@]}" -d '{"q":["Hello","The dog is black.",""],"source":"en","target":"es"}' "$U/translate"
req "LT: form data"                 200 "j=={'translatedText':'Hola Mundo'}" -- --data-urlencode 'q=Hello world' -d 'source=en&target=es&api_key=xyz' "$U/translate"
req "LT: three-letter codes"        200 "j=={'translatedText':'The dog is black.'}" -- "${JS[@]}" -d '{"q":"El perro es negro.","source":"spa","target":"eng"}' "$U/translate"
req "LT: api_key ignored"           200 "'translatedText' in j" -- "${JS[@]}" -d '{"q":"Hello","source":"en","target":"es","api_key":"k","format":"text"}' "$U/translate"
req "LT: news mode keeps names"     200 "'Donald Trump' in j['translatedText'] and '*' not in j['translatedText']" -- "${JS[@]}" -d '{"q":"President Donald Trump met Frank Fieldx.","source":"en","target":"es"}' "$U/translate"
req "LT: strict marks unknowns"     200 "'*Fieldx' in j['translatedText'] and 'Triunfo' in j['translatedText']" -- "${JS[@]}" -d '{"q":"President Donald Trump met Frank Fieldx.","source":"en","target":"es","strict":true}' "$U/translate"
req "LT: glossary"                  200 "'Casa Blanca' in j['translatedText']" -- "${JS[@]}" -d '{"q":"The White House said no.","source":"en","target":"es","glossary":"white house\tCasa Blanca\n"}' "$U/translate"
req "LT: html"                      200 "j['translatedText'].startswith('<p>') and '<b>' in j['translatedText'] and 'Hola' in j['translatedText']" -- "${JS[@]}" -d '{"q":"<p><b>Hello</b> world</p>","source":"en","target":"es","format":"html"}' "$U/translate"
req "LT: other formats refused"     400 "'not supported' in j['error']" -- "${JS[@]}" -d '{"q":"x","source":"en","target":"es","format":"docx"}' "$U/translate"
req "LT: source auto"               200 "j=={'translatedText':'Hola Mundo','detectedLanguage':{'confidence':100.0,'language':'en'}}" -- "${JS[@]}" -d '{"q":"Hello world","source":"auto","target":"es"}' "$U/translate"
req "LT: source auto, array"        200 "j['translatedText']==['The dog is black.','The dog'] and [(d['language'],d['confidence']) for d in j['detectedLanguage']]==[('es',100.0),('es',0.0)]" -- "${JS[@]}" -d '{"q":["El perro es negro.","The dog"],"source":"auto","target":"en"}' "$U/translate"
req "LT: source auto, no pair"      400 "'de' in j['error']" -- "${JS[@]}" -d '{"q":"Hello","source":"auto","target":"de"}' "$U/translate"
req "LT: auto refused for articles" 400 "'auto' in j['error']" -- "${JS[@]}" -d '{"source":"auto","target":"es","article":{"headline":"Hi"}}' "$U/translate_article"
req "LT: detect Spanish"            200 "[d['language'] for d in j]==['es','en'] and j[0]['confidence']>j[1]['confidence']" -- --data-urlencode 'q=El perro de mi vecina es negro.' "$U/detect"
req "LT: detect English (JSON)"     200 "j[0]['language']=='en' and j[0]['confidence']>=90" -- "${JS[@]}" -d '{"q":"The neighbours said the dog was black."}' "$U/detect"
req "LT: detect without words"      200 "all(d['confidence']==0 for d in j)" -- "${JS[@]}" -d '{"q":"1234 !!"}' "$U/detect"
req "LT: detect without q"          400 "'q' in j['error']" -- "${JS[@]}" -d '{}' "$U/detect"
req "APy: identifyLang"             200 "j['spa']>j['eng']" -- "$U/identifyLang?q=El+perro+es+negro"
req "LT: unknown pair lists pairs"  400 "'eng-spa' in j['error'] and 'spa-eng' in j['error']" -- "${JS[@]}" -d '{"q":"Hello","source":"en","target":"fr"}' "$U/translate"
req "LT: missing q"                 400 "'q' in j['error']" -- "${JS[@]}" -d '{"source":"en","target":"es"}' "$U/translate"
req "LT: missing target"            400 "'target' in j['error']" -- "${JS[@]}" -d '{"q":"Hello","source":"en"}' "$U/translate"
req "LT: q of the wrong type"       400 "'q must be' in j['error']" -- "${JS[@]}" -d '{"q":[1],"source":"en","target":"es"}' "$U/translate"
req "LT: strict of the wrong type"  400 "'strict' in j['error']" -- "${JS[@]}" -d '{"q":"a","source":"en","target":"es","strict":"yes"}' "$U/translate"
req "LT: bad glossary"              400 "'glossary' in j['error']" -- "${JS[@]}" -d '{"q":"a","source":"en","target":"es","glossary":"\t\n"}' "$U/translate"

# ---- APy
req "APy: GET translate"            200 "j=={'responseData':{'translatedText':'Hola Mundo'},'responseDetails':None,'responseStatus':200}" -- "$U/translate?langpair=eng|spa&q=Hello+world"
req "APy: POST translate"           200 "j['responseData']['translatedText']=='Hola Mundo'" -- --data-urlencode 'langpair=eng|spa' --data-urlencode 'q=Hello world' "$U/translate"
req "APy: markUnknown=yes"          200 "j['responseData']['translatedText']=='Hola *worldx'" -- "$U/translate?langpair=eng|spa&q=Hello%20worldx&markUnknown=yes"
req "APy: markUnknown=no"           200 "j['responseData']['translatedText']=='Hola worldx'" -- "$U/translate?langpair=eng|spa&q=Hello%20worldx&markUnknown=no"
req "APy: two-letter langpair"      200 "j['responseData']['translatedText']=='Hola'" -- "$U/translate?langpair=en|es&q=Hello"
req "APy: unknown pair"             400 "j['responseStatus']==400 and 'eng-spa' in j['error']" -- "$U/translate?langpair=eng|fra&q=Hello"
req "APy: missing q"                400 "j['responseStatus']==400" -- "$U/translate?langpair=eng|spa"
req "APy: bad langpair"             400 "'langpair' in j['error']" -- "$U/translate?langpair=engspa&q=a"

# ---- articles
ART='{"headline":"Dogs are good","byline":"John Dog","body":"The cat is black.","id":7}'
req "article: query parameters"     200 "j=={'headline':'Los perros son bien','byline':'John Dog','body':'El gato es negro.','id':7}" -- "${JS[@]}" -d "$ART" "$U/translate_article?source=en&target=es"
req "article: wrapped"              200 "j['body']=='El gato es negro.' and j['byline']=='John Dog'" -- "${JS[@]}" -d "{\"source\":\"eng\",\"target\":\"spa\",\"article\":$ART}" "$U/translate_article"
req "article: invalid JSON"         400 "'invalid JSON' in j['error']" -- "${JS[@]}" -d '{"body":' "$U/translate_article?source=en&target=es"
req "article: no pair"              400 "'source' in j['error']" -- "${JS[@]}" -d "$ART" "$U/translate_article"

# ---- errors and limits
req "404 unknown path"              404 "'error' in j" -- "$U/nowhere"
req "405 wrong method"              405 "'error' in j and 'allow: get, head, post' in h" -- -X DELETE "$U/translate"
req "405 GET /translate_article"    405 "'error' in j" -- "$U/translate_article"
req "400 malformed JSON"            400 "'invalid JSON' in j['error']" -- "${JS[@]}" -d '{"q":"a",' "$U/translate"
req "400 JSON array body"           400 "'object' in j['error']" -- "${JS[@]}" -d '["a"]' "$U/translate"
printf '{"q":"caf\xe9","source":"en","target":"es"}' > "$T/bad.json"
req "400 invalid UTF-8 in JSON"     400 "'error' in j" -- "${JS[@]}" --data-binary @"$T/bad.json" "$U/translate"
req "400 invalid UTF-8 in form"     400 "'UTF-8' in j['error']" -- -d 'q=caf%E9&source=en&target=es' "$U/translate"
req "400 invalid UTF-8 in query"    400 "'UTF-8' in j['error']" -- "$U/translate?langpair=eng|spa&q=%C0%AF"
req "415 unknown body type"         415 "'error' in j" -- -H 'Content-Type: text/plain' -d 'hello' "$U/translate"
head -c 1100000 /dev/zero | tr '\0' a > "$T/big.txt"
req "413 body over 1 MiB"           413 "'limit' in j['error']" -- "${JS[@]}" --data-binary @"$T/big.txt" "$U/translate"
req "413 chunked body over 1 MiB"   413 "'limit' in j['error']" -- "${JS[@]}" -H 'Transfer-Encoding: chunked' --data-binary @"$T/big.txt" "$U/translate"
req "OPTIONS preflight"             204 "'access-control-allow-origin: *' in h" -- -X OPTIONS "$U/translate"

# ---- a 100 KB text comes back whole, as `parley translate` gives it
CORPUS="${PARLEY_DATA:-$REPO/../shared/data}/newstest2013/newstest2013.en"
if [ -r "$CORPUS" ]; then head -c 102400 "$CORPUS" > "$T/100k.txt"
else for _ in $(seq 1 1500); do echo "The President of the United States met the Prime Minister on Tuesday."; done > "$T/100k.txt"; fi
# (cut at a character boundary)
python3 -c 'import sys; t=open(sys.argv[1],encoding="utf-8",errors="ignore").read(); open(sys.argv[1],"w",encoding="utf-8").write(t)' "$T/100k.txt"
python3 -c 'import json,sys; print(json.dumps({"q":open(sys.argv[1],encoding="utf-8").read(),"source":"en","target":"es"}))' "$T/100k.txt" > "$T/100k.json"
"$P" translate eng-spa "$T/100k.txt" "$T/100k.cli"
req "100 KB text comes back whole"  200 "j['translatedText']==open('$T/100k.cli',encoding='utf-8').read() and len(j['translatedText'])>90000" -- "${JS[@]}" --data-binary @"$T/100k.json" "$U/translate"

# ---- 200 concurrent requests, all answered correctly
if python3 - "$U" <<'EOF'
import json, sys, urllib.request
from concurrent.futures import ThreadPoolExecutor
u = sys.argv[1]
def one(i):
    if i % 2:
        body = json.dumps({"q": "The dog %d is black." % i, "source": "en", "target": "es"}).encode()
        r = urllib.request.urlopen(urllib.request.Request(u + "/translate", body, {"Content-Type": "application/json"}), timeout=60)
        return json.load(r)["translatedText"] == "El perro %d es negro." % i
    r = urllib.request.urlopen(u + "/translate?langpair=spa|eng&q=El+perro+es+negro.", timeout=60)
    return json.load(r)["responseData"]["translatedText"] == "The dog is black."
with ThreadPoolExecutor(max_workers=200) as ex:
    res = list(ex.map(one, range(200)))
print("%d of 200 correct" % sum(res))
sys.exit(0 if all(res) else 1)
EOF
then ok "200 concurrent requests"; else bad "200 concurrent requests"; fi

# ---- the page in headless Chromium (Debian's chromium), when installed:
# ?pair=&q=&strict=1 makes the page translate on load; its DOM must show the
# pair list from /listPairs and the translation with the unknown word marked.
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -n "$CHROMIUM" ]; then
  timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --user-data-dir="$T/chromium" \
    --virtual-time-budget=10000 --dump-dom "$U/?pair=eng|spa&strict=1&q=Hello%20worldx" >"$T/dom" 2>/dev/null
  if grep -q 'data-ready="1"' "$T/dom" && grep -q '<option value="spa|eng">' "$T/dom" &&
     grep -q 'id="out"[^>]*>Hola <mark class="unknown">\*worldx</mark></div>' "$T/dom"; then
    ok "page in headless Chromium: pairs listed, strict translation with the unknown word marked"
  else bad "page in headless Chromium: $(grep -o '<div id="out".*' "$T/dom" | head -c 300)"; fi
  timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --user-data-dir="$T/chromium" \
    --virtual-time-budget=10000 --dump-dom "$U/?pair=auto|eng&q=El%20perro%20es%20negro." >"$T/dom2" 2>/dev/null
  if grep -q '<option value="auto|spa">' "$T/dom2" && grep -q 'id="out"[^>]*>The dog is black.</div>' "$T/dom2" &&
     grep -q 'detected: es (100%)' "$T/dom2"; then
    ok "page in headless Chromium: detect, translate and show the language found"
  else bad "page in headless Chromium, detect: $(grep -o '<div id="out".*' "$T/dom2" | head -c 300) $(grep -o 'id="time".*' "$T/dom2" | head -c 100)"; fi
else echo "skip page in headless Chromium (no chromium)"; fi

# ---- a real client: the `libretranslate` npm package (tests/npm; install
# it with `npm --prefix tests/npm install`, as scripts/install-deps.sh does)
if command -v node >/dev/null && [ -d "$REPO/tests/npm/node_modules/libretranslate" ]; then
  if out=$(timeout 60 node "$REPO/tests/npm/libretranslate.js" "$U" 2>&1); then ok "npm libretranslate client: $out"
  else bad "npm libretranslate client: $out"; fi
else echo "skip npm libretranslate client (run: npm --prefix tests/npm install)"; fi

# ---- overload: with --max-queue 1, a request held open makes the next one 503
start_server "$T/log2" --max-queue 1 --pairs eng-spa
U2="http://127.0.0.1:$PORT"
SPID2=$SPID
python3 - "$PORT" > "$T/held" <<'EOF' &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"POST /translate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
print("sent", flush=True)
time.sleep(3)
s.close()
EOF
HELD=$!
for _ in $(seq 1 50); do grep -q sent "$T/held" && break; sleep 0.1; done
sleep 0.3
req "503 when overloaded"           503 "'busy' in j['error'] and 'retry-after' in h" -- "${JS[@]}" -d '{"q":"Hello","source":"en","target":"es"}' "$U2/translate"
wait $HELD
sleep 0.3
req "served again after the load"   200 "j=={'translatedText':'Hola'}" -- "${JS[@]}" -d '{"q":"Hello","source":"en","target":"es"}' "$U2/translate"
kill -TERM "$SPID2"; wait "$SPID2" 2>/dev/null

# ---- source "auto" choosing among three languages into Spanish
start_server "$T/log3" --pairs eng-spa,fr-es,eu-es
U3="http://127.0.0.1:$PORT"
SPID3=$SPID
req "auto: French into Spanish"     200 "j['detectedLanguage']['language']=='fr' and 'gato' in j['translatedText']" -- "${JS[@]}" -d '{"q":"Le chat de ma voisine est noir.","source":"auto","target":"es"}' "$U3/translate"
req "auto: Basque into Spanish"     200 "j['detectedLanguage']['language']=='eu'" -- "${JS[@]}" -d '{"q":"Gaur goizean etxera joan naiz.","source":"auto","target":"es"}' "$U3/translate"
req "auto: English into Spanish"    200 "j['detectedLanguage']['language']=='en' and 'gato' in j['translatedText']" -- "${JS[@]}" -d '{"q":"The cat of my neighbour is black.","source":"auto","target":"es"}' "$U3/translate"
req "detect: three languages"       200 "[d['language'] for d in j][0]=='fr' and len(j)==3" -- --data-urlencode 'q=Le chat de ma voisine est noir.' "$U3/detect"
kill -TERM "$SPID3"; wait "$SPID3" 2>/dev/null

# ---- bad options and shutdown
if "$P" serve --pairs xxx-yyy --port 0 2>"$T/e"; then bad "unknown pair at start"; else grep -q "xxx-yyy" "$T/e" && ok "unknown pair at start is an error" || bad "unknown pair message: $(cat "$T/e")"; fi
"$P" serve --port notanumber 2>/dev/null; [ $? = 2 ] && ok "bad --port is a usage error" || bad "bad --port"
kill -TERM "$SPID1"; wait "$SPID1"; rc=$?
if [ "$rc" = 0 ] && grep -q "stopped" "$T/log"; then ok "SIGTERM stops cleanly"; else bad "SIGTERM: rc=$rc $(cat "$T/log")"; fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
