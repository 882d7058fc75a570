"""Publication range of undated articles, inferred from their own text (pitfall 6)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from consistency import dating, sentences
from consistency.model import Source

D = date.fromisoformat
SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def _source(text: str, **kw) -> Source:
    return Source(id="t", path="<t>", text=text, **kw)


def _estimate(text: str, **kw):
    src = _source(text, **kw)
    return dating.estimate(src, sentences.segment(src))


EVENT_OFFSET = """Glenmoor care homes still short of nurses, council admits

Glenmoor District Council said on Tuesday that its care homes still rely heavily on agency nurses.

The admission came just over a year after regulators rated the homes as poor following an inspection in late 2016.

Since then, the council says it has recruited 40 permanent staff and is opening a training centre later this year.

Managers blamed the inspection last year for a rise in staff turnover.
"""

PIN_AND_FUTURE = """Harwood Police to merge control rooms

Harwood Police was rated inadequate for its call handling in 2019, inspectors found.

The force will merge its two control rooms by March 2021, the chief constable said.

She said the review this year had shown the scale of the problem, and that the 2019 review had been fair.
"""

NOTHING = """Council pleased with progress

The council said it was pleased with the progress made by its teams.

Staff morale is improving, according to the union, and more training is planned.
"""

LOWER_ONLY = """Prison still failing

Inspectors rated Ferrybridge prison as poor in 2015.

The governor said staff were working hard to improve conditions.
"""

CONFLICTING_PINS = """Trust faces fresh criticism

An inspection in 2014 found long waits at Dunmore General, and a review in 2016 found little change.

The inspection last year was the worst on record, and the review this year was not much better.

The trust will close its minor injuries unit by 2020.
"""

PIN_CONTRADICTED = """School improves

Kestrel Vale Academy had an inspection in 2012 that rated it weak.

In 2015 it joined a new trust, and results have risen since.

The head said the inspection last year had spurred change, and a new building will open by 2018.
"""


def test_seed_004_is_dated_to_2014():
    path = next(SEEDS.glob("004_*.txt"))
    src = _source(path.read_text(encoding="utf-8"))
    got = dating.estimate(src, sentences.segment(src))
    assert got is not None
    (start, end), basis = got
    assert D("2014-01-01") <= start <= end <= D("2014-12-31")
    assert "early 2013" in basis and "last year" in basis


def test_event_offset_and_pin_in_other_words():
    got = _estimate(EVENT_OFFSET)
    assert got is not None
    (start, end), basis = got
    # just over a year after late 2016 -> after September 2017; "the inspection last year" -> 2017
    assert (start, end) == (D("2017-09-01"), D("2017-12-31"))
    assert "'late 2016' + 'just over a year after'" in basis
    assert "inspection last year" in basis and "2017" in basis


def test_future_mention_gives_upper_bound_and_pin_gives_year():
    got = _estimate(PIN_AND_FUTURE)
    assert got is not None
    (start, end), basis = got
    assert (start, end) == (D("2019-01-01"), D("2019-12-31"))
    assert "review this year" in basis


def test_nothing_to_go_on_gives_none():
    assert _estimate(NOTHING) is None


def test_lower_bound_alone_is_not_a_range():
    # published some time after 2015: without an upper bound we do not guess one
    assert _estimate(LOWER_ONLY) is None


def test_conflicting_pins_are_ignored():
    got = _estimate(CONFLICTING_PINS)
    assert got is not None
    (start, end), basis = got
    assert (start, end) == (D("2016-01-01"), D("2020-12-31"))
    assert "ignored" in basis


def test_pin_contradicted_by_a_later_past_date_is_dropped():
    got = _estimate(PIN_CONTRADICTED)
    assert got is not None
    (start, end), basis = got
    assert (start, end) == (D("2015-01-01"), D("2018-12-31"))
    assert "contradicts" in basis


def test_dated_article_is_not_estimated():
    assert _estimate(EVENT_OFFSET, published=D("2017-10-02")) is None


def test_deterministic():
    a = _estimate(EVENT_OFFSET)
    b = _estimate(EVENT_OFFSET)
    assert a == b


@pytest.mark.parametrize("text", [EVENT_OFFSET, PIN_AND_FUTURE, CONFLICTING_PINS, PIN_CONTRADICTED])
def test_range_is_closed_and_consistent_with_past_mentions(text):
    (start, end), basis = _estimate(text)
    assert start <= end and basis


TOPIC_WORD_ONLY = """Ashgrove council under pressure

Ashgrove council was criticised by auditors in 2015.

Ashgrove council officers said the council budget last year was tight.

The council leader said the council will publish a new plan by 2019.

Council staff said the council had lost good people, and the council agreed.

Residents said the council should listen, and the council said it would.
"""


def test_topic_words_do_not_pin_a_year():
    # "council" is in every sentence: it links nothing, so 'budget last year' pins no year
    (start, end), basis = _estimate(TOPIC_WORD_ONLY)
    assert (start, end) == (D("2015-01-01"), D("2019-12-31"))
    assert "matches" not in basis


PAST_BY_AND_UNTIL = """Mill Lane unit history

The Mill Lane unit had closed by 2012, and the day centre stayed open until 2014.

A replacement hub will open by 2016, the trust said.
"""


def test_past_by_bounds_nothing_but_future_by_does():
    (start, end), basis = _estimate(PAST_BY_AND_UNTIL)
    # "until 2014" ended in the past -> on or after 2014; "will open by 2016" -> no later than 2016
    assert (start, end) == (D("2014-01-01"), D("2016-12-31"))
    assert "'until 2014'" in basis and "'by 2016'" in basis


from hypothesis import given, settings, strategies as st  # noqa: E402

_pieces = st.sampled_from(
    [
        "The unit closed in 2014.", "It will reopen by March 2019.", "The inspection last year was poor.",
        "An inspection in early 2016 found problems.", "Three years ago it was rated good.", "Since then it improved.",
        "Staff said on Friday they were worried.", "It will open later this year.", "Just over a year after 2015 it failed.",
        "No dates here at all.", "In May 2017 the chair quit.", "The council will merge by 2021.",
    ]
)


@settings(max_examples=100, deadline=None)
@given(st.lists(_pieces, max_size=8), st.text(max_size=80))
def test_property_estimate_is_sound(parts, noise):
    text = "Headline\n\n" + "\n\n".join(parts) + "\n\n" + noise
    got = _estimate(text)
    if got is not None:
        (start, end), basis = got
        assert start <= end and basis
        assert got == _estimate(text)
