"""Accepting known findings: a baseline file of stable ids, and inline acceptance in documents.

A baseline (``consistency baseline PATH... -o FILE``) records today's findings so that ``check
--baseline FILE`` fails only on new ones. It is JSON, sorted, with no timestamp, so it diffs well::

    {"version": 1, "findings": [{"id": "F…", "rule": "…", "severity": "…", "subject": "…",
                                 "predicate": "…", "message": "…"}, …]}

Only ``id`` matters when matching; the rest is there for the humans reviewing the file.

Inline acceptance is a line of its own in a document, in a comment-like form::

    <!-- consistency: accept F0123456789a -- the 2014 figure was revised by the council -->
    % consistency: accept F0123456789a, Fba9876543210 -- both quotes are the same survey

The marker (``<!--``, ``%`` or ``//``) must start the line; the reason after ``--`` is required.
Such lines are page furniture: :func:`mark` adds them to ``Source.furniture`` before extraction,
so they can never become claims, whatever the reason says.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Iterable, Sequence, Tuple

import attrs

from .model import Diagnostic, Finding, Source

__all__ = ["BASELINE_VERSION", "BaselineError", "dumps", "write", "load", "Acceptance", "find_acceptances",
           "mark", "apply"]

BASELINE_VERSION = 1


class BaselineError(ValueError):
    """A baseline file is missing or unreadable; the message names the file and the fix."""


def dumps(findings: Iterable[Finding]) -> str:
    """The baseline file's text for ``findings``: stable ids with a little context, sorted by id."""
    rows = {f.id: {"id": f.id, "rule": f.rule, "severity": f.severity, "subject": f.subject,
                   "predicate": f.predicate, "message": f.message} for f in findings}
    data = {"version": BASELINE_VERSION, "findings": [rows[k] for k in sorted(rows)]}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write(path: str, findings: Iterable[Finding]) -> int:
    """Write a baseline; returns how many findings it records."""
    text = dumps(findings)
    try:
        Path(path).write_text(text, encoding="utf-8", newline="\n")
    except OSError as exc:
        raise BaselineError(f"{path}: cannot write the baseline ({exc.strerror}); choose a writable path with -o")
    return len(json.loads(text)["findings"])


def load(path: str) -> frozenset[str]:
    """The finding ids a baseline file records."""
    fix = f"create it with 'consistency baseline PATH... -o {path}'"
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BaselineError(f"{path}: baseline file not found; {fix}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"{path}: cannot read the baseline ({exc}); {fix}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{path}:{exc.lineno}: the baseline is not valid JSON ({exc.msg}); {fix}") from None
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        raise BaselineError(f"{path}: not a consistency baseline (expected an object with a 'findings' list); {fix}")
    if data.get("version") != BASELINE_VERSION:
        raise BaselineError(f"{path}: baseline version {data.get('version')!r} is not supported "
                            f"(this consistency writes version {BASELINE_VERSION}); {fix}")
    ids = []
    for i, row in enumerate(data["findings"]):
        fid = row.get("id") if isinstance(row, dict) else row
        if not isinstance(fid, str) or not fid:
            raise BaselineError(f"{path}: findings[{i}] has no 'id'; {fix}")
        ids.append(fid)
    return frozenset(ids)


# ---- inline acceptance --------------------------------------------------------------------------

_DIRECTIVE = re.compile(r"^[ \t]*(?:<!--|%|//)[ \t]*consistency[ \t]*:(?P<body>[^\n]*)$", re.MULTILINE)
_ACCEPT = re.compile(
    r"^[ \t]*accept[ \t]+(?P<ids>F[0-9a-f]{11}(?:[ \t]*,?[ \t]*F[0-9a-f]{11})*)"
    r"(?:[ \t]*(?:--(?!>)|\u2014|\u2013)[ \t]*(?P<reason>.*?))?[ \t]*(?:-->)?[ \t]*\r?$"
)
_ID = re.compile(r"F[0-9a-f]{11}")
SYNTAX = "<!-- consistency: accept F0123456789a -- why this finding is acceptable -->"


@attrs.frozen(slots=True)
class Acceptance:
    """One inline acceptance: which findings, why, and where it was written."""

    path: str
    line: int
    ids: Tuple[str, ...]
    reason: str


def _directives(source: Source) -> Iterable["re.Match[str]"]:
    if "consistency" not in source.text:  # fast path: most documents have none
        return ()
    return _DIRECTIVE.finditer(source.text)


def find_acceptances(source: Source) -> Tuple[list[Acceptance], list[Diagnostic]]:
    """The acceptance lines of a document, and a warning for each malformed one."""
    found: list[Acceptance] = []
    diags: list[Diagnostic] = []
    for m in _directives(source):
        line = source.text.count("\n", 0, m.start()) + 1
        acc = _ACCEPT.match(m.group("body"))
        if acc is None:
            diags.append(Diagnostic(source.path, f"unrecognised consistency directive; write {SYNTAX}",
                                    level="warning", line=line))
            continue
        ids = tuple(_ID.findall(acc.group("ids")))
        reason = (acc.group("reason") or "").strip()
        if not reason:
            diags.append(Diagnostic(source.path, f"accepting {', '.join(ids)} needs a reason after ' -- ', "
                                    f"so the finding still fails; write {SYNTAX}", level="warning", line=line))
            continue
        found.append(Acceptance(source.path, line, ids, reason))
    return found, diags


def mark(source: Source) -> Source:
    """``source`` with its directive lines added to ``furniture``, so extraction never reads them."""
    spans = [(m.start(), m.end()) for m in _directives(source)]
    if not spans:
        return source
    furniture = tuple(sorted(set(source.furniture) | set(spans)))
    return attrs.evolve(source, furniture=furniture)


def apply(
    findings: Sequence[Finding],
    *,
    baseline: frozenset[str] = frozenset(),
    acceptances: Sequence[Acceptance] = (),
) -> Tuple[dict[str, str], dict[str, str], int, list[Diagnostic]]:
    """Statuses of suppressed findings, acceptance reasons, how many baselined ids no longer
    occur, and a warning for each acceptance that matches no finding."""
    present = {f.id for f in findings}
    status: dict[str, str] = {}
    reasons: dict[str, str] = {}
    diags: list[Diagnostic] = []
    for f in findings:
        if f.id in baseline:
            status[f.id] = "baselined"
    for acc in acceptances:
        for fid in acc.ids:
            if fid in present:
                status[fid] = "accepted"
                reasons.setdefault(fid, acc.reason)
            else:
                diags.append(Diagnostic(acc.path, f"accepts {fid}, which is not among the findings of this run; remove the line if it was resolved",
                                        level="warning", line=acc.line))
    gone = len(baseline - present)
    return status, reasons, gone, diags


