#!/usr/bin/env python3
"""Quality evaluation of parley on eng-spa and spa-eng.

    python3 eval/eval.py [PARLEY] [--data DIR] [--write FILE] [--lost]

PARLEY defaults to build/parley (relative to the repository root).  For each
pair and each mode (`--strict`, `--strict -u`, default/news mode) every input
file is translated in one `PARLEY translate [opts] PAIR` call, whole file on
stdin.  By default segments are separated by an empty line (--sep blank): with
one segment per line (--sep line) the line count is kept, but Apertium's
transfer moves words across the newline after a line without final
punctuation, e.g. the words of one headline end up in the next.

Rows of the Markdown table:
  * newstest2013, flores200-devtest and flores101-dev (data in
    ../shared/data, see PROVENANCE.md there): corpus BLEU and chrF2 with
    sacreBLEU 2.x defaults (eval/score.py), reference = the other language's
    file; "names kept %" is the automatic names measure (auto_names): a
    source word that starts with a capital letter, is not the first word of
    a sentence (nor the first after an opening quote or bracket there) and
    occurs verbatim in the reference is a name the translation should
    contain, verbatim or as the proper-noun translation the pair's own
    dictionaries give it ("Vilnius" -> "Vilna", found with Debian's lt-proc:
    dictionary_forms); "verbatim %" counts only the first.  The name stage's rules were tuned looking at
    flores101-dev (and our own names sets); newstest2013 and
    flores200-devtest are the held-out news text for this measure;
  * names (eval/names.en.jsonl / names.es.jsonl): share of names kept.  A name
    is kept if it, or one of its "expect" forms, occurs verbatim in the
    translation of its sentence as whole words (case-sensitive).  A form with
    an Apertium mark in front ('*Carney') is not verbatim and does not count;
    the `--strict -u` row shows the rate without '*' marks.
"Marked sent. %" is the share of output lines that contain a word starting
with an Apertium mark ('*' unknown, '#' generation error, '@' untranslated)
that is not already in the source line.
"""

import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import score  # noqa: E402

MODES = [
    ("strict", ["--strict"]),
    ("strict -u", ["--strict", "-u"]),
    ("default", []),
]

# pair -> (test sets [(name, src relpath, ref relpath)], names file)
PAIRS = {
    "eng-spa": ([("newstest2013", "newstest2013/newstest2013.en", "newstest2013/newstest2013.es"),
                 ("flores200-devtest", "flores200-devtest/eng_Latn.devtest",
                  "flores200-devtest/spa_Latn.devtest"),
                 ("flores101-dev", "flores101-dev/eng_Latn.dev", "flores101-dev/spa_Latn.dev")],
                "names.en.jsonl"),
    "spa-eng": ([("newstest2013", "newstest2013/newstest2013.es", "newstest2013/newstest2013.en"),
                 ("flores200-devtest", "flores200-devtest/spa_Latn.devtest",
                  "flores200-devtest/eng_Latn.devtest"),
                 ("flores101-dev", "flores101-dev/spa_Latn.dev", "flores101-dev/eng_Latn.dev")],
                "names.es.jsonl"),
}

MARK_RE = re.compile(r"(?<![\w*#@])[*#@]\w[^\s]*")


def snapshot(parley, tmpdir, tries=30):
    """Copy the binary so that every call uses the same build even if it is
    being rebuilt meanwhile; retry while it is half written."""
    dst = os.path.join(tmpdir, "parley")
    err = None
    for _ in range(tries):
        try:
            shutil.copy2(parley, dst)
            v = subprocess.run([dst, "version"], capture_output=True, text=True,
                               check=True)
            return dst, v.stdout.strip()
        except (OSError, subprocess.CalledProcessError) as e:
            err = e
            time.sleep(1)
    raise SystemExit(f"eval.py: cannot run {parley}: {err}")


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f]


def read_names(path):
    items = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                obj = json.loads(line)
                if "\n" in obj["src"]:
                    raise SystemExit(f"{path}:{n}: newline in src")
                items.append(obj)
    return items


def translate(parley, opts, pair, lines, sep="blank"):
    """Translate `lines` in one call; returns (output lines, seconds).

    sep="line":  one segment per line.  The line count is kept, but Apertium's
                 transfer can move words across a newline when a line has no
                 final punctuation (headlines), so segments can leak into
                 their neighbours.
    sep="blank": segments separated by an empty line, which Apertium treats
                 as a paragraph break; no leaking.  The output must have the
                 empty lines in the same places, or we fail.
    sep="each":  `translate --lines`: each segment a text of its own, so news
                 mode's evidence from the rest of a text (the same word in
                 lower case, the same name elsewhere) is the segment's only.
    """
    cmd = [parley, "translate", *opts, *(["--lines"] if sep == "each" else []), pair]
    joiner = "\n\n" if sep == "blank" else "\n"
    data = (joiner.join(lines) + "\n").encode("utf-8")
    t0 = time.monotonic()
    p = subprocess.run(cmd, input=data, capture_output=True)
    dt = time.monotonic() - t0
    if p.returncode != 0:
        raise RuntimeError(f"{shlex.join(cmd)} exited {p.returncode}: "
                           f"{p.stderr.decode('utf-8', 'replace')[:500]}")
    out = p.stdout.decode("utf-8", "replace").split("\n")
    if out and out[-1] == "":
        out.pop()
    if sep == "blank":
        if len(out) != 2 * len(lines) - 1 or any(x.strip() for x in out[1::2]):
            raise RuntimeError(f"{shlex.join(cmd)}: output not aligned with "
                               "the blank-line separated input")
        out = out[0::2]
    if len(out) != len(lines):
        raise RuntimeError(f"{shlex.join(cmd)}: {len(lines)} lines in, "
                           f"{len(out)} lines out")
    return out, dt


def marked_share(srcs, outs):
    marked = 0
    for s, o in zip(srcs, outs):
        src_tokens = set(MARK_RE.findall(s))
        if any(t not in src_tokens for t in MARK_RE.findall(o)):
            marked += 1
    return 100.0 * marked / len(outs) if outs else 0.0


def _word_re(text):
    return re.compile(r"(?<![\w*#@])" + re.escape(text) + r"(?!\w)")


def names_kept(items, outs):
    """Returns (kept %, total, list of (name, src, output) lost)."""
    total = kept = 0
    lost = []
    for it, out in zip(items, outs):
        expect = it.get("expect", {})
        for name in it["names"]:
            total += 1
            forms = [name] + list(expect.get(name, []))
            if any(_word_re(f).search(out) for f in forms):
                kept += 1
            else:
                lost.append((name, it["src"], out))
    return (100.0 * kept / total if total else 0.0), total, lost


# The automatic names measure on the test sets (names_auto): a word of the
# source that starts with a capital letter, is not the first word of a
# sentence and occurs verbatim (as a whole word, same case) in the reference
# translation is a name the translation should contain as written.
WORD_RE = re.compile(r"[^\W\d_](?:[\w'’-]*\w)?")
OPENERS = "\"'“‘«(¿¡[-–—"
SENT_END = ".!?:…"


def auto_names(src, ref):
    """The distinct names of `src` by the automatic measure."""
    names = []
    for m in WORD_RE.finditer(src):
        w = m.group(0)
        if len(w) < 2 or not w[0].isupper() or w in names:
            continue
        before = src[:m.start()].rstrip().rstrip(OPENERS).rstrip()
        if not before or before[-1] in SENT_END:
            continue
        if _word_re(w).search(ref):
            names.append(w)
    return names


def names_auto(srcs, refs, outs, dict_forms=None):
    """Returns (kept %, verbatim %, total, list of (name, src, output) lost).

    A name is kept if the translation has it verbatim or, with dict_forms
    (word -> forms, see dictionary_forms), one of the proper-noun
    translations that the pair's own dictionaries give for it ("Vilnius" ->
    "Vilna"): the issue counts those as right.  "Verbatim %" counts only the
    first."""
    total = kept = verbatim = 0
    lost = []
    dict_forms = dict_forms or {}
    for src, ref, out in zip(srcs, refs, outs):
        for w in auto_names(src, ref):
            total += 1
            if _word_re(w).search(out):
                kept += 1
                verbatim += 1
            elif any(_word_re(f).search(out) for f in dict_forms.get(w, ())):
                kept += 1
            else:
                lost.append((w, src, out))
    pct = (lambda x: 100.0 * x / total if total else 0.0)
    return pct(kept), pct(verbatim), total, lost


APERTIUM_DATA = "/usr/share/apertium"
UNIT_RE = re.compile(r"\^((?:[^$\\]|\\.)*)\$")


def _lt_proc(opts, fst, lines):
    """Runs lt-proc on `lines`, one per line; returns its output lines."""
    p = subprocess.run(["lt-proc", *opts, fst], input=("\n".join(lines) + "\n").encode("utf-8"),
                       capture_output=True, check=True)
    out = p.stdout.decode("utf-8", "replace").split("\n")
    if len(out) < len(lines):
        raise RuntimeError(f"lt-proc {' '.join(opts)} {fst}: output not aligned")
    return out[:len(lines)]


def _unit(line):
    m = UNIT_RE.search(line)
    return m.group(1) if m else ""


def dictionary_forms(pair, words):
    """word -> the surface forms of its proper-noun translations in Debian's
    data for `pair`, found with Debian's own lt-proc, independently of
    parley: the word's <np> analyses (automorf), their translations by the
    bilingual dictionary (autobil), generated (autogen).  Only np readings
    that the bilingual dictionary translates into an np count, so a common
    noun's translation ("Trump" -> "Triunfo") never does.  Returns {} when
    lt-proc or the data is missing."""
    found = [os.path.join(APERTIUM_DATA, e) for e in sorted(os.listdir(APERTIUM_DATA))
             if os.path.exists(os.path.join(APERTIUM_DATA, e, f"{pair}.automorf.bin"))] \
        if os.path.isdir(APERTIUM_DATA) else []
    if not found:
        return {}
    d = found[0]
    fsts = [os.path.join(d, f"{pair}.{k}.bin") for k in ("automorf", "autobil", "autogen")]
    if not shutil.which("lt-proc") or not all(os.path.exists(f) for f in fsts):
        return {}
    words = sorted(set(words))
    if not words:
        return {}
    readings = []   # (word, analysis)
    for w, line in zip(words, _lt_proc([], fsts[0], words)):
        parts = re.split(r"(?<!\\)/", _unit(line))
        for a in parts[1:]:
            if "<np>" in a:
                readings.append((w, a))
    if not readings:
        return {}
    bil = _lt_proc(["-b"], fsts[1], [f"^{a}$" for _, a in readings])
    targets = []    # (word, target analysis)
    for (w, _), line in zip(readings, bil):
        for t in re.split(r"(?<!\\)/", _unit(line))[1:]:
            if t and t[0] not in "@*#" and "<np>" in t:
                targets.append((w, t))
    if not targets:
        return {}
    gen = _lt_proc(["-g"], fsts[2], [f"^{t}$" for _, t in targets])
    forms = {}
    for (w, _), g in zip(targets, gen):
        for f in g.strip().split("/"):
            if f and f[0] not in "@*#" and f != w:
                forms.setdefault(w, set()).add(f)
    return {w: sorted(f) for w, f in forms.items()}


def scoring(job, hyps):
    pair, setname, mode, srcs, refs, items, dict_forms = job
    row = {"pair": pair, "set": setname, "mode": mode,
           "bleu": None, "chrf": None, "names": None, "verbatim": None, "lost": [],
           "marked": marked_share(srcs, hyps), "n": len(srcs)}
    if refs is not None:
        row["bleu"] = score.bleu(hyps, refs)
        row["chrf"] = score.chrf(hyps, refs)
        row["names"], row["verbatim"], row["n_names"], row["lost"] = \
            names_auto(srcs, refs, hyps, dict_forms)
    else:
        row["names"], row["n_names"], row["lost"] = names_kept(items, hyps)
    return row


def fmt(x):
    return "–" if x is None else f"{x:.2f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("parley", nargs="?", default=os.path.join(ROOT, "build", "parley"))
    ap.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "data"),
                    help="evaluation data directory (default ../shared/data)")
    ap.add_argument("--pairs", default=",".join(PAIRS), help="comma-separated pairs")
    ap.add_argument("--modes", default=",".join(m for m, _ in MODES),
                    help="comma-separated modes out of: " + ", ".join(m for m, _ in MODES))
    ap.add_argument("--write", metavar="FILE", help="also write the table to FILE")
    ap.add_argument("--lost", action="store_true", help="list the names each mode loses")
    ap.add_argument("--sep", choices=["each", "blank", "line"], default="blank",
                    help="segment separator on stdin: an empty line between "
                         "segments (default; no words move between segments, "
                         "the whole set is one text for news mode), just a "
                         "newline, or 'each': `translate --lines`, every "
                         "segment a text of its own")
    ap.add_argument("--no-copy", action="store_true",
                    help="run PARLEY in place (default: run a private copy)")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 2)
    args = ap.parse_args()

    parley = args.parley
    if os.sep not in parley:
        parley = (os.path.join(".", parley) if os.path.exists(parley)
                  else shutil.which(parley) or parley)
    modes = dict(MODES)
    sel_modes = [m.strip() for m in args.modes.split(",")]
    sel_pairs = [p.strip() for p in args.pairs.split(",")]
    for m in sel_modes:
        if m not in modes:
            ap.error(f"unknown mode {m!r}")
    for p in sel_pairs:
        if p not in PAIRS:
            ap.error(f"unknown pair {p!r}")

    # load inputs
    jobs = []   # (pair, setname, mode, srcs, refs or None, names items or None)
    for pair in sel_pairs:
        sets, names_file = PAIRS[pair]
        inputs = []
        for setname, src, ref in sets:
            srcs = read_lines(os.path.join(args.data, src))
            refs = read_lines(os.path.join(args.data, ref))
            if len(srcs) != len(refs):
                raise SystemExit(f"{src} and {ref} differ in length")
            inputs.append((setname, srcs, refs, None))
        items = read_names(os.path.join(HERE, names_file))
        inputs.append(("names", [it["src"] for it in items], None, items))
        words = [w for _, srcs, refs, _ in inputs if refs
                 for s, r in zip(srcs, refs) for w in auto_names(s, r)]
        forms = dictionary_forms(pair, words)
        if not forms:
            print(f"eval.py: no lt-proc or no Debian data for {pair}: names kept % "
                  "counts verbatim names only", file=sys.stderr)
        for mode in sel_modes:
            for setname, srcs, refs, items in inputs:
                jobs.append((pair, setname, mode, srcs, refs, items, forms if refs else None))

    tmp = tempfile.TemporaryDirectory(prefix="parley-eval-")
    if args.no_copy:
        version = subprocess.run([parley, "version"], capture_output=True,
                                 text=True).stdout.strip()
        binary = parley
    else:
        binary, version = snapshot(parley, tmp.name)

    t0 = time.monotonic()
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as ex:
        futs = [ex.submit(translate, binary, modes[mode], pair, srcs, args.sep)
                for pair, setname, mode, srcs, refs, items, _ in jobs]
        outputs = [f.result() for f in futs]
    t_translate = time.monotonic() - t0

    # scoring is pure Python: spread it over processes
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as ex:
        rows = list(ex.map(scoring, jobs, [o for o, _ in outputs]))
    t_total = time.monotonic() - t0

    lines = ["| pair | test set | mode | BLEU | chrF2 | names kept % | verbatim % | marked sent. % |",
             "|---|---|---|---:|---:|---:|---:|---:|"]
    for r in rows:
        setname = r["set"]
        if setname == "names":
            setname = f"names ({r['n']} sent., {r['n_names']} names)"
        else:
            setname = f"{setname} ({r['n']} sent., {r['n_names']} names)"
        lines.append(f"| {r['pair']} | {setname} | {r['mode']} | {fmt(r['bleu'])} | "
                     f"{fmt(r['chrf'])} | {fmt(r['names'])} | {fmt(r['verbatim'])} | {fmt(r['marked'])} |")
    table = "\n".join(lines)
    print(table)
    print(f"\n({len(jobs)} translate calls in {t_translate:.1f} s, "
          f"total {t_total:.1f} s)", file=sys.stderr)

    if args.lost:
        for r in rows:
            if r["lost"]:
                print(f"\n### {r['pair']} {r['mode']}: {len(r['lost'])} names lost")
                for name, src, out in r["lost"]:
                    print(f"- {name}: {out}")

    if args.write:
        cmdline = shlex.join(["python3", os.path.relpath(os.path.abspath(sys.argv[0]), os.getcwd())]
                             + sys.argv[1:])
        with open(args.write, "w", encoding="utf-8") as f:
            f.write(f"<!-- generated by: {cmdline} -->\n")
            f.write(f"Command: `{cmdline}`  \n")
            f.write(f"Binary: {version}; date: {time.strftime('%Y-%m-%d %H:%M')}  \n")
            f.write(f"Segments separated by: {'an empty line' if args.sep == 'blank' else 'a newline'}  \n")
            f.write("BLEU: sacreBLEU 2.x defaults (nrefs:1|case:mixed|eff:no|tok:13a|"
                    "smooth:exp); chrF2: nc:6|nw:0|space:no|eff:yes (eval/score.py)  \n")
            f.write("Names kept % on the test sets: the automatic measure (eval.py, auto_names): the name "
                    "as written or the proper-noun translation of the pair's dictionaries (Vilnius -> Vilna); "
                    "verbatim %: as written only. "
                    "News mode's name rules were tuned on flores101-dev and the names sets; "
                    "newstest2013 and flores200-devtest are held out for names.\n\n")
            f.write(table + "\n")
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
