"""Running the abstract-function prover on R^d (`abstract_rd`): the dimension checks, the two hint
stages, the call to Z3 without uninterpreted functions (Ackermann's reduction), and the verdict
with every theorem it instantiated.  unsat is a proof; anything else is `unknown`."""

from __future__ import annotations

import z3

from prove import ast as A
from prove import sorts as S
from prove.backends import internal
from prove.backends.base import WALL_CAP, solver_from_text
from prove.backends.analysis import theorems as T
from prove.backends.analysis.abstract_rd import AbstractFn, RdEncoder
from prove.backends.analysis.encode import AnalysisUnsupported, z_and
from prove.verdict import Outcome, Verdict


def _dim_of(sort) -> object:
    if isinstance(sort, S.Real):
        return 1
    if isinstance(sort, S.Vec):
        return sort.dim
    return None


def _encode(formula, abstract, points, symbolic, stage):
    enc = RdEncoder({}, {}, symbolic, stage)
    for v in abstract:
        d = _dim_of(v.sort.source)
        if isinstance(d, int):
            fn = z3.Function(internal.name(v.name), *([z3.RealSort()] * (d + 1)))
            enc.funcs[v.name] = AbstractFn(v.name, d, lambda p, fn=fn: fn(*p), fn)
        else:
            fn = z3.Function(internal.name(v.name), enc.P, z3.RealSort())
            enc.funcs[v.name] = AbstractFn(v.name, d, lambda p, fn=fn: fn(p), fn)
    for v in points:
        if isinstance(v.sort, S.Int):  # the dimension n: a real without constraints over-approximates it
            enc.env[v.name] = enc.fresh(v.name)
            continue
        d = _dim_of(v.sort)
        p = enc.fresh_point(v.name, d)
        enc.env[v.name] = p[0] if d == 1 else p
        enc.add_point(p, d)
    negated = enc.formula(formula, positive=False)
    return enc, [negated, *enc.instances()]


# Z3's resource count for one stage: the proofs shipped take at most 5.6 million (abstract_fermat_2d,
# measured; the same in every process, whatever ran before it: `solver_from_text`), the stages that
# cannot close answer sat within 0.2 million; a stage stops here.
RLIMIT = 20_000_000


def solve(formulas: list, symbolic, deadline) -> object:
    """unsat / sat / unknown of the instantiated problem, within RLIMIT (and, as a backstop in
    wall time, the deadline stretched by the runner's own cap for a loaded machine)."""
    wall = deadline.z3_ms() * int(WALL_CAP)
    if symbolic is None:  # pure nonlinear real arithmetic, for nlsat
        s = solver_from_text(ackermannize(formulas), RLIMIT, wall, logic="QF_NRA")
    else:  # the point sort stays uninterpreted
        s = solver_from_text(formulas, RLIMIT, wall)
    return s.check()


STAGES = ("local", "segment")


def check_abstract_rd(claim, formula, abstract, points, deadline, stages=STAGES) -> Outcome:
    """A proof from instances of the definitions and cited theorems, by `deadline`; otherwise unknown.
    The derivative hints come in two stages, each its own Z3 call: steps along the axes and to the
    points a negated extremum gives (Fermat, the second-order tests), then steps towards the
    claim's other points (the first-order condition of convexity)."""
    symbolic = None
    for v in list(abstract) + [p for p in points if not isinstance(p.sort, S.Int)]:
        d = _dim_of(v.sort.source if isinstance(v.sort, S.Fun) else v.sort)
        if d is None or isinstance(v.sort, S.Fun) and not isinstance(v.sort.target, S.Real):
            raise AnalysisUnsupported(f"{v.name} is {v.sort}; abstract functions here go from R^d to R")
        if isinstance(d, str):
            if symbolic not in (None, d):
                raise AnalysisUnsupported("one symbolic dimension is taken with abstract functions")
            symbolic = d
    names = ", ".join(f"{v.name}: {S.space_name(v.sort.source)} -> R" for v in abstract)
    res, enc = z3.unknown, None
    local = {"local_min", "local_max", "strict_local_min", "strict_local_max", "stationary"}
    if not any(isinstance(n, A.Call) and isinstance(n.func, A.Name) and n.func.id in local for n in A.walk(formula)):
        stages = tuple(reversed(stages))
    for i, stage in enumerate(stages):
        enc, formulas = _encode(formula, abstract, points, symbolic, stage)
        res = solve(formulas, symbolic, deadline.share(1 / (len(stages) - i)))
        if res == z3.unsat or not enc.derivs:
            break
    if res == z3.unsat:
        cited = [T.THEOREMS[k] for k in sorted(enc.cited)]
        scope = "every function " + names
        if enc.derivs:
            twice = any(d.order == 2 for d in enc.derivs)
            scope = f"every {'twice ' if twice else ''}differentiable function {names}"
        used = "".join(f"{t.name}{'' if t is T.DERIVATIVE else ' (cited)'}; " for t in cited)
        return Outcome(Verdict.PROVED, method=(
            f"{'from: ' if used else ''}{used}z3: the negation is unsat for {scope}, from instances of the "
            "definitions" + (" along segments of R^" + symbolic if symbolic else "")))
    why = "z3 timed out" if res == z3.unknown else "z3 finds no contradiction"
    return Outcome.unknown(f"{why} from the instances of the definitions tried for {names}",
                           method="z3, abstract functions on R^d")


def ackermannize(formulas: list) -> list:
    """The same problem without uninterpreted functions: each application f(t) is a fresh real,
    with f(t) = f(u) whenever t = u (functional consistency).  Equisatisfiable, and pure
    nonlinear real arithmetic, which Z3's complete nlsat procedure takes (with the functions
    in, Z3's answer on these instances varied from 0.6 s to a timeout with the order of the
    assertions)."""
    memo, apps, count = {}, {}, [0]

    def walk(e):
        k = e.get_id()
        if k in memo:
            return memo[k]
        if z3.is_app(e) and e.num_args() > 0:
            args = [walk(a) for a in e.children()]
            d = e.decl()
            if d.kind() == z3.Z3_OP_UNINTERPRETED:
                count[0] += 1
                c = z3.Const(internal.name("app", count[0]), d.range())
                apps.setdefault(d.name(), []).append((args, c))
                out = c
            else:
                out = d(*args) if args else e
        else:
            out = e
        memo[k] = out
        return out

    out = [walk(f) for f in formulas]
    for group in apps.values():
        for i, (a, c) in enumerate(group):
            for b, e in group[i + 1:]:
                out.append(z3.Implies(z_and(x == y for x, y in zip(a, b)), c == e))
    return out
