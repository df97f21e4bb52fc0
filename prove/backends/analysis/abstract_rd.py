"""Claims about abstract functions g: R^d -> R (d fixed or symbolic), their derivatives included.

Method (run by `abstract_rd_check`).  As in `abstract` (R -> R), the negated claim is sent to Z3 with every
definition it asserts replaced by finitely many instances at chosen terms.  An
instance is implied by the definition (or by a cited theorem, `theorems`), so
the instantiated problem is satisfiable whenever the negated claim is: unsat is
a proof for every function the claim ranges over; sat means nothing, and the
verdict is then `unknown`, never `refuted`.

Points.  For a fixed d a point is a tuple of Z3 reals and |x - y| a fresh real r
with r >= 0 and r^2 = sum (x_i - y_i)^2 (the Euclidean distance exists, so this
adds no constraint on the claim's values).  For a symbolic n (`g: R^n -> R`) a
point is a constant of an uninterpreted sort with the two operations the
definitions need, the segment point seg(a, b, t) = (1 - t) a + t b and the
distance D(a, b), constrained only by facts true in every R^n:
D(a, b) = D(b, a) >= 0, D(a, seg(a, b, t)) = |t| D(a, b), D(b, seg(a, b, t)) = |1 - t| D(a, b).

Derivatives.  A claim that writes a derivative of an abstract g (`grad(g)(x)`,
`diff(g(x), x)`, and `hessian(g)(x)` or `diff(g(x), x, 2)` for g: R -> R) ranges
over the g that are differentiable (twice for a second derivative) everywhere;
a claim that writes none assumes nothing of the kind.  Derivative values are
uninterpreted functions, tied to g only by instances of the definition of the
derivative (first order) and of Taylor's theorem with Peano remainder (second
order, cited), with delta = delta(x, eps) a Skolem function.

Hint terms (the textbook proofs, each a term built from the claim's own):
- convexity and a local minimum at p of radius gam, a point y: the segment point
  z0 = seg(p, y, t0) with t0 = gam / (2 (|y - p| + gam)), which lies inside the ball;
- a derivative at x: eps = |q| / 4 for each derivative value q written at x and
  eps = gap / 4, gap / (2 (|y - x| + 1)) for the gap between the two sides of each
  comparison with a derivative in it; for each eps the steps h = +-m e_i with
  m = min(delta, gam) / 2 (gam: a radius asserted at any point), h = Y - x for
  the point Y that a negated local extremum gives at radius delta, and
  h = t (y - x) with t = min(delta, 1) / (2 (|y - x| + 1)) towards the other points.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import product
from typing import Callable, Optional

import z3

from prove import ast as A
from prove.backends import internal
from prove.backends.analysis import theorems as T
from prove.backends.analysis.encode import AnalysisUnsupported, z_and, z_or
from prove.relations import holds


z_abs = T.z_abs
MAX_UNIVERSAL_INSTANCES = 400


def _min(a, b):
    return z3.If(a <= b, a, b)


@dataclass(frozen=True)
class Row:
    """x^T for a fixed-size vector x, waiting for `@`."""

    coords: tuple


@dataclass
class AbstractFn:
    """An abstract function (or a lambda over them) with the dimension of its argument."""

    name: str
    dim: object  # int, or the name of the symbolic dimension
    apply: Callable  # point -> Z3 real
    z3fun: Optional[z3.FuncDeclRef] = None
    grads: list = field(default_factory=list)
    hess: Optional[z3.FuncDeclRef] = None
    delta1: Optional[z3.FuncDeclRef] = None
    delta2: Optional[z3.FuncDeclRef] = None


@dataclass(frozen=True)
class Deriv:
    """A derivative of order `order` written at point x."""

    fun: AbstractFn
    x: tuple
    order: int


@dataclass(frozen=True)
class Radius:
    flag: object
    fun: AbstractFn
    p: object
    gam: object


@dataclass(frozen=True)
class NegLocal:
    """`not local_min(g, p)` (or max, strict): every radius holds a better point Y(gam)."""

    flag: object
    fun: AbstractFn
    p: object
    better: Callable
    witness: z3.FuncDeclRef  # gam -> coordinate i, one per coordinate (or one opaque point)


@dataclass(frozen=True)
class Universal:
    flag: object
    dims: tuple
    body: Callable  # points -> formula


def _key(p) -> tuple:
    return tuple(c.get_id() for c in p) if isinstance(p, tuple) else (p.get_id(),)


class RdEncoder:
    """Formulas about abstract functions on R^d to Z3 (see the module docstring)."""

    def __init__(self, funcs: dict, points: dict, symbolic: Optional[str], stage: str = "local"):
        self.stage = stage  # "local": steps along the axes and to witnesses; "segment": steps towards points
        self.funcs = funcs
        self.env = dict(points)
        self.symbolic = symbolic
        self.count = 0
        self.side, self.universals, self.convex, self.radii = [], [], [], []
        self.neg_locals, self.derivs, self.gaps, self.triples = [], [], [], []
        self.points = []  # (point, dim)
        self.dists: dict = {}
        self.cited: set = set()
        self.saw_derivative = False
        if symbolic is not None:
            self.P = z3.DeclareSort(internal.name("point"))
            self.D = z3.Function(internal.name("dist"), self.P, self.P, z3.RealSort())
            self.seg_fn = z3.Function(internal.name("seg"), self.P, self.P, z3.RealSort(), self.P)
        for name, v in points.items():
            if isinstance(v, tuple) or (symbolic is not None and v.sort() == self.P):
                self.add_point(v, len(v) if isinstance(v, tuple) else symbolic)
            else:
                self.add_point((v,), 1)

    # ------------------------------------------------------------ helpers

    def fresh(self, base: str):
        self.count += 1
        return z3.Real(internal.name(base, self.count))

    def flag(self):
        self.count += 1
        return z3.Bool(internal.name("lit", self.count))

    def fresh_point(self, base: str, dim):
        if isinstance(dim, int):
            return tuple(self.fresh(base) for _ in range(dim))
        self.count += 1
        return z3.Const(internal.name(base, self.count), self.P)

    def add_point(self, p, dim):
        if all(_key(q) != _key(p) for q, _ in self.points):
            self.points.append((p, dim))

    def dist(self, a, b):
        if isinstance(a, tuple):
            if len(a) == 1:
                return z_abs(a[0] - b[0])
            k = tuple(sorted((_key(a), _key(b))))
            if k not in self.dists:
                r = self.fresh("r")
                self.side.append(z3.And(r >= 0, r * r == sum((x - y) * (x - y) for x, y in zip(a, b))))
                self.dists[k] = r
            return self.dists[k]
        k = tuple(sorted((_key(a), _key(b))))
        if k not in self.dists:
            self.side.append(z3.And(self.D(a, b) == self.D(b, a), self.D(a, b) >= 0))
            self.dists[k] = self.D(a, b)
        return self.dists[k]

    def know_dist(self, a, b, value):
        self.dists[tuple(sorted((_key(a), _key(b))))] = value

    def seg(self, a, b, t):
        """(1 - t) a + t b, with its distances to a and b known."""
        if isinstance(a, tuple):
            s = tuple((1 - t) * x + t * y for x, y in zip(a, b))
            if len(a) > 1:
                self.know_dist(a, s, z_abs(t) * self.dist(a, b))
            return s
        s = self.seg_fn(a, b, t)
        dab = self.dist(a, b)
        self.side.append(z3.And(self.dist(a, s) == z_abs(t) * dab, self.dist(b, s) == z_abs(1 - t) * dab))
        return s

    def same(self, a, b):
        return z_and(x == y for x, y in zip(a, b)) if isinstance(a, tuple) else a == b

    def as_point(self, v, dim):
        if isinstance(dim, int):
            if dim == 1 and not isinstance(v, tuple):
                return (v,)
            if isinstance(v, tuple) and len(v) == dim:
                return v
        elif not isinstance(v, tuple) and not isinstance(v, Row) and v.sort() == self.P:
            return v
        raise AnalysisUnsupported(f"a point of R^{dim} was expected")

    # ------------------------------------------------------------ terms

    def term(self, e, env=None):
        env = self.env if env is None else env
        if isinstance(e, A.Num):
            return z3.RealVal(f"{e.value.numerator}/{e.value.denominator}")
        if isinstance(e, A.Name):
            if e.id in env:
                return env[e.id]
            raise AnalysisUnsupported(f"{e.id} has no value here")
        if isinstance(e, A.ListLit):
            return tuple(self.term(i, env) for i in e.items)
        if isinstance(e, A.Index) and len(e.indices) == 1 and isinstance(e.indices[0], A.Num):
            v = self.term(e.base, env)
            if isinstance(v, tuple):
                return v[int(e.indices[0].value) - 1]
        if isinstance(e, A.Neg):
            return self._scale(-1, self.term(e.operand, env))
        if isinstance(e, A.BinOp) and e.op == "^" and isinstance(e.right, A.Name) and e.right.id == "T":
            v = self.term(e.left, env)
            return Row(v if isinstance(v, tuple) else (v,))
        if isinstance(e, A.BinOp) and e.op == "+":
            s = self._segment(e, env)
            if s is not None:
                return s
        if isinstance(e, A.BinOp) and e.op in "+-*/@":
            return self._binop(e.op, self.term(e.left, env), self.term(e.right, env))
        if isinstance(e, A.BinOp) and e.op == "^" and isinstance(e.right, A.Num) and e.right.value.denominator == 1 \
                and e.right.value >= 0:
            base, out = self._scalar(self.term(e.left, env)), z3.RealVal(1)
            for _ in range(int(e.right.value)):
                out = out * base
            return out
        if isinstance(e, A.Call) and isinstance(e.func, A.Name) and e.func.id in ("min", "max", "abs"):
            xs = [self._scalar(self.term(a, env)) for a in e.args]
            if e.func.id == "abs" and len(xs) == 1:
                return z_abs(xs[0])
            if len(xs) == 2:
                a, b = xs
                return z3.If(a <= b, a, b) if e.func.id == "min" else z3.If(a >= b, a, b)
        if isinstance(e, A.Call) and isinstance(e.func, A.Name) and e.func.id in self.funcs and len(e.args) == 1:
            f = self.funcs[e.func.id]
            return f.apply(self.as_point(self.term(e.args[0], env), f.dim))
        if isinstance(e, A.Call) and isinstance(e.func, A.Call) and isinstance(e.func.func, A.Name) \
                and e.func.func.id in ("grad", "hessian") and len(e.func.args) == 1 and len(e.args) == 1:
            f = self._named(e.func.args[0])
            x = self.as_point(self.term(e.args[0], env), f.dim)
            return self.derivative(f, x, 1 if e.func.func.id == "grad" else 2)
        if isinstance(e, A.Call) and isinstance(e.func, A.Name) and e.func.id == "diff" and len(e.args) in (2, 3):
            return self._diff(e, env)
        raise AnalysisUnsupported(f"{type(e).__name__} is not taken in claims about abstract functions on R^d")

    def _segment(self, e, env):
        """(1 - t)*a + t*b with a, b points: seg(a, b, t) (its distances known)."""
        left, right = e.left, e.right
        if not (isinstance(left, A.BinOp) and left.op == "*" and isinstance(right, A.BinOp) and right.op == "*"):
            return None
        w = left.left
        if not (isinstance(w, A.BinOp) and w.op == "-" and isinstance(w.left, A.Num) and w.left.value == 1
                and w.right == right.left):
            return None
        t = self._scalar(self.term(right.left, env))
        a, b = self.term(left.right, env), self.term(right.right, env)
        if isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b) and len(a) > 1 or \
                self.symbolic is not None and not isinstance(a, (tuple, Row)) and a.sort() == self.P:
            dim = len(a) if isinstance(a, tuple) else self.symbolic
            s = self.seg(a, b, t)
            self.triples.append((a, b, t, dim))
            self.add_point(s, dim)
            return s
        if z3.is_arith(a) and z3.is_arith(b):
            self.triples.append(((a,), (b,), t, 1))
            return (1 - t) * a + t * b
        return None

    def _scalar(self, v):
        if isinstance(v, tuple) and len(v) == 1:
            return v[0]
        if isinstance(v, (tuple, Row)) or not z3.is_arith(v):
            raise AnalysisUnsupported("a number was expected, not a vector")
        return v

    def _scale(self, c, v):
        if isinstance(v, tuple):
            return tuple(c * x for x in v)
        return c * self._scalar(v)

    def _binop(self, op, a, b):
        if op == "@":
            if isinstance(a, Row) and isinstance(b, tuple) and len(a.coords) == len(b):
                return sum((x * y for x, y in zip(a.coords, b)), z3.RealVal(0))
            if isinstance(a, Row) and len(a.coords) == 1:
                return a.coords[0] * self._scalar(b)
            raise AnalysisUnsupported("only x^T @ y is taken between vectors here")
        if isinstance(a, tuple) or isinstance(b, tuple):
            if op in "+-" and isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b):
                return tuple(x + y if op == "+" else x - y for x, y in zip(a, b))
            if op == "*" and not isinstance(a, tuple):
                return self._scale(self._scalar(a), b)
            if op in "*/" and not isinstance(b, tuple):
                s = self._scalar(b)
                return tuple(x * s if op == "*" else x / s for x in a)
            raise AnalysisUnsupported(f"{op} between these vectors is not taken here")
        a, b = self._scalar(a), self._scalar(b)
        return {"+": a + b, "-": a - b, "*": a * b, "/": a / b}[op]

    def _named(self, e) -> AbstractFn:
        if isinstance(e, A.Name) and e.id in self.funcs and self.funcs[e.id].z3fun is not None:
            return self.funcs[e.id]
        raise AnalysisUnsupported("derivatives are taken of an abstract function by its name here")

    def _diff(self, e, env):
        """diff(g(v), v) and diff(g(v), v, 2) with v a real variable and g: R -> R."""
        inner, var = e.args[0], e.args[1]
        order = 1
        if len(e.args) == 3:
            if not (isinstance(e.args[2], A.Num) and e.args[2].value in (1, 2)):
                raise AnalysisUnsupported("derivatives of order 1 and 2 are taken of abstract functions")
            order = int(e.args[2].value)
        if not (isinstance(var, A.Name) and isinstance(inner, A.Call) and inner.args == (var,)):
            raise AnalysisUnsupported("diff of an abstract function is taken as diff(g(w), w) here")
        f = self._named(inner.func)
        if f.dim != 1:
            raise AnalysisUnsupported("diff(g(w), w) takes g: R -> R; use grad(g)(p) in several variables")
        return self.derivative(f, self.as_point(self.term(var, env), 1), order)

    def derivative(self, f: AbstractFn, x: tuple, order: int):
        if not isinstance(f.dim, int):
            raise AnalysisUnsupported("derivatives of g: R^n -> R with a symbolic n are not encoded")
        if order == 2 and f.dim != 1:
            raise AnalysisUnsupported("second derivatives of abstract functions are taken in one variable here")
        self.saw_derivative = True
        if not f.grads:
            f.grads = [z3.Function(internal.name(f.name, "d", i + 1), *([z3.RealSort()] * (f.dim + 1)))
                       for i in range(f.dim)]
            f.delta1 = z3.Function(internal.name(f.name, "delta1"), *([z3.RealSort()] * (f.dim + 2)))
        if order == 2 and f.hess is None:
            f.hess = z3.Function(internal.name(f.name, "dd"), z3.RealSort(), z3.RealSort())
            f.delta2 = z3.Function(internal.name(f.name, "delta2"), z3.RealSort(), z3.RealSort(), z3.RealSort())
        if all(_key(d.x) != _key(x) or d.fun is not f or d.order != order for d in self.derivs):
            self.derivs.append(Deriv(f, x, order))
        if order == 2:
            return f.hess(x[0])
        g = tuple(gi(*x) for gi in f.grads)
        return g[0] if f.dim == 1 else g

    def function(self, e, env=None) -> AbstractFn:
        env = self.env if env is None else env
        if isinstance(e, A.Name) and e.id in self.funcs:
            return self.funcs[e.id]
        if isinstance(e, A.Lambda) and len(e.params) == 1:
            dim = self._lambda_dim(e)
            return AbstractFn("<lambda>", dim, lambda p: self.term(
                e.body, {**env, e.params[0]: p[0] if isinstance(p, tuple) and len(p) == 1 else p}))
        raise AnalysisUnsupported("abstract-function claims take functions of one argument")

    def _lambda_dim(self, e: A.Lambda):
        for node in A.walk(e.body):
            if isinstance(node, A.Call) and isinstance(node.func, A.Name) and node.func.id in self.funcs \
                    and node.args == (A.Name(e.params[0], span=node.span),):
                return self.funcs[node.func.id].dim
        return 1

    # ------------------------------------------------------------ formulas

    def formula(self, e, positive: bool, env=None):
        env = self.env if env is None else env
        if isinstance(e, (A.And, A.Or)):
            parts = [self.formula(o, positive, env) for o in e.operands]
            return z_and(parts) if isinstance(e, A.And) == positive else z_or(parts)
        if isinstance(e, A.Not):
            return self.formula(e.operand, not positive, env)
        if isinstance(e, A.Implies):
            if positive:
                return z_or([self.formula(e.left, False, env), self.formula(e.right, True, env)])
            return z_and([self.formula(e.left, True, env), self.formula(e.right, False, env)])
        if isinstance(e, A.Iff):
            a, na, b, nb = (self.formula(e.left, True, env), self.formula(e.left, False, env),
                            self.formula(e.right, True, env), self.formula(e.right, False, env))
            return z_or([z_and([a, b]), z_and([na, nb])]) if positive else z_or([z_and([a, nb]), z_and([na, b])])
        if isinstance(e, A.Compare):
            before = self.saw_derivative
            self.saw_derivative = False
            vals = [self.term(o, env) for o in e.operands]
            if any(isinstance(v, tuple) and len(v) > 1 for v in vals):
                if len(vals) != 2 or e.ops[0] not in ("=", "!="):
                    raise AnalysisUnsupported("vectors are compared with = and != here")
                a, b = (v if isinstance(v, tuple) else None for v in vals)
                a = a or tuple(self._scalar(vals[0]) for _ in b)
                b = b or tuple(self._scalar(vals[1]) for _ in a)
                f = z_and(x == y for x, y in zip(a, b))
                self.saw_derivative = self.saw_derivative or before
                return f if positive == (e.ops[0] == "=") else z3.Not(f)
            vals = [self._scalar(v) for v in vals]
            if self.saw_derivative:
                self.gaps += [z_abs(a - b) for a, b in zip(vals, vals[1:])]
            self.saw_derivative = self.saw_derivative or before
            f = z_and(holds(a, op, b) for op, a, b in zip(e.ops, vals, vals[1:]))
            return f if positive else z3.Not(f)
        if isinstance(e, A.Quant):
            return self.quantifier(e, positive, env)
        if isinstance(e, A.Call) and isinstance(e.func, A.Name):
            return self.predicate(e.func.id, e.args, positive, env)
        raise AnalysisUnsupported(f"{type(e).__name__} is not taken in claims about abstract functions on R^d")

    def _binder_dim(self, b: A.Binder):
        d = b.domain
        if b.where is not None or b.bound is not None or not isinstance(d, A.Space) or d.field_ != "R":
            raise AnalysisUnsupported("quantifiers over R or R^d without conditions are taken here")
        if d.shape == ():
            return 1
        if len(d.shape) == 1:
            k = d.shape[0]
            if isinstance(k, int) or k == self.symbolic:
                return k
        raise AnalysisUnsupported("quantifiers over R or R^d are taken here")

    def quantifier(self, e: A.Quant, positive: bool, env):
        if e.kind not in ("forall", "exists"):
            raise AnalysisUnsupported("exists! is not taken with abstract functions")
        dims = tuple(self._binder_dim(b) for b in e.binders)
        names = [b.name for b in e.binders]

        def bind(pts):
            return {**env, **{n: (p[0] if isinstance(p, tuple) and len(p) == 1 else p) for n, p in zip(names, pts)}}

        if (e.kind == "forall") == positive:  # a universal: instantiated at the point terms
            flag = self.flag()
            self.universals.append(Universal(flag, dims, lambda pts: self.formula(e.body, positive, bind(pts))))
            return flag
        pts = [self.fresh_point(n, d) for n, d in zip(names, dims)]
        for p, d in zip(pts, dims):
            self.add_point(p, d)
        return self.formula(e.body, positive, bind(pts))

    def predicate(self, name, args, positive, env):
        flag = self.flag()
        if name in ("convex", "concave"):
            g = self.function(args[0], env)
            sgn = 1 if name == "convex" else -1
            if positive:
                self.convex.append((flag, g, sgn))
            else:
                a, b, t = self.fresh_point("a", g.dim), self.fresh_point("b", g.dim), self.fresh("t")
                z = self.seg(a, b, t)
                self.side.append(z3.Implies(flag, z3.And(0 <= t, t <= 1, sgn * g.apply(z) > sgn * (
                    (1 - t) * g.apply(a) + t * g.apply(b)))))
                self.triples.append((a, b, t, g.dim))
                for p in (a, b, z):
                    self.add_point(p, g.dim)
            return flag
        if name in ("psd", "pd", "nsd", "nd") and len(args) == 1:
            v = self._scalar(self.term(args[0], env))
            f = {"psd": v >= 0, "pd": v > 0, "nsd": v <= 0, "nd": v < 0}[name]
            return f if positive else z3.Not(f)
        if name == "stationary" and len(args) == 2:
            g = self._named(args[0])
            grad = self.derivative(g, self.as_point(self.term(args[1], env), g.dim), 1)
            f = z_and(c == 0 for c in (grad if isinstance(grad, tuple) else (grad,)))
            return f if positive else z3.Not(f)
        if name in ("local_min", "local_max", "strict_local_min", "strict_local_max", "global_min", "global_max"):
            return self._extremum(name, args, positive, env, flag)
        raise AnalysisUnsupported(f"{name} of an abstract function on R^d is not encoded here")

    def _extremum(self, name, args, positive, env, flag):
        g = self.function(args[0], env)
        p = self.as_point(self.term(args[1], env), g.dim)
        sgn = 1 if name.endswith("min") else -1
        strict = name.startswith("strict")

        def worse_or_eq(y):
            f = sgn * g.apply(p) <= sgn * g.apply(y)
            return z3.Or(self.same(y, p), sgn * g.apply(p) < sgn * g.apply(y)) if strict else f

        def better(y):
            return z3.And(z3.Not(self.same(y, p)), sgn * g.apply(y) <= sgn * g.apply(p)) if strict \
                else sgn * g.apply(y) < sgn * g.apply(p)

        if name.startswith("global"):
            if positive:
                self.universals.append(Universal(flag, (g.dim,), lambda pts: worse_or_eq(pts[0])))
            else:
                y = self.fresh_point("y", g.dim)
                self.side.append(z3.Implies(flag, better(y)))
                self.add_point(y, g.dim)
            return flag
        if positive:
            gam = self.fresh("gam")
            self.side.append(z3.Implies(flag, gam > 0))
            self.universals.append(Universal(flag, (g.dim,), lambda pts: z3.Implies(
                self.dist(pts[0], p) < gam, worse_or_eq(pts[0]))))
            self.radii.append(Radius(flag, g, p, gam))
        else:
            k = g.dim if isinstance(g.dim, int) else 1
            sort = z3.RealSort() if isinstance(g.dim, int) else self.P
            self.count += 1
            wit = tuple(z3.Function(internal.name("Y", self.count, i), z3.RealSort(), sort) for i in range(k))
            self.neg_locals.append(NegLocal(flag, g, p, better, wit))
        return flag

    # ------------------------------------------------------------ instances

    def witness_at(self, n: NegLocal, gam):
        y = tuple(w(gam) for w in n.witness) if isinstance(n.fun.dim, int) else n.witness[0](gam)
        self.side.append(z3.Implies(z3.And(n.flag, gam > 0), z3.And(self.dist(y, n.p) < gam, n.better(y))))
        self.add_point(y, n.fun.dim)
        return y

    def instances(self) -> list:
        for n in self.neg_locals:
            self.witness_at(n, z3.RealVal(1))
        self._derivative_instances()
        for r in self.radii:  # convexity between p and a better point, inside the ball
            for y, d in list(self.points):
                if d != r.fun.dim or _key(y) == _key(r.p):
                    continue
                t0 = r.gam / (2 * (self.dist(y, r.p) + r.gam))
                z0 = self.seg(r.p, y, t0)
                self.triples.append((r.p, y, t0, d))
                self.add_point(z0, d)
        out = []
        for flag, g, sgn in self.convex:
            triples = list(self.triples)
            pts = [p for p, d in self.points if d == g.dim][:6]
            half = z3.RealVal("1/2")
            triples += [(a, b, half, g.dim) for i, a in enumerate(pts) for b in pts[i + 1:]]
            for a, b, t, d in triples:
                if d != g.dim:
                    continue
                z = self.seg(a, b, t)
                out.append(z3.Implies(z3.And(flag, 0 <= t, t <= 1),
                                      sgn * g.apply(z) <= sgn * ((1 - t) * g.apply(a) + t * g.apply(b))))
        for u in list(self.universals):
            pools = [[p for p, d in self.points if d == dim] for dim in u.dims]
            for i, pts in enumerate(product(*pools)):
                if i >= MAX_UNIVERSAL_INSTANCES:
                    break
                out.append(z3.Implies(u.flag, u.body(pts)))
        return out + self.side

    def _derivative_instances(self):
        seen = set()
        for dv in list(self.derivs):
            f, x = dv.fun, dv.x
            grad = [gi(*x) for gi in f.grads]
            qs = grad + ([f.hess(x[0])] if dv.order == 2 else [])
            # (eps, the point y to step towards, or None for the steps along the axes and to witnesses)
            plans = [(z_abs(q) / 4, None) for q in qs] if self.stage == "local" else []
            plans += [] if self.stage == "local" else [(gap / (2 * (self.dist(x, y) + 1)), y) for gap in self.gaps
                      for y, d in list(self.points) if d == f.dim and _key(y) != _key(x)]
            for eps, towards in plans:
                key = (eps.get_id(), dv.order, _key(x))
                if key in seen:
                    continue
                seen.add(key)
                if dv.order == 1:
                    self.cited.add(T.DERIVATIVE.key)
                    delta = f.delta1(*x, eps)
                else:
                    self.cited.add(T.TAYLOR_PEANO_2.key)
                    delta = f.delta2(x[0], eps)
                self.side.append(T.delta_positive(eps, delta))
                steps = []  # (h, |h|)
                if towards is None:
                    for m in [delta / 2] + [_min(delta, r.gam) / 2 for r in self.radii if r.fun.dim == f.dim]:
                        for i in range(f.dim):
                            for s in (1, -1):
                                steps.append((tuple(s * m if j == i else z3.RealVal(0) for j in range(f.dim)), m))
                    for n in self.neg_locals:
                        if n.fun.dim == f.dim:
                            y = self.witness_at(n, delta)
                            steps.append((tuple(a - b for a, b in zip(y, x)), self.dist(y, x)))
                else:
                    y = towards
                    t = _min(delta, 1) / (2 * (self.dist(x, y) + 1))
                    steps.append((tuple(t * (a - b) for a, b in zip(y, x)), t * self.dist(x, y)))
                    self.triples.append((x, y, t, f.dim))
                for h, norm in steps:
                    y = tuple(a + b for a, b in zip(x, h))
                    if f.dim > 1:
                        self.know_dist(y, x, norm)
                    self.add_point(y, f.dim)
                    g_at = (lambda pt, f=f: f.apply(tuple(pt)))
                    if dv.order == 1:
                        self.side.append(T.derivative_instance(g_at, list(x), grad, eps, list(h), norm, delta))
                    else:
                        self.side.append(T.taylor2_instance(g_at, x[0], grad[0], f.hess(x[0]), eps, h[0], delta))
