"""Benchmark: the whole pipeline up to claims (sources -> sentences -> dating -> timex -> extract).

Prints articles/s (median of 3 runs) on a synthetic corpus of ~4 KB articles, and the top three
costs of a cProfile run. Uses ``benchmarks/corpus.py`` (``generate(n, seed)``) when present,
else a small generator of its own. Usage: python benchmarks/bench_extract.py [N]
"""

from __future__ import annotations

import cProfile
import io
import pstats
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import attrs  # noqa: E402

from consistency import dating, rulepack  # noqa: E402
from consistency.extract import extract  # noqa: E402
from consistency.sentences import segment  # noqa: E402
from consistency.sources import source_from_text  # noqa: E402

PLACES = ["Ashford", "Brackley", "Corby", "Dunmore", "Eastleigh", "Fernhill", "Glenrow", "Hartwell", "Ivybridge",
          "Kettlemoor", "Lindale", "Marbury", "Norwood", "Oakham", "Pellow", "Quarry", "Redmarsh", "Stowe"]
NAMES = ["Anne Walsh", "Tom Berry", "Priya Shah", "Dev Patel", "Joan Rhodes", "Sam Okoro", "Lena Gray", "Ed Moss"]
SENTENCES = [
    "{org} was rated {rating} by Ofsted in {month} {year}.",
    "Following a full inspection in {year}, the council's children's services were upgraded to '{rating}'.",
    "The authority was issued with a statutory direction by the Department for Education in {month} {year}.",
    "{name}, deputy leader of {org}, said: \"We have worked hard and we will keep improving.\"",
    "Director of children's services {name} said the council would set up a children's trust later this year.",
    "A children's trust had been set up but in {month} {year} the plans were shelved.",
    "The council says referrals have increased by {n} per cent in the last 12 months.",
    "About {n} per cent of social workers were agency staff, the report said.",
    "There are about {big} social workers in the county, and the council must find £{n}m of savings.",
    "Inspectors found the service had made good progress but still required work on assessments.",
    "The improvement board met monthly and reported back to government on progress made since then.",
    "Councillors discussed the budget at length at a meeting on Tuesday evening and agreed the plan.",
    "Parents and carers were consulted on the changes, which affect several hundred families in the area.",
    "The inspection team said work needs to continue to reduce the level of temporary staff.",
]


def _generate(n: int, seed: int = 0) -> list[tuple[str, str]]:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        place = rnd.choice(PLACES)
        org = f"{place} County Council"
        year = rnd.randint(2012, 2020)
        lines = [f"{place} children's services news", "", f"{rnd.randint(1, 28)} {rnd.choice(['March', 'June', 'October'])} {year}", ""]
        size = sum(len(x) for x in lines)
        while size < 4000:
            s = rnd.choice(SENTENCES).format(
                org=org, rating=rnd.choice(["inadequate", "requires improvement", "good", "outstanding"]),
                month=rnd.choice(["January", "May", "August", "October"]), year=rnd.randint(2010, year),
                name=rnd.choice(NAMES), n=rnd.randint(5, 60), big=rnd.randint(100, 900))
            lines.append(s)
            size += len(s) + 1
            if rnd.random() < 0.3:
                lines.append("")
        out.append((f"a{i:05d}", "\n".join(lines) + "\n"))
    return out


def corpus(n: int, seed: int = 0) -> list[tuple[str, str]]:
    try:
        import corpus as shared  # type: ignore[import-not-found]

        return list(shared.generate(n, seed=seed))
    except Exception:  # noqa: BLE001 - no shared generator: use ours
        return _generate(n, seed)


def pipeline(docs: list[tuple[str, str]], rs: rulepack.RuleSet) -> int:
    total = 0
    for doc_id, text in docs:
        src = source_from_text(text, id=doc_id)
        sents = segment(src)
        if src.published is None:
            est = dating.estimate(src, sents)
            if est:
                src = attrs.evolve(src, published_range=est[0], published_basis=est[1])
        total += len(extract(src, rs, sents))
    return total


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    rs = rulepack.load()
    docs = corpus(n)
    kb = sum(len(t) for _, t in docs) / len(docs) / 1024
    pipeline(docs[:20], rs)  # warm caches (compiled packs, regexes)
    rates = []
    walls = []
    claims = 0
    for _ in range(3):
        t0, c0 = time.perf_counter(), time.process_time()
        claims = pipeline(docs, rs)
        rates.append(len(docs) / (time.process_time() - c0))
        walls.append(len(docs) / (time.perf_counter() - t0))
    print(f"{len(docs)} articles of {kb:.1f} KB on average, {claims} claims")
    print(f"pipeline to claims: {statistics.median(rates):.0f} articles/s per core (CPU time, median of 3; "
          f"runs: {', '.join(f'{r:.0f}' for r in rates)}); wall clock {statistics.median(walls):.0f}/s")
    prof = cProfile.Profile()
    prof.enable()
    pipeline(docs[: min(300, len(docs))], rs)
    prof.disable()
    buf = io.StringIO()
    st = pstats.Stats(prof, stream=buf)
    st.sort_stats("tottime").print_stats(3)
    lines = [ln for ln in buf.getvalue().splitlines() if ln.strip() and ln.strip()[0].isdigit() and "function calls" not in ln]
    print("top 3 costs (tottime):")
    for ln in lines[:3]:
        print("  " + ln.strip())


if __name__ == "__main__":
    main()
