"""The SQLite claims cache: exact round trips, persistence, and never a crash or a wrong answer."""

from __future__ import annotations

import sqlite3
import threading
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from consistency import cache as cache_mod
from consistency.cache import ClaimsCache, decode, encode
from consistency.model import MODALITIES, TIME_BASES, Claim, Source, TimeSpan


def _source(text: str = "Published: 2021-02-03\n\nThe ward was rated good in 2020.\n") -> Source:
    return Source(id="ward-news", path="docs/ward-news.txt", text=text, title="Ward news",
                  published=None, published_range=(date(2021, 1, 1), date(2021, 3, 31)), published_basis="years",
                  url="https://example.org/a", encoding="utf-8-sig", body_start=22, furniture=((0, 5), (7, 9)),
                  digest="abc123")


def _claim(src: Source, value=42.5, **kw) -> Claim:
    quote = "rated good"
    start = src.text.index(quote)
    return Claim(source=src.id, subject="Riverside ward", predicate="rating", value=value, quote=quote,
                 span=(start, start + len(quote)),
                 time=TimeSpan(date(2020, 1, 1), date(2020, 12, 31), "year", text="2020", span=(60, 64),
                               approximate=True, modifier="about", anchor="absolute"),
                 time_basis="stated", modality="reported", speaker="the regulator", unit="percent",
                 qualifier="about", direction="up", rule="pack:rating:1", confidence=0.8125,
                 published=date(2021, 2, 3), published_range=(date(2021, 2, 1), date(2021, 2, 28)),
                 line=3, column=18, **kw)


def test_round_trip_is_exact():
    src = _source()
    claims = [_claim(src), _claim(src, value="good"), _claim(src, value=None), _claim(src, value=7)]
    back_src, back_claims = decode(encode(src, claims))
    assert back_src == src and back_claims == claims
    assert type(back_claims[3].value) is int and type(back_claims[0].value) is float
    assert isinstance(back_src.furniture, tuple) and isinstance(back_src.furniture[0], tuple)


dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))


@st.composite
def claims_strategy(draw):
    text = draw(st.text(min_size=1, max_size=40))
    a = draw(st.integers(0, len(text)))
    b = draw(st.integers(a, len(text)))
    d1, d2 = sorted([draw(dates), draw(dates)])
    time = draw(st.none() | st.just(TimeSpan(d1, d2, "range", text=draw(st.text(max_size=10)))) |
                st.just(TimeSpan(None, None, "unknown", text="later")))
    value = draw(st.none() | st.text(max_size=10) | st.integers(-10**12, 10**12) |
                 st.floats(allow_nan=False, allow_infinity=True))
    src = Source(id=draw(st.text(min_size=1, max_size=8)), path="p", text=text, published=draw(st.none() | dates))
    c = Claim(source=src.id, subject=draw(st.text(max_size=10)), predicate="p", value=value, quote=text[a:b],
              span=(a, b), time=time, time_basis=draw(st.sampled_from(TIME_BASES)),
              modality=draw(st.sampled_from(MODALITIES)), confidence=draw(st.floats(0, 1)))
    return src, [c]


@settings(max_examples=150, deadline=None)
@given(claims_strategy())
def test_round_trip_property(pair):
    src, claims = pair
    assert decode(encode(src, claims)) == (src, claims)


def test_persists_across_instances(tmp_path):
    src = _source()
    with ClaimsCache(tmp_path / "c") as c:
        assert c.enabled and c.get("k1") is None
        c.put("k1", src, [_claim(src)])
        assert c.get("k1") == (src, [_claim(src)])  # visible before the flush
    with ClaimsCache(tmp_path / "c") as c:
        assert c.get("k1") == (src, [_claim(src)]) and c.get("k2") is None
        assert (c.hits, c.misses) == (1, 1) and len(c) == 1 and not c.warnings
    assert (tmp_path / "c" / ".gitignore").read_text().strip().endswith("*")


def test_corrupt_file_is_rebuilt_with_a_warning(tmp_path):
    d = tmp_path / "c"
    d.mkdir()
    (d / cache_mod.FILENAME).write_bytes(b"this is not sqlite" * 100)
    seen: list[str] = []
    with ClaimsCache(d, warn=seen.append) as c:
        assert c.enabled and len(seen) == 1 and "rebuilt" in seen[0] and str(d) in seen[0]
        assert c.get("k") is None
        src = _source()
        c.put("k", src, [])
    with ClaimsCache(d) as c:
        assert c.get("k") == (_source(), []) and not c.warnings
    assert (d / (cache_mod.FILENAME + ".corrupt")).exists()


def test_tampered_row_is_a_miss_never_a_wrong_result(tmp_path):
    src = _source()
    with ClaimsCache(tmp_path) as c:
        c.put("k", src, [_claim(src)])
        c.put("j", src, [])
    db = sqlite3.connect(tmp_path / cache_mod.FILENAME)
    db.execute("UPDATE claims SET data = replace(data, 'Riverside', 'Elsewhere') WHERE key = 'k'")
    db.execute("UPDATE claims SET data = '{broken', sum = 'x' WHERE key = 'j'")
    db.commit()
    db.close()
    with ClaimsCache(tmp_path) as c:
        assert c.get("k") is None and c.get("j") is None
    with ClaimsCache(tmp_path) as c:
        assert len(c) == 0  # bad rows were dropped


def test_locked_database_is_bypassed_with_a_warning(tmp_path):
    with ClaimsCache(tmp_path) as c:
        c.put("k", _source(), [])
    holder = sqlite3.connect(tmp_path / cache_mod.FILENAME, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        seen: list[str] = []
        c = ClaimsCache(tmp_path, timeout=0.05, warn=seen.append)
        assert c.get("k") is None  # never blocks for long, never raises
        c.put("x", _source(), [])
        c.close()
        assert seen and any("locked" in w or "failed" in w or "could not" in w for w in seen)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_unusable_directory_is_bypassed(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    seen: list[str] = []
    c = ClaimsCache(blocker, warn=seen.append)
    assert not c.enabled and seen and "--no-cache" in seen[-1]
    c.put("k", _source(), [])
    assert c.get("k") is None
    c.close()


def test_two_writers_share_one_cache(tmp_path):
    src = _source()
    errors: list[BaseException] = []

    def work(prefix: str) -> None:
        try:
            with ClaimsCache(tmp_path, batch=7) as c:
                for i in range(60):
                    c.put(f"{prefix}{i}", src, [])
        except BaseException as exc:  # pragma: no cover - the assertion reports it
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(p,)) for p in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    with ClaimsCache(tmp_path) as c:
        assert len(c) == 120 and not c.warnings


# ---- with the real pipeline ------------------------------------------------------------------

def _api():
    try:
        from consistency import api
    except ImportError as exc:
        pytest.skip(f"pipeline modules not importable yet ({exc})")
    return api


ARTICLES = {
    "a.txt": "Published: 2019-05-02\n\nInspectors rated Westbrook Police 'inadequate' in March 2019, "
             "the force said. It had been rated 'good' in 2016.\n",
    "b.txt": "Published: 2019-06-10\n\nWestbrook Police was rated 'inadequate' by inspectors in March 2019.\n",
    "c.txt": "Published: 2020-01-15\n\nThe Kestrel Hospital trust said about 40 per cent of nurses were agency staff.\n",
}


def test_cached_equals_fresh_and_only_changed_files_are_extracted(tmp_path, monkeypatch):
    api = _api()
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, text in ARTICLES.items():
        (docs / name).write_text(text, encoding="utf-8")
    calls: list[str] = []
    real = api.extract_one

    def counting(source, ruleset):
        calls.append(source.id)
        return real(source, ruleset)

    monkeypatch.setattr(api, "extract_one", counting)
    fresh = api.extract([str(docs)])
    with ClaimsCache(tmp_path / "cache") as c:
        cold = api.extract([str(docs)], cache=c)
    assert sorted(calls) == ["a", "a", "b", "b", "c", "c"]
    calls.clear()
    with ClaimsCache(tmp_path / "cache") as c:
        warm = api.extract([str(docs)], cache=c)
        assert c.hits == 3
    assert calls == [] and warm == cold == fresh
    (docs / "b.txt").write_text(ARTICLES["b.txt"].replace("March", "April"), encoding="utf-8")
    with ClaimsCache(tmp_path / "cache") as c:
        api.extract([str(docs)], cache=c)
    assert calls == ["b"]
    calls.clear()
    import attrs

    ruleset = api.load_rules()
    changed = attrs.evolve(ruleset, digest=ruleset.digest + "-edited")
    with ClaimsCache(tmp_path / "cache") as c:
        api.extract([str(docs)], changed, cache=c)
    assert sorted(calls) == ["a", "b", "c"]  # a rule pack change invalidates everything


def test_report_round_trip_is_exact():
    from consistency.cache import decode_report, encode_report
    from consistency.model import Diagnostic, Finding, Report

    src = _source()
    c1, c2 = _claim(src), _claim(src, value="good")
    f = Finding(rule="conflict", kind="conflict", severity="error", subject="Riverside ward", predicate="rating",
                claims=(c1.id, c2.id), sources=("ward-news",), message="m", claim_keys=(c1.key, c2.key), detail="d")
    r = Report(sources=[src], claims=[c2, c1], findings=[f],
               diagnostics=[Diagnostic("x.txt", "undated", level="warning", line=3)])
    back = decode_report(encode_report(r))
    assert back == r and back.to_json() == r.to_json()


def test_runs_are_keyed_by_settings_and_inputs(tmp_path):
    from consistency.model import Report

    r = Report(sources=[_source()], claims=[], findings=[])
    with ClaimsCache(tmp_path) as c:
        assert c.get_run("spec", "in1") is None
        c.put_run("spec", "in1", r)
        assert c.get_run("spec", "in1") == r
        assert c.get_run("spec", "in2") is None and c.get_run("other", "in1") is None
        c.put_run("spec", "in2", r)
        assert c.get_run("spec", "in1") is None  # one run kept per settings


def test_code_change_invalidates_the_cache(tmp_path, monkeypatch):
    with ClaimsCache(tmp_path) as c:
        c.put("k", _source(), [])
    monkeypatch.setattr(cache_mod, "_fingerprint", lambda: "another build")
    with ClaimsCache(tmp_path) as c:
        assert c.get("k") is None and len(c) == 0
