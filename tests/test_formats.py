"""Every output format, rendered from Reports built directly from model objects and parsed back."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from hypothesis import given, settings, strategies as st

from consistency import formats
from consistency.formats import github, junit, markdown
from consistency.model import Claim, Diagnostic, Finding, Report, Source, TimeSpan

HOSTILE = "Rated \x1b[31mbad\x1b[0m | <script>x</script> `code` ::error::forged\n::warning::x %0A 100% @someone #12 [a](b)"


def _source(sid: str, text: str, path: str | None = None) -> Source:
    return Source(id=sid, path=path or f"docs/{sid}.md", text=text, published=date(2021, 3, 4))


def _claim(src: Source, quote: str, value: str, predicate: str = "rating") -> Claim:
    start = src.text.index(quote)
    line, col = src.line_col(start)
    return Claim(source=src.id, subject="Harbour Trust", predicate=predicate, value=value, quote=quote,
                 span=(start, start + len(quote)), line=line, column=col,
                 time=TimeSpan(date(2020, 1, 1), date(2020, 12, 31), "year", text="2020"), time_basis="stated")


def _finding(rule: str, kind: str, severity: str, claims: list[Claim], message: str) -> Finding:
    return Finding(rule=rule, kind=kind, severity=severity, subject=claims[0].subject, predicate=claims[0].predicate,
                   claims=tuple(c.id for c in claims), sources=tuple(sorted({c.source for c in claims})),
                   message=message, claim_keys=tuple(c.key for c in claims))


def make_report(message: str = "Harbour Trust was rated good by one source and poor by another for 2020",
                path_b: str = "docs/b.md", path_a: str = "docs/a.md") -> Report:
    a = _source("a", "Harbour news\n\nIn 2020 the trust was rated good by inspectors.\n", path=path_a)
    b = _source("b", "Title\n\nLine two\n  In 2020 the trust was rated poor, the regulator said.\n", path=path_b)
    ca = _claim(a, "rated good", "good")
    cb = _claim(b, "rated poor", "poor")
    cc = _claim(a, "the trust", "open", predicate="status")
    conflict = _finding("conflict-rating", "conflict", "error", [ca, cb], message)
    note = _finding("uncorroborated", "uncorroborated", "info", [cc], "Only one source says the trust is open")
    return Report(sources=[a, b], claims=[ca, cb, cc], findings=[conflict, note],
                  diagnostics=[Diagnostic("docs/c.bin", "not text: binary file; remove it or pass text files")])


def test_registry_names_and_unknown_format():
    names = formats.names()
    for n in ("text", "json", "markdown", "sarif", "junit", "github"):
        assert n in names
    assert "html" in formats.FORMATS  # the slot exists even before the module does
    with pytest.raises(KeyError) as err:
        formats.render(make_report(), "yaml")
    assert "unknown format 'yaml'" in str(err.value) and "sarif" in str(err.value)


def test_registry_tolerates_a_missing_module(monkeypatch):
    monkeypatch.setitem(formats.FORMATS, "html", "consistency.formats.no_such_module")
    assert "html" not in formats.names()
    with pytest.raises(KeyError):
        formats.render(make_report(), "html")


def test_location_is_first_claims_quote():
    r = make_report()
    out = formats.outcomes(r)
    conflict = out[0]
    assert conflict.finding.kind == "conflict"
    assert (conflict.location.path, conflict.location.line, conflict.location.column) == ("docs/a.md", 3, 23)
    assert (conflict.location.end_line, conflict.location.end_column) == (3, 33)
    assert [(x.path, x.line, x.column) for x in conflict.related] == [("docs/b.md", 4, 25)]


def test_text_one_line_per_finding_then_summary():
    r = make_report()
    lines = formats.render(r, "text").splitlines()
    assert lines[0].startswith("docs/a.md:3:23: error conflict-rating Harbour Trust was rated good")
    assert lines[1].startswith("docs/a.md:3:9: info uncorroborated Only one source")
    assert "docs/c.bin: error: not text" in lines[2]
    assert lines[-1].startswith("2 findings (1 error, 0 warning, 1 info); 2 documents; 1 failing (--fail-on error)")


def test_text_neutralises_terminal_escapes_and_control_characters():
    out = formats.render(make_report(HOSTILE + "\u202e\x07\x9b"), "text")
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out and "\x9b" not in out
    assert "\\x1b[31m" in out and "\\u202e" in out
    assert len(out.splitlines()) == 4  # newlines in the message cannot add lines


def test_text_marks_suppressed_and_statistics():
    r = make_report()
    fid = r.findings[0].id
    out = formats.render(r, "text", status={fid: "accepted"}, reasons={fid: "figures differ by design"},
                         statistics=True)
    assert "(accepted: figures differ by design)" in out
    assert "0 failing" in out and "1 accepted inline" in out
    assert re.search(r"^1  conflict-rating  \[error\]$", out, re.M)


def test_json_is_the_report_contract():
    r = make_report()
    assert formats.render(r, "json") == r.to_json()
    fid = r.findings[0].id
    data = json.loads(formats.render(r, "json", status={fid: "baselined"}, fail_on="info", gone=2))
    base = json.loads(r.to_json())
    assert {k: data[k] for k in base} == base  # only keys added
    assert data["gate"] == {"fail_on": "info", "failing": [r.findings[1].id], "baselined": [fid], "accepted": {},
                            "baselined_gone": 2}


def _md_rows(out: str) -> list[list[str]]:
    rows = [line for line in out.splitlines() if line.startswith("| ")]
    return [re.split(r"(?<!\\)\|", row)[1:-1] for row in rows]


def test_markdown_table_escapes_document_text():
    out = formats.render(make_report(HOSTILE), "markdown")
    rows = _md_rows(out)
    assert [c.strip() for c in rows[0]] == ["status", "severity", "check", "location", "message"]
    assert all(len(row) == 5 for row in rows)  # a '|' in text never adds a column
    assert len(rows) == 3
    assert "<script>" not in out and "`" not in out and "@someone" not in out and "\x1b" not in out
    assert "&lt;script&gt;" in out and "&#64;someone" in out and "\\|" in out
    body = out.split("|---|---|---|---|---|")[1]
    assert "::error" not in body.split("\n")[1].split("|")[0]


@settings(max_examples=150, deadline=None)
@given(st.text(min_size=1, max_size=80))
def test_markdown_rows_keep_their_shape(text):
    rows = _md_rows(markdown.render(make_report(text)))
    assert len(rows) == 3 and all(len(r) == 5 for r in rows)
    assert all("\n" not in c and "<" not in c for r in rows for c in r)


def test_sarif_required_fields_and_locations():
    r = make_report(HOSTILE)
    fid = r.findings[1].id
    doc = json.loads(formats.render(r, "sarif", status={fid: "accepted"}, reasons={fid: "known"}))
    assert doc["version"] == "2.1.0"
    assert doc["$schema"].endswith("sarif-2.1.0.json")
    assert len(doc["runs"]) == 1
    run = doc["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "consistency"
    rule_ids = [x["id"] for x in driver["rules"]]
    assert {"conflict-rating", "uncorroborated"} <= set(rule_ids)
    assert all(x["shortDescription"]["text"] and x["help"]["text"] for x in driver["rules"])
    res = run["results"]
    assert len(res) == 2
    for x in res:
        assert x["message"]["text"]
        assert x["ruleId"] == rule_ids[x["ruleIndex"]]
        assert x["level"] in ("error", "warning", "note")
        assert x["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    first = res[0]
    assert first["message"]["text"] == HOSTILE  # JSON escapes it; nothing lost
    loc = first["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": "docs/a.md", "uriBaseId": "%SRCROOT%"}
    assert loc["region"] == {"startLine": 3, "startColumn": 23, "endLine": 3, "endColumn": 33,
                             "snippet": {"text": "rated good"}}
    rel = first["relatedLocations"][0]["physicalLocation"]
    assert rel["artifactLocation"]["uri"] == "docs/b.md" and rel["region"]["startLine"] == 4
    assert first["partialFingerprints"] == {"consistencyFindingId/v1": r.findings[0].id}
    assert "suppressions" not in first
    assert res[1]["suppressions"] == [{"kind": "inSource", "justification": "known"}]
    assert res[1]["level"] == "note"
    inv = run["invocations"][0]
    assert inv["executionSuccessful"] is False and "binary" in inv["toolExecutionNotifications"][0]["message"]["text"]


def test_sarif_uri_is_percent_encoded():
    r = make_report(path_b="docs/my file #1.md")
    doc = json.loads(formats.render(r, "sarif"))
    rel = doc["runs"][0]["results"][0]["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert rel == "docs/my%20file%20%231.md"


def test_junit_one_case_per_check_and_failures():
    r = make_report(HOSTILE + "\x00\x0b")
    root = ET.fromstring(formats.render(r, "junit", checks=["conflict-rating", "uncorroborated", "lifecycle"],
                                        set_name="story"))
    suite = root.find("testsuite")
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    assert set(cases) == {"conflict-rating", "uncorroborated", "lifecycle", "inputs"}
    assert all(c.get("classname") == "consistency.story" for c in cases.values())
    fail = cases["conflict-rating"].find("failure")
    assert fail is not None and "<script>" in fail.text and "docs/a.md:3:23" in fail.text
    assert "\\x00" in fail.text
    assert cases["uncorroborated"].find("failure") is None
    assert "Only one source" in cases["uncorroborated"].find("system-out").text
    assert cases["lifecycle"].find("failure") is None and len(cases["lifecycle"]) == 0
    assert cases["inputs"].find("error") is not None
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("4", "1", "1")


def test_junit_fail_on_info_fails_the_info_check():
    root = ET.fromstring(formats.render(make_report(), "junit", fail_on="info"))
    failing = [c.get("name") for c in root.iter("testcase") if c.find("failure") is not None]
    assert failing == ["conflict-rating", "uncorroborated"]


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=60))
def test_junit_always_parses(text):
    root = ET.fromstring(junit.render(make_report(text or "x")))
    assert root.find("testsuite/testcase/failure") is not None


def _unescape(s: str) -> str:
    return s.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")


def _parse_command(line: str) -> tuple[str, dict[str, str], str]:
    m = re.fullmatch(r"::(\w+)(?: ([^:]*))?::(.*)", line)
    assert m, line
    props = dict(p.split("=", 1) for p in m.group(2).split(",")) if m.group(2) else {}
    return m.group(1), {k: _unescape(v) for k, v in props.items()}, _unescape(m.group(3))


def test_github_commands_escape_messages_and_file_names():
    evil_path = "docs/a,b::c%d.md"
    r = make_report(HOSTILE, path_a=evil_path)
    out = formats.render(r, "github")
    lines = out.splitlines()
    assert len(lines) == 3  # two findings and one input error: no line was forged
    assert all(line.startswith("::") for line in lines)
    level, props, msg = _parse_command(lines[0])
    assert "file=docs/a%2Cb%3A%3Ac%25d.md," in lines[0]
    assert level == "error" and props["file"] == evil_path and props["line"] == "3" and props["col"] == "23"
    assert msg == formats.neutralise(HOSTILE, keep_newlines=True) + f" [{r.findings[0].id}]"
    assert "\x1b" not in out and "\\x1b[31m" in out
    assert "%0A::warning::x %250A 100%25" in lines[0]
    assert _parse_command(lines[1])[0] == "notice"


def test_github_property_escaping_of_commas_colons_in_paths():
    line = github.command("error", "m", file="docs/a,b::c%d.md", line=1)
    assert line == "::error file=docs/a%2Cb%3A%3Ac%25d.md,line=1::m"
    level, props, msg = _parse_command(line)
    assert props == {"file": "docs/a,b::c%d.md", "line": "1"} and msg == "m"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60), st.text(min_size=1, max_size=30))
def test_github_round_trips_anything(message, path):
    line = github.command("warning", message, file=path, title="t, x: y")
    assert "\n" not in line and "\r" not in line
    level, props, msg = _parse_command(line)
    clean = formats.neutralise
    assert (level, props["file"], props["title"]) == ("warning", clean(path, keep_newlines=True), "t, x: y")
    assert msg == clean(message, keep_newlines=True)
    assert not re.search("[\x00-\x1f\x7f]", line)


def test_github_skips_suppressed_findings():
    r = make_report()
    out = formats.render(r, "github", status={r.findings[0].id: "baselined"})
    assert "conflict-rating" not in out and "uncorroborated" in out


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=80), st.text(min_size=1, max_size=20).filter(lambda p: p.strip()))
def test_text_is_one_inert_line_per_finding(message, path):
    out = formats.render(make_report(message or "x", path_a=path), "text")
    lines = out.splitlines()
    assert len(lines) == 4  # two findings, one diagnostic, the summary
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", out)
    assert lines[0].split(":")[0] == formats.neutralise(path).split(":")[0]


def test_outcomes_find_claims_outside_the_findings_block():
    r = make_report()
    a, b = r.sources
    odd = Finding(rule="role-conflict", kind="conflict", severity="warning", subject="Someone else", predicate="role",
                  claims=(r.claims[0].id,), sources=("a",), message="spans blocks", claim_keys=("z",))
    r2 = Report(sources=r.sources, claims=r.claims, findings=[*r.findings, odd])
    out = {o.finding.id: o for o in formats.outcomes(r2)}
    assert out[odd.id].location is not None and out[odd.id].location.claim == r.claims[0].id
