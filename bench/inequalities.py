"""Inequalities (issue 13): prove against direct Z3/SymPy scripts, in one run.

Each case is one line of `CASES`: a name, the claim as a user writes it,
the verdict it must get, and a direct script asking the same question in the
most direct way we know (`z3_direct`: the negation's satisfiability, with
hypotheses; any callable returning 'proved' or 'refuted' will do).  Each
is run `repeats` times through prove's check (parsed and elaborated once;
the check includes definedness and the audit; SymPy's cache cleared first)
and through its script; prints the CPU-second medians, the ratio
prove / direct, then the median ratio.  Run: python bench/inequalities.py [repeats]
"""

from __future__ import annotations

import inspect
import statistics
import sys
import time
from pathlib import Path
from typing import Callable, NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sympy as sp  # noqa: E402
from sympy.core.cache import clear_cache  # noqa: E402
import z3  # noqa: E402

from prove.backends.base import Limits, check  # noqa: E402
from prove.runner import tasks_for_text  # noqa: E402


def z3_direct(goal: Callable, hyp: Callable = lambda *v: True) -> Callable[[], str]:
    """A script: fresh reals, one per parameter of `goal`; the negation of
    goal under hyp, unsat -> proved, sat -> refuted."""
    names = list(inspect.signature(goal).parameters)

    def run() -> str:
        xs = [z3.Real(n) for n in names]
        s = z3.Solver()
        s.add(hyp(*xs), z3.Not(goal(*xs)))
        answer = s.check()
        return "proved" if answer == z3.unsat else "refuted" if answer == z3.sat else "unknown"
    return run


def sympy_at_zero(goal: Callable) -> Callable[[], str]:
    """A script: the goal evaluated exactly at 0 by SymPy (refuted when it fails there)."""
    names = list(inspect.signature(goal).parameters)

    def run() -> str:
        xs = sp.symbols(names, real=True)
        return "refuted" if not goal(*[sp.Integer(0)] * len(xs)) else "unknown"
    return run


def dot(u, v):
    return sum(a * b for a, b in zip(u, v))


class InequalityCase(NamedTuple):
    name: str
    claim: str
    expect: str
    direct: Callable[[], str]


CASES = [
    # --- boundary and polynomial inequalities
    InequalityCase("square_positive_wrong", "forall x in R: x^2 > 0", "refuted", sympy_at_zero(lambda x: x ** 2 > 0)),
    InequalityCase("square_nonnegative", "forall x in R: x^2 >= 0", "proved", z3_direct(lambda x: x * x >= 0)),
    InequalityCase("two_ab_strict_wrong", "forall a in R, b in R: a^2 + b^2 > 2*a*b", "refuted",
         z3_direct(lambda a, b: a * a + b * b > 2 * a * b)),
    InequalityCase("nonnegative_is_positive_wrong", "forall x in R where x >= 0: x > 0", "refuted",
         z3_direct(lambda x: x > 0, lambda x: x >= 0)),
    InequalityCase("chord_step_closed_wrong", "forall a in R, b in R, d in R where 0 <= d and d <= 1 and b < a: "
         "(1 - d) * a + d * b < (1 - d) * a + d * a", "refuted",
         z3_direct(lambda a, b, d: (1 - d) * a + d * b < (1 - d) * a + d * a, lambda a, b, d: z3.And(0 <= d, d <= 1, b < a))),
    InequalityCase("am_gm_polynomial", "forall a in R, b in R: (a + b)^2 >= 4*a*b", "proved",
         z3_direct(lambda a, b: (a + b) * (a + b) >= 4 * a * b)),
    InequalityCase("am_gm", "forall a in R, b in R where a >= 0 and b >= 0: (a + b)/2 >= sqrt(a*b)", "proved",
         z3_direct(lambda a, b, s: (a + b) / 2 >= s, lambda a, b, s: z3.And(a >= 0, b >= 0, s >= 0, s * s == a * b))),
    InequalityCase("cauchy_schwarz_3", "forall u in R^3, v in R^3: dot(u, v)^2 <= dot(u, u) * dot(v, v)", "proved",
         z3_direct(lambda u1, u2, u3, v1, v2, v3: dot([u1, u2, u3], [v1, v2, v3]) ** 2
                   <= dot([u1, u2, u3], [u1, u2, u3]) * dot([v1, v2, v3], [v1, v2, v3]))),
    InequalityCase("abs_nonnegative", "forall x in R: abs(x) >= 0", "proved", z3_direct(lambda x: z3.If(x >= 0, x, -x) >= 0)),
    InequalityCase("triangle_inequality", "forall x in R, y in R: abs(x + y) <= abs(x) + abs(y)", "proved",
         z3_direct(lambda x, y: z3.If(x + y >= 0, x + y, -x - y) <= z3.If(x >= 0, x, -x) + z3.If(y >= 0, y, -y))),
    InequalityCase("parabola_bound_wrong", "forall x in R: x^2 - 7*x + 12 >= -1/8", "refuted",
         z3_direct(lambda x: x * x - 7 * x + 12 >= z3.Q(-1, 8))),
]


def main(repeats: int = 5) -> None:
    print(f"{'case':32} {'verdict':9} {'prove s':>9} {'direct s':>9} {'ratio':>7}")
    ratios = []
    for case in CASES:
        (task,) = [t for t in tasks_for_text(f"claim {case.name}:\n  {case.claim}\n", "bench") if t.name == case.name]
        check(task.claim, Limits())  # warm: imports and caches are paid once, not by the first case timed
        case.direct()
        p_times, d_times = [], []
        for _ in range(repeats):
            clear_cache()  # a user checks a claim once: SymPy's expression cache would flatter repeats
            t = time.process_time()
            out = check(task.claim, Limits())
            p_times.append(time.process_time() - t)
            t = time.process_time()
            direct = case.direct()
            d_times.append(time.process_time() - t)
        assert out.verdict.value == case.expect, f"prove gives {out.verdict.value} on {case.name}"
        assert direct == case.expect, f"the direct script gives {direct} on {case.name}"
        p, d = statistics.median(p_times), statistics.median(d_times)
        ratio = p / max(d, 1e-6)
        ratios.append(ratio)
        print(f"{case.name:32} {out.verdict.value:9} {p:9.4f} {d:9.4f} {ratio:7.1f}")
    print(f"median ratio prove/direct: {statistics.median(ratios):.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
