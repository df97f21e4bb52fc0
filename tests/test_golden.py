"""Golden files: each `golden/NAME.claims` beside the report `NAME.out` that
`prove` must print for it (times left out). To accept a deliberate change of
output: `python tests/test_golden.py` rewrites the .out files; read the diff."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
CASES = sorted(GOLDEN.glob("*.claims"))


def report(path: Path) -> tuple[int, str]:
    out = subprocess.run([sys.executable, "-m", "prove", str(path.relative_to(ROOT)), "--jobs", "1",
                          "--color", "never"], capture_output=True, text=True, cwd=ROOT, timeout=300)
    return out.returncode, re.sub(r" \(\d+\.\d+s\)", "", out.stdout)


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_report_matches_golden_file(case):
    code, text = report(case)
    assert code == 0, text
    assert text == case.with_suffix(".out").read_text()


if __name__ == "__main__":
    for case in CASES:
        case.with_suffix(".out").write_text(report(case)[1])
        print(f"wrote {case.with_suffix('.out').relative_to(ROOT)}")
