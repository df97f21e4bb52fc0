"""The result cache's must-show: `prove examples/` twice, on a fresh cache.

The first run checks every claim and fills a new cache folder; the second,
with nothing changed, answers from it, and is repeated (REPEAT times) for its
median.  Each run is the real command in a fresh process (start-up, parsing
and the pool included).  Prints the wall times, the ratio median second /
first (the issue asks at most 10 %), how many results the second run took
from the cache, and whether every second run gave results identical to the
first's (every JSON field but `seconds` and `cached`).
Run: python bench/cache.py [PATH...]   (default: examples/)
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPEAT = 5


def run(paths: list[str], cache: str) -> tuple[float, list[dict]]:
    env = dict(os.environ, PROVE_CACHE_DIR=cache)
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "prove", "--format", "json", *paths], capture_output=True,
                         text=True, cwd=ROOT, env=env)
    wall = time.perf_counter() - start
    if out.returncode not in (0, 1):
        sys.exit(f"prove failed ({out.returncode}): {out.stderr}")
    return wall, json.loads(out.stdout)["claims"]


def main() -> int:
    paths = sys.argv[1:] or ["examples/"]
    with tempfile.TemporaryDirectory(prefix="prove-bench-cache-") as folder:
        cache = str(Path(folder) / "cache")
        first_s, first = run(paths, cache)
        seconds = [run(paths, cache) for _ in range(REPEAT)]

    def same(c: dict) -> dict:
        return {k: v for k, v in c.items() if k not in ("seconds", "cached")}

    identical = all([same(c) for c in first] == [same(c) for c in second] for _, second in seconds)
    second = seconds[-1][1]
    hits = sum(1 for c in second if c["cached"])
    median = statistics.median(s for s, _ in seconds)
    ratio = median / first_s
    print(f"first run : {first_s:7.2f} s wall, {len(first)} results, {sum(c['cached'] for c in first)} cached")
    print(f"second run: {median:7.2f} s wall (median of {REPEAT}: "
          f"{', '.join(f'{s:.2f}' for s, _ in seconds)}), {len(second)} results, {hits} cached "
          f"(the rest are unknowns that a time limit or a solver's budget may decide another time)")
    print(f"ratio second / first: {ratio:.3f} ({100 * ratio:.1f} %, asked: at most 10 %)")
    print(f"identical results: {identical}")
    return 0 if identical and ratio <= 0.10 else 1


if __name__ == "__main__":
    sys.exit(main())
