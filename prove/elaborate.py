"""Syntax tree to typed claims: names resolved, `let`s expanded, sorts,
arities, index ranges and sizes checked, and each claim given its family
(which backend takes it).

Every problem is an `ElaborationError` with the span of the offending node.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable, Optional

from prove import ast as A
from prove import sorts as S
from prove.claim import Claim, LemmaEntry, ModuleContext, Variable
from prove.errors import ProveError
from prove.scope import error_at as _err
from prove.scope import expand_lets, without
from prove.vocabulary import (ANALYSIS_WORDS, BUILTINS, CALCULUS_FUNCTIONS, FUNCTION_ARGS,  # noqa: F401
                              GRAPH_FUNCTIONS, MATRIX_PREDICATES, PREDICATES_OF_FUNCTION,
                              PREDICATES_OF_POINT, SCALAR_FUNCTIONS, VECTOR_FUNCTIONS)

# ----------------------------------------------------------------- builtins

CONSTANTS = {"pi": S.REAL}


class _Scope:
    """Names in scope with their sorts; lets are kept apart (they are macros)."""

    def __init__(self, sorts: dict[str, S.Sort]):
        self.sorts = sorts

    def child(self, extra: dict[str, S.Sort]) -> "_Scope":
        return _Scope({**self.sorts, **extra})


def elaborate_lemma(name: str, entry: LemmaEntry) -> Optional["Claim"]:
    """A lemma in scope, elaborated in the context of the file it comes from."""
    try:
        return elaborate(entry.decl, entry.path, without(entry.context, name))
    except ProveError:
        return None


def sort_of(term: A.Expr, claim: "Claim") -> S.Sort:
    """The sort of an expression among a claim's variables (raises ProveError)."""
    return _Elaborator(claim.path, ModuleContext()).sort(term, _Scope(dict(claim.sorts)))


# -------------------------------------------------------------- elaboration


def elaborate(decl: A.ClaimDecl, path: str, ctx: ModuleContext) -> Claim:
    body = expand_lets(decl.body, ctx.lets)
    return _Elaborator(path, ctx).claim(replace(decl, body=body))


def free_names(expr, bound: frozenset = frozenset()) -> list[str]:
    """Names used but not bound, in order of first appearance (no builtins)."""
    out: list[str] = []

    def visit(node, bound):
        if isinstance(node, A.Name):
            if node.id not in bound and node.id not in out and node.id not in CONSTANTS:
                out.append(node.id)
        elif (isinstance(node, A.BinOp) and node.op == "^" and isinstance(node.right, A.Name)
              and node.right.id == "T" and "T" not in bound):
            visit(node.left, bound)  # `A^T` is a transpose, not a power of a free real T
        elif isinstance(node, A.Call) and isinstance(node.func, A.Name):
            if node.func.id in bound:  # a function variable, not a free real
                visit(node.func, bound)
            args = node.args
            if node.func.id in ("poly", "quadratic", "graphs"):
                return  # their names (the family's variables, `degree`, `nodes`) are their own
            if node.func.id == "sum" and len(args) == 2 and isinstance(args[0], A.Name):
                visit(args[1], bound | {args[0].id})
                return
            if node.func.id == "sum" and len(args) == 2 and isinstance(args[0], A.ArgBinder):
                visit(args[0].domain, bound)
                visit(args[1], bound | {args[0].name})
                return
            for a in args:
                visit(a, bound)
        elif isinstance(node, A.Quant):
            inner = set(bound)
            for b in node.binders:
                for sub in (b.domain, b.bound):
                    if sub is not None:
                        visit(sub, frozenset(inner))
                inner.add(b.name)
                if b.where is not None:
                    visit(b.where, frozenset(inner))
            visit(node.body, frozenset(inner))
        elif isinstance(node, A.Lambda):
            visit(node.body, bound | set(node.params))
        elif isinstance(node, A.Calc):
            inner = set(bound)
            visit(node.first, frozenset(inner))
            for step in node.steps:
                if isinstance(step, A.CalcWhere):
                    visit(step.expr, frozenset(inner))
                    inner.add(step.name)
                else:
                    visit(step.rhs, frozenset(inner))
        elif isinstance(node, A.Space):
            return  # a dimension must be bound (`forall n >= 1`), never a free real
        elif isinstance(node, A.Node):
            for c in A.children(node):
                visit(c, bound)

    visit(expr, frozenset(bound))
    return out


class _Elaborator:
    def __init__(self, path: str, ctx: ModuleContext):
        self.path = path
        self.ctx = ctx
        self.sorts: dict[str, S.Sort] = {}
        self.uses_graphs = False
        self.uses_analysis = False
        self._ranges: dict[str, tuple] = {}  # index variable -> (low, high), for range checks
        self._where_names: set[str] = set()

    # ------------------------------------------------------------ claims
    def claim(self, decl: A.ClaimDecl) -> Claim:
        body = self._lift_function_args(decl.body, frozenset())
        variables: list[Variable] = []
        hypotheses: list[A.Expr] = []
        scope = _Scope({})

        # Free variables are real scalars, universally quantified.
        for name in free_names(body):
            if name in BUILTINS:
                continue
            sort: S.Sort = S.REAL
            variables.append(Variable(name, sort, decl.span, free=True))
            scope = scope.child({name: sort})
            self.sorts[name] = sort

        # Peel the outer universal prefix.
        while isinstance(body, A.Quant) and body.kind == "forall":
            for binder in body.binders:
                var, scope = self._binder(binder, scope)
                variables.append(var)
                if binder.where is not None:
                    self._expect_bool(binder.where, scope)
                    hypotheses.append(binder.where)
            body = body.body

        if isinstance(body, A.Calc):
            self._calc(body, scope)
            family = "derivation"
        else:
            self._expect_bool(body, scope)
            family = "identity"
        if self.uses_analysis:
            family = "analysis" if family == "identity" else family
        if self.uses_graphs:
            family = "graph"
        variables = [replace(v, sort=self.sorts.get(v.name, v.sort)) for v in variables]
        return Claim(decl.name, self.path, decl, family, tuple(variables), tuple(hypotheses), body,
                     dict(self.sorts), dict(self.ctx.lemmas))

    def _calc(self, calc: A.Calc, scope: _Scope) -> None:
        first = self.sort(calc.first, scope)
        self._numeric_like(calc.first, first)
        for step in calc.steps:
            if isinstance(step, A.CalcWhere):
                self._where_name(step, scope)
                sort = self.sort(step.expr, scope)
                scope = scope.child({step.name: sort})
                self.sorts[step.name] = sort
                continue
            sort = self.sort(step.rhs, scope)
            self._same_shape(step.rhs, first, sort, "the two sides of this step")
            if step.rel not in ("=", "!=") and not S.is_number(sort):
                raise _err(step, f"`{step.rel}` compares numbers, not {sort}")
            for hint in step.hints:
                self._hint(hint)

    def _where_name(self, step: A.CalcWhere, scope: _Scope) -> None:
        """An abbreviation names something new: rebinding a variable would turn
        `where x = 2` into an assumption about x."""
        name = step.name
        if name in scope.sorts:
            what = "an earlier `where`" if name in self._where_names else "this claim"
            raise _err(_where_name_node(step), f"{name} is already bound (a variable of {what}); "
                       "a `where` abbreviation must introduce a new name", f"a fresh name, as in `where {name}2 = ...`")
        if name in self.ctx.lets:
            raise _err(_where_name_node(step), f"{name} is already bound by `let {name}`; a `where` abbreviation "
                       "must introduce a new name", f"a fresh name, as in `where {name}2 = ...`")
        if name in BUILTINS or name in CONSTANTS:
            raise _err(_where_name_node(step), f"{name!r} is a built-in name and cannot be bound", "another name")
        self._where_names.add(name)

    def _hint(self, hint: A.Hint) -> None:
        if hint.kind == "by" and hint.name == "lemma":
            if not hint.arg:
                raise _err(hint, "`by lemma` needs the lemma's name", "by lemma NAME")
            if hint.arg not in self.ctx.lemmas:
                raise _err(hint, f"no lemma named {hint.arg!r} is in scope",
                           "a lemma from a `use`d file" + (
                               f" (known: {', '.join(sorted(self.ctx.lemmas)[:6])})" if self.ctx.lemmas else
                               "; add `use FILE` first"))
        elif hint.kind == "by" and hint.name not in ("sympy", "z3", "cases", "lemma", "algebra", "chain_rule"):
            raise _err(hint, f"unknown hint `by {hint.name}`", "by sympy, by z3, by lemma NAME or by cases")

    # ----------------------------------------------------------- binders
    def _binder(self, b: A.Binder, scope: _Scope) -> tuple[Variable, _Scope]:
        if b.name in BUILTINS:
            raise _err(b, f"{b.name!r} is a built-in name and cannot be bound", "another variable name")
        if b.kind == "fun":
            sig: A.FunSig = b.domain
            sort = S.Fun(self._space(sig.source, scope), self._space(sig.target, scope), "abstract")
            var = Variable(b.name, sort, b.span, domain=b.domain)
        elif b.kind == "subset":
            inner = b.domain.expr
            if not (isinstance(inner, A.Call) and isinstance(inner.func, A.Name) and inner.func.id == "nodes"
                    and len(inner.args) == 1):
                raise _err(inner, "a subset ranges over the nodes of a graph", "S subset nodes(G)")
            graph = self._graph_name(inner.args[0], scope)
            sort = S.NodeSet(graph)
            self.uses_graphs = True
            var = Variable(b.name, sort, b.span, domain=b.domain)
        elif b.kind in ("<=", ">=", "<", ">", "=", "!="):
            # `n >= 1`: an integer, typically a dimension.
            bound_sort = self.sort(b.bound, scope)
            if not S.is_number(bound_sort):
                raise _err(b.bound, f"the bound of {b.name} must be a number, got {bound_sort}")
            sort = S.INT
            var = Variable(b.name, sort, b.span, bound=(b.kind, b.bound))
        else:
            sort = self._domain(b.domain, scope)
            var = Variable(b.name, sort, b.span, domain=b.domain)
            if isinstance(b.domain, A.Range):
                self._ranges[b.name] = (self._const(b.domain.low), self._const(b.domain.high))
        self.sorts[b.name] = sort
        return var, scope.child({b.name: sort})

    def _space(self, space: A.Space, scope: _Scope) -> S.Sort:
        for d in space.shape:
            if isinstance(d, str):
                if d not in scope.sorts:
                    raise _err(space, f"the dimension {d!r} is not bound",
                               f"a dimension variable bound before, as in `forall {d} >= 1, ...`")
                if not isinstance(scope.sorts[d], S.Int):
                    raise _err(space, f"the dimension {d!r} is {scope.sorts[d]}, not an integer")
            elif d < 1:
                raise _err(space, f"a dimension must be at least 1, got {d}")
        if space.field_ == "Z":
            return S.INT
        if len(space.shape) == 0:
            return S.REAL
        if len(space.shape) == 1:
            return S.Vec(space.shape[0])
        return S.Mat(space.shape[0], space.shape[1])

    def _domain(self, domain: A.Domain, scope: _Scope) -> S.Sort:
        if isinstance(domain, A.Space):
            return self._space(domain, scope)
        if isinstance(domain, A.FunSig):
            return S.Fun(self._space(domain.source, scope), self._space(domain.target, scope), "abstract")
        if isinstance(domain, A.Range):
            for end in (domain.low, domain.high):
                if not isinstance(self.sort(end, scope), S.Int):
                    raise _err(end, "a range runs between integers (whole numbers or bound integer variables)",
                               "an integer bound such as 1..n, with n bound before (forall n >= 1, ...)")
            return S.INT
        expr = domain.expr
        if isinstance(expr, A.Call) and isinstance(expr.func, A.Name):
            fname = expr.func.id
            if fname == "poly":
                return self._poly_family(expr, scope)
            if fname == "quadratic":
                return self._poly_family(expr, scope, quadratic=True)
            if fname == "graphs":
                self.uses_graphs = True
                self._graphs_domain(expr, scope)
                return S.GRAPH
            if fname == "nodes" and len(expr.args) == 1:
                return S.Node(self._graph_name(expr.args[0], scope))
            if fname == "orders" and len(expr.args) == 1:
                self.uses_graphs = True
                return S.Order(self._graph_name(expr.args[0], scope))
        raise _err(expr, "this is not a domain a variable can range over",
                   "R, R^n, R^(m x n), a..b, poly(...), graphs(...), nodes(G), orders(G) or a function type")

    def _poly_family(self, expr: A.Call, scope: _Scope, quadratic: bool = False) -> S.Sort:
        self.uses_analysis = True
        if quadratic:
            if len(expr.args) != 1:
                raise _err(expr, "quadratic takes its variables", "quadratic(x) or quadratic([x, y])")
            variables, degree = expr.args[0], None
        else:
            if len(expr.args) != 2:
                raise _err(expr, "poly takes its variables and a degree bound", "poly(w, degree <= 3)")
            variables, degree = expr.args
        names = variables.items if isinstance(variables, A.ListLit) else (variables,)
        for v in names:
            if not isinstance(v, A.Name):
                raise _err(v, "the variables of a polynomial family are names", "poly([x, y], degree <= 2)")
        if degree is not None:
            ok = (isinstance(degree, A.Compare) and degree.ops in (("<=",), ("=",))
                  and isinstance(degree.operands[0], A.Name) and degree.operands[0].id == "degree"
                  and isinstance(degree.operands[1], A.Num) and degree.operands[1].value.denominator == 1
                  and degree.operands[1].value >= 0)
            if not ok:
                raise _err(degree, "the degree bound is written `degree <= k` with a whole number k",
                           "degree <= 3")
            if degree.operands[1].value > 12:
                raise _err(degree, "degrees above 12 are not supported", "degree <= 12")
        source = S.REAL if len(names) == 1 else S.Vec(len(names))
        return S.Fun(source, S.REAL, "poly")

    def _graphs_domain(self, expr: A.Call, scope: _Scope) -> None:
        if len(expr.args) != 1 or not isinstance(expr.args[0], A.Compare):
            raise _err(expr, "graphs take a bound on the number of nodes", "graphs(nodes <= 6) or graphs(1 <= nodes <= 6)")
        cmp = expr.args[0]
        names = [o for o in cmp.operands if isinstance(o, A.Name)]
        if len(names) != 1 or names[0].id != "nodes" or any(op not in ("<=", "<", "=") for op in cmp.ops):
            raise _err(cmp, "the bound is on `nodes`", "nodes <= N or M <= nodes <= N")
        for o in cmp.operands:
            if not isinstance(o, A.Name) and not (isinstance(o, A.Num) and o.value.denominator == 1):
                raise _err(o, "graph bounds are whole numbers", "graphs(nodes <= 6)")
        if not (isinstance(cmp.operands[-1], A.Num)):
            raise _err(cmp, "a graph claim needs an upper bound on the number of nodes", "graphs(nodes <= 6)")

    def _graph_name(self, expr: A.Expr, scope: _Scope) -> str:
        sort = self.sort(expr, scope)
        if not isinstance(sort, S.Graph):
            raise _err(expr, f"expected a graph, got {sort}", "a graph variable")
        return expr.id if isinstance(expr, A.Name) else "G"

    # ------------------------------------------------------------ helpers
    def _expect_bool(self, expr: A.Expr, scope: _Scope) -> None:
        sort = self.sort(expr, scope)
        if not isinstance(sort, S.Bool):
            raise _err(expr, f"a claim must be a formula, but this is {sort}",
                       "an equation, a comparison or a predicate")

    def _numeric_like(self, node, sort) -> None:
        if not isinstance(sort, (S.Real, S.Int, S.Vec, S.Mat)):
            raise _err(node, f"expected a number, vector or matrix, got {sort}")

    def _same_shape(self, node, a: S.Sort, b: S.Sort, what: str) -> None:
        if S.is_number(a) and S.is_number(b):
            return
        if a != b:
            raise _err(node, f"{what} differ in shape: {S.shape_text(a)} and {S.shape_text(b)}")

    def _lift_function_args(self, expr: A.Expr, bound: frozenset) -> A.Expr:
        """Turn `local_min(x^4, 0)`'s `x^4` into a function of its free variables."""
        fun_vars = _function_binders(expr)
        # names a quantifier binds are the claim's variables, not the function's (`forall a in R: convex(a*x^2)`)
        quantified = {b.name for node in A.walk(expr) if isinstance(node, A.Quant) for b in node.binders}

        def fn(node):
            if isinstance(node, A.Call) and isinstance(node.func, A.Name) and node.args:
                fname = node.func.id
                takes_fn = fname in FUNCTION_ARGS or (fname in ("grad", "hessian", "jacobian") and len(node.args) == 1)
                if takes_fn:
                    first = node.args[0]
                    if isinstance(first, (A.Name, A.Lambda)):
                        return None
                    params = tuple(n for n in free_names(first)
                                   if n not in BUILTINS and (n not in quantified or n in fun_vars))
                    pointwise = _pointwise_function_expr(first, params, fun_vars)
                    if pointwise is not None:  # `convex(f * g)`: f and g are functions, not reals
                        params, first = pointwise
                    lam = A.Lambda(params, first, span=first.span)
                    return replace(node, args=(lam,) + node.args[1:])
            return None

        return A.rebuild(expr, fn)

    # ------------------------------------------------------------- sorts
    def sort(self, e: A.Expr, scope: _Scope) -> S.Sort:
        method: Callable = getattr(self, "_sort_" + type(e).__name__, None)
        if method is None:
            raise _err(e, f"unexpected {type(e).__name__} here")
        return method(e, scope)

    def _sort_Num(self, e: A.Num, scope) -> S.Sort:
        return S.INT if e.value.denominator == 1 else S.REAL

    def _sort_Name(self, e: A.Name, scope) -> S.Sort:
        if e.id in scope.sorts:
            return scope.sorts[e.id]
        if e.id in CONSTANTS:
            return CONSTANTS[e.id]
        if e.id in BUILTINS:
            raise _err(e, f"{e.id!r} is a function; call it with arguments", f"{e.id}(...)")
        # names inside nested scopes that were not bound: free reals
        return S.REAL

    def _sort_Lambda(self, e: A.Lambda, scope) -> S.Sort:
        if not e.params:
            bound = [n for n in free_names(e.body) if n in scope.sorts]
            bound += sorted({n.func.id for n in A.walk(e.body) if isinstance(n, A.Call)
                             and isinstance(n.func, A.Name) and n.func.id in scope.sorts} - set(bound))
            if bound:
                names = " and ".join(bound)
                raise _err(e, f"a function is expected here, but {names} {'is' if len(bound) == 1 else 'are'} "
                              f"bound by a quantifier, so this expression is one number, not a function of "
                              f"{names}", "an expression in a free variable, as in `convex(t^3)`, or a function variable")
            raise _err(e, "a function is expected here, but this expression has no variable: it is a constant",
                       "an expression in a free variable, as in `convex(t^3)`, or a function variable")
        inner = scope.child({p: S.REAL for p in e.params})
        result = self.sort(e.body, inner)
        source = S.REAL if len(e.params) == 1 else S.Vec(len(e.params)) if e.params else S.REAL
        for p in e.params:
            self.sorts.setdefault(p, S.REAL)
        return S.Fun(source, result)

    def _sort_Neg(self, e: A.Neg, scope) -> S.Sort:
        s = self.sort(e.operand, scope)
        self._numeric_like(e.operand, s)
        return S.REAL if isinstance(s, S.Int) else s

    def _sort_Card(self, e: A.Card, scope) -> S.Sort:
        s = self.sort(e.operand, scope)
        if isinstance(s, S.NodeSet):
            return S.INT
        if S.is_number(s):
            return S.REAL
        raise _err(e, f"|...| takes a set of nodes or a number, got {s}")

    def _sort_ListLit(self, e: A.ListLit, scope) -> S.Sort:
        if not e.items:
            raise _err(e, "an empty list has no meaning here")
        sorts = [self.sort(i, scope) for i in e.items]
        if all(S.is_number(s) for s in sorts):
            return S.Vec(len(sorts))
        if all(isinstance(s, S.Vec) for s in sorts):
            dims = {s.dim for s in sorts}
            if len(dims) != 1:
                raise _err(e, "the rows of a matrix must have the same length")
            return S.Mat(len(sorts), sorts[0].dim)
        raise _err(e, "a list holds numbers (a vector) or rows of numbers (a matrix)")

    def _sort_BinOp(self, e: A.BinOp, scope) -> S.Sort:
        if e.op == "^" and isinstance(e.right, A.Name) and e.right.id == "T" and "T" not in scope.sorts:
            base = self.sort(e.left, scope)
            return self._transpose(e, base)
        left = self.sort(e.left, scope)
        right = self.sort(e.right, scope)
        if isinstance(left, S.Graph) and e.op in ("-", "+"):
            return self._graph_op(e, right)
        for side, s in ((e.left, left), (e.right, right)):
            self._numeric_like(side, s)
        if e.op in ("+", "-"):
            if S.is_number(left) and S.is_number(right):
                return S.INT if isinstance(left, S.Int) and isinstance(right, S.Int) else S.REAL
            if S.is_number(left):
                return right
            if S.is_number(right):
                return left  # broadcasting a scalar, as in softmax(z + c)
            if left != right:
                raise _err(e, f"cannot {'add' if e.op == '+' else 'subtract'} {S.shape_text(left)} and "
                              f"{S.shape_text(right)}", "operands of the same shape")
            return left
        if e.op == "*":
            if S.is_number(left) and S.is_number(right):
                return S.INT if isinstance(left, S.Int) and isinstance(right, S.Int) else S.REAL
            if S.is_number(left):
                return right
            if S.is_number(right):
                return left
            if isinstance(left, S.Vec) and left == right:
                return left  # elementwise
            raise _err(e, f"`*` multiplies by a scalar (or two vectors entrywise); for {S.shape_text(left)} "
                          f"times {S.shape_text(right)} use `@`", "a scalar factor, or `@`")
        if e.op == "/":
            if not S.is_number(right):
                raise _err(e.right, f"can only divide by a scalar, not {S.shape_text(right)}")
            return S.REAL if S.is_number(left) else left
        if e.op == "^":
            if not S.is_number(right):
                raise _err(e.right, f"an exponent must be a number, got {right}")
            if S.is_number(left):
                return S.REAL
            if isinstance(left, S.Mat) and left.rows == left.cols:
                return left
            raise _err(e, f"cannot raise {S.shape_text(left)} to a power", "a scalar or a square matrix")
        if e.op == "@":
            (r1, c1), (r2, c2) = S.shape(left), S.shape(right)
            if S.is_number(left) or S.is_number(right):
                raise _err(e, "`@` multiplies matrices and vectors; use `*` for a scalar")
            if c1 != r2:
                raise _err(e, f"shapes do not match for @: {S.shape_text(left)} @ {S.shape_text(right)}",
                           f"a right operand with {c1} rows, as the left one has {c1} columns")
            return S.from_shape(r1, c2)
        raise _err(e, f"unknown operator {e.op}")

    def _transpose(self, node, base: S.Sort) -> S.Sort:
        if S.is_number(base):
            return base
        if isinstance(base, S.Vec):
            return S.Mat(1, base.dim)
        if isinstance(base, S.Mat):
            return S.from_shape(base.cols, base.rows)
        raise _err(node, f"cannot transpose {base}")

    def _graph_op(self, e: A.BinOp, right: S.Sort) -> S.Sort:
        if e.op == "-" and isinstance(right, S.Node):
            return S.GRAPH
        if e.op == "+" and isinstance(e.right, A.Call) and isinstance(e.right.func, A.Name) and e.right.func.id == "sink":
            return S.GRAPH
        raise _err(e, "a graph can lose a node (G - v) or gain a sink (G + sink(S))", "G - v or G + sink(S)")

    def _sort_Index(self, e: A.Index, scope) -> S.Sort:
        base = self.sort(e.base, scope)
        idx_sorts = [self.sort(i, scope) for i in e.indices]
        for i, s in zip(e.indices, idx_sorts):
            if not isinstance(s, S.Int):
                raise _err(i, f"an index must be an integer, got {s}", "a whole number or an index variable")
        if isinstance(base, S.Vec):
            if len(e.indices) != 1:
                raise _err(e, f"a vector takes one index, got {len(e.indices)}")
            self._check_index(e.indices[0], base.dim, scope)
            return S.REAL
        if isinstance(base, S.Mat):
            if len(e.indices) == 2:
                self._check_index(e.indices[0], base.rows, scope)
                self._check_index(e.indices[1], base.cols, scope)
                return S.REAL
            if len(e.indices) == 1:
                self._check_index(e.indices[0], base.rows, scope)
                return S.Vec(base.cols)
            raise _err(e, "a matrix takes one or two indices")
        raise _err(e.base, f"only vectors and matrices can be indexed; this is {base}")

    def _check_index(self, idx: A.Expr, dim, scope) -> None:
        if isinstance(idx, A.Num):
            k = idx.value
            if isinstance(dim, int) and not (1 <= k <= dim):
                raise _err(idx, f"index {k} is out of range for a vector in R^{dim}", f"an index in 1..{dim}")
            if k < 1:
                raise _err(idx, f"indices start at 1, got {k}")
        elif isinstance(idx, A.Name):
            rng = self._ranges.get(idx.id)
            if rng is not None and isinstance(dim, int):
                low, high = rng
                if isinstance(low, int) and isinstance(high, int) and not (1 <= low and high <= dim):
                    raise _err(idx, f"{idx.id} ranges over {low}..{high}, beyond the indices 1..{dim}",
                               f"a range inside 1..{dim}")
            if rng is not None and isinstance(dim, str) and isinstance(rng[1], str) and rng[1] != dim:
                raise _err(idx, f"{idx.id} ranges up to {rng[1]}, but this vector has {dim} entries",
                           f"{idx.id} in 1..{dim}")

    def _sort_Compare(self, e: A.Compare, scope) -> S.Sort:
        sorts = [self.sort(o, scope) for o in e.operands]
        for op, (a, b), (na, nb) in zip(e.ops, zip(sorts, sorts[1:]), zip(e.operands, e.operands[1:])):
            if op in ("=", "!="):
                if isinstance(a, S.Node) and isinstance(b, S.Node):
                    continue
                self._numeric_like(na, a)
                self._numeric_like(nb, b)
                if not (S.is_number(a) and S.is_number(b)) and not (S.is_number(a) or S.is_number(b)):
                    self._same_shape(e, a, b, "the two sides")
                elif not (S.is_number(a) and S.is_number(b)):
                    if not (isinstance(nb, A.Num) and nb.value == 0):
                        raise _err(e, f"the two sides differ in shape: {S.shape_text(a)} and {S.shape_text(b)}")
            else:
                for node, s in ((na, a), (nb, b)):
                    if not S.is_number(s):
                        raise _err(node, f"`{op}` compares numbers, not {s}")
        return S.BOOL

    def _sort_Not(self, e: A.Not, scope) -> S.Sort:
        self._expect_bool(e.operand, scope)
        return S.BOOL

    def _sort_And(self, e, scope) -> S.Sort:
        for o in e.operands:
            self._expect_bool(o, scope)
        return S.BOOL

    _sort_Or = _sort_And

    def _sort_Implies(self, e, scope) -> S.Sort:
        self._expect_bool(e.left, scope)
        self._expect_bool(e.right, scope)
        return S.BOOL

    _sort_Iff = _sort_Implies

    def _sort_Quant(self, e: A.Quant, scope) -> S.Sort:
        for b in e.binders:
            _, scope = self._binder(b, scope)
            if b.where is not None:
                self._expect_bool(b.where, scope)
        if isinstance(e.body, A.Calc):
            raise _err(e.body, "a calc chain stands at the top of a claim, after its `forall`s")
        self._expect_bool(e.body, scope)
        return S.BOOL

    def _const(self, e: A.Expr):
        if isinstance(e, A.Num) and e.value.denominator == 1:
            return int(e.value)
        if isinstance(e, A.Name):
            return e.id
        return None

    def _sort_Calc(self, e: A.Calc, scope) -> S.Sort:
        raise _err(e, "a calc chain stands at the top of a claim, after its `forall`s")

    def _sort_ArgBinder(self, e: A.ArgBinder, scope) -> S.Sort:
        raise _err(e, "`name in domain` is only allowed as the first argument of sum", "sum(k in 1..n, ...)")

    # ------------------------------------------------------------- calls
    def _sort_Call(self, e: A.Call, scope) -> S.Sort:
        func = e.func
        if isinstance(func, A.Name) and func.id in scope.sorts:
            fsort = scope.sorts[func.id]
            return self._apply(e, fsort, scope)
        if isinstance(func, A.Name):
            name = func.id
            if name not in BUILTINS:
                raise _err(func, f"unknown function {name!r}",
                           "a built-in (see docs/language.md), a `let` definition or a function variable")
            return self._builtin(e, name, scope)
        fsort = self.sort(func, scope)
        return self._apply(e, fsort, scope)

    def _apply(self, e: A.Call, fsort: S.Sort, scope) -> S.Sort:
        if isinstance(fsort, S.Order):
            if len(e.args) != 1 or not isinstance(self.sort(e.args[0], scope), S.Node):
                raise _err(e, "an order maps a node to its position", "p(v) for a node v")
            return S.INT
        if not isinstance(fsort, S.Fun):
            raise _err(e.func, f"{_show(e.func)} is {fsort}, not a function")
        if len(e.args) == 1:
            arg = self.sort(e.args[0], scope)
            ok = (S.is_number(arg) and S.is_number(fsort.source)) or arg == fsort.source
            if not ok:
                raise _err(e.args[0], f"{_show(e.func)} takes a point in {S.space_name(fsort.source)}, "
                                      f"got {S.shape_text(arg)}")
        else:
            if not (isinstance(fsort.source, S.Vec) and fsort.source.dim == len(e.args)):
                raise _err(e, f"{_show(e.func)} takes one point in {S.space_name(fsort.source)}",
                           f"{_show(e.func)}(p) or, for R^k, k arguments")
            for a in e.args:
                if not S.is_number(self.sort(a, scope)):
                    raise _err(a, "expected a number")
        return fsort.target

    def _arity(self, e: A.Call, name: str, *allowed: int) -> None:
        if len(e.args) not in allowed:
            want = " or ".join(str(a) for a in allowed)
            raise _err(e, f"{name} takes {want} argument(s), got {len(e.args)}", _SIGNATURES.get(name))

    def _builtin(self, e: A.Call, name: str, scope) -> S.Sort:
        args = e.args
        if name in SCALAR_FUNCTIONS:
            self._arity(e, name, 1)
            s = self.sort(args[0], scope)
            self._numeric_like(args[0], s)
            return S.REAL if S.is_number(s) else s
        if name in ("max", "min"):
            self._arity(e, name, 2)
            for a in args:
                if not S.is_number(self.sort(a, scope)):
                    raise _err(a, f"{name} takes numbers")
            return S.REAL
        if name in ("softmax", "logsumexp"):
            self._arity(e, name, 1)
            s = self.sort(args[0], scope)
            if not isinstance(s, S.Vec):
                raise _err(args[0], f"{name} takes a vector, got {s}", f"{name}(z) with z in R^n")
            return s if name == "softmax" else S.REAL
        if name == "sum":
            return self._sum(e, scope)
        if name == "delta":
            self._arity(e, name, 2)
            for a in args:
                if not isinstance(self.sort(a, scope), S.Int):
                    raise _err(a, "delta compares two indices", "delta(i, j)")
            return S.INT
        if name == "dot":
            self._arity(e, name, 2)
            a, b = (self.sort(x, scope) for x in args)
            if not (isinstance(a, S.Vec) and a == b):
                raise _err(e, f"dot takes two vectors of the same size, got {S.shape_text(a)} and {S.shape_text(b)}")
            return S.REAL
        if name == "outer":
            self._arity(e, name, 2)
            a, b = (self.sort(x, scope) for x in args)
            if not (isinstance(a, S.Vec) and isinstance(b, S.Vec)):
                raise _err(e, "outer takes two vectors", "outer(u, v)")
            return S.Mat(a.dim, b.dim)
        if name == "diag":
            self._arity(e, name, 1)
            a = self.sort(args[0], scope)
            if isinstance(a, S.Vec):
                return S.Mat(a.dim, a.dim)
            if isinstance(a, S.Mat) and a.rows == a.cols:
                return S.Vec(a.rows)
            raise _err(args[0], f"diag takes a vector (or a square matrix), got {a}")
        if name in ("norm", "frobenius"):
            self._arity(e, name, 1)
            a = self.sort(args[0], scope)
            self._numeric_like(args[0], a)
            return S.REAL
        if name in ("trace", "det", "inv", "transpose"):
            self._arity(e, name, 1)
            a = self.sort(args[0], scope)
            if name == "transpose":
                return self._transpose(e, a)
            if not (isinstance(a, S.Mat) and a.rows == a.cols):
                raise _err(args[0], f"{name} takes a square matrix, got {S.shape_text(a)}")
            return a if name == "inv" else S.REAL
        if name in ("I", "zeros"):
            self._arity(e, name, 1, 2)
            dims = []
            for a in args:
                if not isinstance(self.sort(a, scope), S.Int):
                    raise _err(a, f"{name} takes sizes")
                dims.append(self._const(a))
            if None in dims:
                raise _err(e, "sizes must be whole numbers or dimension variables")
            return S.Mat(dims[0], dims[-1]) if name == "I" or len(dims) == 2 else S.Vec(dims[0])
        if name in CALCULUS_FUNCTIONS:
            return self._calculus(e, name, scope)
        if name in PREDICATES_OF_POINT:
            self.uses_analysis = True
            self._arity(e, name, 2)
            f = self._function_arg(args[0], scope, name)
            p = self.sort(args[1], scope)
            ok = (S.is_number(p) and S.is_number(f.source)) or p == f.source
            if not ok:
                raise _err(args[1], f"the point must be in {S.space_name(f.source)}, got {S.shape_text(p)}")
            if not S.is_number(f.target):
                raise _err(args[0], f"{name} is about real-valued functions")
            return S.BOOL
        if name in PREDICATES_OF_FUNCTION:
            self.uses_analysis = True
            self._arity(e, name, 1)
            f = self._function_arg(args[0], scope, name)
            if not S.is_number(f.target):
                raise _err(args[0], f"{name} is about real-valued functions")
            return S.BOOL
        if name in MATRIX_PREDICATES:
            if name in ANALYSIS_WORDS:
                self.uses_analysis = True
            self._arity(e, name, 1)
            a = self.sort(args[0], scope)
            if not (S.is_number(a) or (isinstance(a, S.Mat) and a.rows == a.cols)):
                raise _err(args[0], f"{name} takes a square matrix, got {S.shape_text(a)}")
            return S.BOOL
        if name in GRAPH_FUNCTIONS:
            self.uses_graphs = True
            return self._graph_call(e, name, scope)
        if name in ("poly", "quadratic"):
            raise _err(e, f"{name}(...) is a family of functions: bind a variable to it",
                       f"forall g in {name}(...)")
        raise _err(e.func, f"{name} cannot be used here")

    def _function_arg(self, arg: A.Expr, scope, name: str) -> S.Fun:
        s = self.sort(arg, scope)
        if not isinstance(s, S.Fun):
            raise _err(arg, f"{name} takes a function, got {s}", "a function variable or an expression in x")
        return s

    def _sum(self, e: A.Call, scope) -> S.Sort:
        args = e.args
        if len(args) == 1:
            s = self.sort(args[0], scope)
            if not isinstance(s, (S.Vec, S.Mat)):
                raise _err(args[0], f"sum of one argument adds the entries of a vector or matrix, got {s}")
            return S.REAL
        if len(args) != 2:
            raise _err(e, "sum takes an index and a term", "sum(k, z[k]) or sum(k in 1..n, z[k])")
        first, term = args
        if isinstance(first, A.ArgBinder):
            if not isinstance(first.domain, A.Range):
                raise _err(first, "a sum runs over a range", "sum(k in 1..n, ...)")
            self._domain(first.domain, scope)
            var = first.name
            self._ranges[var] = (self._const(first.domain.low), self._const(first.domain.high))
        elif isinstance(first, A.Name):
            var = first.id
            dims = _index_dims(term, var, scope.sorts)
            if not dims:
                raise _err(first, f"cannot tell the range of {var}: it indexes no vector here",
                           f"sum({var} in 1..n, ...)")
            if len(set(map(str, dims))) > 1:
                raise _err(first, f"{var} indexes vectors of different sizes ({', '.join(map(str, dims))})",
                           f"sum({var} in 1..n, ...)")
        else:
            raise _err(first, "the first argument of sum names the index", "sum(k, z[k])")
        inner = scope.child({var: S.INT})
        self.sorts.setdefault(var, S.INT)
        s = self.sort(term, inner)
        self._numeric_like(term, s)
        return S.REAL if S.is_number(s) else s

    def _calculus(self, e: A.Call, name: str, scope) -> S.Sort:
        args = e.args
        if name == "diff":
            self._arity(e, name, 2, 3)
            f = self.sort(args[0], scope)
            self._numeric_like(args[0], f)
            x = self.sort(args[1], scope)
            if not S.is_number(x) or not _is_variable(args[1]):
                raise _err(args[1], "diff differentiates with respect to a scalar variable or an entry z[j]",
                           "diff(expr, x) or diff(expr, z[j])")
            if len(args) == 3:
                k = args[2]
                if not (isinstance(k, A.Num) and k.value.denominator == 1 and k.value >= 0):
                    raise _err(k, "the order of a derivative is a whole number", "diff(expr, x, 2)")
            return S.REAL if S.is_number(f) else f
        if len(args) == 1:  # grad(g), hessian(g), jacobian(g): functions
            f = self._function_arg(args[0], scope, name)
            n = _dim_of(f.source)
            if name == "grad":
                if not S.is_number(f.target):
                    raise _err(args[0], "grad takes a real-valued function; use jacobian for vectors")
                return S.Fun(f.source, f.source if not S.is_number(f.source) else S.REAL)
            if name == "hessian":
                return S.Fun(f.source, S.Mat(n, n) if not S.is_number(f.source) else S.REAL)
            m = _dim_of(f.target)
            return S.Fun(f.source, S.Mat(m, n))
        self._arity(e, name, 1, 2)
        f = self.sort(args[0], scope)
        x = self.sort(args[1], scope)
        if not _is_variable(args[1]):
            raise _err(args[1], f"{name} is taken with respect to a variable", f"{name}(expr, z)")
        if name == "grad":
            if not S.is_number(f):
                raise _err(args[0], f"grad takes a scalar expression, got {S.shape_text(f)}; use jacobian")
            if isinstance(x, (S.Vec, S.Mat)) or S.is_number(x):
                return S.REAL if S.is_number(x) else x
        if name == "hessian":
            if not S.is_number(f):
                raise _err(args[0], "hessian takes a scalar expression")
            if isinstance(x, S.Vec):
                return S.Mat(x.dim, x.dim)
            if S.is_number(x):
                return S.REAL
        if name == "jacobian":
            if isinstance(x, S.Vec) and (isinstance(f, S.Vec) or S.is_number(f)):
                return S.Mat(f.dim if isinstance(f, S.Vec) else 1, x.dim)
        raise _err(e, f"{name} of {S.shape_text(f)} with respect to {S.shape_text(x)} is not defined",
                   _SIGNATURES.get(name))

    def _graph_call(self, e: A.Call, name: str, scope) -> S.Sort:
        args = e.args
        sorts = [self.sort(a, scope) if not (name == "graph" and i == 1) else None for i, a in enumerate(args)]

        def need(i, kind, what):
            if i >= len(args) or not isinstance(sorts[i], kind):
                node = args[i] if i < len(args) else e
                raise _err(node, f"{name} expects {what} here" + (f", got {sorts[i]}" if i < len(args) else ""),
                           _SIGNATURES.get(name))

        if name in ("edge", "path"):
            self._arity(e, name, 3)
            need(0, S.Graph, "a graph")
            need(1, S.Node, "a node")
            need(2, S.Node, "a node")
            return S.BOOL
        if name in ("acyclic", "cycle"):
            self._arity(e, name, 1)
            need(0, S.Graph, "a graph")
            return S.BOOL
        if name in ("source", "sink") and len(args) == 2:
            need(0, S.Graph, "a graph")
            need(1, S.Node, "a node")
            return S.BOOL
        if name == "sink" and len(args) == 1:
            need(0, S.NodeSet, "a set of nodes")
            return S.NodeSet("sink")  # only meaningful in G + sink(S)
        if name in ("indegree", "outdegree"):
            self._arity(e, name, 2)
            need(0, S.Graph, "a graph")
            need(1, S.Node, "a node")
            return S.INT
        if name == "topological":
            self._arity(e, name, 2)
            need(0, S.Order, "an order")
            need(1, S.Graph, "a graph")
            return S.BOOL
        if name in ("nodes", "edges"):
            self._arity(e, name, 1)
            need(0, S.Graph, "a graph")
            return S.INT
        if name == "card":
            self._arity(e, name, 1)
            need(0, S.NodeSet, "a set of nodes")
            return S.INT
        if name == "graph":
            self._arity(e, name, 2)
            return S.GRAPH
        raise _err(e, f"{name}(...) is a domain, not a value", f"forall x in {name}(...)")


_SIGNATURES = {
    "diff": "diff(expr, x) or diff(expr, x, k)",
    "grad": "grad(expr, x), grad(g) or grad(g)(p)",
    "hessian": "hessian(expr, x) or hessian(g)(p)",
    "jacobian": "jacobian(v, z)",
    "edge": "edge(G, u, v)",
    "path": "path(G, u, v)",
    "source": "source(G, v)",
    "sink": "sink(G, v) or G + sink(S)",
    "indegree": "indegree(G, v)",
    "outdegree": "outdegree(G, v)",
    "topological": "topological(p, G)",
    "sum": "sum(k, z[k])",
    "delta": "delta(i, j)",
}


def _function_binders(expr: A.Expr) -> dict:
    """Names bound to functions anywhere in expr (`g in poly(w, ...)`, `f: R -> R`) ->
    the names of their arguments, when the family names them, else their count."""
    out: dict = {}
    binders = [b for node in A.walk(expr) if isinstance(node, A.Quant) for b in node.binders]
    for b in binders:
        if b.kind == "fun" and isinstance(b.domain, A.FunSig):
            shape = b.domain.source.shape
            out[b.name] = shape[0] if len(shape) == 1 and isinstance(shape[0], int) else 1
        elif (b.kind == "in" and isinstance(b.domain, A.SetDomain) and isinstance(b.domain.expr, A.Call)
              and isinstance(b.domain.expr.func, A.Name) and b.domain.expr.func.id in ("poly", "quadratic")
              and b.domain.expr.args):
            first = b.domain.expr.args[0]
            items = first.items if isinstance(first, A.ListLit) else (first,)
            out[b.name] = tuple(i.id for i in items if isinstance(i, A.Name))
    return out


def _pointwise_function_expr(first: A.Expr, params: tuple, fun_vars: dict):
    """`f * g` with f, g function variables means the function x -> f(x) * g(x):
    return its parameters and body, or None when no bare function variable is used."""
    bare = [p for p in params if p in fun_vars]
    if not bare:
        return None
    if any(isinstance(n, A.Call) and isinstance(n.func, A.Name) and n.func.id in bare for n in A.walk(first)):
        return None  # `f * f(x)` mixes both readings: leave it to the type checker
    rest = tuple(p for p in params if p not in fun_vars)
    if not rest:
        names = fun_vars[bare[0]]
        taken = {b.name for n in A.walk(first) if isinstance(n, A.Quant) for b in n.binders} | set(fun_vars)
        if isinstance(names, int) or any(n in taken for n in names):
            k = names if isinstance(names, int) else len(names)
            names = tuple(f"u{i + 1}" for i in range(k)) if k > 1 else ("u",)
        rest = names
    args = tuple(A.Name(p, span=first.span) for p in rest)
    applied = {f: A.Call(A.Name(f, span=first.span), args, span=first.span) for f in bare}
    return rest, A.substitute(first, applied)


def _where_name_node(step: A.CalcWhere) -> A.Name:
    """The name of `where NAME = EXPR`, at its own span."""
    return A.Name(step.name, span=step.name_span)


def _is_variable(e: A.Expr) -> bool:
    return isinstance(e, A.Name) or (isinstance(e, A.Index) and isinstance(e.base, A.Name))


def _dim_of(s: S.Sort):
    if isinstance(s, S.Vec):
        return s.dim
    if isinstance(s, S.Mat):
        return s.rows
    return 1


def _index_dims(term: A.Expr, var: str, sorts: dict) -> list:
    """The sizes of the vectors that `var` indexes in `term` (for `sum(k, ...)`)."""
    dims = []
    for node in A.walk(term):
        if isinstance(node, A.Index) and any(isinstance(i, A.Name) and i.id == var for i in node.indices):
            base = node.base
            sort = _static_sort(base, sorts)
            if isinstance(sort, S.Vec):
                dims.append(sort.dim)
            elif isinstance(sort, S.Mat):
                pos = [k for k, i in enumerate(node.indices) if isinstance(i, A.Name) and i.id == var][0]
                dims.append(sort.rows if pos == 0 else sort.cols)
    return dims


def _static_sort(e: A.Expr, sorts: dict) -> Optional[S.Sort]:
    """A cheap sort for the base of an index, enough to find a dimension."""
    if isinstance(e, A.Name):
        return sorts.get(e.id)
    if isinstance(e, A.Call) and isinstance(e.func, A.Name):
        if e.func.id in ("softmax",) + tuple(SCALAR_FUNCTIONS) and e.args:
            return _static_sort(e.args[0], sorts)
        if e.func.id in sorts and isinstance(sorts[e.func.id], S.Fun):
            return sorts[e.func.id].target
        if e.func.id == "grad" and len(e.args) == 2:
            return _static_sort(e.args[1], sorts)
    if isinstance(e, A.BinOp):
        left = _static_sort(e.left, sorts)
        if isinstance(left, (S.Vec, S.Mat)):
            if e.op == "@":
                right = _static_sort(e.right, sorts)
                if isinstance(left, S.Mat) and isinstance(right, S.Vec):
                    return S.Vec(left.rows)
                return None
            return left
        return _static_sort(e.right, sorts)
    if isinstance(e, A.Neg):
        return _static_sort(e.operand, sorts)
    return None


def _show(e: A.Expr) -> str:
    if isinstance(e, A.Name):
        return e.id
    return "this"
