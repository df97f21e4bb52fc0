"""Counterexamples to claims about abstract functions whose conclusion is the convexity of a kinked
combination (`convex(min(f(x), g(x)))`): pairs of concrete parabolas, re-checked exactly.

Method.  Each abstract function g: R^d -> R is given, in turn, one of the parabolas
|x - c e_1|^2 (c in 0, 2, -2).  The claim is then evaluated three-valued in exact SymPy
arithmetic: every atom by the exact checker (`exact.Evaluator`), except the convexity of
a function with min, max or abs in it, which the checker does not take; that one is false
when an exact chord at rational points a, b and t = 1/2 lies below the function
(f((a + b)/2) > (f(a) + f(b))/2, all values rational), and otherwise undecided.  A
candidate is reported only when the whole claim evaluates to false: the parabolas are
among the functions the claim ranges over, and no solver took part in the verdict.
"""

from __future__ import annotations

from itertools import product
from typing import Optional

import sympy as sp

from prove import ast as A
from prove import sorts as S
from prove.backends.analysis.exact import Evaluator, Truth, show_number
from prove.backends.identity.sympy_translate import Fn
from prove.verdict import Outcome, Verdict

CENTRES = (0, 2, -2)
KINKS = ("min", "max", "abs")
GRID = (-2, -1, 0, 1, 2)


def _parabola(name: str, dim: int, c: int) -> tuple:
    def apply(args):
        xs = list(args[0]) if dim > 1 and len(args) == 1 else list(args)
        return sum(((x - (c if i == 0 else 0)) ** 2 for i, x in enumerate(xs)), sp.Integer(0))
    coords = ["x"] if dim == 1 else [f"x{i + 1}" for i in range(dim)]
    first = f"({coords[0]} - {c})^2" if c > 0 else f"({coords[0]} + {-c})^2" if c < 0 else f"{coords[0]}^2"
    text = " + ".join([first] + [f"{x}^2" for x in coords[1:]])
    args = coords[0] if dim == 1 else "[" + ", ".join(coords) + "]"
    return Fn((dim,) if dim > 1 else (), apply, name), f"{name}({args}) = {text}"


def _kinked(e) -> bool:
    return any(isinstance(n, A.Call) and isinstance(n.func, A.Name) and n.func.id in KINKS for n in A.walk(e))


class _ChordEvaluator:
    def __init__(self, env: dict, dims: dict):
        self.env, self.dims, self.exact = env, dims, Evaluator(env)

    def __call__(self, e) -> Truth:
        if isinstance(e, A.Not):
            t = self(e.operand)
            return Truth(None if t.value is None else not t.value, t.why, t.where)
        if isinstance(e, (A.And, A.Or)):
            parts = [self(o) for o in e.operands]
            decisive = False if isinstance(e, A.And) else True
            for p in parts:
                if p.value is decisive:
                    return p
            return Truth(None) if any(p.value is None for p in parts) else parts[0]
        if isinstance(e, A.Implies):
            a, b = self(e.left), self(e.right)
            if a.value is False or b.value is True:
                return Truth(True)
            if a.value is True and b.value is False:
                return b
            return Truth(None)
        if isinstance(e, A.Call) and isinstance(e.func, A.Name) and e.func.id in ("convex", "concave") \
                and len(e.args) == 1 and isinstance(e.args[0], A.Lambda) and _kinked(e.args[0].body):
            return self._chord(e.args[0], 1 if e.func.id == "convex" else -1, e.func.id)
        if isinstance(e, A.Call) and isinstance(e.func, A.Name) and e.func.id in ("convex", "concave"):
            return self.exact(e)
        return Truth(None, "only convexity is decided with parabolas here")

    def _chord(self, lam: A.Lambda, sgn: int, word: str) -> Truth:
        dim = self.dims.get(lam.params[0], 1)
        pts = [sp.Integer(v) for v in GRID] if dim == 1 else \
            [sp.ImmutableMatrix([sp.Integer(v)] + [sp.Integer(0)] * (dim - 1)) for v in GRID]

        def f(p):
            v = Evaluator({**self.env, lam.params[0]: p}).value(lam.body)
            return v if isinstance(v, sp.Rational) else None

        half = sp.Rational(1, 2)
        for a, b in product(pts, pts):
            fa, fb, fm = f(a), f(b), f((a + b) * half)
            if None in (fa, fb, fm):
                return Truth(None, "a value is not rational")
            if sgn * fm > sgn * (fa + fb) * half:
                show = (lambda p: show_number(p)) if dim == 1 else \
                    (lambda p: "[" + ", ".join(show_number(x) for x in p) + "]")
                return Truth(False, f"not {word}: at a = {show(a)}, b = {show(b)}, t = 1/2 the value at the midpoint "
                             f"is {show_number(fm)} and the chord is at {show_number((fa + fb) * half)}")
        return Truth(None)


def refute_with_parabolas(claim, formula, abstract) -> Optional[Outcome]:
    """A refutation by parabolas, re-checked exactly; None when none is found."""
    if not _kinked(formula) or len(abstract) > 3:
        return None
    dims = {}
    for v in abstract:
        src = v.sort.source
        if isinstance(src, S.Real):
            dims[v.name] = 1
        elif isinstance(src, S.Vec) and isinstance(src.dim, int):
            dims[v.name] = src.dim
        else:
            return None
    lam_dims = {}
    for node in A.walk(formula):
        if isinstance(node, A.Lambda) and len(node.params) == 1:
            for n in A.walk(node.body):
                if isinstance(n, A.Call) and isinstance(n.func, A.Name) and n.func.id in dims:
                    lam_dims[node.params[0]] = dims[n.func.id]
    for centres in product(CENTRES, repeat=len(abstract)):
        if len(set(centres)) < len(centres):
            continue
        env, witness = {}, {}
        for v, c in zip(abstract, centres):
            env[v.name], witness[v.name] = _parabola(v.name, dims[v.name], c)
        truth = _ChordEvaluator(env, lam_dims)(formula)
        if truth.value is False:
            return Outcome(Verdict.REFUTED, witness=witness, reason=truth.why,
                           method="parabolas as candidates, re-checked exactly in sympy by a chord "
                                  "(parabolas are among the functions the claim ranges over)")
    return None
