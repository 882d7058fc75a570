"""The unit a check works on (a block of claims) and the time rules every check shares.

A ``Block`` holds the claims of one (subject, predicate) in canonical order, so a check never sees
input order. Times are compared as closed intervals of day ordinals:

* a claim with a stated or carried time holds over that interval;
* a claim timed only by its article's date (``time_basis`` "published"/"estimated") holds on that
  date (or the estimated range): a state *as of* publication;
* a time with an open modifier (before, after, by, since, until, from) is a bound, not an interval:
  such claims are left out of agreement, conflict and transition (they would agree or clash with
  everything on one side) and only used where a bound is what matters (deadlines, event dates);
* an unresolved time (``start`` None) takes part only where time does not matter (uncorroborated),
  or, for events and lifecycle states, as "happened by the article's date".
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from datetime import date
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from ..model import Claim, Finding
from ..rulepack import Attribute

__all__ = [
    "Block",
    "Interval",
    "MIN_DAY",
    "MAX_DAY",
    "OPEN_MODIFIERS",
    "FACT_MODALITIES",
    "canonical_key",
    "interval",
    "upper_bound",
    "said",
    "is_fact",
    "is_negated",
    "overlaps",
    "value_clusters",
    "classified_clusters",
    "classify_cluster",
]

Interval = Tuple[int, int]
MIN_DAY = date.min.toordinal()
MAX_DAY = date.max.toordinal()

#: Modifiers that turn a time into a one-sided bound.
OPEN_MODIFIERS = frozenset({"before", "after", "by", "since", "until", "from", "more than", "over", "under"})
#: Modalities that assert a value holds (reported speech is a fact the article carries, attributed).
FACT_MODALITIES = frozenset({"fact", "reported"})
#: Qualifiers that negate a claim whose modality is already taken (a negated prediction).
NEGATING_QUALIFIERS = frozenset({"not", "no", "never", "negated", "no longer"})

_GRAN_RANK = {
    "day": 0,
    "week": 1,
    "month": 2,
    "season": 3,
    "quarter": 3,
    "half": 4,
    "year": 5,
    "financial_year": 5,
    "range": 6,
    "decade": 7,
    "unknown": 8,
}


def interval(c: Claim) -> Optional[Interval]:
    """The closed day-ordinal interval a claim holds over, or None (undated or only a bound)."""
    t = c.time
    if t is None or t.start is None or t.end is None:
        return None
    if t.modifier is not None and t.modifier in OPEN_MODIFIERS:
        return None
    return (t.start.toordinal(), t.end.toordinal())


def upper_bound(c: Claim) -> Optional[int]:
    """The latest day a (past) event or state the claim reports can have begun: the end of its
    time, the day before a "before" time, or else the article's date (it was reported by then)."""
    t = c.time
    if t is not None and t.start is not None and t.end is not None:
        if t.modifier == "before":
            return t.start.toordinal() - 1
        if t.modifier in ("after", "since", "from"):
            pass  # no upper bound from the time itself
        else:
            return t.end.toordinal()
    d = said(c)
    return d


def said(c: Claim) -> Optional[int]:
    """When the claim was made: its article's date (the end of an estimated range), or None."""
    if c.published is not None:
        return c.published.toordinal()
    if c.published_range is not None:
        return c.published_range[1].toordinal()
    return None


def said_from(c: Claim) -> Optional[int]:
    """The earliest the claim can have been made (start of an estimated range)."""
    if c.published is not None:
        return c.published.toordinal()
    if c.published_range is not None:
        return c.published_range[0].toordinal()
    return None


def is_negated(c: Claim) -> bool:
    q = c.qualifier
    return c.modality == "negated" or (q is not None and q.lower() in NEGATING_QUALIFIERS)


def is_fact(c: Claim) -> bool:
    """Asserted as holding (not a plan, prediction or negation)."""
    if c.modality not in FACT_MODALITIES:
        return False
    q = c.qualifier
    return q is None or q.lower() not in NEGATING_QUALIFIERS


def overlaps(a: Interval, b: Interval) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def granularity_rank(c: Claim) -> int:
    return _GRAN_RANK.get(c.time.granularity, 8) if c.time is not None else 9


def canonical_key(c: Claim) -> Tuple[Any, ...]:
    """A total order on claims that depends only on their content: time, then provenance."""
    iv = interval(c)
    lo, hi = iv if iv is not None else (MAX_DAY + 1, MAX_DAY + 1)
    t = c.time
    return (
        lo,
        hi,
        c.source,
        c.span[0],
        c.span[1],
        c.subject,
        c.predicate,
        str(c.value),
        type(c.value).__name__,
        c.modality,
        c.unit or "",
        c.qualifier or "",
        c.direction or "",
        c.time_basis,
        t.granularity if t else "",
        t.modifier or "" if t else "",
        c.quote,
        c.speaker or "",
        c.rule,
        c.confidence,
        c.line,
        c.column,
        (t.text, t.anchor, t.approximate, t.span or ()) if t else (),
        c.published.toordinal() if c.published else 0,
        (c.published_range[0].toordinal(), c.published_range[1].toordinal()) if c.published_range else (),
    )


_NO_TIME = (MAX_DAY + 1, MAX_DAY + 1)


def fast_hash(parts: Sequence[object], length: int = 12) -> str:
    """``model.stable_hash(*parts, length=length)`` with one digest update: the same bytes are
    hashed (each part's repr, then a unit separator), so the same digest; tests pin the equality."""
    data = "".join([repr(p) + "\x1f" for p in parts]).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=16).hexdigest()[:length]
def _canonical_sort(claims: Iterable[Claim], ivs: Dict[int, Optional[Interval]]) -> List[Claim]:
    """Sort by a short key (time, source, place); only ties pay for the full canonical key."""
    cs = list(claims)
    keyed = []
    for i, c in enumerate(cs):
        iv = interval(c)
        ivs[id(c)] = iv
        lo, hi = iv if iv is not None else _NO_TIME
        sp = c.span
        keyed.append((lo, hi, c.source, sp[0], sp[1], i))
    keyed.sort()
    out = [cs[k[5]] for k in keyed]
    n = len(keyed)
    i = 0
    while i < n - 1:
        if keyed[i][:5] != keyed[i + 1][:5]:
            i += 1
            continue
        j = i + 1
        while j < n and keyed[j][:5] == keyed[i][:5]:
            j += 1
        out[i:j] = sorted(out[i:j], key=canonical_key)
        i = j
    return out


class Block:
    """Claims compared together: one (subject, predicate) by default, in canonical order.

    ``active`` names the checks that run on this block (so a check can leave a case to a finer
    one); ``options`` maps each active check id to its resolved options. Derived views are
    computed once and shared by all checks of the block.
    """

    __slots__ = ("subject", "predicate", "attribute", "claims", "active", "options", "scope", "_cache", "_keys", "_ivs")

    def __init__(
        self,
        subject: str,
        predicate: str,
        claims: Iterable[Claim],
        attribute: Attribute,
        *,
        active: Iterable[str] = (),
        options: Optional[Mapping[str, Mapping[str, Any]]] = None,
        scope: str = "block",
        presorted: bool = False,
        idents: Optional[Dict[int, Tuple[str, str]]] = None,
    ) -> None:
        self.subject = subject
        self.predicate = predicate
        self.attribute = attribute
        ivs: Dict[int, Optional[Interval]] = {}
        if presorted:
            cs = list(claims)
            for c in cs:
                ivs[id(c)] = interval(c)
        else:
            cs = _canonical_sort(claims, ivs)
        # drop exact duplicates (equal claims sort next to each other)
        out: List[Claim] = []
        prev: Optional[Claim] = None
        for c in cs:
            if prev is not None and (c is prev or (c.span == prev.span and c.source == prev.source and c == prev)):
                continue
            out.append(c)
            prev = c
        self.claims: Tuple[Claim, ...] = tuple(out)
        self._ivs = ivs
        self.active = frozenset(active)
        self.options: Mapping[str, Mapping[str, Any]] = options or {}
        self.scope = scope
        self._cache: Dict[Any, Any] = {}
        self._keys: Dict[int, Tuple[str, str]] = idents if idents is not None else {}

    def __repr__(self) -> str:
        return f"Block({self.subject!r}, {self.predicate!r}, {len(self.claims)} claims)"

    # -- shared views ---------------------------------------------------------------------------
    def cached(self, name: Any, make: Callable[[], Any]) -> Any:
        try:
            return self._cache[name]
        except KeyError:
            v = self._cache[name] = make()
            return v

    def dated_facts(self) -> List[Tuple[Interval, Claim]]:
        """Facts with a closed interval, in time order."""

        def make() -> List[Tuple[Interval, Claim]]:
            out = []
            ivs = self._ivs
            pred = self.predicate
            for c in self.claims:
                iv = ivs[id(c)]
                if iv is not None and c.predicate == pred and is_fact(c):
                    out.append((iv, c))
            return out

        return self.cached("dated_facts", make)

    def interval(self, c: Claim) -> Optional[Interval]:
        """``interval(c)``, computed once per claim of the block."""
        try:
            return self._ivs[id(c)]
        except KeyError:
            return interval(c)

    def option(self, check: str, key: str) -> Any:
        return self.options.get(check, {}).get(key)

    # -- identities -----------------------------------------------------------------------------
    def ident(self, c: Claim) -> Tuple[str, str]:
        """(claim id, claim key), hashed once per claim."""
        k = id(c)
        v = self._keys.get(k)
        if v is None:
            key = fast_hash((c.source, c.subject, c.predicate, c.value, c.unit, c.modality, c.quote))  # = c.key
            v = ("c" + fast_hash((key, c.span[0]), 11), key)  # = c.id, without hashing the key twice
            self._keys[k] = v
        return v

    def finding(
        self,
        rule: str,
        kind: str,
        severity: str,
        claims: Sequence[Claim],
        message: str,
        detail: str = "",
        subject: Optional[str] = None,
    ) -> Finding:
        """A finding over ``claims`` (kept in the given order, duplicates removed)."""
        seen = set()
        ids: List[str] = []
        keys: List[str] = []
        for c in claims:
            cid, key = self.ident(c)
            if cid in seen:
                continue
            seen.add(cid)
            ids.append(cid)
            keys.append(key)
        return Finding(
            id="F" + fast_hash([rule] + sorted(keys), 11),  # = the id Finding computes itself
            rule=rule,
            kind=kind,
            severity=severity,
            subject=self.subject if subject is None else subject,
            predicate=self.predicate,
            claims=tuple(ids),
            sources=tuple(sorted({c.source for c in claims})),
            message=message,
            claim_keys=tuple(keys),
            detail=detail,
        )


# -- same-value clusters shared by agreement and refinement ---------------------------------------


def _value_key(c: Claim) -> Tuple[str, str]:
    return (str(c.value), (c.unit or "").strip().lower())


def classified_clusters(block: Block, max_gap_days: int = 0) -> List[Tuple[List[Tuple[Interval, Claim]], Optional[str]]]:
    """``value_clusters`` with each cluster's ``classify_cluster``, computed once per block."""
    return block.cached(
        ("classified", max_gap_days), lambda: [(cl, classify_cluster(cl)) for cl in value_clusters(block, max_gap_days)]
    )


def value_clusters(block: Block, max_gap_days: int = 0) -> List[List[Tuple[Interval, Claim]]]:
    """Groups of dated facts with the same value whose times overlap, chained in time order.

    With ``max_gap_days`` > 0, same-value claims up to that many days apart also join (a state
    reported twice, e.g. a person's role in 2014 and 2016), unless, on a single-valued attribute,
    a fact with another value lies between them (then the value changed in between).
    """

    def make() -> List[List[Tuple[Interval, Claim]]]:
        facts = block.dated_facts()
        by_value: Dict[Tuple[str, str], List[Tuple[Interval, Claim]]] = {}
        for item in facts:
            by_value.setdefault(_value_key(item[1]), []).append(item)
        single = block.attribute.single_valued and max_gap_days > 0
        out: List[List[Tuple[Interval, Claim]]] = []
        for vk in sorted(by_value):
            items = by_value[vk]
            others: List[Interval] = []
            if single and len(by_value) > 1:
                others = sorted(iv for (iv, c) in facts if _value_key(c) != vk)
            cur: List[Tuple[Interval, Claim]] = []
            reach = MIN_DAY
            for iv, c in items:  # already in time order
                joins = bool(cur) and iv[0] <= reach + max_gap_days
                if joins and iv[0] > reach and others:
                    # something else was stated strictly between: the value changed meanwhile
                    k = bisect_right(others, (reach, MAX_DAY + 1))
                    while k < len(others) and others[k][0] < iv[0]:
                        if others[k][1] < iv[0]:
                            joins = False
                            break
                        k += 1
                if joins:
                    cur.append((iv, c))
                    reach = max(reach, iv[1])
                else:
                    if len(cur) > 1:
                        out.append(cur)
                    cur = [(iv, c)]
                    reach = iv[1]
            if len(cur) > 1:
                out.append(cur)
        return out

    return block.cached(("clusters", max_gap_days), make)


def classify_cluster(cluster: Sequence[Tuple[Interval, Claim]]) -> Optional[str]:
    """"refinement" when one source's time strictly contains another source's finer time,
    "agreement" when two or more sources take part otherwise, None for one source alone."""
    sources = {c.source for _, c in cluster}
    if len(sources) < 2:
        return None
    # only written times refine each other; an "as of" article date is not a stated precision
    cluster = [x for x in cluster if x[1].time_basis in ("stated", "carried")]
    if len({iv for iv, _ in cluster}) < 2:
        return "agreement"  # one shared time: nothing is finer than anything else

    def nested(fine: Tuple[Interval, Claim], coarse: Tuple[Interval, Claim]) -> bool:
        (ia, a), (ib, b) = fine, coarse
        return (
            a.source != b.source
            and ia != ib
            and ib[0] <= ia[0]
            and ia[1] <= ib[1]
            and granularity_rank(a) < granularity_rank(b)
        )

    # the widest times are the likeliest containers: try them against everything first
    widest = max(iv[1] - iv[0] for iv, _ in cluster)
    coarse = [x for x in cluster if x[0][1] - x[0][0] == widest]
    for b in coarse[:8]:
        if any(nested(a, b) for a in cluster):
            return "refinement"
    items = sorted(cluster, key=lambda x: (x[0][1] - x[0][0], x[0]))
    for i, a in enumerate(items[:64]):  # bounded: large clusters are decided by their first pairs
        if any(nested(a, b) for b in items[i + 1 :]):
            return "refinement"
    return "agreement"
