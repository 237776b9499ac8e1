#!/usr/bin/env bash
# HTML pages: tests/html.sh PARLEY.  Translates the article pages of
# tests/html/ with eng-spa (news mode and --strict) and checks them with
# tests/html/check.py (tag and attribute sequence, kept content, text
# translated and not lost, attributes, lang, no marks); then malformed pages
# (nothing lost, no crash) and invalid UTF-8 (a clean error).
# Prints "N passed, M failed".
set -u
cd "$(dirname "$0")/.."
P=${1:-build/parley}
pass=0 fail=0
ok() { echo "ok $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ ! -f /usr/share/apertium/modes/eng-spa.mode ]; then
  echo "eng-spa is not installed: skipped"; echo "0 passed, 0 failed"; exit 0
fi

for f in tests/html/article*.html; do
  b=$(basename "$f" .html)
  for mode in news strict; do
    flag=; [ $mode = strict ] && flag=--strict
    if ! $P translate $flag -f html eng-spa "$f" "$tmp/$b.$mode.html" 2>"$tmp/err"; then
      bad "$b $mode: parley failed: $(cat "$tmp/err")"; continue
    fi
    extra=; [ $mode = strict ] && extra=--strict
    while read -r line; do
      case $line in
        ok*) ok "$mode ${line#ok }" ;;
        *) bad "$mode ${line#FAIL }" ;;
      esac
    done < <(python3 tests/html/check.py "$f" "$tmp/$b.$mode.html" $extra)
  done
done

# standard input and output, and the API's lang
out=$(printf '<p>The <b>big</b> house.</p>' | $P translate -f html eng-spa)
[ "$out" = '<p>La casa <b>grande</b>.</p>' ] || [ "$out" = '<p>La <b>casa</b> grande.</p>' ] \
  && ok "stdin: $out" || bad "stdin: got '$out'"
out=$(printf '<html lang=en><p>Hello</p></html>' | $P translate -f html eng-cat 2>/dev/null || true)
case $out in *'lang="ca"'*|'') ok "lang of eng-cat" ;; *) bad "lang of eng-cat: $out" ;; esac

# entities in, characters out; unknown ones kept
out=$(printf '<p>The caf&eacute; &amp; the house &#8211; &unknown; here.</p>' | $P translate -f html eng-spa)
case $out in *'&amp;'*'–'*'&unknown;'*) ok "entities: $out" ;; *) bad "entities: $out" ;; esac
case $out in *$'\xef\xbf'*) bad "entities: U+FFxx garbage" ;; *) ok "entities: no U+FFxx" ;; esac

# malformed pages: no crash, every word still there (translated or not)
mal=(
  '<p>The house <b>is big<p>The car is red'
  '<p>The house < is big & red</p>'
  '<div><p class="notranslate">Keep this<p>The car is red</div>'
  '<p title="unterminated>The house is big</p>'
  '<p>The house <!-- never closed'
  '<span translate=no><span>Keep</span> this too</span> <p>The house</p>'
  '</b></i></p>The house is big<p></p></div>'
)
for m in "${mal[@]}"; do
  if out=$(printf '%s' "$m" | $P translate -f html eng-spa 2>"$tmp/err"); then
    if [ -n "$out" ]; then ok "malformed: $m -> $out"; else bad "malformed: $m: empty output"; fi
  else
    bad "malformed: $m: $(cat "$tmp/err")"
  fi
done
# news mode's text rewrites (dates, spelling) leave kept markup alone
out=$(printf '<p>He spoke on Tuesday <code>encima martes s\xc3\xb3lo julio 4, 1990</code> and left.</p>' | $P translate -f html eng-spa)
case $out in
  *'el martes <code>encima martes sólo julio 4, 1990</code>'*) ok "kept <code> untouched by the date and spelling rewrites" ;;
  *) bad "kept <code> and the rewrites: got '$out'" ;;
esac
deep=$(python3 -c 'print("<div>" * 100000 + "<p>The house</p>" + "<b>" * 50000 + "text")')
printf '%s' "$deep" | $P translate -f html eng-spa > "$tmp/deep" 2>&1 && grep -q 'casa' "$tmp/deep" \
  && ok "deep nesting" || bad "deep nesting"
huge=$(python3 -c 'print("<img alt=\"" + "a" * 2000000 + "\"><p>The house</p>")')
printf '%s' "$huge" | $P translate -f html eng-spa > "$tmp/huge" 2>&1 && grep -q 'casa' "$tmp/huge" \
  && ok "huge attribute" || bad "huge attribute"
if printf '<p>caf\xe9 house</p>' | $P translate -f html eng-spa > /dev/null 2> "$tmp/err"; then
  bad "invalid UTF-8 accepted"
else
  grep -q 'invalid UTF-8 at byte offset 6' "$tmp/err" && ok "invalid UTF-8: $(cat "$tmp/err")" \
    || bad "invalid UTF-8: $(cat "$tmp/err")"
fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
