"""Sentences are tagged only when their times are used: the claims are those of tagging every one.

``extract`` skips time tagging for sentences that give no claim and catches up the chain of
"previous" times (which "since then", "at the time", "two weeks later" hang on) when the next
sentence needs it, walking back with ``timex.tag_alone``. These tests compare that with the plain
order (every sentence tagged in turn) on generated documents full of such expressions.
"""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings, strategies as st

import importlib

from consistency import rulepack, timex
from consistency.extract import extract
from consistency.model import TimeSpan
from consistency.sources import source_from_text

RS = rulepack.load()
X = importlib.import_module("consistency.extract")

_TIMES = ["in March 2016", "since then", "at the time", "two weeks later", "the following month", "that year",
          "in 2014", "last year", "later this year", "the previous year", "a year after that", "", "", "on Monday",
          "in the last 12 months", "by 2020", "between 2012 and 2014", "a year later", "earlier this month"]
_FRAMES = [
    "Glenholt County Council was rated inadequate {t}.",
    "The council's children's trust was shelved {t}.",
    "Referrals rose by 40 per cent {t}, the council said.",
    "Mary Okafor became director of children's services {t}.",
    "Parents were consulted {t}.",
    "Councillors met {t} to discuss the budget.",
    "An improvement notice was issued {t}.",
    "Inspectors returned {t} and found progress.",
    "It was rated good {t}.",
    "{t} parents were consulted, and {t2} councillors met.",
    "Figures published {t} cover the period {t2}.",
]


def _doc(parts: list, dated: bool) -> str:
    head = "Glenholt children's services\n\n" + ("4 May 2018\n\n" if dated else "")
    return head + "\n\n".join(f.format(t=t, t2=t2).replace("  ", " ").replace(" .", ".").replace(" ,", ",").strip()
                                for f, t, t2 in parts) + "\n"


def _claims(text: str) -> list:
    return [repr(c) for c in extract(source_from_text(text, id="d"), RS)]


docs = st.lists(st.tuples(st.sampled_from(_FRAMES), st.sampled_from(_TIMES), st.sampled_from(_TIMES)), min_size=1, max_size=12)


@settings(max_examples=150, deadline=None)
@given(docs, st.booleans())
def test_lazy_tagging_gives_the_claims_of_tagging_every_sentence(parts: list, dated: bool) -> None:
    text = _doc(parts, dated)
    lazy = _claims(text)
    try:
        X.EAGER_TIMES = True  # every sentence tagged in turn
        eager = _claims(text)
        X.EAGER_TIMES = False
        real = timex.tag_alone
        timex.tag_alone = lambda *a, **k: None  # every catch-up tags the skipped sentences in order
        in_order = _claims(text)
    finally:
        X.EAGER_TIMES = False
        timex.tag_alone = real
    assert lazy == eager == in_order


_PREVIOUS = [None, TimeSpan(date(2015, 3, 1), date(2015, 3, 31), "month", "March 2015", anchor="absolute"),
             TimeSpan(date(2010, 1, 1), date(2010, 12, 31), "year", "2010", anchor="absolute"),
             TimeSpan(None, None, "unknown", "then", anchor="unresolved")]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_TIMES + ["and", "rated good", "the council said", ","]), max_size=6),
       st.sampled_from(_PREVIOUS), st.booleans())
def test_tag_alone_is_tag_whatever_came_before(words: list, previous, dated: bool) -> None:
    anchor = timex.Anchor(published=date(2018, 5, 4) if dated else None)
    text = "It happened " + " ".join(w for w in words if w) + "."
    alone = timex.tag_alone(text, anchor, offset=7)
    if alone is not None:
        assert alone == timex.tag(text, anchor, offset=7, previous=previous)


def test_a_sentence_hanging_on_an_earlier_time_is_not_alone() -> None:
    a = timex.Anchor(published=date(2018, 5, 4))
    assert timex.tag_alone("Since then it has improved.", a) is None
    assert timex.tag_alone("Two weeks later it reopened.", a) is None
    assert [t.text for t in timex.tag_alone("In March 2016 it was rated good, and since then it has improved.", a)] == [
        "March 2016", "since then"]


def test_since_then_reaches_back_over_sentences_without_claims() -> None:
    text = _doc([(_FRAMES[4], "in March 2016", ""), (_FRAMES[5], "", ""), (_FRAMES[0], "since then", "")], True)
    rated = [c for c in extract(source_from_text(text, id="d"), RS) if c.predicate == "rating"]
    assert len(rated) == 1 and rated[0].time.start == date(2016, 3, 1) and rated[0].time.anchor == "previous"


def test_the_chain_takes_the_last_time_of_a_skipped_sentence() -> None:
    # the skipped sentence names two times; "since then" hangs on the later-written one
    text = _doc([(_FRAMES[9], "In March 2016", "in 2014"), (_FRAMES[0], "since then", "")], True)
    rated = [c for c in extract(source_from_text(text, id="d"), RS) if c.predicate == "rating"]
    assert len(rated) == 1 and rated[0].time.start == date(2014, 1, 1)
    X.EAGER_TIMES = True
    try:
        assert [repr(c) for c in extract(source_from_text(text, id="d"), RS)] == _claims(text)
    finally:
        X.EAGER_TIMES = False
