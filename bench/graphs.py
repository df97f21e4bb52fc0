"""Benchmark: acyclic_iff_topological_order, by node bound, against brute force.

    python bench/graphs.py            # bounds 3, 4, ... until 60 s, then networkx at 4 and 5
    python bench/graphs.py --budget 20 --sample 8
    python bench/graphs.py --words    # also the graph words of issue 16, by bound

For each bound N the claim is checked for all directed graphs with at most N
nodes, through the public API (`prove.check`); "claim s" is the time the report
shows for the claim, "wall s" adds starting the worker process.  Each is the
median of 3 runs while a run takes under 3 s, else of one run.  The brute force enumerates graphs one by one
with networkx: `simple_cycles` for "acyclic", `topological_sort` (its order
checked edge by edge) for "an order exists".  It enumerates the loop-free graphs
only, 2^(n(n-1)) of them; the graphs with a self-loop need no enumeration
(a self-loop is a cycle, and p(u) < p(u) fails), which favours the brute force.
`--sample K` times 1 graph in K at 5 nodes and scales up (said in the output).
The comparison needs networkx (`pip install -e '.[bench]'`); without it, it is
skipped with a line that says so.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import prove  # noqa: E402

CLAIM = """claim acyclic_iff_topological_order:
  forall G in graphs(nodes <= {n}):
    acyclic(G) <-> exists p in orders(G): topological(p, G)
"""


# --- graph words: one claim per construct, timed by bound like the claim above
WORDS = {
    "edge insertion (G + edge)": "forall G in graphs(nodes <= {n}), u in nodes(G), v in nodes(G):\n"
                                 "    u != v and acyclic(G) -> (acyclic(G + edge(u, v)) <-> not path(G, v, u))",
    "edge removal (G - edge)": "forall G in graphs(nodes <= {n}), u in nodes(G), v in nodes(G):\n"
                               "    acyclic(G) -> acyclic(G - edge(u, v))",
    "new node (G + node, loopless)": "forall G in graphs(nodes <= {n}, loopless), In subset nodes(G), "
                                     "Out subset nodes(G):\n    acyclic(G) and card(Out) = 0 -> "
                                     "acyclic(G + node(In, Out))",
    "closure": "forall G in graphs(nodes <= {n}), u in nodes(G), v in nodes(G):\n"
               "    path(G, u, v) <-> edge(closure(G), u, v)",
    "reduction": "forall G in graphs(nodes <= {n}), u in nodes(G), v in nodes(G):\n"
                 "    acyclic(G) -> (path(reduction(G), u, v) <-> path(G, u, v))",
    "reverse": "forall G in graphs(nodes <= {n}): acyclic(reverse(G)) <-> acyclic(G)",
    "weakly_connected": "forall G in graphs(nodes <= {n}): weakly_connected(G) -> edges(G) >= nodes(G) - 1",
    "topological_orders": "forall G in graphs(nodes <= {n}): acyclic(G) <-> topological_orders(G) >= 1",
    # --- paths and traversals
    "reversed DFS finishing order": "forall G in graphs(nodes <= {n}), p in dfs_finish_orders(G):\n"
                                    "    acyclic(G) -> topological(reversed(p), G)",
    "BFS in non-decreasing distance": "forall G in graphs(nodes <= {n}), s in nodes(G), p in bfs_orders(G, s),\n"
                                      "    u in nodes(G), v in nodes(G):\n"
                                      "    0 < p(u) and p(u) < p(v) -> dist(G, s, u) <= dist(G, s, v)",
    "depth": "forall G in graphs(nodes <= {n}): acyclic(G) -> depth(G) < nodes(G)",
    "count_paths": "forall G in graphs(nodes <= {n}), u in nodes(G), v in nodes(G):\n"
                   "    acyclic(G) -> (path(G, u, v) <-> count_paths(G, u, v) >= 1)",
    "descendants": "forall G in graphs(nodes <= {n}), v in nodes(G):\n"
                   "    acyclic(G) -> |descendants(G, v)| <= nodes(G) - 1",
    "inner exists (n = 1..N)": "forall n in 1..{n}:\n"
                               "    (forall G in graphs(nodes = n): acyclic(G) -> edges(G) <= n * (n - 1) / 2)\n"
                               "    and (exists G in graphs(nodes = n): acyclic(G) and edges(G) = n * (n - 1) / 2)",
}


def words_table(budget: float) -> None:
    """Each graph word's claim at bounds 3, 4, ... while a bound takes under `budget` s."""
    print("graph words: claim s (one run) by node bound N; '-' once a bound passed the budget")
    bounds = list(range(3, 9))
    print(f"{'claim':<32}" + "".join(f"{n:>8}" for n in bounds))
    for label, body in WORDS.items():
        cells, stopped = [], False
        for n in bounds:
            if stopped:
                cells.append("-")
                continue
            (result,) = prove.check("claim w:\n  " + body.format(n=n) + "\n", timeout=budget)
            if result.verdict.value != "verified":
                cells.append(result.verdict.value)
                stopped = True
                continue
            cells.append(f"{result.seconds:.2f}")
            stopped = result.seconds > budget / 3
        print(f"{label:<32}" + "".join(f"{c:>8}" for c in cells))
    print()


def prove_once(n: int, timeout: float):
    start = time.perf_counter()
    (result,) = prove.check(CLAIM.format(n=n), timeout=timeout)
    return time.perf_counter() - start, result


def brute_force(n: int, sample: int = 1) -> tuple[float, int]:
    """Seconds to check every loop-free graph with 1..n nodes (or 1 in `sample` at n)."""
    import networkx as nx

    start = time.perf_counter()
    checked = 0
    for size in range(1, n + 1):
        cells = [(u, v) for u in range(1, size + 1) for v in range(1, size + 1) if u != v]
        step = sample if size == n else 1
        for mask in range(0, 1 << len(cells), step):
            g = nx.DiGraph()
            g.add_nodes_from(range(1, size + 1))
            g.add_edges_from(c for i, c in enumerate(cells) if mask >> i & 1)
            acyclic = next(nx.simple_cycles(g), None) is None
            try:
                order = list(nx.topological_sort(g))
                pos = {v: i for i, v in enumerate(order)}
                has_order = all(pos[a] < pos[b] for a, b in g.edges)
            except nx.NetworkXUnfeasible:
                has_order = False
            if acyclic != has_order:
                raise SystemExit(f"brute force found a counterexample: {sorted(g.edges)}")
            checked += 1
    seconds = time.perf_counter() - start
    if sample > 1:  # scale the sampled size up; the smaller sizes were run in full
        full_small = sum(1 << (k * (k - 1)) for k in range(1, n))
        per_graph = seconds / checked
        seconds = per_graph * (full_small + (1 << (n * (n - 1))))
    return seconds, checked


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--budget", type=float, default=60.0, help="seconds for the per-bound table (default 60)")
    ap.add_argument("--sample", type=int, default=1, help="time 1 graph in K at 5 nodes and scale up")
    ap.add_argument("--words", action="store_true", help="also time the graph words (edits, derived graphs, paths, searches, ...)")
    args = ap.parse_args(argv)
    if args.words:
        words_table(10.0)

    print("acyclic_iff_topological_order: all directed graphs with at most N nodes")
    print(f"{'N':>3} {'verdict':>9} {'claim s':>8} {'wall s':>8} {'runs':>5} {'total s':>8}")
    medians: dict[int, float] = {}
    total, n = 0.0, 3
    while total < args.budget:
        remaining = args.budget - total
        wall, result = prove_once(n, timeout=max(1.0, remaining))
        runs = [(wall, result)]
        if wall < 3.0:
            runs += [prove_once(n, timeout=max(1.0, remaining)) for _ in range(2)]
        total += sum(w for w, _ in runs)
        if result.verdict.value != "verified":
            print(f"{n:>3} {result.verdict.value:>9}   stopped: the {args.budget:.0f} s budget ran out "
                  f"({remaining:.1f} s were left for this bound)")
            break
        medians[n] = statistics.median(r.seconds for _, r in runs)
        wall_median = statistics.median(w for w, _ in runs)
        print(f"{n:>3} {result.verdict.value:>9} {medians[n]:8.3f} {wall_median:8.3f} {len(runs):>5} {total:8.2f}")
        n += 1

    print()
    try:
        import networkx  # noqa: F401
    except ModuleNotFoundError:
        print("brute force against networkx: skipped, networkx is not installed "
              "(pip install -e '.[bench]' installs it)")
        return 0
    print("brute force, graph by graph with networkx (loop-free graphs enumerated), against prove")
    print(f"{'N':>3} {'graphs':>9} {'networkx s':>11} {'claim s':>8} {'ratio':>8}")
    for n in (4, 5):
        sample = args.sample if n == 5 else 1
        seconds, checked = brute_force(n, sample)
        mine = medians.get(n)
        if mine is None:
            mine = statistics.median(prove_once(n, 60.0)[1].seconds for _ in range(3))
        note = f"  (1 in {sample} at {n} nodes timed, scaled up)" if sample > 1 else ""
        print(f"{n:>3} {checked:>9} {seconds:11.2f} {mine:8.3f} {seconds / mine:7.0f}x{note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
