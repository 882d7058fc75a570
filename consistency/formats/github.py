"""GitHub Actions workflow commands: ``::error file=...,line=...,col=...,title=...::message``.

Data is escaped as the runner expects (``%``, CR, LF) and properties additionally escape ``:`` and
``,``, so no text from an article or a file name can end the command early or start a new one;
other control characters (terminal escape sequences) are shown as ``\\x1b``-style escapes.
"""

from __future__ import annotations

from typing import Any

from ..model import Report
from . import neutralise, outcomes

_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    text = neutralise(text, keep_newlines=True)  # no terminal escapes in the job log either
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(level: str, message: str, **props: Any) -> str:
    """One workflow command line; ``None`` properties are left out."""
    ps = ",".join(f"{k}={escape_property(str(v))}" for k, v in props.items() if v is not None)
    return f"::{level}{' ' + ps if ps else ''}::{escape_data(message)}"


def render(report: Report, **options: Any) -> str:
    lines: list[str] = []
    for r in outcomes(report, **options):
        if r.status in ("baselined", "accepted"):
            continue
        f = r.finding
        loc = r.location
        level = "error" if r.failing else _LEVEL[f.severity]
        props: dict[str, Any] = {"title": f"consistency {f.rule} ({f.severity})"}
        if loc is not None:
            props = {"file": loc.path, "line": loc.line, "col": loc.column, "endLine": loc.end_line,
                     "endColumn": loc.end_column if loc.end_line == loc.line else None, **props}
        lines.append(command(level, f"{f.message} [{f.id}]", **props))
    for d in report.diagnostics:
        lines.append(command(_LEVEL[d.level], d.message, file=d.path, line=d.line, title="consistency input"))
    return "".join(line + "\n" for line in lines)
