"""The HTML report at scale: write time, page size per 1,000 articles, Chromium load+render time.

    python benchmarks/bench_html.py [--n 10000] [--browser-n 1000] [--pipeline-n 1000] [--no-browser] [--keep DIR]

1. Runs the real pipeline (``api.check``) on ``--pipeline-n`` articles of ``benchmarks/corpus.py``
   (falls back to a report built from model objects if the pipeline cannot run).
2. Builds the ``--n``-article report by replicating that report (sources renamed, claims and
   findings re-pointed; subjects kept, so lanes get denser as a real corpus's would) and times
   ``formats.html.render`` on it; prints the page size per 1,000 articles.
3. Renders the ``--browser-n``-article page and loads it in headless Chromium (Debian's
   ``chromium``/``chromium-driver``) three times from ``about:blank``, timing navigation until two
   animation frames after ``load`` (parsed, styled, laid out and painted). Target: under 2 s.
Prints the machine's load average too: timings on a busy machine are not comparable.
Exit code 0 when the browser target is met (or the browser is unavailable and says why), 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Optional

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT / "scripts"))

import attrs  # noqa: E402

from consistency.formats import html as html_format  # noqa: E402
from consistency.model import Claim, Finding, Report, Source, TimeSpan  # noqa: E402

TARGET_S = 2.0


def pipeline_report(n: int, seed: int = 0) -> tuple[Report, str]:
    """The real pipeline on the synthetic corpus, or model objects when it cannot run."""
    try:
        from corpus import generate

        from consistency import api, sources

        docs = [sources.source_from_text(text, id=ident, path=f"{ident}.txt") for ident, text in generate(n, seed=seed)]
        t = time.perf_counter()
        report = api.check(docs)
        return report, f"pipeline ({time.perf_counter() - t:.1f} s for {n} articles)"
    except Exception as exc:  # the benchmark still measures the page
        return synthetic_report(n), f"model objects (pipeline unavailable: {type(exc).__name__}: {exc})"


def synthetic_report(n: int) -> Report:
    """A report built directly from model objects: ~12 claims per article over 150 subjects."""
    scale = ("inadequate", "requires improvement", "good", "outstanding")
    srcs, claims, findings = [], [], []
    for i in range(n):
        pub = date(2010, 1, 1) + timedelta(days=(i * 37) % 3650)
        text = " ".join(f"Sentence {k} of article {i} says the body was rated {scale[(i + k) % 4]} in {pub.year - k % 3}." for k in range(12))
        s = Source(id=f"a{i:05d}", path=f"a{i:05d}.txt", text=text, title=f"Article {i}", published=pub)
        srcs.append(s)
        pos = 0
        for k in range(12):
            sent = f"Sentence {k} of article {i} says the body was rated {scale[(i + k) % 4]} in {pub.year - k % 3}."
            start = text.index(sent, pos)
            pos = start + len(sent)
            y = pub.year - k % 3
            claims.append(Claim(source=s.id, subject=f"Body {(i * 7 + k) % 150}", predicate=("rating", "status", "share")[k % 3],
                                value=scale[(i + k) % 4], quote=sent, span=(start, pos),
                                time=TimeSpan(date(y, 1, 1), date(y, 12, 31), "year", text=str(y)), published=pub))
    by_block: dict[tuple[str, str], list[Claim]] = {}
    for c in claims:
        by_block.setdefault(c.block, []).append(c)
    for (subj, pred), cs in sorted(by_block.items()):
        for a, b in zip(cs, cs[1:4]):
            kind = "conflict" if a.value != b.value and a.when == b.when else "agreement"
            findings.append(Finding(rule=kind, kind=kind, severity="error" if kind == "conflict" else "info", subject=subj,
                                    predicate=pred, claims=(a.id, b.id), sources=(a.source, b.source), message=f"{kind}: {a.value} / {b.value}"))
    return Report(sources=srcs, claims=claims, findings=findings)


def replicate(report: Report, copies: int) -> Report:
    """``copies`` copies of a report with renamed sources: same subjects, denser lanes."""
    if copies <= 1:
        return report
    srcs: list[Source] = []
    claims: list[Claim] = []
    findings: list[Finding] = []
    for k in range(copies):
        suffix = f"~{k}" if k else ""
        srcs.extend(attrs.evolve(s, id=s.id + suffix, path=s.path + suffix) for s in report.sources)
        new_id: dict[str, str] = {}
        for c in report.claims:
            c2 = attrs.evolve(c, source=c.source + suffix)
            new_id[c.id] = c2.id
            claims.append(c2)
        for f in report.findings:
            findings.append(attrs.evolve(f, id="", claims=tuple(new_id.get(x, x) for x in f.claims),
                                         sources=tuple(s + suffix for s in f.sources), claim_keys=tuple(k2 + suffix for k2 in f.claim_keys)))
    return Report(sources=srcs, claims=claims, findings=findings, diagnostics=report.diagnostics)


def timed_render(report: Report) -> tuple[str, float]:
    t = time.perf_counter()
    page = html_format.render(report)
    return page, time.perf_counter() - t


def browser_load(path: Path, runs: int = 3) -> Optional[dict[str, Any]]:
    """Wall time from navigation start to two animation frames after load, in a warm browser."""
    try:
        import screenshot  # scripts/screenshot.py: the driver factory
    except ImportError as exc:
        print(f"browser: cannot import scripts/screenshot.py: {exc}")
        return None
    _, _, reason = screenshot.find_browser()
    if reason:
        print(f"browser: skipped: {reason}")
        return None
    with tempfile.TemporaryDirectory(prefix="cx-bench-chrome-") as profile:
        drv = screenshot.chrome_driver(profile, width=1200, height=900)
        drv.set_page_load_timeout(300)
        walls, navs = [], []
        try:
            for _ in range(runs):
                drv.get("about:blank")
                t = time.perf_counter()
                drv.get(path.resolve().as_uri())
                drv.execute_async_script("var cb = arguments[0]; requestAnimationFrame(function () { requestAnimationFrame(function () { cb(1); }); });")
                walls.append(time.perf_counter() - t)
                navs.append(drv.execute_script(
                    "var n = performance.getEntriesByType('navigation')[0];"
                    "return {interactive: n.domInteractive, loaded: n.loadEventEnd, nodes: document.getElementsByTagName('*').length};"))
            errors = [e for e in drv.get_log("browser") if e.get("level") == "SEVERE"]
        finally:
            drv.quit()
    return {"walls": walls, "navs": navs, "errors": errors}


def lane_stats(report: Report) -> str:
    from consistency import timeline_layout as tl

    specs = tl.lane_specs(html_format._default_ruleset())
    laid = tl.layout_report(report, specs)
    lanes = [ln for _, _, _, t in laid if t is not None for ln in t.lanes if ln.predicate]
    agg = [ln for ln in lanes if ln.aggregated]
    biggest = max((ln.total for ln in lanes), default=0)
    return (f"{len(laid)} subjects, {len(lanes)} claim lanes, {len(agg)} aggregated into bins "
            f"(largest lane {biggest} claims -> {max((len(ln.bins) for ln in agg), default=0)} bins)")


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000, help="articles in the large report (default 10000)")
    ap.add_argument("--browser-n", type=int, default=1_000, help="articles in the page loaded in Chromium (default 1000)")
    ap.add_argument("--pipeline-n", type=int, default=1_000, help="articles run through the real pipeline (default 1000)")
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--keep", default=None, help="keep the pages in this directory")
    args = ap.parse_args(argv)

    base, how = pipeline_report(args.pipeline_n)
    print(f"base report: {len(base.sources)} sources, {len(base.claims)} claims, {len(base.findings)} findings, from {how}")
    out_dir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="cx-bench-html-"))
    out_dir.mkdir(parents=True, exist_ok=True)

    big = replicate(base, max(1, round(args.n / max(len(base.sources), 1))))
    page, secs = timed_render(big)
    size = len(page.encode("utf-8"))
    print(f"{len(big.sources)} articles ({len(big.claims)} claims, {len(big.findings)} findings): "
          f"page written in {secs:.2f} s, {size / 1e6:.1f} MB = {size / 1e6 / (len(big.sources) / 1000):.2f} MB per 1,000 articles")
    print(f"  layout: {lane_stats(big)}")
    (out_dir / f"report-{len(big.sources)}.html").write_text(page, encoding="utf-8")
    del page

    small = base if len(base.sources) >= args.browser_n else replicate(base, -(-args.browser_n // max(len(base.sources), 1)))
    if len(small.sources) > args.browser_n:
        keep = {s.id for s in small.sources[: args.browser_n]}
        kept = [c for c in small.claims if c.source in keep]
        ids = {c.id for c in kept}
        small = Report(sources=[s for s in small.sources if s.id in keep], claims=kept,
                       findings=[f for f in small.findings if set(f.claims) <= ids])
    page, secs = timed_render(small)
    size = len(page.encode("utf-8"))
    path = out_dir / f"report-{len(small.sources)}.html"
    path.write_text(page, encoding="utf-8")
    print(f"{len(small.sources)} articles ({len(small.claims)} claims, {len(small.findings)} findings): "
          f"page written in {secs:.2f} s, {size / 1e6:.1f} MB")
    print(f"  layout: {lane_stats(small)}")
    print(f"pages in {out_dir}")
    try:
        print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    except OSError:
        pass
    if args.no_browser:
        return 0
    res = browser_load(path)
    if res is None:
        return 0
    walls = res["walls"]
    nav = res["navs"][walls.index(min(walls))]
    best = min(walls)
    print(f"Chromium load+render of the {len(small.sources)}-article page: best {best:.2f} s, median {statistics.median(walls):.2f} s "
          f"(runs: {', '.join(f'{w:.2f}' for w in walls)}; DOM interactive {nav['interactive'] / 1000:.2f} s, "
          f"load {nav['loaded'] / 1000:.2f} s, {nav['nodes']} elements); target < {TARGET_S:.0f} s: "
          f"{'met' if best < TARGET_S else 'NOT met'}")
    if res["errors"]:
        print(f"console errors: {res['errors'][:3]}")
        return 1
    return 0 if best < TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
