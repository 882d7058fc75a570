"""Attribute frames: a value term of an attribute (a scale step, a lifecycle word, an event name,
a number with its unit) plus the subject it is about, found inside one clause.

A frame fires only when the pack's conditions hold: a trigger in the clause (or, for
multi-word values, in the two sentences before), the context words a one-word value needs
("rated good", not "good progress"), no comparative before it ("above inadequate"), no
disjunction ("good or outstanding"). Quantities need a measure the packs declare.
"""

from __future__ import annotations

import re
from typing import List, Optional, Sequence, Tuple

import attrs

from ..model import TimeSpan
from .compiled import Compiled, Hit, ValueSet, key
from .subjects import THE_NOUN, Doc, Mention, kind_heads, org_name, scoped, the_kind

__all__ = ["Frame", "frames", "quantities"]


@attrs.frozen(slots=True)
class Frame:
    predicate: str
    subject: str
    value: object
    span: Tuple[int, int]  # the value term
    unit: Optional[str] = None
    qualifier: Optional[str] = None
    direction: Optional[str] = None
    confidence: float = 0.9
    rule: str = ""
    kind: str = ""  # attribute type
    needs_time: bool = False
    weak: bool = False  # from a vague synonym: needs a stated time or a plan cue
    subject_span: Optional[Tuple[int, int]] = None
    prior: bool = False  # the starting point of a change ("from 38 per cent"): never "as of" the article


_FROM_BEFORE = re.compile(r"\bfrom\s+(?:an?\s+average\s+of\s+)?$", re.IGNORECASE)
_PHRASAL_UP = re.compile(r"\b(?:make|makes|made|making|made|end|ends|ended|ending|sum|sums|summed|set|sets|take|takes|took|taken|taking)\s+up$", re.IGNORECASE)
_AT_GERUND = re.compile(r"(?:at|in)\s+[a-z]+ing\b")
_TOKEN = re.compile(r"[A-Za-z][\w'-]*")
_QUOTES = " \t\n'\""


def _prev_words(n: str, lo: int, pos: int, k: int, skip: frozenset) -> List[str]:
    out: List[str] = []
    seg = n[max(lo, pos - 80):pos]
    toks = _TOKEN.findall(seg)
    for t in reversed(toks):
        tl = t.lower()
        if tl in skip and not out:
            continue
        out.append(tl)
        if len(out) >= k:
            break
    return list(reversed(out))


def _next_text(n: str, pos: int, hi: int) -> int:
    while pos < hi and n[pos] in _QUOTES:
        pos += 1
    return pos


def _org_subject(c: Compiled, doc: Doc, n: str, clause: Tuple[int, int], kinds: Tuple[str, ...] = ()) -> Optional[str]:
    """The organisation a clause is about: one it names, else the main one; when the attribute lists
    ``subject_kinds``, only an organisation of those kinds (or of unknown kind) qualifies."""
    def ok(name: str, kind: str) -> bool:
        return not kinds or not kind or kind in kinds

    for o in doc.within(doc.orgs, doc.org_starts, clause[0], clause[1]):
        nm = org_name(doc, o)
        kind = doc.org_kind.get(nm, o.org_kind)
        return nm if ok(nm, kind) else None
    if doc.main is None:
        return None
    main_kind = doc.org_kind.get(doc.main, c.place_kind)
    heads = kind_heads(c)
    for hm in THE_NOUN.finditer(n, clause[0], clause[1]):
        other = the_kind(heads, hm)
        if other and main_kind and other != main_kind:
            # "the school was inspected" in a council's press release is about the school
            cands = sorted({org_name(doc, o) for o in doc.orgs if doc.org_kind.get(org_name(doc, o), o.org_kind) == other})
            return cands[0] if len(cands) == 1 and ok(cands[0], other) else None
    return doc.main if ok(doc.main, doc.org_kind.get(doc.main, c.place_kind)) else None


_FRAC_OF_TIME = re.compile(r"\s*(?:of\s+)?(?:the\s+)?(?:year|month|decade|century|term|\d{4})\b", re.IGNORECASE)
_PUNCT = re.compile(r"[,;:.()\"]")
_ALPHA = re.compile(r"[A-Za-z]+")


def _judged_org(c: Compiled, vs: ValueSet, doc: Doc, n: str, lo: int, v: int) -> bool:
    """"rated the borough's children's services inadequate": a judging verb whose object, however long,
    is the organisation (a name, a place phrase or an anaphor), then the value."""
    seg_lo = max(lo, v - 70)
    seg = n[seg_lo:v]
    if _PUNCT.search(seg):
        seg_lo = seg_lo + max(seg.rfind(ch) for ch in ",;:.()\"") + 1
    for jm in _ALPHA.finditer(n[seg_lo:v]):
        w = jm.group(0).lower()
        if not (w in vs.before and vs.triggers is not None and vs.triggers.fullmatch(w)):
            continue
        a = seg_lo + jm.end()
        obj = n[a:v].strip()
        if not obj:
            continue
        oa = a + (len(n[a:v]) - len(n[a:v].lstrip()))
        ob = oa + len(obj)
        if c.anaphora_re is not None and c.anaphora_re.fullmatch(n, oa, ob):
            return True
        if any(o.start <= oa + 4 and o.end >= ob - 1 for o in doc.within(doc.orgs, doc.org_starts, max(0, oa - 4), ob + 1)):
            return True
    return False


def _value_ok(c: Compiled, vs: ValueSet, n: str, clause: Tuple[int, int], m: "re.Match[str]",
              doc: Optional[Doc] = None) -> Tuple[bool, float]:
    a = vs.attribute
    phrase = m.group(0)
    lo, hi = clause
    single = len(phrase.split()) == 1
    conf = 0.9
    after_pos = _next_text(n, m.end(), hi)
    if vs.exclude_after is not None and vs.exclude_after.match(n, after_pos):
        return False, 0
    if a.type in ("ordinal", "enum") and _AT_GERUND.match(n, after_pos):  # "good at preventing crime"
        return False, 0
    comp = c.lex.get("comparative")
    if comp is not None:
        w = n[max(lo, m.start() - 25):m.start()].rstrip(_QUOTES)
        cm = None
        for cm in comp.finditer(w):
            pass
        if cm is not None and cm.end() == len(w):
            return False, 0
    if a.type in ("ordinal", "enum") and single and (vs.before or vs.after is not None):
        prev = _prev_words(n, lo, m.start(), 2, c.words["filler"])
        ok = bool(prev) and (prev[-1] in vs.before or " ".join(prev[-2:]) in vs.before)
        if not ok and vs.after is not None:
            ok = bool(vs.after.match(n, after_pos)) or bool(re.match(r"[A-Z]\w+\s+", n[after_pos:after_pos + 30]) and vs.after.match(n, after_pos + len(re.match(r"[A-Z]\w+\s+", n[after_pos:after_pos + 30]).group(0))))
        if not ok and vs.triggers is not None:
            # "rated the council inadequate": a judging verb, its object, then the value
            far = _prev_words(n, lo, m.start(), 4, c.words["filler"])
            seg = n[max(lo, m.start() - 50):m.start()]
            ok = (not re.search(r"[,;:.()\"]", seg[-30:]) and
                  any(w in vs.before and vs.triggers.fullmatch(w) for w in far[:-1]))
            if not ok and doc is not None:
                ok = _judged_org(c, vs, doc, n, lo, m.start())
        if not ok:
            return False, 0
    return True, conf


def _disjoint(vs: ValueSet, n: str, matches: List["re.Match[str]"]) -> set:
    """Indices of matches joined to another value by 'or' ("good or outstanding")."""
    bad = set()
    for i in range(len(matches) - 1):
        gap = n[matches[i].end():matches[i + 1].start()]
        if re.fullmatch(r"[\s'\",]*(?:or|and/or|nor)[\s'\"]*", gap, re.IGNORECASE):
            bad.update((i, i + 1))
    return bad


def frames(c: Compiled, doc: Doc, n: str, clause: Tuple[int, int], sentence: Tuple[int, int],
           context: Tuple[int, int], carried_entity: Optional[Mention],
           pre: Optional[Sequence[List["re.Match[str]"]]] = None,
           sent_ents: Optional[Sequence[Mention]] = None) -> List[Frame]:
    """Frames of the scale/lifecycle/event attributes in one clause.

    ``context`` is the text span searched for triggers of multi-word values (the sentence and up to
    two before it); ``carried_entity`` is the last lifecycle entity of the previous clauses.
    """
    out: List[Frame] = []
    lo, hi = clause
    ents = None if sent_ents is None else [e for e in sent_ents if lo <= e.start and e.end <= hi]
    for vi, vs in enumerate(c.valuesets):
        a = vs.attribute
        if vs.regex is None:
            continue
        if pre is not None:
            ms = [m for m in pre[vi] if lo <= m.start() and m.end() <= hi]
        else:
            ms = list(vs.regex.finditer(n, lo, hi))
        strong: set = set()
        for rx in vs.patterns:  # the pack's own patterns: their match is its own context
            for pm in rx.finditer(n, lo, hi):
                g = "value" if "value" in rx.groupindex and pm.group("value") else 0
                if key(pm.group(g)) not in vs.canon:
                    continue
                h = Hit(pm.start(g), pm.end(g), pm.group(g))
                if any(x.start() < h.end() and h.start() < x.end() for x in ms):
                    ms = [x for x in ms if not (x.start() < h.end() and h.start() < x.end())]
                ms.append(h)
                strong.add(id(h))
        if not ms:
            continue
        ms.sort(key=lambda x: x.start())
        bad = _disjoint(vs, n, ms) if a.type in ("ordinal", "enum") else set()
        dirs: Optional[List[Tuple[str, int, int]]] = None
        triggered: Optional[bool] = None  # a trigger word in the clause (looked up once, on demand)
        for i, m in enumerate(ms):
            if i in bad:
                continue
            if id(m) in strong:
                ok, conf = True, 0.9
            else:
                ok, conf = _value_ok(c, vs, n, clause, m, doc)
            if not ok:
                continue
            if a.requires_trigger and vs.triggers is not None and id(m) not in strong:
                if triggered is None:
                    triggered = vs.triggers.search(n, lo, hi) is not None
                if not triggered:
                    if len(m.group(0).split()) > 1 and vs.triggers.search(n, context[0], context[1]):
                        conf -= 0.1
                    else:
                        continue
            value = vs.canon[key(m.group(0))]
            direction = None
            best = None
            if dirs is None:  # the clause's direction words, found once for all its values
                dirs = [(d, dm.start(), dm.end()) for d, rx in vs.directions for dm in rx.finditer(n, lo, hi)]
            for d, ds, de in dirs:
                dist = min(abs(ds - m.end()), abs(m.start() - de))
                if best is None or dist < best[0]:
                    best = (dist, d)
            if best is not None:
                direction = best[1]
            subj = None
            sspan = None
            if a.subject == "organisation":
                subj = _org_subject(c, doc, n, clause, a.subject_kinds)
            elif a.subject == "entity":
                if ents is None:
                    ents = doc.entities(lo, hi)
                cands = [e for e in ents if e.entity is not None and (a.name in e.entity.attributes or e.entity.kind in a.subject_kinds)
                         and not (e.start <= m.start() < e.end)]
                if cands:
                    e = min(cands, key=lambda e: (min(abs(e.start - m.end()), abs(m.start() - e.end)), e.start))
                    subj, sspan = scoped(doc, e.entity), (e.start, e.end)  # type: ignore[arg-type]
                elif carried_entity is not None and carried_entity.entity is not None and a.name in carried_entity.entity.attributes:
                    # only when the clause points back at it: "the plans had been shelved", "it was scrapped"
                    ref = c.lex.get("lifecycle_reference")
                    same_sentence = carried_entity.start >= sentence[0]
                    # ... or names it as the object right after the verb: "announced the company"
                    if same_sentence or (ref is not None and (ref.search(n, lo, m.start())
                                                              or ref.match(n, _next_text(n, m.end(), hi)))):
                        subj = scoped(doc, carried_entity.entity)
                        conf -= 0.15
            if not subj:
                continue
            out.append(Frame(a.name, subj, value, (m.start(), m.end()), direction=direction, confidence=conf,
                             rule=f"{a.pack}:{a.name}", kind=a.type, needs_time=a.needs_time, subject_span=sspan,
                             weak=key(m.group(0)) in vs.weak))
    return out


def _num(c: Compiled, s: str) -> Optional[float]:
    k = key(s)
    if k in c.numword:
        return c.numword[k]
    try:
        return float(s.replace(",", ""))
    except ValueError:
        return None


def quantities(c: Compiled, doc: Doc, n: str, clause: Tuple[int, int], times: Sequence[TimeSpan],
               nums: Optional[Sequence["re.Match[str]"]] = None, sent_ents: Optional[Sequence[Mention]] = None,
               mults: Optional[Sequence["re.Match[str]"]] = None) -> List[Frame]:
    """Figures in a clause tied to a declared measure: shares, counts, changes, amounts, ratios."""
    lo, hi = clause
    out: List[Frame] = []
    ents = None if sent_ents is None else [e for e in sent_ents if lo <= e.start and e.end <= hi]
    if ents is not None and not any(e.entity is not None and e.entity.kind == "measure" or (e.entity is not None and set(e.entity.attributes) & set(c.quantity_attrs)) for e in ents):
        return out
    units = c.groups["unit"]
    hedge_re = c.group_re["hedge"]
    change_re = c.group_re["change"]
    ratio_re = c.group_re["ratio"]
    nb = c.words.get("number_not_before", frozenset())
    frac_re = c.group_re.get("fraction")
    fracs = [fm for fm in frac_re.finditer(n, lo, hi)] if frac_re is not None else []
    for m in (nums if nums is not None else c.number_re.finditer(n, lo, hi)):
        if not (lo <= m.start() and m.end() <= hi):
            continue
        a, b = m.span()
        if any(t.span and t.span[0] < b and a < t.span[1] for t in times):
            continue
        if any(fm.start() < b and a < fm.end() for fm in fracs):
            continue  # "one in three" is a fraction, not the counts 1 and 3
        raw = m.group("num")
        val = _num(c, raw)
        if val is None:
            continue
        cur = m.group("cur")
        unit_w = m.group("unit")
        unit = units.get(key(unit_w)) if unit_w else None
        if cur:
            unit = units.get(key(cur), unit)
        scale = m.group("scale")
        if scale:
            val *= float(c.groups["scale"].get(key(scale), 1))
        prev = n[max(lo, a - 20):a].lower()
        pw = _TOKEN.findall(prev)
        if pw and pw[-1] in nb or re.search(r"(?:section|s\.|no\.)\s*$", prev):
            continue
        if re.match(r"-?\s*(?:year|th\b|st\b|nd\b|rd\b|am\b|pm\b|o'clock)", n[b:b + 10], re.IGNORECASE):
            continue
        if not cur and not unit and re.fullmatch(r"\d{4}", raw) and 1800 <= val <= 2100:
            continue
        if re.match(r"[:/.]\d", n[b:b + 2]):
            continue
        qualifier = None
        if hedge_re is not None:
            for hm in hedge_re.finditer(n, max(lo, a - 25), a):
                if n[hm.end():a].strip() == "":
                    qualifier = c.canon_group("hedge", hm.group(0))
        pred = None
        direction = None
        if ratio_re is not None and not unit and ratio_re.match(n, _skip_ws(n, b)):
            pred = "ratio"
        elif unit in ("%", "percentage points"):
            pred = "share"
            window_before = n[max(lo, a - 40):a]
            cm_before = None
            if change_re is not None:
                for cm in change_re.finditer(window_before):
                    if _PHRASAL_UP.search(window_before, 0, cm.end()) and cm.group(0).lower() == "up":
                        continue  # "make up 45 per cent" is a share, not a rise
                    cm_before = cm
            cm_after = change_re.match(n, _skip_ws(n, b)) if change_re is not None else None
            if cm_after is None and change_re is not None:
                # "a 40 per cent increase" / "40 per cent rise"
                cm_after = change_re.match(n, _skip_ws(n, b))
            if cm_before is not None and re.fullmatch(r"\s*(?:by\s+)?(?:(?:about|around|almost|nearly|over|more than|some|approximately|just)\s+)*", window_before[cm_before.end():], re.IGNORECASE):
                pred = "change"
                direction = c.canon_group("change", cm_before.group(0))
            elif cm_before is not None and re.fullmatch(r"\s*to\s+(?:(?:about|around|almost|nearly|over|more than)\s+)*", window_before[cm_before.end():], re.IGNORECASE):
                pred = "share"
                direction = c.canon_group("change", cm_before.group(0))
            elif cm_after is not None:
                pred = "change"
                direction = c.canon_group("change", cm_after.group(0))
            if unit == "percentage points":
                pred = "change"
            if pred == "change" and direction == "down":
                val = -val
        elif unit in ("GBP", "USD", "EUR"):
            pred = "amount"
        elif unit is None:
            if val <= 0 or val != int(val):
                continue
            pred = "count"
        else:
            continue
        attr = c.quantity_attrs.get(pred)
        if attr is None:
            continue
        if ents is None:
            ents = doc.entities(lo, hi)
        cands = [e for e in ents if e.entity is not None and pred in e.entity.attributes]
        if not cands:
            continue
        if pred == "count":
            # a count sits next to its measure: "360 social workers", "social workers, of whom there are about 360",
            # or is where its measure moved: "Referrals ... rose from 410 a month in 2017 to 480"
            cands = [e for e in cands if 0 <= e.start - b <= 2 or _adjacent_back(n, e.end, a)
                     or _moved_to(n, e.end, start_of_hedge(hedge_re, n, lo, a), change_re)]
            if not cands:
                continue
            if not (0 <= cands[0].start - b <= 2 or _adjacent_back(n, cands[0].end, a)) and direction is None:
                cm = change_re.search(n, cands[0].end, a) if change_re is not None else None
                if cm is not None:
                    direction = c.canon_group("change", cm.group(0))
        e = min(cands, key=lambda e: (min(abs(e.start - b), abs(a - e.end)), e.start))
        if scoped(doc, e.entity) is None:  # type: ignore[arg-type]
            continue
        start = a
        if qualifier is not None and hedge_re is not None:
            for hm in hedge_re.finditer(n, max(lo, a - 25), a):
                if n[hm.end():a].strip() == "":
                    start = hm.start()
        prior = bool(_FROM_BEFORE.search(n, max(lo, start - 30), start)) and (
            change_re is not None and change_re.search(n, lo, start) is not None)
        out_unit = unit if pred != "count" else "count"
        if pred == "ratio":
            out_unit = "x"
        out.append(Frame(pred, scoped(doc, e.entity), val, (start, b), unit=out_unit, qualifier=qualifier,  # type: ignore[arg-type]
                         direction=direction, confidence=0.85, rule=f"{attr.pack}:{pred}", kind="quantity", prior=prior))
    for fm in fracs:  # "a third of", "one in five", "half of": a share
        if "share" not in c.quantity_attrs or any(t.span and t.span[0] < fm.end() and fm.start() < t.span[1] for t in times):
            continue
        if _FRAC_OF_TIME.match(n[fm.end():fm.end() + 12]):
            continue  # "the second half of 2018"
        if ents is None:
            ents = doc.entities(lo, hi)
        cands = [e for e in ents if e.entity is not None and "share" in e.entity.attributes]
        if not cands:
            continue
        e = min(cands, key=lambda e: (min(abs(e.start - fm.end()), abs(fm.start() - e.end)), e.start))
        if scoped(doc, e.entity) is None:  # type: ignore[arg-type]
            continue
        qualifier = None
        start = fm.start()
        if hedge_re is not None:
            for hm in hedge_re.finditer(n, max(lo, fm.start() - 25), fm.start()):
                if n[hm.end():fm.start()].strip() == "":
                    qualifier, start = c.canon_group("hedge", hm.group(0)), hm.start()
        val = float(c.canon_group("fraction", fm.group(0)) or 0)
        if not 0 < val < 100:
            continue
        out.append(Frame("share", scoped(doc, e.entity), val, (start, fm.end()), unit="%", qualifier=qualifier,  # type: ignore[arg-type]
                         confidence=0.8, rule=f"{c.quantity_attrs['share'].pack}:share", kind="quantity"))
    mult = c.group_re.get("multiply")
    if mult is not None:
        for mm in (mults if mults is not None else mult.finditer(n, lo, hi)):
            if not (lo <= mm.start() and mm.end() <= hi):
                continue
            if ents is None:
                ents = doc.entities(lo, hi)
            cands = [e for e in ents if e.entity is not None and "change" in e.entity.attributes]
            if not cands or "change" not in c.quantity_attrs:
                continue
            factor = float(c.canon_group("multiply", mm.group(0)) or 1)
            e = min(cands, key=lambda e: (min(abs(e.start - mm.end()), abs(mm.start() - e.end)), e.start))
            if scoped(doc, e.entity) is None:  # type: ignore[arg-type]
                continue
            out.append(Frame("change", scoped(doc, e.entity), round((factor - 1) * 100, 6), mm.span(), unit="%",  # type: ignore[arg-type]
                             direction="up" if factor > 1 else "down", confidence=0.8,
                             rule=f"{c.quantity_attrs['change'].pack}:change", kind="quantity"))
    return out


_MOVED = re.compile(r"(?:\s+[\w'-]+){0,14}?\s+(?:from|to)\s+(?:an?\s+average\s+of\s+|(?:about|around|almost|nearly|over|more\s+than|some|just)\s+)?$",
                    re.IGNORECASE)


def start_of_hedge(hedge_re, n: str, lo: int, a: int) -> int:
    """Where a figure starts once a hedge right before it ("about 40") is counted in."""
    if hedge_re is not None:
        for hm in hedge_re.finditer(n, max(lo, a - 25), a):
            if n[hm.end():a].strip() == "":
                return hm.start()
    return a


def _moved_to(n: str, ent_end: int, num_start: int, change_re) -> bool:
    """"Referrals to children's social care rose from 410 ... to 480", "Caseloads have fallen to 16 from
    24": the measure is the subject of a change verb and the figure its start or end point (no
    punctuation between, at most a few words)."""
    gap = n[ent_end:num_start]
    if not 0 < len(gap) <= 90 or re.search(r"[,;:.()\"]", gap) or change_re is None:
        return False
    cm = change_re.search(gap)
    if cm is None:
        return False
    return bool(_MOVED.fullmatch(gap))


def _skip_ws(n: str, i: int) -> int:
    while i < len(n) and n[i] in " \t":
        i += 1
    return i


def _adjacent_back(n: str, ent_end: int, num_start: int) -> bool:
    gap = n[ent_end:num_start]
    return 0 <= len(gap) <= 40 and bool(re.fullmatch(r",?\s*(?:of\s+whom|of\s+which)?\s*(?:there\s+(?:are|were|is)\s+)?(?:(?:about|around|almost|nearly|over|more than|some|approximately|just|only)\s+)*", gap, re.IGNORECASE))
