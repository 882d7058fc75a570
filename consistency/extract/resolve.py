"""Cross-document subject resolution: one canonical name per organisation, whatever the spelling.

"Anyshire", "Anyshrie" (a typo) and "Anyshire County Council" become one organisation: names are
grouped when one's words are a prefix of the other's, or their first words are near-identical
(difflib ratio >= 0.9) and the rest is a prefix; the canonical name is the most used full name
(ties: longest, then alphabetical), so the result does not depend on input order.
"""

from __future__ import annotations

import difflib
import re
from typing import Dict, List, Optional, Sequence

import attrs

from ..model import Claim
from ..rulepack import RuleSet

__all__ = ["resolve", "org_names", "canon_map", "apply_map"]

_SEP = ": "


def _words(name: str) -> List[str]:
    return re.sub(r"[^\w\s-]", "", name.lower()).split()


def _same(a: str, b: str) -> bool:
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return False
    short, long_ = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    if long_[: len(short)] == short:
        return True
    if difflib.SequenceMatcher(None, short[0], long_[0]).ratio() >= 0.9 and len(short[0]) >= 5:
        return long_[1: len(short)] == short[1:]
    return False


def org_names(claims: Sequence[Claim]) -> Dict[str, int]:
    """Organisation names the claims use (as subjects, scopes and in role values), with counts."""
    counts: Dict[str, int] = {}
    for c in claims:
        for nm in _orgs_of(c):
            counts[nm] = counts.get(nm, 0) + 1
    return counts


def _orgs_of(c: Claim) -> List[str]:
    out = []
    if c.predicate == "role":
        if isinstance(c.value, str) and ", " in c.value:
            org = c.value.rsplit(", ", 1)[1]
            out.append(org.split(_SEP)[0])
    elif _SEP in c.subject:
        out.append(c.subject.split(_SEP)[0])
    elif c.predicate not in ("role",) and c.subject and c.subject[:1].isupper():
        out.append(c.subject)
    return out


def _canon_map(names: Dict[str, int]) -> Dict[str, str]:
    order = sorted(names, key=lambda n: (-names[n], -len(n), n))
    groups: List[List[str]] = []
    for nm in order:
        for g in groups:
            if _same(nm, g[0]) and all(_compatible(nm, x) for x in g):
                g.append(nm)
                break
        else:
            groups.append([nm])
    out: Dict[str, str] = {}
    for g in groups:
        # prefer the most used multi-word name, then the longest
        best = sorted(g, key=lambda n: (-(len(_words(n)) > 1), -names[n], -len(n), n))[0]
        for nm in g:
            out[nm] = best
    return out


def _compatible(a: str, b: str) -> bool:
    """Two full names in one group must not be different organisations of one place."""
    wa, wb = _words(a), _words(b)
    if len(wa) > 1 and len(wb) > 1:
        return wa[1:] == wb[1:] or wa[: len(wb)] == wb or wb[: len(wa)] == wa
    return True


def canon_map(names: Dict[str, int]) -> Dict[str, str]:
    """The canonical name of every organisation name, from name counts summed over the corpus.

    Works on distinct names only, so a cluster can sum counts where the claims are and plan the
    mapping on one machine without gathering any claim.
    """
    return _canon_map(names) if names else {}


def resolve(claims: Sequence[Claim], ruleset: Optional[RuleSet] = None) -> List[Claim]:
    """Claims with organisation names made canonical across documents (subjects, scopes, role values, speakers).

    Equal to ``apply_map(claims, canon_map(org_names(claims)))``.
    """
    return apply_map(claims, canon_map(org_names(claims)))


def apply_map(claims: Sequence[Claim], cmap: Dict[str, str]) -> List[Claim]:
    """Rename with ``cmap`` and drop what a document now says twice; claims of one document must
    be in one call (the dedup is per document), any partition of documents gives the same claims."""
    if not cmap:
        return list(claims)

    def fix(nm: Optional[str]) -> Optional[str]:
        if nm is None:
            return None
        if _SEP in nm:
            head, tail = nm.split(_SEP, 1)
            return f"{cmap.get(head, head)}{_SEP}{tail}"
        return cmap.get(nm, nm)

    out = []
    for c in claims:
        subject = c.subject if c.predicate == "role" else fix(c.subject)
        value = c.value
        if c.predicate == "role" and isinstance(value, str) and ", " in value:
            title, org = value.rsplit(", ", 1)
            value = f"{title}, {fix(org)}"
        speaker = fix(c.speaker) if c.speaker and c.speaker in cmap else c.speaker
        if subject != c.subject or value != c.value or speaker != c.speaker:
            c = attrs.evolve(c, subject=subject, value=value, speaker=speaker)
        out.append(c)
    # two spellings in one document may now say the same thing twice: keep the first
    seen = set()
    kept = []
    for c in sorted(out, key=lambda c: (c.source, c.span, c.predicate, c.subject, str(c.value))):
        k = (c.source, c.subject, c.predicate, str(c.value), c.unit, c.modality, c.qualifier, c.direction,
             c.time.label() if c.time else None, c.time_basis)
        if k in seen:
            continue
        seen.add(k)
        kept.append(c)
    keep = {id(c) for c in kept}
    return [c for c in out if id(c) in keep]
