"""Run every benchmark with one command and print a summary table of their medians and ratios.

    python benchmarks/run_all.py            # --quick (default): small corpora, a few minutes
    python benchmarks/run_all.py --full     # the issue-sized corpora (10,000 articles; 1M claims)
    python benchmarks/run_all.py --only extract,timex [--show]

Each ``bench_*.py`` runs in its own process (one at a time, so they do not compete for cores);
its key figures are picked out of its output. ``--show`` also prints each script's full output.
Exit status: 0 when every script ran, 1 when one crashed or timed out. A script exits 1 when
one of its targets (the issues', see each script's docstring) is not met: the table says so, and
that still counts as run.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Dict, List, Tuple

HERE = Path(__file__).resolve().parent

#: name -> (quick arguments, full arguments)
ARGS: Dict[str, Tuple[List[str], List[str]]] = {
    "timex": (["--n", "500", "--sample", "20", "--no-seeds"], ["--n", "10000"]),
    "extract": (["300"], ["10000"]),
    "engine": (["--sizes", "10000,30000", "--subjects", "1000"], []),
    "check": (["--n", "300", "--no-reference"], ["--n", "10000"]),
    "html": (["--n", "1000", "--pipeline-n", "200", "--browser-n", "200", "--no-browser"], []),
    "scale": (["--n", "600", "--store-n", "600", "--new", "20", "--skip-dask"], []),
    "resolve": (["--sizes", "500,5000", "--old-max", "500", "--repeat", "1"], ["--sizes", "2000,20000,200000"]),
}


def _grab(patterns: List[Tuple[str, str]]) -> Callable[[str], List[Tuple[str, str]]]:
    """A picker: for each (label, regex) the first match in the output (group 1, or the whole line)."""
    def pick(out: str) -> List[Tuple[str, str]]:
        rows = []
        for label, rx in patterns:
            m = re.search(rx, out, re.M)
            if m:
                rows.append((label, (m.group(1) if m.groups() else m.group(0)).strip()))
        return rows
    return pick


PICK: Dict[str, Callable[[str], List[Tuple[str, str]]]] = {
    "timex": _grab([
        ("load+segment+tag", r"ours \(load[^:]*\): ([\d,.]+ articles/s)"),
        ("search_dates", r"search_dates[^:\n]*: ([\d,.]+ articles/s)"),
        ("ratio (target >= 20x)", r"ratio: ([\d,.]+x)"),
    ]),
    "extract": lambda out: _grab([
        ("pipeline to claims", r"pipeline to claims: (\d+ articles/s per core)"),
        ("runs", r"runs: ([\d, ]+)\)"),
        ("top cost", r"top 3 costs[^\n]*\n\s*(.*)$"),
    ])(out) + [("target >= 300/s per core", "met" if int(m.group(1)) >= 300 else "NOT met")
               for m in [re.search(r"pipeline to claims: (\d+)", out)] if m],
    "engine": lambda out: [
        (f"{m.group(1)} claims", f"median {m.group(2)} s, cpu {m.group(3)} s, {m.group(4)} claims/s, peak {m.group(5)}"
         + (f", growth {m.group(6)}" if m.group(6) else ""))
        for m in re.finditer(r"^\s*([\d,]+)\s+\d+\s+([\d.]+)\s+([\d.]+)\s+([\d,]+)\s+[\d,]+\s+\S+\s+(\S+)\s+(?:([\d.]+)\s+)?[\d.]+\s*$",
                             out, re.M)
    ] + _grab([("target (1M claims < 30 s, < 2 GB)", r"^target.*:\s*(met|NOT met)\s*$")])(out),
    "check": _grab([
        ("cold", r"^cold \(empty cache\):\s+(.*?),? exit"),
        ("warm", r"^warm \(unchanged\):\s+(.*?)\s+exit"),
        ("warm, per-document cache", r"^warm, per-document only:\s+(.*?)\s+exit"),
        ("warm speed-up", r"^warm speed-up: (.*)$"),
        ("target", r"^target (met|NOT met)"),
    ]),
    "html": _grab([
        ("base report", r"^base report: (.*)$"),
        ("large report", r"^\d+ articles \([^)]*\): (.*)$"),
        ("browser", r"^(?:Chromium load\+render[^\n]*|browser: [^\n]*)$"),
    ]),
    "scale": _grab([
        ("pool speed-up (target >= 1.8x)", r"^pool_speedup\s+(\S+)"),
        ("pool output identical", r"^pool_identical\s+(\S+)"),
        ("dask overhead (target <= 20%)", r"^dask_overhead\s+(\S+)"),
        ("incremental share (target < 5%)", r"^incremental_share\s+(\S+)"),
        ("same findings as full re-check", r"^incremental_matches_full\s+(\S+)"),
        ("targets met", r"^targets_met\s+(\S+)"),
    ]),
    "resolve": lambda out: [
        (f"{m.group(1)} distinct names", f"{m.group(2)} s CPU (pairwise: {m.group(3)} s), {m.group(4)}")
        for m in re.finditer(r"^\s*(\d+)\s+\d+\s+([\d.]+)\s+(~?[\d.]+)(?: \(n\^2\))?\s+(\S+x)\s+\d+\s*$", out, re.M)
    ],
}


def run(name: str, args: List[str], timeout: float) -> Tuple[int, float, str]:
    cmd = [sys.executable, str(HERE / f"bench_{name}.py"), *args]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(HERE.parent), os.environ.get("PYTHONPATH", "")]))
    t0 = time.perf_counter()
    try:
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=str(HERE.parent), env=env)
        code, out = res.returncode, res.stdout + ("\n" + res.stderr if res.returncode else "")
    except subprocess.TimeoutExpired as exc:
        code, out = -1, f"timed out after {timeout:.0f} s\n{exc.stdout or ''}"
    return code, time.perf_counter() - t0, out if isinstance(out, str) else out.decode()


def main(argv: List[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    size = ap.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="small corpora (the default)")
    size.add_argument("--full", action="store_true", help="the issue-sized corpora (takes long)")
    ap.add_argument("--only", default="", help=f"comma-separated subset of: {','.join(ARGS)}")
    ap.add_argument("--show", action="store_true", help="print each script's full output too")
    ap.add_argument("--timeout", type=float, default=0, help="seconds per script (default 900 quick, 7200 full)")
    a = ap.parse_args(argv)
    names = [n.strip() for n in a.only.split(",") if n.strip()] or list(ARGS)
    unknown = [n for n in names if n not in ARGS]
    if unknown:
        ap.error(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(ARGS)}")
    timeout = a.timeout or (7200 if a.full else 900)
    mode = "full" if a.full else "quick"
    print(f"benchmarks ({mode}) on {os.cpu_count()} CPUs, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    table: List[Tuple[str, str, str]] = []
    failed = []
    for name in names:
        args = ARGS[name][1 if a.full else 0]
        print(f"-- bench_{name}.py {' '.join(args)}", flush=True)
        code, wall, out = run(name, args, timeout)
        if a.show or code < 0 or "Traceback (most recent call last)" in out:
            print(out.rstrip())
        crashed = code < 0 or "Traceback (most recent call last)" in out
        rows = [] if crashed else PICK[name](out)
        # the scripts exit 1 when a target is not met: that is a result, not a failure to run
        status = "ok" if code == 0 else f"FAILED (exit {code})" if crashed or not rows else f"ran (exit {code}: a target not met)"
        if crashed or (code != 0 and not rows):
            failed.append(name)
        table.append((name, "status", f"{status}, {wall:.0f} s"))
        table.extend((name, k, v) for k, v in rows)
    w1 = max(len(r[0]) for r in table)
    w2 = max(len(r[1]) for r in table)
    print()
    print(f"{'bench':<{w1}}  {'measure':<{w2}}  value")
    print(f"{'-' * w1}  {'-' * w2}  {'-' * 40}")
    last = None
    for bench, k, v in table:
        print(f"{bench if bench != last else '':<{w1}}  {k:<{w2}}  {v}")
        last = bench
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
