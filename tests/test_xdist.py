"""The pytest plugin under pytest-xdist: `pytest -n 2` on the examples gives the same
outcome and verdict for every item as `pytest`, and its two workers share one
result cache safely.

Both checking runs are real (no cache read).  To keep the test cheap they take
a representative subset of the examples, about 9 s of CPU each: a file of
each kind of claim that stays fast (analysis, with an `unknown`; graphs,
verified and refuted; `use` of lemma files).  The last run reads back what the
two workers wrote concurrently and must give the same again.
"""

import importlib.metadata
import os
import sqlite3
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from prove.cache import DB_NAME

pytest.importorskip("xdist", reason="pytest-xdist is not installed (pip install -e '.[test]')")

ROOT = Path(__file__).resolve().parent.parent
SUBSET = ["examples/analysis.claims", "examples/dag.claims", "examples/using_lemmas.claims"]


def _pytest(tmp_path, name: str, *args: str, cache: Path) -> dict:
    """Per item id: (outcome, verdict) from a fresh pytest's JUnit XML."""
    installed = any(ep.name == "prove" for ep in importlib.metadata.entry_points(group="pytest11"))
    env = dict(os.environ, PROVE_CACHE_DIR=str(cache),
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    xml = tmp_path / f"{name}.xml"
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider",
           *([] if installed else ["-p", "prove.pytest_plugin"]), "--claims-jobs", "1",
           "--junitxml", str(xml), *args, *SUBSET]
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env, timeout=600)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    items = {}
    for case in ET.parse(xml).getroot().iter("testcase"):
        outcome = next((child.tag for child in case if child.tag in ("failure", "error", "skipped")), "passed")
        props = {p.get("name"): p.get("value") for p in case.iter("property")}
        items[f"{case.get('classname')}::{case.get('name')}"] = (outcome, props.get("verdict"), "cached" in props)
    return items


def test_pytest_n_2_gives_the_same_outcomes_as_pytest(tmp_path):
    plain = _pytest(tmp_path, "plain", "--claims-no-cache", cache=tmp_path / "unused")
    shared = tmp_path / "shared"
    parallel = _pytest(tmp_path, "parallel", "-n", "2", cache=shared)  # both workers write one cache
    assert len(plain) > 60 and {v for _, v, _ in plain.values()} >= {"proved", "refuted", "verified", "unknown"}
    assert not any(c for _, _, c in plain.values()) and not any(c for _, _, c in parallel.values())
    assert {k: v[:2] for k, v in parallel.items()} == {k: v[:2] for k, v in plain.items()}
    db = sqlite3.connect(shared / DB_NAME)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()
    again = _pytest(tmp_path, "again", "-n", "2", cache=shared)
    assert {k: v[:2] for k, v in again.items()} == {k: v[:2] for k, v in plain.items()}
    assert sum(c for _, _, c in again.values()) >= len(again) - 2  # all but the unknowns needing a solver
