"""The value types every stage passes on: sources, sentences, time spans, claims, findings, reports.

Frozen, slotted attrs classes, validated where data enters. This module imports nothing of the
package, so every other room may use it. Dates are ``datetime.date``; intervals are **closed**
(``start <= end``, both days included) everywhere; offsets are Python ``str`` indices into the
source's decoded text (BOM removed, header lines included), half-open like slices, so
``source.text[start:end] == quote``.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import json
import re
from datetime import date
from operator import attrgetter as _attrgetter
from typing import Any, Iterable, Mapping, Optional, Tuple, Union

import attrs

__all__ = [
    "GRANULARITIES",
    "MODALITIES",
    "TIME_BASES",
    "SEVERITIES",
    "KINDS",
    "Diagnostic",
    "Source",
    "Sentence",
    "TimeSpan",
    "Claim",
    "Finding",
    "Report",
    "stable_hash",
    "SCHEMA_VERSION",
]

SCHEMA_VERSION = 1


#: above these sizes ``Source.line_col`` and ``Source.in_furniture`` use cached indexes (same answers)
_LONG_TEXT = 32768
_MANY_SPANS = 32


@functools.lru_cache(maxsize=4)
def _newlines(text: str) -> Tuple[int, ...]:
    """Offsets of every newline in ``text`` (cached: a long article asks once per claim)."""
    return tuple(m.start() for m in re.finditer("\n", text))


_SPAN_CACHE: list = [None]  # [(spans, starts, reach)]: keyed by identity, holding the spans alive


def _span_index(spans: Tuple[Tuple[int, int], ...]) -> Tuple[list, list]:
    """Span starts sorted, and the furthest end reached by the spans up to each of them."""
    hit = _SPAN_CACHE[0]
    if hit is not None and hit[0] is spans:
        return hit[1], hit[2]
    ordered = sorted(spans)
    starts = [a for a, _ in ordered]
    reach = []
    far = None
    for _, b in ordered:
        far = b if far is None or b > far else far
        reach.append(far)
    _SPAN_CACHE[0] = (spans, starts, reach)
    return starts, reach

#: Precision of a time span, finest first. ``range`` is an explicit interval ("between 2013 and
#: 2016", "the last 12 months"); ``unknown`` is an expression that could not be anchored.
GRANULARITIES = (
    "day",
    "week",
    "month",
    "season",
    "quarter",
    "half",
    "year",
    "financial_year",
    "range",
    "decade",
    "unknown",
)

#: fact: asserted as true; plan: intended or scheduled; prediction: expected or forecast;
#: reported: attributed to someone without the writer's endorsement; negated: asserted as not so.
MODALITIES = ("fact", "plan", "prediction", "reported", "negated")

#: How a claim got its time: written in its own sentence, carried over from an earlier anchor
#: ("since then"), taken as of the article's publication date, the article's estimated range, or none.
TIME_BASES = ("stated", "carried", "published", "estimated", "none")

SEVERITIES = ("error", "warning", "info")

#: Finding kinds, in the order reports list them (conflicts first).
KINDS = (
    "conflict",
    "anachronism",
    "lifecycle",
    "prediction",
    "transition",
    "refinement",
    "approximate_agreement",
    "agreement",
    "uncorroborated",
)


def stable_hash(*parts: object, length: int = 12) -> str:
    """A short, stable hex digest of ``parts`` (independent of run, platform and hash seed)."""
    h = hashlib.blake2b(digest_size=16)
    for p in parts:
        h.update(repr(p).encode("utf-8", "surrogatepass"))
        h.update(b"\x1f")
    return h.hexdigest()[:length]


def _check_span(instance: Any, attribute: "attrs.Attribute[Any]", value: Optional[Tuple[int, int]]) -> None:
    if value is None:
        return
    if len(value) != 2 or not (isinstance(value[0], int) and isinstance(value[1], int) and 0 <= value[0] <= value[1]):
        raise ValueError(f"{attribute.name} must be (start, end) with 0 <= start <= end, got {value!r}")


def _one_of(choices: Tuple[str, ...]) -> Any:
    def check(instance: Any, attribute: "attrs.Attribute[Any]", value: str) -> None:
        if value not in choices:
            raise ValueError(f"{attribute.name} must be one of {', '.join(choices)}; got {value!r}")

    return check


def _iso(d: Optional[date]) -> Optional[str]:
    return d.isoformat() if d is not None else None


# Pickling: claims, sources and findings cross process boundaries by the tens of thousands (the
# process pool, Dask's shuffle). attrs pickles a slotted class as a {name: value} dict set back
# field by field through a generic loop; a tuple of the field values, set back through the slots'
# own descriptors, costs about half (measured on claims, both ways). Same objects either way:
# no validator or converter runs again (they ran when the object was made), as with attrs' own.
_PICKLE_PLANS: dict = {}


def _pickle_plan(cls: type) -> Tuple[Any, Tuple[Any, ...], Tuple[Any, ...]]:
    plan = _PICKLE_PLANS.get(cls)
    if plan is None:
        fields = attrs.fields(cls)
        names = tuple(f.name for f in fields)
        getter = (lambda obj, _n=names[0]: (getattr(obj, _n),)) if len(names) == 1 else _attrgetter(*names)
        setters = tuple(getattr(cls, n).__set__ for n in names)  # the slots' member descriptors
        plan = _PICKLE_PLANS[cls] = (getter, setters, fields)
    return plan


def _reduce_fields(self: Any) -> Tuple[Any, Tuple[Any, ...]]:
    cls = type(self)
    return (_from_fields, (cls, (_PICKLE_PLANS.get(cls) or _pickle_plan(cls))[0](self)))


def _from_fields(cls: type, values: Tuple[Any, ...]) -> Any:
    """Rebuild a pickled value. A tuple from a version with fewer fields (fields are only ever
    added, with defaults) gets the defaults of the fields it lacks."""
    _, setters, fields = _PICKLE_PLANS.get(cls) or _pickle_plan(cls)
    obj = object.__new__(cls)
    for put, v in zip(setters, values):
        put(obj, v)
    if len(values) < len(setters):
        for f, put in zip(fields[len(values):], setters[len(values):]):
            d = f.default
            put(obj, d.factory() if isinstance(d, attrs.Factory) else d)  # type: ignore[attr-defined]
    return obj


@attrs.frozen(slots=True)
class Diagnostic:
    """A problem with one input (skipped file, undated article, bad rule pack): what, where, the fix."""

    path: str
    message: str
    level: str = attrs.field(default="error", validator=_one_of(("error", "warning", "info")))
    line: Optional[int] = None

    __reduce__ = _reduce_fields  # compact pickling (see _from_fields)

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.level}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "level": self.level, "message": self.message}


@attrs.frozen(slots=True)
class Source:
    """One article: its id (file stem), where it came from, its decoded text and metadata.

    ``published`` is the dateline or header date; when there is none it is ``None`` and
    ``published_range`` may hold a closed range inferred from the text, with ``published_basis``
    saying how it was inferred. ``furniture`` lists spans of page furniture (navigation,
    subscription blurbs, repeated captions) that extraction must skip. ``body_start`` is the
    offset after header/title/dateline lines.
    """

    id: str
    path: str
    text: str
    title: str = ""
    published: Optional[date] = None
    published_range: Optional[Tuple[date, date]] = None
    published_basis: str = ""
    url: Optional[str] = None
    encoding: str = "utf-8"
    body_start: int = 0
    furniture: Tuple[Tuple[int, int], ...] = ()
    digest: str = ""

    __reduce__ = _reduce_fields  # compact pickling (see _from_fields)

    def __attrs_post_init__(self) -> None:
        if self.published_range is not None and self.published_range[0] > self.published_range[1]:
            raise ValueError(f"published_range of {self.id} ends before it starts: {self.published_range}")

    @property
    def date_range(self) -> Optional[Tuple[date, date]]:
        """The closed interval the article was published in: the day itself, or the estimate."""
        if self.published is not None:
            return (self.published, self.published)
        return self.published_range

    def line_col(self, offset: int) -> Tuple[int, int]:
        """1-based line and column of ``offset`` in ``text``."""
        text = self.text
        if len(text) > _LONG_TEXT and 0 <= offset <= len(text):
            nl = _newlines(text)  # a long text: bisect its cached newline offsets, not a count per call
            i = bisect.bisect_left(nl, offset)  # newlines before ``offset``
            return i + 1, offset - (nl[i - 1] + 1 if i else 0) + 1
        line = text.count("\n", 0, offset) + 1
        col = offset - (text.rfind("\n", 0, offset) + 1) + 1
        return line, col

    def in_furniture(self, start: int, end: int) -> bool:
        furniture = self.furniture
        if len(furniture) > _MANY_SPANS:
            starts, reach = _span_index(furniture)
            k = bisect.bisect_left(starts, end)  # spans starting before ``end``
            return k > 0 and reach[k - 1] > start
        return any(s < end and start < e for s, e in furniture)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "path": self.path,
            "title": self.title,
            "published": _iso(self.published),
            "published_range": [_iso(self.published_range[0]), _iso(self.published_range[1])]
            if self.published_range
            else None,
            "published_basis": self.published_basis,
            "url": self.url,
        }


@attrs.frozen(slots=True)
class Sentence:
    """A sentence (or bullet, heading, caption line) with its exact offsets in the source text."""

    start: int
    end: int
    text: str
    paragraph: int = 0
    kind: str = "sentence"  # sentence | heading | bullet | quote

    def __attrs_post_init__(self) -> None:
        if not 0 <= self.start <= self.end or len(self.text) != self.end - self.start:
            raise ValueError(f"sentence offsets ({self.start}, {self.end}) do not match its text")


@attrs.frozen(slots=True)
class TimeSpan:
    """A time expression normalised to a closed interval of days, keeping the precision written.

    ``start``/``end`` are ``None`` when the expression could not be anchored (e.g. a relative
    time in an undated article); ``text`` and ``span`` still say what was written and where.
    ``modifier`` keeps qualifiers that change meaning: before, after, by, since, until, about,
    more than, early, mid, late. ``anchor`` says what it was resolved against: absolute,
    published, estimated (an undated article's inferred range), previous (an earlier time in
    the text), or unresolved.
    """

    start: Optional[date]
    end: Optional[date]
    granularity: str = attrs.field(validator=_one_of(GRANULARITIES))
    text: str = ""
    span: Optional[Tuple[int, int]] = attrs.field(default=None, validator=_check_span)
    approximate: bool = False
    modifier: Optional[str] = None
    anchor: str = "absolute"

    __reduce__ = _reduce_fields  # compact pickling (see _from_fields)

    def __attrs_post_init__(self) -> None:
        if (self.start is None) != (self.end is None):
            raise ValueError("a TimeSpan has both start and end, or neither")
        if self.start is not None and self.end is not None and self.start > self.end:
            raise ValueError(f"TimeSpan {self.text!r} ends ({self.end}) before it starts ({self.start})")

    @property
    def resolved(self) -> bool:
        return self.start is not None

    def overlaps(self, other: "TimeSpan") -> bool:
        """Closed-interval overlap; unresolved spans overlap nothing."""
        if self.start is None or other.start is None:
            return False
        assert self.end is not None and other.end is not None
        return self.start <= other.end and other.start <= self.end

    def contains(self, other: "TimeSpan") -> bool:
        if self.start is None or other.start is None:
            return False
        assert self.end is not None and other.end is not None
        return self.start <= other.start and other.end <= self.end

    @property
    def days(self) -> Optional[int]:
        if self.start is None or self.end is None:
            return None
        return (self.end - self.start).days + 1

    def label(self) -> str:
        """A short human label: the written text with the interval it was read as."""
        if self.start is None:
            return f"{self.text!r} (unresolved)"
        if self.start == self.end:
            iv = self.start.isoformat()
        else:
            iv = f"{_iso(self.start)}..{_iso(self.end)}"
        return f"{self.text} [{iv}]" if self.text else iv

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": _iso(self.start),
            "end": _iso(self.end),
            "granularity": self.granularity,
            "text": self.text,
            "span": list(self.span) if self.span else None,
            "approximate": self.approximate,
            "modifier": self.modifier,
            "anchor": self.anchor,
        }


Value = Union[str, float, int, None]


def _norm_value(v: Value) -> Value:
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


@attrs.frozen(slots=True)
class Claim:
    """One dated factual claim an article makes, with the exact quote it rests on.

    ``subject`` is canonical (resolved through the rule packs' aliases); ``predicate`` names an
    attribute of a rule pack; ``value`` is the canonical value (a scale step, a lifecycle state,
    an event name, a role, or a number with ``unit``). ``qualifier`` keeps hedges that widen a
    number's tolerance (about, almost, more than). ``direction`` keeps change words from the
    text (up, down, again, no_longer, new) that transition checks verify. ``published`` and
    ``published_range`` travel with the claim so checks need no source lookup.
    """

    source: str
    subject: str
    predicate: str
    value: Value = attrs.field(converter=_norm_value)
    quote: str
    span: Tuple[int, int] = attrs.field(validator=_check_span)
    time: Optional[TimeSpan] = None
    time_basis: str = attrs.field(default="none", validator=_one_of(TIME_BASES))
    modality: str = attrs.field(default="fact", validator=_one_of(MODALITIES))
    speaker: Optional[str] = None
    unit: Optional[str] = None
    qualifier: Optional[str] = None
    direction: Optional[str] = None
    rule: str = ""
    confidence: float = 1.0
    published: Optional[date] = None
    published_range: Optional[Tuple[date, date]] = None
    line: int = 0
    column: int = 0

    __reduce__ = _reduce_fields  # compact pickling (see _from_fields)

    def __attrs_post_init__(self) -> None:
        if len(self.quote) != self.span[1] - self.span[0]:
            raise ValueError(f"claim quote length {len(self.quote)} does not match span {self.span}")
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence must be within [0, 1], got {self.confidence}")

    @property
    def key(self) -> str:
        """Identity that survives edits elsewhere in the document: no offsets, no confidence."""
        return stable_hash(self.source, self.subject, self.predicate, self.value, self.unit, self.modality, self.quote)

    @property
    def id(self) -> str:
        """Unique within a report: the key plus where the quote starts (a line may repeat)."""
        return "c" + stable_hash(self.key, self.span[0], length=11)

    @property
    def block(self) -> Tuple[str, str]:
        """The engine's blocking key: claims are only ever compared within one block."""
        return (self.subject, self.predicate)

    @property
    def when(self) -> Optional[Tuple[date, date]]:
        """The claim's interval, if resolved."""
        if self.time is None or self.time.start is None or self.time.end is None:
            return None
        return (self.time.start, self.time.end)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "key": self.key,
            "source": self.source,
            "subject": self.subject,
            "predicate": self.predicate,
            "value": self.value,
            "unit": self.unit,
            "qualifier": self.qualifier,
            "direction": self.direction,
            "time": self.time.to_dict() if self.time else None,
            "time_basis": self.time_basis,
            "modality": self.modality,
            "speaker": self.speaker,
            "quote": self.quote,
            "span": list(self.span),
            "line": self.line,
            "column": self.column,
            "rule": self.rule,
            "confidence": round(self.confidence, 3),
        }


@attrs.frozen(slots=True)
class Finding:
    """What a check concluded from some claims, and why, in a sentence a reader can trust.

    ``id`` is stable across runs: a hash of the check id and the sorted claim keys, so a baseline
    keeps matching while unrelated text changes.
    """

    rule: str
    kind: str = attrs.field(validator=_one_of(KINDS))
    severity: str = attrs.field(validator=_one_of(SEVERITIES))
    subject: str
    predicate: str
    claims: Tuple[str, ...]
    sources: Tuple[str, ...]
    message: str
    id: str = ""
    claim_keys: Tuple[str, ...] = ()
    detail: str = ""  # e.g. lifecycle outcome "fulfilled", "reversed", "revived"

    __reduce__ = _reduce_fields  # compact pickling (see _from_fields)

    def __attrs_post_init__(self) -> None:
        if not self.id:
            object.__setattr__(self, "id", "F" + stable_hash(self.rule, *sorted(self.claim_keys or self.claims), length=11))

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "rule": self.rule,
            "kind": self.kind,
            "severity": self.severity,
            "subject": self.subject,
            "predicate": self.predicate,
            "claims": list(self.claims),
            "sources": list(self.sources),
            "message": self.message,
            "detail": self.detail,
        }


def _claim_order(c: Claim) -> Tuple[Any, ...]:
    return (c.source, c.span[0], c.span[1], c.predicate, c.subject, str(c.value))


_SEV = {s: i for i, s in enumerate(SEVERITIES)}
_KIND = {k: i for i, k in enumerate(KINDS)}


def finding_order(f: Finding) -> Tuple[Any, ...]:
    """Conflicts first, then by severity, subject, predicate and id: a total, stable order."""
    return (_KIND[f.kind], _SEV[f.severity], f.subject, f.predicate, f.rule, f.id)


@attrs.frozen(slots=True)
class Report:
    """Everything one run produced. Sorted on construction, so equal inputs give equal reports."""

    sources: Tuple[Source, ...] = attrs.field(converter=lambda xs: tuple(sorted(xs, key=lambda s: s.id)))
    claims: Tuple[Claim, ...] = attrs.field(converter=lambda xs: tuple(sorted(xs, key=_claim_order)))
    findings: Tuple[Finding, ...] = attrs.field(converter=lambda xs: tuple(sorted(xs, key=finding_order)))
    diagnostics: Tuple[Diagnostic, ...] = attrs.field(
        default=(), converter=lambda xs: tuple(sorted(xs, key=lambda d: (d.path, d.line or 0, d.message)))
    )

    def source(self, source_id: str) -> Source:
        for s in self.sources:
            if s.id == source_id:
                return s
        raise KeyError(f"no source with id {source_id!r}")

    def claim_index(self) -> Mapping[str, Claim]:
        return {c.id: c for c in self.claims}

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON contract (version 1); later versions only add keys."""
        return {
            "version": SCHEMA_VERSION,
            "sources": [s.to_dict() for s in self.sources],
            "claims": [c.to_dict() for c in self.claims],
            "findings": [f.to_dict() for f in self.findings],
            "diagnostics": [d.to_dict() for d in self.diagnostics],
        }

    def to_json(self, indent: Optional[int] = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, sort_keys=False) + "\n"

    def to_html(self) -> str:
        """The self-contained visual report (see :mod:`consistency.formats.html`)."""
        from .formats import render  # deferred: formats sit downstream of the model

        return render(self, "html")


def sorted_claims(claims: Iterable[Claim]) -> list[Claim]:
    return sorted(claims, key=_claim_order)
