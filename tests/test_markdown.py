"""Markdown files as claim files (`prove notes.md`): the fenced `claims` blocks
are checked, at the Markdown file's own lines and columns; the README's tour
is one of them. Also the batch outputs that go with a class's notes: CSV and
the progress line."""

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from prove.markdown import claims_blocks

ROOT = Path(__file__).resolve().parent.parent


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "prove", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd or ROOT, timeout=120)


NOTES = """\
# Week 3 notes

The sigmoid's derivative, `diff(sigmoid(x), x)`:

```claims
let s(x) = sigmoid(x)
claim sigmoid_derivative:
  diff(s(x), x) = s(x) * (1 - s(x))
```

Not checked, only shown:

```python
claim in_python: x = 2
```

1. A wrong one, in a list item:

   ```claims
   claim square_wrong: diff(x^2, x) = x
     expect refuted
   claim typo: diff(x^2, x) = 2 * frobnicate(x)
   ```

````markdown
```claims
claim shown_as_an_example: x = x + 1
```
````
"""


def test_readme_tour_is_checked_and_as_expected():
    out = run("README.md", "--format", "json")
    assert out.returncode == 0, out.stdout + out.stderr
    data = json.loads(out.stdout)
    got = {c["name"]: c["verdict"] for c in data["claims"]}
    assert got == {"sigmoid_derivative": "proved", "sigmoid_derivative_wrong": "refuted",
                   "softmax_jacobian": "proved"}
    assert {c["file"] for c in data["claims"]} == {"README.md"}
    lines = (ROOT / "README.md").read_text().splitlines()
    for c in data["claims"]:  # each claim at its own line of the README
        assert lines[c["line"] - 1] == f"claim {c['name']}:"


def test_readme_set_up_commands_stay_shell_blocks():
    text = (ROOT / "README.md").read_text()
    assert "```sh\npython3 -m venv .venv && .venv/bin/pip install -q -e . && .venv/bin/prove examples/\n```" in text
    assert "```sh\npython3 -m venv .venv && .venv/bin/pip install -q -e '.[test]' && .venv/bin/python -m pytest\n```" \
        in text


def test_claims_and_errors_are_at_the_markdown_files_lines_and_columns(tmp_path):
    p = tmp_path / "notes.md"
    p.write_text(NOTES)
    out = run(p)
    assert out.returncode == 1  # the typo is an error, which no claim expects
    text = out.stdout
    assert f"{p}:7: sigmoid_derivative: proved" in text
    assert f"{p}:20: square_wrong: refuted" in text and "witness: x = 1" in text
    # An elaboration error in an indented block: line 22, the column of `frobnicate` in the .md line.
    column = NOTES.splitlines()[21].index("frobnicate") + 1
    assert f"{p}:22:{column}: error: " in text
    block = text.split(f"{p}:22:{column}: error: ")[1].splitlines()
    assert block[1] == "     claim typo: diff(x^2, x) = 2 * frobnicate(x)"
    assert block[2].index("^") == block[1].index("frobnicate")
    assert "in_python" not in text and "shown_as_an_example" not in text
    assert text.splitlines()[-1] == "1 proved, 0 verified, 1 refuted, 0 unknown, 1 errors: 1 not as expected"


def test_a_syntax_error_points_under_the_bad_token_in_the_markdown_line(tmp_path):
    p = tmp_path / "hw.md"
    p.write_text("Intro.\n\n```claims\nclaim ok: x + x = 2*x\nclaim broken: x + * 2 = 3\n```\n")
    out = run(p, "--format", "json")
    data = json.loads(out.stdout)
    broken = [c for c in data["claims"] if c["name"] == "broken"][0]
    assert (broken["line"], broken["column"], broken["verdict"]) == (5, 19, "error")
    assert broken["source"] == "  claim broken: x + * 2 = 3\n                    ^"
    assert [c["verdict"] for c in data["claims"] if c["name"] == "ok"] == ["proved"]


def test_prose_after_a_block_never_changes_a_claim(tmp_path):
    """A false claim whose `expect refuted` is written as prose, or as the first line of
    the next block, is still checked as expecting `proved`: it is not as expected."""
    p = tmp_path / "sneaky.md"
    p.write_text("```claims\nclaim wrong: x + 1 = x\n```\nexpect refuted\n\n"
                 "```claims\nclaim wrong_too: 2*x = x\n```\n\n```claims\n  expect refuted\n```\n")
    out = run(p, "--format", "json")
    assert out.returncode == 1
    data = json.loads(out.stdout)
    got = {c["name"]: (c["verdict"], c["expected"], c["as_expected"]) for c in data["claims"]}
    assert got["wrong"] == ("refuted", "proved", False)
    assert got["wrong_too"] == ("refuted", "proved", False)
    stray = [c for c in data["claims"] if c["verdict"] == "error"]
    assert [(c["line"], c["column"]) for c in stray] == [(11, 3)]  # the stray `expect`, where it stands


def test_several_blocks_are_one_claim_file(tmp_path):
    from prove.runner import tasks_for_file

    p = tmp_path / "two.md"
    p.write_text("```claims\nlet c = 3\n```\n\ntext\n\n~~~ claims extra words\nclaim uses_c: c * x = 3*x\n~~~\n")
    tasks = tasks_for_file(p)
    assert [(t.name, t.line) for t in tasks] == [("uses_c", 8)]
    assert tasks[0].claim is not None  # `c` from the first block is in scope: no elaboration error
    assert tasks[0].result is None


def test_fences_follow_commonmark():
    text = ("```claims\na\n```\n"  # 1-3: a block, content line 2
            "``` claims\n```\n"  # 4-5: an empty block
            "```claims``` on one line is inline code\n"  # 6: not a fence
            "````\n```claims\nb\n```\n````\n"  # 7-11: a claims fence shown inside a plain one
            "```sh\necho\n```\n"  # 12-14: another language
            "  ```claims\n  c\n  ```\n"  # 15-17: indented
            "~~~~claims\nd\n~~~\nstill d\n")  # 18-: never closed (~~~ is shorter): runs to the end
    found = [(b.first, b.last) for b in claims_blocks(text)]
    assert found == [(2, 2), (5, 4), (16, 16), (19, 22)]
    assert [(b.first, b.last) for b in claims_blocks("\ufeff```claims\r\na\r\n```\r\n")] == [(2, 2)]


def test_a_markdown_file_without_claims_blocks_says_so(tmp_path):
    plain = tmp_path / "plain.md"
    plain.write_text("# Notes\n\n```\nclaim unmarked: x = 2\n```\n")
    out = run(plain)
    assert out.returncode == 2
    assert "no claims found under" in out.stderr and "it has no fenced ```claims block" in out.stderr
    good = tmp_path / "good.claims"
    good.write_text("claim fine: x = x\n")
    out = run(plain, good)
    assert out.returncode == 0
    assert f"prove: note: nothing checked in {plain}: it has no fenced ```claims block" in out.stderr


def test_folders_give_markdown_files_only_with_md(tmp_path):
    (tmp_path / "a.claims").write_text("claim from_claims: x = x\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "notes.md").write_text("```claims\nclaim from_md: x + x = 2*x\n```\n")
    (tmp_path / "README.md").write_text("# no claims here\n")
    plain = json.loads(run(tmp_path, "--format", "json").stdout)
    assert [c["name"] for c in plain["claims"]] == ["from_claims"]
    with_md = run("--md", tmp_path, "--format", "csv")
    assert with_md.returncode == 0, with_md.stderr
    rows = list(csv.DictReader(io.StringIO(with_md.stdout)))
    assert [(Path(r["file"]).name, r["claim"], r["verdict"]) for r in rows] == \
        [("a.claims", "from_claims", "proved"), ("notes.md", "from_md", "proved")]
    assert "note:" not in with_md.stderr  # README.md in a folder is skipped silently


# ------------------------------------------------------------------ CSV


def test_csv_has_one_row_per_claim_under_a_header(tmp_path):
    p = tmp_path / "c.claims"
    p.write_text("claim good: diff(x^2, x) = 2*x\n\nclaim bad: diff(x^2, x) = x\n\nclaim flipped: x = x\n"
                 "  expect refuted\n")
    out = run(p, "--format", "csv")
    assert out.returncode == 1
    lines = out.stdout.splitlines()
    assert lines[0] == "file,claim,verdict,expected,as_expected,seconds"
    rows = list(csv.reader(io.StringIO(out.stdout)))[1:]
    assert [r[:5] for r in rows] == [[str(p), "good", "proved", "proved", "true"],
                                     [str(p), "bad", "refuted", "proved", "false"],
                                     [str(p), "flipped", "proved", "refuted", "false"]]
    assert all(float(r[5]) >= 0 for r in rows)
    assert out.stderr == ""


def test_csv_quotes_commas_and_defuses_formulas():
    from prove.report import to_csv
    from prove.verdict import Result, Verdict

    rows = [Result(name="t", verdict=Verdict.PROVED, file="a,b.claims"),
            Result(name="t", verdict=Verdict.ERROR, file="=HYPERLINK(1).claims", expected="proved")]
    got = list(csv.reader(io.StringIO(to_csv(rows))))
    assert got[1][0] == "a,b.claims"
    assert got[2][0] == "'=HYPERLINK(1).claims" and got[2][4] == "false"


# ------------------------------------------------------------------ progress


class _Terminal(io.StringIO):
    def __init__(self, tty=True):
        super().__init__()
        self.tty = tty

    def isatty(self):
        return self.tty


def test_progress_appears_after_a_second_and_names_the_next_file():
    from prove.progress import Progress

    now = [0.0]
    term = _Terminal()
    p = Progress(term, delay=1.0, clock=lambda: now[0], timer=False)
    p.begin(["a.claims", "a.claims", "examples/dag.claims"])
    now[0] = 0.5
    p.advance()
    assert term.getvalue() == ""  # a run shorter than a second shows nothing
    now[0] = 1.5
    p.advance()
    assert term.getvalue().endswith("\r\033[K[2/3] examples/dag.claims")
    with p.paused():
        assert term.getvalue().endswith("\r\033[K")  # erased while the report prints
    p.advance()
    p.close()
    assert term.getvalue().endswith("\r\033[K")


def test_progress_is_silent_when_stderr_is_not_a_terminal():
    from prove.progress import Progress

    pipe = _Terminal(tty=False)
    p = Progress(pipe, delay=0.0, clock=lambda: 5.0, timer=False)
    p.begin(["a.claims", "b.claims"])
    p.advance()
    p.close()
    assert pipe.getvalue() == ""


def test_progress_on_a_real_terminal_leaves_the_report_intact(tmp_path):
    p = tmp_path / "c.claims"
    p.write_text("claim a: x = x\nclaim b: x + x = 2*x\n")
    code = f"import sys, prove.progress as g; g.DELAY = 0; from prove.cli import main; sys.exit(main([{str(p)!r}, '--color', 'never']))"
    script = subprocess.run(["script", "-qec", f"{sys.executable} -c {json.dumps(code)}", "/dev/null"],
                            capture_output=True, text=True, cwd=ROOT, timeout=120,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    if script.returncode == 127 or "not found" in script.stderr:
        pytest.skip("no `script` command to give the run a terminal")
    # Text mode reads each carriage return as a line end: the progress line and each
    # report line come out as lines of their own.
    lines = script.stdout.replace("\033[K", "").splitlines()
    for k in (0, 1):  # cut to the terminal's width
        assert any(len(line) >= 20 and f"[{k}/2] {p}".startswith(line) for line in lines)
    assert any(line.startswith(f"{p}:1: a: proved") for line in lines)
    assert any(line.startswith(f"{p}:2: b: proved") for line in lines)
    assert lines[-1] == "2 proved, 0 verified, 0 refuted, 0 unknown, 0 errors (all as expected)"


# ------------------------------------------------------------------ pytest


@pytest.fixture
def pytest_run(pytester, monkeypatch):
    import importlib.metadata

    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    installed = any(ep.name == "prove" for ep in importlib.metadata.entry_points(group="pytest11"))
    plugin = [] if installed else ["-p", "prove.pytest_plugin"]

    def go(*args):
        return pytester.runpytest_subprocess(*plugin, "-p", "no:cacheprovider", *args, timeout=300)
    return go


pytest_plugins = ["pytester"]

HOMEWORK = """\
# Homework 1

```claims
claim square: diff(x^2, x) = 2*x
```

Then a wrong one:

```claims
claim cube_wrong:
  diff(x^3, x) = 3*x
```
"""


def test_pytest_collects_markdown_claims_only_when_asked(pytester, pytest_run):
    pytester.makefile(".md", homework=HOMEWORK, plain="# nothing to check\n\n```sh\nls\n```\n")
    pytester.makefile(".claims", other="claim cube: diff(x^3, x) = 3*x^2\n")
    out = pytest_run("--collect-only", "-q")
    assert [line for line in out.outlines if "::" in line] == ["other.claims::cube"]
    out = pytest_run("--collect-only", "-q", "--claims-md")
    assert [line for line in out.outlines if "::" in line] == \
        ["homework.md::square", "homework.md::cube_wrong", "other.claims::cube"]
    pytester.makeini("[pytest]\nclaims_md = true\n")
    out = pytest_run("-v")
    out.assert_outcomes(passed=2, failed=1)
    text = out.stdout.str()
    assert "homework.md:10: cube_wrong: refuted, expected proved" in text
    assert "10 | claim cube_wrong:" in text and "11 |   diff(x^3, x) = 3*x" in text
