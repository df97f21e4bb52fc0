"""Where a given function of an analysis predicate is defined.

`convex(f)` with no `on` domain, `global_min(f, p)` and `global_max(f, p)`
speak of f: R^d -> R, so f must be a real number at every point of R^d;
`local_min(f, p)`, `stationary(f, p)`, `saddle(f, p)` and the other local
predicates need f defined on a neighbourhood of p.  Otherwise the claim is
ill-posed and is never `proved`; the verdict is `unknown`, saying where f is
defined (`convex(f, on x > 0)` states a domain, which the curvature calculus
takes).  A refutation is then not reported either: a negative second
derivative at a point where f is undefined is no counterexample.

Method, and why it is sound: the conditions are read as the identity
family's definedness check reads them (`sympy_translate.Partial`, recorded
while the function's syntax tree is translated, before SymPy can simplify
`x/x` to 1 or `exp(log(x))` to x): a denominator is non-zero, log's argument
positive, sqrt's non-negative, a real power's base positive (non-zero for a
negative whole exponent), tan's argument off pi/2 + k*pi.

- Everywhere: each condition must follow from SymPy's facts about real
  symbols that carry no sign (`exp(x) + 1 > 0`, `x^2 + 1 != 0`), the identity
  family's `facts_show`.  Anything else is not shown.
- Near p: each condition must hold strictly at p, decided by the exact sign
  of its argument there (log's argument > 0, a denominator != 0, sqrt's
  argument > 0 unless non-negative everywhere, tan's cosine != 0).  Every
  argument is continuous where it is defined, and it is defined near p by
  the same test of the operations inside it (recorded too), so a strict
  condition at p holds on a neighbourhood of p.

A parameter in R^n for a symbolic n (`convex(norm(x), on x in R^n)`) is not
read here: such a function reaches only the curvature calculus, whose rules
ask every atom with a partial domain for its argument's sign.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Optional

import sympy as sp

from prove import ast as A
from prove.backends.analysis.exact import sign
from prove.backends.identity.conditions import condition_words, needs_of, show
from prove.backends.identity.definedness import facts_show
from prove.backends.identity.sympy_translate import Fn, ToSympy, Untranslatable, is_matrix
from prove.backends.identity.undefined import undefined_at

DOMAIN_KINDS = ("div", "log", "sqrt", "pow", "tan")
PROBES = (0, 1, -1, 2, -2)  # where an open condition is looked at, to say "defined only where"


SYMBOLIC = "symbolic"  # a parameter in R^n for a symbolic n: left to the curvature rules' sign reading


def _recorded(env: dict, node, points: Optional[dict] = None):
    """(symbols, partials) of the function `node` applied to fresh real symbols; None when
    it does not translate to a function of numbers or vectors."""
    partials: list = []
    try:
        f = ToSympy(env, partials)(node)
        if not isinstance(f, Fn):
            return None
        spaces = node.spaces if isinstance(node, A.Lambda) else ()
        if any(s is not None for s in spaces):
            syms, args = [], []
            for i, space in enumerate(spaces):
                shape = space.shape if isinstance(space, A.Space) else None
                if space is None:
                    args.append(sp.Dummy(f"u{i + 1}", real=True))
                    syms.append(args[-1])
                elif shape and len(shape) == 1 and isinstance(shape[0], int):
                    vec = [sp.Dummy(f"u{i + 1}_{j + 1}", real=True) for j in range(shape[0])]
                    args.append(sp.ImmutableMatrix(vec))
                    syms.extend(vec)
                else:
                    return SYMBOLIC
            f.apply(args)
        else:
            k = f.arity_shape[0] if f.arity_shape else 1
            syms = [sp.Dummy(f"u{i + 1}", real=True) for i in range(k)]
            f.apply([syms[0] if not f.arity_shape else sp.ImmutableMatrix(syms)])
    except (Untranslatable, TypeError, ValueError, ZeroDivisionError):
        return None
    subs = dict(points or {})
    out = []
    for p in partials:
        if p.kind in DOMAIN_KINDS:
            args = tuple(a.xreplace(subs) if isinstance(a, sp.Basic) and subs else a for a in p.args)
            out.append((p, args))
    return syms, out


def _words(p) -> str:
    need = next((n for n in needs_of(p.node) if n.node is p.node), None)
    return condition_words(need) if need is not None else f"{show(p.node)} is defined"


def _params(node) -> list:
    return list(node.params) if isinstance(node, A.Lambda) else []


def everywhere(env: dict, node, points: Optional[dict] = None, label: str = "the function",
               predicate: str = "convex") -> Optional[str]:
    """None when the function is shown a real number at every point of R^d; else why not."""
    got = _recorded(env, node, points)
    if got is None:
        return f"could not read where {label} is defined"
    if got is SYMBOLIC:
        return None
    syms, partials = got
    for p, args in partials:
        if facts_show(p, list(args)):
            continue
        names = _params(node)
        at = ""
        if len(syms) == 1:
            for v in PROBES:
                point = {syms[0]: sp.Integer(v)}
                if undefined_at(replace(p, args=args), point, []):
                    at = f" (not at {names[0] if names else 'x'} = {v})"
                    break
        if predicate in ("convex", "concave", "strictly_convex", "strictly_concave"):
            state = "state it, as in `convex(f, on x > 0)`"
        else:
            state = f"{predicate} speaks of every point of R" + ("" if len(syms) == 1 else f"^{len(syms)}")
        lead = f"{label} is defined only where {_words(p)}{at}" if at else \
            f"could not show that {_words(p)} at every real point, so {label} may be defined only on part of R" \
            + ("" if len(syms) == 1 else f"^{len(syms)}")
        return f"{lead}: {state}"
    return None


def near(env: dict, node, point, points: Optional[dict] = None, label: str = "the function") -> Optional[str]:
    """None when the function is shown defined on a neighbourhood of `point`; else why not."""
    got = _recorded(env, node, points)
    if got is None:
        return f"could not read where {label} is defined"
    if got is SYMBOLIC:
        return None
    syms, partials = got
    values = list(point) if is_matrix(point) else [point]
    if len(values) != len(syms):
        return None  # the predicate itself reports the mismatch
    at = dict(zip(syms, values))
    for p, args in partials:
        if facts_show(p, list(args)) or _strict_at(p.kind, [a.xreplace(at) if isinstance(a, sp.Basic) else a
                                                              for a in args]):
            continue
        shown_point = ", ".join(str(v) for v in values)
        return f"{label} is not shown defined on a neighbourhood of {shown_point}: it needs {_words(p)} near it"
    return None


def _strict_at(kind: str, vals: list) -> bool:
    """The condition holds strictly at the point (so, by continuity, near it)."""
    s = sign(vals[0])
    if kind == "div":
        return s in (1, -1)
    if kind in ("log", "sqrt"):
        return s == 1
    if kind == "tan":
        return sign(sp.cos(vals[0])) in (1, -1)
    if kind == "pow":
        e = vals[1]
        if s == 1:
            return True
        if isinstance(e, sp.Integer):
            return e >= 0 or s == -1
        return False
    return False


# ------------------------------------------------------------------- gate

LOCAL = {"stationary", "saddle", "local_min", "strict_local_min", "local_max", "strict_local_max"}
WHOLE = {"global_min", "global_max", "convex", "concave", "strictly_convex", "strictly_concave"}


def gate(claim, formula, outcome):
    """A `proved` or `verified` outcome stands only if every given function of an analysis
    predicate (with no `on` domain) is shown defined where the predicate needs it; else
    `unknown`.  Every route of the backend passes here: the Z3 encodings see a function only
    as SymPy built it (`x^2 + a*x/x` is `x^2 + a`), and the curvature calculus's second
    derivative test reads the built expression too."""
    from prove.verdict import Outcome, Verdict
    if outcome.verdict not in (Verdict.PROVED, Verdict.VERIFIED):
        return outcome
    for env in _claim_envs(claim):
        why = _first_undefined(env, formula)
        if why:
            return Outcome.unknown(why, method="analysis, definedness")
    return outcome


def _first_undefined(env: dict, formula) -> Optional[str]:
    for node in A.walk(formula):
        if not (isinstance(node, A.Call) and isinstance(node.func, A.Name) and node.args
                and node.func.id in LOCAL | WHOLE and isinstance(node.args[0], A.Lambda)
                and node.args[0].domain is None):
            continue
        lam = node.args[0]
        label = show(lam.body)
        why = None
        if node.func.id in LOCAL and len(node.args) > 1:
            try:
                point = ToSympy(env)(node.args[1])
            except (Untranslatable, TypeError, ValueError):
                point = None
            values = list(point) if is_matrix(point) else [point]
            if point is not None and all(isinstance(v, sp.Basic) and v.is_number for v in values):
                why = near(env, lam, point, None, label)
            else:
                why = everywhere(env, lam, None, label, node.func.id)
        else:
            why = everywhere(env, lam, None, label, node.func.id)
        if why:
            return why
    return None


def _claim_envs(claim) -> list:
    """One environment per value of the claim's integer range variables (`forall y in 1..3`)."""
    from itertools import product
    from prove.backends.analysis.curvature import _const_int
    base = _claim_env(claim)
    ranges = []
    for v in claim.variables:
        if isinstance(v.domain, A.Range):
            lo, hi = _const_int(v.domain.low), _const_int(v.domain.high)
            if lo is not None and hi is not None and hi - lo <= 20:
                ranges.append((v.name, range(lo, hi + 1)))
    return [{**base, **{name: k for (name, _), k in zip(ranges, values)}}
            for values in product(*[r for _, r in ranges])]


def _claim_env(claim) -> dict:
    """The claim's variables as SymPy values with no sign: reals and vectors as real symbols,
    a polynomial family as its polynomial with symbolic coefficients, an abstract function
    as an undefined function (so nothing is known of its sign)."""
    from prove import sorts as S
    from prove.backends.analysis.check import _family_of
    env: dict = {}
    for v in claim.variables:
        sort = v.sort
        if isinstance(sort, S.Fun) and sort.family == "poly":
            try:
                env[v.name] = _family_of(v).fn()
            except Exception:  # an unreadable family: the lambda will not translate, so not shown
                continue
        elif isinstance(sort, S.Fun):
            g = sp.Function(sp.Dummy(v.name).name)
            k = sort.source.dim if isinstance(sort.source, S.Vec) and isinstance(sort.source.dim, int) else None
            env[v.name] = Fn((k,) if k else (), lambda args, g=g: g(*(list(args[0]) if is_matrix(args[0])
                                                                       else args)), v.name)
        elif isinstance(sort, S.Real):
            env[v.name] = sp.Dummy(v.name, real=True)
        elif isinstance(sort, S.Vec) and isinstance(sort.dim, int):
            env[v.name] = sp.ImmutableMatrix([sp.Dummy(f"{v.name}_{i + 1}", real=True) for i in range(sort.dim)])
    return env
