"""Baselines and inline acceptance: unit level on model objects, then the workflow in a git repo."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from consistency import baseline
from consistency.baseline import BaselineError
from consistency.model import Finding, Source


def _finding(rule: str, key: str, severity: str = "error", message: str = "m") -> Finding:
    return Finding(rule=rule, kind="conflict", severity=severity, subject="Eastfield Prison", predicate="rating",
                   claims=(f"c{key}",), sources=("a",), message=message, claim_keys=(key,))


F1, F2, F3 = _finding("conflict", "k1"), _finding("conflict", "k2"), _finding("lifecycle", "k3", "warning")


def test_dumps_is_sorted_deterministic_and_readable():
    text = baseline.dumps([F2, F1, F3, F1])
    assert text == baseline.dumps([F3, F1, F2])
    data = json.loads(text)
    assert data["version"] == 1
    assert [r["id"] for r in data["findings"]] == sorted({F1.id, F2.id, F3.id})
    assert data["findings"][0].keys() == {"id", "rule", "severity", "subject", "predicate", "message"}


def test_write_and_load(tmp_path):
    p = tmp_path / "baseline.json"
    assert baseline.write(str(p), [F1, F2]) == 2
    assert baseline.load(str(p)) == {F1.id, F2.id}


@pytest.mark.parametrize("content, needle", [
    (None, "baseline file not found; create it with 'consistency baseline PATH... -o"),
    ("{nope", ":1: the baseline is not valid JSON"),
    ("[1, 2]", "not a consistency baseline"),
    ('{"version": 9, "findings": []}', "baseline version 9 is not supported"),
    ('{"version": 1, "findings": [{"rule": "x"}]}', "findings[0] has no 'id'"),
])
def test_load_errors_name_the_file_and_the_fix(tmp_path, content, needle):
    p = tmp_path / "b.json"
    if content is not None:
        p.write_text(content)
    with pytest.raises(BaselineError) as err:
        baseline.load(str(p))
    assert str(err.value).startswith(str(p)) and needle in str(err.value)


def test_apply_suppresses_baselined_and_counts_gone():
    status, reasons, gone, diags = baseline.apply([F1, F3], baseline=frozenset({F1.id, F2.id, "Fdeadbeef000"}))
    assert status == {F1.id: "baselined"} and reasons == {} and gone == 2 and diags == []


def _src(text: str, path: str = "docs/east.md") -> Source:
    return Source(id="east", path=path, text=text, published=date(2022, 5, 1))


def test_inline_acceptance_forms():
    text = (f"Eastfield Prison was rated poor in 2021.\n"
            f"<!-- consistency: accept {F1.id} -- the 2021 report was withdrawn -->\n"
            f"  % consistency: accept {F2.id}, {F3.id} \u2014 same survey quoted twice\n"
            f"// consistency:accept {F3.id} -- again\n")
    found, diags = baseline.find_acceptances(_src(text))
    assert diags == []
    assert [(a.line, a.ids, a.reason) for a in found] == [
        (2, (F1.id,), "the 2021 report was withdrawn"),
        (3, (F2.id, F3.id), "same survey quoted twice"),
        (4, (F3.id,), "again"),
    ]
    status, reasons, gone, adiags = baseline.apply([F1, F3], acceptances=found)
    assert status == {F1.id: "accepted", F3.id: "accepted"}
    assert reasons[F1.id] == "the 2021 report was withdrawn"
    assert [(d.level, d.line) for d in adiags] == [("warning", 3)]  # F2 is not among the findings
    assert F2.id in adiags[0].message and "remove the line" in adiags[0].message


def test_missing_reason_is_a_warning_and_does_not_accept():
    text = f"Body.\n<!-- consistency: accept {F1.id} -->\n% consistency: acept {F1.id} -- typo\n"
    found, diags = baseline.find_acceptances(_src(text))
    assert found == []
    assert [(d.level, d.line, d.path) for d in diags] == [("warning", 2, "docs/east.md"), ("warning", 3, "docs/east.md")]
    assert "needs a reason" in diags[0].message and "unrecognised consistency directive" in diags[1].message


def test_directives_only_count_at_the_start_of_a_line():
    text = f"The council said consistency: accept {F1.id} -- reason was its aim.\n"
    assert baseline.find_acceptances(_src(text)) == ([], [])
    assert baseline.mark(_src(text)).furniture == ()


def test_mark_makes_directive_lines_furniture():
    text = f"Rated good.\n<!-- consistency: accept {F1.id} -- rated inadequate in 2019 by inspectors -->\nEnd.\n"
    src = baseline.mark(_src(text))
    (start, end), = src.furniture
    assert text[start:end] == f"<!-- consistency: accept {F1.id} -- rated inadequate in 2019 by inspectors -->"
    assert src.text == text and src.in_furniture(start + 30, start + 40)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(["Rated good.", "<!-- consistency: accept Fabcdefabcdef -- why -->", "% consistency: x",
                                 "", "  // consistency: accept F000000000000", "\r", "text % consistency: no"]),
                max_size=8))
def test_mark_spans_lie_inside_the_text_and_cover_whole_directives(lines):
    text = "\n".join(lines)
    src = baseline.mark(_src(text))
    assert src.text == text
    for s, e in src.furniture:
        assert 0 <= s <= e <= len(text)
        assert "consistency" in text[s:e] and "\n" not in text[s:e]
    found, diags = baseline.find_acceptances(src)
    assert len(found) + len(diags) == len(src.furniture)


# ---- the workflow, end to end, in a git repository -------------------------------------------

OLD = {
    "greyford-a.txt": "Greyford children's services rated good\n\nPublished: 2018-03-01\n\nChildren's services at "
                      "Greyford Borough Council were rated good by Ofsted in January 2018, the council said.\n",
    "greyford-b.txt": "Inspectors praise Greyford\n\nPublished: 2018-04-20\n\nOfsted rated Greyford Borough Council's "
                      "children's services good after an inspection in January 2018.\n",
    "greyford-d.txt": "Greyford improvement\n\nPublished: 2018-05-02\n\nThe council said its children's services were "
                      "judged to require improvement when Ofsted inspected Greyford Borough Council in January 2018.\n",
}
NEW = {"greyford-c.txt": "Greyford children's services failing\n\nPublished: 2018-06-01\n\nGreyford Borough "
                         "Council's children's services were rated inadequate by Ofsted in January 2018.\n"}


def _cli(args, cwd):
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    return subprocess.run([sys.executable, "-m", "consistency", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


def _pipeline_or_skip():
    try:
        from consistency import api, checks  # noqa: F401
    except ImportError as exc:
        pytest.skip(f"pipeline modules not importable yet ({exc})")


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_baseline_workflow_in_a_git_repository(tmp_path):
    _pipeline_or_skip()
    repo = tmp_path / "newsroom"
    (repo / "docs").mkdir(parents=True)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    for name, text in OLD.items():
        (repo / "docs" / name).write_text(text)
    (repo / "pyproject.toml").write_text('[tool.consistency]\npaths = ["docs"]\nbaseline = "consistency-baseline.json"\n'
                                         'cache-dir = ".consistency_cache"\n')
    r = _cli(["baseline"], repo)
    assert r.returncode == 0, r.stderr
    assert "recorded" in r.stderr
    recorded = json.loads((repo / "consistency-baseline.json").read_text())["findings"]
    assert any(f["severity"] == "error" for f in recorded)  # today's known conflict
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-qm", "docs and baseline"], cwd=repo, check=True)
    tracked = subprocess.run(["git", "ls-files"], cwd=repo, capture_output=True, text=True).stdout.split()
    assert "consistency-baseline.json" in tracked and not any(".consistency_cache" in t for t in tracked)
    r = _cli(["check"], repo)
    assert r.returncode == 0, r.stdout + r.stderr  # the known conflict is baselined
    assert "baselined" in r.stdout
    assert _cli(["check", "--no-baseline", "--no-cache"], repo).returncode == 1  # without it, it would fail

    for name, text in NEW.items():
        (repo / "docs" / name).write_text(text)
    r = _cli(["check", "--format", "json"], repo)
    assert r.returncode == 1, r.stderr
    data = json.loads(r.stdout)
    failing = data["gate"]["failing"]
    assert failing, "the contradicting article must fail the gate"
    new_claims = {c["id"] for c in data["claims"] if c["source"] == "greyford-c"}
    by_id = {f["id"]: f for f in data["findings"]}
    assert all(set(by_id[i]["claims"]) & new_claims for i in failing)  # only findings involving the new article
    assert "no longer occur" in r.stderr or data["gate"]["baselined"]

    # accept them inline, with a reason: the gate passes again, and the reason never becomes a claim
    with open(repo / "docs" / "greyford-c.txt", "a") as fh:
        fh.write(f"\n<!-- consistency: accept {', '.join(failing)} -- rated inadequate by Ofsted in 2017, "
                 "disputed in court -->\n")
    r = _cli(["check", "--format", "json"], repo)
    assert r.returncode == 0, r.stdout + r.stderr
    data = json.loads(r.stdout)
    assert set(data["gate"]["accepted"]) == set(failing)
    assert not any("2017" in c["quote"] or "disputed" in c["quote"] for c in data["claims"])
    r = _cli(["check"], repo)
    assert r.returncode == 0 and "accepted: rated inadequate by Ofsted in 2017, disputed in court" in r.stdout
