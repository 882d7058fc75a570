"""Who a document's claims are about: its main organisation, named bodies, scoped entities, people.

The main organisation is the most mentioned organisation name the packs recognise ("<Place>
County Council", "<Place>'s children's services"); anaphora ("the council", "the authority")
resolve to it, and scoped entities (a trust, a measure) become "<organisation>: <entity>".
People keep their full name without honorifics; "Mrs Okafor" resolves to "Grace Okafor".
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from typing import Dict, List, Optional, Sequence, Tuple

import attrs

from ..model import Sentence
from ..rulepack import Entity
from .compiled import Compiled, cap_starts, key, matches_at, tokens

__all__ = ["Mention", "Doc", "scan_document", "entities_in", "scoped", "kind_heads", "THE_NOUN", "the_kind"]


@attrs.frozen(slots=True)
class Mention:
    start: int
    end: int
    name: str  # canonical within the document
    kind: str  # organisation | place | entity | person | anaphor
    entity: Optional[Entity] = None
    org_kind: str = ""  # council, police, health... as the pack's suffix groups say


@attrs.define(slots=True)
class Doc:
    """What one document's subjects resolve to."""

    main: Optional[str] = None
    orgs: List[Mention] = attrs.Factory(list)  # explicit organisation or place mentions
    persons: List[Mention] = attrs.Factory(list)
    surname: Dict[str, str] = attrs.Factory(dict)
    places: Dict[str, str] = attrs.Factory(dict)  # place -> org name
    org_kind: Dict[str, str] = attrs.Factory(dict)  # organisation name -> kind
    ents: List[Mention] = attrs.Factory(list)  # entity mentions, in text order
    ent_starts: List[int] = attrs.Factory(list)
    toks: List[Tuple[int, str]] = attrs.Factory(list)
    hits: Dict[object, list] = attrs.Factory(dict)  # phrase-index hits over the whole text, by slot
    caps: List[int] = attrs.Factory(list)  # where capitalised words start
    starts: List[int] = attrs.Factory(list)  # sentence starts, for bucketing whole-text matches
    ends: List[int] = attrs.Factory(list)

    def entities(self, a: int, b: int) -> List[Mention]:
        """Entity mentions wholly inside [a, b)."""
        i = bisect_left(self.ent_starts, a)
        out = []
        while i < len(self.ents) and self.ents[i].start < b:
            if self.ents[i].end <= b:
                out.append(self.ents[i])
            i += 1
        return out

    person_starts: List[int] = attrs.Factory(list)
    org_starts: List[int] = attrs.Factory(list)

    @staticmethod
    def within(items: Sequence[Mention], starts: Sequence[int], a: int, b: int) -> List[Mention]:
        """The mentions of ``items`` (sorted by start) wholly inside [a, b)."""
        i = bisect_left(starts, a)
        out = []
        while i < len(items) and items[i].start < b:
            if items[i].end <= b:
                out.append(items[i])
            i += 1
        return out

    def sentence_of(self, a: int, b: int) -> int:
        """Index of the kept sentence holding [a, b), or -1."""
        i = bisect_right(self.starts, a) - 1
        return i if i >= 0 and b <= self.ends[i] else -1

    def person_name(self, raw: str) -> str:
        toks = raw.split()
        if len(toks) == 1:
            return self.surname.get(toks[0], raw)
        return raw


_LEAD = {"the", "a", "an"}


def _clean_place(c: Compiled, place: str) -> Optional[str]:
    toks = place.split()
    while toks and (toks[0] in c.not_name or toks[0].lower() in _LEAD):
        toks = toks[1:]
    return " ".join(toks) if toks else None


def _persons(c: Compiled, n: str, doc: "Doc") -> List[Tuple[int, int, Optional[str], str]]:
    out = []
    nn = c.not_name
    hons = c.words["honorific"]
    last_end = -1
    for st in doc.caps:
        if st < last_end:
            continue
        m = c.person_re.match(n, st)
        if m is None:
            continue
        hon = m.group("hon")
        raw = m.group("name")
        if hon is None and " " not in raw:  # one capitalised word is never a name on its own
            continue
        toks = raw.split()
        ts = m.start("name")
        for i in range(len(toks) - 1, 0, -1):  # "Later Mrs Bellamy": the name starts after the honorific
            if key(toks[i]) in hons:
                ts += sum(len(t) + 1 for t in toks[: i + 1])
                hon = toks[i]
                toks = toks[i + 1:]
                break
        # drop leading words that are not names (sentence-initial "The", titles, months)
        while toks and toks[0] in nn:
            ts += len(toks[0]) + 1
            toks = toks[1:]
            hon = None
        while toks and toks[-1] in nn:
            toks = toks[:-1]
        if not toks:
            continue
        if len(toks) == 1 and not hon:
            continue
        if any(t in nn or t in c.title_words for t in toks):
            tw = [i for i, t in enumerate(toks) if t in c.title_words]
            if tw and all(t not in nn for t in toks[tw[-1] + 1:]) and len(toks) - tw[-1] - 1 >= 2:
                ts += sum(len(t) + 1 for t in toks[: tw[-1] + 1])  # "Constable Marcus Hale" -> "Marcus Hale"
                toks = toks[tw[-1] + 1:]
                hon = None
            else:
                continue
        name = " ".join(toks)
        start = (ts - len(hon) - 1 if hon != m.group("hon") else m.start()) if hon else ts
        end = ts + len(name)
        if doc.sentence_of(start, end) < 0:
            continue
        rest = n[end:end + 40]
        om = c.org_re.match(n, ts) if c.org_re is not None else None
        if om is not None and om.end() > end:
            continue
        if key(name) in c.entity_of:
            continue
        if re.match(r"\s*'s\s+(?:children|social|adult)", rest):
            continue
        out.append((start, end, hon, name))
        last_end = end
    return out


def scan_document(c: Compiled, n: str, sentences: Sequence[Sentence]) -> Doc:
    """Find organisations, places, entities and people across the document (one pass of each
    pattern over the whole text, kept where it falls inside a sentence) and pick the main organisation."""
    doc = Doc()
    doc.starts = [s.start for s in sentences]
    doc.ends = [s.end for s in sentences]
    doc.caps = cap_starts(n)
    counts: Dict[str, int] = {}
    first: Dict[str, int] = {}
    fullnames: Dict[str, Dict[str, int]] = {}
    if c.org_re is not None:
        for m in matches_at(c.org_re, n, doc.caps):
            if doc.sentence_of(m.start(), m.end()) < 0:
                continue
            if m.group("prefix") is not None if "prefix" in m.re.groupindex else False:
                prefix = re.sub(r"\s+", " ", m.group("prefix"))
                place = m.group("pplace")
                name = f"{prefix} {place}"
                start = m.start()
                okind = c.suffix_kind.get(key(prefix), "")
            else:
                place = _clean_place(c, m.group("place"))
                if not place:
                    continue
                suffix = re.sub(r"\s+", " ", m.group("suffix"))
                name = f"{place} {suffix}"
                start = m.start("place") + (len(m.group("place")) - len(place))
                okind = c.suffix_kind.get(key(suffix), "")
            if key(name) in c.entity_of:
                continue
            doc.orgs.append(Mention(start, m.end(), name, "organisation", None, okind))
            doc.org_kind.setdefault(name, okind)
            counts[place] = counts.get(place, 0) + 1
            first.setdefault(place, start)
            fullnames.setdefault(place, {})
            fullnames[place][name] = fullnames[place].get(name, 0) + 1
    for rx, at_caps in zip(c.place_res, c.place_at_caps):
        for m in (matches_at(rx, n, doc.caps) if at_caps else rx.finditer(n)):
            if doc.sentence_of(m.start(), m.end()) < 0:
                continue
            place = _clean_place(c, m.group("place"))
            if not place:
                continue
            doc.orgs.append(Mention(m.start("place"), m.start("place") + len(m.group("place")), place, "place", None, c.place_kind))
            counts[place] = counts.get(place, 0) + 1
            first.setdefault(place, m.start())
    doc.orgs.sort(key=lambda o: (o.start, o.end))
    for (a, b, hon, name) in _persons(c, n, doc):
        doc.persons.append(Mention(a, b, name, "person"))
    doc.hits = c.scan(n)
    if c.entity_index is not None:
        for h in doc.hits.get("entity", ()):
            if doc.sentence_of(h.start(), h.end()) < 0:
                continue
            e = c.entity_of.get(key(h.group(0)))
            if e is not None:
                doc.ents.append(Mention(h.start(), h.end(), e.name, "entity", e))
        _named_entities(c, n, doc)
        doc.ent_starts = [e.start for e in doc.ents]
    for place, names in fullnames.items():
        ranked = sorted(names.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))
        # a place named by a service pattern ("Anyshire's children's services") is the organisation of that kind
        same_kind = [nm for nm, _ in ranked if c.place_kind and doc.org_kind.get(nm) == c.place_kind]
        doc.places[place] = same_kind[0] if same_kind else ranked[0][0]
    # places that are only mentioned bare merge with a full name sharing their first word(s)
    for p in sorted(counts):
        if p not in doc.places:
            for q in sorted(doc.places):
                if q.split()[0] == p.split()[0] or q.startswith(p):
                    doc.places[p] = doc.places[q]
                    break
    merged: Dict[str, int] = {}
    for p, k in counts.items():
        nm = doc.places.get(p, p)
        merged[nm] = merged.get(nm, 0) + k
    if merged:
        def order(nm: str) -> Tuple[int, int, str]:
            fp = min(first.get(p, 10**9) for p in counts if doc.places.get(p, p) == nm)
            return (-merged[nm], fp, nm)

        doc.main = sorted(merged, key=order)[0]
    doc.persons.sort(key=lambda p: (p.start, p.end))
    doc.person_starts = [p.start for p in doc.persons]
    doc.org_starts = [o.start for o in doc.orgs]
    # people: full names and the surnames that refer back to them
    for m in doc.persons:
        toks = m.name.split()
        if len(toks) >= 2:
            doc.surname.setdefault(toks[-1], m.name)
    return doc


def org_name(doc: Doc, mention: Mention) -> str:
    if mention.kind == "place":
        return doc.places.get(mention.name, mention.name)
    return mention.name


def entities_in(c: Compiled, n: str, start: int, end: int) -> List[Mention]:
    out = []
    if c.entity_re is None:
        return out
    for m in c.entity_re.finditer(n, start, end):
        e = c.entity_of.get(key(m.group(0)))
        if e is not None:
            out.append(Mention(m.start(), m.end(), e.name, "entity", e))
    return out


# "a company called Orrin Children First", "the trust, known as 'Achieving for Children'": the name
# a document gives a scoped thing; its later mentions are that thing
_CALLED = re.compile(
    r"\s*,?\s*(?:called|named|known\s+as|branded(?:\s+as)?|to\s+be\s+called)\s+['\"‘“]?"
    r"(?P<name>[A-Z][\w'’&-]*(?:\s+(?:(?:for|of|and|the|&)\s+)?[A-Z][\w'’&-]*){0,5})"
)


def _named_entities(c: Compiled, n: str, doc: "Doc") -> None:
    """Add the mentions of a name the document gives a scoped thing ("a limited company, called
    Orrin Children First"): each whole-word occurrence of that name becomes a mention of the thing.
    A name that is an organisation the document already knows is never taken (a two-word name may
    pass for a person's: "called" after a trust says otherwise)."""
    known = {o.name for o in doc.orgs}
    added: List[Mention] = []
    taken: set = set()
    for m in list(doc.ents):
        e = m.entity
        if e is None or not e.scoped:
            continue
        cm = _CALLED.match(n, m.end)
        if cm is None:
            continue
        name = cm.group("name")
        if name in taken or name in known or key(name) in c.entity_of or len(name) < 4 \
                or (" " not in name and name in c.not_name):
            continue
        taken.add(name)
        for x in re.finditer(r"(?<![\w'’-])" + re.escape(name) + r"(?![\w'’-])", n):
            if doc.sentence_of(x.start(), x.end()) >= 0 and not any(o.start < x.end() and x.start() < o.end for o in doc.ents):
                added.append(Mention(x.start(), x.end(), e.name, "entity", e))
    if added:
        doc.ents = sorted(doc.ents + added, key=lambda m: (m.start, m.end))


def scoped(doc: Doc, e: Entity) -> Optional[str]:
    """The subject for an entity: "<main organisation>: <entity>" for a scoped one (a council's
    trust, its referrals); None when the article names no organisation to scope it to, since a bare
    "improvement board" or "referrals" would merge with every other article's."""
    if not e.scoped:
        return e.name
    return f"{doc.main}: {e.name}" if doc.main else None


# "the school", "the secondary school": group 1 is the word after the article, group 2 the next one
THE_NOUN = re.compile(r"\b(?:the|this|that)\s+([a-z]+)\b(?:[ \t]+([a-z]+)\b)?", re.IGNORECASE)


def the_kind(heads: dict, m: "re.Match[str]") -> Optional[str]:
    """The organisation kind a "the <noun>" (or "the <adjective> <noun>") phrase names, if any."""
    k = heads.get(m.group(1).lower())
    if k is None and m.group(2):
        k = heads.get(m.group(2).lower())
    return k
_HEADS: dict = {}


def kind_heads(c: Compiled) -> dict:
    """Head nouns of the organisation suffixes that name one kind only ("school", "prison", "police")."""
    got = _HEADS.get(id(c))
    if got is None or got[0] is not c:
        seen: dict = {}
        for suffix, kind in c.suffix_kind.items():
            if kind:
                seen.setdefault(suffix.split()[-1], set()).add(kind)
        shared = {key(a).split()[-1] for a in c.entity_of}  # "the board" may be an improvement board
        got = (c, {w: next(iter(k)) for w, k in seen.items() if len(k) == 1 and w not in shared})
        _HEADS[id(c)] = got
    return got[1]
