"""Subject resolution planning is blocked (near-linear in the names) yet plans exactly what the
pairwise greedy planned: the old quadratic algorithm is kept here as the oracle."""

from __future__ import annotations

import difflib
import importlib
import random
from typing import Dict, List

from hypothesis import given, settings
from hypothesis import strategies as st

from consistency.extract.resolve import _compatible, _max_unmatched, _near_words, _same, _words, canon_map

resolve = importlib.import_module("consistency.extract.resolve")  # the package's `resolve` is the function


def _old_canon_map(names: Dict[str, int]) -> Dict[str, str]:
    """The pairwise greedy as it was before blocking: every name tried against every group."""
    order = sorted(names, key=lambda n: (-names[n], -len(n), n))
    groups: List[List[str]] = []
    for nm in order:
        for g in groups:
            if _same(nm, g[0]) and all(_compatible(nm, x) for x in g):
                g.append(nm)
                break
        else:
            groups.append([nm])
    out: Dict[str, str] = {}
    for g in groups:
        best = sorted(g, key=lambda n: (-(len(_words(n)) > 1), -names[n], -len(n), n))[0]
        for nm in g:
            out[nm] = best
    return out


# invented first words: short, long (>= 20 letters, hyphenated as `_words` keeps them), generic
BASES = ["Anyshire", "Borsetshire", "Northwoldshire", "Kestrel", "Leeds", "Tarn", "Royal", "The", "St",
         "Wexhamptonshire-upon-Tarn", "Abercrombieshirehampton", "Saint-Aldric-of-the-Marsh"]
SUFFIXES = ["", "County Council", "Borough Council", "NHS Foundation Trust", "Council", "County",
            "Police", "City Council", "Hospital", "Council Children's Services"]
LETTERS = "aeinorst"


@st.composite
def typo(draw, word: str) -> str:
    """The word with up to three deletions, substitutions, transpositions or insertions."""
    w = list(word)
    for _ in range(draw(st.integers(0, 3))):
        op = draw(st.sampled_from("dsti"))
        i = draw(st.integers(0, max(len(w) - 1, 0)))
        c = draw(st.sampled_from(LETTERS))
        if op == "d" and len(w) > 1:
            del w[i]
        elif op == "s" and w:
            w[i] = c
        elif op == "t" and i + 1 < len(w):
            w[i], w[i + 1] = w[i + 1], w[i]
        elif op == "i":
            w.insert(i, c)
    return "".join(w)


@st.composite
def org_name(draw) -> str:
    first = draw(typo(draw(st.sampled_from(BASES))))
    if draw(st.integers(0, 30)) == 0:
        return draw(st.sampled_from(["", "...", "—", "-", first.upper() + "'s"]))
    first = draw(st.sampled_from(["", "", "", "The ", "Royal "])) + first
    suffix = draw(st.sampled_from(SUFFIXES))
    if suffix and draw(st.booleans()) and draw(st.booleans()):
        words = suffix.split()
        suffix = " ".join(draw(typo(x)) if draw(st.booleans()) else x for x in words)
    return f"{first} {suffix}".strip()


names_dicts = st.dictionaries(org_name(), st.integers(1, 50), min_size=1, max_size=40)


@settings(max_examples=200, deadline=None)
@given(names_dicts)
def test_blocked_plan_equals_pairwise_plan(names):
    assert canon_map(names) == _old_canon_map(names)


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(BASES + ["abcdefghijk", "abcdefghijklmnopqrstuvwxyzab"]).flatmap(
    lambda b: typo(b.lower())), min_size=1, max_size=25))
def test_near_words_finds_every_near_pair(words):
    """The pigeonhole index misses no pair with ratio >= 0.9 either way, and reports no other."""
    vocab = set(words)
    near = _near_words(vocab)
    want = {(a, b) for a in vocab for b in vocab
            if a != b and (_ratio(a, b) >= 0.9 or _ratio(b, a) >= 0.9)}
    got = {(a, b) for a, bs in near.items() for b in bs}
    assert got == want


def test_near_words_bound_is_tight_and_beyond_one_edit():
    """Two letters dropped from a 16-letter word stay near (ratio 0.93): one-deletion keys would miss
    it. And the bound D <= 2n/9 is reached: 11 letters against 9 is exactly 0.9."""
    assert _near_words({"northamptonshire", "nortamptonshre"}) == {
        "northamptonshire": ["nortamptonshre"], "nortamptonshre": ["northamptonshire"]}
    assert _ratio("abcdefghijk", "abcdefghi") == 0.9 and _max_unmatched(9) == 2
    assert _near_words({"abcdefghijk", "abcdefghi"}) == {
        "abcdefghi": ["abcdefghijk"], "abcdefghijk": ["abcdefghi"]}
    # exhaustive over lengths: no pair can be near with more unmatched letters than the bound
    for n in range(1, 60):
        for m in range(n, 2 * n):
            for matched in range(0, n + 1):
                if 2 * matched / (n + m) >= 0.9:
                    assert n + m - 2 * matched <= _max_unmatched(n)


def _synthetic_names(n: int, seed: int = 7) -> Dict[str, int]:
    """n distinct invented organisation names: made-up places (some misspelt) times kinds of body."""
    rng = random.Random(seed)
    syll = "an bor set kes trel wold ham ton mar shire ley by ford wick".split()
    kinds = SUFFIXES[1:] + ["Fire and Rescue Service", "Prison", "Academy", "Clinical Commissioning Group"]
    out: Dict[str, int] = {}
    while len(out) < n:
        place = "".join(rng.choice(syll) for _ in range(rng.randint(2, 4))).capitalize()
        if rng.random() < 0.1 and len(place) > 5:
            i = rng.randrange(1, len(place))
            place = place[:i] + place[i + 1:]  # a typo
        nm = place if rng.random() < 0.1 else f"{place} {rng.choice(kinds)}"
        out[nm] = out.get(nm, 0) + rng.randint(1, 50)
    return out


def test_blocked_plan_equals_pairwise_plan_on_a_synthetic_vocabulary():
    names = _synthetic_names(400, seed=3)
    cmap = canon_map(names)
    assert cmap == _old_canon_map(names)
    # the near-first-word path is exercised: misspelt places joined their correct spelling
    assert any(_words(k)[0] != _words(v)[0] for k, v in cmap.items() if _words(k))


def test_planning_calls_same_a_few_times_per_name(monkeypatch):
    names = _synthetic_names(3000)
    limit = 10 * len(names)
    calls = 0

    def counting_same(a: str, b: str) -> bool:
        nonlocal calls
        calls += 1
        assert calls < limit, "pairwise planning: _same called more than 10 times per name"
        return _same(a, b)

    monkeypatch.setattr(resolve, "_same", counting_same)
    cmap = canon_map(names)
    assert set(cmap) == set(names)
    assert calls < limit
    # spellings still meet: some misspelt place is mapped onto its correct spelling
    assert sum(1 for k, v in cmap.items() if k != v) > 100
