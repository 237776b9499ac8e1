#!/usr/bin/env python3
"""Sentences of surface forms sampled from an lttoolbox analyser (.bin).

Used by difftest.py for source languages that have no test corpus: a seeded
random walk over each section's transducer, reading the input side, yields
real word forms of the language (including multiwords and punctuation
entries).  Usage: sample_words.py FILE.bin LINES SEED
"""
import random
import sys


class Reader:
    def __init__(self, b):
        self.b, self.p = b, 0

    def byte(self):
        v = self.b[self.p]
        self.p += 1
        return v

    def mb(self):
        up = self.byte()
        n = up >> 6
        v = up & 0x3F
        for _ in range(n):
            v = (v << 8) | self.byte()
        return v

    def string(self):
        return "".join(chr(self.mb()) for _ in range(self.mb()))

    def double(self):
        for _ in range(2):
            if self.mb() >= 0x04000000:
                self.mb()


def load(path):
    r = Reader(open(path, "rb").read())
    if r.b[:4] == b"LTTB":
        r.p = 12
    for _ in range(r.mb()):
        r.mb()
    ntags = r.mb()
    for _ in range(ntags):
        r.string()
    pairs = [(r.mb() - ntags, r.mb() - ntags) for _ in range(r.mb())]
    sections = []
    for _ in range(r.mb()):
        name = r.string()
        weighted = False
        if r.b[r.p:r.p + 4] == b"LTTD":
            weighted = r.b[r.p + 11] & 1
            r.p += 12
        init = r.mb()
        finals, base = set(), 0
        for _ in range(r.mb()):
            base += r.mb()
            finals.add(base)
            if weighted:
                r.double()
        n = r.mb()
        arcs = []
        for s in range(n):
            lst, lab = [], 0
            for _ in range(r.mb()):
                lab += r.mb()
                tgt = (s + r.mb()) % n
                if weighted:
                    r.double()
                lst.append((pairs[lab][0], tgt))
            arcs.append(lst)
        sections.append((name, init, finals, arcs))
    return sections


def walk(section, rng):
    name, init, finals, arcs = section
    s, out = init, []
    for _ in range(60):
        if s in finals and out and (not arcs[s] or rng.random() < 0.35):
            return "".join(out)
        if not arcs[s]:
            return None
        sym, s = rng.choice(arcs[s])
        if sym > 0:
            out.append(chr(sym))
    return None


def main():
    path, lines, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    secs = [s for s in load(path) if s[3]]
    main_secs = [s for s in secs if "main" in s[0]] or secs
    out = []
    for _ in range(lines):
        words = []
        for _ in range(rng.randint(4, 16)):
            sec = rng.choice(main_secs if rng.random() < 0.9 else secs)
            w = walk(sec, rng)
            if w:
                words.append(w)
        if words:
            words[0] = words[0][:1].upper() + words[0][1:]
            out.append(" ".join(words) + rng.choice([".", ".", "?", "!", ""]))
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
