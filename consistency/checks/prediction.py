"""prediction: a forecast borne out or refuted by later facts.

Takes each claim with modality ``prediction`` ("we expect to be rated requires improvement within a
year"; negated: "she did not expect a 'good' rating in the next year") and looks at later facts of
the same subject and attribute inside the predicted window (the prediction's own time, from the
day it was made; open-ended when it gives none):

* ``borne out``: a fact in the window matches (for a negated prediction: facts in the window all
  differ from the value ruled out);
* ``refuted`` (warning): facts in the window contradict it and it did not come true later;
* ``late``: it did not hold in the window but a later fact matches;
* ``unknown``: no fact falls in the window and the window has passed by a later source's date.

A rating or status holds until a source says otherwise: when no fact falls inside the window but
facts before and after it exist, the value before the window counts as the value during it; the
finding cites that fact and the later one that ended it.
Figures match within the attribute's tolerance (plus hedge tolerance).

Passes (borne out): 2014: "did not expect to reach 'good' in the next year"; 2016: rated
"requires improvement".
Fails (refuted): 2014: "we expect 'good' by the end of next year"; 2015: "rated inadequate".
"""

from __future__ import annotations

from datetime import date
from bisect import bisect_left, bisect_right
from typing import Any, Dict, Iterator, List, Mapping, Optional, Tuple

from ..model import Claim, Finding
from ..rulepack import Attribute
from ._block import MAX_DAY, MIN_DAY, Block, Interval, is_negated, said, said_from
from ._figures import unit_of
from ._say import about, cite, cite_group, day

ID = "prediction"
KIND = "prediction"
SEVERITY = "info"
DETAIL_SEVERITY: Mapping[str, str] = {"refuted": "warning"}
APPLIES_TO = ("ordinal", "enum", "quantity")
SCOPE = "block"
DEFAULT: Mapping[str, Any] = {}

_VALUES = 256  # distinct values compared per prediction (figures may have many)


def _window(p: Claim) -> Optional[Interval]:
    s = said_from(p)
    t = p.time
    if t is None or t.start is None or t.end is None:
        if s is None:
            return None
        return (s, MAX_DAY)
    lo, hi = t.start.toordinal(), t.end.toordinal()
    if t.modifier in ("by", "before", "until"):
        lo = s if s is not None else MIN_DAY
        if t.modifier == "before":
            hi = t.start.toordinal() - 1
    elif t.modifier in ("after", "since", "from"):
        hi = MAX_DAY
    if s is not None:
        lo = max(lo, s)
    if lo > hi:
        return None
    return (lo, hi)


def _matches(attribute: Attribute, p: Claim, c: Claim) -> bool:
    if attribute.type == "quantity":
        try:
            a, b = float(p.value), float(c.value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return False
        if unit_of(p) != unit_of(c):
            return False
        tol = attribute.tolerance + (attribute.hedge_tolerance if (p.qualifier or c.qualifier) else 0.0)
        return abs(a - b) <= tol + 1e-9
    return str(p.value) == str(c.value)


class _Index:
    """Per value: facts by start, with the running maximum of their ends, so "is there a fact of
    this value overlapping [a, b]" is one bisection (no scan over the block)."""

    def __init__(self, facts: List[Tuple[Interval, Claim]]) -> None:
        groups: Dict[str, List[Tuple[Interval, Claim]]] = {}
        for item in facts:  # in time order
            groups.setdefault(str(item[1].value), []).append(item)
        self.groups: Dict[str, Tuple[List[int], List[int], List[int], List[Tuple[Interval, Claim]]]] = {}
        for v, items in groups.items():
            los, pmax, arg = [], [], []
            best, at = MIN_DAY - 1, -1
            for i, (iv, _) in enumerate(items):
                los.append(iv[0])
                if iv[1] > best:
                    best, at = iv[1], i
                pmax.append(best)
                arg.append(at)
            self.groups[v] = (los, pmax, arg, items)
        self.los = [iv[0] for iv, _ in facts]
        self.by_hi = sorted((iv[1], i) for i, (iv, _) in enumerate(facts))
        self.facts = facts

    def overlapping(self, value: str, lo: int, hi: int) -> Optional[Claim]:
        los, pmax, arg, items = self.groups[value]
        k = bisect_right(los, hi) - 1
        if k >= 0 and pmax[k] >= lo:
            return items[arg[k]][1]
        return None

    def first_after(self, value: str, day_: int) -> Optional[Claim]:
        los, _, _, items = self.groups[value]
        k = bisect_right(los, day_)
        return items[k][1] if k < len(items) else None

    def next_after(self, day_: int) -> Optional[Claim]:
        """The first fact starting after ``day_`` (the one that ends a value carried through a window)."""
        k = bisect_right(self.los, day_)
        return self.facts[k][1] if k < len(self.facts) else None

    def last_before(self, day_: int) -> List[Claim]:
        """The facts ending latest, strictly before ``day_``."""
        k = bisect_left(self.by_hi, (day_, -1)) - 1
        if k < 0:
            return []
        hi = self.by_hi[k][0]
        out = []
        while k >= 0 and self.by_hi[k][0] == hi and len(out) < 3:
            out.append(self.facts[self.by_hi[k][1]][1])
            k -= 1
        return out[::-1]


def _same(attribute: Attribute, p: Claim, value: str, sample: Claim) -> bool:
    return _matches(attribute, p, sample) if attribute.type == "quantity" else str(p.value) == value


def check(block: Block, attribute: Attribute, options: Mapping[str, Any]) -> Iterator[Finding]:
    preds = [p for p in block.claims if p.predicate == block.predicate and p.modality == "prediction"]
    if not preds:
        return
    index = _Index(block.dated_facts())
    latest = max((said(c) or 0 for c in block.claims), default=0)
    values = sorted(index.groups)
    for p in preds:
        w = _window(p)
        if w is None:
            continue
        neg = is_negated(p)
        start = said_from(p) or MIN_DAY
        lo = max(w[0], start + 1) if start > MIN_DAY else w[0]
        ok: List[Claim] = []
        bad: List[Claim] = []
        later_ok: List[Claim] = []
        for v in values[:_VALUES]:
            sample = index.groups[v][3][0][1]
            if attribute.type == "quantity" and unit_of(sample) != unit_of(p):
                continue  # another unit: neither evidence for nor against
            same = _same(attribute, p, v, sample)
            hit = index.overlapping(v, lo, w[1])
            if hit is not None:
                (ok if same else bad).append(hit)
            if same:
                after = index.first_after(v, w[1])
                if after is not None:
                    later_ok.append(after)
        later_ok.sort(key=lambda c: (block.interval(c) or (0, 0), c.source))
        carried: List[Claim] = []
        until: Optional[Claim] = None  # the later fact that ends a value carried through the window
        after = index.next_after(w[1]) if not ok and not bad and attribute.type in ("ordinal", "enum") else None
        if after is not None:
            carried = index.last_before(w[0])
            for c in carried:
                (ok if str(c.value) == str(p.value) else bad).append(c)
            if carried:
                until = after
        held = "in the window"
        if carried:
            held = "held before the window and until a later source"
            if until is not None:
                held = f"held before the window and until {cite(until, attribute)}"
        ok, bad = ok[:3], bad[:3]
        outcome: Optional[str] = None
        cited: List[Claim] = []
        why = ""
        if neg:
            if ok:
                outcome, cited, why = "refuted", ok, f"{cite_group(ok, attribute)} {held}"
            elif bad:
                outcome, cited, why = "borne out", bad, f"{cite_group(bad, attribute)} {held}"
        else:
            if ok:
                outcome, cited, why = "borne out", ok, f"{cite_group(ok, attribute)} {held}"
            elif bad and later_ok:
                outcome, cited = "late", bad + later_ok[:1]
                why = f"{cite_group(bad, attribute)} {held}; it came true only later: {cite(later_ok[0], attribute)}"
            elif bad:
                outcome, cited, why = "refuted", bad, f"{cite_group(bad, attribute)} {held}"
            elif later_ok:
                outcome, cited, why = "late", later_ok[:1], f"it came true after the window: {cite(later_ok[0], attribute)}"
        if until is not None and cited and all(c is not until for c in cited):
            cited = cited + [until]  # the evidence for the whole window: the value before it and what ended it
        if outcome is None:
            if w[1] < MAX_DAY and latest > w[1]:
                outcome, why = "unknown", f"no source gives the value between {day(date.fromordinal(w[0]))} and {day(date.fromordinal(w[1]))}"
            else:
                continue
        sev = DETAIL_SEVERITY.get(outcome, SEVERITY)
        msg = f"{about(block.subject, attribute)}: {cite(p, attribute)}: {outcome} — {why}"
        yield block.finding(ID, KIND, sev, [p] + cited, msg, outcome)
