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
from .subjects import THE_NOUN, Doc, kind_heads, org_name, scoped, the_kind

__all__ = ["RoleFrame", "roles"]


@attrs.frozen(slots=True)
class RoleFrame:
    person: str
    value: str
    span: Tuple[int, int]
    confidence: float = 0.85
    # where a start date for the role may be written ("became director *this month*"): the claim is
    # dated by a time expression there rather than by publication
    since: Optional[Tuple[int, int]] = None


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
    ref = _referenced_entity(c, doc, bare, a)
    if ref is not None:
        return ref
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


def _referenced_entity(c: Compiled, doc: Doc, phrase: str, a: int) -> Optional[str]:
    """"The trust's chief executive" when the pack makes "the trust" point back to a scoped thing with a
    lifecycle (a children's trust): that thing, the one last named before ``a`` or else the one
    declared thing whose names end in the same noun, not the article's main organisation."""
    k = key(phrase)
    if not k.startswith("the ") or k not in c.words["lifecycle_reference"]:
        return None
    life = [e for e in doc.ents if e.entity is not None and e.entity.scoped and e.start < a
            and any(x not in c.quantity_attrs for x in e.entity.attributes)]
    if life:
        return scoped(doc, life[-1].entity)  # type: ignore[arg-type]
    noun = k.split()[-1]
    main_kind = doc.org_kind.get(doc.main or "", "")
    if any(kind == main_kind and sk.split()[-1:] == [noun] for sk, kind in c.suffix_kind.items()):
        return None  # a hospital article's "the trust" is the NHS trust itself
    cands = {e.name: e for e in c.ruleset.entities if e.scoped
             and any(x not in c.quantity_attrs for x in e.attributes)
             and any(key(nm).split()[-1:] == [noun] for nm in e.names)}
    return scoped(doc, next(iter(cands.values()))) if len(cands) == 1 else None


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
        since: Optional[Tuple[int, int]] = None
        st = _started(c, doc, n, s, p.start, p.end)
        if st is not None:  # "Its chief executive, X, becomes the council's director": the new role only
            found, since = st
        if found and _ended(c, n, p.end, s.end):
            continue  # "X, who left in March", "interim director X, left in June": no current role
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
            # "" from _kind_anaphor_org: the clause is about a school/prison the article does not name
            org = o if o else (None if nat or o == "" else doc.main)
            value = f"{t}, {org}" if org else t
            out.append(RoleFrame(name, value, (a, b), since=since))
    return out


_REL = re.compile(r"\s*,?\s*(?:who\s+|and\s+)?(?:has\s+|had\s+|have\s+|was\s+|is\s+)?(?:now\s+|since\s+|recently\s+|just\s+|already\s+)?(?:been\s+)?",
                  re.IGNORECASE)
_NAME_OBJ = re.compile(r"\s+(?:[A-Z][\w'.-]*\s+){1,4}?as\s+")
_AS = re.compile(r"\s+(?:as\s+)?(?:the\s+(?:new\s+)?|its\s+(?:new\s+)?|a\s+(?:new\s+)?)?")
_AS_AFTER = re.compile(r"\s+as\s+(?:the\s+(?:new\s+)?|its\s+(?:new\s+)?|a\s+(?:new\s+)?)?", re.IGNORECASE)
_BEFORE_NAME = re.compile(r"\b(?:appointed|named|installed|hired|recruited)\s+$", re.IGNORECASE)
# where a title read after a start verb ends: punctuation, or a time or clause word after it
_TITLE_END = re.compile(r"[,.;:()\"]|\s+(?:in|on|this|last|from|since|earlier|until|after|before|when|while|and|but|"
                        r"with|to|following|during|at\s+the\s+(?:start|end|beginning))\b(?!\s+(?:of\b|for\b))",
                        re.IGNORECASE)


def _ended(c: Compiled, n: str, name_end: int, hi: int) -> bool:
    """Right after the name, a verb that ends the role: "X, who left in May", "X, had resigned"."""
    rx = c.lex.get("role_end")
    if rx is None:
        return False
    m = _REL.match(n, name_end, hi)
    a = m.end() if m else name_end
    e = rx.match(n, a, hi)
    return e is not None


def _started(c: Compiled, doc: Doc, n: str, s: Sentence, p_start: int, p_end: int
             ) -> Optional[Tuple[List[Tuple[str, Optional[str], bool, int, int]], Tuple[int, int]]]:
    """A role taken up, written after the name ("X, who became director ...", "X replaced Y as director",
    "X has been appointed interim director") or around it ("appointed X as director"): the titles and
    the region after them where the start may be dated."""
    rx = c.lex.get("role_start")
    a: Optional[int] = None
    if _BEFORE_NAME.search(n, max(s.start, p_start - 20), p_start):
        m = _AS_AFTER.match(n, p_end, s.end)
        if m:
            a = m.end()
    elif rx is not None:
        m = _REL.match(n, p_end, s.end)
        b = m.end() if m else p_end
        v = rx.match(n, b, s.end)
        if v is not None:
            o = _NAME_OBJ.match(n, v.end(), s.end)  # "replaced Martin Cole as"
            if o is not None:
                a = o.end()
            else:
                asm = _AS.match(n, v.end(), s.end)
                a = asm.end() if asm else v.end()
    if a is None or c.title_head_re is None:
        return None
    h = c.title_head_re.match(n, a, s.end)
    if h is None:
        h2 = c.title_head_re.search(n, a, min(s.end, a + 40))
        if h2 is None or n[a:h2.start()].strip() and not all(
                key(t.lower()) in c.words["title_modifier"] or _POSS.match(t) or t[0].isupper()
                for t in n[a:h2.start()].split()):
            return None
    te = _TITLE_END.search(n, a, s.end)
    stop = te.start() if te else s.end
    while stop > a and n[stop - 1] in " .,":
        stop -= 1
    found = [(t, o, nat, p_start, stop) for (t, o, nat, _st) in _parse_phrase(c, doc, n, a, stop, False)]
    if not found:
        return None
    end = s.end
    for ch in (",", ";"):
        i = n.find(ch, stop + 1, s.end)
        if i != -1:
            end = min(end, i)
    return found, (stop, end)


def _kind_anaphor_org(c: Compiled, doc: Doc, n: str, s: Sentence, a: int) -> Optional[str]:
    """"The school was inspected in May. Headteacher Jo Bloggs said ...": a title with no organisation
    right after "the school" (this or the previous sentence) belongs to the one school the article
    names, not to the council that published it."""
    heads = kind_heads(c)
    main_kind = doc.org_kind.get(doc.main, c.place_kind) if doc.main else ""
    i = doc.sentence_of(s.start, s.end)
    lo = doc.starts[i - 1] if i > 0 else s.start
    kinds = [the_kind(heads, m) for m in THE_NOUN.finditer(n, lo, a)]
    kinds = [k for k in kinds if k and k != main_kind]
    if not kinds:
        return None
    cands = sorted({org_name(doc, o) for o in doc.orgs if doc.org_kind.get(org_name(doc, o), o.org_kind) == kinds[-1]})
    if not cands:
        return ""  # "The secondary school ... Headteacher X": not the council, and no school is named
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
