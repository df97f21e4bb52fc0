"""Abstract functions (`f: R^2 -> R`, `r: R -> R^2`): any smooth function.

They are SymPy undefined functions.  Their derivatives come out of SymPy in
several spellings (`Derivative(f(r#1(t), r#2(t)), r#1(t))`,
`Subs(Derivative(f(u, r#2(t)), u), u, r#1(t))`); `canonical` writes each as one
applied function per partial derivative, `f#d1_0(r#1(t), r#2(t))`, so that
equal derivatives are equal atoms.  Every atom invented here has a name no
claim can spell (`prove.backends.internal`), so a user's `f_d1` or `r1` stays
a function of its own.  A difference that reduces to 0 with
these atoms independent is 0 for every function.

Counterexamples are concrete functions (polynomials, exp, cos/sin) put in
for the abstract ones; a refutation is re-checked by translating the claim
again from its syntax tree with the concrete functions as values.
"""

from __future__ import annotations

import itertools
import math
from typing import Optional

import sympy as sp
from sympy.core.function import AppliedUndef

from prove import sorts as S
from prove.backends.identity import instances as I
from prove.backends.base import Deadline, Limits
from prove.backends.identity import points as P
from prove.backends.identity import region as R
from prove.backends import internal
from prove.backends.identity.exact import rewrites_to_zero, show_expr
from prove.backends.identity.instances import matrix_part, vector_part
from prove.backends.identity.sympy_translate import Fn, ToSympy, _spread, is_matrix
from prove.backends.identity.undefined import outside_domain
from prove.verdict import Outcome, Verdict

MAX_COMBOS = 80
CROSS_COMBOS = 12  # concrete functions tried against a proof
QUICK_COMBOS = 2  # tried before any simplifying: a wrong rule usually fails for the first ones

_DERIVED: dict = {}  # canonical derivative name -> (base name, counts)


def function_names(claim) -> dict:
    """Abstract function variables of the claim: name -> Fun sort."""
    return {v.name: v.sort for v in claim.variables
            if isinstance(v.sort, S.Fun) and v.sort.family == "abstract"}


# --------------------------------------------------------------- canonical


def _derived_function(base: str, counts: tuple):
    f = internal.function(base, "d", "_".join(map(str, counts)), real=True)
    _DERIVED[f.__name__] = (base, counts)
    return f


def canonical(e):
    """One applied function per partial derivative of an abstract function."""
    if not isinstance(e, sp.Basic) or e.is_Atom:
        return e
    if isinstance(e, sp.Subs):
        inner = canonical(e.expr)
        mapping = dict(zip(e.variables, e.point))
        if inner.has(sp.Derivative) and any(inner.has(v) for v in e.variables):
            return sp.Subs(inner, e.variables, [canonical(p) for p in e.point])
        return canonical(inner.xreplace(mapping))
    if isinstance(e, sp.Derivative) and isinstance(e.expr, AppliedUndef):
        f = e.expr
        counts = [0] * len(f.args)
        for var, c in e.variable_count:
            where = [k for k, a in enumerate(f.args) if a == var]
            others = [a for k, a in enumerate(f.args) if a != var and a.has(var)]
            if len(where) != 1 or others:
                return e.func(*[canonical(a) for a in e.args])
            counts[where[0]] += int(c)
        g = _derived_function(f.func.__name__, tuple(counts))
        return g(*[canonical(a) for a in f.args])
    return e.func(*[canonical(a) for a in e.args])


def reduces_to_zero(d, inst) -> bool:
    """d reduces to 0 with canonical derivative atoms, or is a constant
    multiple of an equation the claim assumes."""
    c = canonical(d)
    if c.has(sp.Derivative, sp.Subs):
        return False
    if rewrites_to_zero(c):
        return True
    for a, op, b in getattr(inst, "conditions", []):
        if op != "=" or is_matrix(a) or is_matrix(b):
            continue
        h = canonical(a - b)
        if h == 0 or h.has(sp.Derivative, sp.Subs):
            continue
        ratio = sp.cancel(sp.together(c / h))
        if ratio.is_number and ratio.is_finite:
            return True
    return False


# --------------------------------------------------------------- concrete


def _candidates(name: str, sort: S.Fun, values: dict) -> list:
    """Concrete functions for an abstract one: (parts, text), parts a list of
    (SymPy Function name, Lambda) for each output entry."""
    if isinstance(sort.target, S.Mat):
        return _matrix_candidates(name, sort, values)
    k = _dim(sort.source, values)
    m = _dim(sort.target, values) if isinstance(sort.target, S.Vec) else None
    if k == 1:
        x = sp.Dummy("x", real=True)
        xs = [x]
        scalar = [x ** 2, x, x ** 3 + x, sp.exp(x), x ** 2 + 1]
    else:
        xs = [sp.Dummy(f"x{i + 1}", real=True) for i in range(k)]
        scalar = [xs[0] * xs[1] if k > 1 else xs[0], sum(xs), sum(v ** 2 for v in xs),
                  xs[0] ** 2 * xs[-1] + xs[-1], sp.exp(xs[0]) + xs[-1] ** 3]
    out = []
    if m is None:
        shape = _source_shape(sort, values)
        for body in scalar:
            out.append(([(name, sp.Lambda(tuple(xs), body))], _text(name, xs, body, shape)))
        return out
    t = sp.Dummy("t", real=True)
    xs = [t]
    vectors = [[t ** (i + 1) for i in range(m)], [t] + [-t] * (m - 1),
               [sp.cos(t), sp.sin(t)] + [t] * (m - 2) if m >= 2 else [sp.cos(t)],
               [t ** 2 + 1] + [t + i for i in range(m - 1)]]
    for comps in vectors:
        parts = [(vector_part(name, i), sp.Lambda(tuple(xs), c)) for i, c in enumerate(comps)]
        out.append((parts, _text(name, xs, comps)))
    return out


def _dim(s, values) -> int:
    if isinstance(s, S.Vec):
        return s.dim if isinstance(s.dim, int) else values[s.dim]
    if isinstance(s, S.Mat):  # a function of a matrix takes its entries, row by row
        return math.prod(d if isinstance(d, int) else values[d] for d in (s.rows, s.cols))
    return 1


def _source_shape(sort: S.Fun, values: dict) -> tuple:
    """The Fn arity shape of an abstract function: () for R, (n,) for R^n, (r, c) for a matrix."""
    s = sort.source
    if isinstance(s, S.Mat):
        return tuple(d if isinstance(d, int) else values[d] for d in (s.rows, s.cols))
    k = _dim(s, values)
    return () if k == 1 else (k,)


def _text(name, xs, body, shape=()) -> str:
    if len(shape) == 2:  # g(X) = X[1,1]*X[1,2]: the entries by their place in the argument
        names = {x: f"X[{i // shape[1] + 1},{i % shape[1] + 1}]" for i, x in enumerate(xs)}
        return f"{name}(X) = {show_expr(body, names)}"
    args = ", ".join(map(show_expr, xs))  # a Dummy argument prints as its plain name
    value = "[" + ", ".join(show_expr(c) for c in body) + "]" if isinstance(body, list) else show_expr(body)
    return f"{name}({args}) = {value}"


def assignments(funs: dict, values: dict, limit: int = MAX_COMBOS):
    """(table, texts) for combinations of concrete functions: table maps each
    SymPy function name to a Lambda, texts each abstract function to `f(x) = x^2`."""
    lists = [_candidates(n, s, values) for n, s in funs.items()]
    for combo in itertools.islice(itertools.product(*lists), limit):
        table = {}
        texts = {}
        for (parts, text), fname in zip(combo, funs):
            for pname, lam in parts:
                table[pname] = lam
            texts[fname] = text
        yield table, texts


def instantiate(e, table: dict):
    """Put concrete functions (and their derivatives) into a canonical expression."""
    def apply(node):
        name = node.func.__name__
        if name in table:
            return table[name](*node.args)
        if name in _DERIVED:
            base, counts = _DERIVED[name]
            lam = table.get(base)
            if lam is None:
                return node
            body = lam.expr
            for var, c in zip(lam.variables, counts):
                if c:
                    body = sp.diff(body, var, c)
            return sp.Lambda(lam.variables, body)(*node.args)
        return node
    return e.replace(lambda n: isinstance(n, AppliedUndef), apply)


def _matrix_shape(sort: S.Fun, values: dict) -> tuple:
    t = sort.target
    return tuple(d if isinstance(d, int) else values[d] for d in (t.rows, t.cols))


def _matrix_candidates(name: str, sort: S.Fun, values: dict) -> list:
    """Concrete matrix functions of t (issue 7): polynomial, diagonally
    dominant (invertible for every t), exponential; not commuting with each other."""
    if _dim(sort.source, values) != 1:
        return []
    r, c = _matrix_shape(sort, values)
    t = sp.Dummy("t", real=True)
    bodies = [
        lambda i, j: t ** (c * i + j + 1),
        lambda i, j: t ** 2 + 2 if i == j else (i + 1) * t - j,
        lambda i, j: sp.exp((i + 1) * t) if i == j else t + i + 2 * j,
        lambda i, j: (i + 2 * j + 1) * t + (1 if i == j else 0),
    ]
    out = []
    for body in bodies:
        entries = [[body(i, j) for j in range(c)] for i in range(r)]
        parts = [(matrix_part(name, i, j), sp.Lambda((t,), entries[i][j])) for i in range(r) for j in range(c)]
        text = "[" + ", ".join("[" + ", ".join(show_expr(e) for e in row) + "]" for row in entries) + "]"
        out.append((parts, f"{name}(t) = {text}"))
    return out


def concrete_fn(name: str, sort: S.Fun, table: dict, values: dict) -> Fn:
    """The abstract function `name` as a value the translator applies: the concrete one in table."""
    k = _dim(sort.source, values)
    if isinstance(sort.target, S.Mat):
        r, c = _matrix_shape(sort, values)
        cells = [table[matrix_part(name, i, j)] for i in range(r) for j in range(c)]
        return Fn((), lambda args: sp.ImmutableMatrix(r, c, [p(*_spread(args, 1)) for p in cells]), name)
    vector = isinstance(sort.target, S.Vec)
    parts = [table[vector_part(name, i)] for i in range(_dim(sort.target, values))] if vector else [table[name]]

    def apply(args):
        if len(args) == 1 and is_matrix(args[0]):
            args = list(args[0])
        outs = [p(*args) for p in parts]
        return sp.ImmutableMatrix(outs) if vector else outs[0]

    return Fn(_source_shape(sort, values), apply, name)


# ------------------------------------------------------------- refutation


def refute(claim, inst, goal, cross: bool = False, deadline: Optional[Deadline] = None,
           quick: bool = False) -> Optional[Outcome]:
    """A concrete function and a point where the goal fails, re-checked.
    Points vary per unknown and per entry (`region.varied`), then lie inside
    the hypotheses' polynomial region (`region.inside`).  `quick`: the first
    few functions at the simplest points only, before any simplifying."""
    funs = function_names(claim)
    lhs, rhs = canonical(I.apply_solved(goal.lhs, inst)), canonical(I.apply_solved(goal.rhs, inst))
    conds = [(canonical(I.apply_solved(a, inst)), op, canonical(I.apply_solved(b, inst)))
             for a, op, b in inst.conditions]
    syms = [s for s in I.all_symbols(inst) if s not in inst.solved]
    deadline = deadline or Limits().deadline(P.REGION_SHARE)
    combos = QUICK_COMBOS if quick else CROSS_COMBOS if cross else MAX_COMBOS
    for table, texts in assignments(funs, inst.values, combos):
        a, b = instantiate(lhs, table).doit(), instantiate(rhs, table).doit()
        cs = [(instantiate(x, table).doit(), op, instantiate(y, table).doit()) for x, op, y in conds]
        scalar = [c for c in cs if not (is_matrix(c[0]) or is_matrix(c[2]))]
        candidates = ((p, "") for p in R.varied(syms, draws=0 if cross or quick else R.DRAWS))
        if scalar and not (cross or quick):
            candidates = itertools.chain(candidates, ((p, "z3: a point inside the hypotheses; ")
                                                      for p in R.inside(syms, scalar, deadline)))
        for point, where in candidates:
            if not all(_condition(x, op, y, point, inst) for x, op, y in cs):
                continue
            fails = I.Goal(a, b, goal.rel, goal.instance, goal.entry)
            if P.holds_at(fails, point) is False:
                full = P.complete(point, inst)  # the unknowns an equation hypothesis solved
                if not recheck(claim, inst.values, full, table):
                    continue
                witness = dict(texts)
                witness.update({k: v for k, v in P.witness(claim, inst, full).items() if k not in funs})
                how = ("sympy: the difference simplified to 0, but not for this function" if cross
                       else "sympy: exact evaluation with concrete functions")
                return Outcome(Verdict.REFUTED, method=where + how + ", re-checked", witness=witness,
                               reason=P.why_it_fails(fails, full))
    return None


def _condition(a, op, b, point, inst) -> bool:
    if op == "=":
        va, vb = P.number_at(a, point, 40), P.number_at(b, point, 40)
        return va is not None and vb is not None and abs(va - vb) <= sp.Float(10) ** -30
    return P.holds_at(I.Goal(a, b, op, inst.values), point) is True


def recheck(claim, values: dict, point: dict, table: dict) -> bool:
    """Translate the claim again with the concrete functions as values (no
    canonical atoms, no substitution into derivatives) and evaluate it."""
    inst = I.make_instance(claim, values)
    for name, sort in function_names(claim).items():
        inst.env[name] = concrete_fn(name, sort, table, values)
    tr = ToSympy(inst.env)
    for hyp in claim.hypotheses:
        I.add_hypothesis(hyp, tr, inst)
    if inst.vacuous:
        return False
    named = {s.name: v for s, v in point.items()}
    concrete = {s: named[s.name] for s in I.all_symbols(inst) if s.name in named}
    for s in I.all_symbols(inst):
        concrete.setdefault(s, named.get(s.name, sp.Integer(0)))
    for a, op, b in inst.conditions:
        if not _condition(a.doit() if isinstance(a, sp.Basic) else a, op,
                          b.doit() if isinstance(b, sp.Basic) else b, concrete, inst):
            return False
    for sym, expr in inst.solved.items():
        va = P.number_at(sym - expr, concrete, 40)
        if va is None or abs(va) > sp.Float(10) ** -30:
            return False
    if outside_domain(claim, inst.env, concrete):
        return False
    for g in I.goals_of(claim.body, tr, inst):
        g = I.Goal(_doit(g.lhs), _doit(g.rhs), g.rel, g.instance)
        if P.holds_at(g, concrete) is False:
            return True
    return False


def _doit(e):
    return e.doit() if isinstance(e, sp.Basic) else e
