"""What would make a refuted claim true (prove/repair.py), as a user sees it:
the `holds when ...` line of the report, `repair` in the JSON and in the pytest
failure.  A suggestion is a checked claim: written back into the claim as a
hypothesis it is proved (or verified), and none is offered where no candidate
condition makes the claim true, judged here by the test's own exact arithmetic."""

import json
import os
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

import pytest

import prove
from prove import repair
from prove.backends import base
from prove.claim import ModuleContext
from prove.elaborate import elaborate
from prove.parser import parse, parse_expression
from prove.verdict import Outcome, Verdict

ROOT = Path(__file__).resolve().parent.parent

# name, the claim with `{where}` where its hypothesis goes, the repair expected
CASES = [
    ("log_product", "forall x in R, y in R{where}: log(x*y) = log(x) + log(y)", "x > 0 and y > 0", "proved"),
    ("sqrt_square", "forall x in R{where}: sqrt(x^2) = x", "x >= 0", "proved"),
    ("cancel", "forall x in R{where}: (x^2 - 1)/(x - 1) = x + 1", "x != 1", "proved"),
    ("log_over_factor", "forall x in R{where}: log(x)/(x - 1) * (x - 1) = log(x)", "x != 1 and x > 0", "proved"),
    ("offdiagonal", "forall n >= 2, z in R^n, i in 1..n, j in 1..n{where}:\n"
                    "    diff(softmax(z)[i], z[j]) = -softmax(z)[j] * softmax(z)[i]", "i != j", "proved"),
    ("size", "forall n >= 1, z in R^n{where}: sum(k in 1..n, delta(k, 2)) = 1", "n >= 2", "verified"),
]
SQUARE = "claim square_positive:\n  forall x in R{where}: x^2 > 0\n  expect refuted\n"


def _text(cases, where=lambda c: "") -> str:
    return "".join(f"claim {name}:\n  {body.format(where=where((name, body, cond, v)))}\n"
                   f"{'' if where((name, body, cond, v)) else '  expect refuted'}\n\n"
                   for name, body, cond, v in cases)


@pytest.fixture(scope="module")
def refuted():
    return {r.name: r for r in prove.check(_text(CASES))}


@pytest.mark.parametrize("name,body,condition,verdict", CASES, ids=[c[0] for c in CASES])
def test_a_refuted_claim_says_what_would_make_it_hold(refuted, name, body, condition, verdict):
    r = refuted[name]
    assert r.verdict is Verdict.REFUTED and r.as_expected, r
    assert r.repair is not None, r
    assert (r.repair.condition, r.repair.verdict.value) == (condition, verdict)
    assert f"    holds when {condition} ({verdict})" in prove_report(r)


def prove_report(r) -> str:
    from prove.report import format_result
    return format_result(r)


def test_the_repair_parses_back_and_the_repaired_claim_holds(refuted):
    for name, _, _, _ in CASES:
        parse_expression(refuted[name].repair.condition)  # a hypothesis of the language
    fixed = _text(CASES, where=lambda c: f" where {refuted[c[0]].repair.condition}")
    results = prove.check(fixed)
    assert [(r.name, r.verdict.value) for r in results] == [(c[0], c[3]) for c in CASES]


def test_square_positive_holds_when_x_is_not_zero():
    (r,) = prove.check(SQUARE.format(where=""))
    assert r.verdict is Verdict.REFUTED and r.witness == {"x": "0"}
    assert (r.repair.condition, r.repair.verdict) == ("x != 0", Verdict.PROVED)
    (fixed,) = prove.check(SQUARE.format(where=" where x != 0").replace("  expect refuted\n", ""))
    assert fixed.verdict is Verdict.PROVED


def test_the_exact_repairs_hold_by_exact_arithmetic(refuted):
    """The test's own judgement of two repairs: where the condition holds, the sides agree."""
    assert refuted["cancel"].repair.condition == "x != 1"
    for x in [Fraction(p, q) for p in range(-9, 10) for q in (1, 2, 7)]:
        if x != 1:
            assert (x * x - 1) / (x - 1) == x + 1
    assert refuted["size"].repair.condition == "n >= 2"
    assert all(sum(1 for k in range(1, n + 1) if k == 2) == 1 for n in range(2, 30))
    assert sum(1 for k in range(1, 2) if k == 2) == 0  # n = 1: the refutation


NO_FIX = "claim no_fix:\n  forall x in R, y in R: (x^2 - 1)/(x - 1) = x + y\n  expect refuted\n"


def test_no_repair_is_offered_when_no_candidate_makes_the_claim_true():
    # x = 2, y = 2 satisfies every candidate (x != 1, x != 0, x >= 0, x > 0, y != 0, y >= 0,
    # y > 0) and any two of them, and the claim fails there: no candidate can be proved.
    x, y = Fraction(2), Fraction(2)
    assert (x * x - 1) / (x - 1) != x + y
    (r,) = prove.check(NO_FIX)
    assert r.verdict is Verdict.REFUTED and r.repair is None


def _claim(text: str):
    return elaborate(parse(text).items[0], "<test>", ModuleContext())


def test_a_backend_that_says_proved_for_everything_still_gets_no_false_or_vacuous_repair(monkeypatch):
    """With x < 0, the candidates x >= 0 and x > 0 leave no point at all and x != 0 leaves
    the claim false (x = -1: sqrt(1) = 1 != -1): a lying backend must not make them a repair."""
    claim = _claim("claim c:\n  forall x in R where x < 0: sqrt(x^2) = x\n")
    outcome = base.check(claim, suggest=False)
    assert outcome.verdict is Verdict.REFUTED
    assert Fraction(1) != Fraction(-1)  # sqrt((-1)^2) = 1, the right side -1
    monkeypatch.setattr(base, "check", lambda c, limits=base.Limits(), suggest=True: Outcome(Verdict.PROVED))
    tried = repair.attempts(repair.candidates(claim))
    assert {t[0].text for t in tried if len(t) == 1} >= {"x != 0", "x >= 0", "x > 0"}
    assert repair.suggest(claim, outcome, 20.0).repair is None


def test_a_repair_search_out_of_time_keeps_the_refutation_without_a_repair(monkeypatch):
    def hang(*args):
        time.sleep(1000)
    monkeypatch.setattr(repair, "_judge", hang)
    claim = _claim("claim c:\n  forall x in R: sqrt(x^2) = x\n")
    out = base.check(claim, base.Limits(timeout=1.0))
    assert out.verdict is Verdict.REFUTED and out.witness == {"x": "-1"} and out.repair is None
    # through the runner, whose workers are forked with the patch: the verdict survives its limit
    (r,) = prove.check("claim c:\n  forall x in R: sqrt(x^2) = x\n  expect refuted\n", timeout=2.0)
    assert r.verdict is Verdict.REFUTED and r.repair is None and r.reason and "time limit" not in r.reason


def test_a_proved_claim_has_no_repair_and_json_shows_the_repair(tmp_path):
    p = tmp_path / "c.claims"
    p.write_text("claim good: diff(x^2, x) = 2*x\n\n"
                 "claim bad:\n  forall x in R, y in R: log(x*y) = log(x) + log(y)\n  expect refuted\n")
    out = subprocess.run([sys.executable, "-m", "prove", str(p), "--format", "json", "--jobs", "1"],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    data = {c["name"]: c for c in json.loads(out.stdout)["claims"]}
    assert data["good"]["repair"] is None
    assert data["bad"]["repair"] == {"condition": "x > 0 and y > 0", "verdict": "proved"}


def test_the_hypothesis_a_not_b_makes_a_minus_b_nonzero_and_nothing_else():
    text = ("claim other_denominator:\n  forall x in R where x != 2: 1/(x - 1) = 1/(x - 1)\n  expect refuted\n\n"
            "claim either_order:\n  forall x in R where x != 1: (1 - x)/(1 - x) = 1\n")
    results = {r.name: r for r in prove.check(text)}
    assert results["other_denominator"].verdict is Verdict.REFUTED
    assert results["other_denominator"].witness == {"x": "1"}
    assert results["either_order"].verdict is Verdict.PROVED


pytest_plugins = ["pytester"]


def test_the_pytest_failure_shows_the_repair(pytester, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    pytester.makefile(".claims", wrong="claim log_product:\n  forall x in R, y in R: log(x*y) = log(x) + log(y)\n")
    import importlib.metadata
    installed = any(ep.name == "prove" for ep in importlib.metadata.entry_points(group="pytest11"))
    out = pytester.runpytest_subprocess(*([] if installed else ["-p", "prove.pytest_plugin"]),
                                        "-p", "no:cacheprovider", timeout=300)
    out.assert_outcomes(failed=1)
    text = out.stdout.str()
    assert "log_product: refuted, expected proved" in text
    assert "holds when x > 0 and y > 0 (proved)" in text
