"""Rule packs: loading, requires, validation errors that name file, line, key, expectation and fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from consistency import rulepack
from consistency.rulepack import RulePackError, load, parse_pack, shipped_packs

DATA = Path(__file__).parent / "data" / "packs"
BAD = DATA / "bad"


def test_shipped_packs_load_and_merge():
    names = [p.stem for p in shipped_packs()]
    assert "core" in names and "uk-childrens-services" in names
    rs = load()
    assert [p.name for p in rs.packs][0] == "core"
    rating = rs.attribute("rating")
    assert rating is not None and rating.type == "ordinal"
    assert rating.values == ("inadequate", "requires improvement", "good", "outstanding")
    assert rating.rank("inadequate") < rating.rank("good")
    assert "lowest rating" in rating.synonyms_of("inadequate")
    status = rs.attribute("status")
    assert status.allows("planned", "set up") and not status.allows("handed over", "planned")
    assert status.role_of("shelved") == "reversed"
    assert dict(rs.lexicon_groups("hedge"))["about"][0] == "about"
    assert len(rs.digest) == 32


def test_name_pulls_required_core():
    rs = load(["uk-childrens-services"])
    assert [p.name for p in rs.packs] == ["core", "uk-childrens-services"]


def test_second_domain_pack_from_a_path():
    rs = load([DATA / "care-quality.toml"])
    assert [p.name for p in rs.packs] == ["core", "care-quality"]
    assert rs.attribute("care_rating").values[-1] == "outstanding"
    assert rs.attribute("rating") is None  # the children's pack was not asked for


def test_digest_changes_with_bytes(tmp_path):
    a = tmp_path / "a.toml"
    a.write_text('[pack]\nname = "x"\n', encoding="utf-8")
    d1 = load([a]).digest
    a.write_text('[pack]\nname = "x"\ndescription = "changed"\n', encoding="utf-8")
    d2 = load([a]).digest
    assert d1 != d2
    assert load([a]).digest == d2


def test_folder_of_packs(tmp_path):
    (tmp_path / "one.toml").write_text('[pack]\nname = "one"\n', encoding="utf-8")
    (tmp_path / "two.toml").write_text('[pack]\nname = "two"\nrequires = ["one"]\n', encoding="utf-8")
    assert [p.name for p in load([tmp_path]).packs] == ["one", "two"]


def _err(name: str) -> RulePackError:
    with pytest.raises(RulePackError) as ei:
        load([BAD / name])
    return ei.value


def test_unknown_key_names_file_line_key_and_fix():
    e = _err("unknown-key.toml")
    msg = str(e)
    assert "unknown-key.toml:7" in msg
    assert "attribute.score.trigers" in msg
    assert "did you mean 'triggers'" in msg
    assert e.line == 7


def test_wrong_type():
    e = _err("wrong-type.toml")
    assert e.line == 6 and "expected a list" in str(e) and "values" in e.key


def test_unknown_attribute_type():
    e = _err("unknown-type.toml")
    assert "ordinall" in str(e) and "use 'ordinal'" in str(e) and e.line == 5


def test_undeclared_value_in_synonyms():
    e = _err("undeclared-value.toml")
    assert "'medium'" in str(e) and "declared values" in str(e) and e.line == 10


def test_unreachable_lifecycle_state():
    e = _err("unreachable.toml")
    assert "'reopened'" in str(e) and "unreachable" in str(e)
    assert e.line == 8


def test_unknown_check_id():
    e = _err("unknown-check.toml")
    assert "'transitions'" in str(e) and "transition" in str(e)


def test_bad_regex():
    e = _err("bad-regex.toml")
    assert "valid regular expression" in str(e) and e.line == 7


def test_nested_quantifier_rejected():
    e = _err("nested-quantifier.toml")
    assert "nested" in str(e) and "(a+)+" in str(e)


@pytest.mark.parametrize("pat", ["(a+)+", "(a|a)*", "(.*)*", r"(\w+\s?)+$", "(a|ab)+c", "(?:x*)*"])
def test_catastrophic_patterns_rejected(pat):
    text = f'[pack]\nname = "p"\n[attribute.a]\ntype = "enum"\nvalues = ["x"]\npatterns = [{pat!r}]\n'.replace("'", '"')
    text = text.replace("\\", "\\\\")
    with pytest.raises(RulePackError) as ei:
        parse_pack(text, "inline.toml")
    assert "inline.toml:6" in str(ei.value)


@pytest.mark.parametrize("pat", [r"rated (?P<value>good|bad)", r"\d+ per cent", r"(?:a|b)c+", r"[A-Z][a-z]+(?: [A-Z][a-z]+){0,3}"])
def test_safe_patterns_accepted(pat):
    text = f'[pack]\nname = "p"\n[attribute.a]\ntype = "enum"\nvalues = ["x"]\npatterns = [\'{pat}\']\n'
    pack = parse_pack(text, "inline.toml")
    assert pack.attributes[0].patterns[0].regex().pattern


def test_pattern_length_capped():
    long = "a" * (rulepack.MAX_PATTERN_LENGTH + 1)
    text = f'[pack]\nname = "p"\n[attribute.a]\ntype = "enum"\nvalues = ["x"]\npatterns = ["{long}"]\n'
    with pytest.raises(RulePackError, match="at most"):
        parse_pack(text, "inline.toml")


def test_invalid_toml_and_missing_pack_table():
    e = _err("not-toml.toml")
    assert "not valid TOML" in str(e) and e.line
    e = _err("no-pack.toml")
    assert "[pack]" in str(e)


def test_missing_requirement():
    e = _err("missing-require.toml")
    assert "no-such-pack" in str(e) and "requires" in str(e)


def test_unknown_pack_name_lists_shipped():
    with pytest.raises(RulePackError) as ei:
        load(["no-such-pack-name"])
    assert "core" in str(ei.value)


def test_duplicate_attribute_across_packs(tmp_path):
    (tmp_path / "a.toml").write_text('[pack]\nname = "a"\n[attribute.x]\ntype = "enum"\nvalues = ["v"]\n', encoding="utf-8")
    (tmp_path / "b.toml").write_text('[pack]\nname = "b"\n[attribute.x]\ntype = "enum"\nvalues = ["v"]\n', encoding="utf-8")
    with pytest.raises(RulePackError, match="also declared"):
        load([tmp_path])


def test_known_checks_passed_by_caller():
    text = '[pack]\nname = "p"\n[attribute.a]\ntype = "enum"\nvalues = ["x"]\nchecks = ["mine"]\n'
    assert parse_pack(text, "p.toml", known_checks=["mine"]).attributes[0].checks == ("mine",)
    with pytest.raises(RulePackError, match="known check"):
        parse_pack(text, "p.toml", known_checks=["other"])


def test_every_error_message_has_expected_found_and_fix():
    for f in sorted(BAD.glob("*.toml")):
        with pytest.raises(RulePackError) as ei:
            load([f])
        msg = str(ei.value)
        assert f.name in msg
        if "TOML" not in msg and "requires" not in msg:
            assert "expected" in msg and "found" in msg and "Fix:" in msg, (f.name, msg)


def test_check_options_validated_against_registry_when_present():
    checks = pytest.importorskip("consistency.checks")
    ok = '[pack]\nname = "p"\n[attribute.a]\ntype = "quantity"\nchecks = ["approximate"]\n'
    opts = checks.options_for("approximate", "quantity")
    if opts:
        k, v = next(iter(sorted(opts.items())))
        good = ok + f"[attribute.a.options.approximate]\n{k} = {v!r}\n".replace("'", '"').replace("True", "true").replace("False", "false")
        assert parse_pack(good, "p.toml").attributes[0].option("approximate", k) == (tuple(v) if isinstance(v, list) else v)
    bad = ok + "[attribute.a.options.approximate]\nno_such_option = 1\n"
    with pytest.raises(RulePackError) as ei:
        parse_pack(bad, "p.toml")
    assert "no_such_option" in str(ei.value) and "p.toml:7" in str(ei.value)


def test_weak_phrases_must_be_synonyms():
    text = ('[pack]\nname = "p"\n[attribute.s]\ntype = "lifecycle"\nsubject = "entity"\nvalues = ["planned", "open"]\n'
            'transitions = [["planned", "open"]]\nweak = ["opening of"]\n[attribute.s.synonyms]\nopen = ["opened"]\n')
    with pytest.raises(RulePackError) as ei:
        parse_pack(text, "w.toml")
    assert "w.toml:8" in str(ei.value) and "'opening of'" in str(ei.value)


def test_the_documented_example_pack_loads_and_works(tmp_path):
    """The example in docs/rulepacks.md is a working pack (users copy it)."""
    import re as _re

    from consistency.extract import extract
    from consistency.sources import source_from_text

    doc = (Path(__file__).resolve().parent.parent / "docs" / "rulepacks.md").read_text(encoding="utf-8")
    block = _re.search(r"```toml\n(.*?)```", doc, _re.DOTALL).group(1)
    f = tmp_path / "care-quality.toml"
    f.write_text(block, encoding="utf-8")
    rs = load([f])
    src = source_from_text("Title\n\n4 April 2022\n\nLakeby Hospitals NHS Foundation Trust was downgraded to "
                           "requires improvement by the CQC in March 2022. The waiting list rose by 8 per cent.\n")
    cs = extract(src, rs)
    got = {(c.predicate, c.value) for c in cs}
    assert ("care_rating", "requires improvement") in got and ("change", 8) in got
    r = next(c for c in cs if c.predicate == "care_rating")
    assert r.direction == "down" and r.subject == "Lakeby Hospitals NHS Foundation Trust"


def test_entity_attributes_must_exist(tmp_path):
    f = tmp_path / "e.toml"
    f.write_text('[pack]\nname = "e"\nrequires = ["core"]\n\n[[entity]]\nname = "x"\nkind = "measure"\n'
                 'attributes = ["cuont"]\n', encoding="utf-8")
    with pytest.raises(RulePackError) as ei:
        load([f])
    assert "e.toml:8" in str(ei.value) and "'cuont'" in str(ei.value) and "use 'count'" in str(ei.value)
