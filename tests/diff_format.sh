#!/usr/bin/env bash
# diff_format.sh PARLEY - differential test of the text-format stages:
# apertium-destxt, apertium-retxt, apertium-wblank-attach and
# apertium-wblank-detach, Debian's programs against `PARLEY stage PROGRAM`.
#
# Every case feeds both the same bytes and compares stdout byte for byte
# (cmp) and the exit status.  Inputs: every corpus file under $DATA (whole
# files), real intermediate streams made from them with Debian's own tools
# (analyser output, `apertium -f none` output, word-bound-blank streams run
# through the middle of the eng-spa mode), and hand-made edge cases.
#
# Two kinds of case are not plain comparisons, because parley deliberately
# differs there (see src/format/destxt.c):
#   - blank runs of more than 8192 characters: Debian's destxt writes them to
#     a temporary file and emits "[@/tmp/file]"; parley keeps them inline.
#     Debian's output is normalised (the file's content put back between the
#     brackets, the file deleted) before comparing, and the destxt|retxt
#     round trips are compared too;
#   - invalid UTF-8: Debian's destxt silently drops text; parley must exit
#     non-zero with the byte offset in its message.
#
# Output: one line per case, "ok NAME" or "FAIL NAME: reason", then
# "N passed, M failed"; the exit status is non-zero if any case failed.
# Environment: DATA (corpus root, default ../shared/data beside the repo), QUICK=1 skips
# the slow `apertium -f none` pipelines.

set -u -o pipefail
P=${1:?usage: diff_format.sh PATH-TO-PARLEY}
case $P in /*) ;; *) P=$PWD/$P ;; esac
DATA=${DATA:-${PARLEY_DATA:-$(cd "$(dirname "$0")/../.." && pwd)/shared/data}}
SHARE=/usr/share/apertium
ENGSPA=$SHARE/apertium-eng-spa
export LC_ALL=C.UTF-8

T=$(mktemp -d "${TMPDIR:-/tmp}/diff_format.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/e" "$T/s"

pass=0
fail=0
ok() { echo "ok $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1: $2"; fail=$((fail + 1)); }

for prog in apertium-destxt apertium-retxt apertium-wblank-attach apertium-wblank-detach lt-proc apertium; do
  command -v "$prog" >/dev/null || { echo "missing Debian program $prog" >&2; exit 2; }
done
[ -x "$P" ] || { echo "not executable: $P" >&2; exit 2; }

# Debian's destxt writes blank runs > 8192 chars to /tmp/fileXXXXXX and emits
# "[@/tmp/fileXXXXXX]": put the content back inline and delete the file.
inline_tmpfiles() {
  python3 - "$1" <<'EOF'
import os, re, sys
p = sys.argv[1]
b = open(p, 'rb').read()
def put_back(m):
    f = m.group(1).decode()
    d = open(f, 'rb').read()
    os.unlink(f)
    return b'[' + d + b']'
open(p, 'wb').write(re.sub(rb'\[@(/tmp/[^\]]+)\]', put_back, b))
EOF
}

# same NAME INPUT PROGRAM [ARGS...]: Debian's PROGRAM vs `parley stage`,
# stdin from INPUT; stdout and exit status must be identical.
same() {
  local name=$1 in=$2 rrc grc d
  shift 2
  "$@" <"$in" >"$T/ref" 2>"$T/ref.err"
  rrc=$?
  if [ "$1" = apertium-destxt ] && grep -a -q -F '[@/tmp/' "$T/ref"; then
    inline_tmpfiles "$T/ref"
    name="$name (tmpfile inlined)"
  fi
  "$P" stage "$@" <"$in" >"$T/got" 2>"$T/got.err"
  grc=$?
  if [ "$rrc" != "$grc" ]; then
    bad "$name" "exit status $grc, Debian $rrc: $(head -c 300 "$T/got.err")"
  elif ! d=$(cmp "$T/ref" "$T/got" 2>&1); then
    bad "$name" "${d//$T\//}"
  else
    ok "$name"
  fi
}

# roundtrip NAME INPUT [DESTXT-ARGS...]: destxt|retxt, Debian vs parley.
roundtrip() {
  local name=$1 in=$2 d
  shift 2
  apertium-destxt "$@" <"$in" | apertium-retxt >"$T/ref"
  "$P" stage apertium-destxt "$@" <"$in" | "$P" stage apertium-retxt >"$T/got"
  if ! d=$(cmp "$T/ref" "$T/got" 2>&1); then bad "$name" "${d//$T\//}"; else ok "$name"; fi
}

# rejects NAME INPUT ARGS...: parley must exit non-zero with a message.
rejects() {
  local name=$1 in=$2 rc
  shift 2
  "$P" stage "$@" <"$in" >"$T/got" 2>"$T/got.err"
  rc=$?
  if [ $rc -eq 0 ]; then bad "$name" "accepted"
  elif [ ! -s "$T/got.err" ]; then bad "$name" "exit status $rc without a message"
  else ok "$name"; fi
}

# bad_utf8 NAME INPUT OFFSET [ARGS]: destxt must fail naming the offset.
bad_utf8() {
  local name=$1 in=$2 off=$3 rc
  shift 3
  "$P" stage apertium-destxt "$@" <"$in" >"$T/got" 2>"$T/got.err"
  rc=$?
  if [ $rc -eq 0 ]; then bad "$name" "invalid UTF-8 accepted"
  elif ! grep -q -w "offset $off" "$T/got.err"; then bad "$name" "message lacks 'offset $off': $(head -c 300 "$T/got.err")"
  else ok "$name"; fi
}

# expect NAME INPUT EXPECTED PROGRAM [ARGS...]: parley's output must be the
# file EXPECTED (for inputs on which Debian's program has undefined behaviour).
expect() {
  local name=$1 in=$2 want=$3 d
  shift 3
  if ! "$P" stage "$@" <"$in" >"$T/got" 2>"$T/got.err"; then bad "$name" "failed: $(head -c 300 "$T/got.err")"
  elif ! d=$(cmp "$want" "$T/got" 2>&1); then bad "$name" "${d//$T\//}"
  else ok "$name"; fi
}

# mk NAME PRINTF-FORMAT [ARGS...]: an edge-case input file.
mk() {
  local n=$1
  shift
  # shellcheck disable=SC2059
  printf "$@" >"$T/e/$n"
}

corpora=()
for f in "$DATA"/newstest2013/* "$DATA"/flores*/*; do
  case $f in *.md) continue ;; esac
  [ -f "$f" ] && corpora+=("$f")
done
[ ${#corpora[@]} -gt 0 ] || { echo "no corpus files under $DATA" >&2; exit 2; }
cname() { local b=${1#"$DATA"/}; echo "${b//\//:}"; }

# ---------------------------------------------------------------- destxt
mk empty ''
mk no-newline 'Hello world'
mk newline 'Hello world\n'
mk only-nl '\n'
mk only-space ' '
mk two-spaces '  '
mk par 'a\n\nb'
mk par3 'a\n\n\nb\n\n\n\nc\n'
mk par-lead '\n\nfoo'
mk crlf 'one\r\ntwo\r\n'
mk crlf-par 'a\r\n\r\nb\r\n\r\n'
mk cr-mixed 'a\r\n\nb \r\n\r\r\n\r\nc\r\r\n\n'
mk tabs 'tab\there\t\tand\t \tthere\t'
mk tilde 'x~y ~ ~~z~'
mk at-lead '@start @ x'
mk at-blank 'a  @b\n@c'
mk escapes '[ ] \\ / @ < > ^ $ { }'
mk escapes-packed '[]\\/@<>^${}'
mk brackets 'a[b]c [x] [[t:b:1]]w[[/]] {y} ^z$ <n>'
mk backslash-end 'abc\\'
mk dots 'Hello. World.. End.[] x.[]'
mk others '* # + = %% & | ! ? " '"'"' ` ,;:'
mk spaces-lead '   leading and trailing   '
mk spaces-run "a%100sb%8191sc%8192sd\n" '' '' ''
mk spaces-8193 "a%8193sb\n" ''
mk spaces-20000 "x%20000s\n\ny" ''
mk nul-only '\0'
mk nuls 'a\0b\0\0c'
mk nul-in-blank 'a \0 b  \0  c\n\0\nd'
mk nul-par 'a\n\n\0b\n\0\nc'
mk nul-in-char 'caf\xc3\0\xa9 \xe2\0\x82\0\xac'
mk nul-after-esc 'a\\\0[b'
mk utf8 'café naïve € 😀 日本語テキスト ﻿BOM Ωμέγα\n'
mk utf8-blank 'ñ\nñ\n\nü\tü~ü'
mk cp-edges '\xc2\x80 \xdf\xbf \xe0\xa0\x80 \xef\xbf\xbf \xf0\x90\x80\x80 \xf4\x8f\xbf\xbf'
head -c 1000000 /dev/zero | tr '\0' 'a' >"$T/e/line-1mb"
yes 'word' | head -n 200000 | tr '\n' ' ' >"$T/e/words-1mb"
{ yes 'x' | head -n 300000 | tr -d '\n'; printf '\n\n'; yes 'héllo wörld [x] @y.' | head -n 50000; } >"$T/e/mixed-big"
{ printf 'a'; head -c 3000000 /dev/zero | tr '\0' '\n'; printf 'b'; } >"$T/e/newlines-3mb"
{ printf 'a'; head -c 3000000 /dev/zero | tr '\0' ' '; printf '\n\nb'; } >"$T/e/spaces-3mb-par-end"
{ printf 'a\n\n'; head -c 2000000 /dev/zero | tr '\0' '\t'; printf '\0 b'; head -c 100000 /dev/zero | tr '\0' ' '; } >"$T/e/tabs-2mb-nul"

for f in "${corpora[@]}"; do
  for flags in "" "-n" "-i" "-o" "-n -o" "-i -n"; do
    # shellcheck disable=SC2086
    same "destxt $flags $(cname "$f")" "$f" apertium-destxt $flags
  done
done
for f in "$T"/e/*; do
  for flags in "" "-n" "-i"; do
    # shellcheck disable=SC2086
    same "destxt $flags edge:${f##*/}" "$f" apertium-destxt $flags
  done
done
for f in spaces-8193 spaces-20000 newlines-3mb spaces-3mb-par-end tabs-2mb-nul mixed-big nul-in-blank; do
  roundtrip "destxt|retxt edge:$f" "$T/e/$f"
  roundtrip "destxt -i|retxt edge:$f" "$T/e/$f" -i
done

# file arguments: [input_file [output_file]]
f=${corpora[0]}
apertium-destxt -n "$f" >"$T/ref"
"$P" stage apertium-destxt -n "$f" >"$T/got"
if cmp -s "$T/ref" "$T/got"; then ok "destxt -n FILE"; else bad "destxt -n FILE" "differs"; fi
apertium-destxt "$f" "$T/ref.out" </dev/null >/dev/null
"$P" stage apertium-destxt "$f" "$T/got.out" </dev/null >/dev/null
if cmp -s "$T/ref.out" "$T/got.out"; then ok "destxt FILE OUTFILE"; else bad "destxt FILE OUTFILE" "differs"; fi
same "destxt -h (usage on stderr, exit 0)" "$T/e/newline" apertium-destxt -h
rejects "destxt rejects unknown option" "$T/e/newline" apertium-destxt -x
rejects "destxt rejects clustered flags" "$T/e/newline" apertium-destxt -ni
rejects "destxt rejects a missing file" "$T/e/newline" apertium-destxt "$T/does-not-exist"
rejects "destxt rejects three files" "$T/e/newline" apertium-destxt "$f" "$T/x1" "$T/x2"
rejects "destxt rejects option after file" "$T/e/newline" apertium-destxt "$f" -n

# invalid UTF-8: Debian drops text; parley must fail with the offset.
mk bad-ff 'a\xffb c d\n'
mk bad-cont '\x80'
mk bad-trunc-eof 'ab\xc3'
mk bad-split 'a\xc3 \xa9b'
mk bad-esc-split 'a\xc3[\xa9b'
mk bad-overlong 'xy\xc0\x80'
mk bad-overlong3 '\xe0\x80\xaf'
mk bad-surrogate 'a \xed\xa0\x80'
mk bad-too-big '\xf4\x90\x80\x80'
mk bad-f8 'z\xf8\x88\x80\x80\x80'
bad_utf8 "destxt invalid: lone 0xFF" "$T/e/bad-ff" 1
mk bad-ff-eof 'a b\xff'
bad_utf8 "destxt invalid: 0xFF at EOF" "$T/e/bad-ff-eof" 3
bad_utf8 "destxt invalid: stray continuation" "$T/e/bad-cont" 0
bad_utf8 "destxt invalid: truncated at EOF" "$T/e/bad-trunc-eof" 2
bad_utf8 "destxt invalid: character split by a blank" "$T/e/bad-split" 1
bad_utf8 "destxt invalid: character split by an escape" "$T/e/bad-esc-split" 1 -n
bad_utf8 "destxt invalid: overlong 2-byte" "$T/e/bad-overlong" 2
bad_utf8 "destxt invalid: overlong 3-byte" "$T/e/bad-overlong3" 0
bad_utf8 "destxt invalid: surrogate" "$T/e/bad-surrogate" 2
bad_utf8 "destxt invalid: above U+10FFFF" "$T/e/bad-too-big" 0
bad_utf8 "destxt invalid: 5-byte lead" "$T/e/bad-f8" 1
{ cat "${corpora[0]}"; printf '\xfe'; cat "${corpora[0]}"; } >"$T/e2-bad-mid"
bad_utf8 "destxt invalid: byte in the middle of a corpus" "$T/e2-bad-mid" "$(stat -c %s "${corpora[0]}")"
{ head -c 65535 /dev/zero | tr '\0' 'a'; printf '\xe2\x82'; } >"$T/e2-bad-chunk-end"
bad_utf8 "destxt invalid: truncated across a chunk boundary" "$T/e2-bad-chunk-end" 65535
{ head -c 65535 /dev/zero | tr '\0' 'a'; printf '\xe2\x82\xac ok'; } >"$T/e2-good-chunk-end"
same "destxt edge:char-across-chunk-boundary" "$T/e2-good-chunk-end" apertium-destxt

# Input chunk boundaries (parley reads 64 KiB at a time): the same tail of
# special bytes placed so that each of its bytes falls on the boundary in
# turn; every stage runs on every placement.
tail=' \xe2\x82\xac  \n\n\xc3\0\xa9\t[[t:b:1]]^b\\$c$[[/]] .[]\\[x\\\0y\r\n\r\n~.['
printf "$tail" >"$T/tail"
tl=$(stat -c %s "$T/tail")
for ((k = 65536 - tl - 1; k <= 65537; k++)); do
  { head -c "$k" /dev/zero | tr '\0' 'a'; cat "$T/tail"; } >"$T/chunk"
  same "destxt chunk-boundary:$k" "$T/chunk" apertium-destxt
  same "retxt chunk-boundary:$k" "$T/chunk" apertium-retxt
  same "wblank-attach chunk-boundary:$k" "$T/chunk" apertium-wblank-attach
  same "wblank-detach chunk-boundary:$k" "$T/chunk" apertium-wblank-detach
done

# ---------------------------------------------------------------- streams
# Real intermediate streams, made with Debian's tools only.
i=0
for f in "${corpora[@]}"; do
  i=$((i + 1))
  apertium-destxt "$f" >"$T/s/$i.des"
  apertium-destxt -n "$f" >"$T/s/$i.desn"
  apertium-destxt -i "$f" >"$T/s/$i.desi"
  lt-proc "$ENGSPA/eng-spa.automorf.bin" <"$T/s/$i.des" >"$T/s/$i.morf"
done
# one NUL-separated segment per line, as `apertium -z` sees it
head -n 300 "${corpora[0]}" | while IFS= read -r line; do
  printf '%s\n' "$line" | apertium-destxt
  printf '\0'
done >"$T/s/z.des"
lt-proc -z "$ENGSPA/eng-spa.automorf.bin" <"$T/s/z.des" >"$T/s/z.morf"

# Transfuse-style streams with word-bound blanks: tf-extract's layout (a
# header block, one NUL-terminated block per paragraph, "[[t:b:ID]]...[[/]]"
# around inline markup), built from a corpus, then analysed, attached, run
# through the middle of the eng-spa mode (detach's real input).
{
  printf '[transfuse:/tmp/transfuse-test]\n\0'
  head -n 400 "${corpora[0]}" | sed -e 's/[][\\/@<>^${}]/\\&/g' \
    -E -e 's/(^| )([[:alpha:]]+) ([[:alpha:]]+)( |$)/\1[[t:b:b\2]]\2 \3[[\/]]\4/g' \
    -e 's/ ([[:alpha:]]+), / [[t:i:i\1;t:b:b]]\1[[\/]], /g' \
    -e 's/^([[:alpha:]]+) / [[t:b:o]][[t:i:nest]]\1[[\/]] x[[\/]] /' |
    awk '{ printf "\n[tf-block:%d-h%d]\n\n%s.[]\n%c", NR, NR * 7, $0, 0 }'
} >"$T/s/tf.txt"
lt-proc -z "$ENGSPA/eng-spa.automorf.bin" <"$T/s/tf.txt" >"$T/s/tf.morf"
apertium-wblank-attach -z <"$T/s/tf.morf" >"$T/s/tf.att"
mid() { apertium-wblank-mode "$@" "$SHARE/modes/eng-spa.mode" | sed -e 's/.*apertium-wblank-attach |//' -e 's/| apertium-wblank-detach.*//'; }
bash -c "$(mid -z)" mid -g "" <"$T/s/tf.att" >"$T/s/tf.mid"
apertium-wblank-attach <"$T/s/1.morf" | bash -c "$(mid)" mid -g "" >"$T/s/1.mid"
if [ -z "${QUICK:-}" ]; then
  i=0
  for f in "${corpora[@]}"; do
    i=$((i + 1))
    case $f in
      *.en | *eng_Latn*) pair=eng-spa ;;
      *.es | *spa_Latn*) pair=es-gl ;;
      *cat_Latn*) pair=ca-oc ;;
      *glg_Latn*) pair=gl-es ;;
      *) continue ;;
    esac
    apertium -f none "$pair" "$T/s/$i.des" >"$T/s/$i.none"
  done
  apertium -z -f none eng-spa "$T/s/z.des" >"$T/s/z.none"
fi

# ---------------------------------------------------------------- retxt
for s in "$T"/s/*.des "$T"/s/*.desn "$T"/s/*.desi "$T"/s/*.morf "$T"/s/*.mid "$T"/s/*.none "$T"/s/tf.*; do
  [ -f "$s" ] && same "retxt stream:${s##*/}" "$s" apertium-retxt
done
mk r-dots 'a.[]b..[]c\\.[]d\\\\.[]e.[]]f.[.[]g.[\\@h'
mk r-end-dot 'abc.'
mk r-end-dotbr 'abc.['
mk r-end-bs 'abc\\'
mk r-escapes '\\[\\]\\\\\\/\\@\\<\\>\\^\\$\\{\\}\\q\\.\\ \\n'
mk r-at '[\\@x] [\\@] x[]y [] [[t:b:1]]^w$[[/]]'
mk r-blanks '[\n][ \t ][\r\n\r\n]~[~]'
mk r-nuls 'a\0b.\0[]c\\\0[d\0'
mk r-brackets 'a]b[c[[d]]e'
mk r-utf8 'caf\xc3\xa9.[][\n]\xe2\x82\xac \\^x\\$'
mk r-invalid 'a\xff\xfeb\xc3.[]'
for f in "$T"/e/r-*; do same "retxt edge:${f##*/}" "$f" apertium-retxt; done
for f in "$T"/e/*; do case ${f##*/} in r-* | bad-*) ;; *) same "retxt raw:${f##*/}" "$f" apertium-retxt ;; esac; done
# "[@name]": Debian splices the file and deletes it (or stops if it does not
# exist); parley treats it as an ordinary superblank (src/format/retxt.c).
mk r-atfile '[@/nonexistent/file] a[@x.[]b[@]c\n'
printf '@/nonexistent/file a@xb@c\n' >"$T/want"
expect "retxt edge:r-atfile (no file splicing)" "$T/e/r-atfile" "$T/want" apertium-retxt
apertium-retxt "$T/s/1.des" "$T/ref.out" </dev/null >/dev/null
"$P" stage apertium-retxt "$T/s/1.des" "$T/got.out" </dev/null >/dev/null
if cmp -s "$T/ref.out" "$T/got.out"; then ok "retxt FILE OUTFILE"; else bad "retxt FILE OUTFILE" "differs"; fi
same "retxt FILE" /dev/null apertium-retxt "$T/s/1.des"
same "retxt -h (usage on stderr, exit 0)" /dev/null apertium-retxt -h
rejects "retxt rejects unknown option" /dev/null apertium-retxt -z
rejects "retxt rejects three files" /dev/null apertium-retxt "$T/s/1.des" "$T/x1" "$T/x2"

# ---------------------------------------------------------------- wblank
mk w-basic '[[t:b:123]]^word/word<n>$ ^v/v<vb>$[[/]] ^z/z<n>$'
mk w-merge '[[a]][[b]]^x$^y$[[/]][[/]]^z$'
mk w-dedup '[[a;b; a ;;]]^x$[[b]]^y$[[/]]^w$[[/]]^q$'
mk w-nest '[[o]] ^a$ [[i]]^b$[[/]] ^c$[[/]] ^d$'
mk w-too-many-close '[[a]]^x$[[/]][[/]]^y$'
mk w-escaped '[[t:b:\\]x\\;y]]^w\\$x$[[/]] \\[[[a]]^b$ \\^c\\$'
mk w-escaped-close '[[\\/]]^a$[[/]]^b$'
mk w-normal-blanks '^a$[ ]^b$[x[y]z]^c$[<b>]^d$ [a]b]^e$'
mk w-in-token '^a[[x]]b$[[y]]^c[d]$'
mk w-nul '[[a]]^x$\0^y$^z$\0[[b]]^p$[[/]]^q$\0'
mk w-nul-in-blank '[[a\0]]^x$ [b\0c]^y$'
mk w-bs-nul 'x\\\0y[a\\\0b]'
mk w-bs-eof '^a$ b\\'
mk w-bs-eof-blank '^a$ [b\\'
mk w-bs-eof-token '^a\\'
mk w-open-eof '[[a]]^x$ [unclosed'
mk w-stray 'a]b[c ]] $ ^ $'
mk w-empty-wb '[[]]^a$[[ ; ]]^b$[[/]][[/]]^c$'
mk w-utf8 '[[t:b:ñ]]^café/café<n>$[[/]] ^€$'
mk w-dollar-out '[[a]]$ x$^y$'
{ for i in $(seq 1 2000); do printf '[[t:b:%d]]^w%d/w<n>$ ' "$i" "$i"; done; for i in $(seq 1 2000); do printf '[[/]]^e$'; done; } >"$T/e/w-deep"
for f in "$T"/e/w-* "$T"/e/nuls "$T"/e/empty "$T"/e/brackets "$T"/e/escapes "$T"/e/backslash-end "$T"/e/r-nuls; do
  for prog in apertium-wblank-attach apertium-wblank-detach; do
    same "${prog#apertium-} edge:${f##*/}" "$f" "$prog"
    same "${prog#apertium-} -z edge:${f##*/}" "$f" "$prog" -z
  done
done
for s in "$T"/s/*.morf "$T"/s/*.att "$T"/s/*.mid "$T"/s/*.none "$T"/s/*.des "$T"/s/tf.txt; do
  [ -f "$s" ] || continue
  for prog in apertium-wblank-attach apertium-wblank-detach; do
    same "${prog#apertium-} stream:${s##*/}" "$s" "$prog"
  done
  same "wblank-attach -z stream:${s##*/}" "$s" apertium-wblank-attach -z
done
# After a NUL, Debian's attach has dropped its open entries but not their
# depth counts, so a later "[[/]]" pops from an empty std::vector (undefined
# behaviour; it crashes here).  parley pops what is there.
mk w-nul-pop '[[a]]^x$\0^y$[[/]]^z$\0[[b]]^p$[[/]]\0'
printf '[[a]]^x$\0^y$^z$\0[[b]]^p$\0' >"$T/want"
expect "wblank-attach edge:w-nul-pop (Debian: undefined behaviour)" "$T/e/w-nul-pop" "$T/want" apertium-wblank-attach -z
mk w-nul-pop2 '[[a]]\0[[/]]^x$[[b]]^y$[[/]]^z$'
printf '\0^x$[[b]]^y$^z$' >"$T/want"
expect "wblank-attach edge:w-nul-pop2 (Debian: undefined behaviour)" "$T/e/w-nul-pop2" "$T/want" apertium-wblank-attach
same "wblank-detach edge:w-nul-pop" "$T/e/w-nul-pop" apertium-wblank-detach -z
for prog in apertium-wblank-attach apertium-wblank-detach; do
  same "${prog#apertium-} -h (help on stdout)" /dev/null "$prog" -h
  rejects "${prog#apertium-} rejects a file argument" /dev/null "$prog" -z "$T/s/1.des"
  rejects "${prog#apertium-} rejects unknown option" /dev/null "$prog" -x
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
