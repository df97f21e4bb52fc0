"""Time the softmax Jacobian through prove and through a direct SymPy script.

    python bench/derivations.py [--repeat 5]
    python bench/derivations.py --repeat 1 --skip-matrices   # a few seconds

The matrix section (on by default) takes minutes: SymPy's direct 10x10 softmax
script alone runs about 5 minutes.

For symbolic n and for n = 2, 5, 10, 20, 50 it times, in one process with
SymPy already loaded:

- prove: the claim `forall z in R^n, i in 1..n, j in 1..n: diff(softmax(z)[i],
  z[j]) = softmax(z)[i] * (delta(i, j) - softmax(z)[j])` (or `forall n >= 1`)
  through the backend's `check`, which proves every entry and cross-checks
  (symbolic n: re-proved exactly for n = 1..4; concrete n: entries at exact points);
- direct: what a person writes by hand in SymPy: for symbolic n, the indexed
  entry with the Kronecker-delta sum settled by `doit` and the `Piecewise`
  replaced knowing 1 <= j <= n; for a concrete n, one off-diagonal and one
  diagonal entry with plain symbols and `simplify`. No cross-check.

It prints the medians and the ratio prove / direct.  Parsing and elaboration
are not timed (they are the same for every size).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sympy as sp  # noqa: E402

from prove.runner import tasks_for_text  # noqa: E402
from prove.backends.base import check  # noqa: E402

SIZES = ["n", 2, 5, 10, 20, 50]
ENTRY = "diff(softmax(z)[i], z[j]) = softmax(z)[i] * (delta(i, j) - softmax(z)[j])"


def claim_text(size) -> str:
    if size == "n":
        return f"claim jac: forall n >= 1, z in R^n, i in 1..n, j in 1..n: {ENTRY}"
    return f"claim jac: forall z in R^{size}, i in 1..{size}, j in 1..{size}: {ENTRY}"


def via_prove(size):
    (task,) = tasks_for_text(claim_text(size), "<bench>")
    sp.core.cache.clear_cache()
    start = time.perf_counter()
    outcome = check(task.claim)
    return time.perf_counter() - start, outcome.verdict.value


def direct(size):
    sp.core.cache.clear_cache()
    start = time.perf_counter()
    if size == "n":
        n = sp.Symbol("n", integer=True, positive=True)
        i, j, k = sp.symbols("i j k", integer=True)
        z = sp.IndexedBase("z")
        total = sp.Sum(sp.exp(z[k]), (k, 1, n))
        s_i = sp.exp(z[i]) / total
        d = sp.diff(s_i, z[j]).doit()
        d = d.replace(lambda e: isinstance(e, sp.Piecewise), lambda e: e.args[0][0])  # 1 <= j <= n
        rhs = s_i * (sp.KroneckerDelta(i, j) - sp.exp(z[j]) / total)
        diagonal = sp.simplify((d - rhs).subs(j, i)) == 0  # i = j
        off = sp.simplify((d - rhs).replace(sp.KroneckerDelta, lambda a, b: 0)) == 0  # i != j
        ok = diagonal and off
    else:
        zs = sp.symbols(f"z1:{size + 1}", real=True)
        total = sum(sp.exp(v) for v in zs)
        s = [sp.exp(v) / total for v in zs]
        ok = True
        for i, j in ((0, 1), (0, 0)):
            lhs = sp.diff(s[i], zs[j])
            rhs = s[i] * ((1 if i == j else 0) - s[j])
            ok = ok and sp.simplify(lhs - rhs) == 0
    return time.perf_counter() - start, "proved" if ok else "not proved"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--matrix-repeat", type=int, default=1,
                        help="repeats of the matrix cases (the direct 10x10 softmax script takes minutes)")
    parser.add_argument("--skip-matrices", action="store_true")
    args = parser.parse_args(argv)
    via_prove(2)  # warm imports (z3, lark, backend modules)
    print(f"{'size':>6} {'prove (s)':>10} {'direct (s)':>11} {'ratio':>7}  verdicts")
    for size in SIZES:
        p_times, d_times = [], []
        for _ in range(args.repeat):
            t, pv = via_prove(size)
            p_times.append(t)
            t, dv = direct(size)
            d_times.append(t)
        p, d = statistics.median(p_times), statistics.median(d_times)
        label = "n" if size == "n" else f"n={size}"
        print(f"{label:>6} {p:10.3f} {d:11.3f} {p / d:7.1f}  prove: {pv}, direct: {dv}")
    if not args.skip_matrices:
        matrix_section(args.matrix_repeat)
    return 0


# ---------------------------------------------------------------- matrices (issue 7)
#
# hessian(x^T @ A @ x, x) = A + A^T and the softmax-classifier gradient
# grad(-sum(k, y[k] * log(softmax(W @ x)[k])), W) = outer(softmax(W @ x) - y, x)
# (given sum(k, y[k]) = 1) for n x n matrices, n = 3 and 10.  prove checks every
# entry and cross-checks each at exact points; the direct script is what a person
# writes: sp.hessian / sp.diff for every entry, the difference simplified (the
# Hessian's by expand, the softmax gradient's by sp.simplify, entry by entry).

MATRIX_SIZES = [3, 10]
MATRIX_CLAIMS = {
    "hessian": "claim h: forall A in R^({n}x{n}), x in R^{n}: hessian(x^T @ A @ x, x) = A + A^T",
    "softmax": ("claim s: forall W in R^({n}x{n}), x in R^{n}, y in R^{n} where sum(k, y[k]) = 1:\n"
                "  grad(-sum(k, y[k] * log(softmax(W @ x)[k])), W) = outer(softmax(W @ x) - y, x)"),
}


def via_prove_matrix(kind, n):
    (task,) = tasks_for_text(MATRIX_CLAIMS[kind].format(n=n), "<bench>")
    sp.core.cache.clear_cache()
    start = time.perf_counter()
    outcome = check(task.claim)
    return time.perf_counter() - start, outcome.verdict.value


def direct_matrix(kind, n):
    sp.core.cache.clear_cache()
    start = time.perf_counter()
    x = sp.Matrix([sp.Symbol(f"x{i}", real=True) for i in range(n)])
    if kind == "hessian":
        A = sp.Matrix(n, n, lambda i, j: sp.Symbol(f"A{i}_{j}", real=True))
        H = sp.hessian((x.T * A * x)[0, 0], list(x))
        ok = (H - A - A.T).expand() == sp.zeros(n, n)
    else:
        W = sp.Matrix(n, n, lambda i, j: sp.Symbol(f"W{i}_{j}", real=True))
        ys = [sp.Symbol(f"y{i}", real=True) for i in range(n - 1)]
        y = sp.Matrix(ys + [1 - sum(ys)])  # the hypothesis, substituted by hand
        z = W * x
        total = sum(sp.exp(v) for v in z)
        loss = -sum(y[k] * sp.log(sp.exp(z[k]) / total) for k in range(n))
        rhs = (sp.Matrix([sp.exp(v) / total for v in z]) - y) * x.T
        ok = all(sp.simplify(sp.diff(loss, W[i, j]) - rhs[i, j]) == 0 for i in range(n) for j in range(n))
    return time.perf_counter() - start, "proved" if ok else "not proved"


def matrix_section(repeat: int) -> None:
    print()
    print(f"{'matrices':>12} {'prove (s)':>10} {'direct (s)':>11} {'ratio':>7}  verdicts")
    ratios = []
    for kind in MATRIX_CLAIMS:
        for n in MATRIX_SIZES:
            p_times, d_times = [], []
            for _ in range(repeat):
                t, pv = via_prove_matrix(kind, n)
                p_times.append(t)
                t, dv = direct_matrix(kind, n)
                d_times.append(t)
            p, d = statistics.median(p_times), statistics.median(d_times)
            ratios.append(p / d)
            label = f"{kind} {n}x{n}"
            print(f"{label:>12} {p:10.3f} {d:11.3f} {p / d:7.1f}  prove: {pv}, direct: {dv}")
    print(f"median ratio prove/direct (matrices): {statistics.median(ratios):.2f}")


if __name__ == "__main__":
    raise SystemExit(main())
