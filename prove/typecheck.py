"""The sorts of expressions: the type checker the elaborator runs over a
claim, and `sort_of`, which a backend asks about a term of a claim it holds.

`TypeChecker.sort(e, scope)` returns the sort of `e` (a number, vector, matrix,
function, graph, node, order or formula) or raises an `ElaborationError` at the
offending node.  Binders and domains are here too, because quantifiers occur
inside expressions; the sort rules of built-in calls are in prove/signatures.py.
Besides sorts, the checker records what the claim uses: `uses_graphs`,
`uses_analysis`, the sort of every name bound anywhere (`sorts`), and the
integer ranges of index variables (for index checks).
"""

from __future__ import annotations

from typing import Callable, Optional

from prove import ast as A
from prove import sorts as S
from prove.scope import error_at as _err
from prove.claim import Variable
from prove.didyoumean import unknown_function
from prove import graph_sorts
from prove.signatures import builtin_sort
from prove.vocabulary import BUILTINS

CONSTANTS = {"pi": S.REAL, "e": S.REAL}  # unless a binder of the claim takes the name


class Scope:
    """Names in scope with their sorts; lets are kept apart (they are macros)."""

    def __init__(self, sorts: dict[str, S.Sort]):
        self.sorts = sorts

    def child(self, extra: dict[str, S.Sort]) -> "Scope":
        return Scope({**self.sorts, **extra})


def sort_of(term: A.Expr, sorts: dict) -> S.Sort:
    """The sort of a term whose names have the given sorts (a claim's `sorts`);
    raises ProveError when the term is ill-typed."""
    return TypeChecker().sort(term, Scope(dict(sorts)))


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


class TypeChecker:
    def __init__(self):
        self.sorts: dict[str, S.Sort] = {}  # every name bound anywhere -> its sort
        self.uses_graphs = False
        self.uses_analysis = False
        self._ranges: dict[str, tuple] = {}  # index variable -> (low, high), for range checks

    def _binder(self, b: A.Binder, scope: Scope) -> tuple[Variable, Scope]:
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

    def _space(self, space: A.Space, scope: Scope) -> S.Sort:
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

    def _domain(self, domain: A.Domain, scope: Scope) -> S.Sort:
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
        if isinstance(expr, A.Name) and expr.id == "graphs" and "graphs" not in scope.sorts:
            self.uses_graphs = True  # every finite graph: proved by induction (prove/backends/graph/induction.py)
            return S.Graph(0, None, True, every=True)
        if isinstance(expr, A.Call) and isinstance(expr.func, A.Name) and expr.func.id in DOMAINS:
            sort = DOMAINS[expr.func.id](self, expr, scope)
            if sort is not None:
                return sort
        raise _err(expr, "this is not a domain a variable can range over",
                   "R, R^n, R^(m x n), a..b, poly(...), graphs(...), nodes(G), orders(G) or a function type")

    def _graphs_of(self, expr: A.Call, scope: Scope) -> S.Graph:
        self.uses_graphs = True
        return self._graphs_domain(expr, scope)

    def _node_of(self, expr: A.Call, scope: Scope) -> Optional[S.GraphNode]:
        return S.GraphNode(self._graph_name(expr.args[0], scope)) if len(expr.args) == 1 else None

    def _node_set_of(self, expr: A.Call, scope: Scope) -> Optional[S.GraphNode]:
        """`w in descendants(G, v)`: w is a node of G, in the set."""
        if len(expr.args) != 2 or not isinstance(self.sort(expr.args[1], scope), S.GraphNode):
            return None
        self.uses_graphs = True
        return S.GraphNode(self._graph_name(expr.args[0], scope))

    def _bfs_order_of(self, expr: A.Call, scope: Scope) -> Optional[S.Order]:
        """`p in bfs_orders(G, s)`: an order of (some of) the nodes of G."""
        if len(expr.args) != 2 or not isinstance(self.sort(expr.args[1], scope), S.GraphNode):
            return None
        self.uses_graphs = True
        return S.Order(self._graph_name(expr.args[0], scope))

    def _order_of(self, expr: A.Call, scope: Scope) -> Optional[S.Order]:
        if len(expr.args) != 1:
            return None
        self.uses_graphs = True
        return S.Order(self._graph_name(expr.args[0], scope))

    def _poly_family(self, expr: A.Call, scope: Scope, quadratic: bool = False) -> S.Sort:
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
        if degree is None:  # quadratic(...)
            return S.Fun(source, S.REAL, "poly", tuple(v.id for v in names), 2)
        return S.Fun(source, S.REAL, "poly", tuple(v.id for v in names), int(degree.operands[1].value),
                     exact_degree=degree.ops == ("=",))

    def _graphs_domain(self, expr: A.Call, scope: Scope) -> S.Graph:
        loopless = len(expr.args) == 2 and isinstance(expr.args[1], A.Name) and expr.args[1].id in ("loopless", "simple")
        if len(expr.args) == 2 and not loopless:
            raise _err(expr.args[1], "the only family word after the bound is `loopless` (or `simple`)",
                       "graphs(nodes <= 6, loopless)")
        if len(expr.args) not in (1, 2) or not isinstance(expr.args[0], A.Compare):
            raise _err(expr, "graphs take a bound on the number of nodes", "graphs(nodes <= 6) or graphs(1 <= nodes <= 6)")
        cmp = expr.args[0]
        names = [o for o in cmp.operands if isinstance(o, A.Name) and o.id == "nodes"]
        if len(names) != 1 or any(op not in ("<=", "<", "=") for op in cmp.ops):
            raise _err(cmp, "the bound is on `nodes`", "nodes <= N or M <= nodes <= N")
        if any(isinstance(o, A.Name) and o.id != "nodes" for o in cmp.operands):
            return self._graphs_of_variable_size(cmp, scope, loopless)
        for o in cmp.operands:
            if not isinstance(o, A.Name) and not (isinstance(o, A.Num) and o.value.denominator == 1):
                raise _err(o, "graph bounds are whole numbers", "graphs(nodes <= 6)")
        if not (isinstance(cmp.operands[-1], A.Num)):
            raise _err(cmp, "a graph claim needs an upper bound on the number of nodes", "graphs(nodes <= 6)")
        low, high, written = 1, None, False  # a graph has a node unless the bound says otherwise
        for op, a, b in zip(cmp.ops, cmp.operands, cmp.operands[1:]):
            if isinstance(a, A.Num) and isinstance(b, A.Name):
                k = int(a.value)
                low, written = (k + 1 if op == "<" else k), True
                if op == "=":
                    high = k
            elif isinstance(a, A.Name) and isinstance(b, A.Num):
                k = int(b.value)
                high = k - 1 if op == "<" else k
                if op == "=":
                    low, written = k, True
            else:
                raise _err(cmp, "the bound compares `nodes` with whole numbers", "graphs(nodes <= 6)")
        return S.Graph(max(low, 0), high, written, loopless)

    def _graphs_of_variable_size(self, cmp: A.Compare, scope: Scope, loopless: bool) -> S.Graph:
        """`graphs(nodes = n)` with n an integer bound outside: a graph quantified inside
        a claim (its sizes are read where n has a value, by the graph backend)."""
        for o in cmp.operands:
            if isinstance(o, A.Name) and o.id == "nodes":
                continue
            ok = (isinstance(o, A.Num) and o.value.denominator == 1) or (
                isinstance(o, A.Name) and isinstance(scope.sorts.get(o.id), S.Int))
            if not ok:
                raise _err(o, "graph bounds are whole numbers or integer variables bound outside",
                           "forall n in 1..5: exists G in graphs(nodes = n): ...")
        return S.Graph(0, None, True, loopless)

    def _graph_name(self, expr: A.Expr, scope: Scope) -> str:
        sort = self.sort(expr, scope)
        if not isinstance(sort, S.Graph):
            raise _err(expr, f"expected a graph, got {sort}", "a graph variable")
        return expr.id if isinstance(expr, A.Name) else "G"

    # ------------------------------------------------------------ helpers
    def _expect_bool(self, expr: A.Expr, scope: Scope) -> None:
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
    def sort(self, e: A.Expr, scope: Scope) -> S.Sort:
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
        if e.spaces:
            return self._sort_on_lambda(e, scope)
        inner = scope.child({p: S.REAL for p in e.params})
        if e.domain is not None:
            self._expect_bool(e.domain, inner)
        result = self.sort(e.body, inner)
        source = S.REAL if len(e.params) == 1 else S.Vec(len(e.params)) if e.params else S.REAL
        for p in e.params:
            self.sorts.setdefault(p, S.REAL)
        return S.Fun(source, result)

    def _sort_on_lambda(self, e: A.Lambda, scope) -> S.Sort:
        """A function whose variables have stated spaces (`on z in R^3`): one vector variable,
        or several real ones."""
        sorts = {p: (self._domain(d, scope) if d is not None else S.REAL) for p, d in zip(e.params, e.spaces)}
        vectors = [p for p, s in sorts.items() if not S.is_number(s)]
        if vectors and (len(e.params) > 1 or not isinstance(sorts[vectors[0]], S.Vec)):
            raise _err(e, "a function with a vector variable takes that one variable only",
                       f"one `on {vectors[0]} in R^n`, and the expression in {vectors[0]} alone")
        inner = scope.child(sorts)
        if e.domain is not None:
            self._expect_bool(e.domain, inner)
        result = self.sort(e.body, inner)
        for p, s in sorts.items():
            self.sorts.setdefault(p, s)
        source = sorts[e.params[0]] if len(e.params) == 1 else S.Vec(len(e.params))
        return S.Fun(source, result)

    def _sort_OnDomain(self, e: A.OnDomain, scope) -> S.Sort:
        raise _err(e, "`on ...` states the domain of a function, as the last arguments of convex, concave, "
                      "strictly_convex or strictly_concave", "convex(log(x), on x > 0)")

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

    def _sort_SetLit(self, e: A.SetLit, scope) -> S.Sort:
        return graph_sorts.set_literal_sort(self, e, scope)

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
        if isinstance(left, S.Graph) and e.op in ("-", "+"):
            return graph_sorts.graph_op_sort(self, e, scope)
        right = self.sort(e.right, scope)
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
                if graph_sorts.compare_ok(self, na, a, nb, b):
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
                raise _err(func, *unknown_function(name, self._names_in_scope(scope)))
            return builtin_sort(self, e, name, scope)
        fsort = self.sort(func, scope)
        return self._apply(e, fsort, scope)

    def _names_in_scope(self, scope: Scope) -> set[str]:
        """Function names a misspelt call may have meant: the bound function variables."""
        return {n for n, s in scope.sorts.items() if isinstance(s, S.Fun)}

    def _apply(self, e: A.Call, fsort: S.Sort, scope) -> S.Sort:
        if isinstance(fsort, S.Order):
            if len(e.args) != 1 or not graph_sorts.node_ok(self, e.args[0], scope):
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


# The built-in names that are a binder's domain (`g in poly(w, degree <= 3)`), and the
# sort each gives its variable; the sort keeps what was read (degree, node range).
DOMAINS = {
    "poly": lambda tc, e, scope: tc._poly_family(e, scope),
    "quadratic": lambda tc, e, scope: tc._poly_family(e, scope, quadratic=True),
    "graphs": TypeChecker._graphs_of,
    "nodes": TypeChecker._node_of,
    "orders": TypeChecker._order_of,
    # --- paths and traversals
    "descendants": TypeChecker._node_set_of,
    "ancestors": TypeChecker._node_set_of,
    "reachable": TypeChecker._node_set_of,
    "dfs_finish_orders": TypeChecker._order_of,
    "bfs_orders": TypeChecker._bfs_order_of,
}


def _show(e: A.Expr) -> str:
    if isinstance(e, A.Name):
        return e.id
    return "this"
