"""Claims: turn one document into the dated factual claims it makes, driven by the rule packs.

``extract(source, ruleset, sentences=None)`` is a pure function of (document, rules): sentences
(page furniture skipped), time expressions anchored on the article's date, then per clause the
attribute frames the packs declare, with subject, modality, speaker, time and the exact quote.
``resolve(claims, ruleset)`` canonicalises organisation names across documents.
"""

from __future__ import annotations

import re
from typing import List, Optional, Sequence, Tuple

import attrs

from ..model import Claim, Sentence, Source, TimeSpan
from ..rulepack import RuleSet
from .. import timex
from .compiled import Compiled, compiled, matches_at, normalise
from .modality import SpeechIndex, decide, speaker_at, speech_regions
from .resolve import resolve
from .roles import roles
from .subjects import Mention, scan_document
from .values import Frame, frames, quantities

__all__ = ["extract", "resolve", "MIN_CONFIDENCE", "clauses"]

#: claims below this confidence are dropped (precision over recall)
MIN_CONFIDENCE = 0.5

#: tag every sentence's times in turn instead of only those a claim uses (same claims, slower:
#: the reference the tests hold the lazy path to)
EAGER_TIMES = False

_AUX = r"(?:is|are|was|were|has|have|had|will|would|could|should|must|may|might)"
#: where a sentence splits into clauses: ", but", "; ", ", and", " then ", ", while", " and <verb>".
#: Written as one leading "[,;\s]" and, for each form, a lookbehind on that character (same
#: matches as the plain alternation ",?\s+but\s+|;\s+|...", in the same order), so ``re`` skips
#: to commas, semicolons and spaces instead of trying every form at every character
_CLAUSE = re.compile(
    r"[,;\s](?:(?<=,)\s+but\s+|(?<=\s)\s*but\s+|(?<=;)\s+|(?<=,)\s+and\s+(?!then\b)|(?<=,)\s+then\s+"
    r"|(?<=\s)\s*then\s+|(?<=,)\s+while\s+|(?<=,)\s+whereas\s+"
    rf"|(?<=\s)\s*and\s+(?={_AUX}\b|[\w'-]+\s+{_AUX}\b|(?:an?|the|its|their|his|her)\s+(?:[\w'-]+\s+){{2,3}}{_AUX}\b))",
    re.IGNORECASE,
)


def clauses(n: str, start: int, end: int) -> List[Tuple[int, int]]:
    """Split a sentence at ", but", "; ", ", and", " then " (offsets into the text)."""
    out = []
    pos = start
    for m in _CLAUSE.finditer(n, start, end):
        if m.start() > pos:
            out.append((pos, m.start()))
        pos = m.end()
    if pos < end:
        out.append((pos, end))
    return out or [(start, end)]


def _trim(text: str, a: int, b: int) -> Tuple[int, int]:
    while a < b and text[a] in " \t\n\r,;:-–—":
        a += 1
    while b > a and text[b - 1] in " \t\n\r,;:":
        b -= 1
    return a, b


def _nearest(times: Sequence[TimeSpan], a: int, b: int, lo: int, hi: int, unresolved: bool = False) -> Optional[TimeSpan]:
    best = None
    for t in times:
        if t.span is None or not (lo <= t.span[0] and t.span[1] <= hi):
            continue
        if t.start is None and t.end is None and not unresolved:
            continue  # an unresolved time ("nine months after") dates nothing
        d = max(0, t.span[0] - b, a - t.span[1])
        if best is None or d < best[0]:
            best = (d, t)
    return best[1] if best else None


def _published_time(source: Source) -> Tuple[Optional[TimeSpan], str]:
    if source.published is not None:
        return TimeSpan(source.published, source.published, "day", text="", anchor="published"), "published"
    if source.published_range is not None:
        a, b = source.published_range
        return TimeSpan(a, b, "range" if a != b else "day", text="", approximate=True, anchor="estimated"), "estimated"
    return None, "none"


def extract(source: Source, ruleset: RuleSet, sentences: Optional[Sequence[Sentence]] = None) -> List[Claim]:
    """The claims one document makes, in text order (deterministic; never raises on odd text)."""
    if sentences is None:
        from ..sentences import segment

        sentences = segment(source)
    c = compiled(ruleset)
    text = source.text
    n = normalise(text)
    sents = [s for s in sentences if s.end <= len(text) and not source.in_furniture(s.start, s.end)]
    doc = scan_document(c, n, sents)
    regions = SpeechIndex(speech_regions(c, doc, text, n, sents))  # indexed: linear in document length
    anchor = timex.Anchor(published=source.published,
                          estimated=source.published_range if source.published is None else None)
    pub_time, pub_basis = _published_time(source)
    out: List[Claim] = []
    previous: Optional[TimeSpan] = None
    carried_entity: Optional[Mention] = None
    carry_re = c.lex.get("carry")
    mult_re = c.group_re.get("multiply")
    k = len(sents)
    has_patterns = any(vs.patterns for vs in c.valuesets)
    # one pass of each pattern over the whole text, bucketed by sentence
    vals: List[List[list]] = [[[] for _ in c.valuesets] for _ in range(k)]
    for vi, vs in enumerate(c.valuesets):
        if vs.index is None:
            continue
        for h in doc.hits.get(vi, ()):
            i = doc.sentence_of(h.start(), h.end())
            if i >= 0:
                vals[i][vi].append(h)
    ents: List[list] = [[] for _ in range(k)]
    for e in doc.ents:
        ents[doc.sentence_of(e.start, e.end)].append(e)
    nums: List[list] = [[] for _ in range(k)]
    mults: List[list] = [[] for _ in range(k)]
    if c.numstart is not None:
        starts = c.number_starts(n)
        words = [h.start() for h in doc.hits.get("numword", ())]
        for m in matches_at(c.number_re, n, sorted(starts + words) if words else starts):
            i = doc.sentence_of(m.start(), m.end())
            if i >= 0:
                nums[i].append(m)
    if mult_re is not None:
        for m in matches_at(mult_re, n, [h.start() for h in doc.hits.get("multiply", ())]):
            i = doc.sentence_of(m.start(), m.end())
            if i >= 0:
                mults[i].append(m)
    frac_re = c.group_re.get("fraction")
    heads_re = _heads_re(c)
    heads_in = set()  # sentences holding "the notice", "the visit"...: one pass over the document
    if heads_re is not None:
        for m in heads_re.finditer(n):
            i = doc.sentence_of(m.start(), m.end())
            if i >= 0:
                heads_in.add(i)
    last_event: dict = {}  # head noun ("notice", "visit") -> the last event named with it
    people = [0] * k
    for p in doc.persons:
        i = doc.sentence_of(p.start, p.end)
        if i >= 0:
            people[i] += 1
    in_list = False  # inside a bulleted list introduced by a line ending in ":"
    # a sentence is tagged only when its times are used; the chain of "previous" times through the
    # sentences skipped meanwhile is caught up when the next one is (same times as tagging them all)
    pending: List[int] = []

    def tag_now(si: int) -> List[TimeSpan]:
        nonlocal previous
        if pending:
            previous = _catch_up(sents, pending, anchor, previous)
            pending.clear()
        return timex.tag(sents[si].text, anchor, offset=sents[si].start, previous=previous)

    for si, s in enumerate(sents):
        times: Optional[List[TimeSpan]] = tag_now(si) if EAGER_TIMES else None
        item = _BULLET.search(n, max(0, s.start - 4), s.start + 2) is not None
        in_list = item and si > 0 and (in_list or n[sents[si - 1].start:sents[si - 1].end].rstrip().endswith(":"))
        context = (sents[max(0, si - 2)].start, s.end)
        frames_here: List[Tuple[Frame, Tuple[int, int]]] = []
        pre = vals[si]
        sent_ents = ents[si]
        fraction = bool(sent_ents) and frac_re is not None and frac_re.search(n, s.start, s.end) is not None
        if any(pre) or has_patterns or ((nums[si] or mults[si] or fraction) and sent_ents):
            for cl in clauses(n, s.start, s.end):
                fs = frames(c, doc, n, cl, (s.start, s.end), context, carried_entity, pre, sent_ents) if any(pre) or has_patterns else []
                if (nums[si] or mults[si] or fraction) and sent_ents:
                    if times is None:
                        times = tag_now(si)
                    fs += quantities(c, doc, n, cl, times, nums[si], sent_ents, mults[si])
                for f in fs:
                    frames_here.append((f, cl))
                here = [e for e in sent_ents if cl[0] <= e.start and e.end <= cl[1] and _carries(c, e)]
                if here:
                    carried_entity = here[-1]
        elif sent_ents:
            here = [e for e in sent_ents if _carries(c, e)]
            if here:
                carried_entity = here[-1]
        # a sentence cut inside a word ends where the whole-text pass sees no word boundary: ask it alone
        if heads_re is not None and (si in heads_in or (_WORDCHAR.match(n, s.end) is not None
                                                        and heads_re.search(n, s.start, s.end))):
            frames_here += _event_references(n, s, frames_here, last_event, heads_re)
        for f, _ in frames_here:
            if f.kind == "event":
                for w in (n[f.span[0]:f.span[1]].lower().split()[-1:] + str(f.value).lower().split()[-1:]):
                    last_event[w] = f
        frames_here = _drop_generic_events(_drop_subject_nominals(c, frames_here))
        if frames_here and times is None:
            times = tag_now(si)
        own = _share_times(frames_here, times, anchor, pub_time) if frames_here else {}
        if times and frames_here and ", who " in n[s.start:s.end]:
            _skip_relative_times(n, s, frames_here, times, own)
        for fi, (f, cl) in enumerate(frames_here):
            rival = any(g.predicate == f.predicate and g.subject == f.subject and str(g.value) != str(f.value)
                        for g, _ in frames_here)
            claim = _claim(c, source, text, n, s, f, cl, own.get(fi, times), previous, regions, carry_re, pub_time, pub_basis,
                           rival, in_list)
            if claim is not None:
                out.append(claim)
        if people[si]:
            for r in roles(c, doc, n, s):
                a, b = _trim(text, *r.span)
                if a >= b:
                    continue
                line, col = source.line_col(a)
                rt, rbasis = pub_time, (pub_basis if pub_time else "none")
                if r.since is not None:  # "became director this month": dated by its own time
                    if times is None:
                        times = tag_now(si)
                    st = [t for t in times if t.start is not None and t.span and r.since[0] <= t.span[0] and t.span[1] <= r.since[1]]
                    if st:
                        rt, rbasis = st[0], "stated"
                out.append(Claim(
                    source=source.id, subject=r.person, predicate="role", value=r.value, quote=text[a:b], span=(a, b),
                    time=rt, time_basis=rbasis, modality="fact",
                    rule="core:role", confidence=r.confidence, published=source.published,
                    published_range=source.date_range, line=line, column=col,
                ))
        if times is None:
            pending.append(si)
        else:
            for t in times:
                if t.start is not None:
                    previous = t
    return _dedupe(source, out)


def _catch_up(sents: Sequence[Sentence], pending: Sequence[int], anchor: "timex.Anchor",
              previous: Optional[TimeSpan]) -> Optional[TimeSpan]:
    """The last resolved time after the untagged sentences ``pending`` (in order), as tagging each
    in turn would leave it: walk back to the latest with a resolved time, tagging each alone; when
    one hangs on an earlier time ("since then"), tag them all in order from ``previous``."""
    for j in reversed(pending):
        alone = timex.tag_alone(sents[j].text, anchor, offset=sents[j].start)
        if alone is None:
            break
        for t in reversed(alone):
            if t.start is not None:
                return t
    else:
        return previous
    for j in pending:
        for t in timex.tag(sents[j].text, anchor, offset=sents[j].start, previous=previous):
            if t.start is not None:
                previous = t
    return previous


def _carries(c: Compiled, e: Mention) -> bool:
    """Can a later "it"/"the plans" point back to this mention? Only things with a non-quantity
    attribute (a trust's status): "caseloads of 25 social workers" does not replace the trust."""
    return e.entity is not None and any(a not in c.quantity_attrs for a in e.entity.attributes)


def _gap(t: TimeSpan, f: "Frame") -> int:
    return max(0, t.span[0] - f.span[1], f.span[0] - t.span[1]) if t.span else 10 ** 9


def _share_times(frames_here: List[Tuple["Frame", Tuple[int, int]]], times: Sequence[TimeSpan],
                 anchor: "timex.Anchor", pub_time: Optional[TimeSpan]) -> dict:
    """One time, two values of one attribute in a clause ("fell to 25 per cent from 38 per cent a year
    earlier", "rated good, the first time since 2015 it was not inadequate"): the time dates only the
    value nearest to it; the other is read without it. Returns frame index -> the times it may use."""
    groups: dict = {}
    for i, (f, cl) in enumerate(frames_here):
        if f.kind not in ("event", "lifecycle"):  # a lifecycle pair ("announced ... would be formed") is plan and target
            groups.setdefault((cl, f.predicate, f.subject), []).append(i)
    own: dict = {}
    claimed: list = []
    for idxs in groups.values():
        if len(idxs) < 2 or len({str(frames_here[i][0].value) for i in idxs}) < 2:
            continue
        by_time: dict = {}
        follows = _following_times(frames_here, idxs, times)
        for i, t in follows.items():  # "rose from 410 a month in 2017 to 480 a month last year"
            own[i] = [t]
            for j in idxs:
                if j != i and j not in follows:
                    own[j] = [x for x in own.get(j, times) if x is not t]
        for i in idxs:
            if i in follows:
                continue
            f, cl = frames_here[i]
            t = _nearest(own.get(i, times), f.span[0], f.span[1], cl[0], cl[1], unresolved=True)
            if t is not None:
                by_time.setdefault(id(t), (t, []))[1].append(i)
        for t, members in by_time.values():
            if len(members) < 2:
                continue
            keep = min(members, key=lambda i: (_gap(t, frames_here[i][0]), i))
            for i in members:
                if i != keep:
                    own[i] = [x for x in own.get(i, times) if x is not t]
            claimed.append((t, keep))
            if (t.anchor == "previous" or t.start is None) and pub_time is not None and t.span is not None and t.text:
                # "from 38 per cent a year earlier" beside a figure of today: earlier than the
                # article's date, not than whatever time the previous sentence named
                re_t = timex.tag(t.text, anchor, offset=t.span[0], previous=pub_time)
                if re_t and re_t[0].start is not None:
                    own[keep] = [re_t[0] if x is t else x for x in own.get(keep, times)]
    # "employs 182 social workers, of whom 38 per cent ..., compared with 50 per cent in 2016": the
    # time that dates the past figure of a pair does not date another figure farther from it
    for t, keep in claimed:
        kcl = frames_here[keep][1]
        for i, (f, cl) in enumerate(frames_here):
            if i != keep and cl == kcl and f.kind == "quantity" and _gap(t, f) > _gap(t, frames_here[keep][0]):
                own[i] = [x for x in own.get(i, times) if x is not t]
    return own


_WHO = re.compile(r",\s+who\s+[^,;.]*", re.IGNORECASE)


def _skip_relative_times(n: str, s: Sentence, frames_here: List[Tuple["Frame", Tuple[int, int]]],
                         times: Sequence[TimeSpan], own: dict) -> None:
    """"Owen Price, who joined in 2017, said the share had fallen to 9 per cent": a time inside a
    relative clause about a person dates that clause, not a value outside it."""
    rel = [m.span() for m in _WHO.finditer(n, s.start, s.end)]
    inside = [t for t in times if t.span and any(a <= t.span[0] and t.span[1] <= b for a, b in rel)]
    if not inside:
        return
    for i, (f, _cl) in enumerate(frames_here):
        if any(a <= f.span[0] and f.span[1] <= b for a, b in rel):
            continue
        own[i] = [t for t in own.get(i, times) if t not in inside]


def _following_times(frames_here: List[Tuple["Frame", Tuple[int, int]]], idxs: List[int],
                     times: Sequence[TimeSpan]) -> dict:
    """Figures of one measure each followed closely by their own time ("410 a month in 2017 to 480 a
    month last year"): figure index -> that time. Only when every figure of the group has one, so a
    lone trailing time ("25 per cent from 38 per cent a year earlier") still goes to the nearest."""
    if any(frames_here[i][0].kind != "quantity" for i in idxs):
        return {}
    spans = sorted(frames_here[i][0].span for i in idxs)
    out: dict = {}
    for i in idxs:
        f, cl = frames_here[i]
        nxt = min((sp[0] for sp in spans if sp[0] >= f.span[1]), default=cl[1])
        after = [t for t in times if t.span is not None and t.start is not None and f.span[1] <= t.span[0] < nxt
                 and t.span[1] <= cl[1] and t.span[0] - f.span[1] <= 25]
        if not after:
            return {}
        out[i] = after[0]
    return out


def _drop_subject_nominals(c: Compiled, frames_here: List[Tuple["Frame", Tuple[int, int]]]) -> List[Tuple["Frame", Tuple[int, int]]]:
    """"Plans for a trust have been scrapped": the nominal ("plans for") names the thing the verb
    acts on; with another lifecycle value of the same subject in the clause, only the verb counts."""
    out = []
    for f, cl in frames_here:
        if f.weak and f.kind == "lifecycle" and any(
                g is not f and g.kind == "lifecycle" and not g.weak and g.subject == f.subject and g.predicate == f.predicate
                and str(g.value) != str(f.value) and cl2 == cl for g, cl2 in frames_here):
            continue
        out.append((f, cl))
    return out


_HEADS_RE: dict = {}


def _heads_re(c: Compiled) -> Optional["re.Pattern[str]"]:
    """"the notice", "the visit": head nouns of an event attribute's multi-word names that are not
    names themselves; such a phrase points back to the event last named with that head."""
    got = _HEADS_RE.get(id(c))
    if got is None or got[0] is not c:
        heads = set()
        for vs in c.valuesets:
            if vs.attribute.type == "event":
                for k in vs.canon:
                    ws = k.split()
                    if len(ws) > 1 and ws[-1] not in vs.canon and ws[-1].isalpha():
                        heads.add(ws[-1])
        # "the|this|that" written as "[tT]" plus a lookbehind, so ``re`` can skip to a "t"
        rx = re.compile(r"[tT](?<!\w[tT])(?i:he|his|hat)\s+(?i:(" + "|".join(sorted(heads)) + r"))\b") if heads else None
        got = (c, rx)
        _HEADS_RE[id(c)] = got
    return got[1]


def _event_references(n: str, s: Sentence, frames_here, last_event: dict, rx) -> list:
    """Frames for "The notice was issued on 14 March": the event last named with that head noun."""
    out = []
    for m in rx.finditer(n, s.start, s.end):
        f = last_event.get(m.group(1).lower())
        if f is None or any(g.predicate == f.predicate and g.span[0] < m.end() and m.start() < g.span[1]
                            for g, _ in frames_here):
            continue
        cl = next(((a, b) for a, b in clauses(n, s.start, s.end) if a <= m.start() < b), (s.start, s.end))
        out.append((attrs.evolve(f, span=(m.start(1), m.end(1)), confidence=f.confidence - 0.1, subject_span=None), cl))
    return out


def _drop_generic_events(frames_here: List[Tuple["Frame", Tuple[int, int]]]) -> List[Tuple["Frame", Tuple[int, int]]]:
    """"The inspection, in January, was the first full inspection since ...": a generic event name
    ("inspection") beside a specific one it ends ("full inspection") in one sentence is the same event."""
    out = []
    for f, cl in frames_here:
        v = str(f.value)
        if f.kind == "event" and any(
                g.kind == "event" and g.predicate == f.predicate and g.subject == f.subject
                and str(g.value) != v and str(g.value).endswith(" " + v) for g, _ in frames_here):
            continue
        out.append((f, cl))
    return out


_PERFECT = re.compile(r"\b(?:has|have)\s+(?:now\s+|already\s+|finally\s+|formally\s+|officially\s+)?(?:been\s+)?$", re.IGNORECASE)

_ART = re.compile(r"\s*(?:(?:a|an|the|its|their|new|fresh|second|formal|statutory)\s+)*$", re.IGNORECASE)
_VERB = re.compile(r"[a-z]+(?:ed|en|t)\s*$", re.IGNORECASE)


def _verb_before(n: str, lo: int, v: int) -> int:
    """Where the participle right before an event's noun phrase starts ("has issued |an improvement
    notice"), so that "has issued" can be found before it; else ``v``."""
    m = _ART.search(n, lo, v)
    head = m.start() if m else v
    vm = _VERB.search(n, max(lo, head - 20), head)
    return vm.start() if vm else v


_WORDCHAR = re.compile(r"\w")
_BULLET = re.compile(r"(?:^|\n)[ \t]*[-\u2022*\u2013][ \t]+(?=\w)")
_WORD_BEFORE = re.compile(r"([A-Za-z]+)\s+(?:on\s+|last\s+|this\s+)?$")


def _after_speech(c: Compiled, n: str, t: TimeSpan) -> bool:
    """Is this time right after a speech verb ("said on Monday", "confirmed last week")?"""
    if t.span is None:
        return False
    m = _WORD_BEFORE.search(n, max(0, t.span[0] - 24), t.span[0])
    return m is not None and m.group(1).lower() in c.words["speech"]


_PAST_PERIOD = re.compile(r"(?:(?:over|in|during|for|across)\s+)?the\s+(?:past|last|previous)\s+(?:\w+\s+)?(?:years?|months?|weeks?|days?|decades?)\b", re.IGNORECASE)
_INFINITIVE = re.compile(r"(?<![\w-])to\s+(?=\w)", re.IGNORECASE)
_BOUNDARY = re.compile(r"(?<![\w-])(?:after|following|before|prior\s+to|ahead\s+of|prompted\s+by|in\s+the\s+wake\s+of)\b", re.IGNORECASE)


def _claim(c: Compiled, source: Source, text: str, n: str, s: Sentence, f: Frame, cl: Tuple[int, int],
           times: Sequence[TimeSpan], previous: Optional[TimeSpan], regions, carry_re,
           pub_time: Optional[TimeSpan], pub_basis: str, rival: bool = False, list_item: bool = False) -> Optional[Claim]:
    conf = f.confidence
    if f.kind in ("event", "lifecycle") and times:
        # "confirmed on Tuesday that a commissioner had been appointed": Tuesday dates the statement
        # (a trailing "..., have been scrapped, the council confirmed on Tuesday" still dates it)
        times = [x for x in times if not (x.span is not None and x.span[1] <= f.span[0] and _after_speech(c, n, x))]
    t = _nearest(times, f.span[0], f.span[1], cl[0], cl[1])
    basis = "stated"
    blocked = False
    if t is not None and t.span is not None and t.span[1] <= f.span[0] and _BOUNDARY.search(n, t.span[1], f.span[0]):
        # "announced in March 2018 after Ofsted rated it inadequate": the rating came before March 2018
        t, blocked = None, True
    if t is not None and t.anchor == "previous":
        basis, conf = "carried", conf - 0.1
    if t is None and cl[0] > s.start and not blocked:
        # a sentence-initial time ("In 2013, X was inspected and was rated ...") covers later clauses
        for tt in times:
            if tt.span is not None and tt.start is not None and tt.span[1] <= cl[0] and tt.span[0] - s.start <= 12:
                t, conf = tt, conf - 0.05
                break
    if t is None:
        # a time carried over: "since then", "at the time", "as a result"
        cm = carry_re.search(n, cl[0], cl[1]) if carry_re is not None else None
        if cm is None and carry_re is not None and cl[0] > s.start:
            cm = carry_re.search(n, s.start, cl[0])
        if (cm is not None or list_item) and previous is not None:
            # "They found:" then "- an overspend of £3.2m": a list item is told at the time of its lead-in
            t, basis, conf = previous, "carried", conf - 0.15
    if t is None and rival and f.kind not in ("event", "lifecycle"):
        for bm in _BOUNDARY.finditer(n, cl[0], f.span[0]):
            if "," not in n[bm.end():f.span[0]]:
                # "upgraded to requires improvement, two years after it was rated inadequate": the
                # sentence tells of a change, so the value after "after" is the past one, time unknown
                blocked = True
    if t is None and f.prior:
        return None  # "fell to 25 per cent from 38 per cent": 38 held earlier, when is not said
    if t is None:
        if f.needs_time or blocked and f.kind not in ("event", "lifecycle"):
            return None  # a state or figure told as background to a dated event: its time is unknown
        if f.kind in ("lifecycle", "event") and not blocked and pub_time is not None and _PERFECT.search(
                n, max(cl[0], f.span[0] - 40), f.span[0] if f.kind == "lifecycle" else _verb_before(n, cl[0], f.span[0])):
            # "plans have been scrapped", "has issued an improvement notice": done by the article's date, day unknown
            t = TimeSpan(pub_time.start, pub_time.end, pub_time.granularity, text="", modifier="by",
                         approximate=pub_time.approximate, anchor=pub_time.anchor)
            basis, conf = pub_basis, conf - 0.05
        elif f.kind in ("event", "lifecycle"):
            t, basis, conf = None, "none", conf - 0.05
        else:
            t, basis = pub_time, pub_basis if pub_time is not None else "none"
            conf -= 0.05
    if f.kind == "quantity" and f.predicate != "change" and basis == "stated" and t is not None and t.text \
            and _PAST_PERIOD.match(t.text) and pub_time is not None:
        # "rose from 410 to 480 over the past two years": the level reached holds now, not all period long
        t, basis = pub_time, pub_basis
    reported, speaker = speaker_at(regions, f.span[0], f.span[1])
    future = False
    if t is not None and basis == "stated" and f.kind in ("event", "lifecycle") and t.start is not None:
        ref = source.published or (source.published_range[1] if source.published_range else None)
        future = ref is not None and t.start > ref
    attr = c.ruleset.attribute(f.predicate)
    plan_ok = not (attr is not None and attr.type == "lifecycle" and attr.role_of(f.value) in ("plan", "reversed", "revived"))
    modality, qual, ndir = decide(c, n, cl, f.span, reported, future, plan_ok)
    if modality in ("fact", "reported") and attr is not None and attr.type == "lifecycle" \
            and attr.role_of(f.value) in ("start", "realised") and _INFINITIVE.search(n, max(cl[0], f.span[0] - 4), f.span[0] + 3):
        modality = "plan"  # "agreed last month to set up a board": an infinitive tells an intention, not a deed
    if modality in ("plan", "prediction") and f.kind == "quantity" and t is not None and basis == "stated" \
            and t.end is not None and t.modifier not in ("by", "from") and source.published is not None and t.end < source.published:
        modality = "reported" if reported else "fact"  # "forecasts £4.8m this year, against £3.9m last year": the past figure is a fact
    if f.weak and basis != "stated" and modality not in ("plan", "prediction"):
        return None  # "the creation of X" with no time and no plan: done, doing or planned? unknown
    if modality == "negated" and t is not None and basis == "stated" and t.span is not None and pub_time is not None \
            and "," in n[min(t.span[1], f.span[1]):max(t.span[0], f.span[0])]:
        # "A trust, announced in September 2017, has still not been set up": the denial holds now
        t, basis = pub_time, pub_basis
    if modality == "plan" and t is not None and basis == "stated" and t.end is not None and t.modifier != "by":
        ref = source.published or (source.published_range[0] if source.published_range else None)
        if ref is not None and t.end < ref:  # a past time dates the decision, not the plan's target
            # (a past deadline, "was due to open by April 2018", stays: the plan may have missed it)
            later = [x for x in times if x.start is not None and x.span is not None and x.start > ref
                     and cl[0] <= x.span[0] and x.span[1] <= cl[1] and x.span[0] >= f.span[1]]
            # "agreed on Tuesday to transfer the service in April 2020": the target is the later time
            t, basis = (later[0], "stated") if later else (None, "none")
    direction = f.direction
    if ndir:
        direction = ndir
    elif direction == "no_longer" and modality != "negated":
        direction = None  # "no longer inadequate ... found it required improvement": the new value did not stop
    qualifier = f.qualifier if f.qualifier else qual
    if f.kind == "quantity" and qual == "not":
        qualifier = "not"
        conf -= 0.1
    if modality == "plan" and qual == "not":
        conf -= 0.1
    if conf < MIN_CONFIDENCE:
        return None
    a, b = _trim(text, cl[0], cl[1])
    if a >= b:
        return None
    line, col = source.line_col(a)
    return Claim(
        source=source.id, subject=f.subject, predicate=f.predicate, value=f.value, quote=text[a:b], span=(a, b),
        time=t, time_basis=basis if t is not None else "none", modality=modality, speaker=speaker, unit=f.unit,
        qualifier=qualifier, direction=direction, rule=f.rule, confidence=round(max(0.0, min(1.0, conf)), 3),
        published=source.published, published_range=source.date_range, line=line, column=col,
    )


def _dedupe(source: Source, claims: List[Claim]) -> List[Claim]:
    """One claim per fact: drop headline claims the body repeats, and repeated identical lines."""
    def ident(c: Claim) -> tuple:
        # a headline states as fact what the body attributes ("..., the council confirmed")
        return (c.subject, c.predicate, str(c.value), c.unit, "fact" if c.modality == "reported" else c.modality, c.qualifier)

    def loose(c: Claim) -> tuple:
        # a headline compresses: "pledges 'good' rating by 2017" restates the body's plan (same target) as a fact
        return (c.subject, c.predicate, str(c.value), c.unit, c.modality == "negated", c.qualifier,
                c.time.label() if c.time is not None and c.time_basis == "stated" else None)

    body = {ident(c) for c in claims if c.span[0] >= source.body_start}
    body_loose = {loose(c) for c in claims if c.span[0] >= source.body_start}
    seen_quotes = set()
    out = []
    for c in sorted(claims, key=lambda c: (c.span[0], c.span[1], c.predicate, c.subject, str(c.value))):
        if c.span[0] < source.body_start and (ident(c) in body or (c.modality == "fact" and loose(c) in body_loose)):
            continue
        k = (ident(c), c.time.label() if c.time else None, c.time_basis, c.direction)
        if k in seen_quotes:
            continue
        seen_quotes.add(k)
        out.append(c)
    return out
