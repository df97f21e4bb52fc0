"""The vocabulary table against the code and the docs that read it."""

import re
from pathlib import Path

import pytest
import sympy as sp

from prove import elaborate
from prove import vocabulary as V
from prove.backends.identity import sympy_translate

DOCS = (Path(__file__).resolve().parent.parent / "docs" / "language.md").read_text()

# The name sets as they were written by hand before the table; the derived sets must equal them.
OLD_SCALAR_FUNCTIONS = {
    "exp", "log", "ln", "sqrt", "sin", "cos", "tan", "tanh", "sinh", "cosh",
    "sigmoid", "softplus", "relu", "abs", "sign", "erf", "gelu",
}
OLD_PREDICATES_OF_POINT = {
    "stationary", "local_min", "strict_local_min", "local_max", "strict_local_max",
    "global_min", "global_max", "saddle",
}
OLD_PREDICATES_OF_FUNCTION = {"convex", "concave", "strictly_convex", "strictly_concave"}
OLD_MATRIX_PREDICATES = {"psd", "pd", "nsd", "nd", "invertible", "symmetric"}
OLD_GRAPH_FUNCTIONS = {
    "edge", "path", "acyclic", "cycle", "source", "sink", "indegree", "outdegree",
    "topological", "nodes", "edges", "card", "graph", "graphs", "orders",
}
OLD_CALCULUS_FUNCTIONS = {"diff", "grad", "jacobian", "hessian"}
OLD_VECTOR_FUNCTIONS = {
    "softmax", "logsumexp", "sum", "delta", "dot", "outer", "diag", "norm", "frobenius",
    "trace", "det", "inv", "transpose", "I", "zeros", "max", "min", "poly", "quadratic",
}
OLD_BUILTINS = (OLD_SCALAR_FUNCTIONS | OLD_PREDICATES_OF_POINT | OLD_PREDICATES_OF_FUNCTION | OLD_MATRIX_PREDICATES
                | OLD_GRAPH_FUNCTIONS | OLD_CALCULUS_FUNCTIONS | OLD_VECTOR_FUNCTIONS)
OLD_FUNCTION_ARGS = {name: 0 for name in OLD_PREDICATES_OF_POINT | OLD_PREDICATES_OF_FUNCTION}
OLD_ANALYSIS_WORDS = OLD_PREDICATES_OF_POINT | OLD_PREDICATES_OF_FUNCTION | {"psd", "pd", "nsd", "nd"}


@pytest.mark.parametrize("derived, old", [
    (elaborate.SCALAR_FUNCTIONS, OLD_SCALAR_FUNCTIONS),
    (elaborate.PREDICATES_OF_POINT, OLD_PREDICATES_OF_POINT),
    (elaborate.PREDICATES_OF_FUNCTION, OLD_PREDICATES_OF_FUNCTION),
    (elaborate.MATRIX_PREDICATES, OLD_MATRIX_PREDICATES),
    (elaborate.GRAPH_FUNCTIONS, OLD_GRAPH_FUNCTIONS),
    (elaborate.CALCULUS_FUNCTIONS, OLD_CALCULUS_FUNCTIONS),
    (elaborate.VECTOR_FUNCTIONS, OLD_VECTOR_FUNCTIONS),
    (elaborate.BUILTINS, OLD_BUILTINS),
    (elaborate.FUNCTION_ARGS, OLD_FUNCTION_ARGS),
    (elaborate.ANALYSIS_WORDS, OLD_ANALYSIS_WORDS),
    (sympy_translate.KINKS, {"abs", "relu", "sign"}),
], ids=["scalar", "point", "function", "matrix", "graph", "calculus", "vector", "builtins", "function-args",
        "analysis", "kinks"])
def test_derived_sets_equal_the_old_literal_sets(derived, old):
    assert derived == old


def test_every_name_has_one_row():
    names = [b.name for b in V.VOCABULARY]
    assert len(names) == len(set(names))
    assert all(b.doc and b.signature for b in V.VOCABULARY)


@pytest.mark.parametrize("name", sorted(V.SCALAR_FUNCTIONS))
def test_every_scalar_function_has_a_sympy_meaning(name):
    x = sp.Symbol("x", real=True)
    assert name in sympy_translate.SCALAR, f"{name} has no SymPy translation"
    value = sympy_translate.SCALAR[name](x)
    assert isinstance(value, sp.Expr) and value.free_symbols == {x}


@pytest.mark.parametrize("name", [b.name for b in V.VOCABULARY])
def test_every_name_is_documented(name):
    # as code: inside backticks, as a whole word
    pattern = r"`[^`\n]*(?<![A-Za-z0-9_])" + re.escape(name) + r"(?![A-Za-z0-9_])[^`\n]*`"
    assert re.search(pattern, DOCS), f"{name} is not in docs/language.md"
