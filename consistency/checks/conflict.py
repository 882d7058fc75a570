"""conflict: incompatible claims about one thing at one time, from different sources.

What counts as incompatible depends on the attribute's type:

* ordinal and enum (a rating, a status; single-valued ones only): two different values said to
  hold at overlapping times, or a value denied ("no longer rated inadequate") at a time another
  source asserts it. A value
  that changed between non-overlapping times is a ``transition``, never a conflict. When the
  overlap exists only because one source gives a whole year (or longer) around the other's finer
  date, the conflict is a warning with detail ``within-period`` (it may be a change inside that
  year); otherwise it is an error with detail ``overlap`` (or ``negation``).
* quantity: comparable figures (same unit, reported within ``max_gap_days``, same kind of
  measurement window; see ``approximate``) that differ beyond the tolerance: detail ``figures``.
* event: on a single-valued event attribute (each named event happens once per subject), the same
  event dated at non-overlapping times (detail ``dates``; a warning with detail ``dates-far`` when the
  dates are more than a year apart, which may be two separate events), or reported as past by an article
  dated before another source's date for it (detail ``reported-before``). A claim marked "again",
  "new" or "second" makes the event a repeat: no date conflict is reported for it.

Time rules: a claim timed only by its article's date holds on that date ("as of"); open bounds
(before, since, by) never conflict; undated claims never conflict. Plans and predictions are not
facts and never conflict with facts. A source is not checked against itself: inside one article an
apparent contradiction is far more often a reading slip than the article's own claim.

Passes (no conflict): "inadequate" (2013) then "requires improvement" (February 2016).
Fails (conflict): article A: "rated inadequate" in March 2016; article B: "rated requires
improvement" in March 2016. Or: 40 per cent against 55 per cent of staff in the same month.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right
from datetime import date as _date
from itertools import islice
from typing import Any, Dict, Iterator, List, Mapping, Set, Tuple

from ..model import Claim, Finding
from ..rulepack import Attribute
from ._block import Block, Interval, granularity_rank, interval, is_negated, upper_bound
from ._figures import describe_tolerance, figure_groups
from ._say import about, cite, cite_group, day, join_and, when

ID = "conflict"
KIND = "conflict"
SEVERITY = "error"
DETAIL_SEVERITY: Mapping[str, str] = {"within-period": "warning", "dates-far": "warning"}
_FAR_DAYS = 366  # an event dated this far apart by two sources may be two events
APPLIES_TO = ("ordinal", "enum", "quantity", "event")
SCOPE = "block"
DEFAULT: Mapping[str, Any] = {"max_gap_days": 92}

_MONTH_RANK = 2  # granularities up to a month count as precise
_REPEAT = frozenset({"again", "new", "second", "repeat", "re"})
_CAP = 16  # per-value active claims compared with each new claim (bounds work on huge blocks)
_CITE = 16  # claims of each value a conflict finding cites
_SCAN = 256  # facts looked at per denial


def check(block: Block, attribute: Attribute, options: Mapping[str, Any]) -> Iterator[Finding]:
    if attribute.type in ("ordinal", "enum"):
        if attribute.single_valued:  # a multi-valued attribute may hold several values at once
            yield from _values(block, attribute)
    elif attribute.type == "quantity":
        yield from _figures(block, attribute, int(options.get("max_gap_days", 92)))
    elif attribute.type == "event":
        if attribute.single_valued:
            yield from _dates(block, attribute)


# -- values --------------------------------------------------------------------------------------


def _tight(a: Tuple[Interval, Claim], b: Tuple[Interval, Claim]) -> bool:
    """Whether an overlap is a real clash rather than a fine date inside a coarse period."""
    (ia, ca), (ib, cb) = a, b
    if ia == ib:
        return True
    if ib[0] <= ia[0] and ia[1] <= ib[1]:
        return granularity_rank(cb) <= _MONTH_RANK
    if ia[0] <= ib[0] and ib[1] <= ia[1]:
        return granularity_rank(ca) <= _MONTH_RANK
    return True  # partial overlap of two periods


def _values(block: Block, attribute: Attribute) -> Iterator[Finding]:
    facts = block.dated_facts()
    parent: Dict[int, int] = {}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)

    tight_roots: Set[int] = set()
    tight_pairs: List[Tuple[int, int]] = []
    active: Dict[str, Dict[int, None]] = {}  # value -> claims still open at this point, oldest first
    ends: List[Tuple[int, int, str]] = []
    for idx, (iv, c) in enumerate(facts):
        val = str(c.value)
        while ends and ends[0][0] < iv[0]:
            _, j, v = heapq.heappop(ends)
            members = active[v]
            del members[j]
            if not members:
                del active[v]
        for v, members in active.items():
            if v == val:
                continue
            for j in islice(members, _CAP):
                if facts[j][1].source == c.source:
                    continue
                parent.setdefault(idx, idx)
                parent.setdefault(j, j)
                union(idx, j)
                if _tight(facts[j], (iv, c)):
                    tight_pairs.append((idx, j))
        active.setdefault(val, {})[idx] = None
        heapq.heappush(ends, (iv[1], idx, val))
    if parent:
        for i, j in tight_pairs:
            tight_roots.add(find(i))
        comps: Dict[int, List[int]] = {}
        for i in parent:
            comps.setdefault(find(i), []).append(i)
        for root in sorted(comps):
            members = sorted(comps[root])
            by_value: Dict[str, List[Claim]] = {}
            for i in members:
                c = facts[i][1]
                cs = by_value.setdefault(str(c.value), [])
                if len(cs) < _CITE:
                    cs.append(c)
            claims = [c for cs in by_value.values() for c in cs]
            order = sorted(by_value, key=lambda v: (attribute.rank(v) if attribute.rank(v) is not None else 99, v))
            sides = " vs ".join(cite_group(by_value[v], attribute) for v in order)
            if root in tight_roots:
                detail, sev = "overlap", SEVERITY
                why = "said to hold at the same time by different sources"
            else:
                detail, sev = "within-period", DETAIL_SEVERITY["within-period"]
                coarse = max(claims, key=lambda c: (granularity_rank(c), c.source))
                why = (
                    f"they overlap only because {coarse.source} gives {when(coarse)} as a whole;"
                    " this may be a change within that period — check the dates"
                )
            label = attribute.label or attribute.name
            yield block.finding(ID, KIND, sev, claims, f"{about(block.subject, attribute)}: conflicting values — {sides} — {why}", detail)
    yield from _negations(block, attribute, facts)


def _negations(block: Block, attribute: Attribute, facts: List[Tuple[Interval, Claim]]) -> Iterator[Finding]:
    by_value: Dict[str, List[Tuple[Interval, Claim]]] = {}
    for item in facts:
        by_value.setdefault(str(item[1].value), []).append(item)
    starts = {v: [iv[0] for iv, _ in items] for v, items in by_value.items()}
    widest = {v: max(iv[1] - iv[0] for iv, _ in items) for v, items in by_value.items()}
    for n in block.claims:
        if n.predicate != block.predicate or not is_negated(n) or n.modality in ("plan", "prediction"):
            continue
        niv = interval(n)
        if niv is None:
            continue
        hits = []
        tight = False
        v = str(n.value)
        items = by_value.get(v, [])
        if not items:
            continue
        # facts starting no later than the denial ends, nearest first; bounded scan
        first = bisect_left(starts[v], niv[0] - widest[v])
        last = bisect_right(starts[v], niv[1]) - 1
        for k in range(last, max(first, last - _SCAN) - 1, -1):
            iv, c = items[k]
            if len(hits) >= _CAP:
                break
            if iv[1] >= niv[0] and c.source != n.source:
                hits.append(c)
                tight = tight or _tight((iv, c), (niv, n))
        if not hits:
            continue
        hits.reverse()  # in time order
        detail, sev = ("negation", SEVERITY) if tight else ("within-period", DETAIL_SEVERITY["within-period"])
        msg = (
            f"{about(block.subject, attribute)}: {n.source} denies what {join_and(sorted({c.source for c in hits}))} asserts for the same time: "
            f"{cite(n, attribute)} vs {cite_group(hits, attribute)}"
        )
        if not tight:
            msg += " — the overlap comes from a coarse period; this may be a change within it"
        yield block.finding(ID, KIND, sev, [n] + hits, msg, detail)


# -- figures -------------------------------------------------------------------------------------


def _figures(block: Block, attribute: Attribute, gap: int) -> Iterator[Finding]:
    for part in figure_groups(block, attribute, gap):
        if len(part) < 2:
            continue
        # with two groups and two sources some pair across groups comes from different sources
        if len({f.claim.source for g in part for f in g}) < 2:
            continue
        claims = [f.claim for g in part for f in g]
        hedged = any(f.hedged for g in part for f in g)
        shown = part if len(part) <= 4 else part[:2] + part[-2:]
        sides = " vs ".join(cite_group([f.claim for f in g], attribute) for g in shown)
        if len(part) > len(shown):
            sides += f" ({len(part) - len(shown)} more values between)"
        msg = (
            f"{about(block.subject, attribute)}: figures differ beyond the tolerance of {describe_tolerance(attribute, hedged)}: {sides}"
            " — comparable figures (same unit, reported close in time)"
        )
        yield block.finding(ID, KIND, SEVERITY, claims, msg, "figures")


# -- event dates ---------------------------------------------------------------------------------


def _is_repeat(c: Claim) -> bool:
    return (c.direction or "").lower() in _REPEAT or (c.qualifier or "").lower() in _REPEAT


def _dates(block: Block, attribute: Attribute) -> Iterator[Finding]:
    groups: Dict[str, List[Claim]] = {}
    for c in block.claims:
        if c.predicate == block.predicate and c.modality in ("fact", "reported") and not is_negated(c):
            groups.setdefault(str(c.value), []).append(c)
    label = attribute.label or attribute.name
    for value in sorted(groups):
        claims = groups[value]
        if any(_is_repeat(c) for c in claims):
            continue
        dated: List[Tuple[Interval, Claim]] = []
        bounded: List[Tuple[int, Claim]] = []
        for c in claims:
            iv = interval(c)
            if iv is not None and c.time_basis in ("stated", "carried"):
                dated.append((iv, c))
            else:
                ub = upper_bound(c)
                if ub is not None:
                    bounded.append((ub, c))
        dated.sort(key=lambda x: x[0])
        clusters: List[List[Tuple[Interval, Claim]]] = []
        reach = None
        for iv, c in dated:
            if clusters and reach is not None and iv[0] <= reach:
                clusters[-1].append((iv, c))
                reach = max(reach, iv[1])
            else:
                clusters.append([(iv, c)])
                reach = iv[1]
        if len(clusters) >= 2:
            srcs = [{c.source for _, c in cl} for cl in clusters]
            if len(set().union(*srcs)) >= 2:
                sides = " vs ".join(cite_group([c for _, c in cl], attribute) for cl in clusters)
                gap = max(nxt[0][0][0] - max(iv[1] for iv, _ in cur) for cur, nxt in zip(clusters, clusters[1:]))
                if gap > _FAR_DAYS:  # more than a year apart: as likely two events as one misdated
                    msg = (f"{block.subject}: {label} ({value}) dated more than a year apart: {sides} — either one "
                           "source misdates it or these are separate events that no source calls a repeat")
                    yield block.finding(ID, KIND, DETAIL_SEVERITY["dates-far"], [c for cl in clusters for _, c in cl],
                                        msg, "dates-far")
                    continue
                msg = f"{block.subject}: one {label} ({value}) dated differently: {sides} — the times do not overlap and no source calls it a repeat"
                yield block.finding(ID, KIND, SEVERITY, [c for cl in clusters for _, c in cl], msg, "dates")
                continue
        if dated:
            first_lo = dated[0][0][0]
            dated_sources = {c.source for _, c in dated}
            early = [(ub, c) for ub, c in bounded if ub < first_lo and c.source not in dated_sources]
            if early:
                ub, b = min(early, key=lambda x: (x[0], x[1].source))
                msg = (
                    f"{block.subject}: {b.source} reports the {label} ({value}) as having happened by {day(_date.fromordinal(ub))}: "
                    f"{cite(b, attribute, with_value=False)}, but {cite_group([c for _, c in dated], attribute)} dates it later"
                )
                yield block.finding(ID, KIND, SEVERITY, [b] + [c for _, c in dated], msg, "reported-before")
