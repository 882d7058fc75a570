"""The benchmark corpus's ``places`` parameter: the default is unchanged (every published figure
used it), more places give more distinct organisations, never merged by the subject resolver."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def corpus():
    spec = importlib.util.spec_from_file_location("_bench_corpus_places", ROOT / "benchmarks" / "corpus.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def _digest(docs) -> str:
    return hashlib.sha256(json.dumps(docs).encode()).hexdigest()


def test_default_corpus_is_byte_identical_to_before_places_existed(corpus):
    # digests computed before the parameter was added (2026-11-23)
    assert _digest(corpus.generate(5)) == "fcca38bffe3d27b32e89eb4597c305a6abe0c5d140421a03fe11b288c1c39ecf"
    assert _digest(corpus.generate(5, seed=1)) == "bb719b56e6c35ee8121dc8bb353064e7ec6e715c10cfd9bffcddf3979f629b46"
    assert _digest(corpus.generate(50, seed=2)) == "6f0674e4d3f4e2ea2f91b685f849ff4f3d3bb833d4b7c6e7161aae0eef99cec5"
    assert corpus.generate(50, seed=2, places=24) == corpus.generate(50, seed=2)
    assert corpus.generate(30, seed=3, places=500) == corpus.generate(30, seed=3, places=500)  # deterministic


def _places_used(corpus, docs, names):
    pattern = re.compile("|".join(sorted(map(re.escape, names), key=len, reverse=True)))
    return {m.group(0) for _, text in docs for m in [pattern.search(text.split("\n", 1)[0])] if m}


def test_more_places_give_more_distinct_organisations(corpus):
    names = corpus.place_names(400)
    assert len(names) == len(set(names)) == 400 and names[:24] == corpus.place_names()
    dense = _places_used(corpus, corpus.generate(300, seed=4), corpus.place_names())
    sparse = _places_used(corpus, corpus.generate(300, seed=4, places=400), names)
    assert len(dense) <= 24 and len(sparse) > 150  # each headline names its organisation's place
    assert corpus.place_names(10) == corpus.place_names()[:10]
    with pytest.raises(ValueError, match="at least 1"):
        corpus.place_names(0)
    with pytest.raises(ValueError, match="at most"):
        corpus.place_names(100_000)


def test_invented_places_stay_distinct_organisations_for_the_resolver(corpus):
    resolve = pytest.importorskip("consistency.extract.resolve")
    names = corpus.place_names(300)
    orgs = {f"{p} County Council": 3 for p in names} | {f"{p} Police": 2 for p in names[::7]}
    cmap = resolve.canon_map(orgs)
    assert all(cmap.get(o, o) == o for o in orgs), [(o, cmap[o]) for o in orgs if cmap.get(o, o) != o][:5]


def test_more_places_also_name_more_people(corpus):
    assert corpus.surnames() == corpus.surnames(24) == corpus.surnames(10)  # the default world is unchanged
    assert len(corpus.surnames()) == 20
    wide = corpus.surnames(2000)
    assert len(wide) == len(set(wide)) == 190 and wide[:20] == corpus.surnames()
    assert 20 < len(corpus.surnames(60)) < len(wide)
    people = {m.group(0) for _, t in corpus.generate(200, seed=5, places=2000)
              for m in re.finditer(r"\b(?:Alison|Brian|Chloe|David|Grace|Owen|Sarah) [A-Z][a-z]+", t)}
    assert len({p.split()[1] for p in people} - set(corpus.surnames())) > 20  # invented surnames are used
