"""People and their roles: "Name, title of Org", "Org's title Name", "title Name said",
"the org's title, Name". Subject is the person's full name (honorifics stripped), value
"title, organisation" with the title normalised (chairman -> chair, "for"/"of" as the pack says).
"""

from __future__ import annotations

import re
from typing import List, Optional, Tuple

import attrs

from ..model import Sentence
from .compiled import Compiled, key
from .subjects import THE_NOUN, Doc, kind_heads, org_name, scoped

__all__ = ["RoleFrame", "roles"]


@attrs.frozen(slots=True)
class RoleFrame:
    person: str
    value: str
    span: Tuple[int, int]
    confidence: float = 0.85


_ANAPHOR_WORDS = {"county", "council", "city", "borough", "district", "authority", "trust", "force", "the"}
_POSS = re.compile(r"^(?P<w>[\w.-]+)'s$")


def _org_expr(c: Compiled, doc: Doc, n: str, a: int, b: int) -> Optional[str]:
    """An organisation named by n[a:b]: a name, a place, an anaphor, or a scoped entity."""
    seg = n[a:b].strip(" ,")
    if not seg:
        return None
    ents = [e for e in doc.entities(a, b) if e.entity is not None]
    scoped_e = [e for e in ents if e.entity.scoped]
    if scoped_e:
        return scoped(doc, scoped_e[-1].entity)  # type: ignore[arg-type]
    for o in doc.within(doc.orgs, doc.org_starts, a, b):
        return doc.places.get(o.name, o.name) if o.kind == "place" else o.name
    if ents:
        return ents[-1].name
    bare = re.sub(r"'s$", "", seg)
    if bare in doc.places:
        return doc.places[bare]
    if doc.main and bare.split()[0] == doc.main.split()[0]:
        return doc.main
    if c.anaphora_re is not None and c.anaphora_re.search(n, a, b):
        return doc.main
    if re.fullmatch(r"(?:the\s+)?(?:county|council|city|borough|authority)(?:'s)?(?:\s+council)?", bare, re.IGNORECASE):
        return doc.main
    if re.fullmatch(r"[A-Z][\w-]+(?:\s+[A-Z][\w-]+){0,3}", bare) and bare.split()[0] not in c.not_name:
        return bare
    return None


_COMP = re.compile(r"\s+(?P<prep>of|for)\s+(?P<comp>[a-z][\w']*(?:(?:,\s*|\s+)(?!at\s|of\s)[a-z][\w']*){0,7})")
_TAIL = re.compile(r"\s+(?:at|of|for)\s+(?P<org>.+?)\s*$", re.DOTALL)


def _title_from(c: Compiled, doc: Doc, n: str, pre: List[Tuple[int, int, str]], head: "re.Match[str]",
                end: int) -> Optional[Tuple[str, Optional[str], bool]]:
    """Build (title, org, national) from pre tokens, the head match and what follows up to ``end``."""
    headtxt = key(head.group(0))
    canon = c.canon_group("title_canonical", headtxt) or headtxt
    mods: List[str] = []
    desc: List[str] = []
    org: Optional[str] = None
    for (a, b, t) in pre:
        tl = t.lower()
        if tl == "the":
            continue
        if key(tl) in c.words["title_former"]:
            return None
        if key(tl) in c.words["title_modifier"]:
            mods.append(tl)
            continue
        pm = _POSS.match(t)
        if pm:
            pa = a
            if pa >= 4 and n[pa - 4:pa].lower() == "the ":
                pa -= 4
            o = _org_expr(c, doc, n, pa, b)
            if o and not pm.group("w")[0].islower() or (o and pm.group("w").lower() in _ANAPHOR_WORDS | {"board", "department", "service"}):
                org = o
            elif pm.group("w")[0].islower():
                desc.append(tl)
            continue
        if tl in _ANAPHOR_WORDS:
            org = doc.main
            continue
        if t[0].isupper():
            continue
        desc.append(tl)
    # capitalised run in the pre tokens naming an organisation
    caps = [(a, b) for (a, b, t) in pre if t[0].isupper() and t.lower() not in _ANAPHOR_WORDS and not _POSS.match(t)]
    if caps and org is None:
        org = _org_expr(c, doc, n, caps[0][0], caps[-1][1])
    rest_a = head.end()
    comp = None
    m = _COMP.match(n, rest_a, end)
    tail_org = None
    if m is not None:
        ot = _TAIL.match(n, m.end(), end) if m.end() < end else None
        if m.end() == end or (ot is not None):
            maybe_org = _org_expr(c, doc, n, m.start("comp"), m.end("comp"))
            if maybe_org and (key(m.group("comp")).startswith("the ") or n[m.start("comp")].isupper()):
                tail_org = maybe_org
            else:
                comp = m.group("comp")  # the preposition is the pack's (title_for), not the writer's
            if ot is not None:
                tail_org = _org_expr(c, doc, n, ot.start("org"), ot.end("org"))
                if tail_org is None:
                    return None
        else:
            m = None
    if m is None and rest_a < end:
        ot = _TAIL.match(n, rest_a, end)
        if ot is None:
            if n[rest_a:end].strip(" ,"):
                return None
        else:
            tail_org = _org_expr(c, doc, n, ot.start("org"), ot.end("org"))
            if tail_org is None:
                return None
    if tail_org:
        org = tail_org
    title = " ".join(desc + mods + [canon])
    if comp:
        p = "for" if canon in c.words["title_for"] or any(canon.endswith(x) for x in c.words["title_for"]) else "of"
        title = f"{title} {p} {key(comp)}"
    national = canon in c.words["title_national"] or any(w in c.words["title_national"] for w in title.split())
    return title, org, national


_TOK = re.compile(r"[\w.'-]+")


def _pre_tokens(c: Compiled, n: str, lo: int, head_start: int) -> List[Tuple[int, int, str]]:
    toks = [(m.start(), m.end(), m.group(0)) for m in _TOK.finditer(n, max(lo, head_start - 60), head_start)]
    if toks and n[toks[-1][1]:head_start].strip():
        return []
    out: List[Tuple[int, int, str]] = []
    for (a, b, t) in reversed(toks):
        if n[b:(out[0][0] if out else head_start)].strip():  # punctuation between tokens ends the phrase
            break
        tl = t.lower()
        ok = (tl == "the" or key(tl) in c.words["title_modifier"] or key(tl) in c.words["title_former"]
              or _POSS.match(t) or tl in _ANAPHOR_WORDS or t[0].isupper()
              or tl in {"council", "county"})
        if not ok:
            break
        out.insert(0, (a, b, t))
        if len(out) >= 5:
            break
    # a phrase starts at a sensible word: drop leading capitalised words that are not org names
    return out


def _parse_phrase(c: Compiled, doc: Doc, n: str, lo: int, end: int, backward: bool) -> List[Tuple[str, Optional[str], bool, int]]:
    """Titles in n[lo:end] (a phrase that ends at ``end``), joined by "and": [(title, org, national, start)]."""
    if c.title_head_re is None:
        return []
    heads = list(c.title_head_re.finditer(n, lo, end))
    if not heads:
        return []
    results: List[Tuple[str, Optional[str], bool, int]] = []
    seg_end = end
    idx = len(heads) - 1
    while idx >= 0:
        h = heads[idx]
        pre = _pre_tokens(c, n, lo, h.start())
        r = _title_from(c, doc, n, pre, h, seg_end)
        if r is None:
            if results:
                break
            idx -= 1
            continue
        start = pre[0][0] if pre else h.start()
        results.insert(0, (r[0], r[1], r[2], start))
        # another title before, joined by "and"?
        before = n[lo:start]
        am = re.search(r"\s+and\s+$", before)
        if not am:
            break
        seg_end = lo + am.start()
        idx = max([i for i, hh in enumerate(heads) if hh.end() <= seg_end], default=-1)
    if not results:
        return []
    if not backward and results[0][3] > lo + 1 and n[lo:results[0][3]].strip(" ,"):
        return []
    if backward and n[lo:results[0][3]].strip() and not re.search(r"(?:^|[\s,:;(\"])$", n[lo:results[0][3]]):
        return []
    # an organisation named once applies to every title of the phrase ("deputy leader and cabinet member of X")
    last_org = results[-1][1]
    return [(t, o or last_org, nat, s) for (t, o, nat, s) in results]


def roles(c: Compiled, doc: Doc, n: str, s: Sentence) -> List[RoleFrame]:
    out: List[RoleFrame] = []
    people = doc.within(doc.persons, doc.person_starts, s.start, s.end)
    for p in people:
        name = doc.person_name(p.name.split()[-1]) if len(p.name.split()) == 1 else p.name
        if len(name.split()) < 2:
            continue
        found: List[Tuple[str, Optional[str], bool, int, int]] = []
        # title before the name: "Org's title Name", "title Name said", "the title of Org, Name"
        j = p.start
        k = j
        while k > s.start and n[k - 1] in " ,":
            k -= 1
        phr = _parse_phrase(c, doc, n, max(s.start, _clause_start(n, s.start, k)), k, True)
        for (t, o, nat, st) in phr:
            found.append((t, o, nat, st, p.end))
        if not phr:
            m = re.match(r"\s*,\s*", n[p.end:s.end])
            if m:
                a = p.end + m.end()
                stop = _phrase_stop(c, n, a, s.end)
                if stop is not None:
                    for (t, o, nat, st) in _parse_phrase(c, doc, n, a, stop, False):
                        found.append((t, o, nat, p.start, stop))
        for (t, o, nat, a, b) in found:
            if not o and not nat:  # "Its chief executive": the organisation named just before
                lo = s.start
                if re.search(r"(?i)\b(?:its|their)\b", n[max(s.start, a - 8):a + 6]):
                    i = doc.sentence_of(s.start, s.end)
                    lo = doc.starts[i - 1] if i > 0 else s.start
                before = doc.within(doc.orgs, doc.org_starts, lo, a)
                o = (doc.places.get(before[-1].name, before[-1].name) if before[-1].kind == "place" else before[-1].name) if before else None
            if not o and not nat:
                o = _kind_anaphor_org(c, doc, n, s, a)
            org = o if o else (None if nat else doc.main)
            value = f"{t}, {org}" if org else t
            out.append(RoleFrame(name, value, (a, b)))
    return out


def _kind_anaphor_org(c: Compiled, doc: Doc, n: str, s: Sentence, a: int) -> Optional[str]:
    """"The school was inspected in May. Headteacher Jo Bloggs said ...": a title with no organisation
    right after "the school" (this or the previous sentence) belongs to the one school the article
    names, not to the council that published it."""
    heads = kind_heads(c)
    main_kind = doc.org_kind.get(doc.main, c.place_kind) if doc.main else ""
    i = doc.sentence_of(s.start, s.end)
    lo = doc.starts[i - 1] if i > 0 else s.start
    kinds = [heads.get(m.group(1).lower()) for m in THE_NOUN.finditer(n, lo, a)]
    kinds = [k for k in kinds if k and k != main_kind]
    if not kinds:
        return None
    cands = sorted({org_name(doc, o) for o in doc.orgs if doc.org_kind.get(org_name(doc, o), o.org_kind) == kinds[-1]})
    return cands[0] if len(cands) == 1 else None


def _clause_start(n: str, lo: int, hi: int) -> int:
    i = max(n.rfind(ch, lo, hi) for ch in ('"', ":", ";", "(", "."))
    return i + 1 if i >= lo else lo


def _phrase_stop(c: Compiled, n: str, a: int, hi: int) -> Optional[int]:
    """Where an appositive title after a name ends: before ", said", a speech verb, or the sentence end."""
    if c.speech_re is not None:
        m = c.speech_re.search(n, a, hi)
        if m is not None and m.start() - a < 160:
            e = m.start()
            while e > a and n[e - 1] in " ,":
                e -= 1
            return e
    m = re.search(r",", n[a:hi])
    if m is not None:
        return a + m.start()
    e = hi
    while e > a and n[e - 1] in " .,":
        e -= 1
    return e
