"""The shipped lemma library is itself a test: every lemma comes back proved or
verified, each names its source, and `prove lemmas` shows them."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from prove.library import all_lemmas, load_library
from prove.runner import check_paths, default_jobs
from prove.backends.base import Limits
from prove.verdict import Verdict

ROOT = Path(__file__).resolve().parent.parent
LEMMA_DIR = ROOT / "prove" / "lemmas"
LIBRARY = load_library(LEMMA_DIR)
LEMMAS = all_lemmas(LIBRARY)


def prove_lemmas(*args):
    return subprocess.run([sys.executable, "-m", "prove", "lemmas", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


@pytest.fixture(scope="module")
def verdicts():
    results = check_paths([LEMMA_DIR], Limits(timeout=20), default_jobs())
    return {r.name: r for r in results}


def test_at_least_40_lemmas_in_at_least_6_files():
    assert len(LEMMAS) >= 40
    assert len([f for f in LIBRARY if f.lemmas]) >= 6


def test_lemma_names_are_unique_across_the_library():
    # `use a` and `use b` in one file must not bring two lemmas of one name.
    names = [lemma.name for lemma in LEMMAS]
    assert sorted(set(names)) == sorted(names)


@pytest.mark.parametrize("lemma", LEMMAS, ids=lambda lemma: f"{lemma.subject}.{lemma.name}")
def test_lemma_has_a_source_comment(lemma):
    assert lemma.source, f"{lemma.path.name}:{lemma.line}: {lemma.name} has no source comment above it"
    # A source names a work and where in it: a year or an edition, and a section, chapter or theorem.
    assert re.search(r"\(\d{4}\)|\(\d+(st|nd|rd|th) ed", lemma.source), lemma.source


@pytest.mark.parametrize("lemma", LEMMAS, ids=lambda lemma: f"{lemma.subject}.{lemma.name}")
def test_lemma_is_proved_or_verified(lemma, verdicts):
    assert lemma.expect in (None, "proved", "verified"), "a library lemma states a fact, not a mistake"
    result = verdicts[lemma.name]
    assert result.verdict in (Verdict.PROVED, Verdict.VERIFIED), (
        f"{lemma.path.name}:{lemma.line}: {lemma.name}: {result.verdict} ({result.reason})")
    if result.verdict is Verdict.VERIFIED:
        assert result.bound, "a verified lemma names its bound"


def test_every_subject_is_a_usable_file():
    text = "\n".join(f"use {f.subject}" for f in LIBRARY) + "\nclaim t: diff(x^2, x) = 2*x\n"
    import prove

    [result] = prove.check(text)
    assert result.verdict is Verdict.PROVED


def test_prove_lemmas_lists_every_lemma_grouped_by_file():
    out = prove_lemmas()
    assert out.returncode == 0, out.stderr
    for f in LIBRARY:
        assert re.search(rf"^{f.subject}  \({len(f.lemmas)} lemmas", out.stdout, re.M)
    for lemma in LEMMAS:
        assert re.search(rf"^  {lemma.name} +\S", out.stdout, re.M), lemma.name
    assert "sigmoid_deriv" in out.stdout and "diff(sigmoid(x), x) = sigmoid(x) * (1 - sigmoid(x))" in out.stdout
    assert f"{len(LEMMAS)} lemmas in {len(LIBRARY)} files" in out.stdout


def test_list_lemmas_flag_is_the_same_listing():
    a = prove_lemmas()
    b = subprocess.run([sys.executable, "-m", "prove", "--list-lemmas"], capture_output=True, text=True,
                       cwd=ROOT, timeout=120)
    assert b.returncode == 0 and a.stdout == b.stdout


def test_prove_lemmas_subject_lists_one_file():
    out = prove_lemmas("activations")
    assert out.returncode == 0
    assert "let swish(x) = x * sigmoid(x)" in out.stdout
    assert "softmax_jacobian" not in out.stdout


def test_prove_lemmas_name_shows_source_statement_and_verdict():
    out = prove_lemmas("softmax_jacobian")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "# Bishop, Pattern Recognition and Machine Learning (2006), 4.3.4" in out.stdout
    assert "claim softmax_jacobian:" in out.stdout
    assert "diff(softmax(z)[i], z[j]) = softmax(z)[i] * (delta(i, j) - softmax(z)[j])" in out.stdout
    assert re.search(r"softmax\.claims:\d+: softmax_jacobian: (proved|verified)", out.stdout)


def test_unknown_lemma_name_exits_2_with_a_suggestion():
    out = prove_lemmas("sigmoid_derivative")
    assert out.returncode == 2
    assert "no lemma or lemma file named 'sigmoid_derivative'" in out.stderr
    assert "did you mean sigmoid_deriv" in out.stderr


def test_prove_lemmas_is_the_subcommand_whatever_the_folder_holds(tmp_path):
    """`prove lemmas` lists the library even beside a folder named lemmas; the
    folder is checked when written as a path."""
    (tmp_path / "lemmas").mkdir()
    (tmp_path / "lemmas" / "mine.claims").write_text("claim mine: x + x = 2*x\n")
    listed = subprocess.run([sys.executable, "-m", "prove", "lemmas"], capture_output=True, text=True,
                            cwd=tmp_path, timeout=120)
    assert listed.returncode == 0 and "softmax_jacobian" in listed.stdout and "mine" not in listed.stdout
    checked = subprocess.run([sys.executable, "-m", "prove", "lemmas/"], capture_output=True, text=True,
                             cwd=tmp_path, timeout=120)
    assert checked.returncode == 0 and "mine: proved" in checked.stdout
