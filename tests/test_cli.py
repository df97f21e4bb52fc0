"""The `prove` command as a user runs it: output, exit codes, JSON, limits."""

import json
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "prove", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd or ROOT, timeout=120)


@pytest.fixture
def claims(tmp_path):
    def write(text, name="c.claims"):
        p = tmp_path / name
        p.write_text(text)
        return p
    return write


def test_as_expected_exits_0_and_prints_a_summary(claims):
    p = claims("claim good: diff(x^2, x) = 2*x\n\nclaim bad: diff(x^2, x) = x\n  expect refuted\n")
    out = run(p)
    assert out.returncode == 0, out.stdout + out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith(f"{p}:1: good: proved")
    assert any(l.strip() == "witness: x = 1" for l in lines)
    assert lines[-1] == "1 proved, 0 verified, 1 refuted, 0 unknown, 0 errors (all as expected)"


def test_unexpected_verdict_exits_1(claims):
    p = claims("claim wrong: diff(x^2, x) = x\n")
    out = run(p)
    assert out.returncode == 1
    assert "UNEXPECTED: expected proved" in out.stdout
    assert out.stdout.splitlines()[-1].endswith("1 not as expected")


def test_syntax_error_is_positioned_and_other_claims_run(claims):
    p = claims("claim ok: x + x = 2*x\nclaim broken: x + * 2 = 3\nclaim also_ok: x * x = x^2\n")
    out = run(p)
    assert out.returncode == 1
    assert f"{p}:2:19: error: unexpected '*'" in out.stdout
    assert "claim broken: x + * 2 = 3\n" in out.stdout
    assert "                    ^" in out.stdout
    assert "ok: proved" in out.stdout and "also_ok: proved" in out.stdout
    assert "Traceback" not in out.stdout + out.stderr


def test_unknown_function_is_an_error_with_a_caret(claims):
    p = claims("claim f: frobnicate(x) = 1\n")
    out = run(p)
    assert out.returncode == 1
    assert f"{p}:1:10: error: unknown function 'frobnicate'" in out.stdout
    assert "           ^^^^^^^^^^" in out.stdout
    assert "Traceback" not in out.stdout + out.stderr


def test_missing_file_is_a_usage_error(tmp_path):
    out = run(tmp_path / "nope.claims")
    assert out.returncode == 2
    assert "no such file or folder" in out.stderr


def test_bad_option_is_a_usage_error(claims):
    out = run(claims("claim a: x = x\n"), "--timeout", "soon")
    assert out.returncode == 2


def test_folders_are_searched_for_claim_files(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.claims").write_text("claim a: x = x\n")
    (tmp_path / "b.claims").write_text("claim b: x = x\n")
    (tmp_path / "notes.txt").write_text("claim c: x = y\n")
    out = run(tmp_path)
    assert out.returncode == 0
    assert ": a: proved" in out.stdout and ": b: proved" in out.stdout and "c:" not in out.stdout


def test_json_output_has_the_documented_keys(claims):
    p = claims("claim good: diff(x^2, x) = 2*x\nclaim bad: diff(x^2, x) = x\n  expect refuted\nclaim err: nope(x) = 1\n")
    out = run(p, "--format", "json")
    data = json.loads(out.stdout)
    keys = {"file", "line", "name", "verdict", "expected", "as_expected", "method", "bound", "witness",
            "reason", "seconds"}
    assert all(keys <= set(c) for c in data["claims"])
    by_name = {c["name"]: c for c in data["claims"]}
    assert by_name["bad"]["witness"] == {"x": "1"} and by_name["bad"]["as_expected"] is True
    assert by_name["err"]["verdict"] == "error" and by_name["err"]["line"] == 4
    assert data["summary"]["proved"] == 1 and data["summary"]["unexpected"] == 1
    assert out.returncode == 1


def test_a_claim_that_cannot_finish_is_unknown_and_the_others_survive(claims):
    p = claims("claim before: diff(x^3, x) = 3*x^2\n"
               "claim huge: (x + 1)^4000 * (x - 1)^4000 = (x^2 - 1)^4000\n"
               "claim after: sigmoid(-x) = 1 - sigmoid(x)\n")
    start = time.monotonic()
    out = run(p, "--timeout", "2", "--format", "json", "--jobs", "1")
    elapsed = time.monotonic() - start
    verdicts = {c["name"]: (c["verdict"], c["reason"]) for c in json.loads(out.stdout)["claims"]}
    assert verdicts["before"][0] == "proved" and verdicts["after"][0] == "proved"
    assert verdicts["huge"][0] == "unknown" and "time limit of 2 s" in verdicts["huge"][1]
    assert elapsed < 30  # generous: the point is that the run ends, not how fast


def test_jobs_run_in_parallel_with_the_same_verdicts(claims):
    text = "".join(f"claim c{i}: diff(x^{i}, x) = {i}*x^{i - 1}\n" for i in range(2, 8))
    p = claims(text)
    one = json.loads(run(p, "--format", "json", "--jobs", "1").stdout)
    two = json.loads(run(p, "--format", "json", "--jobs", "2").stdout)
    assert [c["verdict"] for c in one["claims"]] == [c["verdict"] for c in two["claims"]] == ["proved"] * 6


def test_shipped_calculus_examples_meet_their_expectations():
    out = run(ROOT / "examples" / "calculus.claims")
    assert out.returncode == 0, out.stdout


def test_a_claim_that_exhausts_memory_is_unknown_and_the_others_survive(claims):
    p = claims("claim before: x + x = 2*x\n"
               "claim big: (a + b + c + d + k + f + g + h)^30 * (a - b)^2 = "
               "(a + b + c + d + k + f + g + h)^30 * (a^2 - 2*a*b + b^2)\n"
               "claim after: x * x = x^2\n")
    out = run(p, "--memory", "380", "--timeout", "60", "--format", "json", "--jobs", "1")
    verdicts = {c["name"]: (c["verdict"], c["reason"]) for c in json.loads(out.stdout)["claims"]}
    assert verdicts["before"][0] == "proved" and verdicts["after"][0] == "proved"
    assert verdicts["big"][0] == "unknown"
    assert "memory" in verdicts["big"][1]


@pytest.mark.parametrize("layout", ["empty folder", "folder without claim files", "empty file"])
def test_no_claims_found_is_a_usage_error(tmp_path, layout):
    target = tmp_path / "submissions"
    target.mkdir()
    if layout == "folder without claim files":
        (target / "notes.txt").write_text("claim c: x = x\n")
    elif layout == "empty file":
        target = target / "empty.claims"
        target.write_text("# nothing here yet\n")
    out = run(target)
    assert out.returncode == 2
    assert f"no claims found under {target}" in out.stderr
    assert "all as expected" not in out.stdout


def test_missing_path_with_json_still_prints_a_document(tmp_path):
    out = run(tmp_path / "nope.claims", "--format", "json")
    assert out.returncode == 2
    data = json.loads(out.stdout)
    assert data["claims"] == [] and "no such file or folder" in data["error"]


def test_json_errors_carry_column_and_source(claims):
    p = claims("claim ok: x = x\nclaim typo: diff(foo(x), x) = 1\n")
    data = json.loads(run(p, "--format", "json").stdout)
    err = {c["name"]: c for c in data["claims"]}["typo"]
    assert (err["verdict"], err["line"], err["column"]) == ("error", 2, 18)
    assert err["source"] == "  claim typo: diff(foo(x), x) = 1\n                   ^^^"
    assert err["internal"] is False


def test_the_limit_counts_the_claims_own_work_not_worker_start_up(claims):
    p = claims("".join(f"claim c{k}: x + {k} = {k} + x\n" for k in range(6)))
    out = run(p, "--timeout", "0.3", "--jobs", "2", "--format", "json")
    assert [c["verdict"] for c in json.loads(out.stdout)["claims"]] == ["proved"] * 6
    assert out.returncode == 0


def test_an_unreadable_file_is_one_error_and_the_run_goes_on(tmp_path):
    (tmp_path / "a_latin1.claims").write_bytes("claim caf\xe9: x = x\n".encode("latin-1"))
    (tmp_path / "b_good.claims").write_text("claim good: x * x = x^2\n")
    out = run(tmp_path)
    assert out.returncode == 1
    assert f"{tmp_path / 'a_latin1.claims'}:1:10: error: not a UTF-8 text file" in out.stdout
    assert ": good: proved" in out.stdout
    assert "Traceback" not in out.stdout + out.stderr


def test_progress_goes_to_stderr_of_a_terminal_only(claims):
    p = claims("claim a: x = x\nclaim b: x + x = 2*x\n")
    plain = run(p)
    assert plain.stderr == ""  # not a terminal: no progress line (on a terminal: tests/test_markdown.py)


def test_a_failure_of_the_tool_is_an_internal_unknown_never_as_expected(monkeypatch):
    import prove
    import prove.backends.base
    from prove.report import format_result, summary_line

    def broken_backend(claim, limits):
        raise TypeError("a bug in a backend")

    monkeypatch.setattr(prove.backends.base, "check", broken_backend)  # workers fork with the patch
    results = prove.check("claim a: x = x\n  expect unknown\nclaim b: x + x = 2*x\nclaim c: nope(x) = 1\n")
    a, b, c = results
    for r in (a, b):
        assert r.verdict == "unknown" and r.internal and not r.as_expected
        assert r.to_json()["internal"] is True
        assert "internal error, please report: the checker failed: TypeError: a bug in a backend" in format_result(r)
    assert c.verdict == "error" and not c.internal  # a malformed claim is still the claim's own error
    assert summary_line(results).endswith("(2 unknown by an internal error, please report): 3 not as expected")


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path):
    """`prove FILE | head -1`: the rest of the report has nowhere to go, and that is not an error to print."""
    claims = tmp_path / "many.claims"
    claims.write_text("".join(f"claim c{i}: forall x in R: x + {i} = {i} + x\n" for i in range(40)))
    command = f"{shlex.quote(sys.executable)} -m prove {shlex.quote(str(claims))} --no-cache | head -1"
    done = subprocess.run(["sh", "-c", command], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.stdout.count("\n") == 1 and ": c0: proved" in done.stdout
    assert "Traceback" not in done.stderr and "BrokenPipeError" not in done.stderr, done.stderr
