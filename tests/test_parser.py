"""The grammar: the brief parses, positions are right, errors are positioned."""

from fractions import Fraction

import pytest

from prove import ast as A
from prove.errors import ProveError, format_error
from prove.parser import parse, parse_tolerant

from conftest import DATA


def test_every_example_of_the_brief_parses():
    text = (DATA / "brief.claims").read_text()
    module, bad = parse_tolerant(text, "brief.claims")
    assert bad == []
    names = [i.name for i in module.items if isinstance(i, A.ClaimDecl)]
    assert "softmax_jacobian" in names and "level_set_orthogonality" in names
    assert len(names) == 24


def test_nodes_carry_their_spans():
    module = parse("claim a:\n  diff(sigmoid(x), x) = 1")
    claim = module.items[0]
    call = claim.body.operands[0]
    assert (call.span.line, call.span.column) == (2, 3)
    assert call.args[1].span.column == 20


@pytest.mark.parametrize("text, value", [
    ("2*w", "*"), ("2w", "*"), ("w^2", "^"), ("w**2", "^"),
])
def test_lexical_forms(text, value):
    body = parse(f"claim a: {text} = 0").items[0].body
    assert body.operands[0].op == value


def test_decimals_are_exact():
    body = parse("claim a: x = 0.25").items[0].body
    assert body.operands[1].value == Fraction(1, 4)


def test_comparison_chains_and_connectives():
    body = parse("claim a: 0 < x <= 1 and not y = 2 -> x = 1 <-> y = 2").items[0].body
    assert isinstance(body, A.Iff)
    assert isinstance(body.left, A.Implies)
    assert body.left.left.operands[0].ops == ("<", "<=")


def test_quantifier_body_extends_right():
    body = parse("claim a: forall G in graphs(nodes <= 3): acyclic(G) <-> exists p in orders(G): topological(p, G)").items[0].body
    assert isinstance(body, A.Quant) and isinstance(body.body, A.Iff)
    assert isinstance(body.body.right, A.Quant) and body.body.right.kind == "exists"


def test_matrix_spaces():
    body = parse("claim a: forall A in R^(3x3), X in R^(m x n), B in R^(2 x 4): A = A").items[0].body
    shapes = [b.domain.shape for b in body.binders]
    assert shapes == [(3, 3), ("m", "n"), (2, 4)]


def test_calc_chain_steps_have_lines():
    text = "claim c:\n  calc x^2\n     = x * x\n     = x^2   by sympy\n"
    calc = parse(text).items[0].body
    assert [s.span.line for s in calc.steps] == [3, 4]
    assert calc.steps[1].hints[0].name == "sympy"


def test_syntax_error_is_positioned_with_a_caret():
    text = "claim ok: x = x\nclaim bad: x + * 2 = 3\n"
    module, bad = parse_tolerant(text, "f.claims")
    assert [i.name for i in module.items] == ["ok"]
    (b,) = bad
    assert b.name == "bad"
    shown = format_error("f.claims", text, b.error)
    assert shown.splitlines()[0].startswith("f.claims:2:16: error: unexpected '*'")
    assert shown.splitlines()[2] == "                 ^"


def test_missing_right_hand_side():
    with pytest.raises(ProveError) as info:
        parse("claim a: x =")
    assert "ends too early" in info.value.message
    assert info.value.expected == "an expression"


@pytest.mark.parametrize("text, column", [
    ("claim s: " + " + ".join(["x"] * 500) + " = 500*x", 10),
    ("claim s: " + " + ".join(f"x{k}" for k in range(2000)) + " = 0", 10),
    ("claim s: " + "(1 + " * 1000 + "x" + ")" * 1000 + " = x", None),
    ("claim s: " + "exp(" * 300 + "x" + ")" * 300 + " > 0", None),
])
def test_deep_expressions_are_positioned_errors_not_recursion_errors(text, column):
    module, bad = parse_tolerant("claim before: x = x\n" + text + "\nclaim after: x = x\n")
    assert [i.name for i in module.items] == ["before", "after"]
    (b,) = bad
    assert b.name == "s" and b.error.message.startswith("expression nested too deeply: more than 100 levels")
    assert b.error.span.line == 2
    if column is not None:
        assert b.error.span.column == column


def test_brackets_alone_add_no_depth():
    claim = parse("claim s: " + "(" * 1000 + "x" + ")" * 1000 + " = x").items[0]
    assert claim.body.operands[0] == A.Name("x", span=A.Span.unknown())


def test_a_chain_within_the_limit_parses():
    claim = parse("claim s: " + " + ".join(["x"] * 90) + " = 90*x").items[0]
    assert claim.body.operands[0].op == "+"


def test_a_statement_too_long_is_refused_before_parsing():
    text = "claim ok: x = x\nclaim long: x = " + "1" * 30000 + "\n"
    module, bad = parse_tolerant(text)
    assert [i.name for i in module.items] == ["ok"]
    assert bad[0].error.message.startswith("statement too long: 30016 characters")
    assert (bad[0].error.span.line, bad[0].error.span.column) == (2, 1)
