"""Differential fuzzing of the identity checker, with a larger budget than the test suite.

    python bench/fuzz_identities.py [--examples 400] [--seed 0] [--jobs 2] [--timeout 10] [--depth 3]

Claims come from the Hypothesis strategy of tests/fuzzgen.py (rewrites of a
random expression, perturbed rewrites, unrelated sides); each distinct claim
goes through the full checker (the runner, as `prove FILE` does), and every
`proved`/`verified` is judged by the independent oracle, every `refuted` is
re-evaluated at its witness.  It prints the counts (claims generated, distinct,
proved, verified, refuted, unknown, error, disagreements), by construction
mode, and each disagreement with its claim.  Exit code 1 when there is one.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from hypothesis import HealthCheck, given, seed, settings  # noqa: E402

from fuzzgen import disagreement, fuzz_claims, judge  # noqa: E402
from prove.runner import run_tasks, tasks_for_text  # noqa: E402
from prove.backends.base import Limits  # noqa: E402

VERDICTS = ("proved", "verified", "refuted", "unknown", "error")


def generate(count: int, seed_value: int, depth: int) -> list:
    made = []

    @seed(seed_value)
    @settings(max_examples=count, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(fuzz_claims(max_depth=depth))
    def collect(f):
        made.append(f)

    collect()
    return made


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--examples", type=int, default=400)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=10.0)
    ap.add_argument("--depth", type=int, default=3)
    args = ap.parse_args(argv)

    started = time.perf_counter()
    generated = generate(args.examples, args.seed, args.depth)
    claims, seen = [], set()
    for f in generated:
        if f.text not in seen:
            seen.add(f.text)
            claims.append(f)
    tasks = [tasks_for_text(f.text, f"<fuzz {k}>")[0] for k, f in enumerate(claims)]
    print(f"{len(generated)} claims generated, {len(claims)} distinct; checking with jobs={args.jobs}, "
          f"timeout={args.timeout:g} s", flush=True)
    results = run_tasks(tasks, Limits(timeout=args.timeout), jobs=args.jobs)

    counts, by_mode, problems = Counter(), Counter(), []
    oracle = Counter()
    for f, result in zip(claims, results):
        verdict = result.verdict.value
        counts[verdict] += 1
        by_mode[(f.mode, verdict)] += 1
        problem = disagreement(f, result)
        if problem:
            problems.append((f, result, problem))
        if verdict in ("unknown",):
            oracle[judge(f).status] += 1
    print("verdict".ljust(12) + "".join(v.rjust(10) for v in VERDICTS))
    for mode in ("rewrite", "perturb", "unrelated"):
        print(mode.ljust(12) + "".join(str(by_mode[(mode, v)]).rjust(10) for v in VERDICTS))
    print("total".ljust(12) + "".join(str(counts[v]).rjust(10) for v in VERDICTS))
    print(f"unknown verdicts the oracle finds false: {oracle['fails']}, that hold at every point tried: "
          f"{oracle['holds']}")
    print(f"disagreements: {len(problems)}; wall time {time.perf_counter() - started:.0f} s")
    for f, result, problem in problems:
        print(f"\nDISAGREEMENT: {problem}\n  {' '.join(f.text.split())}\n  checker: {result.verdict.value} "
              f"[{result.method}] {result.reason or ''}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
