"""Scale-out measures (issue 9): process pool and Dask against one process, and the claim store.

    python benchmarks/bench_scale.py [--n 10000] [--jobs 2] [--store-n 10000] [--new 100] [--places N]
                                     [--store-dir DIR] [--repeat 3] [--skip-dask] [--json FILE]

1. ``--jobs 1`` (in process) against ``--jobs N`` (process pool) over ``--n`` synthetic articles
   (``benchmarks/corpus.py``): throughput and speed-up (target: >= 1.8x for 2 jobs on 2 cores).
   On a shared machine, two CPU-based projections of the idle wall clock bracket it:
   ``*_projected_idle`` (worker CPU / jobs + all driver CPU: every driver second counted in full)
   and ``*_projected_idle_overlap`` (sampled every 0.1 s: the driver's CPU while the workers run
   shares the cores with them).
2. A ``LocalCluster`` of N worker processes (1 thread each) on the same corpus: overhead against
   the pool (target: <= 20%). The reports must be byte-identical; the script checks it.
3. The claim store: ``--store-n`` articles extracted into a store (a pool of ``--jobs``), then
   ``--new`` new articles checked against it in one process (reading only what they touch),
   against a full re-check of all of them in one process (target: < 5% at 100,000 stored; it
   is met only when measured there, never by extrapolation). Both are timed in wall-clock and
   CPU seconds (``time.process_time``: on a shared machine the CPU share is the fair one); the
   incremental check is the median of ``--repeat`` runs. ``--places`` sets the corpus's number
   of places (``benchmarks/corpus.py``; default 24, i.e. 192 organisations: dense, 100 new
   articles touch most of the record; ``--places 2000``: ~16,000 organisations, closer to a
   real archive). ``--store-dir DIR`` keeps the store there and reuses it when it is already
   built with the same size and corpus (a 100,000-article store takes minutes to build).
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


def _sources(n: int, seed: int, places=None) -> list:
    kw = {} if places is None else {"places": places}
    return [sources.source_from_text(text, id=i, path=f"synthetic/{i}.txt") for i, text in generate(n, seed=seed, **kw)]


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


def _cpu_report(res: dict, name: str, wall: float, worker_cpu: float, driver_cpu: float, jobs: int,
                sampler: "_Sampler | None" = None) -> None:
    """How much CPU the run obtained (others' jobs on a shared machine show here, not in the code)
    and the speed-up it would have on an idle machine: the same CPU work, workers in parallel."""
    res[f"{name}_worker_cpu_s"] = round(worker_cpu, 2)
    res[f"{name}_driver_cpu_s"] = round(driver_cpu, 2)
    res[f"{name}_cores_obtained"] = round((worker_cpu + driver_cpu) / wall, 2)
    res[f"{name}_projected_idle_s"] = round(worker_cpu / jobs + driver_cpu, 2)
    res[f"{name}_speedup_projected_idle"] = round(res["in_process_cpu_s"] / (worker_cpu / jobs + driver_cpu), 2)
    if sampler is not None and sampler.samples > 1:
        # the other bound: the driver's CPU while the workers are busy shares the cores with them
        # instead of adding to the time (the formula above counts every driver second in full)
        res[f"{name}_projected_idle_overlap_s"] = round(sampler.projected(), 2)
        res[f"{name}_speedup_projected_idle_overlap"] = round(res["in_process_cpu_s"] / sampler.projected(), 2)


class _Sampler:
    """Samples the CPU of the driver and of the workers every ``every`` seconds during a run. On an
    idle machine with ``cores`` cores, each interval takes at least the longer of the driver's CPU
    in it (its serial part) and all of its CPU spread over the cores; the sum is a lower bound of
    the idle wall clock (``_cpu_report``'s formula is the upper one). Per worker is not taken: on
    a shared machine the workers progress unevenly from one interval to the next."""

    def __init__(self, pids, cores: int, every: float = 0.1) -> None:
        import threading

        import psutil

        self._procs = [psutil.Process(p) for p in pids]
        self._me = psutil.Process(os.getpid())
        self.cores, self.every, self.samples, self._bound = max(1, cores), every, 0, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _read(self):
        def cpu(p):
            try:
                t = p.cpu_times()
                return t.user + t.system
            except Exception:
                return 0.0

        return cpu(self._me), [cpu(p) for p in self._procs]

    def _loop(self) -> None:
        last = self._read()
        while True:
            stopping = self._stop.wait(self.every)
            now = self._read()
            d, ws = now[0] - last[0], [b - a for a, b in zip(last[1], now[1])]
            self._bound += max(d, (d + sum(ws)) / self.cores)
            self.samples += 1
            last = now
            if stopping:
                return

    def __enter__(self) -> "_Sampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def projected(self) -> float:
        return self._bound


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


def _cpu_timed(fn, *a, **kw):
    """``fn``'s result, wall seconds and CPU seconds of this process (all its threads)."""
    t, c = time.perf_counter(), time.process_time()
    out = fn(*a, **kw)
    return out, time.perf_counter() - t, time.process_time() - c


def _store_matches(d: Path, n: int, places) -> bool:
    """Whether ``d`` holds the store this run would build (same size and corpus)."""
    mark = d / "bench-corpus.json"
    if not mark.exists():
        return False
    return json.loads(mark.read_text()) == {"store_n": n, "places": places, "seed": 1}


def _bench_store(args, rs, res: dict, d: Path) -> bool:
    """Section 3: the incremental check against a store of ``--store-n`` vs a full re-check."""
    old = _sources(args.store_n, seed=1, places=args.places)
    new = _sources(args.new, seed=2, places=args.places)
    res["store_n"] = args.store_n
    res["store_corpus_places"] = args.places or 24
    if _store_matches(d, args.store_n, args.places):
        res["store_reused"] = str(d)
    else:
        if d.exists():
            if any(d.iterdir()) and not (d / "store.json").exists():
                raise SystemExit(f"--store-dir {d}: not empty and not a claim store; choose another directory")
            shutil.rmtree(d)
        with executors.ProcessPoolExecutorBackend(args.jobs) as pool:
            (_, commit), tw = _timed(api.extract_to_store, old, d, rs, executor=pool)
        res["store_build_s"] = round(tw, 2)
        (d / "bench-corpus.json").write_text(json.dumps({"store_n": args.store_n, "places": args.places, "seed": 1}))
    res["store_claims"] = sum(pq_rows(p) for p in store.files(d))
    size = sum(p.stat().st_size for p in d.rglob("*.parquet"))
    res["stored_bytes_per_claim"] = round(size / max(1, res["store_claims"]), 1)
    res["load_before_incremental"] = _load()
    runs = [_cpu_timed(api.check_against_store, new, d, rs) for _ in range(max(1, args.repeat))]
    inc = runs[0][0][0]
    ti = sorted(r[1] for r in runs)[len(runs) // 2]
    ci = sorted(r[2] for r in runs)[len(runs) // 2]
    res["incremental_s"] = round(ti, 3)
    res["incremental_cpu_s"] = round(ci, 3)
    st = api.stages(ruleset=rs)
    vk = [k for k, _ in st.passes() if isinstance(k, executors.ClaimValue)]
    new_claims = [c for c in inc.claims if c.source.startswith("synth-2-")]
    related, _, tread = _cpu_timed(store.read_related_by_id, d, new_claims, vk[0] if vk else None)
    res["store_read_cpu_s"] = round(tread, 3)
    res["stored_claims_read"] = len(related)
    res["stored_claims_read_share"] = round(len(related) / max(1, res["store_claims"]), 3)
    # the full re-check, in one process like the incremental check: extraction (with subject
    # resolution) and the engine timed apart
    res["load_before_full"] = _load()
    (srcs, claims, diags), te, ce = _cpu_timed(api.extract, old + new, rs)
    findings, tg, cg = _cpu_timed(api.run_checks, claims, rs)
    res["full_recheck_s"] = round(te + tg, 2)
    res["full_recheck_cpu_s"] = round(ce + cg, 2)
    res["full_extract_cpu_s"] = round(ce, 2)
    res["full_engine_cpu_s"] = round(cg, 2)
    res["load_after_full"] = _load()
    res["incremental_share"] = round(ci / (ce + cg), 4)  # CPU: what the code costs, whatever else runs
    res["incremental_share_wall"] = round(ti / (te + tg), 4)
    new_ids = {c.id for c in new_claims}
    want = sorted(f.id for f in findings if set(f.claims) & new_ids)
    got = sorted(f.id for f in inc.findings)
    res["incremental_matches_full"] = want == got
    res["incremental_findings"] = len(got)
    if want != got:
        res["incremental_diff"] = {"only_full": len(set(want) - set(got)), "only_incremental": len(set(got) - set(want))}
    res["store_target_measured"] = args.store_n >= 100_000  # the issue's size; smaller runs are indications
    return bool(res["incremental_matches_full"] and res["incremental_share"] < 0.05)


def pq_rows(path: str) -> int:
    import pyarrow.parquet as pq

    return pq.ParquetFile(path).metadata.num_rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=10000, help="articles for the throughput measures (default 10000)")
    ap.add_argument("--jobs", type=int, default=2, help="pool processes and Dask workers (default 2)")
    ap.add_argument("--store-n", type=int, default=10000, help="articles in the store (default 10000)")
    ap.add_argument("--new", type=int, default=100, help="new articles checked against the store (default 100)")
    ap.add_argument("--places", type=int, default=None,
                    help="places in the synthetic corpus (default: the 24 hand-written ones, 192 organisations)")
    ap.add_argument("--store-dir", metavar="DIR", help="build the store here and keep it; reuse it if it matches")
    ap.add_argument("--repeat", type=int, default=3, help="incremental checks timed (median; default 3)")
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
            with _Sampler(pids, res["cores"]) as sampled:
                pooled, tp = _timed(api.check, docs, rs, executor=pool)
            worker_cpu, driver_cpu = _cpu(pids) - w0, time.process_time() - c0
        res["pool_s"] = round(tp, 2)
        res["pool_speedup"] = round(t1 / tp, 2)
        _cpu_report(res, "pool", tp, worker_cpu, driver_cpu, args.jobs, sampled)
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
                    with _Sampler(pids, res["cores"]) as sampled:
                        dasked, td = _timed(api.check, docs, rs, executor=ex)
                    _cpu_report(res, "dask", td, _cpu(pids) - w0, time.process_time() - c0, args.jobs, sampled)
                res["dask_s"] = round(td, 2)
                res["dask_overhead_vs_pool"] = round(td / tp - 1, 3)
                res["dask_overhead_vs_pool_projected_idle"] = round(res["dask_projected_idle_s"] / res["pool_projected_idle_s"] - 1, 3)
                if "dask_projected_idle_overlap_s" in res and "pool_projected_idle_overlap_s" in res:
                    res["dask_overhead_vs_pool_projected_idle_overlap"] = round(
                        res["dask_projected_idle_overlap_s"] / res["pool_projected_idle_overlap_s"] - 1, 3)
                res["dask_identical"] = dasked.to_json() == ref
                ok &= res["dask_identical"] and res["dask_overhead_vs_pool"] <= 0.20

    # the store
    tmp = Path(tempfile.mkdtemp(prefix="bench-store-"))
    try:
        if args.skip_store:
            raise _Skip
        ok &= _bench_store(args, rs, res, Path(args.store_dir) if args.store_dir else tmp / "st")
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
