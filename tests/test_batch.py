"""A batch run over a folder of many files, some of them hostile: one bad
file costs only itself, the run ends within its limits, no traceback."""

import json
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT, JOBS = 5, 2


def good_files(folder: Path) -> dict[str, str]:
    """30 one-claim files; each claim's expected verdict by name."""
    expected = {}
    for k in range(30):
        if k % 3 == 2:
            text = f"claim wrong_{k}: x + {k} = x\n  expect refuted\n"
            expected[f"wrong_{k}"] = "refuted"
        else:
            text = f"claim power_{k}: diff(x^{k + 2}, x) = {k + 2}*x^{k + 1}\n"
            expected[f"power_{k}"] = "proved"
        (folder / f"good_{k:02}.claims").write_text(text)
    return expected


def bad_files(folder: Path) -> None:
    deep = "(1 + " * 300 + "x" + ")" * 300
    (folder / "bad_deep.claims").write_text(f"claim deep: {deep} = x + 300\n")
    terms = " + ".join(f"x{k}" for k in range(2000))
    (folder / "bad_sum.claims").write_text(f"claim big_sum: {terms} = 0\n")
    lets = ["let f0(x) = x + 1"] + [f"let f{k}(x) = f{k - 1}(x) * f{k - 1}(x)" for k in range(1, 19)]
    (folder / "bad_let_bomb.claims").write_text("\n".join(lets) + "\nclaim bomb: f18(x) >= 0\n")
    noise = random.Random(11)
    (folder / "bad_binary.claims").write_bytes(bytes(noise.randrange(256) for _ in range(4000)))
    (folder / "bad_latin1.claims").write_bytes("claim caf\xe9: x = x\n".encode("latin-1"))


def test_bad_files_cost_only_themselves(tmp_path):
    expected = good_files(tmp_path)
    bad_files(tmp_path)
    start = time.monotonic()
    out = subprocess.run([sys.executable, "-m", "prove", str(tmp_path), "--format", "json",
                          "--timeout", str(TIMEOUT), "--jobs", str(JOBS)],
                         capture_output=True, text=True, cwd=ROOT, timeout=600)
    elapsed = time.monotonic() - start
    assert "Traceback" not in out.stdout + out.stderr
    assert out.returncode == 1
    claims = json.loads(out.stdout)["claims"]

    good = {c["name"]: c for c in claims if Path(c["file"]).name.startswith("good_")}
    assert {name: c["verdict"] for name, c in good.items()} == expected
    assert all(c["as_expected"] and not c["internal"] for c in good.values())

    bad = [c for c in claims if Path(c["file"]).name.startswith("bad_")]
    assert sorted({Path(c["file"]).name for c in bad}) == [
        "bad_binary.claims", "bad_deep.claims", "bad_latin1.claims", "bad_let_bomb.claims", "bad_sum.claims"]
    for c in bad:
        if c["verdict"] == "error":
            assert c["line"] >= 1 and c["column"] >= 1, c
        else:  # only the let bomb may run out of time instead of being refused
            assert c["verdict"] == "unknown" and "time limit" in c["reason"] and not c["internal"], c
    by_file = {Path(c["file"]).name: c for c in bad}
    assert "nested too deeply" in by_file["bad_deep.claims"]["reason"]
    assert "nested too deeply" in by_file["bad_sum.claims"]["reason"]
    assert by_file["bad_latin1.claims"]["reason"].startswith("not a UTF-8 text file")
    assert (by_file["bad_latin1.claims"]["line"], by_file["bad_latin1.claims"]["column"]) == (1, 10)

    # The bound for the whole run: every claim at its limit, spread over the jobs, plus 10 s.
    assert elapsed < len(claims) * TIMEOUT / JOBS + 10


# ------------------------------------------------ the limit counts CPU time


def test_a_claim_waiting_for_the_cpu_is_not_charged_for_the_wait():
    """A worker that has had no CPU (a loaded machine) keeps its claim past the
    limit in wall time, up to WALL_CAP times the limit; CPU time is what counts."""
    import subprocess
    import types

    from prove import runner

    idle = subprocess.Popen(["sleep", "30"])
    try:
        if runner.cpu_seconds(idle.pid) is None:
            pytest.skip("no /proc here: the limit counts wall time")
        slot = runner._Slot(process=types.SimpleNamespace(pid=idle.pid), conn=None, spawned=0.0, ready=True, job=0)
        slot.start(100.0, timeout=1.0)
        assert not slot.used_up(100.0 + 2.5, timeout=1.0)  # 2.5 s of wall, no CPU
        assert slot.deadline(1.0) > 102.5
        assert slot.used_up(100.0 + runner.WALL_CAP, timeout=1.0)
    finally:
        idle.kill()
        idle.wait()


def test_cpu_seconds_reads_the_work_a_process_did():
    import os
    import time

    from prove import runner

    before = runner.cpu_seconds(os.getpid())
    if before is None:
        pytest.skip("no /proc here")
    end = time.process_time() + 0.2
    while time.process_time() < end:
        pass
    assert runner.cpu_seconds(os.getpid()) - before >= 0.1


def test_wall_time_spent_before_the_backend_is_not_taken_from_its_limit(monkeypatch):
    """Elaboration that waits for the CPU (sleep stands in for a loaded machine)
    leaves the backend the claim's whole CPU limit, so its verdict does not depend on load."""
    import prove.backends.base
    from prove import runner
    from prove.backends.base import Limits

    (task,) = runner.tasks_for_text("claim t: x + x = 2*x\n", "<text>")
    real = runner._elaborate
    given = []

    def slow_elaborate(job):
        time.sleep(0.5)
        return real(job)

    def check(claim, limits):
        given.append(limits.timeout)
        return prove.backends.base.Outcome.unknown("stub")

    monkeypatch.setattr(runner, "_elaborate", slow_elaborate)
    monkeypatch.setattr(prove.backends.base, "check", check)
    runner._run_job(task.job, Limits(timeout=0.6), 1024)
    assert given and given[0] > 0.45, given
