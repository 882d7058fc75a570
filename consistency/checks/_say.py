"""How findings quote claims: the value, when (as written, at its precision), the source and a
short exact excerpt of the sentence around the value, so a message stands without the JSON."""

from __future__ import annotations

import calendar
import re
from datetime import date
from itertools import islice
from typing import Iterable, List, Optional, Sequence

from ..model import Claim
from ..rulepack import Attribute

__all__ = ["about", "when", "value_text", "snippet", "cite", "cite_group", "day", "join_and"]

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_WS = re.compile(r"\s+")
QUOTE_WIDTH = 80


def day(d: date) -> str:
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def _month(d: date) -> str:
    return f"{_MONTHS[d.month - 1]} {d.year}"


def _span_label(start: date, end: date, granularity: str, text: str) -> str:
    if start == end and granularity in ("day", "range", "week"):
        return day(start)
    whole_years = start.month == 1 and start.day == 1 and end.month == 12 and end.day == 31
    if granularity == "month" or (
        not text and start.year == end.year and start.month == end.month and start.day == 1 and end.day == calendar.monthrange(end.year, end.month)[1]
    ):
        return _month(start)
    if whole_years and (granularity in ("year", "decade") or not text):
        return str(start.year) if start.year == end.year else f"{start.year}-{end.year}"
    iv = f"{start.isoformat()}..{end.isoformat()}"
    return f"{text} ({iv})" if text and text != iv else iv


def when(c: Claim) -> str:
    """The claim's time for a reader: "October 2013", "2016", "as of 27 April 2016", "undated"."""
    t = c.time
    if t is None or t.start is None or t.end is None:
        if c.published is not None:
            return f"undated, reported {day(c.published)}"
        if c.published_range is not None:
            return f"undated, reported about {c.published_range[0].year}"
        return "undated"
    if c.time_basis == "published":
        return f"as of {day(t.start)}" if t.start == t.end else f"as of {_span_label(t.start, t.end, t.granularity, '')}"
    if c.time_basis == "estimated":
        return f"as of about {_span_label(t.start, t.end, t.granularity, '')} (estimated date)"
    label = _span_label(t.start, t.end, t.granularity, t.text)
    if t.modifier and t.modifier not in label.lower():
        label = f"{t.modifier} {label}"
    return label


def value_text(c: Claim) -> str:
    """The value as a reader says it: "about 40 %", "not inadequate", "planned: set up"."""
    v = c.value
    s = f"{v:g}" if isinstance(v, float) else str(v)
    if c.unit and c.unit not in ("count", "number"):
        s = f"{s} {c.unit}" if c.unit not in ("%",) else f"{s}{c.unit}"
    if c.qualifier and c.qualifier.lower() not in ("not", "no", "never", "negated", "no longer"):
        s = f"{c.qualifier} {s}"
    if c.modality == "negated" or (c.qualifier or "").lower() in ("not", "no", "never", "negated", "no longer"):
        s = f"not {s}"
    if c.modality == "plan":
        s = f"plan: {s}"
    elif c.modality == "prediction":
        s = f"forecast: {s}"
    return s


def snippet(c: Claim, attribute: Optional[Attribute] = None, width: int = QUOTE_WIDTH) -> str:
    """At most ~``width`` characters of the quote around the value, cut at word edges, with "…"."""
    q = c.quote
    if "\n" in q or "  " in q or "\t" in q or "\r" in q:
        q = _WS.sub(" ", q)
    q = q.strip()
    if len(q) <= width:
        return q
    low = q.lower()
    needles: List[str] = []
    if attribute is not None:
        needles.extend(attribute.synonyms_of(str(c.value)) if hasattr(attribute, "synonyms_of") else ())
    v = c.value
    needles.append(f"{v:g}" if isinstance(v, float) else str(v))
    pos = -1
    length = 0
    for n in sorted({n for n in needles if n}, key=lambda n: (-len(n), n)):
        i = low.find(n.lower())
        if i >= 0:
            pos, length = i, len(n)
            break
    if pos < 0:
        pos, length = 0, 0
    centre = pos + length // 2
    start = max(0, centre - width // 2)
    end = min(len(q), start + width)
    start = max(0, end - width)
    if start > 0:
        sp = q.find(" ", start)
        if 0 <= sp < pos:
            start = sp + 1
    if end < len(q):
        sp = q.rfind(" ", pos + length, end)
        if sp > pos:
            end = sp
    out = q[start:end].strip()
    return ("…" if start > 0 else "") + out + ("…" if end < len(q) else "")


def cite(c: Claim, attribute: Optional[Attribute] = None, *, with_value: bool = True) -> str:
    """``value (when, source: "excerpt")``."""
    inner = f'{when(c)}, {c.source}: "{snippet(c, attribute)}"'
    return f"{value_text(c)} ({inner})" if with_value else f"({inner})"


def cite_group(
    claims: Sequence[Claim], attribute: Optional[Attribute] = None, *, with_value: bool = True, quotes: int = 2
) -> str:
    """The first claim (and the first from another source, when ``quotes`` is 2) quoted, the
    others of the group named by source and time."""
    first = claims[0]
    head = cite(first, attribute, with_value=with_value)
    rest = []
    seen = {(first.source, when(first))}
    second = next((c for c in islice(claims, 1, 256) if c.source != first.source), None) if quotes > 1 else None
    if second is not None:
        seen.add((second.source, when(second)))
        if with_value and str(second.value) != str(first.value):
            head += "; " + cite(second, attribute)
        else:
            head += f'; {second.source} ({when(second)}: "{snippet(second, attribute)}")'
    more = 0
    for n, c in enumerate(islice(claims, 1, None), start=1):
        if len(rest) >= 4:
            more = len(claims) - n  # counted, not described: keeps long groups cheap
            break
        w = when(c)
        k = (c.source, w)
        if k in seen:
            continue
        seen.add(k)
        rest.append(f"{c.source} ({w})")
    if more:
        rest.append(f"{more} more claim{'s' if more > 1 else ''}")
    if rest:
        head += "; also " + join_and(rest)
    return head


def join_and(items: Iterable[str]) -> str:
    xs = list(items)
    if len(xs) <= 1:
        return "".join(xs)
    return ", ".join(xs[:-1]) + " and " + xs[-1]


def about(subject: str, attribute: Attribute) -> str:
    """The message head: "Anyshire County Council, rating"."""
    return f"{subject}, {attribute.label or attribute.name}"
