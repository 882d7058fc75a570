"""JUnit XML for CI test reports: one test case per check and document set.

A check's test case fails when it has failing findings; the failure carries their messages and
locations. Findings that do not fail (below ``fail_on``, baselined, accepted) go to the case's
``system-out``. Skipped inputs are an ``inputs`` test case with an error. Built with
:mod:`xml.etree.ElementTree`, so markup is escaped; characters XML 1.0 cannot carry at all
(most control characters) are shown as escapes.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from ..model import Report
from . import Outcome, checks_for, outcomes

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """``text`` with the characters XML 1.0 forbids replaced by visible escapes."""
    return _INVALID_XML.sub(lambda m: f"\\x{ord(m.group(0)):02x}" if ord(m.group(0)) < 0x100
                            else f"\\u{ord(m.group(0)):04x}", text)


def _line(r: Outcome) -> str:
    f = r.finding
    loc = r.location
    where = f"{loc.path}:{loc.line}:{loc.column}" if loc else ", ".join(f.sources)
    note = {"baselined": " (baselined)", "accepted": f" (accepted: {r.reason})"}.get(r.status, "")
    return xml_text(f"{where}: {f.severity} {f.rule} {f.message} [{f.id}]{note}")


def render(report: Report, **options: Any) -> str:
    name = str(options.get("set_name", "documents"))
    results = outcomes(report, **options)
    ids = checks_for(report, options.get("checks"))
    suite_name = xml_text(f"consistency: {name}")
    root = ET.Element("testsuites", name="consistency")
    suite = ET.SubElement(root, "testsuite", name=suite_name)
    tests = failures = errors = 0
    for cid in ids:
        mine = [r for r in results if r.finding.rule == cid]
        failing = [r for r in mine if r.failing]
        case = ET.SubElement(suite, "testcase", classname=xml_text(f"consistency.{name}"), name=xml_text(cid))
        tests += 1
        if failing:
            failures += 1
            first = failing[0].finding.message
            fail = ET.SubElement(case, "failure", type=xml_text(cid),
                                 message=xml_text(f"{len(failing)} finding{'s' if len(failing) != 1 else ''}: {first}"))
            fail.text = "\n".join(_line(r) for r in failing) + "\n"
        rest = [r for r in mine if not r.failing]
        if rest:
            ET.SubElement(case, "system-out").text = "\n".join(_line(r) for r in rest) + "\n"
    bad = [d for d in report.diagnostics if d.level == "error"]
    if report.diagnostics:
        case = ET.SubElement(suite, "testcase", classname=xml_text(f"consistency.{name}"), name="inputs")
        tests += 1
        if bad:
            errors += 1
            err = ET.SubElement(case, "error", type="input", message=xml_text(f"{len(bad)} input(s) skipped"))
            err.text = "\n".join(xml_text(str(d)) for d in bad) + "\n"
        others = [d for d in report.diagnostics if d.level != "error"]
        if others:
            ET.SubElement(case, "system-out").text = "\n".join(xml_text(str(d)) for d in others) + "\n"
    for el in (root, suite):
        el.set("tests", str(tests))
        el.set("failures", str(failures))
        el.set("errors", str(errors))
    suite.set("skipped", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
