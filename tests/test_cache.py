"""The result cache: a second run answers from it, and any change to what a
claim depends on (its text, a `let`, a `use`d lemma file, the limits, the
tool) checks that claim again, and only that claim.  Every test has its own
cache folder (tests/conftest.py and `tmp_path`); nothing here depends on time."""

import json
import multiprocessing as mp
import os
import re
import sqlite3
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from prove.backends.base import Limits
from prove.cache import DB_NAME, TABLE, ResultCache, cache_dir, storable
from prove.runner import check_paths
from prove.verdict import Outcome, Verdict

ROOT = Path(__file__).resolve().parent.parent

DEFS = """let sq(t) = t * t

claim sq_twice:
  forall x in R: sq(x) + sq(x) = 2 * x^2
"""

MAIN = """use "defs.claims"

let c = 3

claim cites:
  forall y in R:
  calc sq(y) + sq(y)
     = 2 * y^2   by lemma sq_twice

claim uses_c:
  forall x in R: c * x = 3 * x

claim alone:
  forall x in R: x + x = 2 * x

claim alone_wrong:
  forall x in R: x + x = 3 * x
  expect refuted
"""


def run(paths, cache_folder, limits=Limits()):
    return {r.name: r for r in check_paths([str(p) for p in paths], limits, 1, cache=ResultCache(cache_folder))}


def cli(*args, env_dir, cwd=None):
    env = dict(os.environ, PROVE_CACHE_DIR=str(env_dir)) if env_dir else {
        k: v for k, v in os.environ.items() if k != "PROVE_CACHE_DIR"}
    return subprocess.run([sys.executable, "-m", "prove", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd or ROOT, env=env, timeout=300)


@pytest.fixture
def project(tmp_path):
    folder = tmp_path / "hw"
    folder.mkdir()
    (folder / "defs.claims").write_text(DEFS)
    (folder / "main.claims").write_text(MAIN)
    return folder


def cached(results):
    return {name for name, r in results.items() if r.cached}


def test_a_second_run_gives_the_same_verdicts_from_the_cache(project, tmp_path):
    first = run([project / "main.claims"], tmp_path / "c")
    assert not cached(first)
    assert {n: r.verdict for n, r in first.items()} == {
        "cites": Verdict.PROVED, "uses_c": Verdict.PROVED, "alone": Verdict.PROVED,
        "alone_wrong": Verdict.REFUTED}
    second = run([project / "main.claims"], tmp_path / "c")
    assert cached(second) == set(first)
    for name, r in first.items():
        a, b = r.to_json(), second[name].to_json()
        assert (a.pop("cached"), b.pop("cached"), b.pop("seconds")) == (False, True, 0.0)
        a.pop("seconds")
        assert a == b  # verdict, witness, method, line, source: all the same


def test_editing_a_used_lemma_rechecks_exactly_the_claims_that_cite_it(project, tmp_path):
    run([project / "main.claims"], tmp_path / "c")
    (project / "defs.claims").write_text(DEFS.replace("sq(x) + sq(x) = 2 * x^2", "sq(x) + sq(x) = x^2 + x^2"))
    again = run([project / "main.claims"], tmp_path / "c")
    assert cached(again) == {"uses_c", "alone", "alone_wrong"}
    assert again["cites"].verdict is Verdict.PROVED


def test_a_lemma_edited_in_place_changes_the_key_of_its_citers_only(project, tmp_path):
    """The same positions, another lemma (now false): the citing claim's key must change."""
    from prove.cache import KeyMaker
    from prove.runner import tasks_for_file

    def keys():
        return {t.name: KeyMaker(Limits()).key(t.job)[:2] for t in tasks_for_file(project / "main.claims")}

    before = keys()
    run([project / "main.claims"], tmp_path / "c")
    (project / "defs.claims").write_text(DEFS.replace("= 2 * x^2", "= 2 * x^3"))
    after = keys()
    assert after["cites"][1] == before["cites"][1]  # same place: only the content tells them apart
    assert {n for n in before if before[n] != after[n]} == {"cites"}
    again = run([project / "main.claims"], tmp_path / "c")
    assert cached(again) == {"uses_c", "alone", "alone_wrong"}


def test_editing_a_let_rechecks_its_dependants_and_a_stale_proof_is_not_reused(project, tmp_path):
    run([project / "main.claims"], tmp_path / "c")
    (project / "main.claims").write_text(MAIN.replace("let c = 3", "let c = 4"))
    again = run([project / "main.claims"], tmp_path / "c")
    assert cached(again) == {"cites", "alone", "alone_wrong"}
    r = again["uses_c"]
    assert r.verdict is Verdict.REFUTED and not r.cached
    x = Fraction(r.witness["x"])
    assert 4 * x != 3 * x  # the witness refutes c * x = 3 * x with c = 4, by exact arithmetic


def test_the_same_claim_over_different_definitions_in_another_folder_is_checked_again(tmp_path):
    """Keys ignore the file's name (a claim shared by many submissions is checked once) but
    never its definitions: the same claim text over f = t^3 must not inherit f = t^2's proof."""
    for name, power in (("a", 2), ("b", 3), ("c", 2)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "defs.claims").write_text(f"let f(t) = t^{power}\n")
        (tmp_path / name / "s.claims").write_text('use "defs.claims"\n\nclaim k:\n  forall x in R: f(x) + f(x) = 2*x^2\n')
    a = run([tmp_path / "a" / "s.claims"], tmp_path / "cache")["k"]
    b = run([tmp_path / "b" / "s.claims"], tmp_path / "cache")["k"]
    c = run([tmp_path / "c" / "s.claims"], tmp_path / "cache")["k"]
    assert a.verdict is Verdict.PROVED and not a.cached
    assert b.verdict is Verdict.REFUTED and not b.cached
    x = Fraction(b.witness["x"])
    assert 2 * x**3 != 2 * x**2
    assert c.verdict is Verdict.PROVED and c.cached and c.file == str(tmp_path / "c" / "s.claims")


def test_a_claim_moved_down_keeps_its_verdict_at_its_new_line(project, tmp_path):
    run([project / "main.claims"], tmp_path / "c")
    (project / "main.claims").write_text(MAIN.replace('use "defs.claims"\n', 'use "defs.claims"\n\n# notes\n\n'))
    again = run([project / "main.claims"], tmp_path / "c")
    alone = again["alone_wrong"]
    assert alone.cached and alone.verdict is Verdict.REFUTED
    assert alone.line == MAIN.splitlines().index("claim alone_wrong:") + 1 + 3
    # A calc chain's result names the lines of its steps: moved, it is checked again, at its new lines.
    cites = again["cites"]
    assert not cites.cached and cites.verdict is Verdict.PROVED
    assert [s.line for s in cites.steps] == [MAIN.splitlines().index("     = 2 * y^2   by lemma sq_twice") + 1 + 3]


def test_changing_the_limits_or_the_tool_checks_again(project, tmp_path, monkeypatch):
    run([project / "main.claims"], tmp_path / "c")
    assert not cached(run([project / "main.claims"], tmp_path / "c", Limits(timeout=9.0)))
    assert not cached(run([project / "main.claims"], tmp_path / "c", Limits(memory_mb=2048)))
    import prove.cache

    monkeypatch.setattr(prove.cache, "_FINGERPRINT", "another version of the tool")
    assert not cached(run([project / "main.claims"], tmp_path / "c"))


def test_errors_and_unsettled_unknowns_are_never_stored_settled_unknowns_are(tmp_path):
    p = tmp_path / "u.claims"
    p.write_text("claim wrong_witness:\n  exists x in R: x^2 = 4\n  witness x = 3\n  expect unknown\n\n"
                 "claim by_z3:\n  forall x in R: sin(x) <= 1 by z3\n  expect unknown\n\n"
                 "claim bad: forall x in R: x +\n\nclaim ill: diff(x^2) = 2*x\n")
    first = run([p], tmp_path / "c")
    assert first["wrong_witness"].verdict is first["by_z3"].verdict is Verdict.UNKNOWN
    assert {r.verdict for n, r in first.items() if n not in ("wrong_witness", "by_z3")} == {Verdict.ERROR}
    second = run([p], tmp_path / "c")
    # "the witness fails" owes nothing to time, nor "Z3 refuses sin" (Z3 answered every check
    # it was asked): the same inputs give them again.  Errors get no claim entry: the file's
    # own entry (prove.filecache) gives them back while its text is unchanged.
    assert cached(second) == set(first)
    db = sqlite3.connect(tmp_path / "c" / DB_NAME)
    assert db.execute(f"SELECT COUNT(*) FROM {TABLE}").fetchone()[0] == 2
    db.close()
    assert second["wrong_witness"].reason == first["wrong_witness"].reason
    for outcome in (Outcome.unknown("time limit of 10 s exceeded; raise it with --timeout, or split the claim"),
                    Outcome.unknown("the memory limit of 4096 MB was exceeded"),
                    Outcome(Verdict.UNKNOWN, reason="the method cannot decide this"),  # not settled
                    Outcome(Verdict.UNKNOWN, reason="x", internal=True, settled=True),
                    Outcome.internal_error("the checker failed: ValueError: x"),
                    Outcome(Verdict.PROVED, internal=True)):
        assert storable(outcome) is None
        store = ResultCache(tmp_path / "direct")
        store.put("k", "p", [], outcome, 1.0)
        assert store.get("k", "p") is None


def test_an_unknown_reached_after_a_deadline_passed_is_not_settled(monkeypatch):
    """A clock that jumps a minute at each reading: every deadline has passed when it is
    looked at, as on a machine too loaded to finish.  That unknown must not be settled."""
    import itertools

    import prove.backends.base as base
    from prove.parser import parse
    from prove.runner import Job

    claim = Job(parse("claim c: forall x in R: exp(x) >= 1 + x").items[0], "<t>").elaborate()
    assert base.check(claim, Limits()).verdict is Verdict.PROVED  # given its time
    ticks = itertools.count()
    monkeypatch.setattr(base, "clock", lambda: 60.0 * next(ticks))
    out = base.check(claim, Limits())
    assert out.verdict is Verdict.UNKNOWN and not out.settled
    assert storable(out) is None
    monkeypatch.setattr(base, "_UNSETTLED", re.compile("(?!)"))  # the deadline alone must tell
    assert not base.check(claim, Limits()).settled


def test_an_unknown_after_z3_answered_unknown_is_not_settled(monkeypatch):
    """Z3 answering unknown (as it does at its time budget or memory cap) to any check
    makes the claim's unknown unsettled; answering every check, it stays settled."""
    import prove.backends.base as base
    from prove.parser import parse
    from prove.runner import Job

    claim = Job(parse("claim c: forall x in R: sin(x) <= 1 by z3").items[0], "<t>").elaborate()
    assert base.check(claim, Limits()).settled
    assert base._watch_z3()
    monkeypatch.setitem(base._Z3_CALLS, "Z3_solver_check_assumptions", lambda *args: 0)  # Z3_L_UNDEF
    monkeypatch.setattr(base, "_UNSETTLED", re.compile("(?!)"))  # the count alone must tell
    out = base.check(claim, Limits())
    assert out.verdict is Verdict.UNKNOWN and not out.settled


def test_a_time_limit_unknown_is_checked_again_next_time(tmp_path, monkeypatch):
    """The runner's own time-limit answer is never stored; the next run, with no limit hit, stores the proof."""
    import prove.runner as runner

    p = tmp_path / "t.claims"
    p.write_text("claim t: forall x in R: x + x = 2 * x\n")
    real = runner._run_job
    monkeypatch.setattr(runner, "_run_job", lambda job, limits, mb: Outcome.unknown(
        f"time limit of {limits.timeout:g} s exceeded; raise it with --timeout, or split the claim"))
    first = run([p], tmp_path / "c")["t"]
    assert first.verdict is Verdict.UNKNOWN
    monkeypatch.setattr(runner, "_run_job", real)
    second = run([p], tmp_path / "c")["t"]
    assert second.verdict is Verdict.PROVED and not second.cached
    assert run([p], tmp_path / "c")["t"].cached


def test_a_corrupt_cache_costs_the_caching_not_the_run(project, tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / DB_NAME).write_bytes(b"not a database at all" * 100)
    results = run([project / "main.claims"], folder)
    assert results["alone"].verdict is Verdict.PROVED and not cached(results)


def _hammer(folder: str, offset: int) -> None:
    store = ResultCache(folder)
    outcome = Outcome(Verdict.PROVED, method="test")
    for k in range(150):
        store.put(f"key{offset + k}", "place", [], outcome, 0.1)
        store.get(f"key{k}", "place")
    store.close()


def test_concurrent_writers_do_not_corrupt_the_cache(tmp_path):
    ctx = mp.get_context("fork")
    procs = [ctx.Process(target=_hammer, args=(str(tmp_path), 1000 * i)) for i in range(3)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(120)
        assert proc.exitcode == 0
    db = sqlite3.connect(tmp_path / DB_NAME)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute(f"SELECT COUNT(*) FROM {TABLE}").fetchone()[0] == 450


def test_two_concurrent_runs_share_one_cache(project, tmp_path):
    env = dict(os.environ, PROVE_CACHE_DIR=str(tmp_path / "shared"))
    cmd = [sys.executable, "-m", "prove", "--format", "json", "--jobs", "2", str(project / "main.claims")]
    runs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
            for _ in range(2)]
    outs = [r.communicate(timeout=300) for r in runs]
    assert [r.returncode for r in runs] == [0, 0], outs
    verdicts = [{c["name"]: c["verdict"] for c in json.loads(o)["claims"]} for o, _ in outs]
    assert verdicts[0] == verdicts[1]
    third = cli("--format", "json", project / "main.claims", env_dir=tmp_path / "shared")
    claims = json.loads(third.stdout)["claims"]
    assert {c["name"]: c["verdict"] for c in claims} == verdicts[0] and all(c["cached"] for c in claims)
    db = sqlite3.connect(tmp_path / "shared" / DB_NAME)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_cli_reports_cached_and_lives_beside_the_checked_files(project, tmp_path):
    first = cli(project / "main.claims", env_dir=None)
    assert first.returncode == 0 and "(cached)" not in first.stdout
    assert (project / ".prove_cache" / DB_NAME).is_file()
    second = cli(project / "main.claims", env_dir=None)
    lines = [l for l in second.stdout.splitlines() if ": alone_wrong: " in l]
    assert lines and lines[0].endswith("(cached)"), second.stdout
    assert second.stdout.splitlines()[-1] == first.stdout.splitlines()[-1]


def test_the_cache_folder_is_beside_the_checked_files_unless_the_environment_says(project, monkeypatch):
    monkeypatch.delenv("PROVE_CACHE_DIR", raising=False)
    assert cache_dir([project / "main.claims"]) == cache_dir([project]) == project / ".prove_cache"
    assert cache_dir([project / "main.claims", project.parent]) == project.parent / ".prove_cache"
    monkeypatch.setenv("PROVE_CACHE_DIR", str(project / "elsewhere"))
    assert cache_dir([project]) == project / "elsewhere"


def test_no_cache_neither_reads_nor_writes(project, tmp_path):
    out = cli("--no-cache", "--format", "json", project / "main.claims", env_dir=tmp_path / "c")
    assert out.returncode == 0 and not (tmp_path / "c").exists()
    cli(project / "main.claims", env_dir=tmp_path / "c")
    out = cli("--no-cache", "--format", "json", project / "main.claims", env_dir=tmp_path / "c")
    assert not any(c["cached"] for c in json.loads(out.stdout)["claims"])


def test_cache_clear(project, tmp_path):
    cli(project / "main.claims", env_dir=None)
    assert (project / ".prove_cache").is_dir()
    out = cli("cache", "clear", project, env_dir=None)
    assert out.returncode == 0 and "cleared" in out.stdout
    assert not (project / ".prove_cache").exists()
    again = cli("--format", "json", project / "main.claims", env_dir=None)
    assert not any(c["cached"] for c in json.loads(again.stdout)["claims"])
    assert "no cache" in cli("cache", "clear", tmp_path / "elsewhere", env_dir=None).stdout


def test_the_pytest_plugin_uses_the_cache_and_can_be_told_not_to(project, tmp_path):
    import importlib.metadata

    env = dict(os.environ, PROVE_CACHE_DIR=str(tmp_path / "c"),
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    installed = any(ep.name == "prove" for ep in importlib.metadata.entry_points(group="pytest11"))
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider",
           *([] if installed else ["-p", "prove.pytest_plugin"]), str(project / "main.claims"), "--junitxml"]
    outs = [subprocess.run(cmd + [str(tmp_path / f"{k}.xml")] + extra, capture_output=True, text=True,
                           env=env, cwd=tmp_path, timeout=300)
            for k, extra in enumerate([[], [], ["--claims-no-cache"]])]
    assert [o.returncode for o in outs] == [0, 0, 0], outs[0].stdout + outs[0].stderr
    xml = [(tmp_path / f"{k}.xml").read_text() for k in range(3)]
    assert 'name="cached"' not in xml[0]
    assert xml[1].count('name="cached"') == 4
    assert 'name="cached"' not in xml[2]


def test_an_entry_this_user_did_not_sign_is_not_read(project, tmp_path, monkeypatch):
    """A `.prove_cache/` shipped with a submission, or an entry edited by hand, is not
    trusted: the claims are checked again."""
    folder = tmp_path / "cache"
    first = run([project], folder)
    assert not cached(first)
    db = sqlite3.connect(folder / DB_NAME)
    db.execute(f"UPDATE {TABLE} SET outcome = replace(outcome, '\"refuted\"', '\"proved\"')")
    db.commit()
    db.close()
    again = run([project], folder)
    assert again["alone_wrong"].verdict is Verdict.REFUTED and not again["alone_wrong"].cached
    assert "alone" in cached(again)  # the entries left as they were still count
    monkeypatch.setenv("PROVE_CACHE_KEY", str(tmp_path / "someone_else.key"))
    assert not cached(run([project], folder))
