"""Extraction on articles written for these tests (invented councils, hospitals, forces), in other
words and sentence shapes than the seeds: the same kinds of claims must come out, and no others."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from hypothesis import given, settings, strategies as st

from consistency import rulepack
from consistency.extract import clauses, extract, resolve
from consistency.sources import source_from_text

DATA = Path(__file__).parent / "data" / "packs"
RS = rulepack.load()
HOSP = rulepack.load([DATA / "care-quality.toml"])


def run(text, rs=RS, id="t"):
    src = source_from_text(text, id=id)
    cs = extract(src, rs)
    for c in cs:
        assert src.text[c.span[0]:c.span[1]] == c.quote
        assert 0.0 <= c.confidence <= 1.0
    return cs


def one(cs, predicate, **kw):
    got = [c for c in cs if c.predicate == predicate and all(getattr(c, k) == v for k, v in kw.items())]
    assert len(got) >= 1, (predicate, kw, [(c.predicate, c.subject, c.value, c.modality) for c in cs])
    return got[0]


def none(cs, predicate, **kw):
    got = [c for c in cs if c.predicate == predicate and all(getattr(c, k) == v for k, v in kw.items())]
    assert not got, got


WESTBRIDGE = """Westbridge children's social care judged good

3 November 2022

Inspectors have judged Westbridge Borough Council's services for children to be good, two years after they were rated requires improvement.

Ofsted visited the borough in September 2022. The council had been given an improvement notice by the Department for Education in March 2018.

Westbridge's director of children's services, Priya Natarajan, said the authority had worked hard. "We are proud of our social workers," Ms Natarajan said.

The borough's cabinet member for children, Cllr Tom Reilly, said: "Our new family hub will open next spring."

The council said the number of referrals fell by 12 per cent over the past year, while around 25 per cent of posts are filled by agency staff.
"""


def test_invented_council_rating_event_roles_quantities():
    cs = run(WESTBRIDGE)
    org = "Westbridge Borough Council"
    r = one(cs, "rating", value="good", subject=org)
    assert r.modality == "fact"
    one(cs, "intervention", value="improvement notice", subject=org)
    notice = one(cs, "intervention", value="improvement notice")
    assert notice.time.start == date(2018, 3, 1)
    pn = one(cs, "role", subject="Priya Natarajan")
    assert pn.value == f"director of children's services, {org}"
    tr = one(cs, "role", subject="Tom Reilly")
    assert tr.value.startswith("cabinet member for children")
    ch = one(cs, "change", subject=f"{org}: referrals")
    assert ch.value == -12 and ch.direction == "down" and ch.modality == "reported" and ch.speaker == org
    sh = one(cs, "share", subject=f"{org}: agency staff")
    assert sh.value == 25 and sh.qualifier == "about"
    # headline claim is the same as the body's: counted once
    assert len([c for c in cs if c.predicate == "rating" and c.value == "good"]) == 1


def test_invented_council_trust_lifecycle_other_words():
    text = """Eastmoor trust plans revived

14 June 2021

Eastmoor County Council set up an alternative delivery model in 2017. In January 2019 the scheme was scrapped after legal advice. Ministers have now announced that a children's trust will be created, and the council expects services to transfer to it by April 2022.
"""
    cs = run(text)
    subj = "Eastmoor County Council: children's trust"
    s = one(cs, "status", value="set up", subject=subj, modality="fact")
    assert s.time.start.year == 2017
    sh = one(cs, "status", value="shelved", subject=subj)
    assert sh.time.start == date(2019, 1, 1)
    one(cs, "status", value="planned", subject=subj, modality="fact")
    none(cs, "status", value="set up", modality="fact", time=None)


def test_invented_hospital_pack_from_docs():
    text = """Riverton hospitals downgraded

12 March 2021

Riverton Hospitals NHS Foundation Trust has been rated inadequate by the Care Quality Commission after an unannounced inspection in November 2020. The trust was rated good in 2017.

The trust's chief executive, Dr Amara Okafor, said: "We accept the findings and we will open a new maternity unit later this year."

The waiting list rose by 12 per cent in the year to January.
"""
    cs = run(text, HOSP)
    org = "Riverton Hospitals NHS Foundation Trust"
    one(cs, "care_rating", value="inadequate", subject=org)
    g = one(cs, "care_rating", value="good", subject=org)
    assert g.time.start.year == 2017
    v = one(cs, "regulator_visit", value="unannounced inspection")
    assert v.time.start == date(2020, 11, 1)
    assert one(cs, "role", subject="Amara Okafor").value == f"chief executive, {org}"
    mu = one(cs, "status", subject=f"{org}: maternity unit")
    assert mu.modality == "plan" and mu.speaker == "Amara Okafor"
    assert one(cs, "change", subject=f"{org}: waiting list").value == 12


def test_police_force_roles_and_speech():
    text = """Force praised

2 February 2020

Harbury Police chief constable Sarah Quinn said the force would recruit more officers. Mark Ellison, chief executive of Harbury Borough Council, said he welcomed the news.
"""
    cs = run(text)
    assert one(cs, "role", subject="Sarah Quinn").value == "chief constable, Harbury Police"
    assert one(cs, "role", subject="Mark Ellison").value == "chief executive, Harbury Borough Council"


def test_later_mentions_resolve_to_full_name():
    text = """Report

5 May 2019

Joan Bellamy, leader of Northdale City Council, welcomed the report. Later Mrs Bellamy said the council's children's services were no longer rated inadequate by Ofsted.
"""
    cs = run(text)
    r = one(cs, "rating", value="inadequate")
    assert r.modality == "negated" and r.direction == "no_longer" and r.speaker == "Joan Bellamy"


def test_prediction_and_plan_never_fact():
    text = """Outlook

1 October 2015

The director said she did not expect Lowfield County Council to be rated good at its next inspection. It is more likely to be judged requires improvement, she added. The council will set up a children's trust next year.
"""
    cs = run(text)
    g = one(cs, "rating", value="good")
    assert g.modality == "prediction" and g.qualifier == "not"
    assert one(cs, "rating", value="requires improvement").modality == "prediction"
    t = one(cs, "status", value="set up")
    assert t.modality == "plan" and t.time.start.year == 2016
    none(cs, "status", modality="fact")
    none(cs, "rating", modality="fact")


def test_percent_rise_vs_rise_to_vs_points():
    text = """Figures

1 June 2018

In Greyford County Council's area, referrals rose 40 per cent. The share of agency staff rose to 40 per cent. Referrals rose 40 percentage points.
"""
    cs = run(text)
    a = one(cs, "change", unit="%", value=40)
    assert a.direction == "up"
    b = one(cs, "share", value=40)
    assert b.direction == "up"
    c = one(cs, "change", unit="percentage points", value=40)
    assert c.quote != a.quote


def test_money_hedges_and_doubling():
    text = """Budget

9 January 2020

Kelton County Council must find more than £12.5m of savings. Referrals have doubled since 2017.
"""
    cs = run(text)
    m = one(cs, "amount", subject="Kelton County Council: savings")
    assert m.value == 12_500_000 and m.unit == "GBP" and m.qualifier == "more than"
    d = one(cs, "change", subject="Kelton County Council: referrals")
    assert d.value == 100 and d.direction == "up"


def test_negatives():
    text = """Council news

4 April 2017

Ashwick County Council has made good progress, inspectors said. Around 360 social workers attended the event in 2016. Section 114 of the act applies. The council's chess club rated the cake good or outstanding.

Subscribe from £15 / month
"""
    cs = run(text)
    none(cs, "rating")
    assert not [c for c in cs if c.unit == "GBP"]
    counts = [c for c in cs if c.predicate == "count"]
    assert all(c.value == 360 for c in counts)
    assert all(c.time is None or c.time.text != "360" for c in cs)


def test_clause_split_dates_each_part():
    text = """Trust

1 March 2019

A limited company had been set up by Pennford County Council but in May 2018 the plans were abandoned.
"""
    cs = run(text)
    s = one(cs, "status", value="set up")
    assert s.time is None and s.time_basis == "none"
    a = one(cs, "status", value="shelved")
    assert a.time.start == date(2018, 5, 1)


def test_carried_time():
    text = """History

1 March 2019

Holmdale County Council was rated inadequate in June 2014. At the time, the council was issued with a statutory direction.
"""
    cs = run(text)
    d = one(cs, "intervention", value="direction notice")
    assert d.time_basis == "carried" and d.time.start == date(2014, 6, 1) and d.confidence < 0.9


def test_resolve_tolerates_typos_and_is_order_independent():
    a = run("Title\n\n1 May 2019\n\nNorthwick County Council was rated inadequate in 2018.\n", id="a")
    b = run("Title\n\n1 May 2019\n\nNorthwik's children's services were rated good in 2019 by Ofsted.\n", id="b")
    r1 = resolve(a + b, RS)
    r2 = resolve(b + a, RS)
    assert {c.subject for c in r1} == {"Northwick County Council"}
    assert sorted(map(repr, r1)) == sorted(map(repr, r2))


def test_deterministic():
    assert run(WESTBRIDGE) == run(WESTBRIDGE)


def test_clauses_split_points():
    s = "A was set up but in 2018 it was shelved; then B, and C"
    parts = [s[a:b] for a, b in clauses(s, 0, len(s))]
    assert parts[0] == "A was set up" and parts[1].startswith("in 2018")


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_never_raises_and_quotes_match(text):
    cs = run(text)
    assert isinstance(cs, list)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from([
    "Testford County Council", "was rated", "inadequate", "good", "requires improvement", "in 2016", "said",
    "Cllr Ann Lee,", "deputy leader", "of the council", "about 40 per cent of", "agency staff", "rose by",
    "12 per cent", "a children's trust", "will be set up", "shelved", "no longer", "\"", "'", ".", ",", "\n\n",
    "£3m", "savings", "referrals", "then", "but", "Ofsted", "inspection", "last year",
]), max_size=40))
def test_never_raises_on_word_salad(words):
    run("Title\n\n2 March 2020\n\n" + " ".join(words))


BRACKENFIELD = """Council's children's services still inadequate, Ofsted says

Thursday 8 March 2018

Children's services at Brackenfield City Council remain inadequate, according to Ofsted, which carried out a monitoring visit in January.

The council was first judged inadequate in November 2015 and a children's services commissioner was appointed in March 2016.

Plans to move children's services into an independent trust were dropped last year after the council objected. Instead the authority set up a partnership with neighbouring Ashmoor Borough Council, which is rated good.

Director of children's services Helen Brooks will leave in the summer. Her predecessor, Mark Dunn, left in 2017.
"""


def test_according_to_other_council_and_dropped_plans():
    cs = run(BRACKENFIELD)
    org = "Brackenfield City Council"
    r = one(cs, "rating", value="inadequate", subject=org, modality="reported")
    assert r.speaker == "Ofsted"
    first = one(cs, "rating", value="inadequate", subject=org, modality="fact")
    assert first.time.start == date(2015, 11, 1)
    assert one(cs, "intervention", value="commissioner").subject == org
    # the rating in a clause naming another council is that council's
    assert one(cs, "rating", value="good").subject == "Ashmoor Borough Council"
    # "plans to X were dropped" is a fact about the plan, dated
    d = one(cs, "status", value="shelved", subject=f"{org}: children's trust")
    assert d.modality == "fact" and d.time.start.year == 2017
    # "set up a partnership" is not the trust being set up (no reference back to it)
    none(cs, "status", value="set up")
    # a predecessor's past role is no current role
    none(cs, "role", subject="Mark Dunn")
    assert one(cs, "role", subject="Helen Brooks").value == f"director of children's services, {org}"


def test_other_sectors_get_no_ofsted_rating():
    text = """Force told to improve

Published: 2022-09-14

Cumbrook Police has been placed into special measures after inspectors rated the force inadequate in two areas. In 2019 the force was judged good at preventing crime.

Chief Constable Marcus Hale said the force accepted the findings. Its previous chief constable, Dr Susan Lake, retired in 2021.
"""
    cs = run(text)
    none(cs, "rating")
    assert one(cs, "role", subject="Marcus Hale").value == "chief constable, Cumbrook Police"
    none(cs, "role", subject="Susan Lake")


def test_partial_and_aspect_ratings_are_not_overall():
    text = """Report

1 May 2021

Inspectors judged Fallowfield County Council's children's services good at keeping children safe. They rated Fallowfield County Council inadequate in two areas.
"""
    none(run(text), "rating")


def test_pack_patterns_fire_with_their_value_group():
    text = """Hospital

2 June 2020

Southmere Hospitals NHS Foundation Trust was given an overall rating of outstanding last month, it emerged.
"""
    r = one(run(text, HOSP), "care_rating", value="outstanding")
    assert r.rule == "care-quality:care_rating" and r.time.start == date(2020, 5, 1)


def test_counts_ratios_and_appositive_roles():
    text = """Staffing

12 May 2017

Mortlake Borough Council employs 250 social workers, and there are about 1,200 children in care in the borough. Hiring agency staff costs three times as much as employing permanent staff, said Jane Roe, the council's chief executive.
"""
    cs = run(text)
    org = "Mortlake Borough Council"
    assert one(cs, "count", subject=f"{org}: social workers").value == 250
    kids = one(cs, "count", subject=f"{org}: children in care")
    assert kids.value == 1200 and kids.qualifier == "about"
    ratio = one(cs, "ratio", subject=f"{org}: agency staff")
    assert ratio.value == 3 and ratio.modality == "reported" and ratio.speaker == "Jane Roe"
    assert one(cs, "role", subject="Jane Roe").value == f"chief executive, {org}"


def test_upgrade_downgrade_and_visits():
    text = """Ratings

30 November 2023

Ofsted downgraded Tillbury County Council's children's services to requires improvement after a full inspection in October 2023. The council had been upgraded to outstanding in 2019. A focused visit took place in March 2021.
"""
    cs = run(text)
    org = "Tillbury County Council"
    d = one(cs, "rating", value="requires improvement", subject=org)
    assert d.direction == "down" and d.time.start == date(2023, 10, 1)
    u = one(cs, "rating", value="outstanding", subject=org)
    assert u.direction == "up" and u.time.start.year == 2019
    assert one(cs, "inspection", value="full inspection").time.start == date(2023, 10, 1)
    assert one(cs, "inspection", value="focused visit").time.start == date(2021, 3, 1)


def test_subscription_blurb_gives_nothing():
    text = """Council rated good

1 June 2019

Hexley County Council was rated good by Ofsted in May 2019.

Membership

  • Archive of more than 60,000 articles
  • Unlimited access to our online hubs

From £15 / month

Subscribe
"""
    cs = run(text)
    assert [c.predicate for c in cs] == ["rating"]


def test_leading_and_trailing_attribution():
    text = """Quotes

3 March 2020

Jane Doe, the director of children's services at Oxley County Council, said the council was rated good in 2019. Oxley County Council was rated inadequate in 2016, the council said.
"""
    cs = [c for c in run(text) if c.predicate == "rating"]
    assert len(cs) == 2
    assert cs[0].modality == "reported" and cs[0].speaker == "Jane Doe"
    assert cs[1].modality == "reported" and cs[1].speaker == "Oxley County Council"


def test_nominalisation_alone_claims_nothing():
    text = """Academy

1 July 2014

Cllr Ann Lee, of Wexcombe Council, said: "One way we are tackling this is with the creation of a social work academy." The introduction of a children's trust later this year will help, she added.
"""
    cs = run(text)
    none(cs, "status", subject="Wexcombe Council: social work academy")
    assert not [c for c in cs if c.predicate == "status" and c.subject.endswith("social work academy")]
    t = one(cs, "status", value="set up")
    assert t.subject == "Wexcombe Council: children's trust" and t.modality == "plan" and t.time.end.year == 2014


def test_a_scoped_thing_of_no_named_organisation_claims_nothing():
    # whose trust? With no organisation named, "children's trust" would merge with every other
    # article's trust: left out
    text = """Plans confirmed

1 July 2014

A children's trust will be set up later this year, the cabinet member said.
"""
    assert [c for c in run(text) if c.predicate == "status"] == []
    named = run(text.replace("the cabinet member said", "Anyfield Council's cabinet member said"))
    assert [(c.subject, c.value) for c in named if c.predicate == "status"] == [("Anyfield Council: children's trust", "set up")]


def test_prison_and_school_trust_roles():
    text = """Prison unsafe

Published: 2021-11-02

HMP Greystone was found to be unsafe after an unannounced inspection in August. The Ministry of Justice said a new governor, Paul Brennan, had been appointed.

Meanwhile Westford Academy Trust, which runs six schools, was rated good by Ofsted in June. Its chief executive, Lisa Moor, said the trust would open a new school in 2023.
"""
    cs = run(text)
    assert one(cs, "role", subject="Paul Brennan").value == "governor, HMP Greystone"
    assert one(cs, "role", subject="Lisa Moor").value == "chief executive, Westford Academy Trust"
    none(cs, "rating")  # the children's-services scale is for councils, not schools


def test_an_academy_is_a_school_not_the_council():
    # other words than the Northcombe article: the school named first, the council in passing
    text = ("Pupils celebrate at Harrowgate Academy\n\n14 March 2018\n\n"
            "Dana Whitcombe, principal of Harrowgate Academy, said staff were delighted after inspectors "
            "judged the school outstanding.\n\n"
            "Harrowgate City Council's children's services were rated inadequate by Ofsted in 2016.\n")
    cs = run(text)
    council = [c for c in cs if c.predicate == "rating" and c.subject == "Harrowgate City Council"]
    assert [str(c.value) for c in council] == ["inadequate"]  # the school's judgement is not the council's
    role = one(cs, "role", subject="Dana Whitcombe")
    assert role.value.endswith("Harrowgate Academy")


def test_a_trust_wound_up_or_returned_in_house_has_ended():
    ended = run("""Trust to close

12 January 2022

The independent trust that has run Brackenford Borough Council's services for children since 2016 will be dissolved next year and the work returned to council control, councillors agreed on Tuesday.
""")
    c = one(ended, "status", value="ended")
    assert c.subject == "Brackenford Borough Council: children's trust" and c.modality == "plan"
    assert c.time.start.year == 2023
    done = run("""Services back with the council

3 May 2021

Ashwell County Council's children's trust, which had run its children's services since 2017, was wound up in April.
""")
    c = one(done, "status", value="ended")
    assert c.modality == "fact" and (c.time.start.year, c.time.start.month) == (2021, 4)


def test_ended_is_a_state_after_running_not_a_contradiction():
    from consistency import api

    a = source_from_text("Trust launched\n\n2 May 2017\n\nRavenmoor County Council's new children's trust went live in April 2017.\n", id="a")
    b = source_from_text("Trust wound up\n\n9 June 2021\n\nRavenmoor County Council's children's trust was wound up in May 2021.\n", id="b")
    report = api.check([a, b])
    states = sorted((c.source, str(c.value)) for c in report.claims if c.predicate == "status")
    assert states == [("a", "operational"), ("b", "ended")]
    assert not [f for f in report.findings if f.kind == "conflict" or f.detail == "illegal"]


def test_a_lifted_notice_is_its_own_event_and_never_redates_the_notice():
    from consistency import api

    a = source_from_text("Council served notice\n\n3 July 2016\n\nThe government issued Farrowdale County Council "
                         "with an improvement notice in June 2016.\n", id="a")
    b = source_from_text("Notice lifted\n\n14 November 2017\n\nIn October 2017 Farrowdale County Council's improvement "
                         "notice was lifted, the Department for Education said.\n", id="b")
    c = source_from_text("Direction revoked\n\n2 May 2019\n\nThe statutory direction issued to Ellerby Borough Council in 2015 "
                         "has been withdrawn. Ellerby's statutory direction was withdrawn in April, officials said.\n", id="c")
    report = api.check([a, b, c])
    got = sorted((x.source, str(x.value), x.time.label().split(" [")[0]) for x in report.claims if x.predicate == "intervention")
    assert got == [("a", "improvement notice", "June 2016"), ("b", "intervention lifted", "October 2017"),
                   ("c", "direction notice", "2015"), ("c", "intervention lifted", "April")]
    assert not [f for f in report.findings if f.kind == "conflict"]


def test_a_trust_known_by_its_own_name():
    # the name a document gives a scoped thing stands for it afterwards, in any of these shapes
    text = """New company for Orrin children

3 February 2019

Orrin County Council has set up a limited company, called Orrin Children First, to run its children's services.

Orrin Children First will take over the services in April 2020, the council said.
"""
    cs = run(text)
    handover = one(cs, "status", value="handed over")
    assert handover.subject == "Orrin County Council: children's trust" and handover.modality == "plan"
    assert (handover.time.start.year, handover.time.start.month) == (2020, 4)
    other = run("""Trust plans revived

9 October 2021

Ellerby Borough Council's independent trust, known as 'Achieving for Ellerby', was abandoned in 2019.
Councillors said Achieving for Ellerby was revived this month.
""")
    states = sorted((c.subject, str(c.value), c.time.label().split(" [")[0]) for c in other if c.predicate == "status")
    assert states == [("Ellerby Borough Council: children's trust", "revived", "this month"),
                      ("Ellerby Borough Council: children's trust", "shelved", "2019")]


def test_a_name_that_is_a_known_organisation_is_never_taken_for_the_trust():
    from consistency.extract.compiled import compiled, normalise
    from consistency.extract.subjects import scan_document
    from consistency.sentences import segment

    def trust_mentions(text):
        src = source_from_text(text, id="t")
        n = normalise(src.text)
        doc = scan_document(compiled(RS), n, segment(src))
        return [n[m.start:m.end] for m in doc.ents if m.name == "children's trust"]

    body = "\n\n1 June 2020\n\nA children's trust called {} was proposed. {} was rated good in 2019.\n"
    assert trust_mentions("Trust news" + body.format("Marlow County Council", "Marlow County Council")) == ["children's trust"]
    assert trust_mentions("Trust news" + body.format("Marlow Futures", "Marlow Futures")) == [
        "children's trust", "Marlow Futures", "Marlow Futures"]
