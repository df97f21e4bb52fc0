"""The pytest plugin as a user meets it: `pytest path/` on a folder of claim files.

Each run is a fresh pytest in a subprocess (pytester), the way a user's run
is: the plugin is loaded by its entry point when prove is installed, else by
`-p prove.pytest_plugin` with the checkout on PYTHONPATH.
"""

import importlib.metadata
import os
import re
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent.parent

THREE = """\
claim square:
  diff(x^2, x) = 2*x

claim sigmoid_wrong:
  diff(sigmoid(x), x) = sigmoid(x)^2
  expect refuted

claim jacobian:
  forall z in R^3, i in 1..3, j in 1..3:
    diff(softmax(z)[i], z[j]) = softmax(z)[i] * (delta(i, j) - softmax(z)[j])
"""

SLOW = """\
claim slow:
  forall n >= 1, z in R^n, i in 1..n, j in 1..n:
    diff(softmax(z)[i], z[j]) = softmax(z)[i] * (delta(i, j) - softmax(z)[j])
"""


def _installed() -> bool:
    return any(ep.name == "prove" for ep in importlib.metadata.entry_points(group="pytest11"))


@pytest.fixture
def run(pytester, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    plugin = [] if _installed() else ["-p", "prove.pytest_plugin"]

    def go(*args):
        return pytester.runpytest_subprocess(*plugin, "-p", "no:cacheprovider", *args, timeout=300)
    return go


def test_one_item_per_claim_named_file_and_claim(pytester, run):
    pytester.makefile(".claims", first=THREE)
    sub = pytester.mkdir("more")
    (sub / "second.claims").write_text("claim cube: diff(x^3, x) = 3*x^2\n")
    out = run("--collect-only", "-q")
    assert out.ret == 0
    ids = [line for line in out.outlines if "::" in line]
    assert ids == ["first.claims::square", "first.claims::sigmoid_wrong", "first.claims::jacobian",
                   "more/second.claims::cube"]


def test_claims_meeting_their_expectations_pass(pytester, run):
    pytester.makefile(".claims", first=THREE)
    out = run("-v")
    out.assert_outcomes(passed=3)
    out.stdout.fnmatch_lines(["first.claims::sigmoid_wrong PASSED*"])


def test_a_flipped_expectation_fails_exactly_that_item_at_its_line_without_traceback(pytester, run):
    flipped = THREE.replace("  expect refuted\n", "")
    pytester.makefile(".claims", first=flipped)
    out = run("-v")
    out.assert_outcomes(passed=2, failed=1)
    text = out.stdout.str()
    assert "first.claims::sigmoid_wrong FAILED" in text
    assert "first.claims:4: sigmoid_wrong: refuted, expected proved" in text
    assert "witness: x = 1" in text
    assert "4 | claim sigmoid_wrong:" in text and "5 |   diff(sigmoid(x), x) = sigmoid(x)^2" in text
    assert "Traceback" not in text
    assert not re.search(r"\.py:\d+", text), "a claim failure points into the claim file, not into Python"


def test_junitxml_reports_each_claim_with_its_verdict(pytester, run):
    flipped = THREE.replace("  expect refuted\n", "")
    pytester.makefile(".claims", first=flipped)
    run("--junitxml=report.xml")
    xml = (pytester.path / "report.xml").read_text()
    assert 'tests="3"' in xml and 'failures="1"' in xml
    assert re.search(r'<testcase classname="first.claims" name="sigmoid_wrong"[^>]*>'
                     r'<properties><property name="verdict" value="refuted" />', xml)
    assert "first.claims:4: sigmoid_wrong: refuted, expected proved" in xml


def test_unknown_fails_unless_expected_and_claims_timeout_sets_the_limit(pytester, run):
    pytester.makefile(".claims", slow=SLOW)
    out = run("--claims-timeout", "0.05")
    out.assert_outcomes(failed=1)
    text = out.stdout.str()
    assert "slow.claims:1: slow: unknown, expected proved" in text
    assert "time limit of 0.05 s exceeded; raise it with --claims-timeout" in text

    (pytester.path / "slow.claims").write_text(SLOW + "  expect unknown\n")
    run("--claims-timeout", "0.05").assert_outcomes(passed=1)

    (pytester.path / "slow.claims").write_text(SLOW)
    run().assert_outcomes(passed=1)  # the default limit (10 s) is enough


def test_claims_timeout_from_the_ini_file(pytester, run):
    pytester.makefile(".claims", slow=SLOW)
    pytester.makeini("[pytest]\nclaims_timeout = 0.05\n")
    out = run()
    out.assert_outcomes(failed=1)
    assert "time limit of 0.05 s exceeded" in out.stdout.str()


def test_a_statement_with_an_error_is_an_item_that_fails(pytester, run):
    pytester.makefile(".claims", mixed="claim good: diff(x^2, x) = 2*x\n\nclaim broken: diff(x^2, x) = = 2\n\n"
                                       "claim typo: diff(foo(x), x) = 1\n")
    out = run("-v")
    out.assert_outcomes(passed=1, failed=2)
    text = out.stdout.str()
    assert "mixed.claims:3:30: error: unexpected '='" in text
    assert "mixed.claims:5:18: error: unknown function 'foo'" in text
    assert "Traceback" not in text


def test_an_unreadable_claim_file_is_one_failing_item_and_the_others_run(pytester, run):
    (pytester.path / "latin1.claims").write_bytes("claim caf\xe9: x = x\n".encode("latin-1"))
    pytester.makefile(".claims", good="claim good: x * x = x^2\n")
    out = run("-v")
    out.assert_outcomes(passed=1, failed=1)
    text = out.stdout.str()
    assert "latin1.claims:1:10: error: not a UTF-8 text file" in text
    assert "good.claims::good PASSED" in text
    assert "Traceback" not in text


def test_an_empty_claim_file_collects_nothing(pytester, run):
    pytester.makefile(".claims", empty="# to do\n")
    assert run().ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_an_internal_error_fails_the_item_whatever_it_expects(pytester, run):
    pytester.makeconftest("""
        import prove.backends.base

        def broken_backend(claim, limits):
            raise TypeError("a bug in a backend")

        prove.backends.base.check = broken_backend  # the runner's workers fork with it
    """)
    pytester.makefile(".claims", hedged="claim hedged: x = x\n  expect unknown\n")
    out = run("-v")
    out.assert_outcomes(failed=1)
    text = out.stdout.str()
    assert "hedged: unknown (internal error, please report), expected unknown" in text
    assert "the checker failed: TypeError: a bug in a backend" in text


def test_junit_time_of_a_claim_is_its_own_not_its_files_batch(pytester, run):
    # The first item starts the batch of its file, the second one runs out its time limit.
    pytester.makefile(".claims", pair="claim quick: x + x = 2*x\n\nclaim long: (x + 1)^4000 * (x - 1)^4000 = "
                                      "(x^2 - 1)^4000\n  expect unknown\n")
    run("--junitxml=report.xml", "--claims-timeout", "2", "--claims-jobs", "1")
    xml = (pytester.path / "report.xml").read_text()
    times = dict(re.findall(r'<testcase classname="pair.claims" name="(\w+)" time="([\d.]+)"', xml))
    assert float(times["long"]) >= 2.0
    assert float(times["quick"]) < 2.0


def test_use_of_a_neighbour_file_resolves_beside_the_claim_file(pytester, run):
    sub = pytester.mkdir("course")
    (sub / "defs.claims").write_text("let sq(t) = t * t\n")
    (sub / "uses.claims").write_text('use "defs.claims"\n\nclaim sq_deriv: diff(sq(x), x) = 2*x\n')
    run().assert_outcomes(passed=1)


def test_collect_ignore_in_a_conftest_keeps_claim_files_out(pytester, run):
    pytester.makefile(".claims", first=THREE)
    pytester.makeconftest('collect_ignore_glob = ["*.claims"]\n')
    out = run()
    assert out.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_a_project_without_claim_files_imports_nothing_heavy(pytester, run):
    pytester.makepyfile(test_plain="""
        import sys

        def test_plain():
            assert "prove.pytest_plugin" in sys.modules, "the plugin is loaded"
            heavy = [m for m in ("sympy", "z3", "lark", "prove.runner", "prove.parser") if m in sys.modules]
            assert heavy == []
    """)
    run().assert_outcomes(passed=1)
