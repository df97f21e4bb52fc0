"""Identities over vectors of any length: `forall n >= 1, z in R^n, i in 1..n`.

A vector is an IndexedBase `z` with entries `z[i]`, a sum over its indices a
SymPy `Sum` kept unevaluated, an index an integer symbol with its declared
range.  Differentiating a sum gives sums of `KroneckerDelta`, which are
settled here by the declared ranges (SymPy's own `doit` would leave
`Piecewise(..., (j >= 1) & (j <= n))` residues); what remains is a rational
function of entries, exponentials and opaque sums, reduced to 0 with the same
exact rewriting as the concrete backend, once for every way the indices can
coincide (i = j or i != j).

The translation and the reading of the claim are here, the normal form of
sums and the proof by index cases in `sums`.

Entry point: `attempt(claim)`, an `Outcome` or None when this route does not
apply or cannot prove the claim (the caller then falls back to instances).
A proof for symbolic n is only reported after the claim is also proved
exactly for n = 1..4 by the concrete backend; a proof for a concrete large n
is cross-checked entry by entry at exact points.
"""

from __future__ import annotations

import math
from typing import Optional

import sympy as sp

from prove import ast as A
from prove import sorts as S
from prove.backends.identity import concrete
from prove.backends import internal
from prove.backends.identity.instances import enumerate_sizes, user_symbol
from prove.backends.identity.sums import Context, NotSymbolic, SVec, at_least, normalise, zero_in_every_case
from prove.backends.identity.sympy_translate import CONSTANTS, SCALAR, Untranslatable
from prove.verdict import Outcome, Verdict
from prove.vocabulary import SCALAR_KINKS

CROSS_DIMS = range(1, 5)  # a symbolic proof is re-done exactly for four sizes (n = 1..4 for n >= 1)
LARGE = 16  # concrete claims with more index instances than this try the symbolic route
MAX_INDEX_VARS = 5


# ----------------------------------------------------------- translation


class ToIndexedSums:
    """AST -> SymPy with symbolic lengths, one method per node."""

    def __init__(self, ctx: Context, env: Optional[dict] = None):
        self.ctx = ctx
        self.env = ctx.env if env is None else env

    def child(self, extra: dict) -> "ToIndexedSums":
        return ToIndexedSums(self.ctx, {**self.env, **extra})

    def __call__(self, node):
        method = getattr(self, "t_" + type(node).__name__, None)
        if method is None:
            raise NotSymbolic(f"{type(node).__name__} is not taken by the symbolic route")
        return method(node)

    def t_Num(self, n: A.Num):
        return sp.Rational(n.value.numerator, n.value.denominator)

    def t_Name(self, n: A.Name):
        if n.id in self.env:
            return self.env[n.id]
        if n.id in CONSTANTS:
            return CONSTANTS[n.id]
        raise NotSymbolic(f"{n.id} has no value here")

    def t_Neg(self, n: A.Neg):
        return _map1(self(n.operand), lambda x: -x)

    def t_BinOp(self, n: A.BinOp):
        a, b = self(n.left), self(n.right)
        ops = {"+": lambda x, y: x + y, "-": lambda x, y: x - y, "*": lambda x, y: x * y,
               "/": lambda x, y: x / y, "^": lambda x, y: sp.Pow(x, y)}
        if n.op not in ops:
            raise NotSymbolic(f"operator {n.op} is not taken by the symbolic route")
        return _map2(a, b, ops[n.op])

    def t_Index(self, n: A.Index):
        base = self(n.base)
        if not isinstance(base, SVec) or len(n.indices) != 1:
            raise NotSymbolic("only vectors are indexed in the symbolic route")
        return base.entry(self(n.indices[0]))

    def t_Call(self, n: A.Call):
        if not isinstance(n.func, A.Name):
            raise NotSymbolic("only named functions are applied in the symbolic route")
        name = n.func.id
        if name in SCALAR and name not in SCALAR_KINKS and len(n.args) == 1:
            return _map1(self(n.args[0]), SCALAR[name])
        method = getattr(self, "f_" + name, None)
        if method is None:
            raise NotSymbolic(f"{name} is not taken by the symbolic route")
        return method(n)

    def f_softmax(self, n):
        v = self._vec(n.args[0])
        k = self.ctx.fresh_index(v.dim)
        total = sp.Sum(sp.exp(v.entry(k)), (k, 1, v.dim))
        return SVec(v.dim, lambda i: sp.exp(v.entry(i)) / total)

    def f_logsumexp(self, n):
        v = self._vec(n.args[0])
        k = self.ctx.fresh_index(v.dim)
        return sp.log(sp.Sum(sp.exp(v.entry(k)), (k, 1, v.dim)))

    def f_sum(self, n):
        if len(n.args) == 1:
            v = self._vec(n.args[0])
            k = self.ctx.fresh_index(v.dim)
            return sp.Sum(v.entry(k), (k, 1, v.dim))
        first, term = n.args
        if isinstance(first, A.ArgBinder):
            if not isinstance(first.domain, A.Range):
                raise NotSymbolic("a sum runs over a range")
            var, low, high = first.name, self(first.domain.low), self(first.domain.high)
        elif isinstance(first, A.Name):
            var, low, high = first.id, sp.Integer(1), self._range_of(term, first.id)
        else:
            raise NotSymbolic("the first argument of sum names the index")
        if not at_least(high - low + 1, self.ctx):
            # SymPy's Sum over b < a - 1 is minus a sum (Karr), the claim's is 0
            raise NotSymbolic(f"the range of the sum over {var} may be empty here")
        k = self.ctx.fresh_index(high, low)
        body = self.child({var: k})(term)
        if isinstance(body, SVec):
            raise NotSymbolic("sums of vectors are not taken by the symbolic route")
        return sp.Sum(body, (k, low, high))

    def _range_of(self, term, var):
        dims = set()
        for node in A.walk(term):
            if isinstance(node, A.Index) and any(isinstance(i, A.Name) and i.id == var for i in node.indices):
                probe = self.child({var: sp.Integer(1)})
                base = probe(node.base)
                if isinstance(base, SVec):
                    dims.add(base.dim)
        if len(dims) != 1:
            raise NotSymbolic(f"cannot tell the range of the sum over {var}")
        return dims.pop()

    def f_delta(self, n):
        i, j = (self(a) for a in n.args)
        return sp.KroneckerDelta(i, j)

    def f_dot(self, n):
        a, b = (self._vec(x) for x in n.args)
        k = self.ctx.fresh_index(a.dim)
        return sp.Sum(a.entry(k) * b.entry(k), (k, 1, a.dim))

    def f_diff(self, n):
        if len(n.args) != 2:
            raise NotSymbolic("higher derivatives are not taken by the symbolic route")
        expr = self(n.args[0])
        x = self(n.args[1])
        if not isinstance(x, (sp.Symbol, sp.Indexed)):
            raise NotSymbolic("a derivative is taken with respect to a variable")
        return _map1(expr, lambda e: sp.diff(e, x))

    def f_grad(self, n):
        if len(n.args) != 2:
            raise NotSymbolic("grad of a function is not taken by the symbolic route")
        expr = self(n.args[0])
        x = self(n.args[1])
        if isinstance(expr, SVec):
            raise NotSymbolic("grad takes a scalar expression")
        if isinstance(x, SVec):
            return SVec(x.dim, lambda i: sp.diff(expr, x.entry(i)))
        return sp.diff(expr, x)

    def _vec(self, node) -> SVec:
        v = self(node)
        if not isinstance(v, SVec):
            raise NotSymbolic("a vector was expected here")
        return v


def _map1(a, fn):
    if isinstance(a, SVec):
        return SVec(a.dim, lambda i: fn(a.entry(i)))
    return fn(a)


def _map2(a, b, fn):
    if isinstance(a, SVec) and isinstance(b, SVec):
        if sp.simplify(a.dim - b.dim) != 0:
            raise NotSymbolic("vectors of different lengths")
        return SVec(a.dim, lambda i: fn(a.entry(i), b.entry(i)))
    if isinstance(a, SVec):
        return SVec(a.dim, lambda i: fn(a.entry(i), b))
    if isinstance(b, SVec):
        return SVec(b.dim, lambda i: fn(a, b.entry(i)))
    return fn(a, b)


# ------------------------------------------------------------ the claim


def _context(claim, dims_symbolic: bool) -> Context:
    ctx = Context()
    for v in claim.variables:
        if isinstance(v.sort, S.Int) and v.domain is None:
            if not dims_symbolic:
                raise NotSymbolic("dimension variables are instantiated")
            sym = user_symbol(v.name, integer=True, positive=True) if _at_least_one(v) else None
            if sym is None:
                raise NotSymbolic(f"the dimension {v.name} needs a lower bound of at least 1")
            op, k = v.bound[0], v.bound[1].value
            low = sp.Integer(math.floor(k) + 1 if op == ">" else math.ceil(k))
            ctx.dim_bounds[sym] = (low, low if op == "=" else None)
            ctx.dims[v.name] = sym
            ctx.env[v.name] = sym
    for v in claim.variables:
        if v.name in ctx.env:
            continue
        if isinstance(v.sort, S.Int) and isinstance(v.domain, A.Range):
            low = ToIndexedSums(ctx)(v.domain.low)
            high = ToIndexedSums(ctx)(v.domain.high)
            sym = user_symbol(v.name, integer=True)
            ctx.ranges[sym] = (low, high)
            ctx.env[v.name] = sym
        elif isinstance(v.sort, S.Vec):
            dim = ctx.dims.get(v.sort.dim, v.sort.dim) if isinstance(v.sort.dim, str) else sp.Integer(v.sort.dim)
            base = sp.IndexedBase(v.name, real=True)
            ctx.env[v.name] = SVec(dim, lambda i, base=base: base[i])
        elif S.is_number(v.sort):
            ctx.env[v.name] = user_symbol(v.name, real=True)
        else:
            raise NotSymbolic(f"{v.name} is {v.sort}, which the symbolic route does not take")
    return ctx


def _at_least_one(v) -> bool:
    if v.bound is None:
        return False
    op, expr = v.bound
    if not isinstance(expr, A.Num):
        return False
    k = expr.value
    return (op == ">=" and k >= 1) or (op == ">" and k >= 0) or (op == "=" and k >= 1)


def _hypotheses(claim, tr: ToIndexedSums, ctx: Context) -> None:
    for hyp in claim.hypotheses:
        for h in (hyp.operands if isinstance(hyp, A.And) else (hyp,)):
            if not isinstance(h, A.Compare) or len(h.ops) != 1:
                raise NotSymbolic("only single equations and index conditions are taken as hypotheses")
            a, b = (tr(o) for o in h.operands)
            op = h.ops[0]
            if isinstance(a, sp.Symbol) and isinstance(b, sp.Symbol) and a in ctx.ranges and b in ctx.ranges:
                if op == "!=":
                    ctx.distinct.append((a, b))
                    continue
                if op == "=":
                    ctx.equal.append((a, b))
                    continue
            if op != "=" or isinstance(a, SVec) or isinstance(b, SVec):
                raise NotSymbolic("only scalar equations are taken as hypotheses")
            d = normalise(a - b, ctx)
            sums = [s for s in d.atoms(sp.Sum)]
            for s in sums:
                h = sp.Dummy("h")
                coeff = sp.diff(d.xreplace({s: h}), h)
                if coeff.is_number and coeff != 0:
                    value = sp.expand(s - d / coeff)
                    if s not in value.atoms(sp.Sum):
                        ctx.sum_subs[s] = value
                        break
            else:
                raise NotSymbolic("a hypothesis could not be used as a rewrite of a sum")


def _goals(body, tr: ToIndexedSums, ctx: Context) -> list:
    if isinstance(body, A.And):
        return [g for e in body.operands for g in _goals(e, tr, ctx)]
    if not isinstance(body, A.Compare):
        raise NotSymbolic("the symbolic route takes equations")
    sides = [tr(o) for o in body.operands]
    goals = []
    for op, a, b in zip(body.ops, sides, sides[1:]):
        if op != "=":
            raise NotSymbolic("the symbolic route proves equations only")
        if isinstance(a, SVec) or isinstance(b, SVec):
            dim = a.dim if isinstance(a, SVec) else b.dim
            e = internal.symbol("e", next(ctx.counter), integer=True)
            ctx.ranges[e] = (sp.Integer(1), dim)
            av = a.entry(e) if isinstance(a, SVec) else a
            bv = b.entry(e) if isinstance(b, SVec) else b
            goals.append(av - bv)
        else:
            goals.append(a - b)
    return goals


def prove_symbolically(claim, dims_symbolic: bool = True) -> bool:
    """True when every goal of the claim reduces to 0 in every index case."""
    ctx = _context(claim, dims_symbolic)
    tr = ToIndexedSums(ctx)
    _hypotheses(claim, tr, ctx)
    goals = _goals(claim.body, tr, ctx)
    for d in goals:  # a loop, not a generator: an exception from SymPy keeps its own type
        if not zero_in_every_case(d, ctx):
            return False
    return True


# ------------------------------------------------------------------ entry


def applies(claim) -> str:
    """'symbolic' when a dimension is a variable, 'large' when concrete index
    ranges give many instances, '' otherwise."""
    ints = [v for v in claim.variables if isinstance(v.sort, S.Int)]
    if any(v.domain is None for v in ints):
        return "symbolic"
    if len(ints) > MAX_INDEX_VARS:
        return ""
    count = 1
    for v in ints:
        if isinstance(v.domain, A.Range) and isinstance(v.domain.low, A.Num) and isinstance(v.domain.high, A.Num):
            count *= max(0, int(v.domain.high.value) - int(v.domain.low.value) + 1)
        else:
            return ""
    if count > LARGE and any(isinstance(v.sort, S.Vec) for v in claim.variables):
        return "large"
    return ""


def attempt(claim) -> Optional[Outcome]:
    kind = applies(claim)
    if not kind:
        return None
    try:
        ok = prove_symbolically(claim, dims_symbolic=(kind == "symbolic"))
    except (NotSymbolic, TypeError, ValueError, AttributeError, NotImplementedError):
        return None
    if not ok:
        if kind == "symbolic":  # a wrong claim: find the smallest n that shows it
            try:
                return concrete.quick_refutation(claim, CROSS_DIMS)
            except Untranslatable:
                return None
        return None
    if kind == "symbolic":
        check = concrete.check_instances(claim, CROSS_DIMS)
        if check.verdict is Verdict.REFUTED:
            return Outcome(Verdict.REFUTED, method=check.method + " (the symbolic proof did not survive n = 1..4)",
                           witness=check.witness)
        if check.verdict not in (Verdict.PROVED, Verdict.VERIFIED):
            return None
        names = ", ".join(v.name for v in claim.variables if isinstance(v.sort, S.Int) and v.domain is None)
        return Outcome(Verdict.PROVED, method=(f"sympy: proved for every {names} with indexed symbols and sums, "
                                               f"index ranges settle the deltas; re-proved exactly for "
                                               f"{enumerate_sizes(claim, CROSS_DIMS).bound()}"))
    refuted = concrete.cross_check_entries(claim)
    if refuted is not None:
        return refuted
    return Outcome(Verdict.PROVED, method=("sympy: proved for every index with indexed symbols and sums; "
                                           "cross-checked entry by entry at exact points"))
