"""`prove --html r.html examples/`, opened in a real headless browser (Debian's
chromium): every picture is laid out at its size and has drawn content, the grid
has one row per file, and the pictures the issue names are there.

The report itself has no script; the test measures a copy of it with one
script added at its end, which writes what it measured into the page, and
reads the page back with `--dump-dom`.  Skipped where no chromium is installed
(`.ci/run` tries to install it)."""

import json
import os
import re
import shutil
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = pytest.mark.skipif(BROWSER is None, reason="no chromium on this machine: "
                                "`apt-get install chromium` to open the HTML report in a browser")

MEASURE = """<script>
const out = [];
for (const svg of document.querySelectorAll('svg, img')) {
  const box = svg.getBoundingClientRect();
  const inner = svg.tagName.toLowerCase() === 'svg' ? svg.getBBox() : {width: svg.naturalWidth, height: svg.naturalHeight};
  const section = svg.closest('section');
  out.push({tag: svg.tagName.toLowerCase(), claim: section ? section.querySelector('h3').textContent : '',
            width: box.width, height: box.height, want_width: Number(svg.getAttribute('width')),
            want_height: Number(svg.getAttribute('height')), drawn_width: inner.width, drawn_height: inner.height,
            complete: svg.tagName.toLowerCase() === 'img' ? svg.complete : true,
            title: svg.querySelector('title') ? svg.querySelector('title').textContent : ''});
}
const rows = document.querySelectorAll('#grid tbody tr').length;
const pre = document.createElement('pre');
pre.id = 'measured';
pre.textContent = JSON.stringify({pictures: out, rows: rows});
document.body.appendChild(pre);
</script>"""


@pytest.fixture(scope="module")
def measured(tmp_path_factory):
    folder = tmp_path_factory.mktemp("browser")
    report = folder / "report.html"
    env = dict(os.environ, PROVE_CACHE_DIR=str(folder / "cache"))
    run = subprocess.run([sys.executable, "-m", "prove", "--html", str(report), "examples/"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    page = report.read_text(encoding="utf-8")
    copy = folder / "measured.html"
    copy.write_text(page.replace("</body>", MEASURE + "</body>"), encoding="utf-8")
    dump = subprocess.run([BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                           "--disable-component-update", "--disable-sync", "--no-first-run",
                           f"--user-data-dir={folder / 'profile'}", "--window-size=1200,900", "--dump-dom",
                           copy.as_uri()], capture_output=True, text=True, timeout=180)
    found = re.search(r'<pre id="measured">(.*?)</pre>', dump.stdout, re.S)
    assert found, "the browser did not run the measuring script: " + dump.stderr[-2000:]
    return page, json.loads(unescape(found.group(1)))


def test_every_picture_is_rendered_at_its_size(measured):
    _, data = measured
    pictures = data["pictures"]
    assert len(pictures) >= 40
    for p in pictures:
        assert p["complete"], p
        assert abs(p["width"] - p["want_width"]) < 1 and abs(p["height"] - p["want_height"]) < 1, p
        assert p["drawn_width"] > 20 and p["drawn_height"] > 20, p  # something was drawn inside it


def test_the_grid_has_one_row_per_file(measured):
    _, data = measured
    files = sorted(ROOT.glob("examples/*.claims"))
    assert data["rows"] == len(files)


def test_the_named_pictures_are_there(measured):
    page, data = measured
    by_claim = {}
    for p in data["pictures"]:
        by_claim.setdefault(p["claim"], []).append(p["title"])
    assert by_claim["zero_gradient_sufficient_quadratic"] == ["g near w = 0"]  # the homework's -w^2
    assert "g(w) = -w^2, w0 = 0" in page
    assert any(t.startswith("contours of g") for t in by_claim["second_order_test_wrong"])
    assert by_claim["dag_edge_bound"] == ["G"]
    assert by_claim["softmax_offdiagonal_as_written"] == ["calc chain"]
    section = re.search(r"<h3>softmax_offdiagonal_as_written</h3>.*?</section>", page, re.S).group(0)
    assert ">refuted</text>" in section and "the left side is -1/4 and the right side 1/2" in section
