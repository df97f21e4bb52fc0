"""Random identity claims and an oracle that judges them, independent of the prover.

A claim is generated as a small tree (`T`) and rendered twice: as claim text
for the prover, and as a SymPy expression for the oracle, built from the tree
itself (the text is never parsed here).  The right side is the left side
rewritten by rules that keep its value (`rewrite`: expand, commute, unfold
sigmoid/softmax/logsumexp, differentiate by hand, ...), optionally perturbed
once (`perturb`: a constant, a sign, a factor, an index), or an unrelated
expression.  Construction only suggests the answer; the oracle decides it.

The oracle (`judge`) evaluates the claim at exact rational points (simple
ones first, then seeded random ones, every index value) under the semantics
of docs/language.md ("Where an expression is defined"): a claim is false at a
point where a side is undefined (a denominator is 0, a log argument <= 0, a
sqrt argument < 0, or <= 0 under `diff`, anywhere in the side's syntax tree)
or where the two sides differ.
Values are certified by `evalf(strict=True)` at 40 digits; a point where a
value or a condition cannot be certified is skipped, so the oracle only ever
says `fails` with a certified witness.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Optional, Union

import sympy as sp
from hypothesis import strategies as st

Index = Union[int, str]  # 1..3, or the name of an index variable ("i", or "k" inside a sum)
DIM = 3


@dataclass(frozen=True)
class T:
    """A node: op is num | var | z | delta | neg | exp | log | sqrt | sigmoid | tanh |
    softplus | abs | relu | sign | add | sub | mul | div | pow | softmax | lse | sum | diff."""

    op: str
    args: tuple = ()
    val: object = None


UNARY = ("neg", "exp", "log", "sqrt", "sigmoid", "tanh", "softplus", "abs", "relu", "sign")
BINARY = ("add", "sub", "mul", "div")
ZERO, ONE = T("num", val=Fraction(0)), T("num", val=Fraction(1))


@dataclass(frozen=True)
class Spec:
    """What a claim binds: scalars x and y (with sign hypotheses), z in R^3 and i in 1..3."""

    positive: tuple[str, ...] = ()  # scalars with `where v > 0`
    vector: bool = False
    index: bool = False
    free: bool = False  # leave x, y free instead of binding them (no hypotheses then)


@dataclass(frozen=True)
class Fuzz:
    spec: Spec
    lhs: T
    rhs: T
    mode: str  # rewrite | perturb | unrelated

    @property
    def text(self) -> str:
        return claim_text(self)


# ------------------------------------------------------------------ render


def _num_text(v: Fraction) -> str:
    if v.denominator == 1:
        return str(v.numerator) if v >= 0 else f"({v.numerator})"
    return f"({v.numerator}/{v.denominator})"


def _ix(i: Index) -> str:
    return str(i)


def render(t: T) -> str:
    op, a = t.op, t.args
    if op == "num":
        return _num_text(t.val)
    if op == "var":
        return t.val
    if op == "z":
        return f"z[{_ix(t.val)}]"
    if op == "delta":
        return f"delta({_ix(t.val[0])}, {_ix(t.val[1])})"
    if op == "neg":
        return f"-({render(a[0])})"
    if op in UNARY:
        return f"{op}({render(a[0])})"
    if op in BINARY:
        sym = {"add": "+", "sub": "-", "mul": "*", "div": "/"}[op]
        return f"({render(a[0])} {sym} {render(a[1])})"
    if op == "pow":
        return f"({render(a[0])})^{t.val}" if t.val > 0 else f"({render(a[0])})^({t.val})"
    if op == "softmax":
        return f"softmax(z)[{_ix(t.val)}]"
    if op == "lse":
        return "logsumexp(z)"
    if op == "sum":
        # `sum(k, ...)` takes k's range from the vectors it indexes: only when there is one
        implicit = t.val == "implicit" and _mentions_k(a[0])
        return f"sum(k, {render(a[0])})" if implicit else f"sum(k in 1..{DIM}, {render(a[0])})"
    if op == "diff":
        var = t.val if isinstance(t.val, str) else f"z[{_ix(t.val[1])}]"
        return f"diff({render(a[0])}, {var})"
    raise ValueError(op)


def claim_text(f: Fuzz) -> str:
    spec = f.spec
    binders = []
    if not spec.free:
        for v in ("x", "y"):
            binders.append(f"{v} in R where {v} > 0" if v in spec.positive else f"{v} in R")
    if spec.vector:
        binders.append(f"z in R^{DIM}")
    if spec.index:
        binders.append(f"i in 1..{DIM}")
    body = f"{render(f.lhs)} = {render(f.rhs)}"
    return f"claim fuzz:\n  forall {', '.join(binders)}:\n    {body}" if binders else f"claim fuzz:\n  {body}"


# --------------------------------------------------------------- strategies


def _leaves(spec: Spec, in_sum: bool) -> list:
    out = [st.builds(lambda v: T("num", val=Fraction(v)), st.integers(-3, 3)),
           st.sampled_from([T("num", val=Fraction(1, 2)), T("num", val=Fraction(3, 2))]),
           st.just(T("var", val="x")), st.just(T("var", val="y"))]
    if spec.vector:
        idx = [1, 2, 3] + (["i"] if spec.index else [])
        out.append(st.sampled_from([T("z", val=c) for c in idx]))
        if in_sum:
            out += [st.just(T("z", val="k"))] * 2
    return out


@st.composite
def exprs(draw, spec: Spec, depth: int, in_sum: bool = False, in_diff: bool = False, root: bool = False):
    leaf = st.one_of(*_leaves(spec, in_sum))
    # Hypothesis starts from the smallest choices (0, the first element): make
    # those the richest trees, so that a small budget still explores.
    if depth <= 0 or (not root and draw(st.integers(0, 3)) == 3):
        return draw(leaf)
    kinds = ["binary", "unary", "binary", "pow"]
    if not in_diff and not in_sum:
        kinds.insert(0, "diff")
    if spec.vector:
        kinds[1:1] = ([] if in_sum else ["sum"]) + ["softmax", "lse"]
    kind = draw(st.sampled_from(kinds))
    sub = exprs(spec, depth - 1, in_sum, in_diff)
    if kind == "unary":
        return T(draw(st.sampled_from(UNARY)), (draw(sub),))
    if kind == "binary":
        return T(draw(st.sampled_from(BINARY)), (draw(sub), draw(sub)))
    if kind == "pow":
        return T("pow", (draw(sub),), draw(st.sampled_from([2, 3, -1])))
    if kind == "softmax":
        return T("softmax", val=draw(st.sampled_from([1, 2, 3] + (["i"] if spec.index else []))))
    if kind == "lse":
        return T("lse")
    if kind == "sum":
        body = draw(exprs(spec, depth - 1, True, in_diff))
        if not _mentions_k(body):
            body = T("mul", (body, T("z", val="k")))
        return T("sum", (body,), draw(st.sampled_from(["implicit", "range"])))
    var_choices = ["x", "y"] + ([("z", c) for c in [1, 2] + (["i"] if spec.index else [])] if spec.vector else [])
    body = draw(exprs(spec, depth - 1, in_sum, True))
    return T("diff", (body,), draw(st.sampled_from(var_choices)))


def _mentions_k(t: T) -> bool:
    return (t.op == "z" and t.val == "k") or any(_mentions_k(a) for a in t.args)


@st.composite
def specs(draw):
    vector = draw(st.booleans())
    free = not vector and draw(st.integers(0, 3)) == 0
    positive = () if free else tuple(v for v in ("x", "y") if draw(st.integers(0, 3)) == 0)
    return Spec(positive=positive, vector=vector, index=vector and draw(st.booleans()), free=free)


@st.composite
def fuzz_claims(draw, max_depth: int = 3):
    spec = draw(specs())
    lhs = draw(exprs(spec, max_depth - draw(st.integers(0, max_depth - 1)), root=True))
    mode = draw(st.sampled_from(["rewrite", "rewrite", "perturb", "perturb", "unrelated"]))
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    if mode == "unrelated":
        rhs = draw(exprs(spec, max_depth - draw(st.integers(0, max_depth))))
    else:
        rhs = lhs
        for _ in range(rng.randint(1, 3)):
            rhs = rewrite(rhs, rng)
        if mode == "perturb":
            rhs = perturb(rhs, rng)
    return Fuzz(spec, lhs, rhs, mode)


# -------------------------------------------------------- derivative by hand


def _mul(a: T, b: T) -> T:
    if ZERO in (a, b):
        return ZERO
    if a == ONE:
        return b
    if b == ONE:
        return a
    return T("mul", (a, b))


def _add(a: T, b: T) -> T:
    if a == ZERO:
        return b
    if b == ZERO:
        return a
    return T("add", (a, b))


def _sub(a: T, b: T) -> T:
    if b == ZERO:
        return a
    return T("sub", (a, b))


def _num(v) -> T:
    return T("num", val=Fraction(v))


def _delta(a: Index, b: Index) -> T:
    if isinstance(a, int) and isinstance(b, int):
        return ONE if a == b else ZERO
    if a == b:
        return ONE
    return T("delta", val=(a, b))


def derivative(t: T, v) -> T:
    """d t / d v for v = "x", "y" or ("z", index), written as a tree."""
    op, a = t.op, t.args
    if op in ("num", "delta"):
        return ZERO
    if op == "var":
        return ONE if v == t.val else ZERO
    if op == "z":
        return _delta(t.val, v[1]) if isinstance(v, tuple) else ZERO
    if op == "softmax":
        if not isinstance(v, tuple):
            return ZERO
        return _mul(t, _sub(_delta(t.val, v[1]), T("softmax", val=v[1])))
    if op == "lse":
        return T("softmax", val=v[1]) if isinstance(v, tuple) else ZERO
    if op == "sum":
        inner = derivative(a[0], v)
        return ZERO if inner == ZERO else T("sum", (inner,), "range")
    if op == "diff":
        return derivative(derivative(a[0], t.val), v)
    du = derivative(a[0], v)
    if op == "neg":
        return ZERO if du == ZERO else T("neg", (du,))
    if op == "exp":
        return _mul(du, t)
    if op == "log":
        return _mul(du, T("div", (ONE, a[0])))
    if op == "sqrt":
        return _mul(du, T("div", (ONE, T("mul", (_num(2), t)))))
    if op == "sigmoid":
        return _mul(du, T("mul", (t, T("sub", (ONE, t)))))
    if op == "tanh":
        return _mul(du, T("sub", (ONE, T("pow", (t,), 2))))
    if op == "softplus":
        return _mul(du, T("sigmoid", (a[0],)))
    if op == "abs":
        return _mul(du, T("sign", (a[0],)))
    if op == "relu":
        return _mul(du, T("div", (T("add", (T("sign", (a[0],)), ONE)), _num(2))))
    if op == "sign":
        return ZERO
    if op == "pow":
        n = t.val
        lower = a[0] if n == 2 else T("pow", (a[0],), n - 1) if n != 0 else ZERO
        return _mul(_mul(_num(n), lower), du)
    dw = derivative(a[1], v)
    if op == "add":
        return _add(du, dw)
    if op == "sub":
        return _sub(du, dw)
    if op == "mul":
        return _add(_mul(du, a[1]), _mul(a[0], dw))
    if op == "div":
        return T("div", (_sub(_mul(du, a[1]), _mul(a[0], dw)), T("pow", (a[1],), 2)))
    raise ValueError(op)


# ------------------------------------------------------- rewrites, mutations


def _rules(t: T) -> list[T]:
    """Value-preserving rewrites of this node (where both sides are defined)."""
    op, a = t.op, t.args
    out = []
    if op in ("add", "mul"):
        out.append(T(op, (a[1], a[0])))
    if op == "mul" and a[1].op in ("add", "sub"):
        out.append(T(a[1].op, (T("mul", (a[0], a[1].args[0])), T("mul", (a[0], a[1].args[1])))))
    if op == "sub":
        out.append(T("add", (a[0], T("mul", (_num(-1), a[1])))))
    if op == "sigmoid":
        out.append(T("div", (ONE, T("add", (ONE, T("exp", (T("neg", (a[0],)),)))))))
        out.append(T("sub", (ONE, T("sigmoid", (T("neg", (a[0],)),)))))
    if op == "tanh":
        out.append(T("sub", (T("mul", (_num(2), T("sigmoid", (T("mul", (_num(2), a[0])),)))), ONE)))
    if op == "softplus":
        out.append(T("log", (T("add", (ONE, T("exp", (a[0],)))),)))
        out.append(T("add", (T("softplus", (T("neg", (a[0],)),)), a[0])))
    if op == "abs":
        out.append(T("sqrt", (T("pow", (a[0],), 2),)))
    if op == "relu":
        out.append(T("div", (T("add", (a[0], T("abs", (a[0],)))), _num(2))))
    if op == "exp" and a[0].op in ("add", "sub"):
        left, right = T("exp", (a[0].args[0],)), T("exp", (a[0].args[1],))
        out.append(T("mul", (left, right)) if a[0].op == "add" else T("div", (left, right)))
    if op == "exp" and a[0].op == "neg":
        out.append(T("div", (ONE, T("exp", (a[0].args[0],)))))
    if op == "log" and a[0].op == "exp":
        out.append(a[0].args[0])
    if op == "pow" and t.val in (2, 3):
        out.append(T("mul", (a[0], a[0])) if t.val == 2 else T("mul", (a[0], T("pow", (a[0],), 2))))
    if op == "div":
        out.append(T("mul", (a[0], T("pow", (a[1],), -1))))
    if op == "softmax":
        out.append(T("div", (T("exp", (T("z", val=t.val),)), T("sum", (T("exp", (T("z", val="k"),)),), "implicit"))))
    if op == "lse":
        out.append(T("log", (T("sum", (T("exp", (T("z", val="k"),)),), "range"),)))
    if op == "sum" and a[0].op in ("add", "sub"):
        out.append(T(a[0].op, (T("sum", (a[0].args[0],), "range"), T("sum", (a[0].args[1],), "range"))))
    if op == "diff":
        out.append(derivative(a[0], t.val))
    if op == "neg":
        out.append(T("mul", (_num(-1), a[0])))
    return out


def _positions(t: T, path=()):
    yield path, t
    for k, child in enumerate(t.args):
        yield from _positions(child, path + (k,))


def _replace(t: T, path, new: T) -> T:
    if not path:
        return new
    k = path[0]
    args = list(t.args)
    args[k] = _replace(args[k], path[1:], new)
    return T(t.op, tuple(args), t.val)


def _inside_sum(t: T, path) -> bool:
    node = t
    for k in path:
        if node.op == "sum":
            return True
        node = node.args[k]
    return False


def rewrite(t: T, rng: random.Random) -> T:
    """One value-preserving rewrite at a random place (or t itself when none applies)."""
    options = [(p, new) for p, node in _positions(t) for new in _rules(node)
               if not (_inside_sum(t, p) and _has_sum(new))]
    if not options:
        return t
    path, new = rng.choice(options)
    return _replace(t, path, new)


def _has_sum(t: T) -> bool:
    return t.op == "sum" or any(_has_sum(a) for a in t.args)


def _mutations(t: T) -> list[T]:
    op, a = t.op, t.args
    out = []
    if op == "num":
        out.append(T("num", val=t.val + 1))
    if op == "add":
        out.append(T("sub", a))
    if op == "sub":
        out.append(T("add", a))
    if op == "mul":
        out += [a[0], a[1]]
    if op == "div":
        out.append(a[0])
        out.append(T("div", (a[1], a[0])))
    if op in ("sigmoid", "tanh", "softplus", "exp", "relu", "sign"):
        out.append(T(op, (T("neg", (a[0],)),)))
    if op == "abs":
        out.append(a[0])
    if op == "neg":
        out.append(a[0])
    if op == "pow":
        out.append(T("pow", a, 3 if t.val == 2 else 2))
    if op in ("z", "softmax") and isinstance(t.val, int):
        out.append(T(op, (), t.val % DIM + 1))
    if op == "var":
        out.append(T("var", val="y" if t.val == "x" else "x"))
    if op == "diff" and isinstance(t.val, str):
        out.append(T("diff", a, "y" if t.val == "x" else "x"))
    return out


def perturb(t: T, rng: random.Random) -> T:
    """One small edit that usually changes the value."""
    options = [(p, new) for p, node in _positions(t) for new in _mutations(node)]
    if not options:
        return T("add", (t, ONE))
    path, new = rng.choice(options)
    return _replace(t, path, new)


# ------------------------------------------------------------------ oracle

# Real symbols, so that diff(Abs(x), x) is sign(x); values are only ever taken at points.
X, Y = sp.Symbol("x", real=True), sp.Symbol("y", real=True)
Z = tuple(sp.Symbol(f"z{c}", real=True) for c in range(1, DIM + 1))


def _resolve(i: Index, env: dict) -> int:
    return i if isinstance(i, int) else env[i]


def to_sympy(t: T, env: dict) -> sp.Expr:
    """The tree's value as a SymPy expression in x, y, z1..z3 (env fixes i and k)."""
    op, a = t.op, t.args
    if op == "num":
        return sp.Rational(t.val.numerator, t.val.denominator)
    if op == "var":
        return X if t.val == "x" else Y
    if op == "z":
        return Z[_resolve(t.val, env) - 1]
    if op == "delta":
        return sp.Integer(int(_resolve(t.val[0], env) == _resolve(t.val[1], env)))
    if op == "softmax":
        return sp.exp(Z[_resolve(t.val, env) - 1]) / sp.Add(*[sp.exp(z) for z in Z])
    if op == "lse":
        return sp.log(sp.Add(*[sp.exp(z) for z in Z]))
    if op == "sum":
        return sp.Add(*[to_sympy(a[0], {**env, "k": k}) for k in range(1, DIM + 1)])
    if op == "diff":
        var = t.val
        sym = {"x": X, "y": Y}[var] if isinstance(var, str) else Z[_resolve(var[1], env) - 1]
        return sp.diff(to_sympy(a[0], env), sym)
    u = to_sympy(a[0], env)
    if op == "neg":
        return -u
    if op == "exp":
        return sp.exp(u)
    if op == "log":
        return sp.log(u)
    if op == "sqrt":
        return sp.sqrt(u)
    if op == "sigmoid":
        return 1 / (1 + sp.exp(-u))
    if op == "tanh":
        return sp.tanh(u)
    if op == "softplus":
        return sp.log(1 + sp.exp(u))
    if op == "abs":
        return sp.Abs(u)
    if op == "relu":
        return sp.Max(u, 0)
    if op == "sign":
        return sp.sign(u)
    if op == "pow":
        return u ** t.val
    w = to_sympy(a[1], env)
    return {"add": lambda: u + w, "sub": lambda: u - w, "mul": lambda: u * w, "div": lambda: u / w}[op]()


def conditions(t: T, env: dict, under_diff: bool = False) -> list[tuple[str, sp.Expr]]:
    """Where the tree is defined, read from the tree (never from SymPy's
    simplified form): ("pos", e) e > 0, ("nonneg", e) e >= 0, ("nonzero", e) e != 0.
    Under `diff` a sqrt needs a positive argument (defined on both sides of the point),
    and at a kink of abs, relu or sign ("kink", e = 0) the oracle does not judge."""
    op, a = t.op, t.args
    if op == "sum":
        return [c for k in range(1, DIM + 1) for c in conditions(a[0], {**env, "k": k}, under_diff)]
    inner = under_diff or op == "diff"
    out = [c for child in a for c in conditions(child, env, inner)]
    if op == "log":
        out.append(("pos", to_sympy(a[0], env)))
    elif op == "sqrt":
        out.append(("pos" if under_diff else "nonneg", to_sympy(a[0], env)))
    elif op == "div":
        out.append(("nonzero", to_sympy(a[1], env)))
    elif op == "pow" and t.val < 0:
        out.append(("nonzero", to_sympy(a[0], env)))
    elif op in ("abs", "relu", "sign") and under_diff:
        out.append(("kink", to_sympy(a[0], env)))
    return out


class Uncertain(Exception):
    pass


def _certified(e: sp.Expr) -> sp.Number:
    """An exact rational, or a Float with 40 certified digits."""
    if e.is_Rational:
        return e
    try:
        value = e.evalf(40, strict=True)
    except Exception as exc:  # PrecisionExhausted, or evalf refusing a form
        raise Uncertain(str(exc)) from exc
    if not value.is_number or value.free_symbols:
        raise Uncertain(f"not a number: {value}")
    if value.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        raise Uncertain("not finite")
    re_part, im_part = value.as_real_imag()
    if not im_part.is_zero:
        raise Uncertain("not real")
    return re_part


def _holds(kind: str, value: sp.Number) -> bool:
    if kind == "kink":
        if value.is_zero:  # a derivative there may or may not exist (abs(x^2) has one)
            raise Uncertain("at a kink")
        return True
    if value.is_zero:
        return kind == "nonneg"
    if not value.is_Rational and abs(value) < sp.Float("1e-35"):
        raise Uncertain("a condition's argument is too close to 0 to tell its sign")
    return {"pos": value > 0, "nonneg": value > 0, "nonzero": True}[kind]


def _differ(left: sp.Number, right: sp.Number) -> bool:
    if left.is_Rational and right.is_Rational:
        return left != right
    return abs(left - right) > sp.Float("1e-25") * (1 + abs(left) + abs(right))


@dataclass(frozen=True)
class Judgement:
    status: str  # holds (at every point tried) | fails
    witness: Optional[dict] = None
    reason: str = ""
    points: int = 0  # points at which both sides were certified


def _points(spec: Spec, seed: int, count: int):
    simple = [Fraction(0), Fraction(1), Fraction(-1), Fraction(2), Fraction(1, 2), Fraction(-3, 2)]
    rng = random.Random(seed)

    def value(name: str, k: int):
        pool = [v for v in simple if v > 0] if name in spec.positive else simple
        if k < len(simple):
            return pool[k % len(pool)]
        v = Fraction(rng.randint(-30, 30), rng.randint(1, 9))
        if name in spec.positive:
            v = abs(v) or Fraction(1, 7)
        return v

    for k in range(count):
        pt = {"x": value("x", k), "y": value("y", k + 1)}
        zs = [value("z", k + j) for j in range(DIM)] if k < len(simple) else [value("z", 99) for _ in range(DIM)]
        for c in range(DIM):
            pt[f"z{c + 1}"] = zs[c]
        yield pt


def judge(f: Fuzz, count: int = 10, seed: int = 0) -> Judgement:
    """Evaluate the claim at `count` points (each with every index value)."""
    envs = [{"i": i} for i in range(1, DIM + 1)] if f.spec.index else [{}]
    certified = 0
    for pt in _points(f.spec, seed, count):
        subs = {X: _q(pt["x"]), Y: _q(pt["y"]), **{Z[c]: _q(pt[f"z{c + 1}"]) for c in range(DIM)}}
        for env in envs:
            witness = {k: v for k, v in pt.items() if (k[0] != "z" or f.spec.vector)}
            witness.update(env)
            try:
                for side, tree in (("left", f.lhs), ("right", f.rhs)):
                    for kind, arg in conditions(tree, env):
                        if not _holds(kind, _certified(arg.xreplace(subs))):
                            return Judgement("fails", witness, f"the {side} side is undefined ({kind} fails)",
                                             certified)
                left = _certified(to_sympy(f.lhs, env).xreplace(subs))
                right = _certified(to_sympy(f.rhs, env).xreplace(subs))
            except Uncertain:
                continue
            certified += 1
            if _differ(left, right):
                return Judgement("fails", witness, f"left {sp.N(left, 12)} != right {sp.N(right, 12)}", certified)
    return Judgement("holds", points=certified)


def _q(v: Fraction) -> sp.Rational:
    return sp.Rational(v.numerator, v.denominator)


# ------------------------------------------------- the prover's witnesses

_RATIONAL = re.compile(r"\s*(-?\d+)(?:\s*/\s*(\d+))?\s*")


def parse_witness(witness: dict, spec: Spec) -> Optional[dict]:
    """A refutation's witness as exact values, when it is plain rationals (else None)."""
    out: dict = {}
    for name, text in witness.items():
        if name == "z" and spec.vector:
            items = text.strip().strip("[]").split(",")
            if len(items) != DIM:
                return None
            for c, item in enumerate(items):
                m = _RATIONAL.fullmatch(item)
                if not m:
                    return None
                out[f"z{c + 1}"] = Fraction(int(m.group(1)), int(m.group(2) or 1))
        else:
            m = _RATIONAL.fullmatch(text)
            if not m:
                return None
            out[name] = Fraction(int(m.group(1)), int(m.group(2) or 1))
    return out


def holds_at(f: Fuzz, point: dict) -> Optional[bool]:
    """True when both sides are defined and certified equal at the point, False when
    certified different or undefined there, None when it cannot be certified."""
    env = {"i": int(point["i"])} if f.spec.index and "i" in point else ({} if not f.spec.index else None)
    if env is None:
        return None
    full = {"x": Fraction(0), "y": Fraction(0), **{f"z{c + 1}": Fraction(0) for c in range(DIM)}, **point}
    subs = {X: _q(full["x"]), Y: _q(full["y"]), **{Z[c]: _q(full[f"z{c + 1}"]) for c in range(DIM)}}
    try:
        for tree in (f.lhs, f.rhs):
            for kind, arg in conditions(tree, env):
                if not _holds(kind, _certified(arg.xreplace(subs))):
                    return False
        left = _certified(to_sympy(f.lhs, env).xreplace(subs))
        right = _certified(to_sympy(f.rhs, env).xreplace(subs))
    except Uncertain:
        return None
    return not _differ(left, right)


# ------------------------------------------------------------ the verdicts


def disagreement(f: Fuzz, result) -> str:
    """'' when a checker's result on the claim agrees with the oracle, else what is wrong:
    an error for a well-typed claim, a proof the oracle refutes, or a refutation at a
    witness where the oracle certifies that the claim holds."""
    verdict = result.verdict.value
    if verdict == "error":
        return f"a well-typed generated claim is an error: {result.reason}"
    if verdict in ("proved", "verified"):
        j = judge(f)
        if j.status == "fails":
            shown = ", ".join(f"{k} = {v}" for k, v in j.witness.items())
            return f"{verdict}, but the oracle refutes it at {shown}: {j.reason}"
    if verdict == "refuted" and result.witness:
        point = parse_witness(result.witness, f.spec)
        if point is not None and holds_at(f, point) is True:
            return f"refuted at {result.witness}, where both sides are defined and equal"
    return ""
