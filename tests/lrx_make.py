#!/usr/bin/env python3
"""Writes small lexical-selection rule files (.autolex.bin) for the
differential tests of lrx-proc: Debian ships no lrx compiler binary, and the
shipped rule files never put more than 16 candidates of equal score on one
word (where libstdc++'s std::sort order shows), nor several operations on
one translation.

A rule is (id, weight, [(SL pattern, operation), ...]), one pair per word:
the pattern is matched against the word's SL ("bank<n><ANY_TAG>"), the
operation is "<select>TL-pattern", "<remove>TL-pattern" or "<skip>".  The
layout is the one LRXProcessor::load reads (see src/lrx/lrx_load.c); the
transducers are plain chains, which is all lrx-proc needs.

Usage: lrx_make.py OUT.bin CASE   (CASE: one of the names in CASES)
"""
import struct
import sys

SPECIAL = ["select", "remove", "skip", "ANY_TAG", "ANY_CHAR", "ANY_UPPER", "ANY_LOWER", "$"]


def mb(v):
    if v < 0x40:
        return bytes([v])
    if v < 0x4000:
        return bytes([0x40 | v >> 8, v & 0xFF])
    if v < 0x400000:
        return bytes([0x80 | v >> 16, v >> 8 & 0xFF, v & 0xFF])
    return bytes([0xC0 | v >> 24, v >> 16 & 0xFF, v >> 8 & 0xFF, v & 0xFF])


def string(s):
    return mb(len(s)) + b"".join(mb(ord(c)) for c in s)


def split(s):
    """'a<n><sg>' -> ['a', '<n>', '<sg>']"""
    out, i = [], 0
    while i < len(s):
        if s[i] == "<":
            j = s.index(">", i)
            out.append(s[i:j + 1])
            i = j + 1
        else:
            out.append(s[i])
            i += 1
    return out


class Alphabet:
    def __init__(self, extra_tags=()):
        self.tags = list(SPECIAL) + list(extra_tags)
        self.pairs = [(0, 0)]

    def sym(self, tok):
        if tok.startswith("<"):
            name = tok[1:-1]
            if name not in self.tags:
                self.tags.append(name)
            return -(self.tags.index(name) + 1)
        return ord(tok)

    def pair(self, a, b):
        if (a, b) not in self.pairs:
            self.pairs.append((a, b))
        return self.pairs.index((a, b))

    def write(self):
        n = len(self.tags)
        out = mb(n) + b"".join(string(t) for t in self.tags)
        out += mb(len(self.pairs))
        for a, b in self.pairs:
            out += mb(a + n) + mb(b + n)
        return out


class Trans:
    def __init__(self):
        self.arcs = [[]]
        self.finals = set()

    def state(self):
        self.arcs.append([])
        return len(self.arcs) - 1

    def chain(self, al, frm, pairs):
        """Adds arcs for [(in, out), ...] from state frm; returns the end."""
        s = frm
        for a, b in pairs:
            t = self.state()
            self.arcs[s].append((al.pair(a, b), t))
            s = t
        return s

    def write(self):
        n = len(self.arcs)
        out = mb(0) + mb(len(self.finals))
        prev = 0
        for f in sorted(self.finals):
            out += mb(f - prev)
            prev = f
        out += mb(n)
        for s, arcs in enumerate(self.arcs):
            arcs = sorted(arcs)
            out += mb(len(arcs))
            base = 0
            for label, t in arcs:
                out += mb(label - base) + mb((t - s) % n)
                base = label
        return out


def build(rules, path):
    al = Alphabet()
    wb = al.sym("<$>")
    main = Trans()
    ops = set()
    for rid, weight, words in rules:
        s = 0
        for pat, op in words:
            s = main.chain(al, s, [(al.sym(t), 0) for t in split(pat)])
            s = main.chain(al, s, [(0, al.sym(t)) for t in split(op)])
            s = main.chain(al, s, [(wb, wb)])
            ops.add(op)
        s = main.chain(al, s, [(wb, 0), (0, al.sym("<%d>" % rid))])
        main.finals.add(s)
    recs = {}
    for op in sorted(ops):
        if op == "<skip>":
            continue
        r = Trans()
        toks = split(op)[1:]
        r.finals.add(r.chain(al, 0, [(al.sym(t), al.sym(t)) for t in toks]))
        recs[op] = r
    body = mb(len(recs))
    for name, r in recs.items():
        body += string(name) + r.write()
    body += string("main") + main.write()
    for rid, weight, words in rules:
        body += struct.pack("<i4xd", rid, weight)
    with open(path, "wb") as f:
        f.write(al.write() + body)


# name -> (rules, input streams)
CASES = {
    # 20 translations, each selected by its own rule of the same weight:
    # the candidate order is libstdc++'s introsort order
    "equal20": ([(k, 1.0, [("x<n>", "<select>t%d<n>" % k)]) for k in range(1, 21)],
                [b" ".join([b"^x<n>/" + b"/".join(b"t%d<n>" % k for k in range(1, 21)) + b"$"] * 2),
                 b"^x<n>/" + b"/".join(b"t%d<n>" % k for k in range(20, 0, -1)) + b"$[]",
                 b"^x<n>/" + b"/".join(b"t%d<n>" % k for k in (3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8)) + b"$"]),
    # removes and selects with different and equal weights, scores summed
    # over rules, a rule over two words with a skip, a rule id without weight
    "mixed": ([(1, 2.0, [("x<n>", "<remove>a<n>")]),
               (2, 1.0, [("x<n>", "<select>a<n>")]),
               (3, 1.5, [("x<n>", "<select>b<n>")]),
               (4, 0.5, [("x<n>", "<select>b<n>")]),
               (5, 3.0, [("y<adj>", "<skip>"), ("x<n>", "<remove>c<n>")]),
               (6, 1.0, [("y<adj>", "<select>q<adj>"), ("z<vblex>", "<select>r<vblex>")]),
               (7, 1.0, [("w<n>", "<remove>a<n>"), ("w<n>", "<remove>b<n>")]),
               (8, 1.0, [("X<n>", "<select>c<n>")])],
              [b"^x<n>/a<n>/b<n>/c<n>$ ^y<adj>/q<adj>/p<adj>$ ^x<n>/a<n>/b<n>/c<n>$ "
               b"^y<adj>/p<adj>/q<adj>$ ^z<vblex>/s<vblex>/r<vblex>$ ^x<n>/c<n>/a<n>$[]",
               b"^w<n>/a<n>/b<n>$ ^w<n>/a<n>/b<n>/c<n>$ ^w<n>/b<n>$\0^x<n>/a<n>/b<n>$\0",
               b"^X<n>/a<n>/c<n>$ ^*x<n>/a<n>/b<n>$ ^x<n><sg>/a<n>/b<n>$ ^x<n>/a<n>/b<n><pl>/b<n>$"]),
}


def main():
    out, case = sys.argv[1], sys.argv[2]
    build(CASES[case][0], out)


if __name__ == "__main__":
    main()
