"""Throughput of load + segmentation + time tagging against dateparser's search_dates.

    python benchmarks/bench_timex.py [--n 10000] [--sample 200] [--seed 0] [--runs 3]

Generates the synthetic corpus (benchmarks/corpus.py), then times, per article:
``sources.source_from_text`` (header, dateline, furniture) + ``sentences.segment`` (or a simple
regex splitter when that module is missing; the output says which) + ``dating.estimate`` for
undated articles + ``timex.tag`` on every sentence, threading ``previous``. Datelines are read by
``sources`` into ``Source.published`` (they sit in the header that segmentation skips), so they
do not appear in our match lists while search_dates lists them. Reports articles/second as the median of ``--runs`` runs.
``dateparser.search.search_dates(text, languages=['en'])`` (with the article date as
RELATIVE_BASE where there is one) is slow, so it runs on ``--sample`` evenly spaced articles of
the same corpus and its rate is extrapolated (said in the output). Finally prints, for the five
seeds, our matches beside search_dates' matches so their precision can be judged.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from datetime import datetime
from itertools import zip_longest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import generate  # noqa: E402

from consistency import dating, sources, timex  # noqa: E402
from consistency.model import Sentence  # noqa: E402

try:
    from consistency import sentences as _sentences  # noqa: E402

    def segment(src):  # type: ignore[no-untyped-def]
        return _sentences.segment(src)

    SPLITTER = "consistency.sentences.segment"
except ImportError:  # pragma: no cover - only before sentences.py exists
    _SPLIT = re.compile(r"[^.!?\n]+[.!?]*")

    def segment(src):  # type: ignore[no-untyped-def]
        return tuple(Sentence(m.start(), m.end(), m.group()) for m in _SPLIT.finditer(src.text, src.body_start))

    SPLITTER = "a simple regex splitter (consistency.sentences not found)"


def anchor_for(src, sents) -> timex.Anchor:
    """The publication date, or for an undated article the range dating.estimate infers (or nothing)."""
    if src.published is not None:
        return timex.Anchor(published=src.published)
    guess = dating.estimate(src, sents)
    return timex.Anchor(estimated=guess[0]) if guess else timex.Anchor()


def process(doc_id: str, text: str) -> int:
    """Load, segment, (date if undated) and tag one article; returns the number of time expressions."""
    src = sources.source_from_text(text, id=doc_id)
    sents = segment(src)
    anchor = anchor_for(src, sents)
    prev = None
    n = 0
    for s in sents:
        spans = timex.tag(s.text, anchor, offset=s.start, previous=prev)
        if spans:
            prev = timex.next_previous(spans)
        n += len(spans)
    return n


def ours_rate(docs, runs: int) -> tuple[float, int]:
    rates = []
    found = 0
    for _ in range(runs):
        t = time.perf_counter()
        found = sum(process(i, x) for i, x in docs)
        rates.append(len(docs) / (time.perf_counter() - t))
    return statistics.median(rates), found


def search_dates_rate(docs, sample: int) -> tuple[float, int, int]:
    from dateparser.search import search_dates

    step = max(1, len(docs) // sample)
    chosen = docs[::step][:sample]
    found = 0
    t = time.perf_counter()
    for doc_id, text in chosen:
        pub = sources.source_from_text(text, id=doc_id).published
        settings = {"RELATIVE_BASE": datetime(pub.year, pub.month, pub.day)} if pub else None
        found += len(search_dates(text, languages=["en"], settings=settings) or [])
    return len(chosen) / (time.perf_counter() - t), found, len(chosen)


def seed_comparison() -> None:
    from dateparser.search import search_dates

    for path in sorted((ROOT / "seeds").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        src = sources.source_from_text(text, id=path.stem, path=str(path))
        sents = segment(src)
        anchor = anchor_for(src, sents)
        ours = []
        prev = None
        for s in sents:
            spans = timex.tag(s.text, anchor, offset=s.start, previous=prev)
            if spans:
                prev = timex.next_previous(spans)
            ours += [sp.label() + (f" ~{sp.modifier}" if sp.modifier else "") for sp in spans]
        pub = src.published
        settings = {"RELATIVE_BASE": datetime(pub.year, pub.month, pub.day)} if pub else None
        theirs = [f"{t!r} -> {d.date().isoformat()}" for t, d in (search_dates(text, languages=["en"], settings=settings) or [])]
        when = pub or (f"unknown; estimated {anchor.estimated[0]}..{anchor.estimated[1]}" if anchor.estimated else "unknown")
        print(f"\n== {path.stem} (published {when}): ours {len(ours)}, search_dates {len(theirs)}")
        w = max([len(o) for o in ours] + [20])
        print(f"{'ours':<{w}} | search_dates")
        print("-" * w + "-+-" + "-" * 40)
        for a, b in zip_longest(ours, theirs, fillvalue=""):
            print(f"{a:<{w}} | {b}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=10000, help="articles to generate (default 10000)")
    ap.add_argument("--sample", type=int, default=200, help="articles given to search_dates (default 200)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-seeds", action="store_true", help="skip the side-by-side seed listing")
    a = ap.parse_args(argv)

    t = time.perf_counter()
    docs = generate(a.n, seed=a.seed)
    kb = sum(len(x) for _, x in docs) / len(docs) / 1024
    print(f"corpus: {len(docs)} articles, mean {kb:.1f} KB, generated in {time.perf_counter() - t:.1f} s")
    print(f"segmentation: {SPLITTER}")
    rate, found = ours_rate(docs, a.runs)
    print(f"ours (load + segment + date-if-undated + tag): {rate:,.0f} articles/s (median of {a.runs} runs; {found / len(docs):.1f} expressions/article; {1000 / rate:.3f} ms/article)")
    srate, sfound, k = search_dates_rate(docs, a.sample)
    print(
        f"search_dates(text, languages=['en']): {srate:,.1f} articles/s measured on {k} of the {len(docs)} articles "
        f"(evenly spaced) and extrapolated; {sfound / k:.1f} matches/article; the whole corpus would take ~{len(docs) / srate:,.0f} s"
    )
    ratio = rate / srate
    print(f"ratio: {ratio:,.1f}x faster (target >= 20x): {'OK' if ratio >= 20 else 'BELOW TARGET'}")
    if not a.no_seeds:
        seed_comparison()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
