"""A GitHub-flavoured Markdown table fit for a pull-request comment.

Cell text from documents is escaped so it cannot break the table (``|``, newlines), inject HTML
(``<``, ``>``, ``&``), open code spans or links, or notify people and issues (``@name``, ``#12``).
"""

from __future__ import annotations

import re
from typing import Any

from ..model import Report
from . import neutralise, outcomes, summary

_ENTITIES = {
    "&": "&amp;", "<": "&lt;", ">": "&gt;", "`": "&#96;", "*": "&#42;", "_": "&#95;", "[": "&#91;",
    "]": "&#93;", "~": "&#126;", "@": "&#64;", "#": "&#35;", "!": "&#33;", "\\": "&#92;", "|": "\\|",
    "$": "&#36;",
}
_SPECIAL = re.compile("[" + re.escape("".join(_ENTITIES)) + "]")
_NEWLINES = re.compile(r"\r\n|[\r\n\u2028\u2029]")

_ICON = {"failing": "❌ failing", "passing": "passing", "baselined": "baselined", "accepted": "accepted"}


def escape(text: str) -> str:
    """``text`` as inert Markdown inside a table cell."""
    text = _NEWLINES.sub(" ", text)
    return _SPECIAL.sub(lambda m: _ENTITIES[m.group(0)], neutralise(text))


def render(report: Report, **options: Any) -> str:
    fail_on = options.get("fail_on", "error")
    results = outcomes(report, **options)
    out = ["## consistency", ""]
    out.append(escape(summary(results, fail_on=fail_on, gone=int(options.get("gone", 0)),
                              documents=len(report.sources))))
    out.append("")
    if results:
        out.append("| status | severity | check | location | message |")
        out.append("|---|---|---|---|---|")
        for r in results:
            f = r.finding
            loc = f"{r.location.path}:{r.location.line}:{r.location.column}" if r.location else ", ".join(f.sources)
            status = _ICON[r.status] + (f": {r.reason}" if r.status == "accepted" and r.reason else "")
            out.append(f"| {escape(status)} | {escape(f.severity)} | {escape(f.rule)} | {escape(loc)} | {escape(f.message)} |")
        out.append("")
    if report.diagnostics:
        out.append("**Inputs**")
        out.append("")
        for d in report.diagnostics:
            out.append(f"- {escape(str(d))}")
        out.append("")
    return "\n".join(out)
