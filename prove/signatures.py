"""The sort rule of each built-in call: its arity, the sorts it takes and the
sort it returns (`softmax` takes a vector and returns one, `edge` takes a graph
and two nodes, ...).  Which names exist, and their kind, is the vocabulary
(prove/vocabulary.py); this module is the typing half of each row.

Each rule takes the type checker `tc` (prove/typecheck.py) to sort the
arguments and to record what a call implies about the claim (a graph word makes
it a graph claim, a predicate of minima an analysis claim).
"""

from __future__ import annotations

from typing import Optional

from prove import ast as A
from prove import sorts as S
from prove.scope import error_at as _err
from prove import graph_sorts
from prove.vocabulary import (ANALYSIS_WORDS, CALCULUS_FUNCTIONS, GRAPH_FUNCTIONS, MATRIX_PREDICATES,
                              PREDICATES_OF_FUNCTION, PREDICATES_OF_POINT, SCALAR_FUNCTIONS)


_SIGNATURES = {
    "diff": "diff(expr, x) or diff(expr, x, k)",
    "grad": "grad(expr, x), grad(g) or grad(g)(p)",
    "hessian": "hessian(expr, x) or hessian(g)(p)",
    "jacobian": "jacobian(v, z)",
    "edge": "edge(G, u, v), or G + edge(u, v) and G - edge(u, v)",
    "path": "path(G, u, v)",
    "source": "source(G, v)",
    "sink": "sink(G, v) or G + sink(S)",
    "indegree": "indegree(G, v)",
    "outdegree": "outdegree(G, v)",
    "topological": "topological(p, G)",
    "count_paths": "count_paths(G, u, v)",
    "depth": "depth(G)",
    "descendants": "descendants(G, v)",
    "ancestors": "ancestors(G, v)",
    "reachable": "reachable(G, v)",
    "reversed": "reversed(p)",
    "dist": "dist(G, s, v)",
    "sum": "sum(k, z[k])",
    "delta": "delta(i, j)",
}


def _arity(e: A.Call, name: str, *allowed: int) -> None:
    if len(e.args) not in allowed:
        want = " or ".join(str(a) for a in allowed)
        raise _err(e, f"{name} takes {want} argument(s), got {len(e.args)}", _SIGNATURES.get(name))

def builtin_sort(tc, e: A.Call, name: str, scope) -> S.Sort:
    args = e.args
    if name in SCALAR_FUNCTIONS:
        _arity(e, name, 1)
        s = tc.sort(args[0], scope)
        tc._numeric_like(args[0], s)
        return S.REAL if S.is_number(s) else s
    if name in ("max", "min"):
        _arity(e, name, 2)
        for a in args:
            if not S.is_number(tc.sort(a, scope)):
                raise _err(a, f"{name} takes numbers")
        return S.REAL
    if name in ("softmax", "logsumexp"):
        _arity(e, name, 1)
        s = tc.sort(args[0], scope)
        if not isinstance(s, S.Vec):
            raise _err(args[0], f"{name} takes a vector, got {s}", f"{name}(z) with z in R^n")
        return s if name == "softmax" else S.REAL
    if name == "sum":
        return _sum(tc, e, scope)
    if name == "delta":
        _arity(e, name, 2)
        for a in args:
            if not isinstance(tc.sort(a, scope), S.Int):
                raise _err(a, "delta compares two indices", "delta(i, j)")
        return S.INT
    if name == "dot":
        _arity(e, name, 2)
        a, b = (tc.sort(x, scope) for x in args)
        if not (isinstance(a, S.Vec) and a == b):
            raise _err(e, f"dot takes two vectors of the same size, got {S.shape_text(a)} and {S.shape_text(b)}")
        return S.REAL
    if name == "outer":
        _arity(e, name, 2)
        a, b = (tc.sort(x, scope) for x in args)
        if not (isinstance(a, S.Vec) and isinstance(b, S.Vec)):
            raise _err(e, "outer takes two vectors", "outer(u, v)")
        return S.Mat(a.dim, b.dim)
    if name == "diag":
        _arity(e, name, 1)
        a = tc.sort(args[0], scope)
        if isinstance(a, S.Vec):
            return S.Mat(a.dim, a.dim)
        if isinstance(a, S.Mat) and a.rows == a.cols:
            return S.Vec(a.rows)
        raise _err(args[0], f"diag takes a vector (or a square matrix), got {a}")
    if name in ("norm", "frobenius"):
        _arity(e, name, 1)
        a = tc.sort(args[0], scope)
        tc._numeric_like(args[0], a)
        return S.REAL
    if name in ("trace", "det", "inv", "transpose"):
        _arity(e, name, 1)
        a = tc.sort(args[0], scope)
        if name == "transpose":
            return tc._transpose(e, a)
        if not (isinstance(a, S.Mat) and a.rows == a.cols):
            raise _err(args[0], f"{name} takes a square matrix, got {S.shape_text(a)}")
        return a if name == "inv" else S.REAL
    if name in ("I", "zeros"):
        _arity(e, name, 1, 2)
        dims = []
        for a in args:
            if not isinstance(tc.sort(a, scope), S.Int):
                raise _err(a, f"{name} takes sizes")
            dims.append(tc._const(a))
        if None in dims:
            raise _err(e, "sizes must be whole numbers or dimension variables")
        return S.Mat(dims[0], dims[-1]) if name == "I" or len(dims) == 2 else S.Vec(dims[0])
    if name in CALCULUS_FUNCTIONS:
        return _calculus(tc, e, name, scope)
    if name in PREDICATES_OF_POINT:
        tc.uses_analysis = True
        _arity(e, name, 2)
        f = _function_arg(tc, args[0], scope, name)
        p = tc.sort(args[1], scope)
        ok = (S.is_number(p) and S.is_number(f.source)) or p == f.source
        if not ok:
            raise _err(args[1], f"the point must be in {S.space_name(f.source)}, got {S.shape_text(p)}")
        if not S.is_number(f.target):
            raise _err(args[0], f"{name} is about real-valued functions")
        return S.BOOL
    if name in PREDICATES_OF_FUNCTION:
        tc.uses_analysis = True
        _arity(e, name, 1)
        f = _function_arg(tc, args[0], scope, name)
        if not S.is_number(f.target):
            raise _err(args[0], f"{name} is about real-valued functions")
        return S.BOOL
    if name in MATRIX_PREDICATES:
        if name in ANALYSIS_WORDS:
            tc.uses_analysis = True
        _arity(e, name, 1)
        a = tc.sort(args[0], scope)
        if not (S.is_number(a) or (isinstance(a, S.Mat) and a.rows == a.cols)):
            raise _err(args[0], f"{name} takes a square matrix, got {S.shape_text(a)}")
        return S.BOOL
    if name in GRAPH_FUNCTIONS:
        tc.uses_graphs = True
        return _graph_call(tc, e, name, scope)
    if name in ("poly", "quadratic"):
        raise _err(e, f"{name}(...) is a family of functions: bind a variable to it",
                   f"forall g in {name}(...)")
    raise _err(e.func, f"{name} cannot be used here")

def _function_arg(tc, arg: A.Expr, scope, name: str) -> S.Fun:
    s = tc.sort(arg, scope)
    if not isinstance(s, S.Fun):
        raise _err(arg, f"{name} takes a function, got {s}", "a function variable or an expression in x")
    return s

def _sum(tc, e: A.Call, scope) -> S.Sort:
    args = e.args
    if len(args) == 1:
        s = tc.sort(args[0], scope)
        if not isinstance(s, (S.Vec, S.Mat)):
            raise _err(args[0], f"sum of one argument adds the entries of a vector or matrix, got {s}")
        return S.REAL
    if len(args) != 2:
        raise _err(e, "sum takes an index and a term", "sum(k, z[k]) or sum(k in 1..n, z[k])")
    first, term = args
    if isinstance(first, A.ArgBinder):
        if not isinstance(first.domain, A.Range):
            raise _err(first, "a sum runs over a range", "sum(k in 1..n, ...)")
        tc._domain(first.domain, scope)
        var = first.name
        tc._ranges[var] = (tc._const(first.domain.low), tc._const(first.domain.high))
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
    tc.sorts.setdefault(var, S.INT)
    s = tc.sort(term, inner)
    tc._numeric_like(term, s)
    return S.REAL if S.is_number(s) else s

_TAKEN = {"grad": "the gradient", "hessian": "the Hessian", "jacobian": "the Jacobian"}


def _function_and_point(name: str, args) -> str:
    """`grad(g, w0)` with g a function: say how to write what was meant."""
    g = args[0].id if isinstance(args[0], A.Name) else "g"
    p = args[1].id if isinstance(args[1], A.Name) else "x0"
    if name == "diff":
        return (f"diff takes an expression and a variable, not a function: "
                f"`diff({g}({p}), {p})` is the derivative of {g} at {p}")
    return f"{name} of a function takes no point: `{name}({g})({p})` is {_TAKEN[name]} of {g} at {p}"


def _calculus(tc, e: A.Call, name: str, scope) -> S.Sort:
    args = e.args
    if len(args) == 2 and isinstance(tc.sort(args[0], scope), S.Fun):
        raise _err(e, _function_and_point(name, args))
    if name == "diff":
        _arity(e, name, 2, 3)
        f = tc.sort(args[0], scope)
        tc._numeric_like(args[0], f)
        x = tc.sort(args[1], scope)
        if not S.is_number(x) or not _is_variable(args[1]):
            raise _err(args[1], "diff differentiates with respect to a scalar variable or an entry z[j]",
                       "diff(expr, x) or diff(expr, z[j])")
        if len(args) == 3:
            k = args[2]
            if not (isinstance(k, A.Num) and k.value.denominator == 1 and k.value >= 0):
                raise _err(k, "the order of a derivative is a whole number", "diff(expr, x, 2)")
        return S.REAL if S.is_number(f) else f
    if len(args) == 1:  # grad(g), hessian(g), jacobian(g): functions
        f = _function_arg(tc, args[0], scope, name)
        n = _dim_of(f.source)
        if name == "grad":
            if not S.is_number(f.target):
                raise _err(args[0], "grad takes a real-valued function; use jacobian for vectors")
            return S.Fun(f.source, f.source if not S.is_number(f.source) else S.REAL)
        if name == "hessian":
            return S.Fun(f.source, S.Mat(n, n) if not S.is_number(f.source) else S.REAL)
        m = _dim_of(f.target)
        return S.Fun(f.source, S.Mat(m, n))
    _arity(e, name, 1, 2)
    f = tc.sort(args[0], scope)
    x = tc.sort(args[1], scope)
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

# The graph words that are values: each signature is the sorts of its arguments and its result.
_G, _N, _NS, _O = S.Graph, S.GraphNode, S.NodeSet, S.Order
GRAPH_SIGNATURES: dict[str, tuple] = {
    "edge": (((_G, _N, _N), S.BOOL),),
    "path": (((_G, _N, _N), S.BOOL),),
    "acyclic": (((_G,), S.BOOL),),
    "cycle": (((_G,), S.BOOL),),
    "source": (((_G, _N), S.BOOL),),
    "sink": (((_G, _N), S.BOOL), ((_NS,), S.NodeSet("sink"))),  # the second only in G + sink(S)
    "indegree": (((_G, _N), S.INT),),
    "outdegree": (((_G, _N), S.INT),),
    "topological": (((_O, _G), S.BOOL),),
    "nodes": (((_G,), S.INT),),
    "edges": (((_G,), S.INT),),
    "card": (((_NS,), S.INT),),
    # --- graph words
    "closure": (((_G,), S.GRAPH),),
    "reduction": (((_G,), S.GRAPH),),
    "reverse": (((_G,), S.GRAPH),),
    "undirected": (((_G,), S.GRAPH),),
    "weakly_connected": (((_G,), S.BOOL),),
    "topological_orders": (((_G,), S.INT),),
    "node": (((_NS, _NS), S.NodeSet("node")),),  # only in G + node(In, Out), read there
    # --- paths and traversals
    "count_paths": (((_G, _N, _N), S.INT),),
    "depth": (((_G,), S.INT),),
    "descendants": (((_G, _N), S.NodeSet("descendants")),),
    "ancestors": (((_G, _N), S.NodeSet("ancestors")),),
    "reachable": (((_G, _N), S.NodeSet("reachable")),),
    "reversed": (((_O,), S.Order("reversed")),),
    "dist": (((_G, _N, _N), S.INT),),
}
_WHAT = {S.Graph: "a graph", S.GraphNode: "a node", S.NodeSet: "a set of nodes", S.Order: "an order"}


def _graph_call(tc, e: A.Call, name: str, scope) -> S.Sort:
    if name == "graph":  # a literal: its edge list is read by the graph backend
        _arity(e, name, 2)
        tc.sort(e.args[0], scope)
        return S.GRAPH
    if name == "node":
        raise _err(e, "node(In, Out) is a new node, written only in G + node(In, Out)", "G + node(In, Out)")
    if name not in GRAPH_SIGNATURES:
        raise _err(e, f"{name}(...) is a domain, not a value", f"forall x in {name}(...)")
    signatures = GRAPH_SIGNATURES[name]
    _arity(e, name, *sorted({len(takes) for takes, _ in signatures}))
    sorts = [tc.sort(a, scope) for a in e.args]
    takes, result = next(sig for sig in signatures if len(sig[0]) == len(e.args))
    for arg, sort, kind in zip(e.args, sorts, takes):
        if not graph_sorts.arg_ok(tc, arg, sort, kind):
            raise _err(arg, f"{name} expects {_WHAT[kind]} here, got {sort}", _SIGNATURES.get(name))
    return result


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
