"""Section-2 claims of the brief: prove's analysis backend against a direct script.

Each claim is run through prove (parse, elaborate, check) and through a
hand-written Z3 or SymPy script that asks the same question in the most direct
way we know, in the same run.  Prints seconds for each and the ratio
prove / direct, then the median ratio.  Run: python bench/analysis.py [repeats]
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sympy as sp  # noqa: E402
import z3  # noqa: E402

from prove import ast as A  # noqa: E402
from prove.claim import ModuleContext  # noqa: E402
from prove.elaborate import elaborate  # noqa: E402
from prove.parser import parse  # noqa: E402
from prove.backends.base import Limits, check  # noqa: E402

CLAIMS = ["stationary_implies_min", "fermat", "convex_local_min_is_global", "second_order_test_wrong",
          "saddle_example", "product_of_convex_wrong"]


def coeffs(name, k):
    return [z3.Real(f"{name}{i}") for i in range(k + 1)]


def poly_at(c, x):
    return z3.Sum([ci * x ** i if i else ci for i, ci in enumerate(c)])


def derivs_at(c, x):
    """g^(k)(x)/k! for a univariate polynomial with coefficients c."""
    from math import comb
    d = len(c) - 1
    return [z3.Sum([comb(j, k) * c[j] * x ** (j - k) if j > k else c[j] for j in range(k, d + 1)])
            for k in range(d + 1)]


def local_min_test(a):
    cases = [z3.And(*[x == 0 for x in a[1:k]], a[k] > 0) for k in range(2, len(a), 2)]
    return z3.Or(*cases, z3.And(*[x == 0 for x in a[1:]]))


def direct_stationary_implies_min():
    c, w0 = coeffs("c", 3), z3.Real("w0")
    a = derivs_at(c, w0)
    s = z3.Solver()
    s.add(a[1] == 0, z3.Not(local_min_test(a)))
    return s.check() == z3.sat


def direct_fermat():
    c, w0 = coeffs("c", 4), z3.Real("w0")
    a = derivs_at(c, w0)
    s = z3.Solver()
    s.add(local_min_test(a), a[1] != 0)
    return s.check() == z3.unsat


def direct_convex_local_min_is_global():
    c, w0, x = coeffs("c", 4), z3.Real("w0"), z3.Real("x")
    a = derivs_at(c, w0)
    # g'' = 2 c2 + 6 c3 w + 12 c4 w^2 >= 0 for all w
    p2, p1, p0 = 12 * c[4], 6 * c[3], 2 * c[2]
    convex = z3.Or(z3.And(p2 == 0, p1 == 0, p0 >= 0), z3.And(p2 > 0, 4 * p2 * p0 - p1 * p1 >= 0))
    s = z3.Solver()
    s.add(convex, local_min_test(a), poly_at(c, x) < poly_at(c, w0))
    return s.check() == z3.unsat


def direct_second_order_test_wrong():
    x, y, t = sp.symbols("x y t", real=True)
    g = x ** 3 + y ** 2
    grad = [sp.diff(g, v).subs({x: 0, y: 0}) for v in (x, y)]
    hess = sp.hessian(g, (x, y)).subs({x: 0, y: 0})
    psd = hess[0, 0] >= 0 and hess[1, 1] >= 0 and hess.det() >= 0
    line = g.subs({x: t, y: 0})
    third = sp.diff(line, t, 3).subs(t, 0)
    return grad == [0, 0] and psd and sp.diff(line, t).subs(t, 0) == 0 and sp.diff(line, t, 2).subs(t, 0) == 0 \
        and third != 0


def direct_saddle_example():
    x, y = sp.symbols("x y", real=True)
    g = x ** 2 - y ** 2
    grad = [sp.diff(g, v).subs({x: 0, y: 0}) for v in (x, y)]
    hess = sp.hessian(g, (x, y)).subs({x: 0, y: 0})
    eig = hess.eigenvals()
    return grad == [0, 0] and any(e > 0 for e in eig) and any(e < 0 for e in eig)


def direct_product_of_convex_wrong():
    f, g, x = coeffs("f", 2), coeffs("g", 2), z3.Real("x")
    # (fg)'' = f'' g + 2 f' g' + f g''
    fx, gx = poly_at(f, x), poly_at(g, x)
    f1, g1 = f[1] + 2 * f[2] * x, g[1] + 2 * g[2] * x
    s = z3.Solver()
    s.add(f[2] >= 0, g[2] >= 0, 2 * f[2] * gx + 2 * f1 * g1 + fx * 2 * g[2] < 0)
    return s.check() == z3.sat


DIRECT = {name: globals()[f"direct_{name}"] for name in CLAIMS}


def main(repeats: int = 3) -> None:
    text = (ROOT / "examples" / "analysis.claims").read_text()
    module = parse(text, "examples/analysis.claims")
    decls = {item.name: item for item in module.items if isinstance(item, A.ClaimDecl)}
    # warm both paths once (imports, caches) so neither pays a one-off cost
    check(elaborate(decls["fermat"], "bench", ModuleContext()), Limits())
    direct_fermat()
    ratios = []
    print(f"{'claim':32} {'verdict':9} {'prove s':>9} {'direct s':>9} {'ratio':>7}")
    for name in CLAIMS:
        claim = elaborate(decls[name], "bench", ModuleContext())
        best_p = best_d = float("inf")
        for _ in range(repeats):
            t = time.perf_counter()
            out = check(claim, Limits())
            best_p = min(best_p, time.perf_counter() - t)
            t = time.perf_counter()
            ok = DIRECT[name]()
            best_d = min(best_d, time.perf_counter() - t)
            assert ok, f"the direct script disagrees on {name}"
        ratio = best_p / best_d
        ratios.append(ratio)
        print(f"{name:32} {out.verdict.value:9} {best_p:9.4f} {best_d:9.4f} {ratio:7.1f}")
    print(f"median ratio prove/direct: {statistics.median(ratios):.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
