"""The HTML report (`prove --html FILE`), read without a browser: self-contained,
well-formed, escaping the untrusted claim files, one grid row per file, a picture
for each kind of refutation, and never a changed verdict or exit code."""

import json
import re
import xml.etree.ElementTree as ET
from fractions import Fraction

import pytest
import sympy as sp

from prove.cli import main
from prove.figure import (Figure, HEADS, Unplottable, expr_of, function_figure, graph_figure, sides_figure,
                          tree_of)
from prove.report_html import render
from prove.report_html.pictures import find_cycle, layers
from prove.verdict import Result, Step, Verdict

FUNCTIONS = """\
claim zero_gradient_quadratic:   # <script>alert("a")</script> & co
  forall g in poly(w, degree <= 2), w0 in R:
    grad(g)(w0) = 0 -> local_min(g, w0)
  expect refuted

claim second_order_test_wrong:
  forall g in poly([x, y], degree <= 3):
    grad(g)([0, 0]) = 0 and psd(hessian(g)([0, 0])) -> local_min(g, [0, 0])
  expect refuted

claim sigmoid_wrong:
  diff(sigmoid(x), x) = sigmoid(x)^2
  expect refuted
"""

GRAPHS = """\
claim dag_edge_bound:
  forall G in graphs(nodes <= 6): acyclic(G) -> edges(G) <= nodes(G) - 1
  expect refuted

claim every_graph_acyclic:
  forall G in graphs(nodes <= 3): acyclic(G)
  expect refuted

claim chain:
  forall x in R:
  calc diff(x^3, x)
     = 3*x^2
     = 2*x^2
  expect refuted

claim square: diff(x^2, x) = 2*x
  expect refuted
"""

BROKEN = """\
claim broken: x </script><script>alert(1)</script> 1
"""


def sections(page: str) -> dict:
    """Claim name -> its section of the page."""
    return {re.search(r"<h3>(.*?)</h3>", s).group(1): s for s in re.findall(r"<section.*?</section>", page, re.S)}


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("html")
    (folder / "functions.claims").write_text(FUNCTIONS)
    (folder / "graphs.claims").write_text(GRAPHS)
    (folder / "broken.claims").write_text(BROKEN)
    out = folder / "report.html"
    code = main(["--no-cache", "--html", str(out), "--format", "json", str(folder)])
    return code, out.read_text(encoding="utf-8")


def test_the_report_is_self_contained_and_well_formed(report):
    _, page = report
    assert not re.search(r"https?://", page)
    assert "<script" not in page.lower().replace("&lt;script", "")
    assert not re.search(r'\b(src|href)="(?!#)', page)  # only links inside the page
    assert "@import" not in page and "url(" not in page.replace("url(#", "")
    ET.fromstring(page.split("\n", 1)[1])  # after the doctype, the page is well-formed XML


def test_untrusted_claim_text_is_escaped(report):
    _, page = report
    assert "&lt;script&gt;alert(&quot;a&quot;)&lt;/script&gt; &amp; co" in page
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_grid_has_one_row_per_file_and_marks_the_unexpected(report):
    _, page = report
    rows = re.findall(r'<tr class="file (as-expected|unexpected)"><th scope="row">([^<]*)</th>', page)
    assert sorted(p.rsplit("/", 1)[-1] for _, p in rows) == ["broken.claims", "functions.claims", "graphs.claims"]
    kinds = {p.rsplit("/", 1)[-1]: k for k, p in rows}
    assert kinds["graphs.claims"] == "unexpected" and kinds["functions.claims"] == "as-expected"
    assert 'title="square: proved (expected refuted)"' in page  # the cell of a claim not as expected
    assert "#only-unexpected:checked ~ main .as-expected{display:none}" in page


def test_each_kind_of_refutation_gets_its_picture(report):
    _, page = report
    s = sections(page)
    quad = s["zero_gradient_quadratic"]
    assert "g(w) = -w^2, w0 = 0" in quad and "<polyline" in quad and "w = 0" in quad
    assert "level lines of g" in s["second_order_test_wrong"] and "<path d=\"M" in s["second_order_test_wrong"]
    assert "left side" in s["sigmoid_wrong"] and "right side" in s["sigmoid_wrong"]
    assert "layered by longest path" in s["dag_edge_bound"] and s["dag_edge_bound"].count("<circle") == 3
    assert "cycle in red" in s["every_graph_acyclic"]
    chain = s["chain"]
    assert chain.count(">proved</text>") == 1 and chain.count(">refuted</text>") == 1
    assert "the left side is 3 and the right side 2" in chain
    assert "no picture" not in page


def test_the_report_changes_no_verdict_and_no_exit_code(report, tmp_path, capsys):
    code, page = report
    assert code == 1  # `square` is not as expected, with or without the report
    folder = tmp_path / "again"
    folder.mkdir()
    (folder / "graphs.claims").write_text(GRAPHS)
    capsys.readouterr()
    plain = main(["--no-cache", "--format", "json", str(folder)])
    verdicts = {c["name"]: c["verdict"] for c in json.loads(capsys.readouterr().out)["claims"]}
    assert plain == 1 and verdicts["square"] == "proved" and verdicts["chain"] == "refuted"
    for name, verdict in verdicts.items():
        assert f'<h3>{name}</h3><dl><dt>verdict</dt><dd><span class="v v-{verdict}">' in page


def test_a_picture_that_cannot_be_drawn_is_a_note(monkeypatch):
    odd = Figure("function", ("x",), (("gamma", ("s", "x")),), ("0",), label="f")
    nothing = function_figure("f", ("x",), sp.log(-1 - sp.Symbol("x") ** 2), (0,))
    results = [Result("odd", Verdict.REFUTED, expected="refuted", figure=odd, file="f.claims"),
               Result("nothing", Verdict.REFUTED, expected="refuted", figure=nothing, file="f.claims")]
    page = render(results)
    assert page.count('<p class="note">no picture:') == 2
    assert "gamma" in page and "no real value" in page

    def broken(*_):
        raise ZeroDivisionError
    monkeypatch.setattr("prove.report_html.page.calc_svg", broken)
    steps = (Step(3, Verdict.REFUTED, {"x": "1"}, "the left side is 3"),)
    page = render([Result("c", Verdict.REFUTED, expected="refuted", steps=steps, file="f.claims")])
    assert "no picture: ZeroDivisionError while drawing it" in page


def test_expression_trees_rebuild_only_listed_heads():
    x = sp.Symbol("x")
    e = -x ** 2 + sp.exp(-x) / 3 + sp.pi * sp.Abs(x - sp.Rational(1, 2))
    assert expr_of(tree_of(e), {"x": x}) == e
    with pytest.raises(Unplottable):
        expr_of(("__import__", ("n", "1")), {})
    with pytest.raises(Unplottable):
        expr_of(("s", "y"), {"x": x})
    with pytest.raises(Unplottable):
        tree_of(sp.gamma(x))
    assert "__import__" not in HEADS and all(h[0].isalpha() for h in HEADS)


def test_figures_survive_json_and_the_cache_keeps_them(tmp_path, monkeypatch):
    fig = sides_figure(["x", "y"], sp.Symbol("x") ** 2, sp.Rational(-3, 2), [Fraction(1, 3), 0])
    assert Figure.from_json(json.loads(json.dumps(fig.to_json()))) == fig
    assert graph_figure(2, {(2, 1), (1, 1)}).edges == ((1, 1), (2, 1))
    path = tmp_path / "c.claims"
    path.write_text(FUNCTIONS.split("\n\n")[0] + "\n")
    monkeypatch.setenv("PROVE_CACHE_DIR", str(tmp_path / "cache"))
    first, second = tmp_path / "1.html", tmp_path / "2.html"
    assert main(["--html", str(first), str(path)]) == 0
    assert main(["--html", str(second), str(path)]) == 0
    pages = [first.read_text(), second.read_text()]
    assert "<dt>time</dt><dd>cached</dd>" in pages[1]
    pictures = [re.search(r'<div class="figure">.*?</svg>', p, re.S).group(0) for p in pages]
    assert pictures[0] == pictures[1]


def test_graph_layout_layers_a_dag_and_finds_the_cycle():
    assert layers(3, [(1, 2), (2, 3), (1, 3)]) == {1: 0, 2: 1, 3: 2}
    assert find_cycle(3, [(1, 2), (2, 3)]) == []
    assert set(find_cycle(3, [(1, 2), (2, 3), (3, 1)])) == {(1, 2), (2, 3), (3, 1)}
    assert find_cycle(2, [(1, 2), (2, 2)]) == [(2, 2)]
    assert layers(3, [(1, 2), (2, 3), (3, 1)])[3] == 2  # the back edge is set aside
