"""role-conflict: one title at one organisation held by two people at once.

Role claims have a person as subject and "title, organisation" as value. This check compares
claims across people (it blocks on the value, not the person): two different people given the
same role at overlapping times by different sources is an error. A person holding several roles,
or a role passing from one person to another between non-overlapping times, is fine. Roles timed
only by their article's date hold on that date.

A title that names no organisation ("chief inspector", "independent chair of the improvement
board" in an article whose organisation was not recognised) is never checked: many organisations
have one, and two articles naming different holders may well be about different bodies.

Option ``shared`` (default empty): role values (or their title part before the comma) that many
people hold at once ("councillor", "inspector"), never checked.

Passes (no conflict): "Jane Roe, director of children's services at Anyshire County Council" in a
2015 article and "John Doe, director of children's services at Anyshire County Council" in 2019.
Fails (role conflict): two articles of the same week naming different people as that director.
"""

from __future__ import annotations

import heapq
from typing import Any, Dict, Iterator, List, Mapping, Tuple

from ..model import Claim, Finding
from ..rulepack import Attribute
from ._block import Block, Interval, is_fact
from ._say import cite_group, join_and

ID = "role-conflict"
KIND = "conflict"
SEVERITY = "error"
APPLIES_TO = ("role",)
SCOPE = "value"
DEFAULT: Mapping[str, Any] = {"shared": ()}

_SCAN = 256  # active claims looked at per claim
_PER_PERSON = 5  # claims cited per person


def _title(value: str) -> str:
    return value.split(",", 1)[0].strip().lower()


def check(block: Block, attribute: Attribute, options: Mapping[str, Any]) -> Iterator[Finding]:
    shared = {str(s).strip().lower() for s in options.get("shared", ()) or ()}
    value = block.subject
    if "," not in value or value.strip().lower() in shared or _title(value) in shared:
        return  # no organisation named, or a title many hold at once
    items: List[Tuple[Interval, Claim]] = []
    for c in block.claims:
        if is_fact(c):
            iv = block.interval(c)
            if iv is not None:
                items.append((iv, c))  # canonical order: by time first
    # sweep: overlapping claims naming different people, from different sources; each clash is
    # witnessed by at most a few claims per person, so work and message stay bounded
    involved: Dict[str, Dict[int, Claim]] = {}
    active: Dict[int, Tuple[Interval, Claim]] = {}
    ends: List[Tuple[int, int]] = []
    clash = False
    for idx, (iv, c) in enumerate(items):
        while ends and ends[0][0] < iv[0]:
            active.pop(heapq.heappop(ends)[1], None)
        for n, (j, (_, o)) in enumerate(active.items()):
            if n >= _SCAN:
                break
            if o.subject != c.subject and o.source != c.source:
                clash = True
                for k, x in ((j, o), (idx, c)):
                    mine = involved.setdefault(x.subject, {})
                    if len(mine) < _PER_PERSON:
                        mine.setdefault(k, x)
                break
        active[idx] = (iv, c)
        heapq.heappush(ends, (iv[1], idx))
    if not clash:
        return
    people = sorted(involved)
    cited = {p: [involved[p][k] for k in sorted(involved[p])] for p in people}
    sides = " vs ".join(f"{p} {cite_group(cited[p], attribute, with_value=False)}" for p in people)
    msg = f"{join_and(people)} are each said to be {value} at the same time: {sides}"
    claims = [c for p in people for c in cited[p]]
    yield block.finding(ID, KIND, SEVERITY, claims, msg, "holders", subject=value)
