"""refinement: the same fact at different precision.

Finds same-value claims from different articles where one gives a coarser time that strictly
contains another's finer time: "issued a direction notice in 2013" and "issued a statutory direction
in October 2013"; "rated requires improvement in 2016" and "inspected in February 2016 and rated
requires improvement". The finer source sharpens the coarser one; nothing is contradicted. The
whole group is one finding (and ``agreement`` leaves it alone).

Uses the same grouping as ``agreement`` (and its ``max_gap_days`` when that check is active).

Passes (refinement): A says "in 2013", B says "in October 2013", same subject, same value.
Fails (no refinement): "2013" and "2014" (no containment: a different time, maybe a conflict);
"October 2013" twice (equal precision: that is agreement); one article saying both.
"""

from __future__ import annotations

from typing import Any, Iterator, List, Mapping

from ..model import Claim, Finding
from ..rulepack import Attribute
from ._block import Block, classified_clusters, granularity_rank
from ._say import about, cite, join_and, snippet, when

ID = "refinement"
KIND = "refinement"
SEVERITY = "info"
APPLIES_TO = ("ordinal", "enum", "lifecycle", "quantity", "role", "event")
SCOPE = "block"
DEFAULT: Mapping[str, Any] = {}

_CANDIDATES = 32  # coarse claims tried, and finer ones collected, per group (bounds huge blocks)


def check(block: Block, attribute: Attribute, options: Mapping[str, Any]) -> Iterator[Finding]:
    gap = block.option("agreement", "max_gap_days")
    gap = int(gap) if gap is not None else 0
    for cluster, kind in classified_clusters(block, gap):
        if kind != "refinement":
            continue
        claims = [c for _, c in cluster]
        # coarsest first: what is refined, then what refines it
        ranked = sorted(cluster, key=lambda x: (-(x[0][1] - x[0][0]), -granularity_rank(x[1])))
        coarse = None
        finer: List[Claim] = []
        for coarse_iv, cand in ranked[:_CANDIDATES]:  # bounded on huge clusters
            if cand.time_basis not in ("stated", "carried"):
                continue
            finer = []
            for iv, c in ranked:
                if (
                    c.source != cand.source
                    and c.time_basis in ("stated", "carried")
                    and coarse_iv[0] <= iv[0]
                    and iv[1] <= coarse_iv[1]
                    and iv != coarse_iv
                    and granularity_rank(c) < granularity_rank(cand)
                ):
                    finer.append(c)
                    if len(finer) >= _CANDIDATES:
                        break
            if finer:
                coarse = cand
                break
        if coarse is None:
            continue
        finest = min(finer, key=lambda c: (granularity_rank(c), c.source))
        others = sorted({c.source for c in claims} - {coarse.source, finest.source})
        msg = (
            f"{about(block.subject, attribute)}: {cite(coarse, attribute)} is made precise by {finest.source} ({when(finest)}: \"{snippet(finest, attribute)}\")"
            f" — the same {attribute.label or attribute.name}, {when(coarse)} narrowed to {when(finest)}"
        )
        if others:
            msg += f"; also stated by {join_and(others)}"
        yield block.finding(ID, KIND, SEVERITY, claims, msg)
