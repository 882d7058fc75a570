"""The incremental check's read path: pruned reads equal a brute-force filter of the whole store,
stored ids are the claims' ids, only cited sources are read, and checking new articles against a
store gives the full re-check's findings on generated corpora (dense and sparse)."""

from __future__ import annotations

import importlib.util
import os
from datetime import date
from pathlib import Path
from typing import List

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

pytest.importorskip("pyarrow", reason='the claim store needs pyarrow: pip install "consistency[store]"')

from consistency import store  # noqa: E402
from consistency.model import Claim, Source, TimeSpan  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def _corpus():
    spec = importlib.util.spec_from_file_location("_bench_corpus_inc", ROOT / "benchmarks" / "corpus.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def _src(i: int) -> Source:
    return Source(id=f"doc{i:05d}", path=f"in/doc{i:05d}.txt", text="", title=f"T{i}",
                  published=date(2015, 1 + i % 12, 1 + i % 28), digest=f"x{i}")


def _population(n_sources: int = 150, per: int = 5) -> tuple[List[Claim], List[Source]]:
    """Claims over 30 subjects, 4 predicates and a few shared values; some dated, some not."""
    sources = [_src(i) for i in range(n_sources)]
    claims = []
    for s in sources:
        i = int(s.id[3:])
        for j in range(per):
            subj = f"Org {(i * 11 + j * 3) % 30}"
            pred = ["rating", "role", "beds", "status"][(i + j) % 4]
            val = f"v{(i * j) % 5}" if pred != "beds" else (i * 7 + j) % 50
            quote = f"{subj} {pred} {val} #{j}"
            t = TimeSpan(date(2014, 1 + j, 1), date(2014, 1 + j, 28), "month", text="then", span=(0, 4)) if j % 2 else None
            claims.append(Claim(source=s.id, subject=subj, predicate=pred, value=val, quote=quote,
                                span=(40 * j, 40 * j + len(quote)), time=t, published=s.published))
    return claims, sources


def _key(c: Claim):
    return (c.source, c.span, c.predicate)


@pytest.fixture(scope="module")
def small_row_groups_store(tmp_path_factory):
    """A store with two commits and 8-row row groups, so pruning skips real row groups."""
    mp = pytest.MonkeyPatch()
    mp.setattr(store, "ROW_GROUP", 8)
    d = tmp_path_factory.mktemp("st") / "st"
    claims, sources = _population(80)
    first = {s.id for s in sources[:40]}
    store.write([c for c in claims if c.source in first], sources[:40], d, buckets=4)
    store.write([c for c in claims if c.source not in first], sources[40:], d)
    mp.undo()
    return d, claims


def test_row_groups_are_small_enough_to_prune(small_row_groups_store):
    import pyarrow.parquet as pq

    d, _ = small_row_groups_store
    assert all(pq.ParquetFile(p).metadata.num_row_groups > 3 for p in store.files(d))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(subjects=st.sets(st.integers(0, 34), max_size=8),
       values=st.sets(st.tuples(st.sampled_from(["rating", "role", "beds"]), st.sampled_from(["v0", "v3", 7, "zz"])),
                      max_size=4))
def test_pruned_reads_equal_a_brute_force_filter(small_row_groups_store, subjects, values):
    d, claims = small_row_groups_store
    names = {f"Org {k}" for k in subjects}  # 30..34 are not stored
    got = store.read_subjects(d, names)
    assert sorted(got, key=_key) == sorted([c for c in claims if c.subject in names], key=_key)
    vals = store.read_values(d, values)
    want_pairs = {(p, str(v)) for p, v in values}
    assert sorted(vals, key=_key) == sorted([c for c in claims if (c.predicate, str(c.value)) in want_pairs], key=_key)
    probe = [Claim(source="new", subject=n, predicate=p, value=v, quote="q", span=(0, 1))
             for n in sorted(names) for p, v in sorted(values, key=str)] or \
            [Claim(source="new", subject=n, predicate="rating", value="v0", quote="q", span=(0, 1)) for n in sorted(names)]

    def value_key(c: Claim):
        return (c.predicate, str(c.value))

    by_id = store.read_related_by_id(d, probe, value_key)
    subj = {c.subject for c in probe}
    pairs = {value_key(c) for c in probe}
    want = [c for c in claims if c.subject in subj or (c.predicate, str(c.value)) in pairs]
    assert sorted(by_id.values(), key=_key) == sorted(want, key=_key)
    assert all(cid == c.id for cid, c in by_id.items())  # the stored id column is the claim's id


def test_read_sources_reads_only_row_groups_that_can_hold_the_ids(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "ROW_GROUP", 16)
    claims, sources = _population(120, 2)
    d = tmp_path / "st"
    store.write(claims, sources, d, buckets=2)
    read_groups: list = []
    import pyarrow.parquet as pq

    real = pq.ParquetFile.read_row_groups

    def spy(self, groups, *a, **kw):
        read_groups.append((tuple(groups), tuple(kw.get("columns") or ())))
        return real(self, groups, *a, **kw)

    monkeypatch.setattr(pq.ParquetFile, "read_row_groups", spy)
    got = store.read_sources(d, ["doc00003", "doc00100", "nope"])
    assert set(got) == {"doc00003", "doc00100"} and got["doc00100"].title == "T100"
    assert got["doc00003"] == store.read_sources(d)["doc00003"]
    # 120 sources in 16-row groups: 8 groups; ids in two of them (the key column of those only)
    assert read_groups and all(len(g) <= 2 for g, _ in read_groups), read_groups
    assert store.read_sources(d, []) == {}


def test_stored_claims_of_findings_are_found_even_if_stored_ids_differ():
    from consistency import api
    from consistency.model import Finding

    claims, _ = _population(4, 3)
    new, old = claims[:3], claims[3:]
    def finding(a: Claim, b: Claim) -> Finding:
        return Finding(rule="conflict", kind="conflict", severity="error", subject=a.subject, predicate=a.predicate,
                       claims=(a.id, b.id), sources=(a.source, b.source), message="m")

    f, g = finding(new[0], old[1]), finding(old[0], old[2])
    right = {c.id: c for c in old}
    kept, cited = api._touching_new([f, g], new, right)
    assert kept == [f] and cited == [old[1]]
    wrong = {f"other{i}": c for i, c in enumerate(old)}  # a store whose ids were computed differently
    assert api._touching_new([f, g], new, wrong) == ([f], [old[1]])


# --------------------------------------------------------------------------------------------
# the real pipeline on generated corpora


def _api():
    try:
        from consistency import api

        api.load_rules()
        return api
    except Exception as exc:  # pragma: no cover
        pytest.skip(f"real pipeline not importable yet ({type(exc).__name__}: {exc})")


@pytest.mark.parametrize("places,row_group", [(None, None), (60, 16)])
def test_incremental_check_equals_full_recheck_on_generated_articles(tmp_path, monkeypatch, places, row_group):
    api = _api()
    from consistency import sources as _sources

    if row_group:
        monkeypatch.setattr(store, "ROW_GROUP", row_group)
    gen = _corpus().generate
    kw = {} if places is None else {"places": places}
    old = [_sources.source_from_text(t, id=i, path=f"gen/{i}.txt") for i, t in gen(60, seed=1, **kw)]
    new = [_sources.source_from_text(t, id=i, path=f"gen/{i}.txt") for i, t in gen(8, seed=2, **kw)]
    d = tmp_path / "st"
    api.extract_to_store(old, d, buckets=8)
    inc, commit = api.check_against_store(new, d)
    assert commit is None
    full = api.check(old + new)
    new_ids = {c.id for c in inc.claims if c.source.startswith("synth-2-")}
    assert new_ids
    want = [f for f in full.findings if set(f.claims) & new_ids]
    assert want, "no finding involves a new article: the comparison would be empty"
    assert [f.to_dict() for f in inc.findings] == [f.to_dict() for f in want]
    # every stored claim a finding cites is in the report, with its stored source, and nothing else
    cited = {cid for f in inc.findings for cid in f.claims}
    assert {c.id for c in inc.claims} - new_ids == cited - new_ids
    old_sources = {s.id for s in inc.sources} - {s.id for s in new}
    assert old_sources == {c.source for c in inc.claims if c.id not in new_ids}
    by_id = {s.id: s for s in full.sources}
    for sid in old_sources:
        s = inc.source(sid)
        assert (s.published, s.title, s.digest) == (by_id[sid].published, by_id[sid].title, by_id[sid].digest)
    assert os.path.exists(d / "store.json")
