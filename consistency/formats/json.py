"""The documented JSON contract: exactly :meth:`Report.to_json`, plus a ``gate`` key when the gate
passes its verdict (finding statuses, threshold), as the contract allows later versions to add keys."""

from __future__ import annotations

import json
from typing import Any

from ..model import Report
from . import outcomes


def render(report: Report, **options: Any) -> str:
    if not any(k in options for k in ("status", "fail_on", "gone")):
        return report.to_json()
    data = report.to_dict()
    results = outcomes(report, **options)
    data["gate"] = {
        "fail_on": options.get("fail_on", "error"),
        "failing": [r.finding.id for r in results if r.failing],
        "baselined": [r.finding.id for r in results if r.status == "baselined"],
        "accepted": {r.finding.id: r.reason for r in results if r.status == "accepted"},
        "baselined_gone": int(options.get("gone", 0)),
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
