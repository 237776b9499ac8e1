#!/usr/bin/env python3
"""Corpus-level BLEU and chrF, compatible with sacreBLEU 2.x defaults.

Standard library only.  Written from the algorithm descriptions in sacreBLEU
(github.com/mjpost/sacrebleu, sacrebleu/metrics/{bleu,chrf,helpers}.py and
sacrebleu/tokenizers/tokenizer_{13a,re}.py); no code was copied.

Defaults match `sacrebleu HYP -i REF -m bleu chrf` (sacreBLEU 2.x):

  BLEU   nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp
         4-gram precisions clipped against the reference, summed over the corpus,
         geometric mean, brevity penalty exp(1 - r/c) if c < r.
         'exp' smoothing (mteval-v13a / Chen & Cherry method 3): the k-th order
         with no match gets precision 1 / (2^k * total).
  chrF2  nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no
         character 1..6-gram statistics with whitespace removed, summed over the
         corpus; precision and recall are averaged over the orders where both
         the hypothesis and the reference have n-grams ("effective order",
         sacreBLEU's default, eps_smoothing=False), then F-beta with beta=2.
         eps_smoothing=True gives chrF++.py/NLTK-style averaging of per-order F.

Usage:  python3 score.py HYP REF    ->  BLEU = x.xx  chrF2 = y.yy
Import: bleu(hyps, refs) / chrf(hyps, refs) -> float (0..100).
`refs` is either a list of strings (one reference) or a list of reference
streams (list of lists of strings, sacreBLEU's layout).
"""

import math
import re
import sys
from collections import Counter

__all__ = ["bleu", "chrf", "bleu_stats", "compute_bleu", "tokenize_13a"]

# ---------------------------------------------------------------------------
# 13a tokenizer (mteval-v13a.pl, as in sacreBLEU)

_RE_13A = [
    # symbols and most ASCII punctuation, except . , - ' (the range ' -&'
    # covers space..ampersand)
    (re.compile(r"([\{-\~\[-\` -\&\(-\+\:-\@\/])"), r" \1 "),
    # period and comma unless preceded by a digit
    (re.compile(r"([^0-9])([\.,])"), r"\1 \2 "),
    # period and comma unless followed by a digit
    (re.compile(r"([\.,])([^0-9])"), r" \1 \2"),
    # dash preceded by a digit
    (re.compile(r"([0-9])(-)"), r"\1 \2 "),
]


def tokenize_13a(line):
    line = line.replace("<skipped>", "")
    line = line.replace("-\n", "")
    line = line.replace("\n", " ")
    if "&" in line:
        line = (line.replace("&quot;", '"').replace("&amp;", "&")
                .replace("&lt;", "<").replace("&gt;", ">"))
    line = " " + line + " "
    for pat, repl in _RE_13A:
        line = pat.sub(repl, line)
    return " ".join(line.split())


def _tokenize_none(line):
    return line


_TOKENIZERS = {"13a": tokenize_13a, "none": _tokenize_none}


def _ref_streams(refs):
    """Normalise `refs` to a list of reference streams."""
    if refs and isinstance(refs[0], str):
        return [refs]
    return list(refs)


def _segments(hyps, refs):
    streams = _ref_streams(refs)
    for s in streams:
        if len(s) != len(hyps):
            raise ValueError("hypothesis and reference streams differ in length "
                             f"({len(hyps)} vs {len(s)})")
    for i, h in enumerate(hyps):
        yield h, [s[i] for s in streams if s[i] is not None]


# ---------------------------------------------------------------------------
# BLEU

def _word_ngrams(tokens, max_order):
    c = Counter()
    n_tok = len(tokens)
    for n in range(1, max_order + 1):
        for i in range(n_tok - n + 1):
            c[tuple(tokens[i:i + n])] += 1
    return c


def bleu_stats(hyps, refs, tokenize="13a", lowercase=False, max_order=4):
    """Corpus sufficient statistics: (sys_len, ref_len, correct[], total[])."""
    tok = _TOKENIZERS[tokenize]
    sys_len = ref_len = 0
    correct = [0] * max_order
    total = [0] * max_order
    for hyp, seg_refs in _segments(hyps, refs):
        def prep(s):
            if lowercase:
                s = s.lower()
            return tok(s.rstrip())
        ref_counts = None
        ref_lens = []
        for r in seg_refs:
            rt = prep(r).split()
            ref_lens.append(len(rt))
            rc = _word_ngrams(rt, max_order)
            if ref_counts is None:
                ref_counts = rc
            else:
                for ng, k in rc.items():
                    if k > ref_counts[ng]:
                        ref_counts[ng] = k
        if ref_counts is None:
            ref_counts = Counter()
        ht = prep(hyp).split()
        hlen = len(ht)
        # closest reference length; ties go to the shorter reference
        best = None
        for rl in ref_lens:
            d = abs(hlen - rl)
            if best is None or d < best[0] or (d == best[0] and rl < best[1]):
                best = (d, rl)
        sys_len += hlen
        ref_len += best[1] if best else 0
        for ng, k in _word_ngrams(ht, max_order).items():
            n = len(ng) - 1
            total[n] += k
            m = ref_counts.get(ng)
            if m:
                correct[n] += min(k, m)
    return sys_len, ref_len, correct, total


_SMOOTH_DEFAULTS = {"none": None, "floor": 0.1, "add-k": 1, "exp": None}


def _log(x):
    return -9999999999 if x == 0.0 else math.log(x)


def compute_bleu(correct, total, sys_len, ref_len, smooth_method="none",
                 smooth_value=None, effective_order=False, max_order=4):
    """BLEU (0..100) from corpus statistics; same conventions as sacreBLEU's
    BLEU.compute_bleu (note its default smoothing there is 'none')."""
    if smooth_method not in _SMOOTH_DEFAULTS:
        raise ValueError(f"unknown smooth_method {smooth_method!r}")
    if smooth_value is None:
        smooth_value = _SMOOTH_DEFAULTS[smooth_method]
    correct = list(correct)
    total = list(total)
    if sys_len < ref_len:
        bp = math.exp(1 - ref_len / sys_len) if sys_len > 0 else 0.0
    else:
        bp = 1.0
    if not any(correct):
        return 0.0
    prec = [0.0] * max_order
    exp_div = 1.0
    eff = max_order
    for n in range(1, max_order + 1):
        if smooth_method == "add-k" and n > 1:
            correct[n - 1] += smooth_value
            total[n - 1] += smooth_value
        if total[n - 1] == 0:
            break
        if effective_order:
            eff = n
        if correct[n - 1] == 0:
            if smooth_method == "exp":
                exp_div *= 2
                prec[n - 1] = 100.0 / (exp_div * total[n - 1])
            elif smooth_method == "floor":
                prec[n - 1] = 100.0 * smooth_value / total[n - 1]
        else:
            prec[n - 1] = 100.0 * correct[n - 1] / total[n - 1]
    return bp * math.exp(sum(_log(p) for p in prec[:eff]) / eff)


def bleu(hyps, refs, tokenize="13a", lowercase=False, smooth_method="exp",
         smooth_value=None, effective_order=False, max_order=4):
    """Corpus BLEU (0..100) with sacreBLEU 2.x defaults."""
    sys_len, ref_len, correct, total = bleu_stats(
        hyps, refs, tokenize=tokenize, lowercase=lowercase, max_order=max_order)
    return compute_bleu(correct, total, sys_len, ref_len,
                        smooth_method=smooth_method, smooth_value=smooth_value,
                        effective_order=effective_order, max_order=max_order)


# ---------------------------------------------------------------------------
# chrF

def _char_ngrams(s, order, whitespace):
    if not whitespace:
        s = "".join(s.split())
    out = []
    for n in range(1, order + 1):
        out.append(Counter(s[i:i + n] for i in range(len(s) - n + 1)))
    return out


_PUNCT = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def _split_punct(s):
    words = []
    for w in s.split():
        if len(w) == 1:
            words.append(w)
        elif w[-1] in _PUNCT:
            words += [w[:-1], w[-1]]
        elif w[0] in _PUNCT:
            words += [w[0], w[1:]]
        else:
            words.append(w)
    return words


def _word_ngrams_str(words, order):
    return [Counter(" ".join(words[i:i + n]) for i in range(len(words) - n + 1))
            for n in range(1, order + 1)]


def _chrf_f(stats, beta, eps_smoothing):
    """stats: flat list of [hyp, ref, match] per order."""
    eps = 1e-16
    factor = beta ** 2
    n_orders = len(stats) // 3
    f_sum = 0.0
    p_sum = r_sum = 0.0
    eff = 0
    for i in range(n_orders):
        n_hyp, n_ref, n_match = stats[3 * i:3 * i + 3]
        p = n_match / n_hyp if n_hyp > 0 else eps
        r = n_match / n_ref if n_ref > 0 else eps
        d = factor * p + r
        f_sum += ((1 + factor) * p * r / d) if d > 0 else eps
        if n_hyp > 0 and n_ref > 0:
            p_sum += p
            r_sum += r
            eff += 1
    if eps_smoothing:
        return 100.0 * f_sum / n_orders
    if eff == 0:
        return 0.0
    p_avg, r_avg = p_sum / eff, r_sum / eff
    if p_avg + r_avg == 0:
        return 0.0
    return 100.0 * (1 + factor) * p_avg * r_avg / (factor * p_avg + r_avg)


def chrf(hyps, refs, char_order=6, word_order=0, beta=2, lowercase=False,
         whitespace=False, eps_smoothing=False):
    """Corpus chrF (0..100) with sacreBLEU 2.x defaults (chrF2).
    word_order=2 gives chrF++."""
    order = char_order + word_order
    totals = [0] * (3 * order)

    def extract(s):
        if lowercase:
            s = s.lower()
        grams = _char_ngrams(s, char_order, whitespace)
        if word_order > 0:
            grams += _word_ngrams_str(_split_punct(s), word_order)
        return grams

    for hyp, seg_refs in _segments(hyps, refs):
        hg = extract(hyp)
        best_stats, best_f = None, -1.0
        for r in seg_refs:
            rg = extract(r)
            st = []
            for h, rr in zip(hg, rg):
                m = hc = 0
                for ng, k in h.items():
                    hc += k
                    if ng in rr:
                        m += min(k, rr[ng])
                st += [hc if rr else 0, sum(rr.values()), m]
            f = _chrf_f(st, beta, eps_smoothing)
            if f > best_f:
                best_f, best_stats = f, st
        if best_stats is not None:
            for i, v in enumerate(best_stats):
                totals[i] += v
    return _chrf_f(totals, beta, eps_smoothing)


# ---------------------------------------------------------------------------

def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return [line.rstrip() for line in f]


def main(argv):
    if len(argv) != 3:
        print("usage: score.py HYP REF", file=sys.stderr)
        return 2
    hyps, refs = read_lines(argv[1]), read_lines(argv[2])
    if len(hyps) != len(refs):
        print(f"score.py: {argv[1]} has {len(hyps)} lines, {argv[2]} has "
              f"{len(refs)}", file=sys.stderr)
        return 1
    print(f"BLEU = {bleu(hyps, refs):.2f}  chrF2 = {chrf(hyps, refs):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
