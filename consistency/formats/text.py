"""Plain text for terminals and logs: ``path:line:col: severity check-id message`` per finding.

Everything that comes from a document (paths, messages quoting articles) passes through
:func:`~consistency.formats.neutralise`, so an article cannot emit terminal escape sequences.
"""

from __future__ import annotations

from typing import Any, Iterable

from ..model import Finding, Report
from . import neutralise, outcomes, summary

_NOTE = {"baselined": " (baselined)", "accepted": " (accepted: {reason})", "passing": "", "failing": ""}


def render(report: Report, **options: Any) -> str:
    fail_on = options.get("fail_on", "error")
    results = outcomes(report, **options)
    lines: list[str] = []
    for r in results:
        f = r.finding
        loc = r.location
        where = f"{loc.path}:{loc.line}:{loc.column}" if loc else (f.sources[0] if f.sources else "-")
        note = _NOTE[r.status].format(reason=r.reason)
        lines.append(neutralise(f"{where}: {f.severity} {f.rule} {f.message}{note}"))
    if options.get("diagnostics", True):
        for d in report.diagnostics:
            lines.append(neutralise(str(d)))
    lines.append(summary(results, fail_on=fail_on, gone=int(options.get("gone", 0)), documents=len(report.sources)))
    if options.get("statistics"):
        lines.append(statistics(report.findings))
    return "\n".join(lines) + "\n"


def statistics(findings: Iterable[Finding]) -> str:
    """Findings counted per check, most frequent first (like ``flake8 --statistics``)."""
    counts: dict[str, int] = {}
    sev: dict[str, str] = {}
    for f in findings:
        counts[f.rule] = counts.get(f.rule, 0) + 1
        sev.setdefault(f.rule, f.severity)
    if not counts:
        return "no findings"
    width = max(len(str(n)) for n in counts.values())
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return "\n".join(f"{n:>{width}}  {rule}  [{sev[rule]}]" for rule, n in rows)
