"""The command line: report/claims/timeline/rules, exit codes, one-line errors, the installed package."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from consistency import cli

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_report_on_seeds_lists_every_source_with_its_date():
    code, out, err = run("report", str(SEEDS))
    assert code == 0, err
    for stem in (p.stem for p in SEEDS.glob("*.txt")):
        assert stem in out
    assert "2016-04-27" in out and "2014-07-07" in out and "2019-07-29" in out
    assert "estimated" in out  # the undated seed shows an inferred range


def test_report_json_follows_the_contract():
    code, out, _ = run("report", str(SEEDS), "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["version"] == 1
    src = {s["id"]: s for s in doc["sources"]}
    assert src["000_d84102a48b626dab"]["published"] == "2016-04-27"
    undated = src["004_6b0f1e4ebbb8374e"]
    assert undated["published"] is None and undated["published_range"][0].startswith("2014")
    for c in doc["claims"]:
        assert set(c) >= {"id", "source", "subject", "predicate", "value", "time", "modality", "speaker", "quote", "span"}
    for f in doc["findings"]:
        assert set(f) >= {"id", "rule", "kind", "severity", "subject", "predicate", "claims", "sources", "message"}


def test_missing_file_is_one_line_exit_2_and_others_still_reported(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("A title\n\n3 May 2015\n\nThe council was rated good in 2015.\n", encoding="utf-8")
    code, out, err = run("report", str(good), str(tmp_path / "nope.txt"))
    assert code == 2
    assert "good" in out  # the good file was still reported
    assert "nope.txt" in err and "Traceback" not in err


def test_unknown_format_is_a_usage_error():
    code, _, err = run("report", str(SEEDS), "--format", "pdf")
    assert code == 2 and "pdf" in err


def test_no_command_prints_help_and_exit_2():
    code, out, _ = run()
    assert code == 2 and "report" in out


def test_claims_and_timeline_commands():
    code, out, _ = run("claims", str(SEEDS))
    assert code == 0 and "000_d84102a48b626dab" in out
    code, out, _ = run("timeline", str(SEEDS), "--subject", "Northamptonshire")
    assert code == 0 and "Northamptonshire" in out
    code, out, _ = run("timeline", str(SEEDS), "--subject", "no such subject anywhere")
    assert code == 0 and out.strip() == "no claims"


def test_rules_list_and_show():
    code, out, _ = run("rules")
    assert code == 0 and "core" in out and "Checks" in out
    code, out, err = run("rules", "show", "no-such-thing")
    assert code == 2 and "no such pack, attribute or check" in err and "core" in err


def test_output_file(tmp_path):
    target = tmp_path / "r.json"
    code, out, _ = run("report", str(SEEDS), "--format", "json", "-o", str(target))
    assert code == 0 and out == ""
    assert json.loads(target.read_text(encoding="utf-8"))["version"] == 1


def test_python_dash_m_works():
    proc = subprocess.run([sys.executable, "-m", "consistency", "--version"], capture_output=True, text=True)
    assert proc.returncode == 0 and "consistency" in proc.stdout


def test_rules_ship_with_the_installed_distribution(tmp_path):
    """rules/ must be installed as package data, not only present in the checkout.

    Runs in a subprocess from an empty directory, so neither the checkout nor its egg-info is
    on the path: what it sees is the installed distribution.
    """
    probe = (
        "import json, importlib.metadata as m, consistency, consistency.rulepack as r\n"
        "try:\n    files = [str(f).replace('\\\\', '/') for f in (m.files('consistency') or [])]\n"
        "except m.PackageNotFoundError:\n    files = None\n"
        "print(json.dumps({'files': files, 'module': consistency.__file__, 'packs': len(r.load().packs)}))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path, env=env)
    if proc.returncode != 0 and "No module named 'consistency'" in proc.stderr:
        pytest.skip("consistency is not installed in this environment")
    assert proc.returncode == 0, proc.stderr
    info = json.loads(proc.stdout)
    assert info["packs"] >= 2  # the shipped packs load from wherever the package is installed
    files = info["files"] or []
    if not any(f.startswith("consistency/") and f.endswith(".py") for f in files):
        pytest.skip("editable install: package data is served from the checkout")
    assert any(f.startswith("consistency/rules/") and f.endswith(".toml") for f in files), files[:20]


def test_every_subpackage_is_listed_for_the_wheel():
    """pyproject lists packages explicitly (rules/ is mapped to consistency.rules); a new
    subpackage that is not listed would silently be missing from the installed wheel."""
    import tomllib

    root = Path(__file__).resolve().parent.parent
    listed = set(tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {"consistency." + p.parent.name for p in (root / "consistency").glob("*/__init__.py")}
    assert found | {"consistency", "consistency.rules"} == listed


def test_jobs_flag_gives_the_same_report_and_bad_scheduler_is_a_usage_error():
    code1, one, _ = run("report", str(SEEDS), "--format", "json", "--jobs", "1")
    code2, two, _ = run("report", str(SEEDS), "--format", "json", "--jobs", "2")
    assert code1 == code2 == 0 and one == two
    code, _, err = run("report", str(SEEDS), "--scheduler", "nowhere")
    assert code == 2 and "--scheduler" in err and "Traceback" not in err


def test_extract_to_store_then_check_new_documents_against_it(tmp_path):
    pytest.importorskip("pyarrow")
    store = tmp_path / "store"
    code, out, err = run("extract", str(SEEDS), "--store", str(store))
    assert code == 0, err
    assert "added" in out and "5 document(s)" in out
    code, out, _ = run("extract", str(SEEDS), "--store", str(store))
    assert code == 0 and "nothing new" in out  # the same bytes are never stored twice
    new = tmp_path / "new.txt"
    new.write_text(
        "Northamptonshire children's services judged good\n\n3 June 2022\n\n"
        "Inspectors rated Northamptonshire County Council's children's services good in May 2022.\n",
        encoding="utf-8")
    code, out, err = run("check", str(new), "--store", str(store), "--format", "json", "--no-cache")
    assert code in (0, 1), err
    doc = json.loads(out)
    assert [s["id"] for s in doc["sources"] if s["id"] == "new"] == ["new"]
    code, _, err = run("check", str(new), "--update", "--no-cache")
    assert code == 2 and "--store" in err
