"""The mutation corpus: every mutant of every shipped claim through the checker.

    python bench/mutants.py [--jobs 2] [--timeout 10] [--family identity ...] [--json out.json]

Mutants are made by tests/mutate.py (flip a sign, drop or duplicate a factor,
swap two indices, change a constant, flip a comparison, drop a hypothesis) from
prove/lemmas/*.claims and examples/*.claims.  Each mutant that elaborates is
checked by the full checker (the runner, as `prove FILE` does), then examined on
its own by the audit's evaluator (`prove.audit.examine`, the claim as written).

It prints, per operator and in total: mutants made, discarded (do not parse or
elaborate), refuted, unknown, proved or verified with the audit agreeing (likely
equivalent mutants), error, and the failures: proved or verified although the
audit refutes the mutant.  It exits 1 when there is a failure.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from mutate import OPERATORS, mutant_task, mutants_of, shipped_claims  # noqa: E402
from prove.runner import run_tasks  # noqa: E402
from prove.backends.base import Limits  # noqa: E402

COLUMNS = ["mutants", "discarded", "refuted", "unknown", "equivalent", "error", "FALSE PROOF"]


def outcome_of(verdict: str, finding) -> str:
    if verdict == "refuted":
        return "refuted"
    if verdict == "unknown":
        return "unknown"
    if verdict == "error":
        return "error"
    if finding is not None and finding.status == "refuted":
        return "FALSE PROOF"
    return "equivalent"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=10.0)
    ap.add_argument("--family", action="append", help="only claims of this family (repeatable)")
    ap.add_argument("--json", help="write one record per mutant to this file")
    args = ap.parse_args(argv)

    try:
        from prove.audit import examine
    except ImportError:
        examine = None
        print("prove.audit is not available: proved/verified mutants are counted as equivalent unchecked")

    started = time.perf_counter()
    rows: dict[str, Counter] = defaultdict(Counter)
    tasks, made = [], []
    for source in shipped_claims():
        for mutant in mutants_of(source):
            task = mutant_task(mutant, source)
            if task is not None and args.family and task.claim.family not in args.family:
                continue
            rows[mutant.operator]["mutants"] += 1
            if task is None:
                rows[mutant.operator]["discarded"] += 1
                continue
            tasks.append(task)
            made.append((mutant, task.claim))
    print(f"{sum(r['mutants'] for r in rows.values())} mutants, {len(tasks)} elaborate; checking "
          f"with jobs={args.jobs}, timeout={args.timeout:g} s", flush=True)

    done = []

    def progress(result):
        done.append(result)
        if len(done) % 100 == 0:
            print(f"  {len(done)} checked, {time.perf_counter() - started:.0f} s", flush=True)

    results = run_tasks(tasks, Limits(timeout=args.timeout), jobs=args.jobs, on_result=progress)
    records, failures = [], []
    for (mutant, claim), result in zip(made, results):
        verdict = result.verdict.value
        finding = None
        if examine is not None and verdict in ("proved", "verified"):
            finding = examine(claim)
        outcome = outcome_of(verdict, finding)
        rows[mutant.operator][outcome] += 1
        if outcome == "FALSE PROOF":
            failures.append((mutant, result, finding))
        records.append({"file": Path(mutant.path).name, "claim": mutant.name, "family": claim.family,
                        "operator": mutant.operator, "before": mutant.before, "after": mutant.after,
                        "verdict": verdict, "audit": finding.status if finding else None,
                        "seconds": round(result.seconds, 3), "reason": result.reason})

    total = Counter()
    for r in rows.values():
        total.update(r)
    width = max(len(k) for k in OPERATORS) + 2
    print("operator".ljust(width) + "".join(c.rjust(12) for c in COLUMNS))
    for op in OPERATORS:
        print(op.ljust(width) + "".join(str(rows[op][c]).rjust(12) for c in COLUMNS))
    print("total".ljust(width) + "".join(str(total[c]).rjust(12) for c in COLUMNS))
    by_family = Counter((r["family"], r["verdict"]) for r in records)
    for fam in sorted({f for f, _ in by_family}):
        print(f"  {fam}: " + ", ".join(f"{v} {by_family[(fam, v)]}" for v in
                                       ("proved", "verified", "refuted", "unknown", "error")))
    print(f"wall time {time.perf_counter() - started:.0f} s")
    for mutant, result, finding in failures:
        print(f"\nFALSE PROOF: {mutant.label}\n  {' '.join(mutant.text.split())}\n"
              f"  checker: {result.verdict.value} [{result.method}]\n"
              f"  audit: {finding.status} at {finding.witness}: {finding.reason}")
    if args.json:
        Path(args.json).write_text(json.dumps(records, indent=1), encoding="utf-8")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
