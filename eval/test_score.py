#!/usr/bin/env python3
"""Checks eval/score.py against sacreBLEU's own test vectors.

Hypotheses, references and expected scores below are taken from
github.com/mjpost/sacrebleu @ f615c7286d4d813370efb824d94fc2bfcd3a6b94:
  test/test_bleu.py  (Apache-2.0, Copyright 2017 Amazon.com, Inc. or its affiliates)
  test/test_chrf.py  (same)
The test harness itself is ours.  The 'intl' tokenizer case of
test_corpus_bleu is left out (score.py implements only '13a' and 'none').

Run:  python3 eval/test_score.py   -> prints "N passed, M failed"
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import score  # noqa: E402

passed = failed = 0


def check(name, got, want, eps=None, fmt=None):
    global passed, failed
    if fmt is not None:
        ok = format(got, fmt) == want
    elif eps is None:
        ok = got == want
    else:
        ok = abs(got - want) < eps
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {name}: got {got!r}, want {want!r}")


def raw_corpus_bleu(hyps, refs, smooth_value=0.1):
    # sacrebleu.raw_corpus_bleu: tokenize none, floor smoothing, effective order
    return score.bleu(hyps, refs, tokenize="none", smooth_method="floor",
                      smooth_value=smooth_value, effective_order=True)


# ---------------------------------------------------------------- test_bleu.py
EPS_BLEU = 1e-8

test_raw_bleu_cases = [
    (["this is a test", "another test"], [["ref1", "ref2"]], 0.0),
    (["this is a test"], [["this is a test"]], 1.0),
    (["this is a fest"], [["this is a test"]], 0.223606797749979)]
for i, (h, r, want) in enumerate(test_raw_bleu_cases):
    check(f"test_raw_bleu[{i}]", raw_corpus_bleu(h, r, .01) / 100, want, EPS_BLEU)

_refs = [
    ['The dog bit the man.', 'It was not unexpected.', 'The man bit him first.'],
    ['The dog had bit the man.', 'No one was surprised.', 'The man had bitten the dog.'],
]
_hyps = [
    'The dog bit the man.',
    "It wasn't surprising.",
    'The man had just bitten him.',
]
test_corpus_bleu_cases = [
    (_hyps, _refs, {}, 48.530827),
    (('', '', ''), _refs, {}, 0.0),
    (_hyps, _refs, {'tokenize': 'none'}, 49.1919566),
    (_hyps, _refs, {'tokenize': '13a'}, 48.530827),
    # (_hyps, _refs, {'tokenize': 'intl'}, 43.91623493),   -- not implemented
    (_hyps, _refs, {'smooth_method': 'none'}, 48.530827),
]
for i, (h, r, kw, want) in enumerate(test_corpus_bleu_cases):
    check(f"test_corpus_bleu[{i}]", score.bleu(list(h), r, **kw), want, EPS_BLEU)

test_case_effective_order = [(["test"], [["a test"]], 0.3678794411714425),
                             (["a test"], [["a test"]], 1.0),
                             (["a little test"], [["a test"]], 0.03218297948685433)]
for i, (h, r, want) in enumerate(test_case_effective_order):
    check(f"test_effective_order[{i}]", raw_corpus_bleu(h, r, .01) / 100, want, EPS_BLEU)

# test_statistics: common counts / total counts
h, r = ["am I am a character sequence"], [["I am a symbol string sequence a a"]]
_, _, correct, total = score.bleu_stats(h, r, tokenize="none")
check("test_statistics.common", correct, [4, 2, 1, 0])
check("test_statistics.total", total, [6, 5, 4, 3])

# test_scoring: BLEU.compute_bleu with its default smoothing ('none')
check("test_scoring",
      score.compute_bleu([9, 7, 5, 3], [10, 8, 6, 4], 11, 11) / 100,
      0.8375922397, EPS_BLEU)

# test_offset
check("test_offset[no offset]", raw_corpus_bleu(h, r, 0.0) / 100, 0, EPS_BLEU)
check("test_offset[None]", raw_corpus_bleu(h, r, None) / 100, 0.1555722182, EPS_BLEU)
check("test_offset[default]", raw_corpus_bleu(h, r) / 100, 0.1555722182, EPS_BLEU)

# test_degenerate_statistics (floor smoothing, exact equality)
test_case_degenerate_stats = [
    (([0, 0, 0, 0], [4, 4, 2, 1], 0, 1), 0.0, 0.0),
    (([0, 0, 0, 0], [10, 11, 12, 0], 14, 10), 0.0, 0.0),
    (([0, 0, 0, 0], [0, 0, 0, 0], 0, 0), 0.0, 0.0),
    (([6, 5, 4, 0], [6, 5, 4, 3], 6, 6), 0.0, 0.0),
    (([0, 0, 0, 0], [0, 0, 0, 0], 0, 0), 0.1, 0.0),
    (([0, 0, 0, 0], [0, 0, 0, 0], 1, 5), 0.01, 0.0)]
for i, ((c, t, sl, rl), off, want) in enumerate(test_case_degenerate_stats):
    check(f"test_degenerate_statistics[{i}]",
          score.compute_bleu(c, t, sl, rl, smooth_method="floor",
                             smooth_value=off) / 100, want)

# test_max_ngram_order
for order, want in [(1, "77.65"), (2, "60.50"), (3, "53.93"),
                    (4, "48.53"), (5, "46.14"), (6, "43.28")]:
    check(f"test_max_ngram_order[{order}]",
          score.bleu(_hyps, _refs, max_order=order), want, fmt=".2f")

# ---------------------------------------------------------------- test_chrf.py
EPS_CHRF = 1e-4

test_sentence_level_chrf = [
    ('Co nás nejvíc trápí, protože lékaři si vybírají, kdo bude žít a kdo zemře.',
     ['Nejvíce smutní jsme z toho, že musíme rozhodovat o tom, kdo bude žít a kdo zemře.'],
     39.14078509),
    ('Nebo prostě nemají vybavení, které by jim pomohlo, uvedli lékaři.',
     ['A někdy nemáme ani potřebný materiál, abychom jim pomohli, popsali lékaři.'],
     31.22557079),
    ('Lapali po dechu, jejich životy skončily dřív, než skutečně začaly.',
     ['Lapali po dechu a pak jejich život skončil - dřív, než skutečně mohl začít, připomněli.'],
     57.15704367),
]

test_cases = [
    (["abcdefg"], ["hijklmnop"], 0.0),
    (["a"], ["b"], 0.0),
    ([""], ["b"], 0.0),
    ([""], ["ref"], 0.0),
    ([""], ["reference"], 0.0),
    (["aa"], ["ab"], 8.3333),
    (["a", "b"], ["a", "c"], 8.3333),
    (["a"], ["a"], 16.6667),
    (["a b c"], ["a b c"], 50.0),
    (["a b c"], ["abc"], 50.0),
    ([" risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists ."],
     ["risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists ."], 63.361730),
    ([" Die    Beziehung zwischen  Obama und Netanjahu ist nicht gerade  freundlich. "],
     ["Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich."], 64.1302698),
    (["Niemand hat die Absicht, eine Mauer zu errichten"], ["Niemand hat die Absicht, eine Mauer zu errichten"], 100.0),
]

test_cases_effective_order = [
    (["a"], ["a"], 100.0),
    ([""], ["reference"], 0.0),
    (["a b c"], ["a b c"], 100.0),
    (["a b c"], ["abc"], 100.0),
    ([""], ["c"], 0.0),
    (["a", "b"], ["a", "c"], 50.0),
    (["aa"], ["ab"], 25.0),
]

test_cases_keep_whitespace = [
    (["Die Beziehung zwischen Obama und Netanjahu ist nicht gerade freundlich."],
     ["Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich."],
     67.3481606),
    (["risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists ."],
     ["risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists ."],
     65.2414427),
]

for i, (h, r, want) in enumerate(test_cases):
    check(f"test_chrf[{i}]", score.chrf(h, [r], char_order=6, word_order=0,
                                        beta=3, eps_smoothing=True), want, EPS_CHRF)
for i, (h, r, want) in enumerate(test_cases_effective_order):
    check(f"test_chrf_eff_order[{i}]", score.chrf(h, [r], char_order=6, word_order=0,
                                                  beta=3, eps_smoothing=False), want, EPS_CHRF)
for i, (h, r, want) in enumerate(test_cases_keep_whitespace):
    check(f"test_chrf_keep_whitespace[{i}]", score.chrf(h, [r], char_order=6, word_order=0,
                                                        beta=3, whitespace=True), want, EPS_CHRF)
for i, (h, r, want) in enumerate(test_sentence_level_chrf):
    # sentence_chrf(hyp, refs) == corpus chrF of a one-segment corpus with
    # the given references as separate streams
    check(f"test_chrf_sentence_level[{i}]",
          score.chrf([h], [[x] for x in r], eps_smoothing=True), want, EPS_CHRF)

# --------------------------------------------------------------- CLI / 13a
# (ours, not upstream) mteval-v13a tokenizer behaviour
check("13a.punct", score.tokenize_13a('He said: "It\'s 3.5 km, (roughly)."'),
      'He said : " It\'s 3.5 km , ( roughly ) . "')
check("13a.entities", score.tokenize_13a("a &amp; b &quot;c&quot;"), 'a & b " c "')
check("13a.digit-dash", score.tokenize_13a("1990-2000 well-known"), "1990 - 2000 well-known")

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
