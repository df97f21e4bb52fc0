"""Syntax tree to typed claims: names resolved, `let`s expanded, sorts,
arities, index ranges and sizes checked, and each claim given its family
(which backend takes it).

Every problem is an `ElaborationError` with the span of the offending node.
"""

from __future__ import annotations

from dataclasses import replace

from prove import ast as A
from prove import sorts as S
from prove.claim import CitedLemma, Claim, Family, LemmaEntry, ModuleContext, Variable
from prove.didyoumean import unknown_lemma
from prove.errors import ProveError
from prove.scope import error_at as _err
from prove.scope import expand_lets, without
from prove.typecheck import CONSTANTS, Scope, TypeChecker, free_names
from prove.vocabulary import BUILTINS, FUNCTION_ARGS, PREDICATES_OF_FUNCTION

LEMMA_DEPTH = 4  # a cited lemma citing a lemma ... this many levels deep, no more


def elaborate(decl: A.ClaimDecl, path: str, ctx: ModuleContext, depth: int = 0) -> Claim:
    body = expand_lets(decl.body, ctx.lets)
    return _Elaborator(path, ctx, depth).claim(replace(decl, body=body))


def _cite(name: str, entry: LemmaEntry, depth: int) -> CitedLemma:
    """A cited lemma, elaborated in the context of the file it comes from."""
    if depth >= LEMMA_DEPTH:
        return CitedLemma(name, None, "lemmas cite lemmas too deeply")
    try:
        return CitedLemma(name, elaborate(entry.decl, entry.path, without(entry.context, name), depth + 1))
    except ProveError as exc:
        return CitedLemma(name, None, f"the lemma does not elaborate in its own file ({exc.message})")


class _Elaborator(TypeChecker):
    """A claim's elaboration: the type checker, plus what only a whole claim
    has (its outer `forall`s, its calc chain, its hints, its family)."""

    def __init__(self, path: str, ctx: ModuleContext, depth: int = 0):
        super().__init__()
        self.path = path
        self.ctx = ctx
        self.depth = depth  # how deep in a chain of cited lemmas this claim is
        self._where_names: set[str] = set()
        self._cited: dict[str, CitedLemma] = {}

    # ------------------------------------------------------------ claims
    def claim(self, decl: A.ClaimDecl) -> Claim:
        body = self._lift_function_args(decl.body, frozenset())
        for hint in decl.hints:  # a claim's own hints are checked as a step's are
            self._hint(hint)
        variables: list[Variable] = []
        hypotheses: list[A.Expr] = []
        scope = Scope({})

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
            family = Family.CALC
        else:
            self._expect_bool(body, scope)
            family = Family.IDENTITY
        if self.uses_analysis:
            family = Family.ANALYSIS if family is Family.IDENTITY else family
        if self.uses_graphs:
            family = Family.GRAPH
        variables = [replace(v, sort=self.sorts.get(v.name, v.sort)) for v in variables]
        return Claim(decl.name, self.path, decl, family, tuple(variables), tuple(hypotheses), body,
                     dict(self.sorts), dict(self._cited))

    def _calc(self, calc: A.Calc, scope: Scope) -> None:
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

    def _where_name(self, step: A.CalcWhere, scope: Scope) -> None:
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
        if name in CONSTANTS:
            raise _err(_where_name_node(step), f"{name!r} is the constant {name} here; a `where` abbreviation "
                       "must introduce a new name (a quantifier may rebind it)", "another name")
        if name in BUILTINS:
            raise _err(_where_name_node(step), f"{name!r} is a built-in name and cannot be bound", "another name")
        self._where_names.add(name)

    def _hint(self, hint: A.Hint) -> None:
        if hint.kind == "by" and hint.name == "lemma":
            if not hint.arg:
                raise _err(hint, "`by lemma` needs the lemma's name", "by lemma NAME")
            if hint.arg not in self.ctx.lemmas:
                raise _err(hint, *unknown_lemma(hint.arg, self.ctx.lemmas))
            if hint.arg not in self._cited:
                self._cited[hint.arg] = _cite(hint.arg, self.ctx.lemmas[hint.arg], self.depth)
        elif hint.kind == "induction":
            from prove.backends.graph.moves import check_hint  # the moves an induction over graphs takes
            problem = check_hint(hint)
            if problem:
                raise _err(hint, *problem)
            self._cite_existence(hint)
        elif hint.kind == "by" and hint.name not in ("sympy", "z3", "cases", "lemma", "algebra", "chain_rule"):
            raise _err(hint, f"unknown hint `by {hint.name}`", "by sympy, by z3, by lemma NAME or by cases")

    def _cite_existence(self, hint: A.Hint) -> None:
        """The lemma of an induction's move (a non-empty DAG has a source), from the dag library."""
        from prove.backends.graph.moves import MOVES, read_hint
        from prove.scope import load_use
        name = MOVES[read_hint(hint)[1]].existence
        if not name or name in self._cited:
            return
        library = ModuleContext()
        load_use(A.Use("dag", False, span=hint.span), self.path, library)
        self._cited[name] = _cite(name, library.lemmas[name], self.depth)

    def _names_in_scope(self, scope: Scope) -> set[str]:
        return super()._names_in_scope(scope) | set(self.ctx.lets)

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
                    ons = [a for a in node.args[1:] if isinstance(a, A.OnDomain)]
                    if ons and fname in PREDICATES_OF_FUNCTION and not isinstance(first, A.Name):
                        return _on_lambda(node, first, ons, quantified)
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


def _on_lambda(node: A.Call, first: A.Expr, ons: list, quantified: set) -> A.Call:
    """`convex(logsumexp(z), on z in R^3)`, `concave(log(x), on x > 0)`: the function of
    the expression's free variables (and of the `on` binders' names), with their spaces
    and the domain the `on` conditions state."""
    spaces = {o.name: o.domain for o in ons if o.name is not None}
    conditions = [o.condition for o in ons if o.condition is not None]
    if isinstance(first, A.Lambda):  # a `let` function: its parameters are fixed
        params, first = first.params, first.body
    else:
        params = tuple(spaces) + tuple(n for n in free_names(first)
                                       if n not in BUILTINS and n not in spaces and n not in quantified)
        for c in conditions:
            params += tuple(n for n in free_names(c) if n not in BUILTINS and n not in params)
    domain = None
    if conditions:
        domain = conditions[0] if len(conditions) == 1 else A.And(tuple(conditions), span=conditions[0].span)
    lam = A.Lambda(params, first, tuple(spaces.get(p) for p in params) if spaces else (), domain,
                   span=first.span)
    rest = tuple(a for a in node.args[1:] if not isinstance(a, A.OnDomain))
    return replace(node, args=(lam,) + rest)


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
