"""The issue's quality bar on the five seed articles, end to end (sources -> claims -> engine).

Each finding named here is what a reader following the story must see; the same behaviours are
pinned on invented councils in ``tests/cases/*.toml``.
"""

from __future__ import annotations

from pathlib import Path
from typing import List

import pytest

from consistency import api
from consistency.model import Claim, Finding, Report

SEEDS = sorted((Path(__file__).resolve().parents[1] / "seeds").glob("*.txt"))


@pytest.fixture(scope="module")
def report() -> Report:
    if len(SEEDS) != 5:
        pytest.skip("the seed articles are not in seeds/")
    return api.check([str(p) for p in SEEDS])


def src(prefix: str, report: Report) -> str:
    return next(s.id for s in report.sources if s.id.startswith(prefix))


def cited(f: Finding, report: Report) -> List[Claim]:
    idx = report.claim_index()
    return [idx[c] for c in f.claims]


def test_direction_notice_2013_and_october_2013_refine_or_agree(report: Report) -> None:
    hits = [
        f
        for f in report.findings
        if f.kind in ("refinement", "agreement")
        and f.predicate == "intervention"
        and {str(c.value) for c in cited(f, report)} == {"direction notice"}
        and {src("000", report), src("001", report)} <= set(f.sources)
    ]
    assert hits, [f.message for f in report.findings if f.predicate == "intervention"]
    assert "October 2013" in hits[0].message and "2013" in hits[0].message


def test_2016_upgrade_stated_by_two_sources(report: Report) -> None:
    hits = [
        f
        for f in report.findings
        if f.kind in ("refinement", "agreement")
        and f.predicate == "rating"
        and {str(c.value) for c in cited(f, report)} == {"requires improvement"}
        and {src("000", report), src("002", report)} <= set(f.sources)
    ]
    assert hits
    assert any(c.time is not None and c.time.start is not None and c.time.start.year == 2016 for c in cited(hits[0], report))


def test_rating_history_is_transitions_never_a_conflict(report: Report) -> None:
    rating = [f for f in report.findings if f.predicate == "rating"]
    assert not [f for f in rating if f.kind == "conflict"], [f.message for f in rating if f.kind == "conflict"]
    transitions = [(f.detail, f.severity) for f in rating if f.kind == "transition"]
    assert ("up", "info") in transitions and ("down", "info") in transitions
    up = next(f for f in rating if f.kind == "transition" and f.detail == "up")
    down = next(f for f in rating if f.kind == "transition" and f.detail == "down")
    assert {str(c.value) for c in cited(up, report)} >= {"inadequate", "requires improvement"}
    assert "no longer rated inadequate" in up.message  # the denial is cited as evidence of the change
    assert '"again"' in down.message and "matches inadequate" in down.message


def test_trust_planned_shelved_revived(report: Report) -> None:
    trust = [f for f in report.findings if f.predicate == "status" and "trust" in f.subject]
    details = {f.detail for f in trust}
    assert {"reversed", "revived"} <= details, [f.message for f in trust]
    plan_2016 = [
        f
        for f in trust
        if f.detail in ("fulfilled", "reversed")
        and any(c.modality == "plan" and c.source == src("000", report) for c in cited(f, report))
    ]
    assert plan_2016, "the 2016 plan is judged against what followed"
    shelved = next(f for f in trust if f.detail == "reversed")
    assert "August 2018" in shelved.message
    revived = next(f for f in trust if f.detail == "revived")
    assert "August 2018" in revived.message and "May 2019" in revived.message
    assert not [f for f in trust if f.kind == "conflict"]


def test_referrals_40_and_39_per_cent_agree_approximately(report: Report) -> None:
    hits = [f for f in report.findings if f.kind == "approximate_agreement"]
    assert any({c.value for c in cited(f, report)} == {39, 40} for f in hits), [f.message for f in hits]


def test_roles_consistent_across_2014_and_2016(report: Report) -> None:
    roles = [f for f in report.findings if f.predicate == "role"]
    assert not [f for f in roles if f.kind == "conflict"], [f.message for f in roles if f.kind == "conflict"]
    agree = [f for f in roles if f.kind == "agreement"]
    years = set()
    for f in agree:
        ys = {c.published.year for c in cited(f, report) if c.published}
        if {2014, 2016} <= ys:
            years.add(f.subject)
    assert len(years) >= 2, [f.message for f in agree]


def test_no_error_level_findings_on_consistent_seeds(report: Report) -> None:
    # the five articles tell one story without contradicting each other
    assert not [f.message for f in report.findings if f.severity == "error"]


# -- the same behaviours on articles written for this test (an invented council, other words) ----

INVENTED = {
    "wex_2015": """Wexcombe children's services still rated inadequate

12 March 2015

Children's services in Wexcombe remain inadequate, according to a report from Ofsted published this week.

Wexcombe Borough Council was rated inadequate in 2014 and was issued with an improvement notice by the Department for Education in November 2014.

The council's deputy leader, Councillor Maria Keane, said: "We know there is a great deal of work ahead of us."

The council plans to set up an independent children's trust later this year.
""",
    "wex_2017": """Wexcombe services upgraded after inspection

3 October 2017

Wexcombe Borough Council's children's services have been upgraded to "requires improvement" following an Ofsted inspection in June 2017.

The authority had been rated inadequate in 2014 and received an improvement notice the same year.

Deputy leader Maria Keane said the new rating reflected the hard work of staff.
""",
    "wex_2019": """Wexcombe trust plans scrapped

20 May 2019

Plans for an independent children's trust in Wexcombe were scrapped in January 2019, the council confirmed.

Wexcombe Borough Council's deputy leader, Maria Keane, said the authority would instead keep services in house.
""",
}


@pytest.fixture(scope="module")
def invented(tmp_path_factory: pytest.TempPathFactory) -> Report:
    d = tmp_path_factory.mktemp("invented")
    for name, text in INVENTED.items():
        (d / f"{name}.txt").write_text(text, encoding="utf-8")
    return api.check([str(d)])


def test_invented_council_history_refinement_roles_and_plan(invented: Report) -> None:
    fs = invented.findings
    assert not [f.message for f in fs if f.kind == "conflict"]
    rating = [f for f in fs if f.predicate == "rating" and f.kind == "transition"]
    assert [f.detail for f in rating] == ["up"], [f.message for f in fs]
    notice = [f for f in fs if f.predicate == "intervention" and f.kind in ("refinement", "agreement")]
    assert notice and "November 2014" in notice[0].message
    role = [f for f in fs if f.predicate == "role" and f.kind == "agreement"]
    assert role and len(role[0].sources) == 3
    trust = [f for f in fs if f.predicate == "status"]
    assert [f.detail for f in trust] == ["reversed"], [f.message for f in trust]
    assert "January 2019" in trust[0].message and "later this year" in trust[0].message
