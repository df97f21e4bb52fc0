"""The mutation corpus: small edits of the shipped claims never come back proved when false.

tests/mutate.py makes mutants of every claim in prove/lemmas/ and examples/
(flip a sign, drop or duplicate a factor, swap two indices, change a
constant, flip a comparison, drop a hypothesis).  Here: the operators on small
claims, the corpus as a whole, and a seeded sample of mutants through the full
checker, where a mutant that the audit's evaluator (run on its own, on the
mutant as written) refutes must never be `proved` or `verified`.  The whole
corpus, with counts: `python bench/mutants.py`.
"""

import random

import pytest

from mutate import OPERATORS, Source, mutant_task, mutants_of, shipped_claims
from prove.audit import examine
from prove.parser import parse
from prove.runner import run_tasks
from prove.backends.base import Limits
from prove.verdict import Verdict

SEED = 10
FAMILIES = {"identity", "calc", "analysis"}
# Claims with a mutant that took over 2.5 s in `python bench/mutants.py` on a loaded
# 2-core machine (matrix calculus, softmax under a derivative, symbolic sizes):
# the bench runs them, the suite keeps to claims whose mutants take well under a second.
SLOW = {
    "binary_cross_entropy_sigmoid_deriv", "cross_entropy_gradient", "cross_entropy_softmax_grad",
    "derivative_of_inverse", "det_of_product", "dot_eq_polarization", "grad_det", "grad_logistic_loss",
    "grad_quadratic_form", "grad_squared_error", "grad_trace_XAXt", "hessian_cross_entropy_softmax",
    "hessian_logsumexp", "hessian_squared_error", "inv_of_product", "jacobi_formula", "least_squares_grad",
    "least_squares_hessian", "linear_layer_grad_W_3", "linear_layer_grad_W_3x4", "linear_layer_grad_W_4",
    "linear_layer_grad_b_3", "linear_layer_grad_b_4", "linear_layer_grad_x", "log_softmax_deriv",
    "product_rule_wrong_order", "sigmoid_second_deriv", "softmax_classifier_grad_3",
    "softmax_classifier_grad_3x4", "softmax_classifier_grad_4", "softmax_diagonal_by_lemma",
    "softmax_diagonal_homework", "softmax_is_exp_minus_logsumexp", "softmax_jacobian_3",
    "softmax_jacobian_by_hand", "softmax_jacobian_diag", "softmax_jacobian_eq_diag_sub_outer",
    "softmax_jacobian_matrix", "softmax_offdiag_wrong", "softmax_offdiagonal_as_written",
    "softmax_offdiagonal_by_lemma_wrong", "softmax_scale_wrong", "squared_error_grad_W", "tanh_eq_exp",
    "tanh_eq_two_sigmoid_sub_one", "tanh_is_scaled_sigmoid", "sigmoid_second_derivative",
    "binary_cross_entropy_gradient",
}


def one_claim(text: str, path: str = "t.claims") -> Source:
    module = parse(text, path)
    (decl,) = module.items
    return Source(path, decl, text, "")


def mutated(text: str, operator: str) -> set[str]:
    return {" ".join(m.text.split()) for m in mutants_of(one_claim(text)) if m.operator == operator}


# ------------------------------------------------------------------ operators

def test_flip_sign_and_factors():
    text = "claim t: forall x in R, y in R: -x * (y + 1) = x / y"
    assert mutated(text, "flip_sign") == {
        "claim t: forall x in R, y in R: -x * (((y) - (1))) = x / y",
        "claim t: forall x in R, y in R: (x) * (y + 1) = x / y",
    }
    assert mutated(text, "drop_factor") == {
        "claim t: forall x in R, y in R: (-x) = x / y",
        "claim t: forall x in R, y in R: (y + 1) = x / y",
        "claim t: forall x in R, y in R: -x * (y + 1) = (x)",
    }
    assert "claim t: forall x in R, y in R: -x * (y + 1) = ((x) / (y) / (y))" in mutated(text, "duplicate_factor")
    assert mutated("claim t: sigmoid(x) = 1 - sigmoid(-x)", "flip_sign") == {
        "claim t: sigmoid(-(x)) = 1 - sigmoid(-x)",
        "claim t: sigmoid(x) = ((1) + (sigmoid(-x)))",
        "claim t: sigmoid(x) = 1 - sigmoid((x))",
    }


def test_swap_indices_constants_and_comparisons():
    text = "claim t: forall A in R^(2x2), i in 1..2, j in 1..2 where i < j: A[i, j] <= 2 * A[j, j]^2"
    swaps = mutated(text, "swap_indices")
    assert "claim t: forall A in R^(2x2), i in 1..2, j in 1..2 where i < j: A[j, i] <= 2 * A[j, j]^2" in swaps
    assert "claim t: forall A in R^(2x2), i in 1..2, j in 1..2 where i < j: A[i, i] <= 2 * A[j, j]^2" in swaps
    # the domains `R^(2x2)` and `1..2` are not mutated, the hypothesis and the body are
    assert mutated(text, "change_constant") == {
        "claim t: forall A in R^(2x2), i in 1..2, j in 1..2 where i < j: A[i, j] <= 3 * A[j, j]^2",
        "claim t: forall A in R^(2x2), i in 1..2, j in 1..2 where i < j: A[i, j] <= 2 * A[j, j]^3",
    }
    assert mutated(text, "flip_comparison") == {
        "claim t: forall A in R^(2x2), i in 1..2, j in 1..2 where i <= j: A[i, j] <= 2 * A[j, j]^2",
        "claim t: forall A in R^(2x2), i in 1..2, j in 1..2 where i < j: A[i, j] < 2 * A[j, j]^2",
    }


def test_drop_hypothesis():
    text = "claim t: forall x in R where x > 0, y in R: x > 1 and y > 0 -> x*y > 0"
    assert mutated(text, "drop_hypothesis") == {
        "claim t: forall x in R, y in R: x > 1 and y > 0 -> x*y > 0",
        "claim t: forall x in R where x > 0, y in R: (x*y > 0)",
        "claim t: forall x in R where x > 0, y in R: y > 0 -> x*y > 0",
        "claim t: forall x in R where x > 0, y in R: x > 1 -> x*y > 0",
    }


def test_equations_flip_only_in_hypotheses():
    text = "claim t: forall x in R, y in R where x != y: x = y -> x^2 = y^2"
    assert mutated(text, "flip_comparison") == {
        "claim t: forall x in R, y in R where x = y: x = y -> x^2 = y^2",
        "claim t: forall x in R, y in R where x != y: x != y -> x^2 = y^2",
    }


def test_calc_steps_are_mutated_too():
    text = "claim t: forall a in R, d in R where 0 < d: calc a - d < a = a + 0"
    assert "claim t: forall a in R, d in R where 0 < d: calc a - d <= a = a + 0" in mutated(text, "flip_comparison")
    assert "claim t: forall a in R, d in R where 0 < d: calc a - d < a = ((a) - (0))" in mutated(text, "flip_sign")


# --------------------------------------------------------------------- corpus

@pytest.fixture(scope="module")
def corpus():
    out = []
    for source in shipped_claims():
        for m in mutants_of(source):
            out.append((source, m, mutant_task(m, source)))
    return out


def test_every_shipped_claim_has_mutants_and_most_elaborate(corpus):
    names = {(s.path, s.decl.name) for s in shipped_claims()}
    mutated = {(s.path, s.decl.name) for s, _, _ in corpus}
    # a claim such as `convex(exp(x))` has nothing to edit
    assert mutated <= names and len(mutated) >= 0.98 * len(names)
    assert {m.operator for _, m, _ in corpus} == set(OPERATORS)
    discarded = sum(task is None for _, _, task in corpus)
    assert discarded < 0.15 * len(corpus)


def test_no_sampled_mutant_that_the_audit_refutes_is_proved(corpus):
    rng = random.Random(SEED)
    by_claim: dict = {}
    for source, m, task in corpus:
        if task is not None and task.claim.family in FAMILIES and source.decl.name not in SLOW:
            by_claim.setdefault((source.path, source.decl.name), []).append((m, task))
    sample = [rng.choice(options) for _, options in sorted(by_claim.items())]
    results = run_tasks([task for _, task in sample], Limits(timeout=30), jobs=2)

    false_proofs, errors = [], []
    for (m, task), result in zip(sample, results):
        if result.verdict is Verdict.ERROR:
            errors.append(f"{m.label}: {result.reason}")
        elif result.verdict in (Verdict.PROVED, Verdict.VERIFIED):
            finding = examine(task.claim)
            if finding.status == "refuted":
                false_proofs.append(f"{m.label}\n  {' '.join(m.text.split())}\n  {result.verdict}, "
                                    f"but the audit refutes it at {finding.witness}: {finding.reason}")
    assert not false_proofs, "\n".join(false_proofs)
    assert not errors, "\n".join(errors)
    refuted = sum(r.verdict is Verdict.REFUTED for r in results)
    assert refuted >= len(sample) // 2, "most mutants of true claims are false, and should be refuted"
