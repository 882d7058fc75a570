"""The value types: validation where data enters, interval logic, stable ids, deterministic reports."""

from __future__ import annotations

import json
from datetime import date

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from consistency.model import Claim, Diagnostic, Finding, Report, Source, TimeSpan, stable_hash


def span(a: date, b: date, g: str = "range") -> TimeSpan:
    return TimeSpan(a, b, g, text="x")


def test_timespan_rejects_end_before_start():
    with pytest.raises(ValueError, match="ends"):
        TimeSpan(date(2016, 2, 1), date(2016, 1, 1), "range")


def test_timespan_needs_both_ends_or_neither():
    with pytest.raises(ValueError):
        TimeSpan(date(2016, 2, 1), None, "day")


def test_timespan_rejects_unknown_granularity():
    with pytest.raises(ValueError, match="granularity"):
        TimeSpan(date(2016, 2, 1), date(2016, 2, 1), "fortnightish")


def test_year_contains_month_and_overlap_is_closed():
    year = span(date(2013, 1, 1), date(2013, 12, 31), "year")
    october = span(date(2013, 10, 1), date(2013, 10, 31), "month")
    nextday = span(date(2014, 1, 1), date(2014, 1, 1), "day")
    lastday = span(date(2013, 12, 31), date(2013, 12, 31), "day")
    assert year.contains(october) and not october.contains(year)
    assert year.overlaps(lastday)  # closed: the last day counts
    assert not year.overlaps(nextday)


def test_unresolved_span_overlaps_nothing():
    unresolved = TimeSpan(None, None, "unknown", text="later this year", anchor="unresolved")
    year = span(date(2013, 1, 1), date(2013, 12, 31), "year")
    assert not unresolved.resolved
    assert not unresolved.overlaps(year) and not year.overlaps(unresolved)


def make_claim(**kw) -> Claim:
    base = dict(source="a", subject="X Council", predicate="rating", value="good", quote="rated good", span=(10, 20))
    base.update(kw)
    return Claim(**base)


def test_claim_quote_must_match_span_length():
    with pytest.raises(ValueError, match="span"):
        make_claim(quote="rated good", span=(10, 12))


def test_claim_rejects_unknown_modality():
    with pytest.raises(ValueError, match="modality"):
        make_claim(modality="rumour")


def test_claim_value_integral_float_normalised():
    assert make_claim(value=40.0).value == 40
    assert make_claim(value=39.5).value == 39.5


def test_claim_key_ignores_offsets_but_id_does_not():
    a = make_claim(span=(10, 20))
    b = make_claim(span=(110, 120))
    assert a.key == b.key
    assert a.id != b.id


def test_finding_id_stable_under_claim_order():
    f1 = Finding(rule="agreement", kind="agreement", severity="info", subject="s", predicate="p",
                 claims=("c1", "c2"), sources=("a", "b"), message="m", claim_keys=("k1", "k2"))
    f2 = Finding(rule="agreement", kind="agreement", severity="info", subject="s", predicate="p",
                 claims=("c2", "c1"), sources=("a", "b"), message="m (reworded)", claim_keys=("k2", "k1"))
    assert f1.id == f2.id and f1.id.startswith("F")
    f3 = attrs.evolve(f1, rule="refinement", id="")
    assert f3.id != f1.id


def test_report_is_sorted_whatever_the_input_order():
    s1 = Source(id="b", path="b.txt", text="t")
    s2 = Source(id="a", path="a.txt", text="t")
    c1, c2 = make_claim(source="b"), make_claim(source="a")
    f_agree = Finding(rule="agreement", kind="agreement", severity="info", subject="s", predicate="p",
                      claims=("x",), sources=("a",), message="m")
    f_conf = Finding(rule="value-conflict", kind="conflict", severity="error", subject="s", predicate="p",
                     claims=("y",), sources=("a",), message="m")
    r1 = Report(sources=[s1, s2], claims=[c1, c2], findings=[f_agree, f_conf])
    r2 = Report(sources=[s2, s1], claims=[c2, c1], findings=[f_conf, f_agree])
    assert r1.to_json() == r2.to_json()
    assert [f.kind for f in r1.findings] == ["conflict", "agreement"]
    doc = json.loads(r1.to_json())
    assert doc["version"] == 1 and [s["id"] for s in doc["sources"]] == ["a", "b"]
    assert set(doc["claims"][0]) >= {"id", "source", "subject", "predicate", "value", "time", "modality",
                                      "speaker", "quote", "span"}


def test_source_line_col_and_range_validation():
    s = Source(id="a", path="a.txt", text="one\ntwo three\n")
    assert s.line_col(0) == (1, 1)
    assert s.line_col(8) == (2, 5)
    with pytest.raises(ValueError):
        Source(id="a", path="a", text="", published_range=(date(2015, 1, 1), date(2014, 1, 1)))


def test_diagnostic_str_names_path_and_line():
    assert str(Diagnostic("rules/x.toml", "bad key", line=3)) == "rules/x.toml:3: error: bad key"


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=5), st.integers(), st.none()), max_size=5))
def test_stable_hash_is_deterministic_and_hex(parts):
    h = stable_hash(*parts)
    assert h == stable_hash(*parts) and len(h) == 12 and int(h, 16) >= 0


@settings(max_examples=150, deadline=None)
@given(st.dates(), st.dates(), st.dates(), st.dates())
def test_overlap_is_symmetric_and_containment_implies_overlap(a, b, c, d):
    x = span(min(a, b), max(a, b))
    y = span(min(c, d), max(c, d))
    assert x.overlaps(y) == y.overlaps(x)
    if x.contains(y):
        assert x.overlaps(y)
