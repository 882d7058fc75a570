"""The important claims of the five seed articles, pinned (see docs/seed-claims.md)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import attrs
import pytest

from consistency import dating, rulepack
from consistency.extract import extract, resolve
from consistency.sentences import segment
from consistency.sources import load_sources

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
NCC = "Northamptonshire County Council"


@pytest.fixture(scope="module")
def claims():
    rs = rulepack.load()
    srcs, diags = load_sources([str(SEEDS)])
    out = []
    for s in srcs:
        sents = segment(s)
        if s.published is None:
            est = dating.estimate(s, sents)
            if est:
                s = attrs.evolve(s, published_range=est[0], published_basis=est[1])
        cs = extract(s, rs, sents)
        for c in cs:
            assert s.text[c.span[0]:c.span[1]] == c.quote
            assert (c.line, c.column) == s.line_col(c.span[0])
        out += cs
    return resolve(out, rs)


def find(claims, seed, predicate, value=None, subject=None, **kw):
    out = []
    for c in claims:
        if not c.source.startswith(seed) or c.predicate != predicate:
            continue
        if value is not None and c.value != value:
            continue
        if subject is not None and c.subject != subject:
            continue
        if all(getattr(c, k) == v for k, v in kw.items()):
            out.append(c)
    return out


def year(c):
    return c.time.start.year if c.time and c.time.start else None


def test_ratings_with_their_years(claims):
    # 2013 inadequate: seed 000 (In 2013 ... rated as inadequate), 002 (lowest rating in 2013), 004 (early 2013)
    for seed in ("000", "002", "004"):
        got = [c for c in find(claims, seed, "rating", "inadequate", NCC) if year(c) == 2013 and c.modality == "fact"]
        assert got, seed
    ri = find(claims, "000", "rating", "requires improvement", NCC, modality="fact")
    assert ri and ri[0].time.start == date(2016, 2, 1) and ri[0].time.granularity == "month"
    up = find(claims, "002", "rating", "requires improvement", NCC, direction="up")
    assert up and year(up[0]) == 2016 and up[0].modality == "fact"
    again = find(claims, "002", "rating", "inadequate", NCC, direction="again")
    assert again and again[0].time.start == date(2019, 7, 29) and again[0].time_basis == "published"
    neg = find(claims, "000", "rating", "inadequate", NCC, modality="negated")
    assert neg and neg[0].direction == "no_longer" and neg[0].speaker == "Ofsted"


def test_direction_notice_2013(claims):
    a = find(claims, "000", "intervention", "direction notice", NCC)
    b = find(claims, "001", "intervention", "direction notice", NCC)
    assert a and year(a[0]) == 2013 and a[0].time.granularity == "year"
    assert b and b[0].time.start == date(2013, 10, 1) and b[0].time.granularity == "month"
    assert b[0].time_basis == "stated"


def test_trust_lifecycle(claims):
    trust = f"{NCC}: children's trust"
    plan = find(claims, "000", "status", subject=trust, modality="plan")
    assert plan and year(plan[0]) == 2016 and plan[0].speaker == "Heather Smith"
    setup = find(claims, "002", "status", "set up", trust, modality="fact")
    assert setup and setup[0].time is None
    shelved = find(claims, "002", "status", "shelved", trust)
    assert shelved and shelved[0].time.start == date(2018, 8, 1) and shelved[0].modality == "fact"
    announced = find(claims, "002", "status", "planned", trust)
    assert announced and announced[0].time.start == date(2019, 5, 1) and announced[0].modality == "fact"
    handover = find(claims, "002", "status", "handed over", trust)
    assert handover and handover[0].modality == "plan" and year(handover[0]) == 2020
    assert handover[0].time.modifier == "by"
    # a plan is never a fact
    assert not find(claims, "002", "status", "handed over", trust, modality="fact")


def test_referral_increases(claims):
    r1 = find(claims, "001", "change", 40, f"{NCC}: referrals")
    assert r1 and r1[0].unit == "%" and r1[0].direction == "up"
    r2 = find(claims, "004", "change", 39, f"{NCC}: referrals")
    assert r2 and r2[0].time.granularity == "range" and "12 months" in r2[0].time.text
    assert r2[0].modality == "reported" and r2[0].speaker == NCC


def test_agency_staff_and_social_workers(claims):
    share = find(claims, "004", "share", 40, f"{NCC}: agency staff")
    assert share and share[0].qualifier == "about" and share[0].unit == "%"
    count = find(claims, "004", "count", 360, f"{NCC}: social workers")
    assert count and count[0].qualifier == "about"
    # "360 social workers" is never a date
    assert all(not (c.time and c.time.text and "360" in c.time.text) for c in claims)


def test_social_work_academy_planned(claims):
    acad = find(claims, "004", "status", "set up", f"{NCC}: social work academy", modality="plan")
    assert acad and "later this year" in acad[0].time.text


@pytest.mark.parametrize("seed,person,value", [
    ("000", "Heather Smith", f"deputy leader, {NCC}"),
    ("000", "Heather Smith", f"cabinet member for children's services, {NCC}"),
    ("001", "Heather Smith", f"deputy leader, {NCC}"),
    ("004", "Heather Smith", f"deputy leader, {NCC}"),
    ("000", "Alex Hopkins", f"director of children, families and education, {NCC}"),
    ("004", "Alex Hopkins", f"director of children, families and education, {NCC}"),
    ("000", "Christine Davies", f"independent chair, {NCC}: improvement board"),
    ("001", "Christine Davies", f"independent chair, {NCC}: improvement board"),
    ("002", "Sally Hodges", f"director of children's services, {NCC}"),
    ("003", "Paul Blantern", f"chief executive, {NCC}"),
])
def test_people_and_roles(claims, seed, person, value):
    assert find(claims, seed, "role", value, person), (seed, person, value)


def test_predictions_2014(claims):
    good = find(claims, "004", "rating", "good", NCC, modality="prediction")
    assert good and good[0].qualifier == "not" and good[0].speaker == "Heather Smith"
    ri = find(claims, "004", "rating", "requires improvement", NCC, modality="prediction")
    assert ri and ri[0].speaker == "Heather Smith" and ri[0].qualifier is None
    # "the level above inadequate" is a reference point, not a rating
    assert not find(claims, "004", "rating", "inadequate", modality="prediction")


def test_no_claims_from_furniture_or_good_progress(claims):
    assert not [c for c in claims if c.unit == "GBP" and c.value in (15, 12)]
    # "good and steady progress" (seed 001) is not a rating
    assert not find(claims, "001", "rating", "good")
    # "rated good or outstanding" (children's homes) is not the council's rating
    assert not find(claims, "000", "rating", "good")
    assert not find(claims, "000", "rating", "outstanding")


def test_one_organisation_across_spellings(claims):
    orgs = {c.subject.split(": ")[0] for c in claims if c.predicate != "role"}
    assert "Northamtonshire" not in orgs and "Northamptonshire" not in orgs
    assert NCC in orgs
