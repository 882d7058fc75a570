"""Estimated publication range of an undated article, inferred only from its own time expressions.

Three kinds of evidence, each general (no source, place or phrase list):

* **lower bound**: an absolute time the text speaks of in the past (tense at the expression,
  :func:`consistency.timex.tense_at`) happened before publication, so the article is no earlier
  than its start; an event offset ("just over a year after ... early 2013") shifts it (2014);
* **upper bound**: an absolute time spoken of in the future ("will ... by April 2021") had not
  ended when the article was written, so the article is no later than its end ("will ... after
  X" bounds nothing, nor does a past "had closed by 2015");
* **pin**: a relative year ("the inspection last year", "three years ago") that shares a content
  word with an absolute one elsewhere ("an inspection in early 2013") fixes the publication year
  (2013 + 1). Words in more than four sentences (the article's subject) do not link; conflicting
  pins cancel each other.

The result is the tightest closed range these give, with a one-sentence basis naming the phrases.
With no upper bound (or nothing at all) the text does not date the article: ``None``, never a guess.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Dict, List, Optional, Sequence, Set, Tuple

from .model import Sentence, Source, TimeSpan
from .timex import Anchor, next_previous, tag, tense_at

__all__ = ["estimate"]

_REL_YEAR = re.compile(
    r"^(?:(?P<w>later|earlier)\s+this\s+year|(?P<r>this|last|next)\s+year"
    r"|(?:\w+\s+(?:of\s+)?)?(?P<r2>this|last|next)\s+year"
    r"|(?P<n>a|an|one|two|three|four|five|six|seven|eight|nine|ten|\d{1,2})\s+years?\s+ago)$",
    re.I,
)
_NUMS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
_WORD = re.compile(r"[A-Za-z][A-Za-z’'-]+")
_STOP = frozenset(
    """the and but for with from that this these those which who whom whose their there they them then than
    have has had was were been being will would could should shall into onto over under about after before
    during following since until while when where what year years month months week weeks last next later
    earlier early late ago said says say also just more most some such very said told its it's our your
    his her hers him she he we us you not no nor only other another each every both first second third
    time times today yesterday january february march april may june july august september october
    november december spring summer autumn winter""".split()
)
_WINDOW = 6  # content words either side of an expression that may link it to another


def _stems(text: str, start: int, end: int) -> Set[str]:
    """Content-word stems (first 6 letters) within a few words either side of text[start:end]."""
    before = _WORD.findall(text[max(0, start - 80):start])[-_WINDOW:]
    after = _WORD.findall(text[end:end + 80])[:_WINDOW]
    out = set()
    for w in before + after:
        lw = w.lower().strip("’'")
        if len(lw) >= 4 and lw not in _STOP:
            out.add(lw[:6])
    return out


def _topic_stems(sentences: Sequence[Sentence]) -> Set[str]:
    """Stems in more than four sentences (the subject, the organisation): too common to link two times."""
    counts: Dict[str, int] = {}
    for sent in sentences:
        for st in {w.lower().strip("’'")[:6] for w in _WORD.findall(sent.text) if len(w) >= 4}:
            counts[st] = counts.get(st, 0) + 1
    return {st for st, n in counts.items() if n > 4}


def _year_offset(text: str) -> Optional[int]:
    """Publication year minus the year a relative expression names ("last year" -> 1), if it names one."""
    m = _REL_YEAR.match(" ".join(text.split()))
    if m is None:
        return None
    r = (m.group("r") or m.group("r2") or "").lower()
    if m.group("w") or r == "this":
        return 0
    if r == "last":
        return 1
    if r == "next":
        return -1
    n = m.group("n").lower()
    return int(n) if n.isdigit() else _NUMS[n]


def estimate(source: Source, sentences: Sequence[Sentence]) -> Optional[Tuple[Tuple[date, date], str]]:
    """A closed publication range for an undated article and the phrases it rests on, or ``None``."""
    if source.published is not None:
        return None
    text = source.text
    anchor = Anchor()
    previous: Optional[TimeSpan] = None
    lower: List[Tuple[date, str]] = []
    upper: List[Tuple[date, str]] = []
    relative: List[Tuple[TimeSpan, int, Set[str]]] = []
    absolute: List[Tuple[TimeSpan, Set[str]]] = []
    for sent in sentences:
        if source.in_furniture(sent.start, sent.end):
            continue
        spans = tag(sent.text, anchor, offset=sent.start, previous=previous)
        if spans:
            previous = next_previous(spans)
        for sp in spans:
            assert sp.span is not None
            a, b = sp.span[0] - sent.start, sp.span[1] - sent.start
            if sp.start is None or sp.end is None:
                off = _year_offset(sp.text)
                if off is not None:
                    relative.append((sp, off, _stems(sent.text, a, b)))
                continue
            if tense_at(sent.text, a, b) == "future":
                if sp.modifier != "after":  # "will reopen after 2020" does not say when it was written
                    upper.append((sp.end, _describe(sp, spans)))
            elif sp.modifier in ("by", "before"):
                pass  # "had closed by 2015": happened no later than 2015, which bounds nothing
            elif not (sp.anchor == "previous" and sp.modifier in ("about", "less than")):
                # "about six months after X" may be a little under: only X itself bounds it then
                lower.append((sp.start, _describe(sp, spans)))
                if sp.anchor == "absolute" and sp.start.year == sp.end.year:
                    absolute.append((sp, _stems(sent.text, a, b)))
    pins: Dict[int, Tuple[str, str]] = {}
    topic = _topic_stems(sentences) if relative and absolute else set()
    for rel, off, rstems in relative:
        for ab, astems in absolute:
            if (rstems & astems) - topic:
                assert ab.start is not None
                pins.setdefault(ab.start.year + off, (_quote(text, rel), _quote(text, ab)))
    lo = max(lower, default=None)
    hi = min(upper, default=None)
    parts: List[str] = []
    start = lo[0] if lo else None
    end = hi[0] if hi else None
    if lo:
        parts.append(f"{lo[1]} -> on or after {lo[0].isoformat()}")
    if len(pins) == 1:
        (year, (rq, aq)), = pins.items()
        ps, pe = date(year, 1, 1), date(year, 12, 31)
        s2 = max(ps, start) if start else ps
        e2 = min(pe, end) if end else pe
        if s2 <= e2:
            start, end = s2, e2
            parts.append(f"{rq} matches {aq} -> published in {year}")
        else:
            parts.append(f"{rq} matches {aq} but contradicts the other dates (ignored)")
    elif len(pins) > 1:
        parts.append("relative years point to " + ", ".join(str(y) for y in sorted(pins)) + " (ignored)")
    if hi and (end is None or hi[0] <= end):
        parts.append(f"{hi[1]} still ahead -> no later than {hi[0].isoformat()}")
    if start is None or end is None or start > end:
        return None
    later = [d for d, _ in lower if d > end]
    if later:
        return None
    basis = "; ".join(parts)
    if lo and lo[0] <= end:
        basis += f"; no date later than {end.year} mentioned as past"
    return (start, end), basis


def _describe(sp: TimeSpan, spans: Sequence[TimeSpan]) -> str:
    """The phrase, and for an event offset the time it hangs on: "'early 2013' + 'just over a year after'"."""
    own = "'" + " ".join(sp.text.split()) + "'"
    if sp.anchor != "previous":
        return own
    i = spans.index(sp)
    base = next((o for o in list(spans[i + 1:]) + list(reversed(spans[:i])) if o.anchor == "absolute"), None)
    return f"'{' '.join(base.text.split())}' + {own}" if base is not None else own


def _quote(text: str, sp: TimeSpan) -> str:
    """The expression with a few words before it, e.g. "'the Ofsted inspection last year'"."""
    assert sp.span is not None
    s = sp.span[0]
    words = list(_WORD.finditer(text, max(0, s - 40), s))[-3:]
    head = text[words[0].start():s] if words and "\n" not in text[words[0].start():s] else ""
    return "'" + " ".join((head + sp.text).split()) + "'"
