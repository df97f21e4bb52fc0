"""Claim text is untrusted: nothing in it is evaluated as Python, and no
input makes the tool print a traceback."""

import os
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark

import prove
from prove.errors import ProveError
from prove.parser import _parser
from prove.runner import tasks_for_text
from prove.verdict import Verdict

PAYLOADS = [
    'claim p: __import__("os").system("touch {marker}") = 0',
    "claim p: x.__class__.__mro__ = 1",
    "claim p: __import__('os').system('touch {marker}')",
    'claim p: eval("open(\'{marker}\', \'w\')") = 1',
    "claim p: exec(x) = 1",
    "claim p: getattr(x, y) = 1",
    "use \"../../../../../etc/passwd\"\nclaim p: x = x",
    "claim p: lambda: 1 = 1",
    "claim p: x[__import__] = 1",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_are_errors_and_run_nothing(payload, tmp_path):
    marker = tmp_path / "pwned"
    text = payload.format(marker=marker)
    results = prove.check(text, path=str(tmp_path / "p.claims"))
    assert results, "every statement gets a verdict"
    assert any(r.verdict is Verdict.ERROR for r in results)
    assert not any(r.verdict is Verdict.PROVED and r.name == "p" and "__" in text for r in results)
    assert not marker.exists()
    assert not os.path.exists("pwned")


def _no_traceback(text: str) -> None:
    try:
        tasks = tasks_for_text(text, "fuzz.claims")
    except ProveError:
        return
    for t in tasks:
        assert (t.claim is None) != (t.result is None)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.text(alphabet=string.printable, max_size=120))
def test_raw_text_never_raises(text):
    _no_traceback(text)


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.text(alphabet="claim xyz:=+-*/^()[],.0123456789 forall in R^3 \n expect refuted let use", max_size=80))
def test_claim_like_text_never_raises(text):
    _no_traceback("claim a: " + text)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(from_lark(_parser(), start="start"))
def test_grammar_generated_files_never_raise(text):
    _no_traceback(text)


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.binary(max_size=300))
def test_raw_bytes_of_a_file_never_raise(tmp_path, data):
    from prove.runner import tasks_for_file

    path = tmp_path / "fuzz.claims"
    path.write_bytes(data)
    for t in tasks_for_file(path):
        assert (t.claim is None) != (t.result is None)
        if t.result is not None:
            assert t.result.verdict is Verdict.ERROR and t.result.line >= 1 and not t.result.internal


@pytest.mark.parametrize("body", [
    " + ".join(["x"] * 2000) + " = x",
    "(" * 5000 + "x" + ")" * 5000 + " = x",
    "-" * 3000 + "x = x",
    "f(" * 2000 + "x" + ")" * 2000 + " = x",
])
def test_deep_or_long_text_never_raises(body):
    _no_traceback("claim a: " + body)
