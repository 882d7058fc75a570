"""Scale-out measures (issue 9): process pool and Dask against one process, and the claim store.

    python benchmarks/bench_scale.py [--n 10000] [--jobs 2] [--store-n 10000] [--new 100] [--skip-dask] [--json FILE]

1. ``--jobs 1`` (in process) against ``--jobs N`` (process pool) over ``--n`` synthetic articles
   (``benchmarks/corpus.py``): throughput and speed-up (target: >= 1.8x for 2 jobs on 2 cores).
2. A ``LocalCluster`` of N worker processes (1 thread each) on the same corpus: overhead against
   the pool (target: <= 20%). The reports must be byte-identical; the script checks it.
3. The claim store: ``--store-n`` articles extracted into a store, then ``--new`` new articles
   checked against it (reading only what they touch) against a full re-check of all of them
   (target: < 5%). The full re-check's time is measured at ``--store-n``; at larger stores it
   scales linearly (every article is re-extracted), while the incremental check grows only with
   the store's index reads; both are printed.
4. Costs for docs/scaling.md: ms per article and per claim (extraction, engine), bytes per claim
   shuffled (pickled, as Dask ships them) and stored (Parquet, zstd).

Every figure depends on the machine and on what else runs on it: the load average is printed
with the results.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import generate  # noqa: E402

from consistency import api, engine, executors, sources, store  # noqa: E402


def _sources(n: int, seed: int) -> list:
    return [sources.source_from_text(text, id=i, path=f"synthetic/{i}.txt") for i, text in generate(n, seed=seed)]


def _cpu(pids) -> float:
    """CPU seconds used so far by the processes ``pids`` (psutil, installed with the dask extra)."""
    try:
        import psutil
    except ImportError:  # pragma: no cover
        return float("nan")
    total = 0.0
    for p in pids:
        try:
            t = psutil.Process(p).cpu_times()
            total += t.user + t.system
        except psutil.Error:
            pass
    return total


def _cpu_report(res: dict, name: str, wall: float, worker_cpu: float, driver_cpu: float, jobs: int) -> None:
    """How much CPU the run obtained (others' jobs on a shared machine show here, not in the code)
    and the speed-up it would have on an idle machine: the same CPU work, workers in parallel."""
    res[f"{name}_worker_cpu_s"] = round(worker_cpu, 2)
    res[f"{name}_driver_cpu_s"] = round(driver_cpu, 2)
    res[f"{name}_cores_obtained"] = round((worker_cpu + driver_cpu) / wall, 2)
    res[f"{name}_projected_idle_s"] = round(worker_cpu / jobs + driver_cpu, 2)
    res[f"{name}_speedup_projected_idle"] = round(res["in_process_cpu_s"] / (worker_cpu / jobs + driver_cpu), 2)


class _Skip(Exception):
    pass


def _timed(fn, *a, **kw):
    t = time.perf_counter()
    out = fn(*a, **kw)
    return out, time.perf_counter() - t


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover
        return "?"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=10000, help="articles for the throughput measures (default 10000)")
    ap.add_argument("--jobs", type=int, default=2, help="pool processes and Dask workers (default 2)")
    ap.add_argument("--store-n", type=int, default=10000, help="articles in the store (default 10000)")
    ap.add_argument("--new", type=int, default=100, help="new articles checked against the store (default 100)")
    ap.add_argument("--skip-dask", action="store_true")
    ap.add_argument("--skip-throughput", action="store_true")
    ap.add_argument("--skip-store", action="store_true")
    ap.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = ap.parse_args(argv)

    rs = api.load_rules()
    res: dict = {"cores": executors.available_cores(), "load_before": _load(), "jobs": args.jobs}
    ok = True

    if not args.skip_throughput:
        docs = _sources(args.n, seed=0)
        c0 = time.process_time()
        one, t1 = _timed(api.check, docs, rs)
        res["in_process_cpu_s"] = round(time.process_time() - c0, 2)
        res["n"] = args.n
        res["claims"] = len(one.claims)
        res["findings"] = len(one.findings)
        res["in_process_s"] = round(t1, 2)
        ref = one.to_json()
        with executors.ProcessPoolExecutorBackend(args.jobs) as pool:
            # workers up, the package imported, lazy caches filled: start-up is not throughput
            pool.start(sample=(api.extract_one, docs[0], rs))
            pids = list(pool._pool._processes) if pool._pool is not None else []  # type: ignore[attr-defined]
            w0, c0 = _cpu(pids), time.process_time()
            pooled, tp = _timed(api.check, docs, rs, executor=pool)
            worker_cpu, driver_cpu = _cpu(pids) - w0, time.process_time() - c0
        res["pool_s"] = round(tp, 2)
        res["pool_speedup"] = round(t1 / tp, 2)
        _cpu_report(res, "pool", tp, worker_cpu, driver_cpu, args.jobs)
        res["pool_identical"] = pooled.to_json() == ref
        ok &= res["pool_identical"] and res["pool_speedup"] >= 1.8
        # costs: extraction per article, engine per claim, bytes per claim
        sample = docs[: min(500, len(docs))]
        _, te = _timed(lambda: [api.extract_one(s, rs) for s in sample])
        res["extract_ms_per_article"] = round(1000 * te / len(sample), 2)
        _, tg = _timed(engine.run, list(one.claims), rs)
        res["engine_us_per_claim"] = round(1e6 * tg / max(1, len(one.claims)), 1)
        res["claims_per_article"] = round(len(one.claims) / args.n, 2)
        pickled = len(pickle.dumps(list(one.claims), protocol=pickle.HIGHEST_PROTOCOL))
        res["pickled_bytes_per_claim"] = round(pickled / max(1, len(one.claims)), 1)
        st = api.stages(ruleset=rs)
        value_key = [k for k, _ in st.passes() if isinstance(k, executors.ClaimValue)]
        share = (sum(1 for c in one.claims if value_key[0](c) is not None) / max(1, len(one.claims))) if value_key else 0.0
        res["value_pass_share"] = round(share, 4)
        # per million claims: the subject pass ships every claim once, the value pass its share
        res["shuffle_mb_per_million_claims"] = round(pickled / max(1, len(one.claims)) * (1 + share), 1)
        if not args.skip_dask:
            try:
                ex = executors.DaskExecutor("local", workers=args.jobs)
            except executors.ExecutorError as exc:
                res["dask"] = str(exc)
            else:
                with ex:
                    ex.client.run(executors._warm, ("consistency.api",), (api.extract_one, docs[0], rs))
                    pids = list(ex.client.run(os.getpid).values())
                    w0, c0 = _cpu(pids), time.process_time()
                    dasked, td = _timed(api.check, docs, rs, executor=ex)
                    _cpu_report(res, "dask", td, _cpu(pids) - w0, time.process_time() - c0, args.jobs)
                res["dask_s"] = round(td, 2)
                res["dask_overhead_vs_pool"] = round(td / tp - 1, 3)
                res["dask_overhead_vs_pool_projected_idle"] = round(res["dask_projected_idle_s"] / res["pool_projected_idle_s"] - 1, 3)
                res["dask_identical"] = dasked.to_json() == ref
                ok &= res["dask_identical"] and res["dask_overhead_vs_pool"] <= 0.20

    # the store
    tmp = Path(tempfile.mkdtemp(prefix="bench-store-"))
    try:
        if args.skip_store:
            raise _Skip
        old = _sources(args.store_n, seed=1)
        new = _sources(args.new, seed=2)
        with executors.ProcessPoolExecutorBackend(args.jobs) as pool:
            (_, commit), tw = _timed(api.extract_to_store, old, tmp / "st", rs, executor=pool)
        res["store_n"] = args.store_n
        res["store_build_s"] = round(tw, 2)
        res["store_claims"] = commit.claims if commit else 0
        size = sum(p.stat().st_size for p in (tmp / "st").rglob("*.parquet"))
        res["stored_bytes_per_claim"] = round(size / max(1, res["store_claims"]), 1)
        (inc, _), ti = _timed(api.check_against_store, new, tmp / "st", rs)
        res["incremental_s"] = round(ti, 3)
        _, tread = _timed(store.read_related, tmp / "st", list(inc.claims))
        res["store_read_s"] = round(tread, 3)
        full, tf = _timed(api.check, old + new, rs)
        res["full_recheck_s"] = round(tf, 2)
        res["incremental_share"] = round(ti / tf, 4)
        new_ids = {c.id for c in inc.claims if c.source.startswith("synth-2-")}
        want = sorted(f.id for f in full.findings if set(f.claims) & new_ids)
        got = sorted(f.id for f in inc.findings)
        res["incremental_matches_full"] = want == got
        res["incremental_findings"] = len(got)
        if want != got:
            res["incremental_diff"] = {"only_full": len(set(want) - set(got)), "only_incremental": len(set(got) - set(want))}
        # extrapolate to a 100,000-article store: the full re-check scales with articles; the
        # incremental check's store part with the files it reads (one bucket per subject)
        per_article = tf / (args.store_n + args.new)
        res["full_recheck_s_at_100k"] = round(per_article * 100_100, 1)
        inc_fixed = ti - tread
        res["incremental_s_at_100k_upper"] = round(inc_fixed + tread * 100_000 / args.store_n, 2)
        res["incremental_share_at_100k_upper"] = round(res["incremental_s_at_100k_upper"] / res["full_recheck_s_at_100k"], 4)
        ok &= res["incremental_share"] < 0.05
    except _Skip:
        pass
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    res["load_after"] = _load()
    res["targets_met"] = bool(ok)
    width = max(len(k) for k in res)
    for k, v in res.items():
        print(f"{k:<{width}}  {v}")
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
