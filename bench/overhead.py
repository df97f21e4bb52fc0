"""Per-claim overhead as a file grows: 10, 100 and 1000 cheap claims in one file.

Each claim is `diff(x^K, x) = K*x^(K - 1)` for K cycling through 2..11, so
every claim costs the same; what changes is only how many share the file. A
task carries only its own claim (and the `let`s and lemmas it uses), so the
wall time per claim must stay flat: the ratio at 1000 claims to 10 claims is
printed and should be at most 1.5.

    .venv/bin/python bench/overhead.py [--jobs N] [--sizes 10,100,1000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from prove.runner import check_paths  # noqa: E402
from prove.backends.base import Limits  # noqa: E402


def claim_file(count: int) -> str:
    lines = []
    for i in range(count):
        k = 2 + i % 10
        lines.append(f"claim power_rule_{i}: diff(x^{k}, x) = {k}*x^{k - 1}\n")
    return "".join(lines)


def measure(folder: Path, count: int, jobs: int) -> float:
    path = folder / f"cheap_{count}.claims"
    path.write_text(claim_file(count))
    start = time.perf_counter()
    results = check_paths([path], Limits(timeout=10), jobs)
    wall = time.perf_counter() - start
    bad = [r for r in results if not r.as_expected]
    if len(results) != count or bad:
        raise SystemExit(f"{count} claims: {len(bad)} not proved, {len(results)} results")
    return wall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--sizes", default="10,100,1000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        measure(folder, 2, args.jobs)  # imports and first-use set-up, paid once per process
        per_claim = {}
        print(f"claims  wall (s)  per claim (ms)   [--jobs {args.jobs}]")
        for count in sizes:
            wall = measure(folder, count, args.jobs)
            per_claim[count] = wall / count
            print(f"{count:6}  {wall:8.2f}  {1000 * per_claim[count]:14.2f}")
    first, last = sizes[0], sizes[-1]
    ratio = per_claim[last] / per_claim[first]
    verdict = "flat" if ratio <= 1.5 else "GROWS"
    print(f"per-claim time at {last} vs {first} claims: {ratio:.2f}x ({verdict}; at most 1.5x expected)")
    return 0 if ratio <= 1.5 else 1


if __name__ == "__main__":
    sys.exit(main())
