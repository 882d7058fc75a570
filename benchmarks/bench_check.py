"""``consistency check`` on the synthetic corpus: cold (empty claims cache), warm, and one file changed.

    python benchmarks/bench_check.py [--n 10000] [--seed 0] [--format json] [--in-process] [--keep DIR]

Writes ``benchmarks/corpus.py``'s ``generate(n, seed)`` articles to a temporary directory, then
runs the gate as a user would (``python -m consistency check DIR --cache-dir C``; with
``--in-process``, through :func:`consistency.cli.main` in this process): with an empty cache
(cold); again unchanged (warm: the run's report is reused, nothing is parsed or extracted); warm
with only the per-document claims cache (every article parsed, none extracted, all checks
re-run); after editing one article (one re-extraction); and with ``--no-cache``. Prints wall and
CPU times (CPU is steadier on a shared machine), the speed-ups (target: warm at least 20x faster
than cold) and whether every output is byte-identical to the cold one. Exit 0 when the target is met.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import generate  # noqa: E402

TARGET = 20.0


def _write_corpus(n: int, seed: int, where: Path) -> Path:
    docs = where / "docs"
    docs.mkdir(parents=True)
    for ident, text in generate(n, seed=seed):
        (docs / f"{ident}.txt").write_text(text, encoding="utf-8")
    return docs


def _cpu(in_process: bool) -> float:
    who = resource.RUSAGE_SELF if in_process else resource.RUSAGE_CHILDREN
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime


class Timing:
    def __init__(self, wall: float, cpu: float) -> None:
        self.wall, self.cpu = wall, cpu

    def __str__(self) -> str:
        return f"{self.wall:8.2f} s wall, {self.cpu:8.2f} s CPU"


def _run(argv: list[str], in_process: bool) -> tuple[Timing, int, str]:
    t0 = time.perf_counter()
    c0 = _cpu(in_process)
    if in_process:
        from consistency import cli

        out, err = io.StringIO(), io.StringIO()
        code = cli.main(argv, stdout=out, stderr=err)
        stderr = err.getvalue()
    else:
        env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
        r = subprocess.run([sys.executable, "-m", "consistency", *argv], capture_output=True, text=True, env=env)
        code, stderr = r.returncode, r.stderr
    return Timing(time.perf_counter() - t0, _cpu(in_process) - c0), code, stderr


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10_000, help="articles (default 10000)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--format", default="json", help="output format rendered each run (default json)")
    ap.add_argument("--in-process", action="store_true", help="call cli.main here instead of a subprocess")
    ap.add_argument("--no-reference", action="store_true", help="skip the --no-cache reference run")
    ap.add_argument("--keep", metavar="DIR", help="work in DIR and keep it (default: a temporary directory)")
    args = ap.parse_args()

    where = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-check-"))
    if args.keep and where.exists():
        shutil.rmtree(where)
    where.mkdir(parents=True, exist_ok=True)
    try:
        t0 = time.perf_counter()
        docs = _write_corpus(args.n, args.seed, where)
        size = sum(p.stat().st_size for p in docs.iterdir())
        print(f"corpus: {args.n} articles, {size / 1e6:.1f} MB, written in {time.perf_counter() - t0:.1f} s")
        cache = where / "cache"
        out = where / f"out.{args.format}"
        base = ["check", str(docs), "--format", args.format, "-o", str(out), "--fail-on", "error",
                "--cache-dir", str(cache)]
        mode = "in process" if args.in_process else "subprocess: python -m consistency"
        print(f"mode: {mode}")

        cold, code, err = _run(base, args.in_process)
        if code not in (0, 1):
            print(f"check failed (exit {code}):\n{err}", file=sys.stderr)
            return 2
        cached = (cache / "claims.sqlite3").stat().st_size if (cache / "claims.sqlite3").exists() else 0
        first = out.read_bytes()
        print(f"cold (empty cache):      {cold}  ({args.n / cold.wall:,.0f} articles/s), exit {code}, "
              f"cache {cached / 1e6:.1f} MB")

        warm, code, _ = _run(base, args.in_process)
        same = out.read_bytes() == first
        print(f"warm (unchanged):        {warm}  exit {code}, output identical to cold: {same}")

        docs_cache = where / "cache-docs-only"
        shutil.copytree(cache, docs_cache)
        import sqlite3

        with sqlite3.connect(docs_cache / "claims.sqlite3") as db:
            db.execute("DELETE FROM runs")
        per_doc, code, _ = _run([*base[:-1], str(docs_cache)], args.in_process)
        same_doc = out.read_bytes() == first
        print(f"warm, per-document only: {per_doc}  exit {code}, output identical to cold: {same_doc} "
              "(the run's report dropped from the cache: parse, resolve and check again)")

        victim = sorted(docs.iterdir())[len(list(docs.iterdir())) // 2]
        victim.write_text(victim.read_text(encoding="utf-8") + "\nThe council said more work was needed.\n",
                          encoding="utf-8")
        one, code, _ = _run(base, args.in_process)
        print(f"one file changed:        {one}  exit {code}")

        if not args.no_reference:
            ref, code, _ = _run([*base[:-2], "--no-cache"], args.in_process)
            print(f"--no-cache:              {ref}  exit {code}")

        ok = same and same_doc
        for label, t in (("warm", warm), ("warm, per-document only", per_doc)):
            wall, cpu = cold.wall / t.wall, cold.cpu / max(t.cpu, 1e-9)
            print(f"{label} speed-up: {wall:.1f}x wall, {cpu:.1f}x CPU (target >= {TARGET:.0f}x)")
        ok = ok and cold.wall / warm.wall >= TARGET
        print(f"target {'met' if ok else 'NOT met'} (warm wall-clock speed-up, identical output)")
        return 0 if ok else 1
    finally:
        if not args.keep:
            shutil.rmtree(where, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
