"""The engine's contract: blocking, order independence, stable ids, selection, severities, errors,
and the check registry (ids, documentation, explain)."""

from __future__ import annotations

import inspect
import random
from datetime import date
from typing import List

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consistency import checks, engine
from consistency.model import KINDS, SEVERITIES, Claim, TimeSpan, stable_hash
from consistency.rulepack import ATTRIBUTE_TYPES, Attribute, RulePack, RuleSet

from test_checks import make_ruleset  # the shared case ruleset

RS = make_ruleset()


def claim(source: str, subject: str, predicate: str, value, year: int, month: int | None = None, **kw) -> Claim:
    if month is None:
        t = TimeSpan(date(year, 1, 1), date(year, 12, 31), "year", text=str(year))
    else:
        t = TimeSpan(date(year, month, 1), date(year, month, 28), "month", text=f"{year}-{month:02d}")
    quote = kw.pop("quote", f"{subject} was {value} in {year}")
    start = kw.pop("at", 0)
    return Claim(source=source, subject=subject, predicate=predicate, value=value, quote=quote,
                 span=(start, start + len(quote)), time=t, time_basis="stated", **kw)


# -- registry ---------------------------------------------------------------------------------


def test_registry_order_and_ids_are_fixed_kebab_case() -> None:
    assert checks.ids() == tuple(checks.REGISTRY)
    assert checks.ids()[0] == "conflict"  # conflicts first, like reports
    for cid in checks.ids():
        assert cid == cid.lower() and " " not in cid and "_" not in cid


@pytest.mark.parametrize("cid", list(checks.REGISTRY))
def test_every_check_module_is_documented_and_declares_its_contract(cid: str) -> None:
    mod = checks.get(cid)
    assert mod.ID == cid
    assert mod.KIND in KINDS
    assert mod.SEVERITY in SEVERITIES
    assert set(getattr(mod, "DETAIL_SEVERITY", {}).values()) <= set(SEVERITIES)
    assert mod.APPLIES_TO and set(mod.APPLIES_TO) <= set(ATTRIBUTE_TYPES)
    assert mod.SCOPE in ("block", "subject", "value")
    assert isinstance(mod.DEFAULT, dict) or hasattr(mod.DEFAULT, "items")
    doc = inspect.getdoc(mod) or ""
    assert doc.startswith(f"{cid}:"), "the first line names the check"
    assert "Passes" in doc and "Fails" in doc, "a passing and a failing example"
    assert callable(mod.check)
    text = checks.explain(cid)
    assert text.startswith(f"check {cid}\n")
    assert f"kind: {mod.KIND}" in text and mod.SEVERITY in text and doc.splitlines()[0] in text


def test_unknown_check_is_a_clear_key_error() -> None:
    with pytest.raises(KeyError) as e:
        checks.get("conflcit")
    msg = e.value.args[0]
    assert msg.startswith("no such check 'conflcit'; known checks: ")
    assert "agreement" in msg and "lifecycle" in msg


def test_defaults_by_type_only_name_applicable_checks() -> None:
    assert set(checks.DEFAULTS_BY_TYPE) == set(ATTRIBUTE_TYPES)
    for t, ids in checks.DEFAULTS_BY_TYPE.items():
        for cid in ids:
            assert checks.applies(cid, t), (t, cid)
    assert not any("uncorroborated" in ids for ids in checks.DEFAULTS_BY_TYPE.values())


# -- engine -------------------------------------------------------------------------------------


def _history() -> List[Claim]:
    return [
        claim("a", "Yarrow Council", "rating", "inadequate", 2013),
        claim("b", "Yarrow Council", "rating", "inadequate", 2013, 10),
        claim("b", "Yarrow Council", "rating", "requires improvement", 2016, 2),
        claim("c", "Yarrow Council", "rating", "requires improvement", 2016, 2),
        claim("c", "Yarrow Council", "rating", "inadequate", 2019, 6, direction="again"),
        claim("a", "Zell Council", "rating", "good", 2016, 2),
        claim("d", "Zell Council", "rating", "inadequate", 2016, 2),
    ]


def test_output_is_sorted_conflicts_first_and_independent_of_input_order() -> None:
    cs = _history()
    out = engine.run(cs, RS)
    assert [f.kind for f in out][0] == "conflict"
    kinds = [KINDS.index(f.kind) for f in out]
    assert kinds == sorted(kinds)
    for seed in range(5):
        shuffled = list(cs)
        random.Random(seed).shuffle(shuffled)
        assert engine.run(shuffled, RS) == out
    assert engine.run(cs + cs, RS) == out  # exact duplicates change nothing


def test_blocking_never_mixes_subjects() -> None:
    out = engine.run(_history(), RS)
    by_id = {c.id: c for c in _history()}
    for f in out:
        assert len({by_id[c].subject for c in f.claims}) == 1
        assert f.subject == by_id[f.claims[0]].subject
    zell = [f for f in out if f.subject == "Zell Council"]
    assert [(f.kind, f.detail) for f in zell] == [("conflict", "overlap")]


def test_finding_ids_are_hashes_of_rule_and_claim_keys_not_counters() -> None:
    cs = _history()
    out = engine.run(cs, RS)
    by_id = {c.id: c for c in cs}
    for f in out:
        keys = sorted(by_id[c].key for c in f.claims)
        assert f.id == "F" + stable_hash(f.rule, *keys, length=11)
    # unrelated claims elsewhere do not move any id
    more = cs + [claim("e", "Other Council", "rating", "good", 2010)]
    ids = {f.id for f in out}
    assert ids <= {f.id for f in engine.run(more, RS)}
    assert len(ids) == len(out)


def test_claims_without_an_attribute_are_skipped() -> None:
    cs = [claim("a", "Yarrow Council", "weather", "rain", 2013), claim("b", "Yarrow Council", "weather", "sun", 2013)]
    assert engine.run(cs, RS) == []


def test_select_ignore_and_their_errors() -> None:
    cs = _history()
    only = engine.run(cs, RS, select=["transition"])
    assert only and {f.rule for f in only} == {"transition"}
    assert "transition" not in {f.rule for f in engine.run(cs, RS, ignore=["transition"])}
    # select turns on an opt-in check even where the pack does not list it
    assert {f.rule for f in engine.run(cs, RS, select=["uncorroborated"])} == {"uncorroborated"}
    with pytest.raises(KeyError, match="select: no such check 'transitions'; known checks"):
        engine.run(cs, RS, select=["transitions"])
    with pytest.raises(KeyError, match="ignore: no such check"):
        engine.run(cs, RS, ignore=["nope"])


def test_severity_overrides_caller_beats_pack_beats_default() -> None:
    cs = _history()
    zell = lambda fs: [f for f in fs if f.subject == "Zell Council"]  # noqa: E731
    assert zell(engine.run(cs, RS))[0].severity == "error"
    rating = attrs.evolve(RS.attribute("rating"), severities=(("conflict", "info"),))
    rs2 = RuleSet(packs=(attrs.evolve(RS.packs[0], attributes=(rating,) + tuple(a for a in RS.packs[0].attributes if a.name != "rating")),))
    assert zell(engine.run(cs, rs2))[0].severity == "info"
    assert zell(engine.run(cs, rs2, severities={"conflict": "warning"}))[0].severity == "warning"
    assert zell(engine.run(cs, rs2, severities={"conflict:overlap": "error"}))[0].severity == "error"
    with pytest.raises(ValueError, match="must be one of error, warning, info; got 'fatal'"):
        engine.run(cs, RS, severities={"conflict": "fatal"})
    with pytest.raises(KeyError, match="no such check 'confict'"):
        engine.run(cs, RS, severities={"confict": "info"})


def _rs(attr: Attribute) -> RuleSet:
    return RuleSet(packs=(RulePack(name="p", path="p.toml", attributes=(attr,)),))


def test_pack_errors_name_the_attribute_and_pack() -> None:
    bad = Attribute(name="score", type="ordinal", pack="mypack", values=("low", "high"), checks=("agreemnt",))
    with pytest.raises(ValueError, match=r"attribute 'score' of pack 'mypack' lists no such check 'agreemnt'"):
        engine.run([], _rs(bad))
    wrong = attrs.evolve(bad, checks=("lifecycle",))
    with pytest.raises(ValueError, match="does not apply to ordinal attributes"):
        engine.run([], _rs(wrong))
    opt = attrs.evolve(bad, checks=("agreement",), options=(("agreement", "max_gap", 3),))
    with pytest.raises(ValueError, match="has no option 'max_gap'; its options: max_gap_days"):
        engine.run([], _rs(opt))


def test_attribute_without_checks_gets_its_type_defaults() -> None:
    a = Attribute(name="score", type="ordinal", pack="p", values=("low", "high"))
    assert [cid for cid, _, _ in engine.plan(a)] == [c for c in checks.ids() if c in checks.DEFAULTS_BY_TYPE["ordinal"]]


def test_shipped_rule_packs_only_name_known_applicable_checks() -> None:
    from consistency import rulepack

    if not hasattr(rulepack, "load"):
        pytest.skip("rule pack loader not present")
    rs = rulepack.load()
    for p in rs.packs:
        for a in p.attributes:
            assert engine.plan(a) is not None


# -- properties ---------------------------------------------------------------------------------

SUBJECTS = ["Alder Council", "Birch Council", "Alder Council: trust"]
SOURCES = ["s1", "s2", "s3"]


@st.composite
def claims_st(draw) -> List[Claim]:
    n = draw(st.integers(min_value=0, max_value=25))
    out = []
    for i in range(n):
        pred = draw(st.sampled_from(["rating", "status", "share", "role", "intervention"]))
        if pred == "rating":
            value = draw(st.sampled_from(["inadequate", "requires improvement", "good"]))
        elif pred == "status":
            value = draw(st.sampled_from(["planned", "set up", "shelved", "revived", "handed over"]))
        elif pred == "share":
            value = draw(st.sampled_from([39, 40, 41, 55]))
        elif pred == "role":
            value = draw(st.sampled_from(["chair, Alder Council", "director, Alder Council"]))
        else:
            value = draw(st.sampled_from(["warning notice", "commissioner"]))
        year = draw(st.integers(min_value=2012, max_value=2020))
        month = draw(st.one_of(st.none(), st.integers(min_value=1, max_value=12)))
        modality = draw(st.sampled_from(["fact", "fact", "fact", "plan", "prediction", "negated"]))
        dated = draw(st.booleans())
        c = claim(draw(st.sampled_from(SOURCES)), draw(st.sampled_from(SUBJECTS)), pred, value, year, month,
                  modality=modality, at=i * 100,
                  unit="%" if pred == "share" else None,
                  direction=draw(st.sampled_from([None, "up", "down", "again"])),
                  published=date(year + draw(st.integers(0, 2)), 6, 1))
        if not dated:
            c = attrs.evolve(c, time=None, time_basis="none")
        out.append(c)
    return out


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(claims_st(), st.randoms(use_true_random=False))
def test_property_any_order_same_findings(cs: List[Claim], rnd: random.Random) -> None:
    out = engine.run(cs, RS)
    shuffled = list(cs)
    rnd.shuffle(shuffled)
    assert engine.run(shuffled, RS) == out
    assert engine.run(shuffled + cs[:3], RS) == out
    by_id = {c.id: c for c in cs}
    assert len({f.id for f in out}) == len(out)
    for f in out:
        cited = [by_id[c] for c in f.claims]
        assert cited, f
        assert list(f.sources) == sorted({c.source for c in cited})
        assert f.severity in SEVERITIES and f.kind in KINDS
        if f.rule != "role-conflict":
            assert len({c.subject for c in cited}) == 1
        # plans and predictions never take part in agreement, conflict or transition findings
        if f.rule in ("agreement", "refinement", "transition", "approximate") or f.rule == "conflict":
            assert all(c.modality not in ("plan", "prediction") for c in cited), f
        assert f.message and "\n" not in f.message


def test_block_identities_match_the_model() -> None:
    from consistency.checks import Block

    cs = _history()
    b = Block("Yarrow Council", "rating", cs[:5], RS.attribute("rating"))
    for c in cs[:5]:
        assert b.ident(c) == (c.id, c.key)


def test_run_restores_the_garbage_collector_state_even_on_error() -> None:
    import gc

    assert gc.isenabled()
    engine.run(_history(), RS)
    assert gc.isenabled()
    with pytest.raises(KeyError):
        engine.run(_history(), RS, select=["nope"])
    assert gc.isenabled()
    gc.disable()
    try:
        engine.run(_history(), RS)
        assert not gc.isenabled()
    finally:
        gc.enable()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(claims_st(), claims_st())
def test_property_blocks_are_local(a: List[Claim], b: List[Claim]) -> None:
    """Claims about other subjects (and other role values) never change a subject's findings."""
    other = [
        attrs.evolve(c, subject="Other " + c.subject, value=("other " + c.value) if c.predicate == "role" else c.value,
                     span=(c.span[0] + 10_000, c.span[1] + 10_000))
        for c in b
    ]
    alone = engine.run(a, RS)
    together = engine.run(a + other, RS)
    mine = {c.id for c in a}
    assert [f for f in together if set(f.claims) <= mine] == alone


@given(st.lists(st.one_of(st.text(), st.integers(), st.floats(allow_nan=False), st.none()), max_size=8),
       st.integers(min_value=1, max_value=32))
@settings(max_examples=100, deadline=None)
def test_fast_hash_is_the_models_stable_hash(parts: list, length: int) -> None:
    from consistency.checks._block import fast_hash

    assert fast_hash(parts, length) == stable_hash(*parts, length=length)


def test_findings_ids_equal_what_finding_computes() -> None:
    for f in engine.run(_history(), RS):
        assert f.id == attrs.evolve(f, id="").id
