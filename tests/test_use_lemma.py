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


LEMMA_WITH_LET = """let sq(t) = t * t

claim sq_twice:
  forall x in R: sq(x) + sq(x) = 2 * x^2

claim uses_it:
  forall y in R:
  calc sq(y) + sq(y)
     = 2 * y^2   by lemma sq_twice
"""


def _lemma_step_of(tasks):
    from dataclasses import replace

    from prove import ast as A
    from prove.backends.base import Limits
    from prove.backends.calc.lemma import lemma_step
    from prove.claim import Family

    task = [t for t in tasks if t.name == "uses_it"][0]
    calc = task.claim.body
    body = A.Compare(("=",), (calc.first, calc.steps[0].rhs), span=calc.steps[0].span)
    return lemma_step(replace(task.claim, family=Family.IDENTITY, body=body), "sq_twice", Limits())


def test_a_lemma_with_a_let_gets_one_verdict_from_text_and_from_a_file(tmp_path):
    """A cited lemma is elaborated in its own file's context, which the claim
    carries: text and a file give the same verdict, and nothing reads the file
    again (it is gone before the step is checked)."""
    from prove.runner import tasks_for_file, tasks_for_text

    from_text = _lemma_step_of(tasks_for_text(LEMMA_WITH_LET, "<text>"))
    assert from_text.verdict is Verdict.PROVED and "by lemma sq_twice" in from_text.method, from_text
    path = tmp_path / "lemma_with_let.claims"
    path.write_text(LEMMA_WITH_LET)
    tasks = tasks_for_file(path)
    path.unlink()
    from_file = _lemma_step_of(tasks)
    assert from_file.verdict is Verdict.PROVED and from_file.method == from_text.method


CITING_EACH_OTHER = """claim a:
  forall x in R:
  calc (x + 1)^2
     = x^2 + 2*x + 1   by lemma b

claim b:
  forall y in R:
  calc (y + 1)^2
     = y^2 + 2*y + 1   by lemma a
"""


def test_lemmas_citing_each_other_are_elaborated_a_bounded_number_of_times():
    from prove.elaborate import LEMMA_DEPTH
    from prove.runner import tasks_for_text

    claim = [t for t in tasks_for_text(CITING_EACH_OTHER, "<text>") if t.name == "a"][0].claim
    chain = []
    while claim is not None:
        (name, cited), = claim.lemmas.items()
        chain.append(name)
        claim, reason = cited.claim, cited.reason
    assert chain == ["b", "a"] * (LEMMA_DEPTH // 2) + ["b"] and "too deeply" in reason  # the last one not elaborated
    results = {r.name: r.verdict for r in prove.check(CITING_EACH_OTHER)}
    assert results == {"a": Verdict.PROVED, "b": Verdict.PROVED}


def test_a_lemma_with_a_let_gets_one_verdict_from_prove_check_and_from_the_command(tmp_path, capsys):
    import json

    from prove.cli import main

    path = tmp_path / "lemma_with_let.claims"
    path.write_text(LEMMA_WITH_LET)
    assert main([str(path), "--format", "json"]) == 0
    from_command = {c["name"]: (c["verdict"], [s["verdict"] for s in c.get("steps", [])])
                    for c in json.loads(capsys.readouterr().out)["claims"]}
    from_text = {r.name: (r.verdict.value, [s.verdict.value for s in r.steps]) for r in prove.check(LEMMA_WITH_LET)}
    assert from_text == from_command == {"sq_twice": ("proved", []), "uses_it": ("proved", ["proved"])}


def test_a_claims_own_hints_are_checked_like_a_steps():
    results = verdicts("claim t:\n  forall x in R: x + x = 2*x\n  by lemma no_such_lemma\n\n"
                       "claim u:\n  forall x in R: x + x = 2*x\n  by frobnicate\n\n"
                       "claim v:\n  forall x in R: x + x = 2*x\n  by lemma t\n")
    assert results["t"].verdict is Verdict.ERROR and "no lemma named 'no_such_lemma'" in results["t"].reason
    assert results["u"].verdict is Verdict.ERROR and "unknown hint `by frobnicate`" in results["u"].reason
    assert results["v"].verdict is Verdict.PROVED
