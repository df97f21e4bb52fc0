"""Names the prover invents can never be a user's name (issue 10, class 2).

Behaviour: a claim that declares a variable spelled like an atom the backend
makes for itself (a derivative atom `f_d1`, a vector part `r1`, a summation
index `_k0`, a goal entry `e0`, a concrete function's argument `x1`, `t`)
keeps its meaning: false claims are not proved, true ones still are.
Structure: no module under prove/backends creates a SymPy symbol or function,
or a Z3 constant, from a literal or f-string name that a claim could spell.
"""

import ast
import re
from pathlib import Path

import pytest

import prove

NOT_PROVED = [
    # derivative atoms of abstract functions
    "forall f: R -> R, f_d1: R -> R, x in R: diff(f(x), x) = f_d1(x)",
    "forall g: R -> R, g_d2: R -> R, x in R: diff(g(x), x, 2) = g_d2(x)",
    "forall f_d1: R -> R, f: R -> R, y in R: f_d1(y) = diff(f(y), y)",
    "forall f: R^2 -> R, f_d1_0: R^2 -> R, x in R, y in R: diff(f(x, y), x) = f_d1_0(x, y)",
    "forall h: R -> R, h_d1: R -> R, u in R: diff(h(u)^2, u) = 2 * h(u) * h_d1(u)",
    # parts of vector- and matrix-valued abstract functions
    "forall r: R -> R^2, r1: R -> R, t in R: r(t)[1] = r1(t)",
    "forall r: R -> R^2, r2: R -> R, t in R: diff(r(t)[2], t) = diff(r2(t), t)",
    "forall Y: R -> R^(2x2), Y1_1: R -> R, t in R: Y(t)[1, 1] = Y1_1(t)",
    # summation indices and goal entries of the symbolic route
    "forall n >= 1, z in R^n, _k0 in 1..n: sum(k, z[k]) = n * z[_k0]",
    "forall n >= 1, z in R^n, _k1 in 1..n: sum(k, z[k]) = n * z[_k1]",
    "forall n >= 1, z in R^n, _s0 in 1..n: sum(k, exp(z[k])) = n * exp(z[_s0])",
    "forall n >= 1, z in R^n, e0 in 1..n: z = z[e0] + 0 * z",
    "forall n >= 1, z in R^n, e1 in 1..n: softmax(z) = exp(z[e1]) / sum(k, exp(z[k])) + 0 * z",
    # arguments of the concrete functions tried as counterexamples
    "forall g: R -> R, x in R: g(x) = g(x^2)",
    "forall r: R -> R^2, t in R: r(t)[1] = r(t)[2]",
    "forall f: R^2 -> R, x1 in R, x2 in R: f(x1, x2) = f(x1, 0) + x2",
]

PROVED = [
    "forall f: R -> R, f_d1: R -> R, x in R: diff(f(x) * f_d1(x), x) = diff(f(x), x) * f_d1(x) + f(x) * diff(f_d1(x), x)",
    "forall r: R -> R^2, r1: R -> R, t in R: diff(r(t)[1] + r1(t), t) = diff(r(t)[1], t) + diff(r1(t), t)",
    "forall n >= 1, z in R^n, _k0 in 1..n: diff(sum(k, z[k]^2), z[_k0]) = 2 * z[_k0]",
    "forall n >= 1, z in R^n, _s0 in 1..n, e0 in 1..n: diff(logsumexp(z), z[_s0]) = softmax(z)[_s0]",
    "forall f: R^2 -> R, x1 in R, x2 in R, t in R: diff(f(t * x1, x2), t) = x1 * grad(f)([t * x1, x2])[1]",
]


@pytest.mark.parametrize("body", NOT_PROVED)
def test_a_user_name_spelled_like_an_internal_atom_is_its_own_variable(body):
    (r,) = prove.check(f"claim t: {body}")
    assert r.verdict.value in ("refuted", "unknown"), (r.verdict, r.method)
    if r.verdict.value == "refuted":
        assert r.witness


@pytest.mark.parametrize("body", PROVED)
def test_true_claims_with_such_names_are_still_proved(body):
    (r,) = prove.check(f"claim t: {body}")
    assert r.verdict.value == "proved", (r.verdict, r.reason)


def test_the_witness_defines_the_users_function_and_prints_plain_arguments():
    (r,) = prove.check("claim t: forall f: R -> R, f_d1: R -> R, x in R: diff(f(x), x) = f_d1(x)")
    assert r.verdict.value == "refuted"
    assert set(r.witness) == {"f", "f_d1", "x"}
    assert all("#" not in v and "_Dummy" not in v for v in r.witness.values()), r.witness
    assert re.fullmatch(r"f_d1\(x\) = .+", r.witness["f_d1"])


# ------------------------------------------------------------------ structure

BACKENDS = Path(__file__).resolve().parent.parent / "prove" / "backends"
MAKERS = {"Symbol", "symbols", "Function", "IndexedBase", "Idx", "Wild",  # SymPy
          "Real", "Int", "Bool", "Reals", "Ints", "Bools", "Const", "Consts", "BitVec", "String"}  # Z3
NAME_CHARS = re.compile(r"[A-Za-z0-9_']*\Z")  # what a claim's names are made of


def _spellable(arg) -> bool:
    """A literal or f-string name whose fixed text uses only name characters:
    some claim can spell what it produces."""
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return bool(NAME_CHARS.match(arg.value))
    if isinstance(arg, ast.JoinedStr):
        fixed = "".join(v.value for v in arg.values if isinstance(v, ast.Constant))
        return bool(NAME_CHARS.match(fixed))
    return False


def offenders(source: str, path: str) -> list[str]:
    out = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        f = node.func
        called = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else None
        if called in MAKERS and _spellable(node.args[0]):
            out.append(f"{path}:{node.lineno}: {ast.unparse(node)}")
    return out


def test_no_backend_module_makes_a_name_a_claim_could_spell():
    """Invented atoms go through prove/backends/internal.py (or are Dummies);
    user names become symbols from the claim's own names, never from text here."""
    found = []
    paths = sorted(BACKENDS.rglob("*.py"))
    assert len(paths) > 10  # the folder is where the backends are
    for path in paths:
        if path == BACKENDS / "internal.py":
            continue
        found += offenders(path.read_text(), str(path.relative_to(BACKENDS)))
    assert not found, "names a claim could spell:\n" + "\n".join(found)


@pytest.mark.parametrize("line, caught", [
    ('sp.Symbol("x", real=True)', True),
    ('sp.Symbol(f"{name}_d{k}")', True),
    ('sp.Function(f"{name}{i + 1}", real=True)', True),
    ('z3.Real(f"_sos{n}_a{i}")', True),
    ('z3.Bool("pick")', True),
    ('sp.Symbol(f"{name}[{i + 1}]", real=True)', False),  # `[` is in no claim name
    ('z3.Real(f"{base}!{n}")', False),
    ('sp.Symbol(v.name, real=True)', False),  # the user's own name
    ('internal.symbol("k", n, integer=True)', False),
    ('sp.Dummy("x")', False),
])
def test_the_structural_check_tells_spellable_names_apart(line, caught):
    assert bool(offenders(line, "<probe>")) is caught
