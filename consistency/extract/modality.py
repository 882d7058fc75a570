"""Modality and speakers: whose claim it is (the writer's, or someone quoted) and how it is held
(fact, plan, prediction, negated, reported).

Decisions (documented in docs/rulepacks.md):
* a claim inside double-quoted speech, or after "X said (that)", or before ", X said", is
  ``reported`` with X as speaker; a quote paragraph that opens without attribution continues
  the previous speaker;
* precedence: prediction > plan > negated > reported > fact (the speaker is kept whatever wins);
* a negated prediction ("did not expect ... 'good'") keeps modality ``prediction`` with
  qualifier ``not``; a negated plan is ``plan`` with qualifier ``not``;
* "no longer X" is ``negated`` with direction ``no_longer``.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from typing import Iterator, List, Optional, Sequence, Tuple

import attrs

from ..model import Sentence
from .compiled import Compiled
from .subjects import Doc

__all__ = ["Speech", "SpeechIndex", "speech_regions", "speaker_at", "decide"]


@attrs.frozen(slots=True)
class Speech:
    start: int
    end: int
    speaker: Optional[str]


_QCHARS = re.compile('[“”"]')
_PRON = re.compile(r"(?<![\w])(?:she|he|they)(?![\w])", re.IGNORECASE)
_WORD = re.compile(r"[\w'-]+")
# a negation does not reach into a subordinate clause: "no longer inadequate after a re-inspection"
_SUBORDINATE = re.compile(r"(?<![\w-])(?:after|following|before|because|when|which|who|until|although|whereas|while|since)\b",
                          re.IGNORECASE)
_NP_END = re.compile(r"(?:^|\s)((?:the|a)\s+[a-z][\w'-]*(?:\s+[a-z][\w'-]*){0,2})\s*$", re.IGNORECASE)


def _speaker_in(c: Compiled, doc: Doc, n: str, a: int, b: int, last_person: Optional[str], prefer_last: bool = True) -> Optional[str]:
    """Who an attribution span [a, b) names: a person, an organisation, a body, or a pronoun."""
    people = doc.within(doc.persons, doc.person_starts, a, b)
    if people:
        p = people[-1] if prefer_last else people[0]
        return doc.person_name(p.name)
    ents = [e for e in doc.entities(a, b) if e.entity is not None and not e.entity.scoped]
    orgs = doc.within(doc.orgs, doc.org_starts, a, b)
    if orgs:
        o = orgs[-1] if prefer_last else orgs[0]
        return doc.places.get(o.name, o.name) if o.kind == "place" else o.name
    if ents:
        return ents[-1].name
    if c.anaphora_re is not None and c.anaphora_re.search(n, a, b) and doc.main:
        return doc.main
    if _PRON.search(n, a, b) and last_person:
        return last_person
    seg = n[a:b].strip(" ,:;\"'")
    m = _NP_END.search(seg)
    if m:
        return m.group(1).lower()
    return None


def speech_regions(c: Compiled, doc: Doc, text: str, n: str, sentences: Sequence[Sentence]) -> List[Speech]:
    """Spans of quoted or attributed speech with their speakers, in document order."""
    out: List[Speech] = []
    last_person: Optional[str] = None
    last_speaker: Optional[str] = None
    open_at: Optional[int] = None
    open_para = -1
    pending_speaker: Optional[str] = None
    verbs: dict = {}
    if c.speech_index is not None:
        for h in doc.hits.get("speech", ()):
            i = doc.sentence_of(h.start(), h.end())
            if i >= 0:
                verbs.setdefault(i, []).append(h)
    quotes = [m.start() for m in _QCHARS.finditer(text)]  # one pass; each sentence takes its slice
    ppl_at: dict = {}
    for p in doc.persons:
        i = doc.sentence_of(p.start, p.end)
        if i >= 0:
            ppl_at.setdefault(i, []).append(p)
    for h in doc.hits.get("according", ()):
        i = doc.sentence_of(h.start(), h.end())
        if i < 0:
            continue
        s = sentences[i]
        stop = n.find(",", h.end(), s.end)
        spk = _speaker_in(c, doc, n, h.end(), stop if stop > 0 else s.end, None, prefer_last=False)
        if spk:
            if h.start() - s.start > 3:  # "X, according to Y" : X is Y's
                out.append(Speech(s.start, h.start(), spk))
            else:  # "According to Y, X"
                out.append(Speech(stop if stop > 0 else h.end(), s.end, spk))
    for si, s in enumerate(sentences):
        if s.kind == "heading":
            continue
        if open_at is not None and s.paragraph != open_para:
            out.append(Speech(open_at, max(open_at, s.start - 1), pending_speaker))
            open_at = None
        # attribution in this sentence outside quotes
        sp_m = None
        for m in verbs.get(si, ()):
            if open_at is None and not _inside_quotes(text, s.start, m.start()):
                sp_m = m
                break
        ppl = ppl_at.get(si, ())
        if sp_m is not None:
            cut = n.rfind(",", s.start, sp_m.start())
            lead_words = len(_WORD.findall(n[cut + 1:sp_m.start()])) if cut >= 0 else 99
            after_words = _WORD.findall(n[sp_m.end():s.end])
            named_first = any(p.start - s.start <= 25 and p.end <= cut for p in ppl)  # "Jane Doe, the director, said ..."
            if (cut > s.start and lead_words <= 4 and len(after_words) <= 12 and not named_first
                    and not n[cut + 1:sp_m.start()].strip().endswith(":")):
                # trailing attribution: "..., said Jane Roe, the chief executive." / "..., the council said."
                spk = (_speaker_in(c, doc, n, cut + 1, sp_m.start(), last_person)
                       or _speaker_in(c, doc, n, sp_m.end(), s.end, last_person, prefer_last=False))
                if spk:
                    out.append(Speech(s.start, cut, spk))
                    last_speaker = spk
            else:
                # leading attribution: "X said (that) ...", "X, the director, said: ..."
                spk = _speaker_in(c, doc, n, s.start, sp_m.start(), last_person)
                if spk is None and len(after_words) <= 5:
                    spk = _speaker_in(c, doc, n, sp_m.end(), s.end, last_person, prefer_last=False)
                    if spk:  # "... say Ofsted inspectors." without a comma
                        out.append(Speech(s.start, sp_m.start(), spk))
                elif spk and n[sp_m.end():s.end].strip():
                    out.append(Speech(sp_m.end(), s.end, spk))
                if spk:
                    last_speaker = spk
        if ppl:
            last_person = doc.person_name(ppl[-1].name)
        # quotes inside the sentence
        for i in quotes[bisect_left(quotes, s.start):bisect_left(quotes, s.end)]:
            ch = text[i]
            if ch in "“\"" and open_at is None and not (ch == '"' and _closing_context(text, i)):
                open_at = i + 1
                open_para = s.paragraph
                attrib = _speaker_in(c, doc, n, s.start, i, last_person) if sp_m is not None and sp_m.start() < i else None
                if attrib is None and sp_m is not None and sp_m.start() < i and last_speaker:
                    attrib = last_speaker
                pending_speaker = attrib if attrib else (last_speaker if i == s.start else None)
                if pending_speaker is None and sp_m is not None:
                    pending_speaker = last_speaker
            elif ch in "”\"" and open_at is not None:
                spk = pending_speaker
                if spk is None:  # attribution after the quote: "...," said Mrs Davies.
                    spk = _speaker_in(c, doc, n, i + 1, s.end, last_person, prefer_last=False)
                if len(_WORD.findall(text[open_at:i])) > 4 or spk is not None and pending_speaker is not None:
                    out.append(Speech(open_at, i, spk))
                open_at = None
    if open_at is not None:
        out.append(Speech(open_at, len(text), pending_speaker))
    return out


def _inside_quotes(text: str, a: int, b: int) -> bool:
    seg = text[a:b]
    return seg.count("“") > seg.count("”") or seg.count('"') % 2 == 1


def _closing_context(text: str, i: int) -> bool:
    """A straight quote right after a word character closes rather than opens."""
    return i > 0 and (text[i - 1].isalnum() or text[i - 1] in ".,!?")


class SpeechIndex:
    """Speech regions indexed by start, so that finding the one holding a claim does not scan them
    all (a long article has thousands); the answer is the same as a scan in list order."""

    __slots__ = ("regions", "_starts", "_order", "_long")

    #: regions longer than this are few (a quote never crosses a paragraph) and are scanned
    WINDOW = 4096

    def __init__(self, regions: Sequence[Speech]) -> None:
        self.regions = list(regions)
        short = sorted((r.start, i) for i, r in enumerate(self.regions) if r.end - r.start <= self.WINDOW)
        self._starts = [st for st, _ in short]
        self._order = [i for _, i in short]
        self._long = [i for i, r in enumerate(self.regions) if r.end - r.start > self.WINDOW]

    def __iter__(self) -> Iterator[Speech]:
        return iter(self.regions)

    def __len__(self) -> int:
        return len(self.regions)

    def first(self, a: int, b: int) -> Optional[Speech]:
        """The first region (in list order) with ``start <= a`` and ``b <= end + 1``."""
        regs = self.regions
        best = -1
        # a short region holding [a, b) starts within WINDOW + 1 of b
        lo = bisect_left(self._starts, b - 1 - self.WINDOW)
        hi = bisect_right(self._starts, a)
        for j in range(lo, hi):
            i = self._order[j]
            if b <= regs[i].end + 1 and (best < 0 or i < best):
                best = i
        for i in self._long:
            if best >= 0 and i > best:
                break
            r = regs[i]
            if r.start <= a and b <= r.end + 1:
                best = i
                break
        return regs[best] if best >= 0 else None


def speaker_at(regions: "Sequence[Speech] | SpeechIndex", a: int, b: int) -> Tuple[bool, Optional[str]]:
    """(inside speech?, speaker) for a claim at [a, b): the first region holding it wins."""
    if isinstance(regions, SpeechIndex):
        r = regions.first(a, b)
        return (True, r.speaker) if r is not None else (False, None)
    for r in regions:
        if r.start <= a and b <= r.end + 1:
            return True, r.speaker
    return False, None


_PAST_BOUNDARY = re.compile(r"(?<![\w-])(?:after|following|because|in\s+the\s+wake\s+of|prompted\s+by)\b", re.IGNORECASE)


def _words_between(n: str, a: int, b: int) -> int:
    return len(_WORD.findall(n[a:b]))


def decide(c: Compiled, n: str, clause: Tuple[int, int], v: Tuple[int, int], reported: bool,
           future: bool = False, plan_ok: bool = True) -> Tuple[str, Optional[str], Optional[str]]:
    """(modality, qualifier, direction) of a value at ``v`` inside ``clause``."""
    a, b = clause
    qualifier = None
    direction = None
    neg = False
    rx = c.lex.get("no_longer")
    if rx is not None:
        for m in rx.finditer(n, a, v[0]):
            if _words_between(n, m.end(), v[0]) <= 4 and not _SUBORDINATE.search(n, m.end(), v[0]):
                neg, direction = True, "no_longer"
    rx = c.lex.get("negation")
    if not neg and rx is not None:
        for m in rx.finditer(n, a, v[0]):
            if n[m.end():m.end() + 1] == "-":  # "not-for-profit"
                continue
            if _words_between(n, m.end(), v[0]) <= 6 and not _SUBORDINATE.search(n, m.end(), v[0]):
                neg = True
    pred = c.lex.get("prediction")
    plan = c.lex.get("plan")

    def reaches(m: "re.Match[str]") -> bool:
        # "will be rated good by 2017, after an Ofsted visit in April found ...": a cue before
        # "after"/"following"/"because" does not make the earlier event after it a plan
        return not (m.end() <= v[0] and _PAST_BOUNDARY.search(n, m.end(), v[0]))

    pm = next((m for m in pred.finditer(n, a, b) if reaches(m)), None) if pred is not None else None
    if pm is not None:
        if rx is not None and rx.search(pm.group(0)) and pm.start() < v[0]:
            neg = True  # "did not expect ... good": a negated prediction
        return "prediction", ("not" if neg else None), direction
    intent = c.lex.get("plan_intent")
    if plan_ok:
        planned = plan is not None and any(reaches(m) for m in plan.finditer(n, a, b))
        # an intention word tells of what follows it: "X, the commissioner appointed in January 2016,
        # had recommended in June that ..." does not make the appointment a plan
        planned = planned or (intent is not None and any(reaches(m) and (m.start() < v[1] or _words_between(n, v[1], m.start()) <= 3)
                                                         for m in intent.finditer(n, a, b)))
    else:
        # a claim about a plan itself (announced, shelved, revived) is planned only when a modal
        # stands right before its word: "will be scrapped", "is set to be axed"
        planned = plan is not None and any(v[0] - pm.end() <= 12 for pm in plan.finditer(n, max(a, v[0] - 40), v[0]))
    if future or planned:
        return "plan", ("not" if neg else None), direction
    if neg:
        return "negated", None, direction
    if reported:
        return "reported", None, direction
    return "fact", qualifier, direction
