"""The pytest plugin, driven through pytest's own pytester."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from consistency import gate
from consistency.model import Claim, Diagnostic, Finding, Report, Source

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[1]


def _plugin_args() -> list[str]:
    """``-p consistency.pytest_plugin`` unless the installed entry point already loads it."""
    from importlib.metadata import entry_points

    if any(e.value == "consistency.pytest_plugin" for e in entry_points(group="pytest11")):
        return []
    return [*_plugin_args()]


def _fake_result(set_paths, s):
    src = Source(id="ward", path="docs/ward.md", text="Intro\nThe ward was rated poor in 2020.\n",
                 published=date(2021, 1, 1))
    start = src.text.index("rated poor")
    c = Claim(source="ward", subject="Lakeside ward", predicate="rating", value="poor", quote="rated poor",
              span=(start, start + 10), line=2, column=14)
    bad = Finding(rule="conflict", kind="conflict", severity="error", subject="Lakeside ward", predicate="rating",
                  claims=(c.id,), sources=("ward",), message="rated poor here but good elsewhere | <b>", claim_keys=("x",))
    meh = Finding(rule="agreement", kind="agreement", severity="info", subject="Lakeside ward", predicate="rating",
                  claims=(c.id,), sources=("ward",), message="two sources agree", claim_keys=("y",))
    report = Report(sources=[src], claims=[c], findings=[bad, meh],
                    diagnostics=[Diagnostic("docs/broken.txt", "not UTF-8 text; re-save as UTF-8")])
    return gate.Result(report=report, status={}, reasons={}, gone=0, checks=("agreement", "conflict", "lifecycle"),
                       fail_on=s.fail_on)


@pytest.fixture
def project(pytester):
    pytester.makefile(".toml", pyproject='[tool.consistency]\npaths = ["docs"]\n')
    pytester.mkdir("docs")
    pytester.makepyfile(test_plain="def test_ok():\n    assert True\n")
    return pytester


def test_without_the_flag_it_does_nothing(project, monkeypatch):
    monkeypatch.setattr(gate, "run", lambda *a, **k: pytest.fail("the gate must not run"))
    result = project.runpytest(*_plugin_args())
    result.assert_outcomes(passed=1)
    assert "consistency[" not in result.stdout.str()


def test_with_the_flag_each_check_is_a_test(project, monkeypatch):
    monkeypatch.setattr(gate, "run", _fake_result)
    result = project.runpytest(*_plugin_args(), "--consistency", "-v")
    result.assert_outcomes(passed=3, failed=2)
    out = result.stdout.str()
    assert "consistency[documents]::conflict FAILED" in out
    assert "consistency[documents]::agreement PASSED" in out
    assert "consistency[documents]::lifecycle PASSED" in out
    assert "consistency[documents]::inputs FAILED" in out
    assert "docs/ward.md:2:14: error rated poor here but good elsewhere | <b>" in out
    assert "conflict: 1 finding(s) at or above error" in out
    assert "not UTF-8 text" in out
    assert "Traceback" not in out and "raise ConsistencyFailure" not in out
    assert result.ret == 1


def test_ini_option_enables_it_and_k_selects(project, monkeypatch):
    monkeypatch.setattr(gate, "run", _fake_result)
    project.makeini("[pytest]\nconsistency = true\n")
    result = project.runpytest(*_plugin_args(), "-k", "agreement")
    result.assert_outcomes(passed=1)


def test_fail_on_from_config_is_honoured(project, monkeypatch):
    monkeypatch.setattr(gate, "run", _fake_result)
    project.makefile(".toml", pyproject='[tool.consistency]\npaths = ["docs"]\nfail-on = "info"\n')
    result = project.runpytest(*_plugin_args(), "--consistency", "-k", "agreement")
    result.assert_outcomes(failed=1)


def test_configuration_error_is_one_failing_item(project):
    project.makefile(".toml", pyproject='[tool.consistency]\npaths = ["docs"]\nfial-on = "info"\n')
    result = project.runpytest(*_plugin_args(), "--consistency")
    result.assert_outcomes(passed=1, failed=1)
    out = result.stdout.str()
    assert "unknown key 'fial-on'" in out and "did you mean 'fail-on'" in out and "Traceback" not in out


def test_plugin_import_is_cheap_and_inert_in_a_fresh_process(project, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    project.makeconftest(
        "import sys\n"
        "def pytest_sessionfinish(session):\n"
        "    heavy = [m for m in ('consistency.gate', 'consistency.api', 'consistency.cache', 'dateparser')\n"
        "             if m in sys.modules]\n"
        "    print('HEAVY=' + ','.join(heavy))\n"
        "    assert 'consistency.pytest_plugin' in sys.modules\n"
    )
    result = project.runpytest_subprocess(*_plugin_args(), "-s")
    result.assert_outcomes(passed=1)
    heavy = re.search(r"HEAVY=(\S*)", result.stdout.str())
    assert heavy is not None and heavy.group(1) == ""


def test_real_pipeline_on_articles(project, monkeypatch):
    try:
        from consistency import api, checks  # noqa: F401
    except ImportError as exc:
        pytest.skip(f"pipeline modules not importable yet ({exc})")
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    docs = project.path / "docs"
    (docs / "one.txt").write_text("Published: 2019-05-02\n\nInspectors rated Westbrook Police 'good' in March 2019.\n")
    (docs / "two.txt").write_text("Published: 2019-06-02\n\nWestbrook Police was rated 'inadequate' by "
                                  "inspectors in March 2019.\n")
    result = project.runpytest_subprocess(*_plugin_args(), "--consistency", "-v",
                                          "--consistency-no-cache")
    out = result.stdout.str()
    assert "consistency[documents]::" in out and "Traceback" not in out
    assert result.ret in (0, 1)
