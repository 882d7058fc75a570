"""Finding claims in a report by what they say: shared by the tests on invented articles."""

from __future__ import annotations

from typing import List, Optional

from consistency.model import Claim


def find(claims, source: Optional[str] = None, subject: str = "", predicate: Optional[str] = None,
         value=None, quote: str = "") -> List[Claim]:
    """Claims matching every given field (``subject`` and ``quote`` by substring)."""
    out = []
    for c in claims:
        if source is not None and c.source != source:
            continue
        if subject not in c.subject or predicate is not None and c.predicate != predicate:
            continue
        if value is not None and (c.value != value if isinstance(value, (int, float)) else str(c.value) != value):
            continue
        if quote not in c.quote:
            continue
        out.append(c)
    return out


def one(claims, **kw) -> Claim:
    """The single claim matching ``kw``; the assertion lists what matched otherwise."""
    got = find(claims, **kw)
    assert len(got) == 1, (kw, [(c.subject, c.predicate, c.value, c.time and c.time.label()) for c in got])
    return got[0]


def start(c: Claim) -> str:
    """The first day of a claim's time, as ISO text, or "" when it has none."""
    return str(c.time.start) if c.time is not None and c.time.start is not None else ""
