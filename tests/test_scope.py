"""Scope: bound names, `let`s, calc `where`s and cited lemmas.

One capture-avoiding substitution is used for let expansion, calc `where`s
and lemma rewriting; a bound name shadows a `let`; a `where` never rebinds a
name; a lemma is used only where it was shown.  Each case is a claim that
came back `proved` (or `verified`) while false before these rules.
"""

import pytest

import prove
from prove import ast as A
from prove.claim import ModuleContext
from prove.elaborate import elaborate
from prove.parser import parse
from prove.verdict import Verdict

# Zero at every exact point the counterexample search tries first, so that a
# false step multiplied by it is not refuted before a hint is tried.
P = "let p(t) = t*(t-1)*(t+1)*(t-2)*(t+2)*(t-3)*(t-1/2)*(t+1/2)*(t-1/3)*(t-3/2)\n\n"


def results(text):
    return {r.name: r for r in prove.check(text)}


def expr(text):
    return parse(f"claim a: {text} = 0").items[0].body.operands[0]


# ------------------------------------------------------------ substitution


def _fresh_as(tree, shown: str):
    """The tree with every fresh name (it holds `#`) written `shown`."""
    def fn(node):
        if isinstance(node, A.Name) and "#" in node.id:
            return A.Name(shown, span=node.span)
        if isinstance(node, A.ArgBinder) and "#" in node.name:
            return A.ArgBinder(shown, node.domain, span=node.span)
        return None
    return A.rebuild(tree, fn)


@pytest.mark.parametrize("before, mapping, after", [
    # a binder that would capture the replacement is renamed apart
    ("sum(k in 1..3, x)", {"x": "k"}, "sum(FRESH in 1..3, k)"),
    ("sum(k, z[k] * x)", {"x": "k + 1"}, "sum(FRESH, z[FRESH] * (k + 1))"),
    ("sum(j in 1..n, x * j)", {"x": "k", "n": "m"}, "sum(j in 1..m, k * j)"),
    # a bound name shadows: nothing is replaced under its binder, only in its range
    ("sum(k in 1..3, k)", {"k": "y"}, "sum(k in 1..3, k)"),
    ("sum(k in 1..k, k)", {"k": "n"}, "sum(k in 1..n, k)"),
])
def test_substitution_renames_binders_apart(before, mapping, after):
    out = A.substitute(expr(before), {k: expr(v) for k, v in mapping.items()})
    assert _fresh_as(out, "FRESH") == expr(after)
    if "FRESH" in after:
        assert out != expr(after.replace("FRESH", "k"))


def test_quantifier_binders_and_their_dimensions_are_renamed_together():
    body = parse("claim a: forall n >= 1, z in R^n: sum(z) = x").items[0].body
    out = A.substitute(body, {"x": A.Name("n", span=A.Span.unknown())})
    (n, z) = out.binders
    assert n.name.startswith("n#") and z.domain.shape == (n.name,)
    assert out.body.operands[1] == A.Name("n", span=A.Span.unknown())
    assert A.free_vars(out) == {"n", "sum"}


def test_fresh_names_cannot_be_written_in_a_claim():
    out = A.substitute(expr("sum(k in 1..3, x)"), {"x": expr("k")})
    fresh = out.args[0].name
    assert fresh != "k"
    # `#` opens a comment: written in a claim, the fresh name is cut short
    from prove.parser import parse_tolerant

    module, _ = parse_tolerant(f"claim a: {fresh} = 1\nclaim b: forall {fresh} in R: {fresh} = 1\n")
    names = {n.id for item in module.items for n in A.walk(item.body) if isinstance(n, A.Name)}
    assert fresh not in names


# --------------------------------------------------- class 4: let vs bound


@pytest.mark.parametrize("text, verdict", [
    ("let c = 3\nclaim t: forall c in R: c*2 = 6", Verdict.REFUTED),
    ("let f(x) = x^2\nclaim t: forall f: R -> R, x in R: diff(f(x), x) = 2*x", Verdict.REFUTED),
    ("let c = 3\nclaim t: forall c in R where c = 2: c * 3 = 6", Verdict.PROVED),
    ("let k = 5\nclaim t: forall n >= 1, z in R^n: sum(k in 1..n, z[k]) = sum(j in 1..n, z[j])", None),
    ("let k = 5\nclaim t: forall n >= 1, z in R^n: sum(k, z[k]) = sum(j, z[j])", None),
    ("let x = 5\nlet sq(x) = x * x\nclaim t: convex(sq)", Verdict.PROVED),
    ("let v = 1\nclaim t: forall G in graphs(nodes <= 3), v in nodes(G): indegree(G, v) >= 0", None),
    ("let p = 1\nclaim t: forall G in graphs(nodes <= 3), p in orders(G):"
     " topological(p, G) -> acyclic(G)", None),
])
def test_a_bound_name_shadows_a_let(text, verdict):
    (r,) = prove.check(text)
    if verdict is None:
        assert r.verdict in (Verdict.PROVED, Verdict.VERIFIED), (r.verdict, r.reason)
    else:
        assert r.verdict is verdict, (r.verdict, r.reason)


def test_shadowed_let_refutation_has_the_bound_variables_witness():
    (r,) = prove.check("let c = 3\nclaim t: forall c in R: c*2 = 6")
    assert r.witness == {"c": "0"}


def test_a_let_whose_free_name_is_bound_at_its_use_is_an_error_there():
    (r,) = prove.check("let scale(x) = a * x\n\nclaim t:\n  forall a in R: scale(a) = a^2\n")
    assert r.verdict is Verdict.ERROR
    assert (r.line, r.column) == (4, 18)
    assert "uses 'a', which is bound here" in r.reason


def test_let_arguments_are_substituted_without_capture():
    # inside `twice`, k is its own sum index; the argument's k is the claim's
    (r,) = prove.check("let twice(x) = sum(k in 1..2, x)\nclaim t: forall k in R: twice(k) = 2*k")
    assert r.verdict is Verdict.PROVED, r.reason


# ------------------------------------------------------ class 5: where rebinding


@pytest.mark.parametrize("text, line, column, words", [
    ("claim t:\n  forall x in R:\n  calc x^2 where x = 2\n     = 4\n", 3, 18, "x is already bound"),
    ("claim t:\n  calc y^2 where y = 2\n     = 4\n", 2, 18, "y is already bound"),
    ("let c = 3\nclaim t:\n  forall x in R:\n  calc x * c where c = 2\n     = 2 * x\n", 4, 20,
     "already bound by `let c`"),
    ("claim t:\n  forall x in R:\n  calc x + 1 where a = 2\n     = x + a - 1\n     where a = 3\n     = x\n",
     5, 12, "an earlier `where`"),
])
def test_a_where_that_rebinds_a_name_is_an_error_at_the_name(text, line, column, words):
    (r,) = prove.check(text)
    assert r.verdict is Verdict.ERROR, (r.verdict, r.reason)
    assert (r.line, r.column) == (line, column)
    assert words in r.reason and "new name" in r.reason


def test_a_where_with_a_new_name_still_works():
    (r,) = prove.check("claim t:\n  forall x in R:\n  calc x^2 + 2*x where b = x + 1\n     = b^2 - 1\n")
    assert r.verdict is Verdict.PROVED


# -------------------------------------------------- class 3: lemma capture

SUM_LEMMA = P + "claim sumlemma:\n  forall x in R: sum(k in 1..3, x) = 3*x\n\n"


@pytest.mark.parametrize("step", [
    # matching: x cannot stand for the sum's own k
    "  forall k in R:\n  calc p(k) * (3*k)\n     = p(k) * sum(k in 1..3, k)   by lemma sumlemma\n",
    # substitution: k put for x is not captured by the lemma's own sum index
    "  forall k in R:\n  calc p(k) * (3*k)\n     = p(k) * 6   by lemma sumlemma\n",
    # the same with other names
    "  forall j in R:\n  calc p(j) * sum(j in 1..3, j)\n     = p(j) * (3*j)   by lemma sumlemma\n",
])
def test_lemma_rewriting_never_captures_a_variable(step):
    r = results(SUM_LEMMA + "claim t:\n" + step)["t"]
    assert r.verdict not in (Verdict.PROVED, Verdict.VERIFIED), r.method


def test_the_same_lemma_still_rewrites_a_true_step():
    r = results(SUM_LEMMA + "claim t:\n  forall y in R:\n  calc p(y) * sum(j in 1..3, y)\n"
                "     = p(y) * (3*y)   by lemma sumlemma\n")["t"]
    assert r.verdict is Verdict.PROVED


def test_the_rewrite_renames_the_lemmas_binder_apart():
    from dataclasses import replace

    from prove.runner import tasks_for_text
    from prove.backends.calc.lemma import _rewrite
    from prove.claim import Family

    text = SUM_LEMMA + "claim t:\n  forall k in R:\n  calc 3*k\n     = 3*k   by lemma sumlemma\n"
    task = [t for t in tasks_for_text(text, "<text>") if t.name == "t"][0]
    lemma = task.claim.lemmas["sumlemma"].claim
    left, right = lemma.body.operands
    out, _ = _rewrite(task.claim.body.first, right, left, lemma, replace(task.claim, family=Family.IDENTITY))
    (binder, term) = out.args
    assert binder.name != "k" and "#" in binder.name
    assert term == A.Name("k", span=A.Span.unknown())


# ------------------------------------------- class 7: lemmas and their ranges

FROM_TWO = P + "claim from_two:\n  forall n >= 2, z in R^n: max(sum(z*0 + 1), 2) = sum(z*0 + 1)\n\n"
UP_TO_FOUR = P + "claim up_to_four:\n  forall n >= 1, A in R^(n x n): max(trace(A*0 + 1), 4) = 4\n\n"


def test_a_lemma_for_n_from_2_is_not_used_at_n_1():
    # at n = 1 the step is p(x) * 2 = p(x) * 1: false at x = 4
    r = results(FROM_TWO + "claim t:\n  forall n >= 1, z in R^n, x in R:\n"
                "  calc p(x) * max(sum(z*0 + 1), 2)\n     = p(x) * sum(z*0 + 1)   by lemma from_two\n")["t"]
    assert r.verdict not in (Verdict.PROVED, Verdict.VERIFIED), (r.verdict, r.bound)
    if r.verdict is Verdict.UNKNOWN:
        assert "from_two" in r.reason and "n = 1" in r.reason


def test_a_lemma_for_n_from_2_is_used_for_a_step_from_2():
    r = results(FROM_TWO + "claim t:\n  forall n >= 2, z in R^n, x in R:\n"
                "  calc p(x) * max(sum(z*0 + 1), 2)\n     = p(x) * sum(z*0 + 1)   by lemma from_two\n")["t"]
    assert r.verdict is Verdict.VERIFIED and r.bound.startswith("n = 2..")


def test_a_step_is_verified_at_most_as_far_as_its_lemma():
    # the lemma holds for n <= 4 only (and is verified for n = 1..4): the step is false at n = 5
    r = results(UP_TO_FOUR + "claim t:\n  forall n >= 1, z in R^n, x in R:\n"
                "  calc p(x) * max(trace(outer(z, z)*0 + 1), 4) + norm(z)^2\n"
                "     = p(x) * 4 + dot(z, z)   by lemma up_to_four\n")["t"]
    if r.verdict is Verdict.REFUTED:  # the search finds where it is false
        assert int(r.witness["n"]) >= 5, r.witness
        return
    assert r.verdict is Verdict.VERIFIED, (r.verdict, r.reason)
    assert r.bound == "n = 1..4"
    assert r.steps[0].reason == "bound: n = 1..4"


def test_a_lemma_verified_up_to_4_does_not_apply_at_a_concrete_size_6():
    r = results(UP_TO_FOUR + "claim t:\n  forall z in R^6, x in R:\n"
                "  calc p(x) * max(trace(outer(z, z)*0 + 1), 4)\n     = p(x) * 4   by lemma up_to_four\n")["t"]
    assert r.verdict not in (Verdict.PROVED, Verdict.VERIFIED)


# ---------------------------------------------------- issue 11: elaboration guards

BOMB = "".join(f"let f{k}(x) = f{k - 1}(x) * f{k - 1}(x)\n" for k in range(1, 21))


@pytest.mark.parametrize("depth", [18, 20])
def test_a_let_chain_that_doubles_is_a_positioned_error(depth):
    text = "let f0(x) = x\n" + BOMB + f"\nclaim bomb:\n  f{depth}(y) = y\n\nclaim fine: f3(y) = y^8\n"
    r = results(text)
    assert r["bomb"].verdict is Verdict.ERROR
    assert "definition expands past 100000 nodes" in r["bomb"].reason
    assert (r["bomb"].line, r["bomb"].column) == (24, 3)
    assert r["fine"].verdict is Verdict.PROVED


def test_a_let_defined_through_itself_is_an_error():
    (r,) = prove.check("let f(x) = g(x) + 1\nlet g(x) = f(x) * 2\nclaim t: f(y) = y\n")
    assert r.verdict is Verdict.ERROR and "defined through itself (f -> g -> f)" in r.reason


@pytest.mark.parametrize("target", ["/etc/passwd", "../outside.claims", "link.claims", "../../x.claims",
                                    "notes.txt"])
def test_use_stays_inside_the_files_folder(tmp_path, target):
    (tmp_path / "outside.claims").write_text("let secret_word(x) = x\nclaim leaked_name: x = x\n")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "link.claims").symlink_to(tmp_path / "outside.claims")
    (sub / "notes.txt").write_text("claim n: x = x\n")
    path = sub / "u.claims"
    path.write_text(f'use "{target}"\n\nclaim t: x = x\n')
    res = prove.check_file(path)
    errors = [r for r in res if r.verdict is Verdict.ERROR]
    assert len(errors) == 1 and (errors[0].line, errors[0].column) == (1, 1)
    shown = " ".join(str(v) for r in res for v in (r.reason, r.name, r.source, r.method))
    assert "secret_word" not in shown and "leaked_name" not in shown and "root:" not in shown
    assert [r.verdict for r in res if r.name == "t"] == [Verdict.PROVED]


def test_use_of_a_file_below_the_files_folder_works(tmp_path):
    (tmp_path / "defs").mkdir()
    (tmp_path / "defs" / "d.claims").write_text("let double(x) = 2 * x\n")
    (tmp_path / "u.claims").write_text('use "defs/d.claims"\n\nclaim t: double(x) = x + x\n')
    (r,) = prove.check_file(tmp_path / "u.claims")
    assert r.verdict is Verdict.PROVED


@pytest.mark.parametrize("claim, argument", [
    ("forall x in R: convex(x^3)", "x^3"),
    ("forall x in R: local_min(x^2, 0)", "x^2"),
    ("forall w in R: stationary(w^2, w)", "w^2"),
    ("forall x in R: grad(x^2)(1) = 2", "x^2"),
    ("strictly_convex(exp(1))", "exp(1)"),
    ("forall f: R -> R: convex(f(2))", "f(2)"),
])
def test_a_function_argument_without_a_free_variable_is_an_error_there(claim, argument):
    (r,) = prove.check(f"claim t: {claim}")
    assert r.verdict is Verdict.ERROR, (r.verdict, r.reason)
    assert r.column == len("claim t: ") + claim.index(argument) + 1
    assert "a function is expected here" in r.reason


def test_elaborate_keeps_its_signature():
    module = parse("let sq(t) = t * t\nclaim a: forall t in R: sq(t + 1) = (t + 1)^2")
    ctx = ModuleContext(lets={i.name: i for i in module.items if isinstance(i, A.Let)})
    claim = elaborate(module.items[-1], "t.claims", ctx)
    assert [v.name for v in claim.variables] == ["t"]
