"""Sentence segmentation with exact character offsets into the original text.

One pass over lines with precompiled patterns. Units never cross a blank line. Within a
paragraph every line is its own unit unless the paragraph is hard-wrapped prose, or the line
starts in lower case after an unfinished line (then lines join); bullets (``•``, ``-``, ``*``, ``1.``, ``a)``) are always their own units, with the marker
left out of the span. Units are cut into sentences at ``.``, ``!``, ``?`` or ``…`` (with any
closing quotes or brackets, which stay with the sentence they close) followed by a space and an
uppercase letter, digit or opening quote, except after titles and abbreviations (Dr, Mrs, Cllr,
St, e.g., No. 10, initials such as "J. Smith", "U.K." before a name).

Decisions:

* Quotations are cut into their sentences too (``He said: "We will.`` / ``It is done."``); the
  quote marks stay attached. A sentence that begins with an opening quote, or inside an open
  double quotation, has ``kind="quote"`` (speaker attribution is the extractor's job).
* ``kind="heading"``: a paragraph's first line, at most 12 words, without final punctuation
  (a short question standing alone counts too), or a Markdown ``#`` heading.
* ``kind="bullet"``: each list item (or each sentence of a multi-sentence item).
* A line without a final full stop is still a sentence (its line end closes it).
* ``paragraph`` counts blank-line-separated blocks: from 0 in :func:`split`; in
  :func:`segment` the title line is paragraph 0 and the body starts at 1.
"""

from __future__ import annotations

import re
from typing import List, Optional, Tuple

from .model import Sentence, Source

__all__ = ["split", "segment"]

_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_LINE = re.compile(r"[^\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]*(?:\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029])?")
_BULLET = re.compile(r"(?:[•●▪‣◦∙·*\-–—]|\d{1,3}[.)]|\(\d{1,3}\)|[a-z]\)|\([a-z]\))\s+")
_MD_HEADING = re.compile(r"#{1,6}\s+")
_END = re.compile(r"[.!?…]+(?:[\"'”’»)\]]+[.!?…]*)*")
_DQ = re.compile(r"[“”\"]")
_OPENERS = "\"'“‘«([¿¡"
_CLOSERS = "\"'”’»)]"
_TERMINAL_CHARS = ".!?…:;,"

# Never the end of a sentence when a word follows: titles and Latin abbreviations.
_NEVER = frozenset(
    """dr mr mrs ms mx messrs cllr coun prof rev revd fr sr sgt insp supt det con capt col gen lt maj cmdr
    brig adm gov sen rep hon rt st mt ch dept no nos vol vols fig figs para paras art cl sch reg approx
    vs v cf viz ca c e.g i.e eg ie""".split()
)
# Abbreviations that may also end a sentence: they do only when a common sentence opener follows.
_AMBIGUOUS = frozenset(
    """etc inc ltd co corp plc llp bros jr snr jnr al a.m p.m am pm jan feb mar apr jun jul aug sep sept oct nov
    dec mon tue tues wed thu thur thurs fri sat sun est approx""".split()
)
_STARTERS = frozenset(
    """the a an it its he she they we i you this that these those there here but and however in on at as after
    before since when while if his her their our my one two three some many most all none not no for from by
    with what who why how where last next earlier later meanwhile also so yet both each every other such
    then today yesterday mr mrs ms dr cllr prof sir dame lord lady""".split()
)


class _State:
    __slots__ = ("para", "pending", "seen")

    def __init__(self, para: int) -> None:
        self.para = para
        self.pending = False
        self.seen = False


def _wrapped(lines: List[Tuple[int, int, bool]], text: str) -> bool:
    """Hard-wrapped prose: several lines of similar width (40-100) with a break mid-sentence."""
    if len(lines) < 2:
        return False
    lens = [b - a for a, b, _ in lines]
    mx = max(lens)
    if mx > 100 or mx < 40:
        return False
    if any(n < 0.5 * mx for n in lens[:-1]):
        return False
    return any(text[b - 1] not in _TERMINAL_CHARS and text[b - 1] not in _CLOSERS for _, b, _ in lines[:-1])


def _is_heading(text: str, a: int, b: int, alone: bool) -> bool:
    s = text[a:b]
    if len(s) > 100:
        return False
    core = s.rstrip(_CLOSERS)
    if not core:
        return False
    words = s.count(" ") + 1
    last = core[-1]
    if last == "?" and alone and words <= 10:
        return True
    return words <= 12 and last not in _TERMINAL_CHARS and any(c.isalpha() for c in s)


def _cut(text: str, a: int, b: int) -> List[Tuple[int, int]]:
    """Sentence spans within the stripped unit [a, b)."""
    out: List[Tuple[int, int]] = []
    start = a
    for m in _END.finditer(text, a, b):
        e = m.end()
        if e >= b:
            break
        if not text[e].isspace():
            continue
        j = e + 1
        while j < b and text[j].isspace():
            j += 1
        if j >= b:
            break
        n = text[j]
        if not (n.isupper() or n.isdigit() or n in _OPENERS):
            continue
        if m.end() - m.start() == 1 and text[m.start()] == ".":
            k = m.start()
            while k > start and not text[k - 1].isspace():
                k -= 1
            tok = text[k : m.start()].lstrip(_OPENERS)
            low = tok.lower()
            if low in _NEVER:
                continue
            if low == "no" and n.isdigit():
                continue
            if low in _AMBIGUOUS or (len(tok) == 1 and tok.isupper()) or ("." in tok and len(tok) <= 12 and tok[-1:].isalpha()):
                w = j + 1 if n in _OPENERS else j
                x = w
                while x < b and text[x].isalpha():
                    x += 1
                if text[w:x].lower() not in _STARTERS:
                    continue
        out.append((start, e))
        start = j
    out.append((start, b))
    return out


def _paragraph(text: str, lines: List[Tuple[int, int, bool]], para: int, out: List[Sentence]) -> None:
    units: List[List] = []  # [start, end, kind, lines]
    wrapped = _wrapped(lines, text)
    for a, b, indented in lines:
        mb = _BULLET.match(text, a, b)
        if mb is not None and mb.end() < b:
            units.append([mb.end(), b, "bullet", 1])
            continue
        mh = _MD_HEADING.match(text, a, b) if text[a] == "#" else None
        if mh is not None and mh.end() < b:
            units.append([mh.end(), b, "heading", 1])
            continue
        if units:
            last = units[-1]
            if (
                (last[2] == "bullet" and indented)
                or (wrapped and last[2] == "text")
                # a line that starts in lower case continues an unfinished line
                or (last[2] == "text" and text[a].islower() and text[last[1] - 1] not in _TERMINAL_CHARS)
            ):
                last[1] = b
                last[3] += 1
                continue
        units.append([a, b, "text", 1])
    # Double-quote state through the paragraph.
    quotes = [(m.start(), text[m.start()]) for m in _DQ.finditer(text, lines[0][0], lines[-1][1])]
    qi = 0
    inside = False
    for ui, (a, b, kind, nlines) in enumerate(units):
        if kind == "heading" or (
            kind == "text" and ui == 0 and nlines == 1 and _is_heading(text, a, b, len(units) == 1)
        ):
            out.append(Sentence(a, b, text[a:b], para, "heading"))
            continue
        for s, e in _cut(text, a, b):
            while qi < len(quotes) and quotes[qi][0] < s:
                q = quotes[qi][1]
                inside = True if q == "“" else False if q == "”" else not inside
                qi += 1
            k = kind
            if k == "text":
                k = "quote" if inside or text[s] in "“\"‘«" else "sentence"
            out.append(Sentence(s, e, text[s:e], para, k))


def _region(text: str, start: int, end: int, st: _State, out: List[Sentence]) -> None:
    lines: List[Tuple[int, int, bool]] = []
    pos = start
    match = _LINE.match
    while pos < end:
        m = match(text, pos, end)
        nxt = m.end()  # type: ignore[union-attr]
        if nxt == pos:
            break
        ce = nxt
        while ce > pos and text[ce - 1] in _BREAKS:
            ce -= 1
        seg = text[pos:ce]
        s = seg.strip()
        if s:
            ls = pos + len(seg) - len(seg.lstrip())
            lines.append((ls, ls + len(s), ls > pos))
        else:
            if lines:
                _flush(text, lines, st, out)
                lines = []
            # a whitespace-only line (not the tail of a line cut at ``start``) ends a paragraph
            if pos == 0 or (text[pos - 1] in _BREAKS and not (text[pos - 1] == "\r" and text[pos] == "\n")):
                st.pending = True
        pos = nxt
    if lines:
        _flush(text, lines, st, out)


def _flush(text: str, lines: List[Tuple[int, int, bool]], st: _State, out: List[Sentence]) -> None:
    if st.seen and st.pending:
        st.para += 1
    st.pending = False
    st.seen = True
    _paragraph(text, lines, st.para, out)


def split(text: str, start: int = 0, end: Optional[int] = None) -> List[Sentence]:
    """Sentences (and headings, bullets) of ``text[start:end]``, offsets into ``text``."""
    n = len(text)
    end = n if end is None else max(0, min(end, n))
    start = max(0, min(start, end))
    out: List[Sentence] = []
    _region(text, start, end, _State(0), out)
    return out


def _title_sentence(source: Source) -> Optional[Sentence]:
    title = source.title
    if not title or source.body_start <= 0:
        return None
    i = source.text.find(title, 0, source.body_start)
    if i < 0:
        return None
    return Sentence(i, i + len(title), title, 0, "heading")


def segment(source: Source) -> Tuple[Sentence, ...]:
    """The body's sentences, skipping page furniture; the title line first as a heading, if any.

    The title is emitted (paragraph 0, ``kind="heading"``) only when it is a line of the text
    before ``body_start``; a title derived from the first sentence is not repeated.
    """
    text = source.text
    out: List[Sentence] = []
    t = _title_sentence(source)
    if t is not None:
        out.append(t)
    st = _State(1)
    pos = min(source.body_start, len(text))
    for a, b in source.furniture:
        if b <= pos:
            continue
        if a > pos:
            _region(text, pos, a, st, out)
        # a blank line inside the furniture still separates paragraphs
        if st.seen and _has_blank(text, max(a, pos), b):
            st.pending = True
        pos = max(pos, b)
    if pos < len(text):
        _region(text, pos, len(text), st, out)
    return tuple(out)


_BLANK = re.compile(r"(?:\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029])[^\S\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]*(?:\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029])")


def _has_blank(text: str, a: int, b: int) -> bool:
    return _BLANK.search(text, a, b) is not None
