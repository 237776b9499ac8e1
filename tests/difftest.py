#!/usr/bin/env python3
"""Differential tests: every stage parley implements, against the Debian
program of the same name, on real intermediate streams.

For each working Debian mode that needs no Constraint Grammar (or, with
--all-modes, every mode Debian can run), the mode is expanded exactly as the
`apertium` wrapper expands it (`apertium-wblank-mode`), source-language text
is deformatted with Debian's apertium-destxt and pushed through Debian's
stages one by one.  Every stage whose program parley implements is then run
as `parley stage PROGRAM ARGS...` on the very same input bytes, and the two
outputs must be byte-identical.  The first stage that differs is the bug
report.

Text: newstest2013 and FLORES (../shared/data) for English, Spanish, Catalan
and Galician; for other source languages, the output of a Debian mode that
translates into that language; otherwise sentences made of surface forms
sampled from the mode's own analyser (a seeded random walk over its .bin), so
that every language gets real words of its own.

Usage: difftest.py PARLEY [--full] [--modes a,b] [--lines N] [-v]
Prints one line per comparison and ends with "N passed, M failed".
"""
import argparse
import hashlib
import os
import random
import re
import shlex
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
DATA = os.environ.get("PARLEY_DATA", os.path.join(REPO, "..", "shared", "data"))
APERTIUM = os.environ.get("APERTIUM_DIR", "/usr/share/apertium")
CACHE = os.environ.get("PARLEY_TEST_CACHE", os.path.join(REPO, "build", "test-cache"))

# Programs parley implements as stages (grows with the project).
IMPLEMENTED = {"lt-proc", "apertium-destxt", "apertium-retxt",
               "apertium-wblank-attach", "apertium-wblank-detach", "apertium-pretransfer",
               "apertium-tagger", "lrx-proc", "apertium-transfer", "apertium-interchunk",
               "apertium-postchunk"}
# Programs that mark a mode as needing more than the core (modes.md).
NON_CORE = {"cg-proc", "lsx-proc", "rtx-proc", "apertium-anaphora",
            "apertium-posttransfer", "lt-proc-j", "apertium-transfer-j",
            "vislcg3"}

CORPORA = {
    "eng": ["newstest2013/newstest2013.en", "flores200-devtest/eng_Latn.devtest",
            "flores101-dev/eng_Latn.dev"],
    "spa": ["newstest2013/newstest2013.es", "flores200-devtest/spa_Latn.devtest",
            "flores101-dev/spa_Latn.dev"],
    "cat": ["flores200-devtest/cat_Latn.devtest", "flores101-dev/cat_Latn.dev"],
    "glg": ["flores200-devtest/glg_Latn.devtest", "flores101-dev/glg_Latn.dev"],
}
# language -> (mode that produces it, language that mode reads)
MADE_BY = {
    "por": ("es-pt", "spa"), "fra": ("es-fr", "spa"), "oci": ("es-oc", "spa"),
    "oci_aran": ("es-oc_aran", "spa"), "ita": ("spa-ita", "spa"),
    "arg": ("spa-arg", "spa"), "epo": ("en-eo", "eng"), "ast": ("spa-ast", "spa"),
}
ISO = {"en": "eng", "es": "spa", "ca": "cat", "gl": "glg", "pt": "por", "fr": "fra",
       "oc": "oci", "oc_aran": "oci_aran", "eo": "epo", "eu": "eus", "ro": "ron",
       "it": "ita"}


def source_lang(mode):
    name = mode
    for pre in ("eco-",):
        if name.startswith(pre):
            name = name[len(pre):]
    src = name.split("-")[0]
    return ISO.get(src, src)


def run(argv, data, timeout=120):
    """(exit status, stdout, stderr); a program that does not finish in time
    is killed and reported with status -999 (Debian's tools can loop for
    ever on some malformed input; parley must not)."""
    try:
        p = subprocess.run(argv, input=data, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        return -999, b"", b"timed out"
    return p.returncode, p.stdout, p.stderr


def cached(key, make):
    os.makedirs(CACHE, exist_ok=True)
    path = os.path.join(CACHE, hashlib.sha1(key.encode()).hexdigest())
    if os.path.exists(path):
        with open(path, "rb") as f:
            return f.read()
    data = make()
    if not data:
        return data  # failures are not remembered
    with open(path + ".tmp", "wb") as f:
        f.write(data)
    os.replace(path + ".tmp", path)
    return data


def read_lines(rel, n):
    with open(os.path.join(DATA, rel), "rb") as f:
        lines = f.read().split(b"\n")
    return lines if n is None else lines[:n]


def expand_mode(mode):
    rc, out, err = run(["apertium-wblank-mode",
                        os.path.join(APERTIUM, "modes", mode + ".mode")], b"")
    if rc != 0:
        return None
    return out.decode().strip()


def stages_of(pipeline, opt1, opt2):
    stages = []
    for part in pipeline.split("|"):
        part = part.strip().replace("$1", opt1).replace("$2", opt2)
        stages.append(shlex.split(part))
    return stages


def mode_files(stages):
    files = []
    for argv in stages:
        files += [a for a in argv[1:] if a.startswith("/")]
    return files


# Modes without an analyser of their own: where to sample words from.
SAMPLE_FROM = {"Cyrl-Latn": "apertium-hbs-mkd/mkd-hbs.automorf.bin"}


def synthetic_text(mode, stages, lines, seed):
    """Sentences of surface forms sampled from the mode's analyser."""
    analyser = next((a for a in mode_files(stages) if "automorf" in a), None)
    if mode in SAMPLE_FROM:
        analyser = os.path.join(APERTIUM, SAMPLE_FROM[mode])
    if analyser is None:
        return b""
    out = subprocess.run([sys.executable, os.path.join(HERE, "sample_words.py"), analyser,
                          str(lines), str(seed)], stdout=subprocess.PIPE, check=True)
    return out.stdout


def source_text(mode, stages, lines):
    lang = source_lang(mode)
    if lang in CORPORA:
        chunks = [b"\n".join(read_lines(rel, lines)) for rel in CORPORA[lang]]
        return b"\n".join(chunks) + b"\n"
    if lang in MADE_BY:
        via, from_lang = MADE_BY[lang]
        src = b"\n".join(read_lines(CORPORA[from_lang][0], lines)) + b"\n"

        def make():
            rc, out, err = run(["apertium", via], src)
            return out if rc == 0 else b""
        text = cached("made:%s:%s:%d" % (lang, via, lines or 0), make)
        if text:
            return text
    return cached("synth:%s:%d" % (mode, lines or 0),
                  lambda: synthetic_text(mode, stages, lines or 3000, 1))


EDGE_INPUTS = [
    # (name, bytes): hand-made streams from the design notes' corner cases
    ("plain", b"Hello world.[][\n]"),
    ("multiword-superblank", b"I live in New[\n]York now.[][\n]"),
    ("eof-loss", b"A.B.C."),
    ("eof-apostrophe", b"it's"),
    ("case", b"PARIS Paris pARIS PaRiS xyzzy XYZZY caf\xc3\xa9 CAF\xc3\x89[]"),
    ("soft-hyphen", b"ho\xc2\xadme x[]"),
    ("escapes", b"a \\^b\\$ c\\/d \\[e\\] \\@f \\<g\\> \\\\ h[]"),
    ("superblanks", b"[<p>]The[</p>] [x]dog[y] [[t:b:1]]runs[]"),
    ("nul", b"the dog\0runs away\0\0a\0"),
    ("spaces", b"  a  b\t\tc \n\n d[]"),
    ("digits", b"In 2013, 45% of 1,000 people [12]paid $5.[]"),
    ("non-bmp", b"emoji \xf0\x9f\x98\x80 and \xf0\x9d\x90\x80BC \xf0\x9d\x90\x80[]"),
    ("lu-input", b"^dog<n><sg>$ ^*unknown$ ^@bank<n><sg>$ ^=be<vbser><pres>$ ^$[]"),
    ("lu-case", b"^Dog<n><sg>$ ^DOG<n><sg>$ ^dOG<n><sg>$ ^house<n><sg><foo>$ ^house$[]"),
    ("tilde", b"~de el gato ~De el ~DE EL xx ~a el y ~de  el z ~de [<b>]el w ~de[x]el[]"),
    ("tilde-eof", b"~de"),
    ("long-token", b"x" * 5000 + b" " + b"ab" * 3000 + b"[]"),
    ("many-blanks", b"a" + b"[ ]" * 3000 + b"b[]"),
]


PRETRANSFER_EDGES = [
    ("multiwords", b"^bank<n><sg># of the river$ ^del<pr>+el<det><def><m><sg>$ ^a<n>+b#c<x>$ "
                   b"^a~b<n>+c<x>$ ^r+s<n>$ ^x<n>+y<n>+z<n>$[]"),
    ("blanks", b"[<p>]^a<n>$[x\\]y] \\^z \\$ ^q<a>$\0^r<n>+s<n>$ [[t:b:1]]^a<n>+b<x>$ [[t:c]]^w<n>$[]"),
    ("surface", b"^houses/house<n><pl>+x<y>$ ^a/b<n>$[]"),  # -n needs a '/' in every unit
    ("escapes", b"^a\\$b<n>$ ^c\\/d<n>$ ^e<n>$[]"),
    ("tilde", b"^a~b<n>~c<x>$ ^d<n~x>$ ^~e<n>$[]"),
]


TAGGER_EDGES = [
    ("ambiguous", b"^The/The<det><def><sp>$ ^can/can<vaux><pres>/can<n><sg>$ ^can/can<vaux><pres>/can<n><sg>$^./.<sent>$[]"),
    ("unknown", b"^Xyzzy/*Xyzzy$ ^the/the<det><def><sp>$ ^qwerty/*qwerty$^./.<sent>$[][\n]"),
    ("plus", b"^it's/prpers<prn><subj><p3><nt><sg>+be<vbser><pri><p3><sg>$ ^del/de<pr>+el<det><def><m><sg>$"
             b" ^x/a<n><sg>+b<unknowntag>+c<v>/d<adv>$^./.<sent>$[]"),
    ("odd", b"^foo$ ^bar/bar<n><sg>$ \\^x [<p>] ^a\\/b/a\\/b<n><sg>$ ^/$ ^$ text at the end"),
    ("nul", b"^a/a<det><ind><sg>$ ^dog/dog<n><sg>$\0^it/prpers<prn><subj><p3><nt><sg>$\0\0^b/b<n><sg>$"),
    ("multiword", b"^New York/New York<np><loc><sg>$ ^bank/bank<n><sg># of the river/bank<vblex><inf># of the river$^./.<sent>$[]"),
]


TRANSFER_FAMILY = {"apertium-transfer", "apertium-interchunk", "apertium-postchunk"}


def transfer_variants(argv, data):
    """The real stream of a transfer stage, changed in ways the pipeline can
    produce: -z with a NUL after every line (apertium -z), cut after the
    tenth unit (no trailing blank), word-bound blanks in front of units (what
    apertium-wblank-attach makes of [[...]] markup), and a superblank between
    units."""
    top = b"$[\n]" if argv[0] == "apertium-transfer" else b"}$[\n]"  # not inside a chunk
    yield "nul-segments", [argv[0], "-z"] + argv[1:], data.replace(top, top + b"\0")
    end = b"$" if argv[0] == "apertium-transfer" else b"}$"
    ends = [i for i in range(len(data)) if data[i:i + len(end)] == end][:10]
    if ends:
        yield "cut", argv, data[:ends[-1] + len(end)]
    if argv[0] == "apertium-transfer":
        parts = data.split(b" ^")
        marked = b" ^".join(p if i % 3 else p.replace(b"^", b"[[t:b:x1]]^", 1) if i == 0 else p
                           for i, p in enumerate(parts))
        marked = b" [[t:i:y2; t:b:z3]]^".join(marked.split(b" ^", 5))
        yield "wblank", argv, marked
    yield "superblank", argv, data.replace(b"$ ^", b"$ [<b>\\]x] ^", 7)
    # transfer-nul: NULs in blanks (no -z); see compare()
    sep = b"$ ^" if argv[0] == "apertium-transfer" else b"}$ ^"  # blanks outside chunks
    yield "nul-in-blanks", argv, data.replace(sep, sep[:-1] + b"\0 ^", 9)


LRX_EDGES = [
    ("river", b"^bank<n><sg>/banco<n><m><sg>/orilla<n><f><sg>$ ^of<pr>/de<pr>$ "
              b"^the<det><def><sp>/el<det><def><GD><ND>$ ^river<n><sg>/r\xc3\xado<n><m><sg>$[][\n]"),
    ("one-tl", b"^dog<n><sg>/perro<n><m><sg>$ ^house<n><sg>/casa<n><f><sg>$"),
    ("no-tl", b"^dog<n><sg>$ ^a/b$^$ ^/$ ^/x/y$ x"),
    ("unknown", b"^*Xyzzy/*Xyzzy$ ^*bank/*bank$ ^Bank<n><sg>/banco<n><m><sg>/orilla<n><f><sg>$"),
    ("escapes", b"\\^a\\/b<n>/c\\$d<n>/e<n>$ \\^x$ [^y/z$] ^a\\<b<n>/q<n>/r<n>$ ^<a/b>/c<$ ^x<a\\>b>/y$"),
    ("case", b"^BANK<n><sg>/banco<n><m><sg>/orilla<n><f><sg>$ ^River<n><sg>/r\xc3\xado<n><m><sg>$ "
             b"^\xc3\x89TAT<n>/a<n>/b<n>$ ^\xf0\x9d\x90\x80<n>/a<n>/b<n>$"),
    ("nul", b"^bank<n><sg>/banco<n><m><sg>/orilla<n><f><sg>$ a\0b ^of<pr>/de<pr>$\0\0^x/y/z$\0"),
    ("eof-in-unit", b"^bank<n><sg>/banco<n><m><sg>/orilla"),
    ("eof-in-tag", b"^bank<n><sg>/banco<n"),
    ("eof-after-backslash", b"^a/b\\"),
    ("no-newline", b"^a<n>/b<n>$ tail"),
    ("empty", b""),
    ("blank-only", b"  [x] \n"),
    ("unclosed-tag", b"^bank<n<sg>/a<n/b>$ ^<>/x$ ^bank<n><sg/a/b$"),
]


def edge_cases(stages):
    """Every lt-proc and pretransfer stage of the mode gets the hand-made
    inputs too."""
    for argv in stages:
        if argv and argv[0] == "apertium-tagger":
            base = [a for a in argv[1:] if a.startswith("/")]
            for name, data in TAGGER_EDGES:
                for fl in (["-g"], ["-g", "-p"], ["-g", "-m"], ["-g", "-f"], ["-g", "-z"]):
                    yield [argv[0]] + fl + base, name, data
        if argv and argv[0] == "apertium-pretransfer":
            for name, data in PRETRANSFER_EDGES:
                flags = ([], ["-z"], ["-e"], ["-n"]) if name == "surface" else ([], ["-z"], ["-e"])
                for fl in flags:
                    yield [argv[0]] + fl + argv[1:], name, data
        if argv and argv[0] == "lrx-proc":
            for name, data in LRX_EDGES:
                for fl in ([], ["-z"]):
                    yield [argv[0]] + fl + argv[1:], name, data
        if argv and argv[0] == "lt-proc":
            for name, data in EDGE_INPUTS:
                yield argv, name, data
                if "-z" not in argv:
                    yield [argv[0], "-z"] + argv[1:], name + "+z", data


MARK = b"[PARLEY-END-OF-SEGMENT]"


def lt_mode(argv):
    flags = "".join(a[1:] for a in argv[1:] if a.startswith("-") and not a.startswith("--"))
    if any(c in flags for c in "bgndlmCo"):
        return "word"
    if "p" in flags or "t" in flags or "x" in flags:
        return "translit"
    return "analysis"


def divergence_oracle(argv, data):
    """Expected parley output where Debian loses input (DIVERGENCES.md).

    lt-proc-eof: analysis drops what it had read ahead when the input (or a
    -z segment) ends; parley analyses it.  The oracle is Debian's own output
    when a superblank marker and an unknown word stand before every end, with
    the two removed again.
    lt-proc-translit-eof: -p/-t/-x append U+FFFF to a word that ends the
    input; parley does not.  Returns None where no divergence applies."""
    if argv[0] != "lt-proc":
        return None
    mode = lt_mode(argv)
    if mode == "analysis":
        tail = MARK + b"parleyzzqx"
        fixed = data.replace(b"\0", tail + b"\0") + tail
        rc, out, err = run(argv, fixed)
        if rc != 0:
            return None
        return out.replace(MARK + b"^parleyzzqx/*parleyzzqx$", b"")
    if mode == "translit" and b"\xef\xbf\xbf" not in data:
        rc, out, err = run(argv, data)
        return out.replace(b"\xef\xbf\xbf", b"") if rc == 0 else None
    return None


def compare(parley, argv, data, label, results, verbose, seen):
    key = hashlib.sha1(("\0".join(argv)).encode() + b"\0" + data).hexdigest()
    if key in seen:
        return
    seen.add(key)
    rc_d, out_d, err_d = run(argv, data)
    rc_p, out_p, err_p = run([parley, "stage"] + argv, data)
    ok = out_d == out_p
    if not ok and rc_d == 0 and rc_p == 0:
        expect = divergence_oracle(argv, data)
        if expect is not None and expect == out_p:
            ok = True
            label += " (documented divergence)"
        elif (argv[0] in TRANSFER_FAMILY or argv[0] in ("apertium-tagger", "lrx-proc")) \
                and "-z" not in argv and b"\0" in data:
            # tagger-nul, lrx-nul, transfer-nul: without -z Debian cuts every
            # string it writes at its first NUL; parley keeps the NUL and the
            # text, so without the NULs it must equal Debian on the input
            # without them (for transfer, the tests put NULs only in blanks)
            rc2, out2, _ = run(argv, data.replace(b"\0", b""))
            if rc2 == 0 and out2 == out_p.replace(b"\0", b""):
                ok = True
                label += " (documented divergence)"
    # Debian failing (e.g. invalid UTF-8): parley must fail too, with a message.
    if rc_d != 0:
        ok = rc_p != 0 and len(err_p) > 0
    elif rc_p != 0:
        ok = False
    if ok:
        results["passed"] += 1
        if verbose:
            print("ok   %s" % label)
        return
    results["failed"] += 1
    i = next((k for k in range(min(len(out_d), len(out_p))) if out_d[k] != out_p[k]),
             min(len(out_d), len(out_p)))
    print("FAIL %s: %s" % (label, " ".join(shlex.quote(a) for a in argv)))
    print("     rc debian=%d parley=%d; first difference at byte %d of %d/%d" %
          (rc_d, rc_p, i, len(out_d), len(out_p)))
    print("     debian: %r" % out_d[max(0, i - 60):i + 60])
    print("     parley: %r" % out_p[max(0, i - 60):i + 60])
    if err_p:
        print("     parley stderr: %s" % err_p.decode(errors="replace").strip()[:300])
    sys.stdout.flush()


PROBE_ANALYSIS = [
    b"foo bar ab abc ab-ab pbab prb ab New[\n]York PARIS ok Ok wt haust\xc3\xbcr hausT\xc3\xbcr bank x del[]",
    b"pb ab[] abab ab  ab prbab[x]prb new york NEW YORK Caf\xc3\xa9 CAF\xc3\x89 ab",
    b"foo\0bar\0ab-\0prb",
]
PROBE_LU = [
    b"^foo<t03>$ ^Foo<t16>$ ^bar<u19>$ ^wt<a>$ ^wt<b>$ ^wt<x>$ ^Paris<np>$ ^paris<n>$ ^PARIS<n>$ "
    b"^ok<n>$ ^Ok<n>$ ^haus<n><compound-only-L>$ ^de<x>+el<n>$ ^bank# of the river<n>$ ^zz<n>$ "
    b"^*q$ ^@r<n>$ ^foo$ ^foo<t03><extra>$ ^=ab<n>$ ^$[]",
    b"^ab<n>$\0^abc<n>$[x]^ab<n><unknown>$ \0",
]


def probe_cases():
    """A hand-made dictionary (tests/data/probe.dix) compiled with Debian's
    lt-comp both ways: every section type, 17 and 20 analyses of equal weight
    (libstdc++ sort order), weights, compounds, multiwords, case."""
    out = os.path.join(CACHE, "probe")
    os.makedirs(out, exist_ok=True)
    dix = os.path.join(HERE, "data", "probe.dix")
    bins = {}
    for d in ("lr", "rl"):
        b = os.path.join(out, "probe-%s.bin" % d)
        rc = subprocess.run(["lt-comp", d, dix, b], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL).returncode
        if rc != 0:
            return None
        bins[d] = b
    for fl in ([], ["-w"], ["-c"], ["-e"], ["-z"], ["-I"], ["-e", "-z"]):
        for k, data in enumerate(PROBE_ANALYSIS):
            yield ["lt-proc"] + fl + [bins["lr"]], "probe-analysis-%d" % k, data
    for fl in (["-g"], ["-n"], ["-d"], ["-l"], ["-m"], ["-C"], ["-b"], ["-b", "-n"], ["-o"],
               ["-g", "-z"], ["-b", "-z"], ["-p"], ["-t"], ["-x"], ["-w", "-g"], ["-c", "-b"]):
        for k, data in enumerate(PROBE_LU):
            yield ["lt-proc"] + fl + [bins["rl"]], "probe-lu-%d" % k, data


def lrx_cases():
    """Hand-made rule files (tests/lrx_make.py): more than 16 candidates of
    equal score (libstdc++ sort order), removes, summed scores, rules over
    two words, skips, case."""
    sys.path.insert(0, HERE)
    import lrx_make
    out = os.path.join(CACHE, "lrx")
    os.makedirs(out, exist_ok=True)
    for case, (rules, inputs) in sorted(lrx_make.CASES.items()):
        b = os.path.join(out, case + ".bin")
        lrx_make.build(rules, b)
        for k, data in enumerate(inputs):
            for fl in ([], ["-z"], ["-t"]):
                yield ["lrx-proc"] + fl + [b], "lrx-%s-%d" % (case, k), data


def core_modes():
    modes = []
    for fn in sorted(os.listdir(os.path.join(APERTIUM, "modes"))):
        if not fn.endswith(".mode"):
            continue
        mode = fn[:-5]
        pipeline = expand_mode(mode)
        if pipeline is None:
            continue
        stages = stages_of(pipeline, "-g", "")
        progs = {argv[0] for argv in stages if argv}
        if progs & NON_CORE:
            continue
        if not all(os.path.exists(f) for f in mode_files(stages)):
            continue  # broken in Debian (missing files)
        modes.append((mode, pipeline))
    return modes


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("parley")
    ap.add_argument("--full", action="store_true", help="whole corpora")
    ap.add_argument("--modes", default="")
    ap.add_argument("--lines", type=int, default=60)
    ap.add_argument("-v", action="store_true")
    a = ap.parse_args()
    lines = None if a.full else a.lines
    results = {"passed": 0, "failed": 0}
    seen = set()
    modes = core_modes()
    if a.modes:
        want = set(a.modes.split(","))
        modes = [m for m in modes if m[0] in want]
    if not modes and a.modes != "lrx":
        print("no modes found under %s: install the Apertium packages (scripts/install-deps.sh)" % APERTIUM)
        print("0 passed, 1 failed")
        return 1
    if not a.modes:
        probes = probe_cases()
        if probes is None:
            print("FAIL probe: lt-comp could not compile tests/data/probe.dix (install lttoolbox-dev)")
            results["failed"] += 1
        else:
            for argv, name, data in probes:
                compare(a.parley, argv, data, "probe %s %s" % (name, " ".join(argv[1:-1])),
                        results, a.v, seen)
    if not a.modes or "lrx" in a.modes.split(","):
        for argv, name, data in lrx_cases():
            compare(a.parley, argv, data, "%s %s" % (name, " ".join(argv[1:-1])), results, a.v, seen)
    for mode, pipeline in modes:
        base = stages_of(pipeline, "-g", "")
        text = source_text(mode, base, lines)
        if not text.strip():
            print("FAIL %s: no source text could be found or made" % mode)
            results["failed"] += 1
            continue
        for opt1 in ("-g", "-n"):
            stages = stages_of(pipeline, opt1, "")
            chain = [["apertium-destxt"]] + stages + [["apertium-retxt"]]
            data = text
            for k, argv in enumerate(chain):
                label = "%s %s stage %d %s" % (mode, opt1, k, argv[0])
                if argv[0] in IMPLEMENTED:
                    compare(a.parley, argv, data, label, results, a.v, seen)
                if argv[0] in TRANSFER_FAMILY and opt1 == "-g":
                    for vname, vargv, vdata in transfer_variants(argv, data):
                        compare(a.parley, vargv, vdata, "%s variant %s" % (label, vname),
                                results, a.v, seen)
                key = "chain:%s:%s:%d:%s" % (mode, opt1, k, hashlib.sha1(data).hexdigest())
                data = cached(key, lambda: run(argv, data)[1])
        for argv, name, data in edge_cases(base):
            compare(a.parley, argv, data, "%s edge %s %s" % (mode, name, " ".join(argv[:-1])),
                    results, a.v, seen)
    print("%d passed, %d failed" % (results["passed"], results["failed"]))
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
