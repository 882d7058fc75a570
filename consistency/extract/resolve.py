"""Cross-document subject resolution: one canonical name per organisation, whatever the spelling.

"Anyshire", "Anyshrie" (a typo) and "Anyshire County Council" become one organisation: names are
grouped when one's words are a prefix of the other's, or their first words are near-identical
(difflib ratio >= 0.9) and the rest is a prefix; the canonical name is the most used full name
(ties: longest, then alphabetical), so the result does not depend on input order.
"""

from __future__ import annotations

import difflib
import heapq
import re
from typing import Dict, Iterable, Iterator, List, Optional, Sequence, Set, Tuple

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
    """Greedy grouping: each name, most used first, joins the first group (in creation order) whose
    founder is ``_same`` and whose members are all ``_compatible``, else founds one.

    Blocked, so it grows with the names, not their square: only founders that can be ``_same`` are
    tried (first word equal or near, remaining words prefix-related; see ``_candidates``), still in
    creation order, so the result equals trying every group in turn.
    """
    order = sorted(names, key=lambda n: (-names[n], -len(n), n))
    words = {nm: tuple(_words(nm)) for nm in names}
    near = _near_words({w[0] for w in words.values() if w})
    groups: List[List[str]] = []
    founder: Dict[Tuple[str, ...], int] = {}  # founder's words -> its group (no other name with them founds)
    extends: Dict[Tuple[str, ...], List[int]] = {}  # words -> groups whose founder's words extend them
    for nm in order:
        w = words[nm]
        for gi in _candidates(w, near, founder, extends) if w else ():
            g = groups[gi]
            if _same(nm, g[0]) and all(_compatible(nm, x) for x in g):
                g.append(nm)
                break
        else:
            gi = len(groups)
            groups.append([nm])
            if w:  # a name without words is never _same, so it is no one's candidate
                founder[w] = gi
                for j in range(1, len(w)):
                    extends.setdefault(w[:j], []).append(gi)
    out: Dict[str, str] = {}
    for g in groups:
        # prefer the most used multi-word name, then the longest
        best = sorted(g, key=lambda n: (-(len(_words(n)) > 1), -names[n], -len(n), n))[0]
        for nm in g:
            out[nm] = best
    return out


def _candidates(w: Tuple[str, ...], near: Dict[str, List[str]], founder: Dict[Tuple[str, ...], int],
                extends: Dict[Tuple[str, ...], List[int]]) -> Iterator[int]:
    """Every group whose founder may be ``_same`` as a name of words ``w``, in creation order.

    ``_same`` needs the first words equal or near (ratio >= 0.9) and, past them, the shorter
    name's words a prefix of the longer's: so, for each such first word f, the founders whose words
    are a prefix of (f, *w[1:]) or extend it. These sets are disjoint, each sorted: merged lazily.
    """
    lists = []
    for f in (w[0], *near.get(w[0], ())):
        key = (f, *w[1:])
        lists.append(sorted(founder[key[:j]] for j in range(1, len(key) + 1) if key[:j] in founder))
        lists.append(extends.get(key, ()))
    return heapq.merge(*lists)


def _max_unmatched(n: int) -> int:
    """Most characters two words can leave unmatched in all and keep ratio >= 0.9, the shorter having n.

    ratio = 2M / (la + lb) with M matched characters and D = la + lb - 2M unmatched; ratio >= 0.9
    iff 2M >= 9D, and M <= n, so D <= 2n / 9 (e.g. 11 and 9 letters, one the other less two: 0.9).
    """
    return 2 * n // 9


def _pieces(n: int) -> List[Tuple[int, int]]:
    """(start, length) of the ``_max_unmatched(n) // 2 + 1`` near-equal pieces of a word of n letters."""
    k = _max_unmatched(n) // 2 + 1
    cuts = [i * n // k for i in range(k + 1)]
    return [(cuts[i], cuts[i + 1] - cuts[i]) for i in range(k)]


def _less(s: str, k: int) -> Set[str]:
    """Every string made of s by deleting at most k letters."""
    out, step = {s}, {s}
    for _ in range(k):
        step = {x[:i] + x[i + 1:] for x in step for i in range(len(x))}
        out |= step
    return out


_WHOLE = 3  # words whose near words differ by up to this many unmatched letters are filed whole


def _keys(a: str) -> Set[object]:
    """Where ``_near_words`` files a word: a short one (t <= _WHOLE) whole and less a letter if
    t >= 2; a longer one by (length, piece number, piece or piece less a letter)."""
    t = _max_unmatched(len(a))
    if t <= _WHOLE:
        return set(_less(a, t // 2))
    return {(len(a), j, x) for j, (s, h) in enumerate(_pieces(len(a))) for x in _less(a[s: s + h], 1)}


def _probes(b: str) -> Set[object]:
    """The keys under which any word a, no longer than b and near it, is filed (see ``_near_words``)."""
    lb = len(b)
    out: Set[object] = set()
    depth = -1  # letters to delete from b to meet the short words whole
    for la in range(-(-9 * lb // 11), lb + 1):  # lb - la <= t(la) <= 2 la / 9
        t = _max_unmatched(la)
        if t <= _WHOLE:
            depth = max(depth, (t + lb - la) // 2)
            continue
        da, db = (t - lb + la) // 2, (t + lb - la) // 2  # most unmatched letters in a, in b
        for j, (s, h) in enumerate(_pieces(la)):
            for p in range(max(0, s - da), min(lb - h + 1, s + db + 1) + 1):
                if da:
                    out.add((la, j, b[p: p + h - 1]))  # the piece less a letter
                if p + h <= lb:
                    out.add((la, j, b[p: p + h]))  # the piece
                if p + h < lb:  # the piece, with a letter more in b
                    out.update((la, j, x) for x in _less(b[p: p + h + 1], 1))
    return out | _less(b, depth) if depth >= 0 else out


def _near_words(vocab: Iterable[str]) -> Dict[str, List[str]]:
    """For each word, the others with difflib ratio >= 0.9 one way or the other, without comparing all pairs.

    Why the index misses none: difflib's matched letters are a common subsequence of a (the
    shorter, la letters) and b, leaving da and db letters unmatched, da + db <= t = _max_unmatched(la)
    and db - da = lb - la, so da <= (t - lb + la) // 2 and db <= (t + lb - la) // 2.
    Short words (t <= _WHOLE): a less its da letters is b less its db, so a is filed less up to
    t // 2 letters and b probes itself less up to db letters (asymmetric SymSpell).
    Longer words: a is cut into t // 2 + 1 pieces; an unmatched letter of a, or of b between two
    matched letters of one piece, spoils that piece only, so some piece has at most one: it appears
    in b whole, less a letter, or with a letter more, moved by at most db letters right (+1 when
    its first letter is the one lost) or da left, as any matched letter is.
    Words are taken shortest first, each probing the lengths la <= lb it can be near (lb - la <=
    t(la) <= 2 la / 9). Every hit is verified with the exact ratio, both ways (difflib's ratio is
    not symmetric), after a cheaper necessary test: the longest common subsequence is at least the
    matched letters.
    """
    index: Dict[object, List[str]] = {}
    out: Dict[str, List[str]] = {}
    for b in sorted(vocab, key=lambda v: (len(v), v)):
        hits = {a for k in _probes(b) for a in index.get(k, ())}
        masks = _masks(b)
        for a in sorted(hits):
            if 20 * _lcs(masks, len(b), a) >= 9 * (len(a) + len(b)) and (
                    _ratio(a, b) >= 0.9 or _ratio(b, a) >= 0.9):
                out.setdefault(a, []).append(b)
                out.setdefault(b, []).append(a)
        for k in _keys(b):
            index.setdefault(k, []).append(b)
    return out


def _lcs(masks: Dict[str, int], n: int, b: str) -> int:
    """Length of the longest common subsequence of b and a word a of n letters, given
    ``masks`` = ``_masks(a)`` (bit-parallel, Hyyrö 2004)."""
    full = (1 << n) - 1
    v = full
    for c in b:
        u = v & masks.get(c, 0)
        v = ((v + u) | (v - u)) & full
    return n - v.bit_count()


def _masks(a: str) -> Dict[str, int]:
    """For each letter of a, the bit set of its positions."""
    masks: Dict[str, int] = {}
    for i, c in enumerate(a):
        masks[c] = masks.get(c, 0) | 1 << i
    return masks


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


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
