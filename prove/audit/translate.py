"""The audit's own reading of a claim: syntax tree -> SymPy values and a formula.

Written from the language reference, node by node, sharing no code with the
backends' translation.  Every variable is a fresh `Dummy` (no name a claim
can spell), sizes and indices are concrete, sums are expanded, and
derivatives are taken once, symbolically, so that points only substitute
numbers.  The definedness conditions of each atom (denominators non-zero,
log arguments positive, sqrt arguments non-negative, no kink where a
derivative is taken) are read here from the tree, before SymPy evaluates
anything, and travel with the atom: a point where one fails is outside the
claim's meaning and is skipped, never counted as agreement.

Which names are built-ins comes from `prove.vocabulary`; what each one means
is the audit's own (SCALAR, CALLS, MATRIX_FORMULAS here; the predicates'
tests in `evaluate`).  A built-in without an entry there is `NotAudited`:
the audit says it did not evaluate the claim, never that the claim agrees.

Kept whole (about 600 lines): one recursive reading of the tree, a method per
node kind and a table per built-in; its values, derivatives and predicates
are already in their own modules.
"""

from __future__ import annotations

import sympy as sp

from prove import ast as A
from prove import vocabulary as V
from prove.audit import evaluate as E
from prove.audit.calculus import cofactor, det, diff
from prove.audit.values import (Atom, ConcreteFunction, Conn, Const, Formula, MatrixValue, NotAudited, Pred, Value,
                                VectorValue, as_int, as_scalar, entries, entrywise, exact_arithmetic)


class AuditTranslator:
    """A claim's expressions and formulas, under an environment of concrete values
    (sizes, indices, Dummies, concrete functions), as the audit's exact values and
    formulas (`values`)."""

    def __init__(self, env: dict):
        self.env = dict(env)
        self.conds: list = []
        self.diff_depth = 0
        self.dmemo: dict = {}  # symbol -> {expression: derivative}, shared by every derivative here

    # ------------------------------------------------------------ formulas
    def formula(self, e: A.Expr, label: str = "") -> Formula:
        if isinstance(e, A.Compare):
            return self._compare(e, label)
        if isinstance(e, A.And):
            return Conn("and", tuple(self.formula(o, label) for o in e.operands))
        if isinstance(e, A.Or):
            return Conn("or", tuple(self.formula(o, label) for o in e.operands))
        if isinstance(e, A.Not):
            return Conn("not", (self.formula(e.operand, label),))
        if isinstance(e, A.Implies):
            return Conn("implies", (self.formula(e.left, label), self.formula(e.right, label)))
        if isinstance(e, A.Iff):
            return Conn("iff", (self.formula(e.left, label), self.formula(e.right, label)))
        if isinstance(e, A.Call) and isinstance(e.func, A.Name) and e.func.id in PREDICATES:
            return self._predicate(e.func.id, e, label)
        if isinstance(e, A.Quant):
            raise NotAudited("a quantifier inside the claim")
        raise NotAudited(f"the formula {type(e).__name__}")

    def _compare(self, e: A.Compare, label: str) -> Formula:
        saved, self.conds = self.conds, []
        values = [self.value(o) for o in e.operands]
        conds, self.conds = tuple(self.conds), saved
        pairs, plain, any_ne = [], [], False
        for op, a, b in zip(e.ops, values, values[1:]):
            if isinstance(a, int) and isinstance(b, int):
                plain.append({"=": a == b, "!=": a != b, "<": a < b, "<=": a <= b,
                              ">": a > b, ">=": a >= b}[op])
                continue
            xs, ys = self._sides(a, b)
            if op == "!=" and len(xs) > 1:
                if len(e.ops) > 1:
                    raise NotAudited("`!=` between vectors inside a chain")
                any_ne = True
            pairs.extend((op, x, y) for x, y in zip(xs, ys))
        if not all(plain):
            return Const(False)
        if not pairs:
            return Const(True)
        return Atom(tuple(pairs), conds, label, any_ne)

    def _sides(self, a, b) -> tuple:
        if isinstance(a, ConcreteFunction) or isinstance(b, ConcreteFunction):
            raise NotAudited("a comparison between functions")
        xa, xb = entries(a), entries(b)
        if len(xa) == 1 and len(xb) > 1:
            xa = xa * len(xb)
        elif len(xb) == 1 and len(xa) > 1:
            xb = xb * len(xa)
        if len(xa) != len(xb):
            raise NotAudited("sides of different shapes")
        return [as_scalar(x) for x in xa], [as_scalar(y) for y in xb]

    def _predicate(self, name: str, e: A.Call, label: str) -> Formula:
        if meaning(name) is None:
            raise NotAudited(f"{name}(...), which has no meaning in the audit")
        if name in MATRIX_FORMULAS:
            return MATRIX_FORMULAS[name](self, e, label)
        saved, self.conds = self.conds, []
        if name in MATRIX_PREDICATES:
            m = self.value(e.args[0])
            conds, self.conds = tuple(self.conds), saved
            if isinstance(m, MatrixValue) and m.shape[0] != m.shape[1]:
                raise NotAudited(f"{name} of a matrix that is not square")
            return Pred(name, None, m if isinstance(m, MatrixValue) else as_scalar(m), conds)
        fn = self.value(e.args[0])
        if not isinstance(fn, ConcreteFunction):
            raise NotAudited(f"{name} of something that is not a function")
        if len(fn.params) != 1 or not isinstance(fn.body, sp.Basic):
            raise NotAudited(f"{name} of a function of several variables")
        if not fn.body.is_polynomial(fn.params[0]):
            raise NotAudited(f"{name} of a function that is not a polynomial")
        point = None
        if name in POINT_PREDICATES:
            point = self.value(e.args[1])
            if isinstance(point, VectorValue) and len(point.items) == 1:
                point = point.items[0]
            point = as_scalar(point, "a point on the line")
        conds, self.conds = tuple(self.conds) + fn.conds, saved
        return Pred(name, fn, point, conds)

    def _invertible(self, e: A.Call, label: str) -> Formula:
        saved, self.conds = self.conds, []
        d = self._det(self._matrix(self.value(e.args[0])))
        conds, self.conds = tuple(self.conds), saved
        return Atom((("!=", d, sp.Integer(0)),), conds, label)

    def _symmetric(self, e: A.Call, label: str) -> Formula:
        m = self._matrix(self.value(e.args[0]))
        pairs = tuple(("=", m.rows[i][j], m.rows[j][i]) for i in range(len(m.rows))
                      for j in range(i + 1, len(m.rows)))
        return Atom(pairs, (), label) if pairs else Const(True)

    # ---------------------------------------------------------- expressions
    def value(self, e: A.Expr) -> Value:
        method = getattr(self, "_v_" + type(e).__name__, None)
        if method is None:
            raise NotAudited(f"the expression {type(e).__name__}")
        return method(e)

    def scalar(self, e: A.Expr):
        return as_scalar(self.value(e))

    def _v_Num(self, e: A.Num):
        return sp.Rational(e.value.numerator, e.value.denominator)

    def _v_Name(self, e: A.Name):
        if e.id in self.env:
            return self.env[e.id]
        if e.id == "pi":
            return sp.pi
        if e.id == "e":
            return sp.E
        raise NotAudited(f"the name {e.id}")

    def _v_Neg(self, e: A.Neg):
        v = self.value(e.operand)
        if isinstance(v, int):
            return -v
        return entrywise(v, lambda x: sp.Rational(-x.p, x.q) if x.is_Rational else -x)

    def _v_Card(self, e: A.Card):
        v = self.scalar(e.operand)
        self._kink(v)
        return sp.Abs(v)

    def _v_ListLit(self, e: A.ListLit):
        items = [self.value(i) for i in e.items]
        if all(isinstance(i, VectorValue) for i in items):
            return MatrixValue(tuple(i.items for i in items))
        return VectorValue(tuple(as_scalar(i) for i in items))

    def _v_Lambda(self, e: A.Lambda):
        if e.domain is not None or e.spaces:
            raise NotAudited("a function with an `on` space or domain")
        params = tuple(sp.Dummy(p, real=True) for p in e.params)
        inner = AuditTranslator({**self.env, **dict(zip(e.params, params))})
        inner.diff_depth = 1  # a function given as an expression may be differentiated
        body = inner.value(e.body)
        return ConcreteFunction(params, body, tuple(inner.conds))

    def _v_Index(self, e: A.Index):
        base = self.value(e.base)
        idx = [as_int(self.value(i)) for i in e.indices]
        if isinstance(base, VectorValue) and len(idx) == 1:
            return self._at(base.items, idx[0])
        if isinstance(base, MatrixValue):
            row = self._at(base.rows, idx[0])
            if len(idx) == 1:
                return VectorValue(row) if len(row) > 1 else row[0]
            return self._at(row, idx[1])
        raise NotAudited("an index into something that is not a vector or matrix")

    @staticmethod
    def _at(items, k: int):
        if not 1 <= k <= len(items):
            raise NotAudited(f"index {k} outside 1..{len(items)}")
        return items[k - 1]

    def _v_BinOp(self, e: A.BinOp):
        if e.op == "^" and isinstance(e.right, A.Name) and e.right.id == "T" and "T" not in self.env:
            return self._transpose(self.value(e.left))
        a, b = self.value(e.left), self.value(e.right)
        if isinstance(a, int) and isinstance(b, int) and e.op in "+-*":
            return {"+": a + b, "-": a - b, "*": a * b}[e.op]
        exact = exact_arithmetic(e.op, a, b)
        if exact is not None:
            return exact
        if e.op == "+":
            return self._add(a, b, 1)
        if e.op == "-":
            return self._add(a, b, -1)
        if e.op == "*":
            return self._mul(a, b)
        if e.op == "/":
            d = as_scalar(b, "a scalar divisor")
            self.conds.append(("nonzero", d))
            return entrywise(a, lambda x: as_scalar(x) / d) if not isinstance(a, int) else sp.Integer(a) / d
        if e.op == "^":
            return self._pow(a, b)
        if e.op == "@":
            return self._matmul(a, b)
        raise NotAudited(f"the operator {e.op}")

    def _add(self, a, b, sign: int):
        if isinstance(a, (VectorValue, MatrixValue)) and isinstance(b, (VectorValue, MatrixValue)):
            if type(a) is not type(b) or len(entries(a)) != len(entries(b)):
                raise NotAudited("adding values of different shapes")
            if isinstance(a, VectorValue):
                return VectorValue(tuple(x + sign * y for x, y in zip(a.items, b.items)))
            return MatrixValue(tuple(tuple(x + sign * y for x, y in zip(r, s)) for r, s in zip(a.rows, b.rows)))
        if isinstance(a, (VectorValue, MatrixValue)):
            s = as_scalar(b)
            return entrywise(a, lambda x: x + sign * s)
        if isinstance(b, (VectorValue, MatrixValue)):
            s = as_scalar(a)
            return entrywise(b, lambda y: s + sign * y)
        return as_scalar(a) + sign * as_scalar(b)

    def _mul(self, a, b):
        if isinstance(a, VectorValue) and isinstance(b, VectorValue):
            if len(a.items) != len(b.items):
                raise NotAudited("entrywise product of vectors of different sizes")
            return VectorValue(tuple(x * y for x, y in zip(a.items, b.items)))
        if isinstance(a, (VectorValue, MatrixValue)):
            s = as_scalar(b)
            return entrywise(a, lambda x: x * s)
        if isinstance(b, (VectorValue, MatrixValue)):
            s = as_scalar(a)
            return entrywise(b, lambda y: s * y)
        return as_scalar(a) * as_scalar(b)

    def _pow(self, a, b):
        k = as_scalar(b, "a number as exponent")
        if isinstance(a, MatrixValue):
            if not (k.is_Integer and k >= 0):
                raise NotAudited("a matrix power that is not a whole number")
            n = a.shape[0]
            out = MatrixValue(tuple(tuple(sp.Integer(int(i == j)) for j in range(n)) for i in range(n)))
            for _ in range(int(k)):
                out = self._matmul(out, a)
            return out
        base = as_scalar(a)
        if k.is_Integer:
            if k < 0:
                self.conds.append(("nonzero", base))
        elif k.is_Rational and k > 0:
            self.conds.append(("nonneg", base))
            if k < 1 and self.diff_depth:
                self.conds.append(("nonzero", base))
        else:
            self.conds.append(("pos", base))
        return sp.Pow(base, k)

    @staticmethod
    def _as_matrix(v) -> MatrixValue:
        if isinstance(v, MatrixValue):
            return v
        if isinstance(v, VectorValue):
            return MatrixValue(tuple((x,) for x in v.items))
        return MatrixValue(((as_scalar(v),),))

    @staticmethod
    def _from_matrix(m: MatrixValue):
        r, c = m.shape
        if r == 1 and c == 1:
            return m.rows[0][0]
        if c == 1:
            return VectorValue(tuple(row[0] for row in m.rows))
        return m

    def _matmul(self, a, b):
        if isinstance(a, ConcreteFunction) or isinstance(b, ConcreteFunction):
            raise NotAudited("`@` with a function")
        x, y = self._as_matrix(a), self._as_matrix(b)  # a scalar is a 1 x 1 matrix
        if x.shape[1] != y.shape[0]:
            raise NotAudited("`@` of shapes that do not match")
        cols = list(zip(*y.rows))
        rows = tuple(tuple(sp.Add(*[p * q for p, q in zip(row, col)]) for col in cols) for row in x.rows)
        return self._from_matrix(MatrixValue(rows))

    def _transpose(self, v):
        if isinstance(v, VectorValue):
            return MatrixValue((v.items,))
        if isinstance(v, MatrixValue):
            return self._from_matrix(MatrixValue(tuple(zip(*v.rows))))
        return as_scalar(v)

    def _matrix(self, v) -> MatrixValue:
        if isinstance(v, MatrixValue):
            return v
        if isinstance(v, sp.Basic):
            return MatrixValue(((v,),))
        raise NotAudited("expected a matrix")

    def _kink(self, arg) -> None:
        if self.diff_depth:
            self.conds.append(("nonzero", arg))

    def _det(self, m: MatrixValue):
        r, c = m.shape
        if r != c:
            raise NotAudited("det of a matrix that is not square")
        return det(m.rows)

    # ---------------------------------------------------------------- calls
    def _v_Call(self, e: A.Call):
        if isinstance(e.func, A.Name) and e.func.id in self.env:
            fn = self.env[e.func.id]
        elif isinstance(e.func, A.Name):
            return self._builtin(e.func.id, e)
        else:
            fn = self.value(e.func)
        if not isinstance(fn, ConcreteFunction):
            raise NotAudited("a call of something that is not a function")
        args = [self.value(a) for a in e.args]
        out, conds = fn.apply(args)
        self.conds.extend(conds)
        return out

    def _builtin(self, name: str, e: A.Call):
        if name in SCALAR_FUNCTIONS:
            scalar_fn = SCALAR.get(name)
            if scalar_fn is None:
                raise NotAudited(f"{name}(...), which has no meaning in the audit")
            v = self.value(e.args[0])
            return entrywise(v, lambda x: self._scalar_call(name, scalar_fn, as_scalar(x)))
        call = CALLS.get(name)
        if call is None:
            raise NotAudited(f"{name}(...)")
        return call(self, name, e)

    # One method per built-in (the table CALLS): each is the audit's own meaning of its name.
    def _call_sum(self, name: str, e: A.Call):
        return self._sum(e)

    def _call_delta(self, name: str, e: A.Call):
        i, j = (as_int(self.value(a)) for a in e.args)
        return sp.Integer(int(i == j))

    def _call_softmax(self, name: str, e: A.Call):
        v = self.value(e.args[0])
        if not isinstance(v, VectorValue):
            raise NotAudited(f"{name} of something that is not a vector")
        exps = [sp.exp(x) for x in v.items]
        total = sp.Add(*exps)
        return VectorValue(tuple(x / total for x in exps)) if name == "softmax" else sp.log(total)

    def _call_dot(self, name: str, e: A.Call):
        a, b = (self.value(x) for x in e.args)
        return sp.Add(*[p * q for p, q in zip(entries(a), entries(b))])

    def _call_outer(self, name: str, e: A.Call):
        a, b = (self.value(x) for x in e.args)
        return MatrixValue(tuple(tuple(p * q for q in entries(b)) for p in entries(a)))

    def _call_diag(self, name: str, e: A.Call):
        v = self.value(e.args[0])
        if isinstance(v, VectorValue):
            n = len(v.items)
            return MatrixValue(tuple(tuple(v.items[i] if i == j else sp.Integer(0) for j in range(n))
                                     for i in range(n)))
        m = self._matrix(v)
        return VectorValue(tuple(m.rows[i][i] for i in range(len(m.rows))))

    def _call_norm(self, name: str, e: A.Call):
        squares = sp.Add(*[x ** 2 for x in entries(self.value(e.args[0]))])
        self._kink(squares)
        return sp.sqrt(squares)

    def _call_trace(self, name: str, e: A.Call):
        m = self._matrix(self.value(e.args[0]))
        return sp.Add(*[m.rows[i][i] for i in range(len(m.rows))])

    def _call_det(self, name: str, e: A.Call):
        return self._det(self._matrix(self.value(e.args[0])))

    def _call_inv(self, name: str, e: A.Call):
        m = self._matrix(self.value(e.args[0]))
        d = self._det(m)
        self.conds.append(("nonzero", d))
        n = len(m.rows)
        out = MatrixValue(tuple(tuple(cofactor(m.rows, j, i) / d for j in range(n)) for i in range(n)))
        return self._from_matrix(out)

    def _call_transpose(self, name: str, e: A.Call):
        return self._transpose(self.value(e.args[0]))

    def _call_constant_matrix(self, name: str, e: A.Call):
        dims = [as_int(self.value(a)) for a in e.args]
        r, c = dims[0], dims[-1]
        if name == "zeros" and len(dims) == 1:
            return VectorValue(tuple(sp.Integer(0) for _ in range(r)))
        return self._from_matrix(MatrixValue(tuple(tuple(sp.Integer(int(name == "I" and i == j)) for j in range(c))
                                                   for i in range(r))))

    def _call_max_min(self, name: str, e: A.Call):
        a, b = (self.scalar(x) for x in e.args)
        self._kink(a - b)
        return (sp.Max if name == "max" else sp.Min)(a, b)

    def _call_diff(self, name: str, e: A.Call):
        return self._diff(e)

    def _call_derivative(self, name: str, e: A.Call):
        return self._derivative(name, e)

    def _scalar_call(self, name: str, fn, x):
        if name in ("log", "ln"):
            self.conds.append(("pos", x))
        elif name == "sqrt":
            self.conds.append(("nonneg", x))
            if self.diff_depth:
                self.conds.append(("nonzero", x))
        elif name == "tan":
            self.conds.append(("nonzero", sp.cos(x)))
        elif name in V.SCALAR_KINKS:  # each breaks at 0 in its meaning below (a test checks)
            self._kink(x)
        return fn(x)

    def _sum(self, e: A.Call):
        args = e.args
        if len(args) == 1:
            return sp.Add(*entries(self.value(args[0])))
        first, term = args
        if isinstance(first, A.ArgBinder):
            if not isinstance(first.domain, A.Range):
                raise NotAudited("a sum over something that is not a range")
            var = first.name
            low, high = as_int(self.value(first.domain.low)), as_int(self.value(first.domain.high))
        elif isinstance(first, A.Name):
            var, low, high = first.id, 1, self._index_range(term, first.id)
        else:
            raise NotAudited("a sum whose index is not a name")
        saved = self.env.get(var, _MISSING)
        total = None
        try:
            for k in range(low, high + 1):  # an empty range sums to 0
                self.env[var] = k
                v = self.value(term)
                v = sp.Integer(v) if isinstance(v, int) else v
                total = v if total is None else self._add(total, v, 1)
        finally:
            if saved is _MISSING:
                self.env.pop(var, None)
            else:
                self.env[var] = saved
        return sp.Integer(0) if total is None else total

    def _index_range(self, term: A.Expr, var: str) -> int:
        sizes = set()
        for node in A.walk(term):
            if isinstance(node, A.Index):
                for pos, i in enumerate(node.indices):
                    if isinstance(i, A.Name) and i.id == var:
                        base = self.value(node.base)
                        if isinstance(base, VectorValue):
                            sizes.add(len(base.items))
                        elif isinstance(base, MatrixValue):
                            sizes.add(base.shape[0] if pos == 0 else base.shape[1])
        if len(sizes) != 1:
            raise NotAudited(f"the range of the sum over {var}")
        return sizes.pop()

    def _variable(self, e: A.Expr):
        v = self.value(e)
        if isinstance(v, sp.Symbol):
            return v
        if isinstance(v, (VectorValue, MatrixValue)) and all(isinstance(x, sp.Symbol) for x in entries(v)):
            return v
        raise NotAudited("a derivative by something that is not a variable")

    def _inner(self, e: A.Expr):
        self.diff_depth += 1
        try:
            return self.value(e)
        finally:
            self.diff_depth -= 1

    def _diff(self, e: A.Call):
        x = self._variable(e.args[1])
        if not isinstance(x, sp.Symbol):
            raise NotAudited("diff by a vector")
        k = 1 if len(e.args) == 2 else int(e.args[2].value)
        f = self._inner(e.args[0])
        if isinstance(f, ConcreteFunction):
            raise NotAudited("diff of a function")
        return entrywise(f, lambda y: diff(as_scalar(y), x, k, self.dmemo))

    def _derivative(self, name: str, e: A.Call):
        if len(e.args) == 1:
            fn = self.value(e.args[0])
            if not isinstance(fn, ConcreteFunction):
                raise NotAudited(f"{name} of something that is not a function")
            return self._derivative_fn(name, fn)
        x = self._variable(e.args[1])
        f = self._inner(e.args[0])
        if name == "grad":
            f = as_scalar(f)
            return entrywise(x, lambda s: diff(f, s, 1, self.dmemo))
        if name == "hessian":
            f = as_scalar(f)
            if isinstance(x, sp.Symbol):
                return diff(f, x, 2, self.dmemo)
            xs = entries(x)
            return MatrixValue(tuple(tuple(diff(diff(f, a, 1, self.dmemo), b, 1, self.dmemo) for b in xs) for a in xs))
        xs = entries(x)
        return self._from_matrix(MatrixValue(tuple(tuple(diff(as_scalar(fi), s, 1, self.dmemo) for s in xs)
                                                   for fi in entries(f))))

    def _derivative_fn(self, name: str, fn: ConcreteFunction) -> ConcreteFunction:
        ps = fn.params
        body = fn.body
        m = self.dmemo
        if name == "grad":
            body = as_scalar(body)
            out = diff(body, ps[0], 1, m) if len(ps) == 1 else VectorValue(tuple(diff(body, p, 1, m) for p in ps))
        elif name == "hessian":
            body = as_scalar(body)
            out = diff(body, ps[0], 2, m) if len(ps) == 1 else MatrixValue(
                tuple(tuple(diff(diff(body, a, 1, m), b, 1, m) for b in ps) for a in ps))
        else:
            out = self._from_matrix(MatrixValue(tuple(tuple(diff(fi, p, 1, m) for p in ps) for fi in entries(body))))
        return ConcreteFunction(ps, out, fn.conds)


_MISSING = object()


def _sigmoid(x):
    return 1 / (1 + sp.exp(-x))


# The audit's meanings of the scalar functions.
SCALAR = {
    "exp": sp.exp, "log": sp.log, "ln": sp.log, "sqrt": sp.sqrt, "sin": sp.sin, "cos": sp.cos,
    "tan": sp.tan, "tanh": sp.tanh, "sinh": sp.sinh, "cosh": sp.cosh, "erf": sp.erf,
    "sigmoid": _sigmoid,
    "softplus": lambda x: sp.log(1 + sp.exp(x)),
    "relu": lambda x: sp.Max(x, 0),
    "abs": sp.Abs,
    "sign": sp.sign,
    "gelu": lambda x: x * (1 + sp.erf(x / sp.sqrt(2))) / 2,
}


# The audit's meanings of the other built-ins (SCALAR holds the scalar functions'; the
# predicates' are MATRIX_FORMULAS and, in `evaluate`, POINT_TESTS, FUNCTION_TESTS, DEFINITENESS).
CALLS = {
    "sum": AuditTranslator._call_sum,
    "delta": AuditTranslator._call_delta,
    "softmax": AuditTranslator._call_softmax,
    "logsumexp": AuditTranslator._call_softmax,
    "dot": AuditTranslator._call_dot,
    "outer": AuditTranslator._call_outer,
    "diag": AuditTranslator._call_diag,
    "norm": AuditTranslator._call_norm,
    "frobenius": AuditTranslator._call_norm,
    "trace": AuditTranslator._call_trace,
    "det": AuditTranslator._call_det,
    "inv": AuditTranslator._call_inv,
    "transpose": AuditTranslator._call_transpose,
    "I": AuditTranslator._call_constant_matrix,
    "zeros": AuditTranslator._call_constant_matrix,
    "max": AuditTranslator._call_max_min,
    "min": AuditTranslator._call_max_min,
    "diff": AuditTranslator._call_diff,
    "grad": AuditTranslator._call_derivative,
    "jacobian": AuditTranslator._call_derivative,
    "hessian": AuditTranslator._call_derivative,
}
MATRIX_FORMULAS = {"invertible": AuditTranslator._invertible, "symmetric": AuditTranslator._symmetric}

# The name sets come from the vocabulary, the meanings above are the audit's own: a
# built-in whose table has no entry for it is not audited (`NotAudited`), never guessed.
SCALAR_FUNCTIONS = V.SCALAR_FUNCTIONS
POINT_PREDICATES = V.PREDICATES_OF_POINT
FUNCTION_PREDICATES = V.PREDICATES_OF_FUNCTION
MATRIX_PREDICATES = V.MATRIX_PREDICATES
PREDICATES = POINT_PREDICATES | FUNCTION_PREDICATES | MATRIX_PREDICATES
# Every built-in the audit claims to evaluate with a meaning of its own: graph words go to
# the plain graph evaluator (`graphs`) and binder domains (`poly(...)`) to the instance planner.
CLAIMED = {b.name for b in V.VOCABULARY if b.kind is not V.Kind.GRAPH} - A.OPAQUE_CALLS


def meaning(name: str):
    """The audit's meaning of a built-in name, from the table of its kind; None when it has none."""
    if name in SCALAR_FUNCTIONS:
        return SCALAR.get(name)
    if name in POINT_PREDICATES:
        return E.POINT_TESTS.get(name)
    if name in FUNCTION_PREDICATES:
        return E.FUNCTION_TESTS.get(name)
    if name in MATRIX_PREDICATES:
        return E.DEFINITENESS.get(name) or MATRIX_FORMULAS.get(name)
    return CALLS.get(name)
