"""The claim store: exact round trip, partition pruning, atomic commits, one writer at a time,
and checking new documents against the stored record."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import date
from pathlib import Path
from typing import List

import attrs
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

pytest.importorskip("pyarrow", reason='the claim store needs pyarrow: pip install "consistency[store]"')

from consistency import store  # noqa: E402
from consistency.model import Claim, Source, TimeSpan  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def _src(i: int, **kw) -> Source:
    return Source(id=f"art{i:04d}", path=f"news/art{i:04d}.txt", text="", title=f"Story {i}",
                  published=kw.pop("published", date(2017, 1, 1 + i % 28)), digest=f"d{i}", **kw)


def _claim(src: Source, subject: str, predicate: str, value, start: int = 0, **kw) -> Claim:
    quote = kw.pop("quote", f"{subject} {predicate} {value}")
    return Claim(source=src.id, subject=subject, predicate=predicate, value=value, quote=quote,
                 span=(start, start + len(quote)), published=src.published, **kw)


def _sample() -> tuple[List[Claim], List[Source]]:
    s1, s2 = _src(1), _src(2, published=None, published_range=(date(2016, 1, 1), date(2016, 12, 31)),
                           published_basis="latest year mentioned", url="https://example.org/2")
    t = TimeSpan(date(2015, 3, 1), date(2015, 3, 31), "month", text="March 2015", span=(40, 50), modifier="since",
                 anchor="published", approximate=True)
    unresolved = TimeSpan(None, None, "unknown", text="last spring", span=(3, 14), anchor="unresolved")
    cs = [
        _claim(s1, "Wexmoor Hospital", "rating", "good", 0, time=t, time_basis="stated", rule="x:rating:1",
               confidence=0.8, line=3, column=7),
        _claim(s1, "Wexmoor Hospital", "beds", 412, 100, unit="count", qualifier="about", direction="up"),
        _claim(s1, "Wexmoor Hospital", "budget", 1.25, 200, unit="GBP million", modality="plan", speaker="Ann Lowe"),
        _claim(s2, "Wexmoor Hospital", "rating", "poor", 5, time=unresolved, time_basis="none", modality="reported",
               published_range=s2.published_range),
        _claim(s2, "Kestleton Police", "chief", None, 50, quote="the chief constable’s post — vacant"),
        _claim(s2, "Dunhallow Prison", "role", "governor, HMP Dunhallow", 90),
    ]
    return cs, [s1, s2]


def _key(c: Claim):
    return (c.source, c.span, c.predicate)


def test_round_trip_is_exact(tmp_path):
    claims, sources = _sample()
    info = store.write(claims, sources, tmp_path / "st")
    assert info.claims == len(claims) and info.sources == 2 and info.name == "c000001"
    back = store.read_claims(tmp_path / "st")
    assert sorted(back, key=_key) == sorted(claims, key=_key)
    assert [type(c.value) for c in sorted(back, key=_key)] == [type(c.value) for c in sorted(claims, key=_key)]
    assert {c.id for c in back} == {c.id for c in claims}  # ids survive: findings can cite them
    srcs = store.read_sources(tmp_path / "st")
    assert srcs["art0002"].published_range == (date(2016, 1, 1), date(2016, 12, 31))
    assert srcs["art0002"].url == "https://example.org/2" and srcs["art0001"].digest == "d1"


def test_every_claim_field_is_stored():
    stored = {"source", "subject", "predicate", "value", "quote", "span", "time", "time_basis", "modality", "speaker",
              "unit", "qualifier", "direction", "rule", "confidence", "published", "published_range", "line", "column"}
    missing = {f.name for f in attrs.fields(Claim)} - stored
    assert not missing, f"Claim gained field(s) {missing}: add them to store.CLAIM_COLUMNS and the row codec"
    assert {n for n, _, _ in store.CLAIM_COLUMNS} >= {"id", "key", "subject", "predicate", "quote", "span_start"}


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(_text.filter(bool), _text.filter(bool),
                          st.one_of(st.none(), _text, st.integers(-10**15, 10**15),
                                    st.floats(allow_nan=False, allow_infinity=False))),
                min_size=1, max_size=12))
def test_round_trip_of_arbitrary_text_and_values(tmp_path_factory, rows):
    d = tmp_path_factory.mktemp("st")
    src = _src(7)
    claims = [_claim(src, subj, pred, val, 10 * i, quote=subj + "|" + pred) for i, (subj, pred, val) in enumerate(rows)]
    store.write(claims, [src], d, buckets=4)
    assert sorted(store.read_claims(d), key=_key) == sorted(claims, key=_key)


def _many(n_sources: int, per: int = 6) -> tuple[List[Claim], List[Source]]:
    sources = [_src(i) for i in range(n_sources)]
    claims = []
    for s in sources:
        for j in range(per):
            k = (int(s.id[3:]) * 7 + j) % 40
            claims.append(_claim(s, f"Body {k}", ["rating", "beds", "chief"][j % 3], f"v{(k + j) % 3}", 30 * j))
    return claims, sources


def test_read_touches_only_the_buckets_of_the_subjects(tmp_path, monkeypatch):
    claims, sources = _many(60)
    d = tmp_path / "st"
    store.write(claims, sources, d, buckets=16)
    opened: list = []
    real = store._read_matching

    def spy(pq, pc, path, *a):
        if "/claims/" in path.replace(os.sep, "/"):
            opened.append(path)
        return real(pq, pc, path, *a)

    monkeypatch.setattr(store, "_read_matching", spy)
    got, cited = store.read_blocks(d, [("Body 3", "rating")])
    assert got and {c.block for c in got} == {("Body 3", "rating")}
    assert sorted(got, key=_key) == sorted([c for c in claims if c.block == ("Body 3", "rating")], key=_key)
    assert set(cited) == {c.source for c in got}
    assert len(opened) == 1 and f"bucket={store.subject_id('Body 3') % 16:04d}" in opened[0]
    subj = store.read_subjects(d, ["Body 5"])
    assert sorted(subj, key=_key) == sorted([c for c in claims if c.subject == "Body 5"], key=_key)
    vals = store.read_values(d, [("chief", "v1")])
    assert vals and sorted(vals, key=_key) == sorted([c for c in claims if (c.predicate, c.value) == ("chief", "v1")],
                                                    key=_key)
    assert store.read_blocks(d, [("Nobody", "rating")]) == ([], {})


def test_commits_append_and_any_parquet_reader_sees_only_published_data(tmp_path):
    import pyarrow.dataset as ds

    claims, sources = _many(20)
    d = tmp_path / "st"
    store.write(claims[:50], sources, d, buckets=8)
    store.write(claims[50:], sources, d)
    (d / "_staging" / "junk").mkdir(parents=True)  # debris of a dead writer is not data
    (d / "_staging" / "junk" / "x.parquet").write_bytes(b"not parquet")
    # a plain glob over the directory, as DuckDB or Spark would read it
    globbed = sorted(str(p) for p in d.glob("commits/*/claims/*/*.parquet"))
    assert globbed == sorted(store.files(d))
    t = ds.dataset(globbed, format="parquet").to_table(columns=["id", "subject", "block_id"])
    assert t.num_rows == len(claims)
    assert sorted(store.read_claims(d), key=_key) == sorted(claims, key=_key)
    assert [p.name for p in sorted((d / "commits").iterdir())] == ["c000001", "c000002"]
    meta = json.loads((d / "store.json").read_text())
    assert meta["format"] == "consistency-claim-store" and meta["buckets"] == 8


def test_not_a_store_and_missing_store_errors_say_what_to_do(tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(store.StoreError, match="not a claim store"):
        store.write([], [], tmp_path)
    with pytest.raises(store.StoreError, match="extract PATH... --store DIR"):
        store.info(tmp_path / "nothing")
    s = _src(1)
    with pytest.raises(store.StoreError, match="without their source"):
        store.write([_claim(s, "A", "b", "c")], [], tmp_path / "new")


def test_two_writers_are_refused_not_interleaved(tmp_path):
    claims, sources = _many(5)
    d = tmp_path / "st"
    with store.lock(d):
        with pytest.raises(store.StoreLocked) as err:
            store.write(claims, sources, d)
        assert f"pid {os.getpid()}" in str(err.value) and "wait for it to finish" in str(err.value)
    store.write(claims, sources, d)  # released: the next writer goes ahead
    # a writer in another process holds it too
    code = textwrap.dedent(f"""
        import sys, time
        from consistency import store
        with store.lock({str(d)!r}):
            print("locked", flush=True)
            time.sleep(30)
    """)
    p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, cwd=ROOT,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert p.stdout.readline().strip() == "locked"
        with pytest.raises(store.StoreLocked, match=f"pid {p.pid}"):
            store.write(claims, sources, d)
    finally:
        p.kill()
        p.wait()
    assert store.write(claims, sources, d).name == "c000002"  # the kernel freed the dead holder's lock


_WRITER = """
import os, sys, time
from datetime import date
sys.path.insert(0, {tests!r})
from consistency import store
from test_store import _many
mode = {mode!r}
claims, sources = _many(200)
if mode == "slow":
    real = store._write_table
    def slow(pq, table, path):
        real(pq, table, path)
        print("wrote", path, flush=True)
        time.sleep(0.3)
    store._write_table = slow
else:  # die at the commit point, just before the rename that publishes
    real_rename = os.rename
    def die(a, b):
        print("publishing", flush=True)
        os.kill(os.getpid(), 9)
    os.rename = die
store.write(claims, sources, {dir!r}, buckets=16)
print("done", flush=True)
"""


@pytest.mark.parametrize("mode", ["slow", "at-commit"])
def test_a_writer_killed_mid_write_leaves_the_store_as_it_was(tmp_path, mode):
    d = tmp_path / "st"
    first, first_sources = _many(10)
    store.write(first, first_sources, d, buckets=16)
    before = sorted(store.read_claims(d), key=_key)
    p = subprocess.Popen([sys.executable, "-c", _WRITER.format(tests=str(ROOT / "tests"), mode=mode, dir=str(d))],
                         stdout=subprocess.PIPE, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        line = p.stdout.readline()
        if mode == "slow":
            assert line.startswith("wrote"), line
            p.send_signal(signal.SIGKILL)  # killed in the middle of writing its files
        p.wait(30)
    finally:
        if p.poll() is None:
            p.kill()
    assert p.returncode == -signal.SIGKILL
    assert any((d / "_staging").rglob("*.parquet"))  # it had written something...
    assert sorted(store.read_claims(d), key=_key) == before  # ...and none of it is visible
    assert [c.name for c in (d / "commits").iterdir()] == ["c000001"]
    info = store.write(*_many(3), d)  # no stale lock; the next writer clears the debris
    assert info.name == "c000002" and not any((d / "_staging").rglob("*"))


# --------------------------------------------------------------------------------------------
# checking new documents against the store (the real pipeline)


def _api():
    try:
        from consistency import api

        api.load_rules()
        return api
    except Exception as exc:
        pytest.skip(f"real pipeline not importable yet ({type(exc).__name__}: {exc})")


def _findings_touching(report, ids):
    return sorted((f.to_dict() for f in report.findings if set(f.claims) & ids), key=lambda f: f["id"])


def _articles(tmp_path: Path, texts: dict) -> List[str]:
    paths = []
    for name, text in texts.items():
        p = tmp_path / "in" / f"{name}.txt"
        p.parent.mkdir(exist_ok=True)
        p.write_text(text, encoding="utf-8")
        paths.append(str(p))
    return paths


def test_check_against_store_equals_a_full_check_on_seeds(tmp_path):
    api = _api()
    seeds = sorted(str(p) for p in (ROOT / "seeds").glob("*.txt"))
    old, new = seeds[:-1], seeds[-1:]
    d = tmp_path / "st"
    report, commit = api.extract_to_store(old, d)
    assert commit is not None and commit.sources == len(old) and commit.claims == len(report.claims)
    inc, _ = api.check_against_store(new, d)
    full = api.check(seeds)
    new_ids = {c.id for c in inc.claims if c.source == Path(new[0]).stem}
    assert new_ids, "the new seed made no claims: nothing would be checked"
    assert _findings_touching(inc, new_ids) == _findings_touching(full, new_ids)
    assert [f.id for f in inc.findings] == [f.id for f in full.findings if set(f.claims) & new_ids]
    # a finding between a new and a stored claim cites both, with the stored claim's source
    idx = inc.claim_index()
    mixed = [f for f in inc.findings if {idx[c].source for c in f.claims} - {Path(new[0]).stem}]
    assert mixed, "no finding linked the new seed to the stored record"
    for f in mixed:
        for cid in f.claims:
            inc.source(idx[cid].source)  # every cited claim's source is in the report
    assert not (d / "commits" / "c000002").exists()  # no --update: the store is unchanged


def test_check_update_adds_and_skips_what_is_stored(tmp_path):
    api = _api()
    texts = {  # invented council, our own words
        "wex-a": "Published: 2016-03-03\n\nWexmoor County Council's children's services have been rated inadequate "
                 "by Ofsted after an inspection in January 2016.\n",
        "wex-b": "Published: 2016-04-09\n\nWexmoor County Council's children's services were rated requires "
                 "improvement by Ofsted after an inspection in January 2016.\n",
        "other": "Published: 2016-04-09\n\nBrindlemoor County Council's children's services were rated good by Ofsted "
                 "after an inspection in February 2016.\n",
    }
    a, b, other = _articles(tmp_path, texts)
    d = tmp_path / "st"
    api.extract_to_store([a, other], d)
    r1, c1 = api.check_against_store([b], d, update=True)
    conflicts = [f for f in r1.findings if f.kind == "conflict"]
    assert [f.sources for f in conflicts] == [("wex-a", "wex-b")]  # new against stored, citing both
    assert {s.id for s in r1.sources} == {"wex-a", "wex-b"}  # the stored source comes along; 'other' does not
    assert r1.source("wex-a").published == date(2016, 3, 3)
    assert c1 is not None and c1.name == "c000002"
    assert set(store.read_sources(d)) == {"wex-a", "wex-b", "other"}
    r2, c2 = api.check_against_store([b], d, update=True)  # the same document again
    assert c2 is None and not r2.claims
    assert any("already in the store" in x.message and x.level == "info" for x in r2.diagnostics)
    Path(b).write_text(texts["wex-b"].replace("requires improvement", "good"), encoding="utf-8")
    r3, c3 = api.check_against_store([b], d, update=True)  # same id, other bytes
    assert c3 is None and any(x.level == "error" and "different content" in x.message for x in r3.diagnostics)
    with pytest.raises(store.StoreError, match="no claim store"):
        api.check_against_store([b], tmp_path / "absent")
