"""Differential fuzzing: random identity claims, the checker against an oracle.

tests/fuzzgen.py builds well-typed claims (polynomials, exp/log/sqrt and
division, sigmoid/tanh/softplus, softmax and logsumexp of z in R^3, sums over
k, an index i, `diff`) whose right side is a value-preserving rewrite of the
left, a perturbed rewrite, or an unrelated expression.  The oracle evaluates
the claim from the generator's tree (never from the text) at exact rational
points with certified precision.  A `proved` or `verified` that the oracle
refutes is a false proof; a `refuted` whose witness the oracle certifies as a
point where the claim holds is a false refutation.  A larger run:
`python bench/fuzz_identities.py`.
"""

from fractions import Fraction

from hypothesis import HealthCheck, given, settings

import prove
from fuzzgen import Fuzz, Spec, T, disagreement, fuzz_claims, holds_at, judge, parse_witness, render
from prove.verdict import Verdict

X, Y = T("var", val="x"), T("var", val="y")


def verdict_against_oracle(f: Fuzz) -> str:
    """'' when the checker and the oracle agree, else what went wrong."""
    (result,) = prove.check(f.text, timeout=20)
    return disagreement(f, result)


@settings(max_examples=40, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(fuzz_claims())
def test_checker_agrees_with_the_oracle(f):
    problem = verdict_against_oracle(f)
    assert not problem, f"{problem}\n{f.text}"


# The oracle itself: a fuzzer whose judge cannot say "fails" catches nothing.

def claim(lhs, rhs, **spec) -> Fuzz:
    return Fuzz(Spec(**spec), lhs, rhs, "rewrite")


def test_oracle_refutes_unequal_sides_with_a_witness():
    sig = T("sigmoid", (X,))
    wrong = claim(T("diff", (sig,), "x"), T("pow", (sig,), 2))
    j = judge(wrong)
    assert j.status == "fails" and "left" in j.reason
    assert holds_at(wrong, {"x": Fraction(0)}) is True       # both sides are 1/4 at 0
    assert holds_at(wrong, {"x": Fraction(1)}) is False


def test_oracle_refutes_a_side_undefined_on_the_domain():
    x_over_x = claim(T("div", (X, X)), T("num", val=Fraction(1)))
    j = judge(x_over_x)
    assert j.status == "fails" and j.witness["x"] == 0 and "left side is undefined" in j.reason
    exp_log = claim(T("exp", (T("log", (X,)),)), X)
    assert judge(exp_log).status == "fails"
    assert judge(claim(T("exp", (T("log", (X,)),)), X, positive=("x",))).status == "holds"
    # under diff, sqrt needs a positive argument: sqrt(x)^2 is x, but not differentiable at 0 here
    d = claim(T("diff", (T("pow", (T("sqrt", (X,)),), 2),), "x"), T("num", val=Fraction(1)))
    assert holds_at(d, {"x": Fraction(0)}) is False and holds_at(d, {"x": Fraction(1)}) is True


def test_oracle_accepts_true_identities_of_every_kind():
    z1, zk = T("z", val=1), T("z", val="k")
    softmax_sum = claim(T("sum", (T("softmax", val="k"),), "implicit"), T("num", val=Fraction(1)), vector=True)
    lse = claim(T("diff", (T("lse"),), ("z", "i")), T("softmax", val="i"), vector=True, index=True)
    chain = claim(T("diff", (T("softplus", (T("mul", (X, z1)),)),), "x"),
                  T("mul", (z1, T("sigmoid", (T("mul", (X, z1)),)))), vector=True)
    shift = claim(T("sum", (T("mul", (zk, Y)),), "range"), T("mul", (Y, T("add", (T("add", (z1, T("z", val=2))),
                                                                             T("z", val=3))))), vector=True)
    for f in (softmax_sum, lse, chain, shift):
        assert judge(f).status == "holds", render(f.lhs)
        assert judge(f).points >= 5


def test_rendered_claims_are_checked_as_the_tree_says():
    true = claim(T("diff", (T("tanh", (X,)),), "x"), T("sub", (T("num", val=Fraction(1)), T("pow", (T("tanh", (X,)),), 2))))
    false = claim(T("diff", (T("tanh", (X,)),), "x"), T("sub", (T("num", val=Fraction(1)), T("tanh", (X,)))))
    assert verdict_against_oracle(true) == "" and verdict_against_oracle(false) == ""
    (r_true,), (r_false,) = prove.check(true.text), prove.check(false.text)
    assert (r_true.verdict, r_false.verdict) == (Verdict.PROVED, Verdict.REFUTED)
    assert holds_at(false, parse_witness(r_false.witness, false.spec)) is False


def test_claim_text_binds_what_the_oracle_samples():
    f = claim(T("log", (X,)), T("log", (X,)), positive=("x",), vector=True, index=True)
    assert f.text.split("\n")[1].strip() == "forall x in R where x > 0, y in R, z in R^3, i in 1..3:"
    assert judge(f).status == "holds"
    assert judge(claim(T("log", (X,)), T("log", (X,)))).status == "fails"     # log(x) is undefined at x = 0
