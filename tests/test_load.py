"""Verdicts do not depend on machine load.

The shipped examples are checked as a teaching assistant would (`prove
examples/ --jobs 2 --format json`), once on a quiet machine and once while two
CPU-bound processes compete for the cores; every claim must get the same
verdict both times.  Deselect with `-m "not load"`.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import ROOT

pytestmark = pytest.mark.load


def verdicts() -> tuple[dict, int]:
    done = subprocess.run([sys.executable, "-m", "prove", "examples/", "--jobs", "2", "--format", "json"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    doc = json.loads(done.stdout)
    return {f"{c['file']}::{c['name']}": c["verdict"] for c in doc["claims"]}, done.returncode


def test_examples_keep_their_verdicts_while_two_processes_compete_for_the_cpu():
    quiet, quiet_code = verdicts()
    assert quiet and quiet_code == 0
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
    try:
        loaded, loaded_code = verdicts()
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()
    changed = {claim: (quiet[claim], loaded.get(claim)) for claim in quiet if loaded.get(claim) != quiet[claim]}
    assert changed == {}, "verdicts changed under load (quiet, loaded): " + repr(changed)
    assert loaded.keys() == quiet.keys()
    assert loaded_code == 0
