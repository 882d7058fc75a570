"""approximate: figures that agree within the attribute's tolerance.

Finds comparable figures from different articles that differ by no more than the attribute's
``tolerance``, widened by ``hedge_tolerance`` when either is hedged ("about 40 per cent"), or that
fit a bound ("more than 40"). Figures are comparable when they share a unit, were reported within
``max_gap_days`` of each other (default 92) and do not state clearly different measurement windows
(12 months against a quarter). Exactly equal figures are ``agreement``; figures beyond tolerance
are ``conflict``.

Passes (approximate agreement): "a 40 per cent increase in referrals" (July 2014) and "referrals
increased by 39 per cent in the last 12 months" (spring 2014), tolerance 1.
Fails (no approximate agreement): 40 and 55 per cent (a conflict); 40 per cent and 40
percentage points (different units: not compared); 40 per cent in 2014 and 39 per cent in 2018
(different times: not compared).
"""

from __future__ import annotations

import math
from typing import Any, Iterator, Mapping

from ..model import Finding
from ..rulepack import Attribute
from ._block import Block
from ._figures import describe_tolerance, figure_groups
from ._say import about, cite, join_and

ID = "approximate"
KIND = "approximate_agreement"
SEVERITY = "info"
APPLIES_TO = ("quantity",)
SCOPE = "block"
DEFAULT: Mapping[str, Any] = {"max_gap_days": 92}


def check(block: Block, attribute: Attribute, options: Mapping[str, Any]) -> Iterator[Finding]:
    gap = int(options.get("max_gap_days", 92))
    for part in figure_groups(block, attribute, gap):
        for group in part:
            sources = {f.claim.source for f in group}
            if len(sources) < 2:
                continue
            values = {(f.lo, f.hi) for f in group}
            if len(values) < 2:
                continue  # all equal: agreement
            group = sorted(group, key=lambda f: (f.value, f.claim.source, f.claim.span))
            hedged = any(f.hedged for f in group)
            bound = any(math.isinf(f.lo) or math.isinf(f.hi) for f in group)
            cited = []
            seen = set()
            for f in group:
                k = (f.claim.source, f.value, f.claim.qualifier)
                if k not in seen:
                    seen.add(k)
                    cited.append(cite(f.claim, attribute))
            spread = max(f.value for f in group) - min(f.value for f in group)
            how = f"within the tolerance of {describe_tolerance(attribute, hedged)}"
            if bound:
                how += "; a bound agrees with figures on its side"
            msg = (
                f"{about(block.subject, attribute)}: figures agree approximately: {join_and(cited)} — {spread:g} apart, {how}"
            )
            yield block.finding(ID, KIND, SEVERITY, [f.claim for f in group], msg)
