"""Data-driven check cases: every ``tests/cases/<check-id>.toml`` is a list of tiny corpora (claims
written as data) with the findings they must and must not give. Adding a check is one module in
``consistency/checks`` plus one case file here; this runner needs no change.

Case file format (TOML)::

    [[case]]
    name = "what the case shows"
    select = ["..."]            # optional: engine.run(select=..., ignore=..., severities=...)
    [case.attributes.NAME]      # optional: add or replace an attribute of tests/cases/_ruleset.toml
    [[case.claim]]              # fields of model.Claim; the runner builds the TimeSpan:
    source = "a"                #   time = "2013" | "2013-10" | "2016-02-03" | "2013-04-01..2014-03-31"
    subject = "..."             #   modifier = "by" (with time or modifier_time), granularity = "range"
    predicate = "rating"        #   basis = "stated" (default with a time) | "published" (needs published:
    value = "inadequate"        #   the claim holds on that day) | "estimated" (needs published_range)
    quote = "..."               #   modality, qualifier, direction, unit, published, published_range
    [[case.must]]               # a finding matching every given key: rule, kind, detail, severity,
    rule = "transition"         #   subject, predicate, sources (exact), values (exact set of the cited
    count = 1                   #   claims' values), claims (their quotes), message_contains (substrings);
    [[case.must_not]]           #   count = exact number of matches (default: at least one)
    kind = "conflict"           # no finding may match all the given keys

Every case also runs with the claims reversed and shuffled: the findings must be identical.
"""

from __future__ import annotations

import calendar
import random
import tomllib
from datetime import date
from pathlib import Path
from typing import Any, Dict, List, Mapping

import pytest

from consistency import engine
from consistency.checks import REGISTRY
from consistency.model import Claim, Finding, TimeSpan
from consistency.rulepack import Attribute, RulePack, RuleSet

CASES = Path(__file__).parent / "cases"
_GRAN = {1: "year", 2: "month", 3: "day"}


def _day(s: str) -> date:
    return date.fromisoformat(s)


def _span(text: str, modifier: str | None = None, granularity: str | None = None) -> TimeSpan:
    """ "2013" -> the year; "2013-10" -> the month; "2016-02-03" -> the day; "a..b" -> a range."""
    if ".." in text:
        a, b = text.split("..")
        return TimeSpan(_day(a), _day(b), granularity or "range", text=text, modifier=modifier)
    parts = text.split("-")
    y = int(parts[0])
    if len(parts) == 1:
        start, end = date(y, 1, 1), date(y, 12, 31)
    elif len(parts) == 2:
        m = int(parts[1])
        start = date(y, m, 1)
        end = date(y, m, calendar.monthrange(y, m)[1])
    else:
        start = end = _day(text)
    return TimeSpan(start, end, granularity or _GRAN[len(parts)], text=text, modifier=modifier)


CLAIM_KEYS = {"source", "subject", "predicate", "value", "quote", "time", "modifier", "modifier_time", "granularity",
              "basis", "published", "published_range", "modality", "unit", "qualifier", "direction", "speaker"}
SPEC_KEYS = {"rule", "kind", "detail", "severity", "subject", "predicate", "sources", "values", "claims",
             "message_contains", "count"}


def make_claim(d: Mapping[str, Any], i: int) -> Claim:
    unknown = set(d) - CLAIM_KEYS
    assert not unknown, f"case claim {i}: unknown keys {sorted(unknown)}; known: {sorted(CLAIM_KEYS)}"
    published = _day(d["published"]) if "published" in d else None
    prange = tuple(_day(x) for x in d["published_range"]) if "published_range" in d else None
    basis = d.get("basis")
    time = None
    if basis == "published":
        assert published is not None, "basis = published needs published"
        time = TimeSpan(published, published, "day", text="", anchor="published")
    elif basis == "estimated":
        assert prange is not None, "basis = estimated needs published_range"
        time = TimeSpan(prange[0], prange[1], "range", text="", anchor="estimated")
    elif "time" in d:
        time = _span(d["time"], d.get("modifier"), d.get("granularity"))
        basis = basis or "stated"
    elif "modifier_time" in d:  # a bound such as "by 2020"
        time = _span(d["modifier_time"], d.get("modifier"))
        basis = basis or "stated"
    quote = d.get("quote", f"{d['subject']} {d.get('predicate')} {d['value']}")
    start = i * 1000
    value = d["value"]
    return Claim(
        source=d["source"],
        subject=d["subject"],
        predicate=d["predicate"],
        value=value,
        quote=quote,
        span=(start, start + len(quote)),
        time=time,
        time_basis=basis or "none",
        modality=d.get("modality", "fact"),
        unit=d.get("unit"),
        qualifier=d.get("qualifier"),
        direction=d.get("direction"),
        speaker=d.get("speaker"),
        published=published,
        published_range=prange,  # type: ignore[arg-type]
    )


def make_attribute(name: str, t: Mapping[str, Any]) -> Attribute:
    options = tuple((c, k, tuple(v) if isinstance(v, list) else v) for c, kv in t.get("options", {}).items() for k, v in kv.items())
    return Attribute(
        name=name,
        type=t["type"],
        pack="cases",
        label=t.get("label", name),
        values=tuple(t.get("values", ())),
        synonyms=tuple((k, tuple(v)) for k, v in t.get("synonyms", {}).items()),
        transitions=tuple(tuple(x) for x in t.get("transitions", ())),  # type: ignore[misc]
        state_roles=tuple(t.get("state_roles", {}).items()),
        unit=t.get("unit"),
        tolerance=float(t.get("tolerance", 0.0)),
        hedge_tolerance=float(t.get("hedge_tolerance", 0.0)),
        single_valued=bool(t.get("single_valued", True)),
        checks=tuple(t.get("checks", ())),
        options=options,
        severities=tuple(t.get("severities", {}).items()),
    )


BASE = tomllib.loads((CASES / "_ruleset.toml").read_text(encoding="utf-8"))["attributes"]


def make_ruleset(extra: Mapping[str, Any] | None = None) -> RuleSet:
    table = dict(BASE)
    table.update(extra or {})
    attrs_ = tuple(make_attribute(n, t) for n, t in table.items())
    return RuleSet(packs=(RulePack(name="cases", path=str(CASES / "_ruleset.toml"), attributes=attrs_),))


def _case_files() -> List[Path]:
    return sorted(p for p in CASES.glob("*.toml") if not p.name.startswith("_"))


def _cases() -> List[Any]:
    out = []
    for path in _case_files():
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for i, case in enumerate(data.get("case", [])):
            out.append(pytest.param(path.stem, case, id=f"{path.stem}:{i}:{case.get('name', '')[:60]}"))
    return out


def _matches(f: Finding, spec: Mapping[str, Any], by_id: Mapping[str, Claim]) -> bool:
    unknown = set(spec) - SPEC_KEYS
    assert not unknown, f"must/must_not: unknown keys {sorted(unknown)}; known: {sorted(SPEC_KEYS)}"
    for key in ("rule", "kind", "detail", "severity", "subject", "predicate"):
        if key in spec and getattr(f, key) != spec[key]:
            return False
    if "sources" in spec and sorted(spec["sources"]) != list(f.sources):
        return False
    cited = [by_id[c] for c in f.claims]
    if "values" in spec and sorted({str(v) for v in spec["values"]}) != sorted({str(c.value) for c in cited}):
        return False
    if "claims" in spec and sorted(spec["claims"]) != sorted(c.quote for c in cited):
        return False
    for s in spec.get("message_contains", ()):
        if s not in f.message:
            return False
    return True


def _show(fs: List[Finding]) -> str:
    return "\n".join(f"  {f.rule}/{f.kind}/{f.detail}/{f.severity} {f.sources}: {f.message}" for f in fs) or "  (none)"


def test_every_check_has_a_case_file() -> None:
    files = {p.stem for p in _case_files()}
    assert set(REGISTRY) <= files, f"checks without a case file: {sorted(set(REGISTRY) - files)}"
    assert files <= set(REGISTRY), f"case files for unknown checks: {sorted(files - set(REGISTRY))}"


@pytest.mark.parametrize("check_id, case", _cases())
def test_case(check_id: str, case: Mapping[str, Any]) -> None:
    unknown = set(case) - {"name", "claim", "must", "must_not", "attributes", "select", "ignore", "severities"}
    assert not unknown, f"case {case.get('name')!r}: unknown keys {sorted(unknown)}"
    for spec in case.get("must", []) + case.get("must_not", []):
        assert not set(spec) - SPEC_KEYS, f"case {case['name']!r}: unknown keys {sorted(set(spec) - SPEC_KEYS)}"
    claims = [make_claim(d, i) for i, d in enumerate(case.get("claim", []))]
    ruleset = make_ruleset(case.get("attributes"))
    kwargs: Dict[str, Any] = {}
    for k in ("select", "ignore", "severities"):
        if k in case:
            kwargs[k] = case[k]
    findings = engine.run(claims, ruleset, **kwargs)
    by_id = {c.id: c for c in claims}
    for spec in case.get("must", []):
        hits = [f for f in findings if _matches(f, spec, by_id)]
        want = spec.get("count")
        ok = len(hits) == want if want is not None else bool(hits)
        assert ok, f"{case['name']}: expected {want or 'a'} finding like {dict(spec)}, got:\n{_show(findings)}"
    for spec in case.get("must_not", []):
        hits = [f for f in findings if _matches(f, spec, by_id)]
        assert not hits, f"{case['name']}: unexpected finding like {dict(spec)}:\n{_show(hits)}"
    # input order never matters
    shuffled = list(claims)
    random.Random(7).shuffle(shuffled)
    assert engine.run(list(reversed(claims)), ruleset, **kwargs) == findings
    assert engine.run(shuffled, ruleset, **kwargs) == findings
    # and findings only cite the case's claims, with their sources
    for f in findings:
        assert set(f.claims) <= set(by_id)
        assert list(f.sources) == sorted({by_id[c].source for c in f.claims})
