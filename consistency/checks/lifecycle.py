"""lifecycle: what became of a plan — fulfilled, still open, missed, reversed or revived.

Orders the claims of a lifecycle attribute (a trust, a company, a reorganisation: planned ->
set up -> operational; shelved; revived) in time and judges them against the attribute's
``state_roles`` and ``transitions``:

* a plan (a claim with modality plan or prediction, or a state whose role is ``plan`` or
  ``revived``) followed by a state whose role is ``start`` or ``realised`` is ``fulfilled``;
  followed first by a ``reversed``/``ended`` state it is ``reversed``;
* a plan with nothing after it is ``open``, or ``missed`` when its deadline (the end of a "by"
  time, or of the time it was planned for) passed before a later source's date;
* a ``reversed`` state (shelved) followed by a plan, revival or start is ``revived``;
* two consecutive states the attribute does not allow (``transitions``) are a conflict (kind
  ``conflict``, detail ``illegal``, warning): e.g. shelved -> handed over with no revival.

An undated state ("had previously been set up") is placed at the earliest point its allowed
transitions permit, no later than its article's date; if no point is allowed it is left out.
Negated claims are not states.

Passes (planned, reversed, revived): A (April 2016): the trust "will be implemented later this
year"; B (2019): "plans had been shelved in August 2018", then "in May this year a new trust was
announced", services "to be handed over by 2020" (open).
Fails (illegal, if the pack does not allow it): "shelved" in 2017, then "handed over" in 2018.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import date
from functools import lru_cache
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple

from ..model import Claim, Finding
from ..rulepack import Attribute
from ._block import MAX_DAY, Block, canonical_key, interval, is_negated, said, upper_bound
from ._say import cite, cite_group, day

ID = "lifecycle"
KIND = "lifecycle"
SEVERITY = "info"
DETAIL_SEVERITY: Mapping[str, str] = {"missed": "warning", "illegal": "warning"}
APPLIES_TO = ("lifecycle",)
SCOPE = "block"
DEFAULT: Mapping[str, Any] = {}

_PLAN_MODALITIES = ("plan", "prediction")
_CITE = 8  # claims of one episode a finding cites (the ones nearest the move)
_LOOKAHEAD = 64  # episodes searched for a revival
_DONE = ("start", "realised")
_UNDONE = ("reversed", "ended")


@lru_cache(maxsize=64)
def _roles(state_roles: Tuple[Tuple[str, str], ...]) -> Dict[str, str]:
    return dict(state_roles)


def _role(attribute: Attribute, state: object) -> Optional[str]:
    """``attribute.role_of`` through a dict built once per set of roles."""
    return _roles(attribute.state_roles).get(str(state))


class _Ep:
    """An episode: consecutive claims of one state."""

    __slots__ = ("state", "claims", "lo", "hi", "dated")

    def __init__(self, state: str, c: Claim, lo: Optional[int], hi: Optional[int]) -> None:
        self.state = state
        self.claims: List[Claim] = [c]
        self.lo, self.hi = lo, hi
        self.dated = lo is not None


def _sequence(block: Block, attribute: Attribute) -> List[_Ep]:
    """Facts in time order (the block's canonical order); undated facts, one group per state,
    inserted at the earliest point the allowed transitions permit before their report date."""
    seq: List[Tuple[str, Claim, Optional[int], Optional[int]]] = []
    undated: Dict[str, Tuple[int, List[Claim]]] = {}
    for c in block.claims:
        if c.predicate != block.predicate or c.modality not in ("fact", "reported") or is_negated(c):
            continue
        iv = block.interval(c)
        if iv is not None:
            seq.append((str(c.value), c, iv[0], iv[1]))
        else:
            ub = upper_bound(c)
            if ub is not None:
                state = str(c.value)
                prev = undated.get(state)
                if prev is None:
                    undated[state] = (ub, [c])
                else:
                    prev[1].append(c)
                    undated[state] = (min(ub, prev[0]), prev[1])
    for state in sorted(undated):
        ub, group = undated[state]
        limit = sum(1 for s in seq if s[2] is not None and s[2] <= ub)
        spot = None
        for p in range(limit + 1):
            if not attribute.transitions:
                spot = limit
                break
            prev_state = seq[p - 1][0] if p > 0 else None
            next_state = seq[p][0] if p < len(seq) else None
            ok_prev = prev_state is None or attribute.allows(prev_state, state)
            ok_next = next_state is None or attribute.allows(state, next_state)
            if ok_prev and ok_next:
                spot = p
                break
        if spot is not None:
            for c in reversed(group):
                seq.insert(spot, (state, c, None, ub))
    eps: List[_Ep] = []
    for state, c, lo, hi in seq:
        if eps and eps[-1].state == state:
            e = eps[-1]
            e.claims.append(c)
            if lo is not None and hi is not None:
                if e.dated and e.lo is not None and e.hi is not None:
                    e.lo, e.hi = min(e.lo, lo), max(e.hi, hi)
                else:
                    e.lo, e.hi, e.dated = lo, hi, True
        else:
            eps.append(_Ep(state, c, lo, hi))
    return eps


def _deadline(c: Claim) -> Optional[int]:
    t = c.time
    if t is None or t.start is None or t.end is None:
        return None
    if t.modifier == "before":
        return t.start.toordinal() - 1
    if t.modifier in ("after", "since", "from"):
        return None
    return t.end.toordinal()


class _Plan:
    __slots__ = ("target", "claims", "stated", "deadline", "episode")

    def __init__(self, target: str, claims: List[Claim], stated: int, deadline: Optional[int], episode: Optional[int]) -> None:
        self.target, self.claims, self.stated, self.deadline, self.episode = target, claims, stated, deadline, episode


def _plans(block: Block, attribute: Attribute, eps: Sequence[_Ep]) -> List[_Plan]:
    # one plan per article and date: "a trust would be formed and services handed over by 2020"
    groups: Dict[Tuple[int, str], List[Claim]] = {}
    for c in block.claims:
        if c.predicate != block.predicate or c.modality not in _PLAN_MODALITIES or is_negated(c):
            continue
        stated = said(c)
        if stated is None:
            iv = interval(c)
            stated = iv[0] if iv is not None else MAX_DAY
        groups.setdefault((stated, c.source), []).append(c)
    out: List[_Plan] = []
    for (stated, _src), claims in groups.items():
        deadlines = [d for d in (_deadline(c) for c in claims) if d is not None]
        dl = max(deadlines) if deadlines else None
        # the target: the furthest-reaching step (the one with the latest deadline), else the first
        main = max(claims, key=lambda c: (_deadline(c) or -1, -claims.index(c)))
        out.append(_Plan(str(main.value), claims, stated, dl, None))
    for i, e in enumerate(eps):
        if e.dated and _role(attribute, e.state) in ("plan", "revived"):
            stated = e.lo if e.lo is not None else (e.hi or MAX_DAY)
            out.append(_Plan(e.state, list(e.claims), stated, None, i))
    out.sort(key=lambda p: (p.stated, p.target, canonical_key(p.claims[0])))
    return out


class _Index:
    """Where to start looking in the episode list for things after a date (bisect, not a scan)."""

    def __init__(self, eps: Sequence[_Ep]) -> None:
        pos: List[int] = []
        nxt = MAX_DAY
        width = 0
        for e in reversed(eps):
            if e.dated and e.lo is not None and e.hi is not None:
                nxt = e.lo
                width = max(width, e.hi - e.lo)
            pos.append(nxt)  # an undated episode stands just before the next dated one
        self.pos = pos[::-1]  # non-decreasing
        self.width = width

    def start(self, day_: int) -> int:
        return bisect_left(self.pos, day_ - self.width)


def _after(eps: Sequence[_Ep], plan: _Plan, index: _Index) -> Iterator[_Ep]:
    if plan.episode is not None:
        # a plan mentioned at the same time as what became of it ("plans were scrapped in
        # January") is not judged on its own: only what follows it strictly counts
        end = eps[plan.episode].hi
        for e in eps[plan.episode + 1 :]:
            if not e.dated or end is None or (e.lo or 0) > end:
                yield e
        return
    last_dated_hi: Optional[int] = None
    for i in range(index.start(plan.stated), len(eps)):
        e = eps[i]
        if e.dated:
            last_dated_hi = e.hi
            if e.hi is not None and e.hi > plan.stated:
                yield e
        else:
            ref = last_dated_hi if last_dated_hi is not None else e.hi
            if ref is not None and ref > plan.stated:
                yield e


def _when_ep(e: _Ep) -> str:
    return "" if e.dated else " (placed in the history by its allowed moves)"


def check(block: Block, attribute: Attribute, options: Mapping[str, Any]) -> Iterator[Finding]:
    eps = _sequence(block, attribute)
    label = attribute.label or attribute.name
    what = f"{block.subject} ({label})"
    # illegal moves between consecutive states
    if attribute.transitions:
        for a, b in zip(eps, eps[1:]):
            if not attribute.allows(a.state, b.state):
                allowed = sorted(y for x, y in attribute.transitions if x == a.state)
                msg = (
                    f"{what}: {cite_group(a.claims, attribute)} -> {cite_group(b.claims, attribute)}"
                    f" — {a.state} -> {b.state} is not an allowed move"
                    + (f" (from {a.state}: {', '.join(allowed)})" if allowed else f" ({a.state} allows no further move)")
                )
                yield block.finding(ID, "conflict", DETAIL_SEVERITY["illegal"], a.claims[-_CITE:] + b.claims[:_CITE], msg, "illegal")
    # what became of each plan
    said_days = sorted((said(c) or 0, i) for i, c in enumerate(block.claims))
    latest = said_days[-1][0] if said_days else 0
    plans = _plans(block, attribute, eps)
    index = _Index(eps)
    claim_plan_days = sorted(q.stated for q in plans if q.episode is None)
    last_claim_plan = claim_plan_days[-1] if claim_plan_days else None
    for plan in plans:
        if plan.episode is not None and plan.episode + 1 < len(eps):
            nxt, cur = eps[plan.episode + 1], eps[plan.episode]
            if nxt.dated and cur.hi is not None and nxt.lo is not None and nxt.lo <= cur.hi:
                continue  # settled in the same breath ("plans were scrapped in January"): not a plan of its own
        outcome: Optional[str] = None
        settled: Optional[_Ep] = None
        for e in _after(eps, plan, index):
            role = _role(attribute, e.state)
            target_role = _role(attribute, plan.target)
            if role in _DONE or (
                e.state == plan.target and plan.episode is None and target_role not in ("plan", "revived")
            ):
                outcome, settled = "fulfilled", e
                break
            if role in _UNDONE and target_role not in _UNDONE:
                outcome, settled = "reversed", e
                break
        p = (
            cite_group(plan.claims, attribute)
            if plan.episode is not None
            else "; ".join(cite(c, attribute) for c in plan.claims[:3])
        )
        if settled is not None and outcome is not None:
            late = ""
            if outcome == "fulfilled" and plan.deadline is not None and settled.lo is not None and settled.lo > plan.deadline:
                late = f", after its deadline of {day(date.fromordinal(plan.deadline))}"
            msg = f"{what}: {p} then {cite_group(settled.claims, attribute)}{_when_ep(settled)} — plan {outcome}{late}"
            yield block.finding(ID, KIND, SEVERITY, plan.claims[:_CITE] + settled.claims[:_CITE], msg, outcome)
        elif plan.deadline is not None and latest > plan.deadline:
            k = bisect_right(said_days, (plan.deadline, len(block.claims)))
            witness = block.claims[said_days[k][1]]  # the first report after the deadline
            msg = (
                f"{what}: {p} — its deadline {day(date.fromordinal(plan.deadline))} passed and {witness.source}"
                f" (reported {day(date.fromordinal(said(witness) or 0))}) gives no realisation: plan missed"
            )
            yield block.finding(ID, KIND, DETAIL_SEVERITY["missed"], plan.claims[:_CITE] + [witness], msg, "missed")
        elif plan.episode is not None and last_claim_plan is not None and last_claim_plan >= plan.stated:
            continue  # an announcement whose later, more specific plan carries the outcome
        else:
            asof = f" (latest source: {day(date.fromordinal(latest))})" if latest > plan.stated else ""
            msg = f"{what}: {p} — no later claim reports it done or dropped{asof}: plan still open"
            yield block.finding(ID, KIND, SEVERITY, plan.claims[:_CITE], msg, "open")
    # reversals: what was done undone, and undone things revived
    claim_plans = sorted((q.stated, n) for n, q in enumerate(plans) if q.episode is None)
    for i, e in enumerate(eps):
        if _role(attribute, e.state) not in _UNDONE:
            continue
        if i > 0 and _role(attribute, eps[i - 1].state) in _DONE:
            a = eps[i - 1]
            msg = (
                f"{what}: {cite_group(a.claims, attribute)}{_when_ep(a)} then {cite_group(e.claims, attribute)}{_when_ep(e)}"
                f" — {a.state} reversed"
            )
            yield block.finding(ID, KIND, SEVERITY, a.claims[-_CITE:] + e.claims[:_CITE], msg, "reversed")
        revival: Optional[List[Claim]] = None
        for f in eps[i + 1 : i + 1 + _LOOKAHEAD]:
            if _role(attribute, f.state) in ("plan", "revived") + _DONE:
                revival = f.claims
                break
        if revival is None and e.lo is not None:
            k = bisect_right(claim_plans, (e.hi if e.hi is not None else e.lo, len(plans)))
            if k < len(claim_plans):
                revival = plans[claim_plans[k][1]].claims
        if revival is None:
            continue
        msg = f"{what}: {cite_group(e.claims, attribute)}{_when_ep(e)} then {cite_group(revival, attribute)} — revived after being {e.state}"
        yield block.finding(ID, KIND, SEVERITY, e.claims[:_CITE] + revival[:_CITE], msg, "revived")
