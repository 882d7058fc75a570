"""transition: a value that changed between non-overlapping times — a history, not a contradiction.

Orders the facts of one subject's ordinal or enum attribute in time, merges runs of the same value
and reports each change between consecutive runs that do not overlap: "inadequate" (2013) ->
"requires improvement" (2016) -> "inadequate" (2019) is two transitions (detail ``up``, then
``down``; ``changed`` on an unordered enum), never a conflict. A denial such as "no longer rated
inadequate" is evidence of the change and is cited with it; with no later value known it is
reported on its own (``changed``: no longer X).

Only single-valued attributes have transitions (a multi-valued one may gain a value without
losing another). Direction words on the later claims are verified against the scale: a claim that says "upgraded"
(direction ``up``) where the scale shows a drop, or "downgraded" where it shows a rise, turns the
finding into a warning with detail ``direction-mismatch``. "Again" (``again``) should repeat an
earlier value: the message says which earlier claim it matches, or that none of these sources
gives one.

Passes (transition, up): A: "rated inadequate in 2013"; B: "upgraded to requires improvement in
2016".
Fails (no transition): the same value twice (agreement); two values at overlapping times (a
conflict); a plan or prediction of a value (not a fact).
"""

from __future__ import annotations

from typing import Any, Iterator, List, Mapping, Optional, Tuple

from ..model import Claim, Finding
from ..rulepack import Attribute
from ._block import MAX_DAY, Block, Interval, granularity_rank, interval, is_negated
from ._say import cite, cite_group

ID = "transition"
KIND = "transition"
SEVERITY = "info"
DETAIL_SEVERITY: Mapping[str, str] = {"direction-mismatch": "warning"}
APPLIES_TO = ("ordinal", "enum")
SCOPE = "block"
DEFAULT: Mapping[str, Any] = {}


class _Run:
    __slots__ = ("value", "claims", "lo", "hi")

    def __init__(self, value: str, iv: Interval, c: Claim) -> None:
        self.value = value
        self.claims: List[Claim] = [c]
        self.lo, self.hi = iv


def _runs(block: Block) -> List[_Run]:
    runs: List[_Run] = []
    for iv, c in block.dated_facts():
        v = str(c.value)
        if runs and runs[-1].value == v:
            runs[-1].claims.append(c)
            runs[-1].hi = max(runs[-1].hi, iv[1])
        else:
            runs.append(_Run(v, iv, c))
    return runs


def _direction(attribute: Attribute, a: str, b: str) -> str:
    ra, rb = attribute.rank(a), attribute.rank(b)
    if attribute.type != "ordinal" or ra is None or rb is None:
        return "changed"
    return "up" if rb > ra else "down"


def check(block: Block, attribute: Attribute, options: Mapping[str, Any]) -> Iterator[Finding]:
    if not attribute.single_valued:
        return  # several values may hold at once: a new one is an addition, not a change
    runs = _runs(block)
    label = attribute.label or attribute.name
    negs: List[Tuple[Interval, Claim]] = []
    for c in block.claims:
        if c.predicate == block.predicate and is_negated(c) and c.modality not in ("plan", "prediction"):
            iv = interval(c)
            if iv is not None:
                negs.append((iv, c))
    used = set()
    for i in range(len(runs) - 1):
        a, b = runs[i], runs[i + 1]
        if a.hi >= b.lo:
            continue  # overlapping values: a conflict, not a history
        nxt = runs[i + 2].lo if i + 2 < len(runs) else MAX_DAY
        evidence = [n for iv, n in negs if str(n.value) == a.value and a.hi < iv[0] < nxt]
        used.update(id(n) for n in evidence)
        actual = _direction(attribute, a.value, b.value)
        detail, severity, notes = actual, SEVERITY, []
        for c in b.claims:
            d = (c.direction or "").lower()
            if d in ("up", "down") and actual in ("up", "down") and d != actual:
                detail, severity = "direction-mismatch", DETAIL_SEVERITY["direction-mismatch"]
                word = "upgrade" if d == "up" else "downgrade"
                notes.append(f"{c.source} calls it an {word}, but on the scale {a.value} -> {b.value} is {actual}")
            elif d == "again":
                earlier = [r for r in runs[: i + 1] if r.value == b.value]
                if earlier:
                    e = earlier[-1].claims[-1]
                    notes.append(f'"again" in {c.source} matches {cite(e, attribute)}')
                else:
                    notes.append(f'"again" in {c.source}, but none of these sources gives an earlier {b.value}')
        before = sorted(a.claims, key=lambda c: (granularity_rank(c), -(interval(c) or (0, 0))[1], c.source))
        after = sorted(b.claims, key=lambda c: (granularity_rank(c), (interval(c) or (0, 0))[0], c.source))
        msg = (
            f"{block.subject}, {label} went {actual if actual != 'changed' else 'from one value to another'}: "
            f"{cite_group(before, attribute, quotes=1)} -> {cite_group(after, attribute, quotes=1)}"
            " — a change over time, not a contradiction"
        )
        if evidence:
            msg += "; " + "; ".join(f'{n.source} says "{n.quote.strip()[:80]}"' for n in evidence[:3])
        if notes:
            msg += "; " + "; ".join(notes)
        yield block.finding(ID, KIND, severity, a.claims + b.claims + evidence, msg, detail)
    # denials with no later value known: a change to something else
    for iv, n in negs:
        if id(n) in used:
            continue
        prior: Optional[_Run] = None
        for r in runs:
            if r.hi < iv[0]:
                prior = r
            elif r.lo <= iv[1]:
                prior = None  # a run overlaps the denial: conflict's business
                break
            else:
                break
        if prior is None or prior.value != str(n.value):
            continue
        if any(r.lo > iv[1] for r in runs):
            continue
        msg = (
            f"{block.subject}, {label} changed: {cite_group(prior.claims, attribute)} -> {cite(n, attribute)}"
            " — no later value is given; a change, not a contradiction"
        )
        yield block.finding(ID, KIND, SEVERITY, prior.claims + [n], msg, "changed")
