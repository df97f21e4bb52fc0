"""Witnesses of the identity backend are written in the claim language (`^`
for powers, whichever part of the backend found them): a concrete function
put in for an abstract one reads back as a `let` that refutes the claim at
the witness point, judged here by a second run, not by the witness's text."""

import pytest

import prove
from prove.verdict import Verdict

CASES = [
    # (claim over abstract functions, the `let` form of its function witnesses, how the body is restated)
    ("forall g: R -> R, x in R: diff(g(x)^2, x) = 2*g(x)", ["g"], "forall x in R where x = {x}: "
     "diff(g(x)^2, x) = 2*g(x)"),
    ("forall Y: R -> R^(2x2), t in R: diff(Y(t) @ Y(t), t) = 2 * Y(t) @ diff(Y(t), t)", ["Y"],
     "forall t in R where t = {t}: diff(Y(t) @ Y(t), t) = 2 * Y(t) @ diff(Y(t), t)"),
]


@pytest.mark.parametrize("body, functions, restated", CASES)
def test_a_concrete_function_in_a_witness_reads_back_as_a_let(body, functions, restated):
    (r,) = prove.check(f"claim t: {body}")
    assert r.verdict is Verdict.REFUTED, (r.reason, r.witness)
    assert all("**" not in v for v in r.witness.values()), r.witness
    assert any("^" in r.witness[f] for f in functions), r.witness  # the candidates tried first are powers
    lets = "".join(f"let {r.witness[f]}\n" for f in functions)
    point = {k: v for k, v in r.witness.items() if k not in functions}
    (again,) = prove.check(lets + "claim again: " + restated.format(**point))
    assert again.verdict is Verdict.REFUTED, (again.reason, lets)


def test_vector_valued_function_witness_uses_caret():
    (r,) = prove.check("claim t: forall f: R^2 -> R, r: R -> R^2, t in R: diff(f(r(t)), t) = diff(r(t)[1], t)")
    assert r.verdict is Verdict.REFUTED
    assert r.witness["r"].startswith("r(t) = [") and "^" in r.witness["r"] and "**" not in r.witness["r"]


def test_point_witness_and_reason_use_the_claim_language():
    (r,) = prove.check("claim t: forall x in R where x > 0: x^3 = x^2")
    assert r.verdict is Verdict.REFUTED
    assert r.witness == {"x": "1/2"}
    assert r.reason == "the left side is 1/8 and the right side 1/4"
