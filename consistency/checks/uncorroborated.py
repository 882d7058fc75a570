"""uncorroborated: a fact only one source makes.

For each value of a subject's attribute, reports (info) when a single article states it and no
other article gives the same value (for figures: a value within tolerance), whatever the time.
It says nothing about truth: it marks what a reader has only one article's word for. Plans,
predictions and denials are not facts. It is cheap (one pass per block) but noisy on large
corpora, so it runs only where a rule pack lists it or the caller selects it; option
``max_claims`` (default 0 = no limit) skips blocks larger than that.

Passes (uncorroborated): only article A says the rating became "inadequate" in 2019.
Fails (corroborated): A and B both say "inadequate".
"""

from __future__ import annotations

from typing import Any, Dict, Iterator, List, Mapping, Tuple

from ..model import Claim, Finding
from ..rulepack import Attribute
from ._block import Block, is_fact
from ._figures import unit_of
from ._say import about, cite_group

ID = "uncorroborated"
KIND = "uncorroborated"
SEVERITY = "info"
APPLIES_TO = ("ordinal", "enum", "lifecycle", "quantity", "role", "event")
SCOPE = "block"
DEFAULT: Mapping[str, Any] = {"max_claims": 0}


def check(block: Block, attribute: Attribute, options: Mapping[str, Any]) -> Iterator[Finding]:
    limit = int(options.get("max_claims", 0) or 0)
    if limit and len(block.claims) > limit:
        return
    groups: Dict[Tuple[str, str], List[Claim]] = {}
    for c in block.claims:
        if c.predicate == block.predicate and is_fact(c):
            groups.setdefault((str(c.value), unit_of(c)), []).append(c)
    numeric: Dict[str, List[Tuple[float, str]]] = {}
    if attribute.type == "quantity":
        for (v, u), cs in groups.items():
            try:
                x = float(v)
            except ValueError:
                continue
            for c in cs:
                numeric.setdefault(u, []).append((x, c.source))
    label = attribute.label or attribute.name
    for (v, u) in sorted(groups):
        cs = groups[(v, u)]
        sources = {c.source for c in cs}
        if len(sources) != 1:
            continue
        if attribute.type == "quantity" and u in numeric:
            try:
                x = float(v)
            except ValueError:
                x = None  # type: ignore[assignment]
            if x is not None:
                tol = attribute.tolerance + attribute.hedge_tolerance
                if any(abs(x - y) <= tol + 1e-9 and s not in sources for y, s in numeric[u]):
                    continue
        msg = f"{about(block.subject, attribute)}: only {next(iter(sources))} says so: {cite_group(cs, attribute)} — no other source gives this {label}"
        yield block.finding(ID, KIND, SEVERITY, cs, msg)
