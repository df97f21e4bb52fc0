"""Every built-in name of the language, once, as a row.

The elaborator's name sets (which names are scalar functions, predicates,
graph words, ...) are derived from this table, and tests check each row
against the SymPy translation and against docs/language.md, so adding a
built-in is one row here, its meaning in its family's backend, and a test.

Nothing here decides anything: the table only says what a name is.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Optional


class Kind(Enum):
    SCALAR_FUNCTION = "scalar function"
    VECTOR_FUNCTION = "vector function"
    PREDICATE_OF_POINT = "predicate of a point"
    PREDICATE_OF_FUNCTION = "predicate of a function"
    MATRIX_PREDICATE = "matrix predicate"
    GRAPH = "graph"
    CALCULUS = "calculus"


class Smoothness(Enum):
    SMOOTH = "smooth"
    KINK = "kink"  # continuous, no derivative at a breakpoint
    JUMP = "jump"  # not continuous at a breakpoint


@dataclass(frozen=True)
class Builtin:
    name: str
    kind: Kind
    signature: str  # arity and sorts, in words
    doc: str
    takes_function: bool = False  # its first argument is a function (a name, or an expression in x)
    analysis: bool = False  # a claim that uses it goes to the analysis backend
    smoothness: Optional[Smoothness] = None  # for functions of numbers only


def _scalar(name: str, doc: str, smoothness: Smoothness = Smoothness.SMOOTH) -> Builtin:
    return Builtin(name, Kind.SCALAR_FUNCTION, "one number (or entrywise on a vector or matrix)", doc,
                   smoothness=smoothness)


def _point(name: str, doc: str) -> Builtin:
    return Builtin(name, Kind.PREDICATE_OF_POINT, "a real-valued function and a point in its domain", doc,
                   takes_function=True, analysis=True)


def _function(name: str, doc: str) -> Builtin:
    return Builtin(name, Kind.PREDICATE_OF_FUNCTION, "a real-valued function", doc,
                   takes_function=True, analysis=True)


def _matrix(name: str, doc: str, analysis: bool) -> Builtin:
    return Builtin(name, Kind.MATRIX_PREDICATE, "a square matrix (or a number)", doc, analysis=analysis)


def _vector(name: str, signature: str, doc: str, smoothness: Optional[Smoothness] = None) -> Builtin:
    return Builtin(name, Kind.VECTOR_FUNCTION, signature, doc, smoothness=smoothness)


def _graph(name: str, signature: str, doc: str) -> Builtin:
    return Builtin(name, Kind.GRAPH, signature, doc)


def _calculus(name: str, signature: str, doc: str) -> Builtin:
    return Builtin(name, Kind.CALCULUS, signature, doc)


_S, _K, _J = Smoothness.SMOOTH, Smoothness.KINK, Smoothness.JUMP

VOCABULARY: tuple[Builtin, ...] = (
    _scalar("exp", "the exponential"),
    _scalar("log", "the natural logarithm, defined for positive arguments"),
    _scalar("ln", "the natural logarithm (same as log)"),
    _scalar("sqrt", "the non-negative square root, defined for non-negative arguments"),
    _scalar("sin", "the sine"),
    _scalar("cos", "the cosine"),
    _scalar("tan", "the tangent, undefined at pi/2 + k*pi"),
    _scalar("tanh", "the hyperbolic tangent"),
    _scalar("sinh", "the hyperbolic sine"),
    _scalar("cosh", "the hyperbolic cosine"),
    _scalar("sigmoid", "1 / (1 + exp(-x))"),
    _scalar("softplus", "log(1 + exp(x))"),
    _scalar("relu", "max(0, x)", _K),
    _scalar("abs", "the absolute value", _K),
    _scalar("sign", "-1, 0 or 1 by the sign of x", _J),
    _scalar("erf", "the error function"),
    _scalar("gelu", "x * (1 + erf(x / sqrt(2))) / 2"),

    _point("stationary", "the gradient is zero at the point"),
    _point("local_min", "no smaller value near the point"),
    _point("strict_local_min", "every other value near the point is larger"),
    _point("local_max", "no larger value near the point"),
    _point("strict_local_max", "every other value near the point is smaller"),
    _point("global_min", "no smaller value anywhere"),
    _point("global_max", "no larger value anywhere"),
    _point("saddle", "stationary, and neither a local minimum nor a local maximum"),

    _function("convex", "convex on its whole domain"),
    _function("concave", "concave on its whole domain"),
    _function("strictly_convex", "strictly convex on its whole domain"),
    _function("strictly_concave", "strictly concave on its whole domain"),

    _matrix("psd", "positive semidefinite (symmetric)", analysis=True),
    _matrix("pd", "positive definite (symmetric)", analysis=True),
    _matrix("nsd", "negative semidefinite (symmetric)", analysis=True),
    _matrix("nd", "negative definite (symmetric)", analysis=True),
    _matrix("invertible", "det(A) != 0, as a hypothesis", analysis=False),
    _matrix("symmetric", "A = A^T", analysis=False),

    _graph("edge", "a graph and two nodes", "there is an edge from the first node to the second"),
    _graph("path", "a graph and two nodes",
           "there is a directed walk of length at least 1 from the first node to the second"),
    _graph("acyclic", "a graph", "the graph has no directed cycle"),
    _graph("cycle", "a graph", "the graph has a directed cycle: `not acyclic(G)`"),
    _graph("source", "a graph and a node", "the node has no incoming edge"),
    _graph("sink", "a graph and a node; or a set of nodes, in `G + sink(S)`",
           "the node has no outgoing edge; `G + sink(S)` adds a node with an edge from each node of S"),
    _graph("indegree", "a graph and a node", "the number of edges into the node"),
    _graph("outdegree", "a graph and a node", "the number of edges out of the node"),
    _graph("topological", "a graph and an order of its nodes", "every edge goes forward in the order"),
    _graph("nodes", "a graph", "the graph's nodes (a binder's domain), or their number where a number is expected"),
    _graph("edges", "a graph", "the number of the graph's edges"),
    _graph("card", "a set of nodes", "the number of nodes in the set, also written `|S|`"),
    _graph("graph", "a number of nodes and a list of edges", "a graph literal, `graph(3, [1->2, 2->3])`"),
    _graph("graphs", "a range of node counts", "every directed graph in the range (a binder's domain)"),
    _graph("orders", "a graph", "every order of the graph's nodes (a binder's domain)"),
    # --- graph words
    _graph("node", "two sets of nodes, in `G + node(In, Out)`",
           "`G + node(In, Out)` adds a node with an edge from each node of In and to each node of Out"),
    _graph("closure", "a graph", "the transitive closure: an edge u -> v wherever there is a path from u to v"),
    _graph("reduction", "a graph",
           "the transitive reduction of a DAG: u -> v where there is a path from u to v through no other node"),
    _graph("reverse", "a graph", "the graph with every edge turned around"),
    _graph("undirected", "a graph", "the undirected view: both u -> v and v -> u for every edge u -> v"),
    _graph("weakly_connected", "a graph", "every two nodes are joined by a path of the undirected view"),
    _graph("topological_orders", "a graph", "the number of topological orders of the graph"),
    # --- paths and traversals
    _graph("count_paths", "a graph and two nodes",
           "the number of directed paths of length at least 1 from the first node to the second (acyclic graphs only)"),
    _graph("depth", "a graph", "the number of edges on a longest directed path (acyclic graphs only)"),
    _graph("descendants", "a graph and a node", "the nodes at the end of a path from the node"),
    _graph("ancestors", "a graph and a node", "the nodes with a path to the node"),
    _graph("reachable", "a graph and a node", "the node and its descendants"),
    _graph("dfs_finish_orders", "a graph",
           "every order in which some depth-first search finishes the nodes (a binder's domain)"),
    _graph("bfs_orders", "a graph and a node",
           "every order in which some breadth-first search from the node visits the nodes it reaches "
           "(a binder's domain; p(v) = 0 for a node it does not reach)"),
    _graph("dist", "a graph and two nodes",
           "the fewest edges on a path from the first node to the second (0 from a node to itself); "
           "nodes(G) when there is none, more than any distance in G"),
    _graph("reversed", "an order", "the order read backwards: `reversed(p)(v) = n + 1 - p(v)` for an order of n nodes"),

    _calculus("diff", "an expression, a variable, optionally an order", "the (k-th) derivative"),
    _calculus("grad", "an expression and a variable, or a function", "the gradient"),
    _calculus("jacobian", "a vector expression and a vector variable, or a function", "the matrix of partials"),
    _calculus("hessian", "an expression and a variable, or a function", "the matrix of second derivatives"),

    _vector("softmax", "a vector", "exp(z[i]) / sum(k, exp(z[k]))", _S),
    _vector("logsumexp", "a vector", "log(sum(k, exp(z[k])))", _S),
    _vector("sum", "a vector or matrix; or an index and a term", "a sum of entries or of terms"),
    _vector("delta", "two indices", "1 if they are equal, else 0"),
    _vector("dot", "two vectors of one size", "the inner product"),
    _vector("outer", "two vectors", "u v^T"),
    _vector("diag", "a vector, or a square matrix", "the diagonal matrix of v; the diagonal of A"),
    _vector("norm", "a vector", "the Euclidean norm", _K),
    _vector("frobenius", "a matrix", "sqrt(sum of squared entries)"),
    _vector("trace", "a square matrix", "the sum of the diagonal"),
    _vector("det", "a square matrix", "the determinant"),
    _vector("inv", "a square matrix", "the inverse, where it is invertible"),
    _vector("transpose", "a vector or matrix", "the transpose"),
    _vector("I", "one size (or two equal ones)", "the identity matrix"),
    _vector("zeros", "one or two sizes", "the zero vector or matrix"),
    _vector("max", "two numbers", "the larger", _K),
    _vector("min", "two numbers", "the smaller", _K),
    _vector("poly", "variables and a degree bound", "every polynomial of that degree (a binder's domain)"),
    _vector("quadratic", "variables", "every quadratic (a binder's domain)"),
)

BY_NAME: dict[str, Builtin] = {b.name: b for b in VOCABULARY}
assert len(BY_NAME) == len(VOCABULARY), "a built-in name has two rows"


def names(kind: Kind) -> set[str]:
    return {b.name for b in VOCABULARY if b.kind is kind}


SCALAR_FUNCTIONS = names(Kind.SCALAR_FUNCTION)
PREDICATES_OF_POINT = names(Kind.PREDICATE_OF_POINT)
PREDICATES_OF_FUNCTION = names(Kind.PREDICATE_OF_FUNCTION)
MATRIX_PREDICATES = names(Kind.MATRIX_PREDICATE)
GRAPH_FUNCTIONS = names(Kind.GRAPH)
CALCULUS_FUNCTIONS = names(Kind.CALCULUS)
VECTOR_FUNCTIONS = names(Kind.VECTOR_FUNCTION)
BUILTINS = set(BY_NAME)
# Arguments that take a function: a name of one, or an expression in its free variables.
FUNCTION_ARGS = {b.name: 0 for b in VOCABULARY if b.takes_function}
ANALYSIS_WORDS = {b.name for b in VOCABULARY if b.analysis}
# Scalar functions with a breakpoint (a kink or a jump).
SCALAR_KINKS = {b.name for b in VOCABULARY
                if b.kind is Kind.SCALAR_FUNCTION and b.smoothness in (Smoothness.KINK, Smoothness.JUMP)}
