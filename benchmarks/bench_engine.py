"""The rule engine alone on synthetic claims: time and peak memory as the corpus grows.

    python benchmarks/bench_engine.py [--sizes 10000,100000,1000000] [--subjects 10000] [--runs 3]

Generates claims deterministically (seeded): ``--subjects`` organisations, each with a rating
history, a lifecycle, figures, interventions and people with roles, in a few hundred sources
over 2010-2020, with plans, predictions, denials and undated claims mixed in. Each size runs in
its own child process (one core, so peak memory is per size): the claims are generated first (not
timed), then ``engine.run`` is timed ``--runs`` times (1 for sizes of a million or more unless
``--runs-large`` says otherwise) and the median printed with the process's peak RSS and the RSS
before the engine started. Growth ratio = (time ratio) / (size ratio) against the previous size:
1.0 is linear. Targets: 1,000,000 claims in under 30 s, peak under 2 GB, near-linear growth.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Dict, List, Tuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from consistency import engine  # noqa: E402
from consistency.model import Claim, TimeSpan  # noqa: E402
from consistency.rulepack import Attribute, RulePack, RuleSet  # noqa: E402

RATINGS = ("inadequate", "requires improvement", "good", "outstanding")
STATES = ("planned", "set up", "operational", "handed over", "shelved", "revived")
EVENTS = ("warning notice", "commissioner", "special measures")
TITLES = ("director", "chief executive", "deputy leader", "chair")


def ruleset() -> RuleSet:
    attrs_ = (
        Attribute(name="rating", type="ordinal", label="rating", values=RATINGS),
        Attribute(
            name="status",
            type="lifecycle",
            label="status",
            values=STATES,
            transitions=(
                ("planned", "set up"), ("planned", "operational"), ("planned", "shelved"), ("set up", "operational"),
                ("set up", "shelved"), ("operational", "handed over"), ("operational", "shelved"),
                ("shelved", "revived"), ("shelved", "planned"), ("revived", "set up"), ("revived", "planned"),
                ("revived", "operational"), ("revived", "handed over"), ("set up", "handed over"),
            ),
            state_roles=(("planned", "plan"), ("set up", "start"), ("operational", "realised"),
                         ("handed over", "realised"), ("shelved", "reversed"), ("revived", "revived")),
        ),
        Attribute(name="share", type="quantity", label="share", unit="%", tolerance=1.0, hedge_tolerance=5.0),
        Attribute(name="intervention", type="event", label="intervention", values=EVENTS, single_valued=True),
        Attribute(name="role", type="role", label="role", single_valued=False),
    )
    return RuleSet(packs=(RulePack(name="bench", path="<bench>", attributes=attrs_),))


def generate(n: int, subjects: int, seed: int = 0) -> List[Claim]:
    """``n`` claims over ``subjects`` organisations (plus their people), deterministic in ``seed``."""
    rnd = random.Random(seed)
    spans: Dict[Tuple[int, int], TimeSpan] = {}

    def when(year: int, month: int) -> TimeSpan:
        key = (year, month)
        t = spans.get(key)
        if t is None:
            if month == 0:
                t = TimeSpan(date(year, 1, 1), date(year, 12, 31), "year", text=str(year))
            else:
                t = TimeSpan(date(year, month, 1), date(year, month, 28), "month", text=f"{year}-{month:02d}")
            spans[key] = t
        return t

    pub: Dict[int, date] = {}
    out: List[Claim] = []
    sources = max(50, n // 20)
    for i in range(n):
        k = rnd.randrange(subjects)
        org = f"Council {k:05d}"
        src = rnd.randrange(sources)
        year = 2010 + (src * 7 + k) % 11
        p = pub.get(src)
        if p is None:
            p = pub[src] = date(2010 + src % 11, 1 + src % 12, 1 + src % 28)
        r = rnd.random()
        modality = "fact"
        unit = qualifier = direction = None
        if r < 0.35:
            pred, subject = "rating", org
            step = (year - 2010) // 3 + k
            value: object = RATINGS[step % 4]
            direction = ("up", "down", "again", None, None, None)[rnd.randrange(6)]
            if rnd.random() < 0.05:
                modality = "prediction"
        elif r < 0.55:
            pred, subject = "status", f"{org}: trust"
            value = STATES[min(5, (year - 2010) // 2)]
            if rnd.random() < 0.15:
                modality = "plan"
        elif r < 0.75:
            pred, subject = "share", f"{org}: agency staff"
            value = 30 + (k % 20) + rnd.randrange(3)
            unit = "%"
            qualifier = "about" if rnd.random() < 0.2 else None
        elif r < 0.87:
            pred, subject = "intervention", org
            value = EVENTS[k % 3]
            year = 2012 + k % 5 + (rnd.random() < 0.1)
        else:
            pred = "role"
            subject = f"Person {k:05d}-{rnd.randrange(3)}"
            value = f"{TITLES[k % 4]}, {org}"
        if rnd.random() < 0.03:
            modality = "negated"
        month = rnd.randrange(13) if rnd.random() < 0.5 else 0
        undated = rnd.random() < 0.05
        quote = f"{subject} {pred} {value} ({i})"
        out.append(
            Claim(
                source=f"src{src:06d}",
                subject=subject,
                predicate=pred,
                value=value,  # type: ignore[arg-type]
                quote=quote,
                span=(i, i + len(quote)),
                time=None if undated else when(year, month),
                time_basis="none" if undated else "stated",
                modality=modality,
                unit=unit,
                qualifier=qualifier,
                direction=direction,
                published=p,
            )
        )
    return out


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB


def measure(n: int, subjects: int, runs: int) -> dict:
    rs = ruleset()
    t0 = time.perf_counter()
    claims = generate(n, subjects)
    gen = time.perf_counter() - t0
    before = _rss_mb()
    times = []
    cpu = []
    findings = 0
    for _ in range(runs):
        t = time.perf_counter()
        c = time.process_time()
        out = engine.run(claims, rs)
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
        findings = len(out)
        del out
    return {
        "claims": n,
        "subjects": subjects,
        "runs": runs,
        "median_s": statistics.median(times),
        "times_s": times,
        "median_cpu_s": statistics.median(cpu),
        "findings": findings,
        "generate_s": gen,
        "rss_before_mb": before,
        "peak_rss_mb": _rss_mb(),
    }


def main(argv: List[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--subjects", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--runs-large", type=int, default=1, help="runs for sizes >= 1,000,000")
    ap.add_argument("--child", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        runs = args.runs if args.child < 1_000_000 else args.runs_large
        print(json.dumps(measure(args.child, args.subjects, runs)))
        return 0
    rows = []
    for n in (int(s) for s in args.sizes.split(",")):
        cmd = [sys.executable, __file__, "--child", str(n), "--subjects", str(args.subjects), "--runs", str(args.runs),
               "--runs-large", str(args.runs_large)]
        env = dict(os.environ, OMP_NUM_THREADS="1")
        res = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
        if res.returncode != 0:
            print(res.stderr, file=sys.stderr)
            return res.returncode
        rows.append(json.loads(res.stdout))
    print(f"{'claims':>10} {'runs':>4} {'median s':>9} {'cpu s':>7} {'claims/s':>10} {'findings':>9} {'rss before':>11} {'peak rss':>9} {'growth':>7} {'gen s':>6}")
    prev = None
    ok = True
    for r in rows:
        growth = ""
        if prev is not None:
            growth = f"{(r['median_cpu_s'] / prev['median_cpu_s']) / (r['claims'] / prev['claims']):.2f}"
        print(
            f"{r['claims']:>10,} {r['runs']:>4} {r['median_s']:>9.2f} {r['median_cpu_s']:>7.2f}"
            f" {r['claims'] / r['median_cpu_s']:>10,.0f} {r['findings']:>9,}"
            f" {r['rss_before_mb']:>9.0f}MB {r['peak_rss_mb']:>7.0f}MB {growth:>7} {r['generate_s']:>6.1f}"
        )
        if r["claims"] >= 1_000_000 and (r["median_cpu_s"] >= 30 or r["peak_rss_mb"] >= 2048):
            ok = False
        prev = r
    print("median s: wall clock; cpu s: this process's CPU time, the one-core figure (wall exceeds it only when")
    print("other processes compete for the cores); claims/s from cpu s; gen s: generating the claims (not timed)")
    print("growth: cpu time ratio / size ratio against the previous size (1.00 = linear)")
    print("target (1,000,000 claims: < 30 s of one core, peak < 2 GB):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
