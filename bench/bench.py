#!/usr/bin/env python3
"""Benchmark: every stage parley implements against the Debian program it
replaces, on the same ~100k words of news text, in one run.

Input: newstest2013 (English) plus FLORES eng devtest and dev from
../shared/data: 98,944 words.  Each stage gets the real intermediate stream
that Debian's eng-spa pipeline feeds it.  For each program we take the best
of --runs runs of CPU time (user + system, from wait4) and the peak resident
memory, and report words per CPU-second and parley's speed-up.  Results are
printed as a Markdown table and, with --write, stored in bench/RESULTS.md.

Usage: bench.py PARLEY [--runs N] [--write] [--only STAGE] [--keep DIR]

--only STAGE measures only the stages whose program is STAGE (for example
apertium-tagger); the stages before it still run (Debian's tools only) to
produce its input, and the long-text analysis is skipped.  --keep DIR keeps
the intermediate streams in DIR (for profiling one stage on its real input).
"""
import argparse
import datetime
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
DATA = os.environ.get("PARLEY_DATA", os.path.join(REPO, "..", "shared", "data"))
CORPUS = ["newstest2013/newstest2013.en", "flores200-devtest/eng_Latn.devtest",
          "flores101-dev/eng_Latn.dev"]
CORPUS_ES = ["newstest2013/newstest2013.es", "flores200-devtest/spa_Latn.devtest",
             "flores101-dev/spa_Latn.dev"]
MODE = "/usr/share/apertium/modes/eng-spa.mode"
IMPLEMENTED = {"lt-proc", "apertium-destxt", "apertium-retxt",
               "apertium-wblank-attach", "apertium-wblank-detach", "apertium-pretransfer",
               "apertium-tagger", "lrx-proc", "apertium-transfer", "apertium-interchunk",
               "apertium-postchunk"}


# parley's on-disk caches of compiled data (transfer rules, transducer
# images) turned off: every data file is parsed and compiled in each run.
NO_CACHES = dict(os.environ, PARLEY_NO_RULE_CACHE="1", PARLEY_NO_FST_CACHE="1")


def cpu_run(argv, infile, outfile, env=None):
    """Runs argv with stdin/stdout files; returns (cpu seconds, peak KiB)."""
    with open(infile, "rb") as fi, open(outfile, "wb") as fo:
        p = subprocess.Popen(argv, stdin=fi, stdout=fo, stderr=subprocess.DEVNULL, env=env)
        _, status, ru = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise SystemExit("failed: %s" % " ".join(argv))
    return ru.ru_utime + ru.ru_stime, ru.ru_maxrss


def peak_rss(argv, infile):
    """Peak resident set of argv alone, in KiB, measured by GNU time (a
    child of this Python process would count Python's own pages, since
    Linux carries the pre-exec high-water mark over exec)."""
    with tempfile.NamedTemporaryFile("r") as t, open(infile, "rb") as fi:
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", t.name] + argv, stdin=fi,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        return int(t.read().split()[-1])


def best(argv, infile, outfile, runs, env=None):
    times = []
    for _ in range(runs):
        t, _ = cpu_run(argv, infile, outfile, env)
        times.append(t)
    return min(times), peak_rss(argv, infile)


def wall_cpu(argv, data):
    """(wall seconds, CPU seconds incl. children) of one run with data on stdin."""
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    p.stdin.write(data)
    p.stdin.close()
    _, status, ru = os.wait4(p.pid, 0)
    return time.perf_counter() - t0, ru.ru_utime + ru.ru_stime


def pipeline_rows(parley, pair, corpus, runs, tmp):
    """Whole translation: `apertium PAIR` (all its processes) against
    `parley translate --strict PAIR`: CPU, one-word start-up and peak
    memory (Debian: the peak RSS of every program of its pipeline added
    up, as they all run at once)."""
    text = b"".join(open(os.path.join(DATA, c), "rb").read() for c in corpus)
    words = len(text.split())
    src = os.path.join(tmp, "%s.txt" % pair)
    open(src, "wb").write(text)
    out_d, out_p = os.path.join(tmp, "%s.debian" % pair), os.path.join(tmp, "%s.parley" % pair)
    td, _ = best(["apertium", pair], src, out_d, runs)
    tp, mp = best([parley, "translate", "--strict", pair], src, out_p, runs)
    same = open(out_d, "rb").read() == open(out_p, "rb").read()
    tc, _ = best([parley, "translate", "--strict", pair], src, out_p + ".cold", runs, NO_CACHES)
    same = same and open(out_d, "rb").read() == open(out_p + ".cold", "rb").read()
    tn, _ = best([parley, "translate", pair], src, out_p + ".news", runs)  # news mode, the default
    # Debian's memory: each program of the pipeline on its own input
    mode = subprocess.run(["apertium-wblank-mode", "/usr/share/apertium/modes/%s.mode" % pair],
                          stdout=subprocess.PIPE, check=True).stdout.decode()
    chain = [["apertium-destxt"]] + [shlex.split(x.strip().replace("$1", "-g").replace("$2", ""))
                                     for x in mode.split("|")] + [["apertium-retxt"]]
    cur, md = src, 0
    for k, argv in enumerate(chain):
        nxt = os.path.join(tmp, "%s.mem%02d" % (pair, k))
        subprocess.run(argv, stdin=open(cur, "rb"), stdout=open(nxt, "wb"), check=True)
        md += peak_rss(argv, cur)
        cur = nxt
    # one word
    sd = min(wall_cpu(["apertium", pair], b"hello\n") for _ in range(max(runs, 5)))
    sp = min(wall_cpu([parley, "translate", "--strict", pair], b"hello\n") for _ in range(max(runs, 5)))
    return (pair, words, td, tp, tc, tn, md, mp, sd, sp, same)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("parley")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--only", metavar="STAGE", help="measure only this program (e.g. apertium-tagger)")
    ap.add_argument("--keep", metavar="DIR", help="keep the intermediate streams in DIR")
    a = ap.parse_args()
    if a.only and a.write:
        raise SystemExit("--only and --write do not go together")
    parley = os.path.abspath(a.parley)
    if a.keep:
        os.makedirs(a.keep, exist_ok=True)
        tmp = os.path.abspath(a.keep)
    else:
        tmp = tempfile.mkdtemp(prefix="parley-bench.")
    text = b"".join(open(os.path.join(DATA, c), "rb").read() for c in CORPUS)
    words = len(text.split())
    src = os.path.join(tmp, "input.txt")
    open(src, "wb").write(text)

    pipeline = subprocess.run(["apertium-wblank-mode", MODE], stdout=subprocess.PIPE,
                              check=True).stdout.decode()
    stages = [["apertium-destxt"]]
    stages += [shlex.split(s.strip().replace("$1", "-g").replace("$2", ""))
               for s in pipeline.split("|")]
    stages += [["apertium-retxt"]]

    rows = []
    cur = src
    total_d = total_p = 0.0
    for k, argv in enumerate(stages):
        out_d = os.path.join(tmp, "stage%02d.debian" % k)
        if argv[0] not in IMPLEMENTED or (a.only and argv[0] != a.only):
            subprocess.run(argv, stdin=open(cur, "rb"), stdout=open(out_d, "wb"), check=True)
            cur = out_d
            continue
        out_p = os.path.join(tmp, "stage%02d.parley" % k)
        td, md = best(argv, cur, out_d, a.runs)
        tp, mp = best([parley, "stage"] + argv, cur, out_p, a.runs)
        same = open(out_d, "rb").read() == open(out_p, "rb").read()
        short = " ".join([argv[0]] + [os.path.basename(x) for x in argv[1:]])
        rows.append((short, td, tp, md, mp, same))
        total_d += td
        total_p += tp
        cur = out_d
        if a.only:
            break  # the later stages are not needed

    lines = []
    pipeline_same = []
    if not a.only:
        prow = [pipeline_rows(parley, "eng-spa", CORPUS, a.runs, tmp),
                pipeline_rows(parley, "spa-eng", CORPUS_ES, a.runs, tmp)]
        lines.append("Whole translation, `apertium PAIR FILE` (all of its processes) against "
                     "`parley translate --strict PAIR FILE` (same bytes), and parley's news mode "
                     "(`parley translate PAIR FILE`, the default, which does more work):")
        lines.append("")
        lines.append("| pair | words | Debian CPU s | parley CPU s | speed-up | parley CPU s, no caches | speed-up "
                     "| parley news mode CPU s | speed-up "
                     "| one word, Debian | one word, parley | Debian peak RSS (sum of its processes) "
                     "| parley peak RSS | same bytes |")
        lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|")
        for pair, w, td, tp, tc, tn, md, mp, sd, sp, same in prow:
            lines.append("| %s | %d | %.3f | %.3f | **%.1fx** | %.3f | %.1fx | %.3f | %.1fx | %.0f ms wall, %.0f ms CPU "
                         "| %.0f ms wall, %.0f ms CPU | %.1f MiB | %.1f MiB | %s |" % (
                             pair, w, td, tp, td / tp if tp else 0, tc, td / tc if tc else 0,
                             tn, td / tn if tn else 0, sd[0] * 1000,
                             sd[1] * 1000, sp[0] * 1000, sp[1] * 1000, md / 1024, mp / 1024,
                             "yes" if same else "NO"))
            pipeline_same.append(same)
        lines.append("")
        lines.append("Each stage on its own:")
        lines.append("")
    lines.append("| stage (eng-spa, %d words) | Debian CPU s | parley CPU s | Debian words/CPU-s | "
                 "parley words/CPU-s | speed-up | Debian peak RSS | parley peak RSS | same bytes |"
                 % words)
    lines.append("|---|---:|---:|---:|---:|---:|---:|---:|:---:|")
    for short, td, tp, md, mp, same in rows:
        lines.append("| `%s` | %.3f | %.3f | %s | %s | **%.1fx** | %.1f MiB | %.1f MiB | %s |" % (
            short, td, tp, "{:,.0f}".format(words / td if td else 0),
            "{:,.0f}".format(words / tp if tp else 0), td / tp if tp else 0,
            md / 1024, mp / 1024, "yes" if same else "NO"))
    lines.append("| all of the above | %.3f | %.3f | | | **%.1fx** | | | |" % (
        total_d, total_p, total_d / total_p if total_p else 0))
    if a.only:
        print("\n".join(lines))
        return 0 if all(r[5] for r in rows) else 1
    # Analysis on a longer text: the same input ten times (989,440 words).
    dtxt = os.path.join(tmp, "stage00.debian")
    big = os.path.join(tmp, "input10.dtxt")
    with open(big, "wb") as f:
        chunk = open(dtxt, "rb").read()
        for _ in range(10):
            f.write(chunk)
    morf = next(a for a in stages if a[0] == "lt-proc")
    td, md = best(morf, big, os.path.join(tmp, "big.debian"), a.runs)
    tp, mp = best([parley, "stage"] + morf, big, os.path.join(tmp, "big.parley"), a.runs)
    same = open(os.path.join(tmp, "big.debian"), "rb").read() == open(os.path.join(tmp, "big.parley"), "rb").read()
    rows.append(("", 0, 0, 0, 0, same))
    lines.append("")
    lines.append("Analysis on a longer text (the same input ten times, %d words):" % (10 * words))
    lines.append("")
    lines.append("| stage | Debian CPU s | parley CPU s | Debian words/CPU-s | parley words/CPU-s | speed-up | "
                 "Debian peak RSS | parley peak RSS | same bytes |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|---:|:---:|")
    lines.append("| `lt-proc %s` | %.3f | %.3f | %s | %s | **%.1fx** | %.1f MiB | %.1f MiB | %s |" % (
        os.path.basename(morf[-1]), td, tp, "{:,.0f}".format(10 * words / td),
        "{:,.0f}".format(10 * words / tp), td / tp, md / 1024, mp / 1024, "yes" if same else "NO"))
    table = "\n".join(lines)
    print(table)
    if a.write:
        cpu = "unknown CPU"
        try:
            for line in open("/proc/cpuinfo"):
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        except OSError:
            pass
        keep = ""  # the HTTP section (bench/apy.sh) is written by hand: kept
        try:
            old = open(os.path.join(HERE, "RESULTS.md"), encoding="utf-8").read()
            if "\n## HTTP server" in old:
                keep = old[old.index("\n## HTTP server"):]
        except OSError:
            pass
        with open(os.path.join(HERE, "RESULTS.md"), "w") as f:
            f.write("# Benchmark results\n\n")
            f.write("Made by `make bench` (`python3 bench/bench.py build/parley --write`) on %s, "
                    "%s, %d cores, %s.  CPU time is user + system of the process, best of %d runs; "
                    "each program reads the same intermediate stream (Debian's eng-spa pipeline "
                    "up to that stage) from a file and writes to a file.  Start-up (loading the "
                    "data file) is included.  parley keeps compiled forms of the data in "
                    "~/.cache/parley (transfer rules; transducer images), made by its first run "
                    "and checked in full by every later one; the best of the runs uses them.  "
                    "\"No caches\" is the same translation with both turned off "
                    "(PARLEY_NO_RULE_CACHE=1 PARLEY_NO_FST_CACHE=1): every data file parsed "
                    "and every rule file compiled in each run.  Peak RSS is GNU time's %%M for "
                    "the program alone.\n\n" % (
                        datetime.date.today().isoformat(), cpu, os.cpu_count(),
                        platform.platform(), a.runs))
            f.write(table + "\n" + keep)
        print("written to bench/RESULTS.md")
    return 0 if all(r[5] for r in rows) and all(pipeline_same) else 1


if __name__ == "__main__":
    sys.exit(main())
