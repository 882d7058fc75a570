"""The extractor's speed-only shortcuts give exactly what the plain forms they replace give.

Each shortcut (one regex pass for the words that start a phrase, capital and figure starts found
with the lookbehind after the first character) is compared with the straightforward form on
arbitrary text, including odd Unicode case folds.
"""

from __future__ import annotations

import importlib
import re

from hypothesis import given, settings, strategies as st

from consistency import rulepack

C = importlib.import_module("consistency.extract.compiled")

RS = rulepack.load()
CC = C.compiled(RS)

# words that start phrases, names, figures, currency, hyphens and characters with odd case folds
_WORDS = sorted(CC.merged)[:80] + [
    "Council", "said", "The", "the notice", "İnspect", "ınspect", "viſit", "K",
    "x_", "_a", "٣", "²", "1,000", "£5m", "£", "$", "€", "3.5", "a1", "per cent", "re-inspection", "O'Neil",
    "'Good'", "“good”", '"', "İ", "Straße",
]
_SEPS = ["", " ", " ", "-", "_", ",", ".", "\u00a0", "1", "\n", "'"]

texts = st.lists(st.tuples(st.sampled_from(_WORDS), st.sampled_from(_SEPS),
                           st.sampled_from(["lower", "title", "upper"])), max_size=25).map(
    lambda parts: "".join((getattr(w, case)() if case != "lower" else w) + sep for w, sep, case in parts))


def _old_scan(n: str) -> dict:
    low = n.lower()
    toks = ([(m.start(), m.group()) for m in C._TOKW.finditer(low)] if len(low) == len(n) else C.tokens(n))
    return C._find_merged(CC.merged, n, toks, CC.slots)


def _old_number_starts(n: str) -> list:
    out = []
    for m in re.finditer(r"\d+", n):
        i = m.start()
        p = n[i - 1] if i else " "
        if p.isalnum() or p in "._,":
            continue
        j = i
        while j > 0 and n[j - 1] in CC.currency_chars and i - j < 3:
            j -= 1
        out.append(j)
    return out


def _spans(hits: dict) -> dict:
    return {k: [(h.start(), h.end(), h.group()) for h in v] for k, v in hits.items()}


@settings(max_examples=200, deadline=None)
@given(texts)
def test_phrase_scan_matches_word_by_word_scan(n: str) -> None:
    assert _spans(CC.scan(n)) == _spans(_old_scan(n))


@settings(max_examples=200, deadline=None)
@given(texts)
def test_capital_and_figure_starts_match_plain_forms(n: str) -> None:
    assert C.cap_starts(n) == [m.start() for m in re.finditer(r"(?<![\w'])[A-Z]", n)]
    assert CC.number_starts(n) == _old_number_starts(n)


def test_phrase_start_regex_is_built_once_per_ruleset() -> None:
    # other tests may load enough rule sets to evict RS from the bounded cache, so compare two
    # calls made here rather than against the module-level CC
    first = C.compiled(RS)
    assert C.compiled(RS) is first and first.first_re is not None
    assert all(first.first_re.fullmatch(w) for w in first.merged)
    assert first.first_re.fullmatch("zzzz-not-a-phrase-start") is None


# --- phrase alternations: the factored search must return the flat alternation's own matches

_PHRASE_WORDS = ["plan", "plans", "plans to", "will", "will not", "set up", "set-up", "setup", "re-inspection",
                 "re inspection", "follow-up", "follow up visit", "no longer", "n't", "not", "it's", "A&E", "c.", "x"]


def _flat(phrases: list, flags: int) -> "re.Pattern[str]":
    ps = sorted({C.normalise(p.strip()) for p in phrases if p.strip()}, key=lambda s: (-len(s), s))
    return re.compile(r"(?<![\w])(?:" + "|".join(C._phrase_src(p) for p in ps) + r")(?![\w])", flags)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_PHRASE_WORDS), min_size=1, max_size=8), texts,
       st.sampled_from([re.IGNORECASE, 0]), st.integers(0, 40))
def test_phrase_regex_gives_the_flat_alternations_matches(phrases: list, body: str, flags: int, pos: int) -> None:
    n = body + " " + " ".join(phrases) + ". Plans-to SET UP follow  up visit"
    rx = C.phrase_re(phrases, flags)
    flat = _flat(phrases, flags)
    pos = min(pos, len(n))
    got = [(m.span(), m.group()) for m in rx.finditer(n, pos)]
    assert got == [(m.span(), m.group()) for m in flat.finditer(n, pos)]
    s = rx.search(n, pos)
    f = flat.search(n, pos)
    assert (s.span() if s else None) == (f.span() if f else None)
    assert rx.findall(n) == flat.findall(n)


def test_phrase_regex_prefers_the_longest_phrase_like_the_flat_form() -> None:
    rx = C.phrase_re(["plan", "plans to", "plans"])
    assert [m.group() for m in rx.finditer("The plans to merge; one plan, two plans.")] == ["plans to", "plan", "plans"]
    assert rx.search("no such thing here") is None


def test_price_pattern_matches_what_the_plain_form_matched() -> None:
    from consistency import sources

    old = re.compile(
        r"(?i)(?:[£$€]\s?\d[\d,]*(?:\.\d{1,2})?|\d[\d,]*(?:\.\d{1,2})?\s?(?:p|pence|euros?|dollars?|pounds?))"
        r"\s*(?:/\s*|a\s+|per\s+|each\s+|every\s+)(?:month|mth|mo|year|yr|annum|week|wk|day|issue|quarter)\b")
    lines = ["From £15 / month", "Subscribe FROM £4.99 A MONTH", "only 99P PER WEEK", "€3 each issue",
             "12 Pounds every YEAR", "£ 5 a day", "$1,000.50 per annum", "£15m a year was cut", "in 2015 per year",
             "rated good in 2016", "3 pence a wk", "£4.99 a monthly"]
    for s in lines:
        assert [m.span() for m in sources._PRICE.finditer(s)] == [m.span() for m in old.finditer(s)], s


def test_clause_splitter_matches_the_plain_alternation() -> None:
    X = importlib.import_module("consistency.extract")
    aux = X._AUX
    plain = re.compile(
        r",?\s+but\s+|;\s+|,\s+and\s+(?!then\b)|,?\s+then\s+|,\s+while\s+|,\s+whereas\s+"
        rf"|\s+and\s+(?={aux}\b|[\w'-]+\s+{aux}\b|(?:an?|the|its|their|his|her)\s+(?:[\w'-]+\s+){{2,3}}{aux}\b)",
        re.IGNORECASE)

    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.sampled_from(["but", "BUT", "and", "then", "while", "whereas", "was", "the new chief", "its",
                                     "council", "it", "x"]), max_size=12),
           st.lists(st.sampled_from([" ", ", ", "; ", ",  ", "\n", " ,", ";", ",\t"]), min_size=12, max_size=12),
           st.integers(0, 5))
    def check(words: list, seps: list, pos: int) -> None:
        n = "".join(w + s for w, s in zip(words, seps))
        assert [m.span() for m in X._CLAUSE.finditer(n, pos)] == [m.span() for m in plain.finditer(n, pos)]

    check()
