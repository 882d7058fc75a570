"""The value types cross process boundaries (process pool, Dask) pickled as tuples of their fields
(model._reduce_fields): a round trip gives an equal object of the same type with the same ids,
whatever the field values; pickles in attrs' own format (a {name: value} state) still load."""

from __future__ import annotations

import copy
import copyreg
import io
import pickle
from datetime import date

import attrs
from hypothesis import given, settings, strategies as st

from consistency import model
from consistency.model import Claim, Diagnostic, Finding, Source, TimeSpan

_text = st.text(max_size=40)
_opt_text = st.none() | _text
_dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))


@st.composite
def _date_pair(draw):
    a, b = sorted((draw(_dates), draw(_dates)))
    return (a, b)


@st.composite
def timespans(draw):
    resolved = draw(st.booleans())
    start, end = draw(_date_pair()) if resolved else (None, None)
    a = draw(st.integers(0, 500))
    return TimeSpan(start, end, draw(st.sampled_from(model.GRANULARITIES)), text=draw(_text),
                    span=draw(st.none() | st.just((a, a + draw(st.integers(0, 50))))),
                    approximate=draw(st.booleans()), modifier=draw(_opt_text),
                    anchor=draw(st.sampled_from(["absolute", "published", "previous", "unresolved"])))


@st.composite
def claims(draw):
    quote = draw(st.text(min_size=1, max_size=60))
    start = draw(st.integers(0, 10_000))
    return Claim(
        source=draw(_text), subject=draw(_text), predicate=draw(_text),
        value=draw(st.none() | _text | st.integers(-10**6, 10**6) | st.floats(allow_nan=False, allow_infinity=False)),
        quote=quote, span=(start, start + len(quote)), time=draw(st.none() | timespans()),
        time_basis=draw(st.sampled_from(model.TIME_BASES)), modality=draw(st.sampled_from(model.MODALITIES)),
        speaker=draw(_opt_text), unit=draw(_opt_text), qualifier=draw(_opt_text), direction=draw(_opt_text),
        rule=draw(_text), confidence=draw(st.floats(0, 1)), published=draw(st.none() | _dates),
        published_range=draw(st.none() | _date_pair()), line=draw(st.integers(0, 999)),
        column=draw(st.integers(0, 999)),
    )


@st.composite
def sources(draw):
    return Source(id=draw(_text), path=draw(_text), text=draw(st.text(max_size=300)), title=draw(_text),
                  published=draw(st.none() | _dates), published_range=draw(st.none() | _date_pair()),
                  published_basis=draw(_text), url=draw(_opt_text), body_start=draw(st.integers(0, 99)),
                  furniture=tuple(draw(st.lists(st.tuples(st.integers(0, 9), st.integers(10, 99)), max_size=3))),
                  digest=draw(_text))


@st.composite
def findings(draw):
    ids = tuple(draw(st.lists(_text, min_size=1, max_size=4)))
    return Finding(rule=draw(_text), kind=draw(st.sampled_from(model.KINDS)),
                   severity=draw(st.sampled_from(model.SEVERITIES)), subject=draw(_text), predicate=draw(_text),
                   claims=ids, sources=tuple(draw(st.lists(_text, max_size=3))), message=draw(_text),
                   id=draw(st.sampled_from(["", "Fabc"])), claim_keys=ids, detail=draw(_text))


diagnostics = st.builds(Diagnostic, _text, _text, st.sampled_from(["error", "warning", "info"]),
                        st.none() | st.integers(1, 999))
values = claims() | sources() | findings() | timespans() | diagnostics


def _same(a, b) -> None:
    assert type(a) is type(b)
    assert a == b and hash(a) == hash(b)
    for f in attrs.fields(type(a)):  # field by field, with types (1 and 1.0 compare equal)
        x, y = getattr(a, f.name), getattr(b, f.name)
        assert type(x) is type(y) and x == y, f.name


@settings(max_examples=150, deadline=None)
@given(values, st.integers(2, pickle.HIGHEST_PROTOCOL))
def test_round_trip_gives_an_equal_value(obj, protocol):
    back = pickle.loads(pickle.dumps(obj, protocol=protocol))
    _same(back, obj)
    if isinstance(obj, Claim):
        assert (back.id, back.key, back.block) == (obj.id, obj.key, obj.block)
    _same(copy.copy(obj), obj)
    _same(copy.deepcopy(obj), obj)


@settings(max_examples=60, deadline=None)
@given(st.lists(claims(), max_size=20))
def test_a_list_of_claims_round_trips_in_order(cs):
    assert pickle.loads(pickle.dumps(cs, protocol=pickle.HIGHEST_PROTOCOL)) == cs


def _attrs_format(obj) -> bytes:
    """A pickle as attrs writes it without model's __reduce__: __newobj__ + {name: value} state."""

    class Old(pickle.Pickler):
        def reducer_override(self, o):
            if attrs.has(type(o)):
                return (copyreg.__newobj__, (type(o),), o.__getstate__())
            return NotImplemented

    buf = io.BytesIO()
    Old(buf, protocol=pickle.HIGHEST_PROTOCOL).dump(obj)
    return buf.getvalue()


@settings(max_examples=80, deadline=None)
@given(values)
def test_pickles_in_attrs_format_still_load(obj):
    data = _attrs_format(obj)
    assert b"_from_fields" not in data  # really the old format
    _same(pickle.loads(data), obj)


def test_new_format_is_smaller_and_names_no_field():
    c = Claim("s1", "Anyshire Council", "rating", "good", "rated good", (0, 10),
              time=TimeSpan(date(2016, 1, 1), date(2016, 12, 31), "year", "2016"))
    new, old = pickle.dumps(c, protocol=5), _attrs_format(c)
    assert len(new) < len(old)
    assert b"published_range" in old and b"published_range" not in new


def test_a_tuple_from_an_older_version_gets_the_defaults_of_missing_fields():
    """Fields are only ever added (with defaults): a shorter tuple still rebuilds."""
    d = model._from_fields(Diagnostic, ("a.txt", "no date"))
    _same(d, Diagnostic("a.txt", "no date"))
    c = Claim("s1", "X", "rating", "good", "rated good", (3, 13), line=4, column=2)
    values = model._pickle_plan(Claim)[0](c)
    _same(model._from_fields(Claim, values[:-2]), attrs.evolve(c, line=0, column=0))
