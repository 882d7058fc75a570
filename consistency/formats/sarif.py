"""SARIF 2.1.0 for code scanning: one run, the checks as rules, one result per finding.

Each result points at the quote of its first claim (line and column, ``columnKind`` code points,
end column exclusive as SARIF defines it) with the other claims as related locations, and carries
the finding's stable id as a partial fingerprint so code scanning tracks it across runs.
Baselined and accepted findings are reported with ``suppressions`` rather than dropped.
"""

from __future__ import annotations

import json
import os
from typing import Any, Optional
from urllib.parse import quote

from ..model import Report
from . import Location, check_help, checks_for, outcomes

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def artifact_uri(path: str) -> dict[str, str]:
    """A URI reference for ``path``: relative paths stay relative to the checkout (``%SRCROOT%``)."""
    posix = path.replace(os.sep, "/")
    if os.path.isabs(path):
        return {"uri": "file://" + quote(posix if posix.startswith("/") else "/" + posix)}
    return {"uri": quote(posix), "uriBaseId": "%SRCROOT%"}


def _physical(loc: Location) -> dict[str, Any]:
    region = {"startLine": loc.line, "startColumn": loc.column, "endLine": loc.end_line, "endColumn": loc.end_column}
    if loc.quote:
        region["snippet"] = {"text": loc.quote}  # type: ignore[assignment]
    return {"artifactLocation": artifact_uri(loc.path), "region": region}


def _rule(check_id: str, level: Optional[str]) -> dict[str, Any]:
    text = check_help(check_id) or f"consistency check {check_id}"
    rule: dict[str, Any] = {
        "id": check_id,
        "name": check_id,
        "shortDescription": {"text": text.split(". ")[0].rstrip(".") + "."},
        "fullDescription": {"text": text},
        "help": {"text": f"{text}\nSee `consistency rules show {check_id}`."},
    }
    if level:
        rule["defaultConfiguration"] = {"level": level}
    return rule


def render(report: Report, **options: Any) -> str:
    from .. import __version__

    results = outcomes(report, **options)
    ids = checks_for(report, options.get("checks"))
    first_sev = {}
    for f in report.findings:
        first_sev.setdefault(f.rule, f.severity)
    index = {cid: i for i, cid in enumerate(ids)}
    sarif_results = []
    for r in results:
        f = r.finding
        res: dict[str, Any] = {
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "level": _LEVEL[f.severity],
            "kind": "fail" if r.failing or f.severity != "info" else "informational",
            "message": {"text": f.message},
            "locations": [{"physicalLocation": _physical(r.location)}] if r.location else [],
            "partialFingerprints": {"consistencyFindingId/v1": f.id},
            "properties": {"findingId": f.id, "kind": f.kind, "subject": f.subject, "predicate": f.predicate,
                           "sources": list(f.sources), "status": r.status},
        }
        if r.related:
            res["relatedLocations"] = [
                {"id": i + 1, "physicalLocation": _physical(loc), "message": {"text": f"also claimed in {loc.source}"}}
                for i, loc in enumerate(r.related)
            ]
        if r.status == "accepted":
            res["suppressions"] = [{"kind": "inSource", "justification": r.reason}]
        elif r.status == "baselined":
            res["suppressions"] = [{"kind": "external", "justification": "recorded in the baseline"}]
        sarif_results.append(res)
    notifications = [
        {"level": _LEVEL[d.level], "message": {"text": d.message},
         "locations": [{"physicalLocation": {"artifactLocation": artifact_uri(d.path),
                                             **({"region": {"startLine": d.line}} if d.line else {})}}]}
        for d in report.diagnostics
    ]
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": "consistency",
            "version": __version__,
            "semanticVersion": __version__,
            "rules": [_rule(cid, _LEVEL.get(first_sev.get(cid, ""))) for cid in ids],
        }},
        "automationDetails": {"id": f"consistency/{options.get('set_name', 'documents')}/"},
        "columnKind": "unicodeCodePoints",
        "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "the directory consistency ran in"}}},
        "invocations": [{
            "executionSuccessful": not any(d.level == "error" for d in report.diagnostics),
            "toolExecutionNotifications": notifications,
        }],
        "results": sarif_results,
    }
    doc = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
