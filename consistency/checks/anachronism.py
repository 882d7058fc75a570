"""anachronism: something described as existing before another source dates its creation.

For a subject with a lifecycle (or a creation event), takes the earliest dated creation — a state
whose role is ``start`` ("set up in October 2014"), or for an event attribute one of the events
named in option ``creation`` — and reports any other article whose facts about the same subject
(any attribute) hold only at times wholly before that date: a warning, one finding per such
article. Plans and predictions are not evidence of existence; the creating article is not
checked against itself; undated claims are left out.

Passes (no anachronism): A says the hub "was launched in 2014"; B (2016) says "the hub handled
4,000 referrals last year".
Fails (anachronism): A says the hub "was created in October 2014"; B (March 2013) says "the
county's hub" received extra staff in March 2013.
"""

from __future__ import annotations

from typing import Any, Dict, Iterator, List, Mapping

from ..model import Claim, Finding
from ..rulepack import Attribute
from ._block import Block, interval, is_fact
from ._say import cite, cite_group, when

ID = "anachronism"
KIND = "anachronism"
SEVERITY = "warning"
APPLIES_TO = ("lifecycle", "event")
SCOPE = "subject"
DEFAULT: Mapping[str, Any] = {"creation": ()}

_SKIP_ROLES = ("plan", "start", "revived")


def check(block: Block, attribute: Attribute, options: Mapping[str, Any]) -> Iterator[Finding]:
    creation_values = {str(v) for v in options.get("creation", ()) or ()}
    creators: List[Claim] = []
    lo_min = None
    for c in block.claims:
        if c.predicate != attribute.name or not is_fact(c) or c.time_basis not in ("stated", "carried"):
            continue
        v = str(c.value)
        is_creation = attribute.role_of(v) == "start" if attribute.type == "lifecycle" else v in creation_values
        if not is_creation:
            continue
        iv = interval(c)
        if iv is None:
            continue
        if lo_min is None or iv[0] < lo_min:
            lo_min, creators = iv[0], [c]
        elif iv[0] == lo_min:
            creators.append(c)
    if lo_min is None:
        return
    creator_sources = {c.source for c in creators}
    early: Dict[str, List[Claim]] = {}
    for c in block.claims:
        if c.source in creator_sources or not is_fact(c):
            continue
        if c.predicate == attribute.name and (
            attribute.role_of(str(c.value)) in _SKIP_ROLES
            or (attribute.type == "event" and str(c.value) in creation_values)
        ):
            continue
        iv = interval(c)
        if iv is None or iv[1] >= lo_min:
            continue
        early.setdefault(c.source, []).append(c)
    for source in sorted(early):
        ev = early[source]
        msg = (
            f"{block.subject}: {source} describes it as existing {when(ev[0])}: {cite_group(ev)}"
            f" — before {creators[0].source} dates its creation: {cite(creators[0], attribute)}"
        )
        yield block.finding(ID, KIND, SEVERITY, ev + creators, msg)
