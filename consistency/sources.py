"""Reading articles: files, folders and stdin; decoding; header metadata; datelines; page furniture.

Everything here turns bytes into :class:`~consistency.model.Source` values. A bad input never
raises out of :func:`load_sources`: it becomes a :class:`~consistency.model.Diagnostic` naming the
file, what went wrong and what to do, and the other inputs still load.

Decisions (documented here because downstream rooms rely on them):

* **Text is kept as decoded**, BOM removed, line endings untouched (``\\r\\n`` stays), so every
  offset indexes ``Source.text`` exactly.
* **Metadata.** Header lines at the very top (``Title:``, ``Published:``/``Date:``,
  ``Source:``/``URL:``; or a ``---`` front-matter block with the same keys) win. Otherwise the
  title is the first heading-like line of the leading block (not a date, not a byline, not
  navigation, no final full stop) and ``published`` is a line that is only a date among the first
  six non-empty lines. Accepted date forms are the unambiguous ones: ``27 April 2016``,
  ``July 29, 2019`` (either with a weekday), and ISO ``2019-07-29``; impossible dates are
  rejected. Undated articles keep ``published=None`` (estimating a range is ``dating.py``'s job).
* **Articles with no title line** (the dateline comes first) get a title *derived* from the first
  sentence of the body, cut at a word boundary to at most :data:`DERIVED_TITLE_CHARS` characters
  with an ellipsis. It is never a line of its own, so ``sentences.segment`` does not emit it.
* **Duplicate ids.** The id is the file stem. When several inputs share a stem, each of them gets
  the shortest trailing part of its path (without extension) that tells them apart, joined with
  ``/`` (``2016/report`` and ``2019/report``); if even the full paths collide (``a.txt`` and
  ``a.md`` in one folder) the file name with its extension is used. Renamed ids are reported as
  ``info`` diagnostics. The result depends only on the set of paths, not on their order.
* **Folders** are walked recursively for ``.txt``/``.md`` (any case), sorted by name; hidden
  files and folders (``.name``) are skipped; a symlink loop is visited once. The same file given
  twice is read once. Stdin (``-``) has id ``stdin`` and path ``<stdin>``.
* **Page furniture** (spans that are not the article) is found with general rules, see
  :func:`find_furniture`. Byline and dateline lines that sit below the body's first line are
  furniture too; above it they are simply before ``body_start``.
"""

from __future__ import annotations

import codecs
import errno
import hashlib
import os
import re
import stat
from datetime import date
from pathlib import Path
from typing import IO, Iterable, Iterator, List, Optional, Sequence, Tuple, Union

import attrs

from .model import Diagnostic, Source

__all__ = [
    "SourceError",
    "load_sources",
    "read_source",
    "source_from_text",
    "decode",
    "parse_date",
    "find_furniture",
    "ARTICLE_SUFFIXES",
    "DERIVED_TITLE_CHARS",
]

#: File suffixes a directory walk picks up (case-insensitive). Files named explicitly load whatever
#: their suffix.
ARTICLE_SUFFIXES = (".txt", ".md")

#: Longest title derived from the first sentence of an article without a title line.
DERIVED_TITLE_CHARS = 90

#: How many non-empty lines at the top are searched for a title, byline and dateline.
_TOP_LINES = 6

PathLike = Union[str, "os.PathLike[str]"]


class SourceError(Exception):
    """An input that cannot be read as an article: names the file, what went wrong and the fix."""

    def __init__(self, path: str, message: str, *, level: str = "error") -> None:
        self.path = path
        self.message = message
        self.level = level
        super().__init__(f"{path}: {message}")

    def diagnostic(self) -> Diagnostic:
        return Diagnostic(self.path, self.message, level=self.level)


# ---------------------------------------------------------------------------------------------
# Decoding
# ---------------------------------------------------------------------------------------------

_MAGIC = (
    (b"%PDF", "a PDF document; extract its text first (for example `pdftotext FILE out.txt`)"),
    (b"PK\x03\x04", "a ZIP archive or Office document; save or export it as plain text (.txt)"),
    (b"\xd0\xcf\x11\xe0", "an old Office document; save it as plain text (.txt)"),
    (b"{\\rtf", "an RTF document; save it as plain text (.txt)"),
    (b"\x89PNG", "a PNG image, not an article; leave it out"),
    (b"\xff\xd8\xff", "a JPEG image, not an article; leave it out"),
    (b"GIF8", "a GIF image, not an article; leave it out"),
    (b"\x1f\x8b", "a gzip archive; decompress it first"),
)

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Characters that do not occur in text: C0/C1 controls except whitespace, and U+FFFD.
_NON_TEXT = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd]")
_BINARY_SHARE = 0.05



#: Largest document read by default (real articles are well under 100 KB); raise it with
#: ``max_bytes=`` / ``--max-bytes`` / ``max-bytes`` in the configuration.
DEFAULT_MAX_BYTES = 5_000_000

def _utf16_without_bom(raw: bytes) -> Optional[str]:
    """'utf-16-le'/'utf-16-be' when NUL bytes sit on one parity only, as in BOM-less UTF-16 text."""
    sample = raw[:8192]
    n = len(sample) // 2
    if n < 2:
        return None
    even = sample[0 : 2 * n : 2].count(0)
    odd = sample[1 : 2 * n : 2].count(0)
    if odd >= 0.3 * n and even <= 0.02 * n:
        return "utf-16-le"
    if even >= 0.3 * n and odd <= 0.02 * n:
        return "utf-16-be"
    return None


def decode(raw: bytes, path: str = "<bytes>") -> Tuple[str, str, List[Diagnostic]]:
    """Decode an article's bytes: ``(text, encoding, warnings)``; raises :class:`SourceError`.

    UTF-8 (BOM removed), UTF-16/32 with a BOM, BOM-less UTF-16 recognised by its NUL pattern,
    else Windows-1252 (Latin-1 for its five undefined bytes) with a warning.
    """
    warnings: List[Diagnostic] = []
    for magic, what in _MAGIC:
        if raw.startswith(magic):
            raise SourceError(path, f"is {what}")
    encoding = ""
    for bom, name in _BOMS:
        if raw.startswith(bom):
            encoding = name
            body = raw[len(bom) :] if name != "utf-8-sig" else raw
            codec = name
            break
    else:
        body = raw
        codec = ""
        if b"\x00" in raw:
            codec = _utf16_without_bom(raw) or ""
            if not codec:
                raise SourceError(
                    path,
                    "looks binary (it contains NUL bytes), not a text article; "
                    "save it as plain UTF-8 text (.txt or .md) or leave it out",
                )
            encoding = codec
    if codec:
        try:
            text = body.decode(codec)
        except UnicodeDecodeError as e:
            raise SourceError(
                path,
                f"starts like {codec.upper()} text but is not valid {codec.upper()} at byte {e.start}; "
                "re-save it as UTF-8 or leave it out",
            ) from None
    else:
        try:
            text = raw.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError as e:
            line = raw.count(b"\n", 0, e.start) + 1
            repaired = _mostly_utf8(raw)
            if repaired is not None:  # UTF-8 with a few corrupt bytes: keep the UTF-8 reading
                text, n_bad = repaired
                warnings.append(
                    Diagnostic(
                        path,
                        f"has {n_bad} byte(s) that are not valid UTF-8 (the first on line {line}); they were replaced "
                        "by U+FFFD and the rest read as UTF-8. Re-save the file as UTF-8 to fix the damaged characters",
                        level="warning",
                        line=line,
                    )
                )
                return _vet_text(text, path), "utf-8", warnings
            try:
                text = raw.decode("cp1252")
                encoding = "cp1252"
            except UnicodeDecodeError:
                text = raw.decode("latin-1")
                encoding = "latin-1"
            warnings.append(
                Diagnostic(
                    path,
                    f"is not valid UTF-8 (first bad byte on line {line}); read it as {encoding}. "
                    "Re-save the file as UTF-8 if accented letters or quotes look wrong",
                    level="warning",
                    line=line,
                )
            )
    return _vet_text(text, path), encoding, warnings


def _vet_text(text: str, path: str) -> str:
    """``text``, unless too many of its characters are control codes (a binary file); raises :class:`SourceError`."""
    sample = text[:65536]
    if sample:
        bad = len(_NON_TEXT.findall(sample))
        if bad > _BINARY_SHARE * len(sample):
            raise SourceError(
                path,
                f"looks binary ({100 * bad // len(sample)}% of its characters are control codes), not a "
                "text article; save it as plain UTF-8 text (.txt or .md) or leave it out",
            )
    return text


#: How to raise the size cap, from each way in (the message is shared by library, command and CI).
_RAISE = " (--max-bytes N on the command line, max-bytes = N in the configuration, max_bytes=N in the library)"


# A well-formed multi-byte UTF-8 sequence (two to four bytes).
_UTF8_MULTI = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]"
    rb"|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)


def _mostly_utf8(raw: bytes) -> Optional[Tuple[str, int]]:
    """``(text, bad bytes)`` when ``raw`` is UTF-8 with a few corrupt bytes (it holds more valid
    multi-byte sequences than invalid bytes); ``None`` when it reads better as a legacy encoding.

    Without this, one stray byte in the middle of a UTF-8 article would turn every curly quote
    and accented letter into mojibake and silently lose the claims that quote them.
    """
    text = raw.decode("utf-8", "replace")
    n_bad = text.count("\ufffd") - raw.count("\ufffd".encode("utf-8"))
    if n_bad <= 0 or len(_UTF8_MULTI.findall(raw)) < n_bad:
        return None
    return text, n_bad


# ---------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------

_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
_WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "friday": 4, "fri": 4, "saturday": 5, "sat": 5,
    "sunday": 6, "sun": 6,
}  # fmt: skip
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_WEEKDAY_RE = "|".join(sorted(_WEEKDAYS, key=len, reverse=True))
_DATE_RE = re.compile(
    rf"""(?ix)
    (?:\b(?P<wd>{_WEEKDAY_RE})\b\.?,?\s+)?
    (?:
        (?:the\s+)?(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m1>{_MONTH_RE})\b\.?,?\s+(?P<y1>\d{{4}})
      | (?P<m2>{_MONTH_RE})\b\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y2>\d{{4}})
      | (?P<y3>\d{{4}})-(?P<m3>\d{{2}})-(?P<d3>\d{{2}})
        (?:[T\s]\d{{2}}:\d{{2}}(?::\d{{2}}(?:\.\d+)?)?(?:\s*(?:Z|UTC|GMT|[+-]\d{{2}}:?\d{{2}}))?)?
    )(?![\d-])
    """
)
_FOUR_DIGITS = re.compile(r"\d{4}")
_SLASH_DATE = re.compile(r"\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b")

# What may surround a date on a dateline: publish/update words, times, zones, separators, a byline.
_DATELINE_EXTRA = re.compile(
    r"""(?ix)
    \b(?:first\s+|last\s+)?(?:published|updated|posted|modified|released|issued|date[d]?)\b(?:\s+on)?:?
    | \b(?:on|at)\b
    | \b\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?\b | \b\d{1,2}\s*[ap]\.?m\.?
    | \b(?:BST|GMT|UTC|CET|CEST|EST|EDT|PST|PDT)\b
    | \bby\s+(?-i:[A-Z])[\w'’.-]*(?:\s+(?:(?-i:[A-Z])[\w'’.-]*|and|&|de|van|von|da|le))*
    | [|,•·–—/()\-]+
    """
)



def parse_date(s: str) -> Optional[date]:
    """The first valid unambiguous date in ``s`` (``27 April 2016``, ``July 29, 2019``, ISO), else None."""
    for m in _DATE_RE.finditer(s):
        d = _match_date(m)
        if d is not None:
            return d
    return None


def _match_date(m: "re.Match[str]") -> Optional[date]:
    g = m.group
    if g("d1"):
        y, mo, d = int(g("y1")), _MONTHS[g("m1").lower()], int(g("d1"))
    elif g("d2"):
        y, mo, d = int(g("y2")), _MONTHS[g("m2").lower()], int(g("d2"))
    else:
        y, mo, d = int(g("y3")), int(g("m3")), int(g("d3"))
    if y < 1000:
        return None
    try:
        return date(y, mo, d)
    except ValueError:  # 29 February 2015, 31 April: rejected, never repaired
        return None


def _dateline(line: str) -> Tuple[Optional[date], Optional[str]]:
    """If ``line`` is only a date (plus publish words, time, byline), its date and a weekday warning."""
    if len(line) > 120 or _FOUR_DIGITS.search(line) is None:  # every date form has a 4-digit year
        return None, None
    m = _DATE_RE.search(line)
    if m is None:
        return None, None
    d = _match_date(m)
    if d is None:
        return None, None
    rest = line[: m.start()] + " " + line[m.end() :]
    rest = _DATELINE_EXTRA.sub(" ", rest)
    if rest.strip(" \t\r\n.:;*_#"):
        return None, None
    warn = None
    wd = m.group("wd")
    if wd and _WEEKDAYS[wd.lower()] != d.weekday():
        warn = f"dateline says {wd} but {d:%d %B %Y} was a {d:%A}; using the date"
    return d, warn


# ---------------------------------------------------------------------------------------------
# Lines
# ---------------------------------------------------------------------------------------------

# Line breaks as str.splitlines() knows them, so "blank line" means the same everywhere.
_LINE = re.compile(r"[^\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]*(?:\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]|$)")


class _Line:
    __slots__ = ("start", "end", "text")

    def __init__(self, start: int, end: int, text: str) -> None:
        self.start = start  # first non-space character
        self.end = end  # after the last non-space character
        self.text = text  # stripped content


def _lines(text: str, pos: int = 0) -> Iterator[Tuple[int, int, int]]:
    """(line start, content end, next line start) for every line from ``pos``."""
    n = len(text)
    while pos < n:
        m = _LINE.match(text, pos)
        assert m is not None
        raw_end = m.end()
        content_end = raw_end
        while content_end > pos and text[content_end - 1] in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029":
            content_end -= 1
        yield pos, content_end, raw_end
        if raw_end == pos:  # pragma: no cover - _LINE always consumes at least one char before n
            break
        pos = raw_end


def _stripped(text: str, start: int, end: int) -> Optional[_Line]:
    seg = text[start:end]
    lead = len(seg) - len(seg.lstrip())
    s = seg.strip()
    if not s:
        return None
    return _Line(start + lead, start + lead + len(s), s)


def _nonblank_lines(text: str, pos: int = 0) -> Iterator[Tuple[_Line, int, bool]]:
    """(stripped line, next line start, was preceded by a blank line) from ``pos``."""
    blank_before = True
    for a, b, nxt in _lines(text, pos):
        ln = _stripped(text, a, b)
        if ln is None:
            blank_before = True
            continue
        yield ln, nxt, blank_before
        blank_before = False


# ---------------------------------------------------------------------------------------------
# Header metadata
# ---------------------------------------------------------------------------------------------

_HEADER = re.compile(
    r"(?i)^(title|headline|published|date|dateline|pubdate|published[_ ]?(?:at|on)|source|url|link"
    r"|author|byline|by|updated|tags|section|id)\s*:\s*(.*)$"
)
_TITLE_KEYS = {"title", "headline"}
_DATE_KEYS = {"published", "date", "dateline", "pubdate", "published_at", "published at", "publishedat",
              "published_on", "published on", "publishedon"}  # fmt: skip
_URL_KEYS = {"source", "url", "link"}
_URLISH = re.compile(r"(?i)^(?:[a-z][a-z0-9+.-]*://\S+|www\.\S+|[\w-]+(?:\.[\w-]+)+(?:/\S*)?)$")
_FRONT = re.compile(r"^(?:---|\+\+\+)$")

# A capitalised name word that is not a month or weekday ("By April 2021" is not a byline).
_NAME = rf"(?!(?i:{_MONTH_RE}|{_WEEKDAY_RE})\b)[A-Z][\w'’.-]*"
_NAME_TAIL = rf"(?:\s+(?:{_NAME}|de|van|von|da|der|le|la|bin|al|and|&))"
_BYLINE = re.compile(
    rf"^(?:(?i:by|written\s+by|words\s+by|reported\s+by|reporter)\s*:?\s+{_NAME}{_NAME_TAIL}{{0,8}}"
    rf"|{_NAME}{_NAME_TAIL}{{1,4}})"
    r"(?:\s*[,|–—]\s*[^.!?]{1,60})?$"
)
_BY_PREFIX = re.compile(r"(?i)^(?:by|written\s+by|words\s+by|reporter|reported\s+by)\b")
_MD_HEADING = re.compile(r"^#{1,6}\s+")
_UNDERLINE = re.compile(r"^(?:=+|-+)$")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")
_TERMINAL = re.compile(r"[.!?…:;,][\"'”’)\]]*$")


def _title_like(s: str) -> bool:
    """A headline: at most 30 words and 200 characters, no final full stop."""
    if len(s) > 200 or s.endswith(".") or s.endswith(","):
        return False
    return len(s.split()) <= 30 and any(c.isalpha() for c in s)


def _derive_title(text: str, start: int, furniture: Sequence[Tuple[int, int]]) -> str:
    """The first sentence of the body, cut at a word boundary (articles with no title line)."""
    for ln, _, _ in _nonblank_lines(text, start):
        if any(a <= ln.start < b for a, b in furniture):
            continue
        s = ln.text
        m = _SENTENCE_END.search(s)
        if m:
            s = s[: m.end()]
        if len(s) > DERIVED_TITLE_CHARS:
            cut = s.rfind(" ", 0, DERIVED_TITLE_CHARS)
            s = s[: cut if cut > 20 else DERIVED_TITLE_CHARS].rstrip(" ,;:-–—") + "…"
        return s
    return ""


class _Meta:
    __slots__ = ("title", "published", "url", "body_start", "furniture", "warnings", "title_span")

    def __init__(self) -> None:
        self.title = ""
        self.published: Optional[date] = None
        self.url: Optional[str] = None
        self.body_start = 0
        self.furniture: List[Tuple[int, int]] = []
        self.warnings: List[Tuple[str, str, int]] = []  # (level, message, offset)
        self.title_span: Optional[Tuple[int, int]] = None


def _header_value(meta: _Meta, key: str, value: str, offset: int, line: _Line) -> None:
    key = key.lower().strip()
    value = value.strip().strip("\"'")
    if key in _TITLE_KEYS:
        if value and not meta.title:
            meta.title = value
            vs = line.text.rfind(value)
            if vs >= 0:
                meta.title_span = (line.start + vs, line.start + vs + len(value))
    elif key in _DATE_KEYS:
        d = parse_date(value)
        if d is not None:
            if meta.published is None:
                meta.published = d
        elif value:
            hint = (
                " (numeric dates like 05/06/2019 are ambiguous)" if _SLASH_DATE.search(value) else ""
            )
            meta.warnings.append(
                (
                    "warning",
                    f"header date {value!r} is not a date this tool reads{hint}; "
                    "write it as 2019-07-29 or 29 July 2019",
                    offset,
                )
            )
    elif key in _URL_KEYS:
        if value and meta.url is None and _URLISH.match(value):
            meta.url = value


def _metadata(text: str) -> _Meta:
    """Header lines / front matter, title, byline and dateline at the top; sets ``body_start``."""
    meta = _Meta()
    it = _nonblank_lines(text, 0)
    pending: List[Tuple[_Line, int, bool]] = []
    first = next(it, None)
    pos = 0
    if first is not None:
        ln, nxt, _ = first
        if _FRONT.match(ln.text) and ln.start == len(text) - len(text.lstrip()):
            closed = False
            keys: List[Tuple[str, str, int, _Line]] = []
            for _ in range(60):
                item = next(it, None)
                if item is None:
                    break
                l2, n2, _ = item
                if _FRONT.match(l2.text) or l2.text == "...":
                    closed = True
                    pos = n2
                    break
                m = re.match(r"^([\w -]+?)\s*[:=]\s*(.*)$", l2.text)
                if m:
                    keys.append((m.group(1), m.group(2), l2.start, l2))
            if closed:
                for k, v, off, l2 in keys:
                    _header_value(meta, k, v, off, l2)
                it = _nonblank_lines(text, pos)
            else:
                it = _nonblank_lines(text, 0)
                pos = 0
        else:
            pending.append(first)
    # Header lines "Key: value" at the very top.
    while True:
        item = pending.pop(0) if pending else next(it, None)
        if item is None:
            break
        ln, nxt, _ = item
        m = _HEADER.match(ln.text)
        if m is None:
            pending.insert(0, item)
            break
        _header_value(meta, m.group(1), m.group(2), ln.start, ln)
        pos = nxt
    header_title = bool(meta.title)
    # The leading block: title, byline, dateline, navigation; stop at the first body line.
    top: List[Tuple[_Line, int]] = []
    while len(top) < _TOP_LINES:
        item = pending.pop(0) if pending else next(it, None)
        if item is None:
            break
        top.append((item[0], item[1]))
    in_lead = True
    title_line = False
    dateline_idx: Optional[int] = None
    for i, (ln, nxt) in enumerate(top):
        s = ln.text
        d, warn = _dateline(s)
        if d is not None:
            if dateline_idx is None:
                dateline_idx = i
                if meta.published is None:
                    meta.published = d
                    if warn:
                        meta.warnings.append(("warning", warn, ln.start))
            if in_lead:
                pos = nxt
            else:
                meta.furniture.append((ln.start, ln.end))
            continue
        if _NAV.match(s) or _BREADCRUMB.match(s):
            if in_lead:
                pos = nxt
                meta.furniture.append((ln.start, ln.end))
            continue
        if in_lead and title_line and _UNDERLINE.match(s):
            pos = nxt  # setext underline of the title
            continue
        near_date = dateline_idx is not None and dateline_idx == i - 1 or (
            i + 1 < len(top) and _dateline(top[i + 1][0].text)[0] is not None
        )
        if _BYLINE.match(s) and (_BY_PREFIX.match(s) or near_date and (title_line or header_title)):
            if in_lead:
                pos = nxt
            else:
                meta.furniture.append((ln.start, ln.end))
            continue
        if in_lead and not title_line:
            title = _MD_HEADING.sub("", s).strip().strip("*_").strip()
            if header_title and title == meta.title:
                title_line = True
                pos = nxt
                continue
            if not header_title and _title_like(title):
                title_line = True
                meta.title = title
                off = s.find(title)
                meta.title_span = (ln.start + off, ln.start + off + len(title))
                pos = nxt
                continue
        in_lead = False
        if dateline_idx is not None:
            break
    meta.body_start = pos
    if not meta.title:
        meta.title = _derive_title(text, pos, meta.furniture)
    return meta


# ---------------------------------------------------------------------------------------------
# Page furniture
# ---------------------------------------------------------------------------------------------

_END_DECOR = r"[\s:|»›>→…·•\-–—]*"
# Whole lines that are site chrome on any news or public-sector site.
_NAV_WORDS = r"""
    back(?:\s+to(?:\s+(?:top|the\s+top|news|home|homepage|search(?:\s+results)?|previous\s+page|index|list|all\s+\w+|(?:the\s+)?[\w'’]+\s+(?:home|news|index|page)))?)?
  | (?:news|site|main)\s+home | home(?:\s*page)? | homepage
  | most\s+(?:popular|read|viewed|shared|commented|recent|watched)(?:\s+(?:stories|articles|news|now|today))?
  | (?:popular|trending)(?:\s+(?:now|today|stories|articles|news))?
  | share(?:\s+(?:this|it|the|on|via)(?:\s+(?:page|article|story|post|item|link|on\s+\w+))?|\s+(?:page|article|story))?
  | share\s+on\s+[\w+ ]{1,30}
  | related(?:\s+(?:articles?|news|stories|stories|content|links|topics|pages?|coverage|posts?|reading|items?|information|documents|services))?
  | (?:more|other)\s+(?:on\s+this\s+(?:story|topic)|news|stories|articles|from\s+[\w' ]{1,30}|like\s+this)
  | latest(?:\s+(?:news|stories|articles|updates|headlines))? | top\s+stories | in\s+other\s+news
  | see\s+also | read\s+(?:more|next|this\s+next)(?:\s+(?:here|about\s+[\w' ]{1,30}))? | you\s+(?:may|might)\s+also\s+(?:like|be\s+interested(?:\s+in)?)
  | recommended(?:\s+(?:for\s+you|stories|articles|reading))?
  | subscribe(?:\s+(?:now|today|here|free|for\s+free|to\s+(?:our|the|my)\s+[\w' ]{1,30}))?
  | sign\s+(?:up|in|out)(?:\s+(?:now|today|here|for\s+[\w' ]{1,40}|to\s+[\w' ]{1,40}))?
  | log\s*(?:in|out) | register(?:\s+(?:now|today|here|for\s+free))? | create\s+(?:an\s+)?account | my\s+account
  | follow\s+(?:us|me)(?:\s+on\s+[\w ]{1,30})?(?:\s+@\w+)? | follow\s+@\w+ | (?:find|like)\s+us\s+on\s+[\w ]{1,30}
  | cookies?(?:\s+(?:settings|preferences|policy|notice|consent))? | (?:accept|reject|manage)(?:\s+all)?\s+cookies
  | privacy(?:\s+(?:policy|notice|settings))? | terms(?:\s+(?:and|&)\s+conditions|\s+of\s+(?:use|service))? | accessibility(?:\s+statement)?
  | contact\s+us | sitemap | site\s+map | skip\s+to\s+(?:main\s+)?(?:content|navigation) | jump\s+to\s+\w+ | menu | search
  | print(?:\s+(?:this|page|article|story))*(?:\s+page)? | email(?:\s+(?:this|page|article|story|a\s+friend))*
  | previous\s+(?:article|story|page|post|item) | next\s+(?:article|story|page|post|item)
  | advertisement | advert | sponsored(?:\s+content)? | ad\s+feature
  | (?:\d+\s+)?comments?(?:\s*\(\d+\))? | leave\s+a\s+(?:comment|reply) | view\s+comments
  | (?:is|was)\s+this\s+(?:page|article)\s+(?:useful|helpful)\?? | rate\s+this\s+(?:page|article)
  | click\s+here(?:\s+to\s+[\w' ]{1,40})?
  | (?:tweet|twitter|x|facebook|linkedin|whatsapp|instagram|youtube|pinterest|reddit|email|messenger|copy\s+link)
    (?:\s*[|,/•·]?\s*(?:tweet|twitter|x|facebook|linkedin|whatsapp|instagram|youtube|pinterest|reddit|email|messenger|copy\s+link))*
  | (?:tags?|topics?|categories|category|filed\s+under|keywords)\s*:.{0,100}
  | related\s*:.{0,100}
  | page\s+last\s+(?:updated|reviewed|modified).{0,40}
  | (?:copyright|©).{0,100} | all\s+rights\s+reserved.{0,40}
  | (?:first\s+|last\s+)?(?:published|updated|posted)(?:\s+on)?
  | (?:image|photo|picture|video)\s+(?:source|copyright|credit)s?\b.{0,60}
  | media\s+playback\s+is\s+(?:not\s+)?(?:un)?supported.{0,40}
  | (?:continue\s+reading|(?:story|article)\s+continues)(?:\s+below)?(?:\s+(?:the\s+)?advert(?:isement)?)?
"""
_NAV = re.compile(rf"(?ix)^{_END_DECOR}(?:{_NAV_WORDS}){_END_DECOR}$")
# Lines that introduce a list of other articles: headline-like lines after them are furniture.
_LIST_OPEN = re.compile(
    rf"""(?ix)^{_END_DECOR}(?:
        most\s+(?:popular|read|viewed|shared|commented|recent|watched).* | popular.* | trending.*
      | related(?:\s+\w+)? | (?:more|other)\s+(?:on\s+this\s+(?:story|topic)|news|stories|articles|from\s+.+|like\s+this)
      | latest(?:\s+\w+)? | top\s+stories | in\s+other\s+news | see\s+also | read\s+(?:more|next)
      | you\s+(?:may|might)\s+also.* | recommended.*
    ){_END_DECOR}$"""
)
_BREADCRUMB = re.compile(r"(?i)^(?:home|news)\s*[>›»/|]\s*\S.{0,150}$")
_TERMINATOR = re.compile(r"(?i)^[\s\-–—*#_=~()\[\]]*(?:ends?|###)[\s\-–—*#_=~.()\[\]]*$")
# "£4.99 a month", "99p per week": the first character (a currency sign or a digit) is matched
# outside any case-insensitive group, so ``re`` can skip straight to such characters
_PRICE = re.compile(
    r"[£$€\d](?:(?<=[£$€])\s?\d[\d,]*(?:\.\d{1,2})?|(?<=\d)[\d,]*(?:\.\d{1,2})?\s?(?i:p|pence|euros?|dollars?|pounds?))"
    r"\s*(?i:/\s*|a\s+|per\s+|each\s+|every\s+)(?i:month|mth|mo|year|yr|annum|week|wk|day|issue|quarter)\b"
)
_PROMO_LEAD = re.compile(r"(?i)^(?:from|only|just|then|now|save|subscribe|join|get|try|buy|starting|for)\b")
_PROMO_WORDS = re.compile(
    r"(?i)\b(?:subscri\w*|membership|members|member|magazine|newsletter|premium|digital|print\s+edition|edition"
    r"|unlimited|trial|offer|cancel\s+any\s*time|plan|package|access|free\s+for|ad-free|paywall|plus|pass)\b"
)
_BULLET = re.compile(r"^(?:[•●▪‣◦·*\-–—+]|\d{1,2}[.)])\s+")
_NOTES = re.compile(r"(?i)^(?:notes?\s+(?:to|for)\s+(?:editors?|news\s*desks?)|about\s+.{1,60}|media\s+contacts?)\s*:?$")


def _is_price(s: str) -> bool:
    """A subscription price line ("From £15 / month", "Subscribe from £4.99 a month")."""
    if not _PRICE.search(s) or len(s) > 100:
        return False
    words = len(s.split())
    bare = _PRICE.sub("", s).strip(" .:-–—|()*")
    if not bare:
        return True
    if words > 14 or (s.endswith(".") and words > 6):
        return False
    return bool(_PROMO_LEAD.match(bare) or _PROMO_WORDS.search(s))


def _weak(s: str) -> bool:
    """Short, unpunctuated line: a promo heading or a promo bullet."""
    body = _BULLET.sub("", s)
    return len(body) <= 70 and len(body.split()) <= 10 and not _TERMINAL.search(body) and body[:1] not in "\"“'‘"


def _is_headline(s: str) -> bool:
    """A related-article headline: no final full stop, at most 25 words."""
    return not s.endswith(".") and len(s.split()) <= 25 and not s.startswith(("\"", "“"))


_LABEL = re.compile(r"^[\w ]{1,30}[,:]\s+")


def _repeats(s: str, prev: str) -> bool:
    """``s`` repeats the previous line, or the previous line minus a short label ("Image caption, ...")."""
    if not any(c.isalnum() for c in s):
        return False
    if s == prev:
        return True
    return len(s) >= 12 and prev.endswith(s) and _LABEL.fullmatch(prev[: len(prev) - len(s)]) is not None


def find_furniture(text: str, start: int = 0) -> List[Tuple[int, int]]:
    """Spans of page furniture in ``text`` from ``start``: sorted, merged, never inside a sentence.

    General rules, each on whole lines only:

    * navigation and site chrome (a whole line such as "Back to", "Most popular", "Share this
      page", "Follow us on Twitter", "Cookie settings", "Subscribe", a breadcrumb);
    * headline-like lines after a list opener ("Related news", "Most read", "See also") up to the
      first line that reads as a sentence;
    * subscription prices ("From £15 / month") and the promo block above them: short unpunctuated
      lines and bullets back to a heading with a promo word (membership, magazine, subscription);
    * a bare press-release terminator ("Ends", "-ENDS-", "###"); what follows it is kept unless
      another rule applies ("Notes to editors" carries facts and is never furniture);
    * a line identical to the previous non-empty line, or to it without a short label such as
      "Image caption," (a repeated caption): the repeat only.
    """
    lines: List[_Line] = [ln for ln, _, _ in _nonblank_lines(text, start)]
    marked = [False] * len(lines)
    prev = None
    listing = False
    prices = _PRICE.search(text, start) is not None  # most articles have none: skip the per-line test
    for i, ln in enumerate(lines):
        s = ln.text
        if _NOTES.match(s):
            listing = False
            prev = s
            continue
        if listing:
            if _is_headline(_BULLET.sub("", s)) or _NAV.match(s):
                marked[i] = True
                prev = s
                continue
            listing = False
        if _NAV.match(s) or _BREADCRUMB.match(s) or _TERMINATOR.match(s):
            marked[i] = True
            listing = bool(_LIST_OPEN.match(s))
        elif prev is not None and _repeats(s, prev):
            marked[i] = True
        elif prices and _is_price(s):
            marked[i] = True
            # Walk up over the promo block to its heading.
            j = i - 1
            heading = -1
            while j >= 0 and (marked[j] or _weak(lines[j].text)) and not _NOTES.match(lines[j].text):
                if not marked[j] and not _BULLET.match(lines[j].text) and _PROMO_WORDS.search(lines[j].text):
                    heading = j
                    break
                j -= 1
            if heading >= 0:
                for k in range(heading, i):
                    marked[k] = True
        prev = s
    spans: List[Tuple[int, int]] = []
    for ln, m in zip(lines, marked):
        if not m:
            continue
        if spans and not text[spans[-1][1] : ln.start].strip():
            spans[-1] = (spans[-1][0], ln.end)
        else:
            spans.append((ln.start, ln.end))
    return spans


def _merge(spans: Iterable[Tuple[int, int]], text: str) -> Tuple[Tuple[int, int], ...]:
    out: List[Tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and (a <= out[-1][1] or not text[out[-1][1] : a].strip()):
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return tuple(out)


# ---------------------------------------------------------------------------------------------
# Building sources
# ---------------------------------------------------------------------------------------------


def _build(text: str, *, id: str, path: str, encoding: str, digest: str) -> Tuple[Source, List[Diagnostic]]:
    meta = _metadata(text)
    furniture = _merge(list(meta.furniture) + find_furniture(text, meta.body_start), text)
    diags = [
        Diagnostic(path, msg, level=level, line=text.count("\n", 0, off) + 1) for level, msg, off in meta.warnings
    ]
    src = Source(
        id=id,
        path=path,
        text=text,
        title=meta.title,
        published=meta.published,
        url=meta.url,
        encoding=encoding,
        body_start=meta.body_start,
        furniture=furniture,
        digest=digest,
    )
    return src, diags


def source_from_text(text: str, id: str = "text", path: str = "<text>") -> Source:
    """A :class:`Source` from a string (library use, tests); a leading BOM is removed."""
    if text.startswith("\ufeff"):
        text = text[1:]
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return _build(text, id=id, path=path, encoding="utf-8", digest=digest)[0]


def _from_bytes(raw: bytes, *, id: str, path: str) -> Tuple[Source, List[Diagnostic]]:
    if not raw.strip():
        raise SourceError(path, "is empty; there is nothing to check. Add the article text or leave the file out")
    text, encoding, warnings = decode(raw, path)
    if not text.strip():
        raise SourceError(path, "holds only whitespace; add the article text or leave the file out")
    src, diags = _build(text, id=id, path=path, encoding=encoding, digest=hashlib.sha256(raw).hexdigest())
    return src, warnings + diags


def _read_file(path: str, max_bytes: int, id: Optional[str] = None) -> Tuple[Source, List[Diagnostic]]:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise SourceError(path, "is a broken symbolic link; fix the link or leave it out") from None
        raise SourceError(path, "does not exist; check the spelling, or pass the folder that holds the articles") from None
    except PermissionError:
        raise SourceError(path, "cannot be read (permission denied); fix its permissions or leave it out") from None
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise SourceError(path, "is a symbolic link that loops back on itself; fix the link or leave it out") from None
        raise SourceError(path, f"cannot be read ({e.strerror or e}); check the path") from None
    if stat.S_ISDIR(st.st_mode):
        raise SourceError(path, "is a folder; pass it to load_sources to read the articles inside")
    if not stat.S_ISREG(st.st_mode):
        raise SourceError(path, "is not a regular file (a device, pipe or socket); pass a text file or `-` for stdin")
    if st.st_size > max_bytes:
        raise SourceError(
            path, f"is {st.st_size:,} bytes, over the {max_bytes:,}-byte limit; split it into articles or raise the limit" + _RAISE
        )
    try:
        with open(path, "rb") as f:
            raw = f.read(max_bytes + 1)
    except PermissionError:
        raise SourceError(path, "cannot be read (permission denied); fix its permissions or leave it out") from None
    except OSError as e:
        raise SourceError(path, f"cannot be read ({e.strerror or e}); check the file or leave it out") from None
    if len(raw) > max_bytes:
        raise SourceError(path, f"is over the {max_bytes:,}-byte limit; split it into articles or raise the limit" + _RAISE)
    return _from_bytes(raw, id=id if id is not None else Path(path).stem, path=path)


def read_source(path: PathLike) -> Source:
    """Read one article file; raises :class:`SourceError` (file, problem, fix) if it cannot be read."""
    return _read_file(os.fspath(path), DEFAULT_MAX_BYTES)[0]


def _walk(root: str, diags: Optional[List[Diagnostic]] = None) -> Iterator[str]:
    """Article files under ``root``, sorted, hidden entries skipped, symlink loops visited once.

    A folder that cannot be listed becomes a diagnostic in ``diags`` (never a silent loss).
    """
    seen = set()

    def lost(d: str, e: OSError) -> None:
        if diags is not None:
            diags.append(Diagnostic(d, f"cannot be listed ({e.strerror or e}); the articles in it were not read - "
                                       "fix its permissions or leave it out"))

    def visit(d: str) -> Iterator[str]:
        try:
            st = os.stat(d)
        except OSError:
            return
        key = (st.st_dev, st.st_ino)
        if key in seen:
            return
        seen.add(key)
        try:
            with os.scandir(d) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as e:
            lost(d, e)
            return
        subdirs = []
        for e in entries:
            if e.name.startswith("."):
                continue
            try:
                is_dir = e.is_dir()  # follows symlinks
            except OSError:  # e.g. a link to itself: an article-named one is read, so its error is reported
                is_dir = False
            if is_dir:
                subdirs.append(e)
            elif e.name.lower().endswith(ARTICLE_SUFFIXES):
                yield os.path.join(d, e.name)
        for e in subdirs:
            yield from visit(os.path.join(d, e.name))

    yield from visit(root)


def _candidates(path: str) -> List[str]:
    """Ids for a file whose stem is shared, shortest first: parent/stem, ..., name, parent/name, ..."""
    if path == "<stdin>":
        return ["stdin"]
    parts = [c for c in os.path.normpath(path).replace("\\", "/").split("/") if c not in ("", ".", "..")]
    stemmed = parts[:-1] + [Path(parts[-1]).stem] if parts else ["_"]
    out = ["/".join(stemmed[-d:]) for d in range(2, len(stemmed) + 1)]
    out += ["/".join(parts[-d:]) for d in range(1, len(parts) + 1)]
    return out


def _disambiguate(paths: Sequence[str]) -> List[str]:
    """For files sharing a stem: each takes its first candidate id that no other file could take.

    The result depends only on the set of paths, not on their order.
    """
    cands = [_candidates(p) for p in paths]
    ids: List[str] = []
    for k, cs in enumerate(cands):
        others = set()
        for j, co in enumerate(cands):
            if j != k:
                others.update(co)
        ids.append(next((c for c in cs if c not in others), cs[-1]))
    return ids


def _unique(ids: List[str], paths: Sequence[str]) -> List[str]:
    """Last resort for ids still equal (the same file under two spellings): number them by path."""
    if len(set(ids)) == len(ids):
        return ids
    out = list(ids)
    seen: dict = {}
    for k in sorted(range(len(ids)), key=lambda k: (ids[k], paths[k])):
        n = seen.get(ids[k], 0)
        seen[ids[k]] = n + 1
        if n:
            out[k] = f"{ids[k]}~{n + 1}"
    return out


def load_sources(
    inputs: Sequence[PathLike],
    *,
    stdin: Optional[IO[bytes]] = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Tuple[List[Source], List[Diagnostic]]:
    """Read files, folders (recursive ``.txt``/``.md``) and ``-`` (stdin, id ``stdin``).

    Never raises for a bad input: each problem becomes a :class:`Diagnostic` with the fix, and
    the other inputs still load. Sources come back in input order (folders sorted within).
    """
    diags: List[Diagnostic] = []
    files: List[Tuple[str, Optional[bytes]]] = []  # (path, stdin bytes)
    seen_real = set()
    stdin_used = False
    for inp in inputs:
        p = os.fspath(inp)
        if p == "-":
            if stdin_used:
                diags.append(Diagnostic("<stdin>", "`-` was given more than once; stdin is read once", level="warning"))
                continue
            stdin_used = True
            stream = stdin
            if stream is None:
                import sys

                stream = getattr(sys.stdin, "buffer", None)
            if stream is None:
                diags.append(Diagnostic("<stdin>", "no standard input to read; pipe an article in or pass a file"))
                continue
            try:
                raw = stream.read(max_bytes + 1)
            except (OSError, ValueError) as e:
                diags.append(Diagnostic("<stdin>", f"cannot be read ({e}); pass the article as a file instead"))
                continue
            if isinstance(raw, str):  # a text stream was passed; accept it
                raw = raw.encode("utf-8", "surrogatepass")
            if len(raw) > max_bytes:
                diags.append(
                    Diagnostic("<stdin>", f"is over the {max_bytes:,}-byte limit; split it into articles or raise the limit" + _RAISE)
                )
                continue
            files.append(("<stdin>", raw))
            continue
        if os.path.isdir(p):
            found = list(_walk(p, diags))
            if not found:
                diags.append(
                    Diagnostic(p, "contains no .txt or .md articles (hidden folders are skipped); point at the folder that holds them")
                )
            for f in found:
                real = os.path.realpath(f)
                if real in seen_real:
                    continue
                seen_real.add(real)
                files.append((f, None))
            continue
        real = os.path.realpath(p)
        if real in seen_real and os.path.exists(p):
            continue
        seen_real.add(real)
        files.append((p, None))

    # Ids: the file stem, disambiguated when shared.
    stems = ["stdin" if raw is not None else Path(p).stem for p, raw in files]
    ids = list(stems)
    groups: dict = {}
    for k, s in enumerate(stems):
        groups.setdefault(s, []).append(k)
    for s, members in groups.items():
        if len(members) < 2:
            continue
        new = _disambiguate([files[k][0] for k in members])
        for k, n in zip(members, new):
            ids[k] = n
            diags.append(
                Diagnostic(files[k][0], f"id {s!r} is shared by {len(members)} inputs; this one is {n!r}", level="info")
            )
    ids = _unique(ids, [p for p, _ in files])

    sources: List[Source] = []
    for (p, raw), sid in zip(files, ids):
        try:
            if raw is None:
                src, ds = _read_file(p, max_bytes, id=sid)
            else:
                src, ds = _from_bytes(raw, id=sid, path=p)
        except SourceError as e:
            diags.append(e.diagnostic())
            continue
        except Exception as e:  # noqa: BLE001 - a bad input must never stop the others
            diags.append(Diagnostic(p, f"could not be read ({type(e).__name__}: {e}); please report this file"))
            continue
        sources.append(src)
        diags.extend(ds)
    if any(_SURROGATE.search(s.path) or _SURROGATE.search(s.id) for s in sources) or any(
        _SURROGATE.search(d.path) for d in diags
    ):
        sources = [attrs.evolve(s, id=_printable_name(s.id), path=_printable_name(s.path)) for s in sources]
        diags = [attrs.evolve(d, path=_printable_name(d.path)) for d in diags]
    return sources, diags


# A file name that is not valid UTF-8 decodes (os.fsdecode) to lone surrogates, which no UTF-8
# output can carry: every format and the terminal would fail on them.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _printable_name(name: str) -> str:
    """``name`` with the bytes of a non-UTF-8 file name shown as ``\\xe9`` escapes (the file was already read)."""
    if not _SURROGATE.search(name):
        return name
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


