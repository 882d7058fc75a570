"""Figures (quantity claims) made comparable: unit, hedge, measurement window, time.

Two figures are compared only when they share a unit, were reported within ``max_gap_days`` of
each other and do not state clearly different measurement windows ("in the last 12 months" against
"in the last quarter"). A figure without a stated window (a share "as of" the article's date) is
comparable with any window. Among comparable figures, those within the attribute's ``tolerance``
(plus ``hedge_tolerance`` when either is hedged: about, almost, approximately) agree approximately;
bounds ("more than 40") agree with anything on their side.
"""

from __future__ import annotations

import math
from typing import Dict, List, Optional, Sequence

import attrs

from ..model import Claim
from ..rulepack import Attribute
from ._block import Block, Interval

__all__ = ["Figure", "figure_groups", "unit_of"]

_UNITS = {"per cent": "%", "percent": "%", "pc": "%", "%": "%", "pct": "%"}
_LOWER = frozenset({"more than", "at least", "over", "above", "in excess of", "upwards of", "just over"})
_UPPER = frozenset({"less than", "up to", "under", "below", "fewer than", "at most", "as many as", "no more than"})
_STATED = frozenset({"stated", "carried"})


def unit_of(c: Claim) -> str:
    u = (c.unit or "").strip().lower()
    return _UNITS.get(u, u)


def _window_class(c: Claim, iv: Interval) -> Optional[int]:
    """Length class of a stated measurement window, None for a point or an as-of figure."""
    t = c.time
    if t is None or c.time_basis not in _STATED or t.granularity == "day":
        return None
    days = iv[1] - iv[0] + 1
    for i, limit in enumerate((10, 45, 100, 200, 400)):
        if days <= limit:
            return i
    return 5


@attrs.frozen(slots=True)
class Figure:
    claim: Claim
    iv: Interval
    value: float
    lo: float
    hi: float
    hedged: bool
    window: Optional[int]


def _figure(c: Claim, iv: Interval) -> Optional[Figure]:
    v = c.value
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        try:
            v = float(str(v).replace(",", ""))
        except ValueError:
            return None
    v = float(v)
    if math.isnan(v) or math.isinf(v):
        return None
    q = (c.qualifier or "").strip().lower()
    lo = hi = v
    hedged = False
    if q in _LOWER:
        hi = math.inf
    elif q in _UPPER:
        lo = -math.inf
    elif q:
        hedged = True
    return Figure(c, iv, v, lo, hi, hedged, _window_class(c, iv))


def allowed(attribute: Attribute, a: Figure, b: Figure) -> float:
    return attribute.tolerance + (attribute.hedge_tolerance if (a.hedged or b.hedged) else 0.0)


def distance(a: Figure, b: Figure) -> float:
    return max(0.0, b.lo - a.hi, a.lo - b.hi)


def _time_partitions(figs: List[Figure], gap: int) -> List[List[Figure]]:
    """Figures reported close enough in time to describe one measurement (anchored windows)."""
    out: List[List[Figure]] = []
    cur: List[Figure] = []
    anchor = 0
    for f in figs:  # in time order
        if cur and f.iv[0] <= anchor + gap:
            cur.append(f)
        else:
            if cur:
                out.append(cur)
            cur = [f]
            anchor = f.iv[1]
    if cur:
        out.append(cur)
    # clearly different stated windows are not comparable; as-of figures go with each window
    split: List[List[Figure]] = []
    for part in out:
        classes = sorted({f.window for f in part if f.window is not None})
        if len(classes) <= 1:
            split.append(part)
            continue
        for k in classes:
            split.append([f for f in part if f.window is None or f.window == k])
    return split


def _value_groups(attribute: Attribute, part: Sequence[Figure]) -> List[List[Figure]]:
    """Figures within tolerance of each group's first (lowest) figure; bounds join the first
    group they fit."""
    points = sorted((f for f in part if not (math.isinf(f.lo) or math.isinf(f.hi))), key=lambda f: (f.value, f.claim.source))
    bounds = [f for f in part if math.isinf(f.lo) or math.isinf(f.hi)]
    groups: List[List[Figure]] = []
    for f in points:
        if groups and f.value - groups[-1][0].value <= allowed(attribute, groups[-1][0], f) + 1e-9:
            groups[-1].append(f)
        else:
            groups.append([f])
    for b in bounds[:256]:  # bounded work on huge blocks; the rest stand alone
        for g in groups:
            if all(distance(b, f) <= allowed(attribute, b, f) + 1e-9 for f in g):
                g.append(b)
                break
        else:
            groups.append([b])
    groups.extend([b] for b in bounds[256:])
    return groups


def figure_groups(block: Block, attribute: Attribute, gap: int) -> List[List[List[Figure]]]:
    """For each comparable partition of the block's dated figures: its groups of figures that
    agree within tolerance. Cached per block and gap."""

    def make() -> List[List[List[Figure]]]:
        by_unit: Dict[str, List[Figure]] = {}
        for iv, c in block.dated_facts():
            f = _figure(c, iv)
            if f is not None:
                by_unit.setdefault(unit_of(c), []).append(f)
        out = []
        for unit in sorted(by_unit):
            for part in _time_partitions(by_unit[unit], gap):
                out.append(_value_groups(attribute, part))
        return out

    return block.cached(("figures", gap), make)


def describe_tolerance(attribute: Attribute, hedged: bool) -> str:
    unit = f" {attribute.unit}" if attribute.unit and attribute.unit != "%" else (attribute.unit or "")
    s = f"{attribute.tolerance:g}{unit}"
    if hedged and attribute.hedge_tolerance:
        s += f" (+{attribute.hedge_tolerance:g} for a hedged figure)"
    return s
