"""Subject resolution planning (issue 9): ``canon_map`` over many distinct organisation names.

    python benchmarks/bench_resolve.py [--sizes 2000,20000,200000] [--old-max 2000]
                                       [--repeat 3] [--old-repeat 1]

Times the blocked planner (``consistency.extract.resolve.canon_map``) on synthetic distinct names
(invented places, some misspelt, times kinds of public body; generic first words such as "The",
"Royal", "University") and the old pairwise greedy (kept in ``tests/test_resolve_blocking.py`` as
the oracle) up to ``--old-max`` names; beyond that the old time is extrapolated as c * n^2 from
the largest measured size. Where both run, the script checks that the mappings are identical.
Figures are CPU seconds (the machine may be shared), medians of ``--repeat`` runs (``--old-repeat``
for the old planner: 25 s a run at 2,000 names), and the process's peak memory so far.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Callable, Dict, Tuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from consistency.extract.resolve import canon_map  # noqa: E402
from test_resolve_blocking import _old_canon_map  # noqa: E402

SYLLABLES = ("ab an ash bar bel ber bor bourne brad bridge brook burn bury by caster chester cliff "
             "combe cot dale den don dun ell field fold ford gate grave ham hamp hurst ing kirk "
             "lan ley low mar mere mil minster mor moss nor ock pool port stan stead stock stow "
             "sut thorn ton tree wal well wick win wold wood worth").split()
KINDS = ["County Council", "Borough Council", "City Council", "District Council", "Council",
         "NHS Foundation Trust", "Hospital", "Police", "Constabulary", "Fire and Rescue Service",
         "Prison", "Academy", "Clinical Commissioning Group", "Council Children's Services",
         "Safeguarding Children Board", "College", "Primary School", "Youth Offending Team"]


def _typo(rng: random.Random, w: str) -> str:
    i = rng.randrange(1, len(w))
    op = rng.choice("dsti")
    if op == "d":
        return w[:i] + w[i + 1:]
    if op == "s":
        return w[:i] + rng.choice("aeiourstn") + w[i + 1:]
    if op == "t" and i + 1 < len(w):
        return w[:i] + w[i + 1] + w[i] + w[i + 2:]
    return w[:i] + rng.choice("aeiourstn") + w[i:]


def synthetic_names(n: int, seed: int = 1) -> Dict[str, int]:
    """n distinct organisation names with counts (a long tail, as in an archive)."""
    rng = random.Random(seed)
    out: Dict[str, int] = {}
    while len(out) < n:
        place = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 2, 2, 3, 3, 4)))).capitalize()
        if rng.random() < 0.08:
            place = _typo(rng, place)
        r = rng.random()
        if r < 0.08:
            nm = place
        elif r < 0.12:
            nm = f"The {place} {rng.choice(KINDS)}"
        elif r < 0.15:
            nm = f"Royal {place} Hospital"
        elif r < 0.18:
            nm = f"University of {place}"
        else:
            nm = f"{place} {rng.choice(KINDS)}"
        out[nm] = out.get(nm, 0) + max(1, int(rng.paretovariate(1.2)))
    return out


def _cpu(fn: Callable[[], Dict[str, str]], repeat: int) -> Tuple[float, Dict[str, str]]:
    """Median CPU seconds of ``repeat`` calls, and the last call's result."""
    times = []
    for _ in range(repeat):
        t = time.process_time()
        out = fn()
        times.append(time.process_time() - t)
    return statistics.median(times), out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="2000,20000,200000")
    ap.add_argument("--old-max", type=int, default=2000, help="largest size the old pairwise planner runs on")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--old-repeat", type=int, default=1)
    args = ap.parse_args()
    old_at = None  # (n, seconds) of the largest measured old run
    print(f"{'names':>8} {'first words':>11} {'new (s CPU)':>12} {'old (s CPU)':>14} {'speed-up':>9} "
          f"{'peak MB':>8}")
    for n in (int(x) for x in args.sizes.split(",")):
        names = synthetic_names(n)
        firsts = len({nm.split()[0].lower() for nm in names})
        new, plan = _cpu(lambda: canon_map(names), args.repeat)
        if n <= args.old_max:
            old, old_plan = _cpu(lambda: _old_canon_map(names), args.old_repeat)
            assert old_plan == plan, f"{n} names: the plans differ"
            old_at, shown = (n, old), f"{old:.2f}"
        elif old_at:
            old = old_at[1] * (n / old_at[0]) ** 2
            shown = f"~{old:.0f} (n^2)"
        else:
            old, shown = float("nan"), "-"
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{n:>8} {firsts:>11} {new:>12.2f} {shown:>14} {old / new:>8.0f}x {peak:>8.0f}", flush=True)


if __name__ == "__main__":
    main()
