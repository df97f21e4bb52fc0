"""The theorem base: textbook facts about abstract functions that proofs may cite.

Each entry states one theorem exactly, with its hypotheses and its source, and
gives its instance as a Z3 formula builder.  The abstract-function prover
(`abstract_rd`) adds an instance of a theorem only for a function and point the
claim's own hypotheses cover, and every verdict that used one names it
(`proved [from: Taylor's theorem with Peano remainder (cited); z3: ...]`).  The
tests (tests/test_abstract_rd.py) execute each builder on polynomial instances,
with the derivatives taken by SymPy and the remainder bound checked by Z3 for
every h: a mistyped statement fails there.

The definition of the derivative itself is not a theorem and is not cited: a
derivative written in a claim (`grad(g)(x)`, `diff(g(x), x)`) is read as the
hypothesis that g is differentiable at x with that derivative (docs/checking.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import z3


def z_abs(x):
    return z3.If(x >= 0, x, -x)


@dataclass(frozen=True)
class Theorem:
    """A cited theorem: its name as verdicts show it, its statement and its source."""

    key: str
    name: str
    hypotheses: str
    statement: str
    source: str


DERIVATIVE = Theorem(
    key="frechet",
    name="definition of the derivative",
    hypotheses="g: R^d -> R is differentiable at x (read from a derivative the claim writes at x)",
    statement="for every eps > 0 there is delta > 0 with |g(x + h) - g(x) - grad g(x)^T h| <= eps |h| "
              "whenever |h| < delta",
    source="Rudin, Principles of Mathematical Analysis (3rd ed., 1976), Definition 9.11 (5.1 for d = 1)",
)

TAYLOR_PEANO_2 = Theorem(
    key="taylor_peano_2",
    name="Taylor's theorem with Peano remainder",
    hypotheses="g: R -> R is twice differentiable at x (g' exists near x, g'' exists at x)",
    statement="for every eps > 0 there is delta > 0 with "
              "|g(x + h) - g(x) - g'(x) h - g''(x) h^2 / 2| <= eps h^2 whenever |h| < delta",
    source="Apostol, Calculus Vol. 1 (2nd ed., 1967), Theorem 7.8 (Taylor's formula with the o(h^n) remainder); "
           "Zorich, Mathematical Analysis I (2004), 5.3.1, Theorem 2 (local Taylor formula)",
)

THEOREMS = {t.key: t for t in (DERIVATIVE, TAYLOR_PEANO_2)}


def derivative_instance(g_at, x: list, grad: list, eps, h: list, norm_h, delta):
    """DERIVATIVE at x for one eps and one step h: (eps > 0 and |h| < delta) -> the bound.
    `g_at` maps a coordinate list to g's value; `norm_h` is |h|, `delta` the delta of eps."""
    step = g_at([a + b for a, b in zip(x, h)]) - g_at(x) - sum(gi * hi for gi, hi in zip(grad, h))
    return z3.Implies(z3.And(eps > 0, norm_h < delta), z_abs(step) <= eps * norm_h)


def taylor2_instance(g_at, x, d1, d2, eps, h, delta):
    """TAYLOR_PEANO_2 at x (one variable) for one eps and one step h."""
    rest = g_at([x + h]) - g_at([x]) - d1 * h - d2 * h * h / 2
    return z3.Implies(z3.And(eps > 0, z_abs(h) < delta), z_abs(rest) <= eps * h * h)


def delta_positive(eps, delta):
    """Both theorems give a positive delta for each positive eps."""
    return z3.Implies(eps > 0, delta > 0)
