#!/usr/bin/env python3
"""End-to-end differential test: `parley translate --strict PAIR` against
Debian's `apertium PAIR` (-f txt), byte for byte, for every working mode
that needs no Constraint Grammar, with and without -u, on a sample of the
corpora of ../shared/data (or text made or sampled for the language, as
tests/difftest.py does) and on hand-made texts.

Deliberate differences (DIVERGENCES.md) are checked by their own oracles:
invalid UTF-8 must be refused with a message (destxt-utf8); text that
Debian's lt-proc loses at the end of input (lt-proc-eof) is avoided here,
since the wrapper's destxt always ends the text with ".[]".

Usage: e2e.py PARLEY [--full] [--modes a,b] [--lines N] [-v]
Prints "N passed, M failed".
"""
import argparse
import hashlib
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import difftest as d  # noqa: E402

TEXTS = [
    ("empty", b""),
    ("no-newline", b"Hello world"),
    ("paragraphs", b"The first line.\n\nA second paragraph, after a blank line.\n\n\nThird.\n"),
    ("markup-chars", b"Brackets [a] ^b$ c/d @e <f> {g} \\h and 50% off!\n"),
    ("unicode", b"Caf\xc3\xa9 \xe2\x80\x9cquoted\xe2\x80\x9d \xe2\x80\x94 na\xc3\xafve \xf0\x9f\x98\x80 end.\n"),
    ("spaces", b"  leading and  double  spaces\tand tabs  \n"),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("parley")
    ap.add_argument("--full", action="store_true")
    ap.add_argument("--modes", default="")
    ap.add_argument("--lines", type=int, default=30)
    ap.add_argument("-v", action="store_true")
    a = ap.parse_args()
    parley = os.path.abspath(a.parley)
    modes = d.core_modes()
    if a.modes:
        want = set(a.modes.split(","))
        modes = [m for m in modes if m[0] in want]
    passed = failed = 0
    if not modes:
        print("no modes found: install the Apertium packages (scripts/install-deps.sh)")
        print("0 passed, 1 failed")
        return 1
    for mode, pipeline in modes:
        base = d.stages_of(pipeline, "-g", "")
        sample = d.source_text(mode, base, None if a.full else a.lines)
        for name, text in [("corpus", sample)] + TEXTS:
            for flags in ([], ["-u"]):
                label = "%s %s %s" % (mode, " ".join(flags) or "-", name)
                key = "e2e:%s:%s:%s" % (mode, ",".join(flags), hashlib.sha1(text).hexdigest())
                res = {}

                def make():
                    rc, out, err = d.run(["apertium"] + flags + [mode], text)
                    res["rc"] = rc
                    return out if rc == 0 else b""
                want = d.cached(key, make)
                if res.get("rc", 0) != 0:
                    print("FAIL %s: Debian's apertium failed (status %s)" % (label, res["rc"]))
                    failed += 1
                    continue
                rc, got, err = d.run([parley, "translate", "--strict"] + flags + [mode], text)
                if rc == 0 and got == want:
                    passed += 1
                    if a.v:
                        print("ok   %s" % label)
                    continue
                failed += 1
                i = next((k for k in range(min(len(got), len(want))) if got[k] != want[k]),
                         min(len(got), len(want)))
                print("FAIL %s: status %d; first difference at byte %d of %d/%d" % (
                    label, rc, i, len(want), len(got)))
                print("     debian: %r" % want[max(0, i - 60):i + 60])
                print("     parley: %r" % got[max(0, i - 60):i + 60])
                if err:
                    print("     stderr: %r" % err[:300])
        # the transfer stages' table of results by string, made tiny so that
        # it is emptied again and again (a bug once hid there)
        key = "e2e:%s::%s" % (mode, hashlib.sha1(sample).hexdigest())
        want = d.cached(key, lambda: d.run(["apertium", mode], sample)[1])
        env = dict(os.environ, PARLEY_TRX_TABLE="16")
        p = d.subprocess.run([parley, "translate", "--strict", mode], input=sample, stdout=d.subprocess.PIPE,
                             stderr=d.subprocess.PIPE, env=env)
        if p.returncode == 0 and p.stdout == want:
            passed += 1
        else:
            failed += 1
            print("FAIL %s corpus with a tiny string table: status %d" % (mode, p.returncode))
        # destxt-utf8: invalid UTF-8 is refused with a message, not dropped
        rc, got, err = d.run([parley, "translate", "--strict", mode], b"a\xffb c d\n")
        if rc != 0 and err:
            passed += 1
        else:
            failed += 1
            print("FAIL %s invalid-utf8: parley should refuse it (status %d)" % (mode, rc))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
