"""Identities checked instance by instance: every concrete value of the
index and dimension variables, each goal rewritten to 0 and cross-checked at
exact points, or refuted at a certified point and re-checked from the tree."""

from __future__ import annotations

import itertools
from typing import Optional

from prove import sorts as S
from prove.backends.base import Deadline, Limits
from prove.claim import Claim
from prove.backends.identity import abstract
from prove.backends.identity.exact import rewrites_to_zero
from prove.backends.identity.instances import (
    MATRIX_DIMS, MAX_INSTANCES, SYMBOLIC_DIMS, Goal, Instance, apply_solved, enumerate_sizes, instance_goals,
    instances, int_value, make_instance,
)
from prove.backends.identity.points import SEARCH_POINTS, cross_check, describe_instance, refutation, search, search_how
from prove.backends.identity.sympy_translate import Untranslatable
from prove.verdict import Outcome, Verdict

SEARCH_SHARE = 0.5  # of the claim's time, for the Z3 models that place points inside the hypotheses


def dim_range(claim: Claim) -> range:
    """Eight sizes for vector lengths (n = 1..8 for n >= 1); four once a
    dimension sizes a matrix (a 4x4 matrix is already 16 unknowns, and every
    pair of sizes is tried).  Only the count matters: each size variable
    starts at its least allowed value (`instances.enumerate_sizes`)."""
    def mats(s):
        if isinstance(s, S.Fun):
            return mats(s.source) + mats(s.target)
        return [s] if isinstance(s, S.Mat) else []
    for v in claim.variables:
        if any(isinstance(d, str) for m in mats(v.sort) for d in (m.rows, m.cols)):
            return MATRIX_DIMS
    return SYMBOLIC_DIMS


def check_instances(claim: Claim, dims: range, limits: Limits = Limits()) -> Outcome:
    """The instance-by-instance check alone, dimension variables over `dims`."""
    try:
        return _check_instances(claim, dims, limits.deadline(SEARCH_SHARE))
    except Untranslatable as exc:
        return Outcome.unknown(str(exc), method="sympy")


def _check_instances(claim: Claim, dim_range: range, deadline: Deadline) -> Outcome:
    sizes = enumerate_sizes(claim, dim_range)
    bound = None if sizes.complete else sizes.bound()  # built from the instances enumerated
    cases = [make_instance(claim, values) for values in sizes.values]
    if not cases:
        return Outcome.unknown("no instance of the claim's variables satisfies its bounds", method="sympy")
    if len(cases) > MAX_INSTANCES:
        return Outcome.unknown(f"{len(cases)} instances of the index variables are too many to check one by one",
                               method="sympy")

    goals: list[tuple[Instance, Goal]] = [(inst, g) for inst in cases for g in instance_goals(claim, inst)]

    functions = abstract.function_names(claim)  # f: R^2 -> R, any smooth function
    if functions:  # simplifying a wrong rule's difference takes seconds; the first concrete functions take ms
        for inst, g in goals:
            outcome = abstract.refute(claim, inst, g, quick=True, deadline=deadline)
            if outcome is not None:
                return outcome
    open_goals = []
    for inst, g in goals:
        if g.rel != "=":
            open_goals.append((inst, g))
            continue
        d = apply_solved(g.lhs - g.rhs, inst)
        if not rewrites_to_zero(d) and not (functions and abstract.reduces_to_zero(d, inst)):
            open_goals.append((inst, g))

    # Every goal that rewriting closed is still evaluated at exact points.
    open_ids = {id(g) for _, g in open_goals}
    for inst, g in goals:
        if id(g) in open_ids:
            continue
        outcome = _counterexample(claim, inst, g, functions, closed=True, deadline=deadline)
        if outcome is not None:
            return outcome

    if not open_goals:
        method = "sympy: difference simplifies to 0, cross-checked at exact points"
        if functions:
            method = ("sympy: difference simplifies to 0 for every smooth function (derivatives as "
                      "independent atoms), cross-checked with concrete functions at exact points")
        if bound:
            return Outcome(Verdict.VERIFIED, method=method, bound=bound)
        if sizes.names:
            method += f"; every {sizes.bound()} checked"
        return Outcome(Verdict.PROVED, method=method)

    for inst, g in open_goals:
        outcome = _counterexample(claim, inst, g, functions, closed=False, deadline=deadline)
        if outcome is not None:
            return outcome
    inst, g = open_goals[0]
    where = describe_instance(inst.values) + (f" ({g.entry})" if g.entry else "")
    if g.rel != "=":
        reason = (f"no counterexample found{where} among {SEARCH_POINTS} exact points and the boundary points")
    else:
        reason = (f"sympy could not reduce the difference to 0{where} and found no counterexample at "
                  f"{SEARCH_POINTS} exact points; try a calc chain with intermediate steps")
    return Outcome.unknown(reason, method="sympy")


def _counterexample(claim: Claim, inst: Instance, g: Goal, functions, closed: bool,
                    deadline: Deadline) -> Optional[Outcome]:
    """A re-checked refutation of one goal, or None. A goal that rewriting
    `closed` is only evaluated at a few points (the simplifier's cross-check);
    an open one is searched. Abstract functions are replaced by concrete ones."""
    if functions:
        return abstract.refute(claim, inst, g, cross=closed, deadline=deadline)
    if closed:
        point = cross_check(g, inst, claim)
        method = "sympy: the difference simplified to 0, but not at this point"
    else:
        point, method = search_how(g, inst, claim, deadline)
    return refutation(claim, inst, g, point, method) if point is not None else None


def quick_refutation(claim: Claim, dims: range) -> Optional[Outcome]:
    """Search exact points instance by instance, smallest first, without
    trying to simplify: a re-checked refutation, or None."""
    for inst in instances(claim, dims):
        for g in instance_goals(claim, inst):
            point = search(g, inst, claim)
            if point is not None:
                return refutation(claim, inst, g, point, "sympy: exact evaluation at a point")
    return None


def cross_check_entries(claim: Claim) -> Optional[Outcome]:
    """For a claim proved for every index at once: translate a few index
    instances (the first two and the last of each range) concretely and
    evaluate them at exact points; a refutation if one fails, else None."""
    int_vars = [v for v in claim.variables if isinstance(v.sort, S.Int)]
    choices = []
    for v in int_vars:
        low, high = int_value(v.domain.low, {}), int_value(v.domain.high, {})
        choices.append(sorted({low, min(low + 1, high), high}))
    for combo in itertools.product(*choices):
        inst = make_instance(claim, dict(zip((v.name for v in int_vars), combo)))
        for g in instance_goals(claim, inst):
            point = cross_check(g, inst, claim)
            if point is not None:
                return refutation(claim, inst, g, point, "sympy: the symbolic proof failed at this point")
    return None
