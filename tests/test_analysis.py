"""The analysis backend: verdicts a user sees, witnesses that re-check, twin checks.

Witnesses are re-checked here twice: once by feeding them back to prove as a
closed claim (decided exactly in SymPy, with no Z3), once by a direct SymPy
computation written in this file."""

from pathlib import Path

import pytest
import sympy as sp

import prove
from prove.verdict import Verdict

ROOT = Path(__file__).resolve().parent.parent


def one(text: str):
    (result,) = prove.check(text)
    return result


TABLE = [
    # given functions
    ("local_min(x^4, 0)", "proved"),
    ("local_min(x^3, 0)", "refuted"),
    ("strict_local_min(x^4, 0)", "proved"),
    ("local_max(-x^2, 0) and strict_local_max(-x^2, 0)", "proved"),
    ("convex(x^3)", "refuted"),
    ("strictly_convex(x^4)", "proved"),
    ("strictly_convex(2*x + 1)", "refuted"),
    ("convex(3*x + 1) and concave(3*x + 1)", "proved"),
    ("convex(exp(x))", "proved"),
    ("saddle(x^2 - y^2, [0, 0])", "proved"),
    ("saddle(x^2 + y^2, [0, 0])", "refuted"),
    ("local_min(x^2 + y^2, [0, 0])", "proved"),
    ("saddle(x^3, 0)", "proved"),
    ("global_min(x^4 - 2*x^3, 0)", "refuted"),
    ("global_min((x - 1)^2 * (x + 2)^2, 1)", "proved"),
    ("psd([[2, 1], [1, 2]]) and not pd([[1, 1], [1, 1]]) and psd([[1, 1], [1, 1]])", "proved"),
    ("forall w0 in R: stationary(x^3 - 3*x, w0) -> (w0 = 1 or w0 = -1)", "proved"),
    ("forall w0 in R: local_min(x^3 - 3*x, w0) <-> w0 = 1", "proved"),
    # families
    ("forall g in poly(w, degree <= 4), w0 in R: local_min(g, w0) -> grad(g)(w0) = 0", "proved"),
    ("forall g in poly(w, degree <= 3), w0 in R: grad(g)(w0) = 0 -> local_min(g, w0)", "refuted"),
    ("forall g in poly(w, degree <= 4), w0 in R: convex(g) and local_min(g, w0) -> global_min(g, w0)", "proved"),
    ("forall g in poly(w, degree <= 4), w0 in R: local_min(g, w0) -> global_min(g, w0)", "refuted"),
    ("forall f in poly(x, degree <= 2), g in poly(x, degree <= 2): convex(f) and convex(g) -> convex(f * g)",
     "refuted"),
    ("forall f in poly(x, degree <= 4), g in poly(x, degree <= 4): convex(f) and convex(g) -> convex(f + g)",
     "proved"),
    ("forall g in poly([x, y], degree <= 3): grad(g)([0, 0]) = 0 and psd(hessian(g)([0, 0])) -> "
     "local_min(g, [0, 0])", "refuted"),
    ("forall g in poly([x, y], degree <= 3): grad(g)([0, 0]) = 0 and pd(hessian(g)([0, 0])) -> "
     "strict_local_min(g, [0, 0])", "proved"),
    ("forall g in poly([x, y], degree <= 2): convex(g) -> psd(hessian(g)([0, 0]))", "proved"),
    ("forall g in quadratic([x, y]), p in R^2: local_min(g, p) -> global_min(g, p)", "proved"),
    ("forall g in poly(w, degree = 3): not convex(g)", "proved"),
    # abstract functions
    ("forall g: R -> R, w0 in R: convex(g) and local_min(g, w0) -> global_min(g, w0)", "proved"),
    ("forall g: R -> R, w0 in R: global_min(g, w0) -> local_min(g, w0)", "proved"),
    ("forall g: R -> R, w0 in R: grad(g)(w0) = 0 -> local_min(g, w0)", "refuted"),
    ("forall g: R -> R, w0 in R: local_min(g, w0) -> grad(g)(w0) = 0", "proved"),  # every g differentiable at w0
]


@pytest.mark.parametrize("body, verdict", TABLE)
def test_table(body, verdict):
    r = one(f"claim t: {body}")
    assert r.verdict.value == verdict, (r.method, r.reason, r.witness)
    if verdict == "unknown":
        assert r.reason
    if verdict == "proved":
        assert r.method


def _roundtrip(witness: dict, body: str) -> str:
    """The claim `not body` with the witness's definitions as `let`s: prove must prove it."""
    lets = []
    for name, value in witness.items():
        lets.append(f"let {value}" if "=" in value else f"let {name} = {value}")
    return "\n".join(lets) + f"\nclaim recheck: not ({body})\n"


def _poly(text: str, names: str):
    """A witness polynomial, for the direct SymPy checks below (our own output, not user text)."""
    syms = sp.symbols(names, real=True)
    rhs = text.split("=", 1)[1].replace("^", "**")
    return sp.sympify(rhs, locals={str(s): s for s in (syms if isinstance(syms, tuple) else (syms,))}), syms


# ------------------------------------------------------------------- must show


def test_stationary_implies_min_refuted_by_a_polynomial_that_rechecks():
    r = one("claim stationary_implies_min:\n  forall g in poly(w, degree <= 3), w0 in R:\n"
            "    grad(g)(w0) = 0 -> local_min(g, w0)\n  expect refuted\n")
    assert r.verdict is Verdict.REFUTED
    assert set(r.witness) == {"g", "w0"} and r.witness["g"].startswith("g(w) = ")
    # back through prove, closed and exact
    back = one(_roundtrip(r.witness, "grad(g)(w0) = 0 -> local_min(g, w0)"))
    assert back.verdict is Verdict.PROVED, back
    # directly: g'(w0) = 0 and the first non-zero derivative is of odd order or negative
    g, w = _poly(r.witness["g"], "w")
    w0 = sp.Rational(r.witness["w0"])
    assert sp.diff(g, w).subs(w, w0) == 0
    k = next(k for k in range(2, 5) if sp.diff(g, w, k).subs(w, w0) != 0)
    assert k % 2 == 1 or sp.diff(g, w, k).subs(w, w0) < 0


def test_the_brief_witness_forms_are_what_is_printed():
    r = one("claim t: forall g in poly(w, degree <= 3), w0 in R: grad(g)(w0) = 0 -> local_min(g, w0)")
    assert r.witness in ({"g": "g(w) = w^3", "w0": "0"}, {"g": "g(w) = -w^2", "w0": "0"})


def test_fermat_and_convex_local_min_and_saddle_are_proved():
    text = (ROOT / "examples" / "analysis.claims").read_text()
    results = {r.name: r for r in prove.check(text, path=str(ROOT / "examples" / "analysis.claims"))}
    for name in ("fermat", "convex_local_min_is_global", "saddle_example"):
        assert results[name].verdict is Verdict.PROVED, results[name]
    assert "degree <= 4" in results["fermat"].method and "unsat" in results["fermat"].method


def test_examples_file_meets_every_expectation():
    path = ROOT / "examples" / "analysis.claims"
    results = prove.check(path.read_text(), path=str(path))
    assert len(results) >= 30
    bad = [(r.name, r.verdict.value, r.expected, r.reason) for r in results if not r.as_expected]
    assert not bad


def test_second_order_test_wrong_witness_rechecks():
    r = one("claim t: forall g in poly([x, y], degree <= 3):\n"
            "  grad(g)([0, 0]) = 0 and psd(hessian(g)([0, 0])) -> local_min(g, [0, 0])")
    assert r.verdict is Verdict.REFUTED
    back = one(_roundtrip(r.witness, "grad(g)([0, 0]) = 0 and psd(hessian(g)([0, 0])) -> local_min(g, [0, 0])"))
    assert back.verdict is Verdict.PROVED, back
    g, (x, y) = _poly(r.witness["g"], "x y")
    h = sp.hessian(g, (x, y)).subs({x: 0, y: 0})
    assert [sp.diff(g, v).subs({x: 0, y: 0}) for v in (x, y)] == [0, 0]
    assert h[0, 0] >= 0 and h[1, 1] >= 0 and h.det() >= 0
    # not a local minimum: some axis restriction has an odd first non-zero derivative
    t = sp.Symbol("t", real=True)
    odd = False
    for line in (g.subs({x: t, y: 0}), g.subs({x: 0, y: t})):
        ks = [k for k in range(1, 4) if sp.diff(line, t, k).subs(t, 0) != 0]
        odd |= bool(ks) and ks[0] % 2 == 1
    assert odd


def test_product_of_convex_wrong_witness_rechecks():
    r = one("claim t: forall f in poly(x, degree <= 2), g in poly(x, degree <= 2):\n"
            "  convex(f) and convex(g) -> convex(f * g)")
    assert r.verdict is Verdict.REFUTED
    back = one(_roundtrip(r.witness, "convex(f) and convex(g) -> convex(f(x) * g(x))"))
    assert back.verdict is Verdict.PROVED, back
    f, x = _poly(r.witness["f"], "x")
    g, _ = _poly(r.witness["g"], "x")
    assert sp.diff(f, x, 2) >= 0 and sp.diff(g, x, 2) >= 0  # quadratics: constant second derivatives
    fg2 = sp.Poly(sp.diff(f * g, x, 2), x)
    assert any(fg2.eval(v) < 0 for v in range(-3, 4))


def test_given_function_must_shows():
    assert one("claim t: local_min(x^4, 0)").verdict is Verdict.PROVED
    assert one("claim t: local_min(x^3, 0)").verdict is Verdict.REFUTED
    r = one("claim t: convex(x^3)")
    assert r.verdict is Verdict.REFUTED and r.witness == {"x": "-1"}
    assert one("claim t: strictly_convex(x^4)").verdict is Verdict.PROVED


def test_refutation_reason_says_why():
    r = one("claim t: local_min(x^3, 0)")
    assert "3rd" in r.reason and "odd" in r.reason


# ------------------------------------------------------------------ twin checks


@pytest.mark.parametrize("hypotheses, dropped, conclusion, binders", [
    ("convex(g) and local_min(g, w0)", "local_min(g, w0)", "global_min(g, w0)",
     "g in poly(w, degree <= 4), w0 in R"),
    ("convex(g) and local_min(g, w0)", "local_min(g, w0)", "global_min(g, w0)", "g: R -> R, w0 in R"),
    ("grad(g)([0, 0]) = 0 and pd(hessian(g)([0, 0]))", "grad(g)([0, 0]) = 0", "strict_local_min(g, [0, 0])",
     "g in poly([x, y], degree <= 3)"),
])
def test_twins(hypotheses, dropped, conclusion, binders):
    proof = one(f"claim t: forall {binders}: {hypotheses} -> {conclusion}")
    assert proof.verdict is Verdict.PROVED
    # the hypotheses alone are satisfiable: their negation is refuted
    sat = one(f"claim t: forall {binders}: not ({hypotheses})")
    assert sat.verdict is Verdict.REFUTED, sat
    # dropping a hypothesis turns the proof into a refutation
    weaker = one(f"claim t: forall {binders}: {dropped} -> {conclusion}")
    assert weaker.verdict is Verdict.REFUTED, weaker


def test_a_wrong_witness_does_not_recheck():
    # w^2 is a local minimum at 0: fed back, the negated claim is refuted, not proved
    back = one(_roundtrip({"g": "g(w) = w^2", "w0": "0"}, "grad(g)(w0) = 0 -> local_min(g, w0)"))
    assert back.verdict is Verdict.REFUTED


def test_unknown_multivariate_convexity_says_why():
    r = one("claim t: forall g in poly([x, y], degree <= 4): convex(g) and local_min(g, [0, 0]) -> "
            "global_min(g, [0, 0])")
    assert r.verdict in (Verdict.UNKNOWN, Verdict.PROVED)
    if r.verdict is Verdict.UNKNOWN:
        assert "convex" in r.reason or "global" in r.reason


SECOND_ORDER_WRONG = """claim second_order_test_wrong:
  forall g in poly([x, y], degree <= 3):
    grad(g)([0, 0]) = 0 and psd(hessian(g)([0, 0])) -> local_min(g, [0, 0])
"""


def test_a_witness_does_not_depend_on_the_claims_run_before_it_in_the_worker():
    """Z3's model varies with what the process built before; the witness is chosen
    value by value, so the report reads the same however the claims were scheduled."""
    before = (ROOT / "examples" / "analysis.claims").read_text()
    alone = {r.name: r for r in prove.check(SECOND_ORDER_WRONG, jobs=1)}["second_order_test_wrong"]
    after = [r for r in prove.check(before + "\n" + SECOND_ORDER_WRONG.replace("wrong:", "wrong_again:"), jobs=1)]
    again = {r.name: r for r in after}["second_order_test_wrong_again"]
    assert alone.verdict is again.verdict is Verdict.REFUTED
    assert alone.witness == again.witness == {"g": "g(x, y) = x^3"}
