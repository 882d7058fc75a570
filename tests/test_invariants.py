"""Whole-pipeline invariants (issue: reliability): properties that must hold for any input.

- no text makes extraction or checking raise;
- every claim's quote is exactly the text at its span, and every interval has start <= end;
- reordering, renaming or duplicating files does not change the findings (beyond source ids);
- adding an unrelated article removes no finding;
- a document and an exact copy of it yield agreement, never conflict.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import consistency
from consistency import api
from consistency.model import Report

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="module")
def rules():
    return api.load_rules()


def _check_spans(report: Report) -> None:
    texts = {s.id: s.text for s in report.sources}
    for c in report.claims:
        assert texts[c.source][c.span[0]:c.span[1]] == c.quote
        if c.time is not None and c.time.start is not None:
            assert c.time.start <= c.time.end
            if c.time.span is not None:
                assert texts[c.source][c.time.span[0]:c.time.span[1]] == c.time.text


NEWSY = st.sampled_from([
    "The council was rated inadequate in 2013.", "It was upgraded to good in March 2016.",
    "Ofsted said on Friday that the trust requires improvement.", "Referrals rose by 40 per cent.",
    "About 360 social workers, 40 per cent of them agency staff.", "A children's trust will be set up later this year.",
    "The plans were shelved in August 2018.", "In May of this year the department announced a new trust.",
    "Jane Doe, chief executive of Exampleshire County Council, said:", "\u201cWe accept the findings.\u201d",
    "\n\n", " ", "29 February 2015", "£70m", "Section 114", "since then", "the last 12 months", "2016/17",
])


@settings(max_examples=120, deadline=None)
@given(st.lists(st.one_of(NEWSY, st.text(max_size=80)), max_size=12), st.sampled_from(["", "27 April 2016\n\n"]))
def test_arbitrary_text_never_raises_and_spans_hold(rules, parts, dateline):
    text = "Some headline\n\n" + dateline + " ".join(parts) + "\n"
    report = consistency.check([text], rules)
    _check_spans(report)
    assert {c.source for c in report.claims} <= {s.id for s in report.sources}


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=3000))
def test_raw_unicode_and_control_characters(rules, text):
    report = consistency.check(["x\n" + text], rules)
    _check_spans(report)


def test_pathological_shapes_do_not_raise(rules):
    shapes = [
        "a" * 200_000,  # one very long line, no sentence breaks
        "1 2 3 4 5 6 7 8 9 " * 5000,  # only numbers
        "12 March 2014, 13 April 2015, 2016, 2017/18. " * 2000,  # only dates
        "\x00\x01\x1b[31m\u202e" * 1000,  # control characters and bidi overrides
    ]
    for text in shapes:
        _check_spans(consistency.check(["title\n" + text], rules))


def _copy_seeds(dst: Path, names: dict[str, str] | None = None) -> list[Path]:
    dst.mkdir(parents=True, exist_ok=True)
    out = []
    for p in sorted(SEEDS.glob("*.txt")):
        q = dst / ((names or {}).get(p.stem, p.stem) + ".txt")
        shutil.copyfile(p, q)
        out.append(q)
    return out


def _shape(report: Report) -> Counter:
    """Findings without source ids: what must not change when files are renamed or reordered."""
    by_id = report.claim_index()
    return Counter(
        (f.rule, f.kind, f.severity, f.subject, f.predicate, f.detail,
         tuple(sorted((by_id[c].predicate, str(by_id[c].value), by_id[c].quote) for c in f.claims)))
        for f in report.findings
    )


def test_file_order_gives_byte_identical_reports(tmp_path, rules):
    files = _copy_seeds(tmp_path / "s")
    a = consistency.check([str(p) for p in files], rules).to_json()
    b = consistency.check([str(p) for p in reversed(files)], rules).to_json()
    c = consistency.check([str(tmp_path / "s")], rules).to_json()
    assert a == b == c
    assert consistency.check([str(tmp_path / "s")], rules).to_json() == a  # and across runs


def test_renaming_files_changes_nothing_but_ids(tmp_path, rules):
    files = _copy_seeds(tmp_path / "a")
    renamed = _copy_seeds(tmp_path / "b", {p.stem: f"zz_{i}" for i, p in enumerate(reversed(files))})
    ra = consistency.check([str(p) for p in files], rules)
    rb = consistency.check([str(p) for p in renamed], rules)
    assert len(ra.findings) > 0
    assert _shape(ra) == _shape(rb)


def test_adding_an_unrelated_article_removes_no_finding(tmp_path, rules):
    _copy_seeds(tmp_path / "s")
    before = consistency.check([str(tmp_path / "s")], rules)
    (tmp_path / "s" / "zzz_unrelated.txt").write_text(
        "Riverside library reopens\n\n3 March 2015\n\nThe riverside library in Wexley reopened on Saturday after "
        "a six-month refurbishment costing £1.2m. About 300 people attended.\n", encoding="utf-8")
    after = consistency.check([str(tmp_path / "s")], rules)
    assert {f.id for f in before.findings} <= {f.id for f in after.findings}


def test_exact_copy_yields_agreement_never_conflict(tmp_path, rules):
    src = SEEDS / sorted(p.name for p in SEEDS.glob("*.txt"))[0]
    (tmp_path / "d").mkdir()
    shutil.copyfile(src, tmp_path / "d" / "original.txt")
    shutil.copyfile(src, tmp_path / "d" / "copy.txt")
    report = consistency.check([str(tmp_path / "d")], rules)
    assert report.claims, "the seed should yield claims"
    pair = [f for f in report.findings if set(f.sources) == {"original", "copy"}]
    assert not [f for f in pair if f.kind == "conflict"]
    assert [f for f in pair if f.kind in ("agreement", "refinement")]


def test_report_json_is_valid_and_versioned(rules):
    doc = json.loads(consistency.check([str(SEEDS)], rules).to_json())
    assert doc["version"] == 1
    assert len(doc["sources"]) == 5
