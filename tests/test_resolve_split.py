"""Subject resolution split for a cluster: counts summed, mapping planned once, applied per partition."""

from __future__ import annotations

from pathlib import Path

from consistency import api
from consistency.extract.resolve import apply_map, canon_map, org_names, resolve

ROOT = Path(__file__).resolve().parent.parent


def _raw_claims():
    rules = api.load_rules()
    srcs, _ = api.load_sources([str(ROOT / "seeds"), str(ROOT / "tests" / "data" / "articles")])
    out = []
    for s in srcs:
        out.extend(api.extract_one(s, rules)[1])
    return out


def _key(cs):
    return sorted(c.to_dict()["id"] + repr(c.to_dict()) for c in cs)


def test_apply_per_partition_equals_global_resolve():
    claims = _raw_claims()
    whole = resolve(claims)
    # sum counts per partition (as a foldby would), plan once, apply to each partition of documents
    by_source: dict[str, list] = {}
    for c in claims:
        by_source.setdefault(c.source, []).append(c)
    parts = [sum((by_source[s] for s in sorted(by_source)[i::3]), []) for i in range(3)]
    counts: dict[str, int] = {}
    for part in parts:
        for name, n in org_names(part).items():
            counts[name] = counts.get(name, 0) + n
    cmap = canon_map(counts)
    assert cmap, "the corpus names organisations"
    split = [c for part in parts for c in apply_map(part, cmap)]
    assert _key(split) == _key(whole)
    # spellings of one organisation share one canonical name
    assert sum(1 for v in cmap.values() if v == "Northamptonshire County Council") >= 2


def test_empty_map_changes_nothing():
    claims = _raw_claims()[:20]
    assert apply_map(claims, {}) == list(claims)
