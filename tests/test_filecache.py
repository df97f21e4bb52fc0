"""File entries of the result cache: an unchanged file is answered without being read
again, and any change to what reading it depended on (a `use`d file, nested or
not, a file that now exists, a symlink now pointing elsewhere, a claim entry
edited) makes it read again.  Every test has its own cache folder."""

import os
import sqlite3
from fractions import Fraction

import pytest

import prove.runner as runner
from prove.backends.base import Limits
from prove.cache import DB_NAME, ResultCache
from prove.filecache import TABLE
from prove.runner import check_paths
from prove.verdict import Verdict


def run(paths, folder):
    return {r.name: r for r in check_paths([str(p) for p in paths], Limits(), 1, cache=ResultCache(folder))}


@pytest.fixture
def unread(monkeypatch):
    """Reading a claim file fails the test: what follows must come from file entries."""
    def refuse(path):
        raise AssertionError(f"{path} was read again")
    return lambda: monkeypatch.setattr(runner, "tasks_for_file", refuse)


def write(folder, **files):
    for name, text in files.items():
        (folder / f"{name}.claims").write_text(text)


def test_an_unchanged_file_is_not_read_again_and_gives_the_same_results(tmp_path, unread):
    write(tmp_path, defs="let sq(t) = t * t\n",
          main='use "defs.claims"\n\nclaim a: forall x in R: sq(x) = x^2\n\n'
               "claim b: forall x in R: sq(x) = x^3\n  expect refuted\n\nclaim bad: forall x in R: x +\n\n"
               "claim w:\n  exists x in R: x^2 = 4\n  witness x = 3\n  expect unknown\n")
    first = run([tmp_path / "main.claims"], tmp_path / "c")
    assert {n: r.verdict for n, r in first.items()} == {"a": Verdict.PROVED, "b": Verdict.REFUTED,
                                                        "bad": Verdict.ERROR, "w": Verdict.UNKNOWN}
    unread()
    second = run([tmp_path / "main.claims"], tmp_path / "c")
    assert all(r.cached for r in second.values())
    for name, r in first.items():
        a, b = r.to_json(), second[name].to_json()
        for d in (a, b):
            d.pop("cached"), d.pop("seconds")
        assert a == b


def test_a_nested_used_file_edited_is_read_again_and_the_old_proof_not_reused(tmp_path, unread):
    write(tmp_path, c="let f(t) = t^2\n", b='use "c.claims"\n', a='use "b.claims"\n\nclaim k: forall x in R: f(x) = x^2\n')
    assert run([tmp_path / "a.claims"], tmp_path / "cache")["k"].verdict is Verdict.PROVED
    write(tmp_path, c="let f(t) = t^3\n")
    k = run([tmp_path / "a.claims"], tmp_path / "cache")["k"]
    assert k.verdict is Verdict.REFUTED and not k.cached
    x = Fraction(k.witness["x"])
    assert x**3 != x**2  # by exact arithmetic
    unread()
    assert run([tmp_path / "a.claims"], tmp_path / "cache")["k"].cached


def test_a_used_file_that_now_exists_is_read(tmp_path):
    write(tmp_path, a='use "later.claims"\n\nclaim k: forall x in R: f(x) = x^2\n')
    first = run([tmp_path / "a.claims"], tmp_path / "cache")
    assert first["use later.claims"].verdict is Verdict.ERROR
    write(tmp_path, later="let f(t) = t^2\n")
    second = run([tmp_path / "a.claims"], tmp_path / "cache")
    assert "use later.claims" not in second and second["k"].verdict is Verdict.PROVED


def test_a_symlink_to_another_used_file_is_followed(tmp_path):
    write(tmp_path, square="let f(t) = t^2\n", cube="let f(t) = t^3\n",
          a='use "defs.claims"\n\nclaim k: forall x in R: f(x) = x^2\n')
    os.symlink("square.claims", tmp_path / "defs.claims")
    assert run([tmp_path / "a.claims"], tmp_path / "cache")["k"].verdict is Verdict.PROVED
    os.unlink(tmp_path / "defs.claims")
    os.symlink("cube.claims", tmp_path / "defs.claims")
    k = run([tmp_path / "a.claims"], tmp_path / "cache")["k"]
    assert k.verdict is Verdict.REFUTED and not k.cached


def test_an_edited_file_entry_or_claim_entry_is_not_read(tmp_path):
    write(tmp_path, a="claim k: forall x in R: x + x = 2*x\n\nclaim bad: forall x in R: x +\n")
    run([tmp_path / "a.claims"], tmp_path / "cache")
    db = sqlite3.connect(tmp_path / "cache" / DB_NAME)
    db.execute(f"UPDATE {TABLE} SET entry = replace(entry, 'expected', 'expected ')")
    db.commit()
    again = run([tmp_path / "a.claims"], tmp_path / "cache")
    assert again["k"].cached and not again["bad"].cached  # the file was read; the claim's own entry served
    db.execute("DELETE FROM results_v3")
    db.commit()
    db.close()
    assert not any(r.cached for r in run([tmp_path / "a.claims"], tmp_path / "cache").values())


def test_a_file_with_an_unknown_that_may_be_decided_later_has_no_file_entry(tmp_path, monkeypatch):
    from prove.verdict import Outcome

    write(tmp_path, a="claim k: forall x in R: x + x = 2*x\n")
    monkeypatch.setattr(runner, "_run_job", lambda job, limits, mb: Outcome.unknown(
        f"time limit of {limits.timeout:g} s exceeded; raise it with --timeout, or split the claim"))
    assert run([tmp_path / "a.claims"], tmp_path / "cache")["k"].verdict is Verdict.UNKNOWN
    db = sqlite3.connect(tmp_path / "cache" / DB_NAME)
    assert db.execute(f"SELECT COUNT(*) FROM {TABLE}").fetchone()[0] == 0
    db.close()
    monkeypatch.undo()
    k = run([tmp_path / "a.claims"], tmp_path / "cache")["k"]
    assert k.verdict is Verdict.PROVED and not k.cached
