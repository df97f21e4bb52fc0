"""Concrete instances of a claim: index and dimension variables given values,
the real unknowns as SymPy symbols, hypotheses solved or kept as conditions,
the goals (one scalar relation per entry).  Exact points, witnesses and their
re-check are `points`.

Soundness: a size variable takes the first values its bounds allow and
`Sizes.complete` says whether that was all of them (only then does checking
every instance prove the claim); a sign becomes a SymPy assumption only when
the claim states it (strict signs only where a derivative is taken); an
equality hypothesis is solved only for an unknown with a number coefficient,
and `inv(M)` is taken only where the claim says det(M) is not 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Optional

import sympy as sp
from sympy.polys.polyerrors import BasePolynomialError
from sympy.core.facts import InconsistentAssumptions

from prove import ast as A
from prove.relations import FLIP, holds
from prove import sorts as S
from prove.claim import Claim
from prove.backends import internal
from prove.backends.identity.sympy_translate import Fn, ToSympy, Untranslatable, is_matrix

SYMBOLIC_DIMS = range(1, 9)  # n = 1..8 when a dimension is a variable
MATRIX_DIMS = range(1, 5)  # m, n = 1..4 when a dimension variable sizes a matrix
MAX_INSTANCES = 5000



@dataclass(eq=False)
class Goal:
    """One scalar fact to check: `lhs rel rhs` in one instance."""

    lhs: object
    rhs: object
    rel: str
    instance: dict  # name -> concrete int for dims and indices
    entry: str = ""  # which entry of a vector or matrix equation


@dataclass(eq=False)
class Instance:
    values: dict  # dims and indices: name -> int
    env: dict  # name -> SymPy value
    symbols: dict  # name -> symbol or matrix of symbols (the free real unknowns)
    solved: dict = field(default_factory=dict)  # symbol -> expression from an equality hypothesis
    conditions: list = field(default_factory=list)  # (lhs, rel, rhs) the point must satisfy
    vacuous: bool = False  # an index hypothesis (i != j) fails in this instance


@dataclass(frozen=True)
class Sizes:
    """The values given to a claim's integer variables, and what they cover.

    A size variable (`n >= 1`, `k in Z`) takes the first `len(dims)` values
    its bounds allow, from its least allowed value (1 for a dimension, the
    stated lower bound otherwise); `complete` when that is every value the
    claim allows, so that checking each instance proves the claim."""

    values: tuple  # one dict name -> int per instance
    complete: bool
    names: tuple  # the size variables, in the claim's order

    def bound(self) -> Optional[str]:
        """What was enumerated, in words (`n = 5..12`); None without size variables."""
        if not self.names:
            return None
        shown = [_spans(sorted({v[n] for v in self.values if n in v})) for n in self.names]
        if len(set(shown)) == 1:
            return f"{', '.join(self.names)} = {shown[0]}"
        return "; ".join(f"{n} = {t}" for n, t in zip(self.names, shown))


def _spans(values: list) -> str:
    """[1, 2, 4, 5, 6, 8] -> "1..2, 4..6, 8"."""
    runs: list = []
    for n in values:
        if runs and runs[-1][1] == n - 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}..{b}" for a, b in runs) or "none"


def size_variables(claim: Claim) -> list:
    """Integer variables with no finite range of their own: `n >= 1`, `k in Z`."""
    return [v for v in claim.variables if isinstance(v.sort, S.Int) and not isinstance(v.domain, A.Range)]


def dimension_names(claim: Claim) -> set:
    """The names that size a vector, a matrix or a function's space (`n` of `R^n`)."""
    def dims(s):
        if isinstance(s, S.Vec):
            return [s.dim]
        if isinstance(s, S.Mat):
            return [s.rows, s.cols]
        if isinstance(s, S.Fun):
            return dims(s.source) + dims(s.target)
        return []
    return {d for v in claim.variables for d in dims(v.sort) if isinstance(d, str)}


def _limits(v, claim: Claim, values: dict, dimension: bool) -> tuple:
    """(low, high, excluded) for a size variable, given the values before it:
    its binder's bound, and hypotheses comparing it with a number."""
    facts = [(v.bound[0], _exact(v.bound[1], values))] if v.bound is not None else []
    for h in claim.hypotheses:
        for c in (h.operands if isinstance(h, A.And) else (h,)):
            if not isinstance(c, A.Compare):
                continue
            for op, a, b in zip(c.ops, c.operands, c.operands[1:]):
                if isinstance(b, A.Name) and b.id == v.name:
                    a, b, op = b, a, FLIP[op]
                if isinstance(a, A.Name) and a.id == v.name:
                    try:
                        facts.append((op, _exact(b, values)))
                    except (Untranslatable, KeyError):
                        continue  # not a number yet: the hypothesis is checked in each instance
    low, high, excluded = (1 if dimension else None), None, set()
    for op, k in facts:
        if op in (">=", ">", "="):
            lo = math.floor(k) + 1 if op == ">" else math.ceil(k)
            low = lo if low is None else max(low, lo)
        if op in ("<=", "<", "="):
            hi = math.ceil(k) - 1 if op == "<" else math.floor(k)
            high = hi if high is None else min(high, hi)
        if op == "!=" and k == int(k):
            excluded.add(int(k))
    return low, high, excluded


def _exact(expr: A.Expr, values: dict) -> Fraction:
    if isinstance(expr, A.Num):
        return Fraction(expr.value)
    if isinstance(expr, A.Neg) and isinstance(expr.operand, A.Num):
        return -Fraction(expr.operand.value)
    return Fraction(int_value(expr, values))


def enumerate_sizes(claim: Claim, dims: range = SYMBOLIC_DIMS) -> Sizes:
    """Values for the integer variables: every index of a range, `len(dims)`
    values of each size variable (see `Sizes`)."""
    int_vars = [v for v in claim.variables if isinstance(v.sort, S.Int)]
    dimensions = dimension_names(claim)
    count = len(dims)
    out: list = []
    complete = True

    def extend(i, values):
        nonlocal complete
        if i == len(int_vars):
            out.append(dict(values))
            return
        v = int_vars[i]
        if isinstance(v.domain, A.Range):
            options = range(int_value(v.domain.low, values), int_value(v.domain.high, values) + 1)
        else:
            low, high, excluded = _limits(v, claim, values, v.name in dimensions)
            if low is not None:
                start = low
            elif high is not None:
                start = high - count + 1
            else:  # an integer bounded on neither side: around 0
                start = -(count // 2)
            stop = start + count - 1
            if low is None or high is None or high > stop:
                complete = False
            if high is not None:
                stop = min(stop, high)
            options = [n for n in range(start, stop + 1) if n not in excluded]
        for n in options:
            values[v.name] = n
            extend(i + 1, values)
            del values[v.name]

    extend(0, {})
    return Sizes(tuple(out), complete, tuple(v.name for v in size_variables(claim)))


def instances(claim: Claim, dims: range = SYMBOLIC_DIMS):
    """Concrete values for dimension and index variables (`enumerate_sizes`),
    with the symbols that stand for the real unknowns."""
    for values in enumerate_sizes(claim, dims).values:
        yield make_instance(claim, values)


def make_instance(claim: Claim, values: dict) -> Instance:
    signs = _stated_signs(claim)
    env: dict = dict(values)
    symbols: dict = {}
    for v in claim.variables:
        if v.name in values:
            continue
        value = _symbol_for(v.name, v.sort, values, signs.get(v.name, {}))
        env[v.name] = value
        if not isinstance(value, Fn):
            symbols[v.name] = value
    return Instance(dict(values), env, symbols)


def int_value(expr: A.Expr, values: dict) -> int:
    if isinstance(expr, A.Num):
        return int(expr.value)
    if isinstance(expr, A.Name) and expr.id in values:
        return values[expr.id]
    tr = ToSympy(values)
    v = tr(expr)
    if isinstance(v, (int, sp.Integer)):
        return int(v)
    raise Untranslatable("a range bound must be a whole number here")


def _dim(d, values) -> int:
    return d if isinstance(d, int) else values[d]


_DERIVATIVES = {"diff", "grad", "hessian", "jacobian"}


def _stated_signs(claim: Claim) -> dict:
    """Signs the claim states of a scalar variable (`x > 0`, `0 <= t`), given to
    SymPy as assumptions: only what the claim said, nothing more.  Where a
    derivative is taken only strict signs are given: `nonnegative` rewrites
    `abs(x)` to `x` at once, and the kink at 0 would never be seen."""
    out: dict = {}
    strict_only = any(isinstance(n, A.Call) and isinstance(n.func, A.Name) and n.func.id in _DERIVATIVES
                      for part in (claim.body, *claim.hypotheses) for n in A.walk(part))

    def visit(h):
        if isinstance(h, A.And):
            for o in h.operands:
                visit(o)
            return
        if not (isinstance(h, A.Compare) and len(h.ops) == 1):
            return
        (op,), (a, b) = h.ops, h.operands
        if isinstance(a, A.Num) and isinstance(b, A.Name):
            a, b, op = b, a, FLIP[op]
        if isinstance(a, A.Name) and isinstance(b, A.Num) and b.value == 0:
            key = {">": "positive", ">=": "nonnegative", "<": "negative", "<=": "nonpositive"}.get(op)
            if strict_only and op in (">=", "<="):
                return
            if key and isinstance(claim.sorts.get(a.id), (S.Real,)):
                out.setdefault(a.id, {})[key] = True

    for h in claim.hypotheses:
        visit(h)
    if isinstance(claim.body, A.Implies):
        visit(claim.body.left)
    for name, signs in list(out.items()):
        try:
            sp.Dummy(**signs)
        except InconsistentAssumptions:  # `x > 0 and x < 0`: no sign at all, the hypotheses still hold
            del out[name]
    return out


def user_symbol(name: str, **assumptions) -> sp.Symbol:
    """The SymPy symbol of a variable the claim names: the one way a user's
    name becomes a symbol (what the prover invents goes through `internal`)."""
    assert not internal.is_internal(name)
    return sp.Symbol(name, **assumptions)


def user_function(name: str):
    """The SymPy undefined function of an abstract function the claim names."""
    assert not internal.is_internal(name)
    return sp.Function(name, real=True)


def entry_symbol(name: str, *index: int) -> sp.Symbol:
    """Entry `z[1]` or `A[1,2]` of a user's vector or matrix; `[` is in no claim name."""
    return sp.Symbol(name + "[" + ",".join(map(str, index)) + "]", real=True)


def _symbol_for(name: str, sort: S.Sort, values: dict, assumptions: dict = {}):
    if isinstance(sort, S.Vec):
        n = _dim(sort.dim, values)
        return sp.ImmutableMatrix([entry_symbol(name, i + 1) for i in range(n)])
    if isinstance(sort, S.Mat):
        r, c = _dim(sort.rows, values), _dim(sort.cols, values)
        return sp.ImmutableMatrix(r, c, [entry_symbol(name, i + 1, j + 1) for i in range(r) for j in range(c)])
    if isinstance(sort, S.Fun):
        return _abstract_function(name, sort, values)
    if S.is_number(sort):
        return user_symbol(name, real=True, **assumptions)
    raise Untranslatable(f"{name} is {sort}, which the identity backend does not take")


def matrix_part(name: str, i: int, j: int) -> str:
    """The name of entry (i, j), 0-based, of a matrix-valued abstract function."""
    return internal.name(name, i + 1, "_", j + 1)


def vector_part(name: str, i: int) -> str:
    """The name of entry i, 0-based, of a vector-valued abstract function."""
    return internal.name(name, i + 1)


def _abstract_function(name: str, sort: S.Fun, values: dict) -> Fn:
    """An arbitrary smooth function: SymPy undefined functions, one per output entry."""
    k = _dim(sort.source.dim, values) if isinstance(sort.source, S.Vec) else 1
    shape = () if k == 1 else (k,)
    if isinstance(sort.source, S.Mat):  # g: R^(2x2) -> R, one undefined function of the entries, row by row
        shape = (_dim(sort.source.rows, values), _dim(sort.source.cols, values))
        k = shape[0] * shape[1]
    rows_cols = None
    if isinstance(sort.target, S.Vec):
        m = _dim(sort.target.dim, values)
        parts = [sp.Function(vector_part(name, i), real=True) for i in range(m)]
    elif isinstance(sort.target, S.Mat):  # Y: R -> R^(2x2), one function per entry, row by row
        rows_cols = (_dim(sort.target.rows, values), _dim(sort.target.cols, values))
        parts = [sp.Function(matrix_part(name, i, j), real=True)
                 for i in range(rows_cols[0]) for j in range(rows_cols[1])]
    else:
        parts = [user_function(name)]

    def apply(args):
        if len(args) == 1 and is_matrix(args[0]):
            args = list(args[0])
        if len(args) != k:
            raise Untranslatable(f"{name} takes {k} argument(s)")
        outs = [p(*args) for p in parts]
        if rows_cols is not None:
            return sp.ImmutableMatrix(rows_cols[0], rows_cols[1], outs)
        return outs[0] if len(outs) == 1 and not isinstance(sort.target, S.Vec) else sp.ImmutableMatrix(outs)

    return Fn(shape, apply, name)


def add_hypothesis(expr: A.Expr, tr: ToSympy, inst: Instance) -> None:
    """An equality is solved for one of its unknowns and substituted; any
    other condition only restricts the points where counterexamples are sought."""
    if isinstance(expr, A.And):
        for e in expr.operands:
            add_hypothesis(e, tr, inst)
        return
    if (isinstance(expr, A.Call) and isinstance(expr.func, A.Name) and expr.func.id == "invertible"
            and len(expr.args) == 1):
        m = tr(expr.args[0])
        inst.conditions.append((m.det() if is_matrix(m) else m, "!=", sp.Integer(0)))
        return
    if isinstance(expr, A.Quant) and expr.kind == "forall" and all(
            b.kind == "in" and isinstance(b.domain, A.Range) and b.where is None for b in expr.binders):
        for values in _range_values(expr.binders, tr):  # `forall k in 1..3: y[k] = delta(k, i)`: each k
            add_hypothesis(expr.body, tr.child(values), inst)
        return
    if not isinstance(expr, A.Compare):
        raise Untranslatable("hypotheses other than equations and comparisons are not handled by the identity backend")
    sides = [tr(o) for o in expr.operands]
    if all(isinstance(s, (int, sp.Integer)) for s in sides):  # an index condition: i != j
        for op, a, b in zip(expr.ops, sides, sides[1:]):
            a, b = int(a), int(b)
            if not holds(a, op, b):
                inst.vacuous = True
        return
    for op, a, b in zip(expr.ops, sides, sides[1:]):
        if op == "!=" and is_matrix(a) and is_matrix(b) and a.shape == b.shape:
            # two vectors differ when some entry does: exactly when the sum of squares is not 0
            inst.conditions.append((sp.Add(*[(x - y) ** 2 for x, y in zip(a, b)]), "!=", sp.Integer(0)))
            continue
        if is_matrix(a) or is_matrix(b):
            if op != "=" or not (is_matrix(a) and is_matrix(b)) or a.shape != b.shape:
                raise Untranslatable("vector and matrix hypotheses are taken as equations of one shape only")
            for x, y in zip(a, b):  # `y = W @ x + b`: entry by entry
                if not _solve_into(apply_solved(x - y, inst), inst):
                    inst.conditions.append((x, "=", y))
            continue
        if op == "=":
            eq = apply_solved(a - b, inst)
            if not _solve_into(eq, inst):
                inst.conditions.append((a, "=", b))
        else:
            inst.conditions.append((a, op, b))


def _range_values(binders, tr: ToSympy) -> list:
    """Every assignment of integer values to binders `k in a..b`, in order."""
    out = [{}]
    for b in binders:
        out = [{**v, b.name: k} for v in out
               for k in range(int_value(b.domain.low, {**tr.env, **v}), int_value(b.domain.high, {**tr.env, **v}) + 1)]
    if len(out) > MAX_INSTANCES:
        raise Untranslatable("a hypothesis over a range has too many instances to expand")
    return out


def _solve_into(eq, inst: Instance) -> bool:
    unknowns = [s for s in all_symbols(inst) if s in eq.free_symbols and s not in inst.solved]
    for s in reversed(unknowns):
        coeff = sp.diff(eq, s)
        if coeff.free_symbols & {s} or coeff == 0 or not coeff.is_number:
            continue
        solution = sp.expand(s - eq / coeff)
        if s in solution.free_symbols:
            continue
        inst.solved = {k: v.xreplace({s: solution}) for k, v in inst.solved.items()}
        inst.solved[s] = solution
        return True
    return False


def all_symbols(inst: Instance) -> list:
    out = []
    for v in inst.symbols.values():
        out.extend(list(v) if is_matrix(v) else [v])
    return out


def apply_solved(e, inst: Instance):
    return e.xreplace(inst.solved) if inst.solved else e


def goals_of(body: A.Expr, tr: ToSympy, inst: Instance) -> list[Goal]:
    if isinstance(body, A.And):
        return [g for e in body.operands for g in goals_of(e, tr, inst)]
    if isinstance(body, A.Implies):
        add_hypothesis(body.left, tr, inst)
        return goals_of(body.right, tr, inst)
    if isinstance(body, A.Quant) and body.kind == "forall":
        raise Untranslatable("a nested forall is not handled by the identity backend; move it to the front")
    if not isinstance(body, A.Compare):
        raise Untranslatable("the identity backend takes equations and comparisons")
    goals = []
    sides = [tr(o) for o in body.operands]
    _require_invertible(tr, inst)
    for op, a, b in zip(body.ops, sides, sides[1:]):
        if op == "!=":
            raise Untranslatable("`!=` claims are not handled by the identity backend")
        if is_matrix(a) or is_matrix(b):
            a_m = a if is_matrix(a) else sp.ImmutableMatrix(b.shape[0], b.shape[1], [a] * len(b))
            b_m = b if is_matrix(b) else sp.ImmutableMatrix(a.shape[0], a.shape[1], [b] * len(a))
            if a_m.shape != b_m.shape:
                raise Untranslatable(f"the two sides have shapes {a_m.shape} and {b_m.shape}")
            for i in range(a_m.shape[0]):
                for j in range(a_m.shape[1]):
                    entry = f"entry [{i + 1}]" if a_m.shape[1] == 1 else f"entry [{i + 1}, {j + 1}]"
                    goals.append(Goal(a_m[i, j], b_m[i, j], op, inst.values, entry))
        else:
            goals.append(Goal(a, b, op, inst.values))
    return goals


def _require_invertible(tr: ToSympy, inst: Instance) -> None:
    """inv(M) divides by det(M): the claim must state that it is not 0
    (`invertible(M)`, `det(M) != 0`, or of factors of it), never assumed."""
    facts = [a - b for a, op, b in inst.conditions if op in ("!=", "<", ">")]
    for det in getattr(tr, "inverted", ()):
        if not _nonzero_given(det, facts):
            raise Untranslatable("inv(...) of a matrix that may be singular: state that it is invertible "
                                 "(`where invertible(A)` or `det(A) != 0`)")


def _nonzero_given(d, facts: list) -> bool:
    """Every irreducible factor of d's numerator is a constant or a factor of
    a quantity the claim says is non-zero (x != 0 makes each factor of x non-zero)."""
    def factors(e):
        num, _ = sp.fraction(sp.cancel(sp.together(e)))
        _, fl = sp.factor_list(num)
        return [b for b, _ in fl]
    try:
        known = [f for e in facts for f in factors(e)]
        for b in factors(d):
            if b.is_number:
                if b == 0:
                    return False
                continue
            if not any(sp.cancel(b / k).is_number for k in known):
                return False
        return not sp.cancel(sp.together(d)) == 0
    except (BasePolynomialError, NotImplementedError, TypeError, ValueError):
        return False  # not shown non-zero: the caller says unknown


def instance_goals(claim: Claim, inst: Instance) -> list[Goal]:
    """The claim's goals in one instance, after its hypotheses are taken in
    (solved or kept as conditions); none when an index hypothesis excludes it."""
    tr = ToSympy(inst.env)
    for hyp in claim.hypotheses:
        add_hypothesis(hyp, tr, inst)
    if inst.vacuous:
        return []
    return goals_of(claim.body, tr, inst)
