"""Did-you-mean for names the elaborator does not know: the nearest known
functions, predicates and lemmas, so that an error says the fix.

Method: a small table of textbook words (`minimum`, `is_dag`, `gradient`)
mapped to the built-ins they mean, then close spellings (difflib's ratio,
standard library) among the known names: the built-ins of prove/vocabulary.py,
the names in scope and the lemmas in scope. Nothing here decides a verdict;
a wrong suggestion costs only a worse message.
"""

from __future__ import annotations

import difflib
from typing import Iterable, Optional

from prove.vocabulary import BUILTINS

# Words a textbook or another tool uses for what the language calls otherwise.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "minimum": ("local_min", "global_min"),
    "maximum": ("local_max", "global_max"),
    "minimizer": ("local_min", "global_min"),
    "maximizer": ("local_max", "global_max"),
    "argmin": ("global_min",),
    "argmax": ("global_max",),
    "min_at": ("local_min",),
    "max_at": ("local_max",),
    "critical": ("stationary",),
    "critical_point": ("stationary",),
    "saddle_point": ("saddle",),
    "dag": ("acyclic",),
    "is_dag": ("acyclic",),
    "is_acyclic": ("acyclic",),
    "has_cycle": ("cycle",),
    "cyclic": ("cycle",),
    "reachable": ("path",),
    "has_path": ("path",),
    "has_edge": ("edge",),
    "toposort": ("topological",),
    "topological_order": ("topological",),
    "topo_order": ("topological",),
    "in_degree": ("indegree",),
    "out_degree": ("outdegree",),
    "num_nodes": ("nodes",),
    "num_edges": ("edges",),
    "derivative": ("diff",),
    "deriv": ("diff",),
    "d": ("diff",),
    "gradient": ("grad",),
    "nabla": ("grad",),
    "hess": ("hessian",),
    "jac": ("jacobian",),
    "logistic": ("sigmoid",),
    "expit": ("sigmoid",),
    "exponential": ("exp",),
    "absolute": ("abs",),
    "fabs": ("abs",),
    "sgn": ("sign",),
    "signum": ("sign",),
    "determinant": ("det",),
    "inverse": ("inv",),
    "tr": ("trace",),
    "transp": ("transpose",),
    "identity": ("I",),
    "eye": ("I",),
    "inner": ("dot",),
    "length": ("norm",),
    "positive_definite": ("pd",),
    "positive_semidefinite": ("psd",),
    "negative_definite": ("nd",),
    "negative_semidefinite": ("nsd",),
    "is_convex": ("convex",),
    "is_concave": ("concave",),
    "log_sum_exp": ("logsumexp",),
    "lse": ("logsumexp",),
}

CUTOFF = 0.7  # difflib ratio below which a spelling is not offered


def nearest(name: str, known: Iterable[str], n: int = 3) -> list[str]:
    """The known names closest to `name`: its textbook synonyms first, then
    close spellings (case ignored), at most n."""
    known = sorted(set(known))
    out: list[str] = []
    key = name.lower()
    for word in (key, key.removeprefix("is_"), key.removeprefix("has_")):
        out += [s for s in SYNONYMS.get(word, ()) if s in known and s not in out]
    lowered = {k.lower(): k for k in known}
    for close in difflib.get_close_matches(key, list(lowered), n=n, cutoff=CUTOFF):
        if lowered[close] not in out and lowered[close] != name:
            out.append(lowered[close])
    return out[:n]


def alternatives(names: list[str]) -> str:
    """`a`, `a` or `b`, `a`, `b` or `c`."""
    quoted = [f"`{x}`" for x in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def unknown_function(name: str, in_scope: Iterable[str]) -> tuple[str, Optional[str]]:
    """(message, expected) for a call of a name that is neither built in nor bound."""
    hints = nearest(name, set(BUILTINS) | set(in_scope))
    if hints:
        return f"unknown function {name!r}; did you mean {alternatives(hints)}?", None
    return (f"unknown function {name!r}",
            "a built-in (see docs/language.md), a `let` definition or a function variable")


def unknown_lemma(name: str, in_scope: Iterable[str]) -> tuple[str, Optional[str]]:
    """(message, expected) for `by lemma NAME` when NAME is not in scope: the
    nearest lemma in scope, else the `use` line that brings the library lemma."""
    in_scope = sorted(set(in_scope))
    close = nearest(name, in_scope)
    if close:
        return f"no lemma named {name!r} is in scope; did you mean {alternatives(close)}?", None
    from prove.library import all_lemmas  # late: reads the library files, only on this error path

    library = {lemma.name: lemma.subject for lemma in all_lemmas()}
    if name in library:
        return (f"no lemma named {name!r} is in scope; it is in the library: add `use {library[name]}`",
                f"`use {library[name]}` before the claim")
    close = nearest(name, library)
    if close:
        best = close[0]
        return (f"no lemma named {name!r} is in scope; did you mean `{best}`? `use {library[best]}` brings it",
                None)
    known = f" (in scope: {', '.join(in_scope[:6])})" if in_scope else ""
    return f"no lemma named {name!r} is in scope{known}", "a lemma from a `use`d file, as in `use softmax`"
