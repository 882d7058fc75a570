"""agreement: the same fact from independent sources.

Finds claims that give one subject the same value (and unit) at overlapping times, from two or more
different articles. One finding per group of agreeing claims, citing all of them; repeats within
one article are not corroboration and never make an agreement on their own. Plans, predictions
and negations are not facts and never agree with anything here; undated claims are left out
(an agreement needs a shared time).

When one source's time strictly contains another's finer time ("2013" and "October 2013") and the
``refinement`` check is active, the group is reported by ``refinement`` instead, not twice.

Option ``max_gap_days`` (default 0; 1096 for roles): same-value claims up to that many days apart
also agree, unless a different value was stated between them on a single-valued attribute. Roles
use it so a person's title stated in 2014 and again in 2016 reads as consistent.

Passes (agreement): article A (2016) says the service was rated "requires improvement" in 2016 and
article B (2019) says it was upgraded to "requires improvement" in 2016.
Fails (no agreement): the same two sentences about two different councils; or two sentences of
one article; or "inadequate" in 2013 and "inadequate" again in 2019 (different times).
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from ..model import Finding
from ..rulepack import Attribute
from ._block import Block, classified_clusters
from ._say import about, cite_group

ID = "agreement"
KIND = "agreement"
SEVERITY = "info"
APPLIES_TO = ("ordinal", "enum", "lifecycle", "quantity", "role", "event")
SCOPE = "block"
DEFAULT: Mapping[str, Any] = {"max_gap_days": 0}
TYPE_DEFAULTS: Mapping[str, Mapping[str, Any]] = {"role": {"max_gap_days": 1096}}


def check(block: Block, attribute: Attribute, options: Mapping[str, Any]) -> Iterator[Finding]:
    gap = int(options.get("max_gap_days", 0))
    defer = "refinement" in block.active
    for cluster, kind in classified_clusters(block, gap):
        if kind is None or (kind == "refinement" and defer):
            continue
        claims = [c for _, c in cluster]
        sources = sorted({c.source for c in claims})
        msg = f"{about(block.subject, attribute)}: {len(sources)} sources agree — {cite_group(claims, attribute)}"
        yield block.finding(ID, KIND, SEVERITY, claims, msg)
