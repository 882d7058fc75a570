"""Output formats, registered by name: ``render(report, name, **options) -> str``.

Each format is a module with ``render(report, **options) -> str``, imported only when used so
that ``import consistency.formats`` stays cheap. Options every format understands (all optional,
so ``render(report, "sarif")`` works on a bare :class:`~consistency.model.Report`):

``status``   mapping finding id -> ``"baselined"`` or ``"accepted"`` (default: every finding is new)
``reasons``  mapping finding id -> the reason given when it was accepted inline
``fail_on``  ``"error"`` (default), ``"warning"`` or ``"info"``: the lowest severity that fails
``checks``   check ids that ran (JUnit lists passing checks too); default: the registry's, else the findings'
``set_name`` a name for the document set (JUnit test suite, SARIF run); default ``"documents"``
``gone``     how many baselined findings no longer occur (summaries)
``statistics``  text only: append counts per check
``diagnostics`` text only: list input diagnostics too (default True; the gate prints them on stderr)
"""

from __future__ import annotations

import importlib
import re
import importlib.util
from typing import Any, Mapping, Optional, Sequence, Tuple

import attrs

from ..model import SEVERITIES, Finding, Report

__all__ = ["FORMATS", "names", "render", "Location", "Outcome", "outcomes", "check_help", "known_checks", "fails"]

#: name -> module that renders it. ``html`` belongs to the visual report and may be absent.
FORMATS: dict[str, str] = {
    "text": "consistency.formats.text",
    "json": "consistency.formats.json",
    "markdown": "consistency.formats.markdown",
    "sarif": "consistency.formats.sarif",
    "junit": "consistency.formats.junit",
    "github": "consistency.formats.github",
    "html": "consistency.formats.html",
}


def _available(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def names() -> list[str]:
    """The formats that can be rendered here, in registry order (``html`` only once it exists)."""
    return [n for n, mod in FORMATS.items() if _available(mod)]


def render(report: Report, name: str, **options: Any) -> str:
    """Render ``report`` as format ``name``; unknown names raise ``KeyError`` listing the known ones."""
    module = FORMATS.get(name)
    if module is None or not _available(module):
        raise KeyError(f"unknown format {name!r}; known formats: {', '.join(names())}")
    return importlib.import_module(module).render(report, **options)  # type: ignore[no-any-return]


# ---- helpers shared by the formats ------------------------------------------------------------

_RANK = {s: i for i, s in enumerate(SEVERITIES)}  # error 0, warning 1, info 2


def fails(severity: str, fail_on: str = "error") -> bool:
    """Whether a finding of ``severity`` reaches the failing threshold ``fail_on``."""
    if fail_on not in _RANK:
        raise ValueError(f"fail_on must be one of {', '.join(SEVERITIES)}; got {fail_on!r}")
    return _RANK[severity] <= _RANK[fail_on]


@attrs.frozen(slots=True)
class Location:
    """Where a claim's quote sits: 1-based line/column of its start and of the character after it."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    source: str = ""
    quote: str = ""
    claim: str = ""


@attrs.frozen(slots=True)
class Outcome:
    """A finding as the gate sees it: where it is, and whether it fails, passes or is suppressed.

    ``status`` is ``failing`` (new and at or above ``fail_on``), ``passing`` (new, below it),
    ``baselined`` or ``accepted``.
    """

    finding: Finding
    status: str
    location: Optional[Location]
    related: Tuple[Location, ...] = ()
    reason: str = ""

    @property
    def failing(self) -> bool:
        return self.status == "failing"


def _locate(claim_id: str, c: Any, src: Any) -> Location:
    path = src.path if src is not None else c.source
    if c.line and c.column:
        line, col = c.line, c.column
    elif src is not None:
        line, col = src.line_col(c.span[0])
    else:
        line, col = 1, 1
    if src is not None:
        end_line, end_col = src.line_col(c.span[1])
    else:
        end_line, end_col = line, col + len(c.quote)
    return Location(path=path, line=line, column=col, end_line=end_line, end_column=end_col,
                    source=c.source, quote=c.quote, claim=claim_id)


class _ClaimFinder:
    """Claims by id, hashing only the claims of a finding's own block and sources where it can
    (computing every claim's id is the slowest part of rendering a large report)."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.by_block: dict[tuple, list] = {}
        for c in report.claims:
            self.by_block.setdefault((c.source, c.subject, c.predicate), []).append(c)
        self.known: dict[str, Any] = {}
        self.done: set[tuple] = set()
        self.everything = False

    def find(self, f: Finding, claim_id: str) -> Any:
        c = self.known.get(claim_id)
        if c is not None:
            return c
        for s in f.sources:
            block = (s, f.subject, f.predicate)
            if block not in self.done:
                self.done.add(block)
                for x in self.by_block.get(block, ()):
                    self.known[x.id] = x
        c = self.known.get(claim_id)
        if c is None and not self.everything:  # a check that spans blocks: index the rest once
            self.everything = True
            self.known.update(self.report.claim_index())
            c = self.known.get(claim_id)
        return c


def outcomes(
    report: Report,
    *,
    status: Optional[Mapping[str, str]] = None,
    reasons: Optional[Mapping[str, str]] = None,
    fail_on: str = "error",
    **_: Any,
) -> list[Outcome]:
    """Every finding of ``report`` (in report order) with its location and gate status."""
    status = status or {}
    reasons = reasons or {}
    finder = _ClaimFinder(report)
    sources = {s.id: s for s in report.sources}
    out: list[Outcome] = []
    for f in report.findings:
        locs = []
        for cid in f.claims:
            c = finder.find(f, cid)
            if c is not None:
                locs.append(_locate(cid, c, sources.get(c.source)))
        st = status.get(f.id)
        if st not in ("baselined", "accepted"):
            st = "failing" if fails(f.severity, fail_on) else "passing"
        out.append(Outcome(finding=f, status=st, location=locs[0] if locs else None, related=tuple(locs[1:]),
                           reason=reasons.get(f.id, "")))
    return out


def known_checks() -> list[str]:
    """Check ids from the check registry, or ``[]`` while it is not importable."""
    try:
        from .. import checks
    except Exception:
        return []
    ids = getattr(checks, "ids", None)
    try:
        return sorted(str(i) for i in ids()) if callable(ids) else []
    except Exception:
        return []


def check_help(check_id: str) -> str:
    """The registry's help text for a check (its description or docstring), or ``""``."""
    try:
        from .. import checks
    except Exception:
        return ""
    entry: Any = None
    for getter in ("get", "get_check", "lookup"):
        fn = getattr(checks, getter, None)
        if callable(fn):
            try:
                entry = fn(check_id)
            except Exception:
                entry = None
            if entry is not None:
                break
    if entry is None:
        for table in ("CHECKS", "REGISTRY", "registry"):
            reg = getattr(checks, table, None)
            if isinstance(reg, Mapping) and check_id in reg:
                entry = reg[check_id]
                break
    if entry is None:
        return ""
    if isinstance(entry, str):
        return entry.strip()
    for attr in ("help", "description", "summary", "__doc__"):
        val = getattr(entry, attr, None)
        if isinstance(val, str) and val.strip():
            return " ".join(val.split())
    return ""


def checks_for(report: Report, checks: Optional[Sequence[str]] = None) -> list[str]:
    """The check ids to list: given ones, else the registry's, plus any that produced findings."""
    ids = list(checks) if checks is not None else known_checks()
    ids += [f.rule for f in report.findings]
    return sorted(set(ids))


def summary(results: Sequence[Outcome], *, fail_on: str = "error", gone: int = 0, documents: int = 0) -> str:
    """One line: counts by severity, failing, suppressed, and baselined findings that went away."""
    by_sev = {s: 0 for s in SEVERITIES}
    for r in results:
        by_sev[r.finding.severity] += 1
    failing = sum(1 for r in results if r.failing)
    accepted = sum(1 for r in results if r.status == "accepted")
    baselined = sum(1 for r in results if r.status == "baselined")
    parts = [f"{len(results)} finding{'s' if len(results) != 1 else ''} "
             f"({by_sev['error']} error, {by_sev['warning']} warning, {by_sev['info']} info)"]
    if documents:
        parts.append(f"{documents} document{'s' if documents != 1 else ''}")
    parts.append(f"{failing} failing (--fail-on {fail_on})")
    if accepted:
        parts.append(f"{accepted} accepted inline")
    if baselined:
        parts.append(f"{baselined} baselined")
    if gone:
        parts.append(f"{gone} baselined finding{'s' if gone != 1 else ''} no longer occur{'s' if gone == 1 else ''}")
    return "; ".join(parts)


def _escape_char(m: "re.Match[str]") -> str:
    ch = m.group(0)
    if ch == "\n":
        return "\\n"
    if ch == "\r":
        return "\\r"
    if ch == "\t":
        return " "
    cp = ord(ch)
    return f"\\x{cp:02x}" if cp < 0x100 else f"\\u{cp:04x}"


# C0/C1 controls (ESC starts terminal sequences), DEL, bidirectional overrides/isolates (which can
# reorder what a reader sees), zero-width joiners aside, and the Unicode line/paragraph separators.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]")


_UNSAFE_INLINE = re.compile(_UNSAFE.pattern.replace("\x00-\x1f", "\x00-\x09\x0b\x0c\x0e-\x1f"))


def neutralise(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` with every control character shown as an escape, never interpreted; on one line
    unless ``keep_newlines`` (then only ``\\n`` and ``\\r`` stay, for formats that encode them)."""
    return (_UNSAFE_INLINE if keep_newlines else _UNSAFE).sub(_escape_char, text)
