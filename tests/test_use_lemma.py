"""`use SUBJECT` brings a library file's definitions and lemmas into a claim
file; `by lemma NAME` cites one."""

import prove
from prove.verdict import Verdict

BY_LEMMA = """\
use softmax

claim softmax_diag_by_lemma:
  forall z in R^3, i in 1..3:
  calc diff(softmax(z)[i], z[i])
     = softmax(z)[i] * (delta(i, i) - softmax(z)[i])    by lemma softmax_jacobian
     = softmax(z)[i] * (1 - softmax(z)[i])

claim softmax_offdiag_by_lemma_wrong:
  forall z in R^3:
  calc diff(softmax(z)[1], z[2])
     = softmax(z)[1] * (delta(1, 2) - softmax(z)[2])    by lemma softmax_jacobian
     = softmax(z)[1] * (1 - softmax(z)[2])
  expect refuted
"""


def verdicts(text):
    return {r.name: r for r in prove.check(text)}


def test_use_softmax_and_by_lemma_softmax_jacobian_get_the_expected_verdicts():
    # The must-show of issue 6: a derivation citing a library lemma.
    results = verdicts(BY_LEMMA)
    assert set(results) == {"softmax_diag_by_lemma", "softmax_offdiag_by_lemma_wrong"}
    good, wrong = results["softmax_diag_by_lemma"], results["softmax_offdiag_by_lemma_wrong"]
    assert good.verdict is Verdict.PROVED, good.reason
    assert wrong.verdict is Verdict.REFUTED, wrong.reason
    # the step that cites the lemma holds; the one after it is the mistake
    assert [s.line for s in wrong.steps if s.verdict is Verdict.REFUTED] == [13]


def test_by_lemma_on_a_whole_claim():
    results = verdicts("use softmax\n\nclaim jacobian_4:\n"
                       "  forall z in R^4, i in 1..4, j in 1..4:\n"
                       "    diff(softmax(z)[i], z[j]) = softmax(z)[i] * (delta(i, j) - softmax(z)[j])\n"
                       "  by lemma softmax_jacobian\n")
    assert results["jacobian_4"].verdict is Verdict.PROVED


def test_use_brings_the_files_definitions():
    results = verdicts("use activations\n\n"
                       "claim swish_at_zero: swish(0) = 0\n\n"
                       "claim logit_half: logit(1/2) = 0\n\n"
                       "claim swish_deriv_wrong: diff(swish(t), t) = sigmoid(t)\n  expect refuted\n")
    assert {n: r.verdict for n, r in results.items()} == {
        "swish_at_zero": Verdict.PROVED, "logit_half": Verdict.PROVED, "swish_deriv_wrong": Verdict.REFUTED}


def test_the_used_files_lemmas_are_cited_not_rechecked():
    results = prove.check("use softmax\nuse losses\n\nclaim t: diff(x^2, x) = 2*x\n")
    assert [r.name for r in results] == ["t"]


def test_by_lemma_without_use_is_an_error_that_says_what_to_add():
    text = BY_LEMMA.replace("use softmax\n", "")
    results = verdicts(text)
    r = results["softmax_diag_by_lemma"]
    assert r.verdict is Verdict.ERROR
    assert "no lemma named 'softmax_jacobian' is in scope" in r.reason
    assert "use" in r.reason
    assert r.line == 5 and r.file == "<text>"


def test_use_of_an_unknown_library_file_lists_the_known_ones():
    results = verdicts("use softmaxx\n\nclaim t: diff(x^2, x) = 2*x\n")
    r = results["use softmaxx"]
    assert r.verdict is Verdict.ERROR and r.line == 1
    assert "no lemma file named 'softmaxx'" in r.reason
    assert "softmax" in r.reason and "activations" in r.reason
