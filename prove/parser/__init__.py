"""Text to syntax tree: the lark grammar (claims.lark) and the tree-to-AST step.

A file is parsed one statement at a time (`claim`, `let`, `use` start a
statement at the beginning of a line), so a syntax error costs only the
statement it is in: the others still parse and run.

Claim text is untrusted, so every statement is parsed under limits: at most
MAX_STATEMENT_CHARS characters (checked before lark runs) and at most
MAX_DEPTH levels of nesting in its tree (checked while the tree is built).
Lark's LALR parser and the tree-to-AST step are both iterative, so no input
can exhaust Python's stack here; the depth limit protects the stages after
this one (elaboration, the backends, pickling to a worker), which recurse
over the tree. A statement past a limit is a positioned error like any
syntax error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Union

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from prove import ast as A
from prove.errors import ClaimSyntaxError, ProveError

_STATEMENT_START = re.compile(r"^[ \t]*(claim|let|use)\b", re.M)

MAX_STATEMENT_CHARS = 20_000
MAX_DEPTH = 100  # levels of the syntax tree (operators, calls, quantifiers; brackets alone add none)


@lru_cache(maxsize=1)
def _parser() -> Lark:
    return Lark.open(
        "claims.lark",
        rel_to=__file__,
        parser="lalr",
        lexer="contextual",
        propagate_positions=True,
        maybe_placeholders=True,
        cache=False,
    )


@dataclass(frozen=True)
class BadStatement:
    """A statement that did not parse, kept so the report can place it."""

    error: ProveError
    name: str  # the claim's name when it could be read, else ""
    expect: str = ""  # its `expect` line when it could be read, else ""


def parse(text: str, path: str = "<text>") -> A.Module:
    """Parse a whole file, raising on the first syntax error."""
    module, bad = parse_tolerant(text, path)
    if bad:
        raise bad[0].error
    return module


def parse_tolerant(text: str, path: str = "<text>") -> tuple[A.Module, list[BadStatement]]:
    """Parse statement by statement; return the good ones and the bad ones."""
    items: list = []
    bad: list[BadStatement] = []
    starts = [m.start() for m in _STATEMENT_START.finditer(text)]
    leading = text[: starts[0]] if starts else text
    if leading.strip() and _strip_comments(leading).strip():
        starts.insert(0, 0)
    starts.append(len(text))
    for begin, end in zip(starts, starts[1:]):
        chunk = text[begin:end]
        # Blank out everything before the statement but keep its newlines, so
        # that lark's positions are positions in the file.
        padded = re.sub(r"[^\n]", " ", text[:begin]) + chunk
        try:
            _check_length(chunk, text, begin)
            items.extend(_to_ast(_parser().parse(padded)).children)
        except UnexpectedInput as exc:
            bad.append(BadStatement(_syntax_error(exc, padded), _claim_name(chunk), _expectation(chunk)))
        except ProveError as exc:
            bad.append(BadStatement(exc, _claim_name(chunk), _expectation(chunk)))
    return A.Module(path=path, text=text, items=tuple(items)), bad


def _check_length(chunk: str, text: str, begin: int) -> None:
    body = chunk.rstrip()
    if len(body) <= MAX_STATEMENT_CHARS:
        return
    line = text.count("\n", 0, begin) + 1
    column = begin - text.rfind("\n", 0, begin)
    raise ClaimSyntaxError(f"statement too long: {len(body)} characters, at most {MAX_STATEMENT_CHARS}",
                           A.Span(line, column, line, column + 1),
                           "a shorter statement (split it into several claims or `let` definitions)")


def parse_expression(text: str) -> A.Expr:
    """Parse one formula or expression (used for witnesses and the API)."""
    module = parse(f"claim _: {text}")
    return module.items[0].body


def _strip_comments(text: str) -> str:
    return re.sub(r"#[^\n]*", "", text)


def _expectation(chunk: str) -> str:
    """The verdict a statement that did not parse says it expects, if any."""
    m = re.search(r"^\s*expect\s+(proved|verified|refuted|unknown|error)\b", _strip_comments(chunk), re.M)
    return m.group(1) if m else ""


def _claim_name(chunk: str) -> str:
    m = re.match(r"\s*claim\s+([A-Za-z_][A-Za-z_0-9]*)", chunk)
    return m.group(1) if m else ""


# ------------------------------------------------------------ syntax errors

_READABLE = {
    "NAME": "a name",
    "NUMBER": "a number",
    "INT": "a whole number",
    "COEF_NAME": "a number",
    "COMPARE": "a comparison (= <= < >= > !=)",
    "QUANTIFIER": "forall/exists",
    "LPAR": "'('",
    "RPAR": "')'",
    "LSQB": "'['",
    "RSQB": "']'",
    "COLON": "':'",
    "COMMA": "','",
    "VERDICT": "a verdict (proved, verified, refuted, unknown)",
    "ESCAPED_STRING": "a quoted file name",
    "_IMPLIES": "'->'",
    "_IFF": "'<->'",
    "_POW": "'^'",
    "$END": "the end of the file",
}


def _readable(terminal: str) -> str:
    if terminal in _READABLE:
        return _READABLE[terminal]
    try:
        pattern = _parser().get_terminal(terminal).pattern
        return f"'{pattern.value}'" if pattern.type == "str" else terminal.lower()
    except KeyError:
        return terminal.lower()


_EXPRESSION_START = {"a name", "a number", "'('", "'['", "'{'", "'-'", "'+'", "'|'"}


def _expected_list(names) -> str:
    words = {_readable(n) for n in names}
    if {"a name", "a number"} <= words:
        words = (words - _EXPRESSION_START) | {"an expression"}
    words = sorted(words)
    if len(words) > 8:
        if "a name" in words or "a number" in words:
            return "an expression"
        words = words[:8] + ["..."]
    return ", ".join(words)


def _syntax_error(exc: UnexpectedInput, text: str) -> ClaimSyntaxError:
    line, column = exc.line, exc.column
    if isinstance(exc, UnexpectedToken) and exc.token.type == "$END":
        # Point at the last character written rather than past the end.
        stripped = text.rstrip()
        line = stripped.count("\n") + 1
        column = len(stripped) - stripped.rfind("\n")
        span = A.Span(line, column, line, column + 1)
        return ClaimSyntaxError("the statement ends too early", span, _expected_list(exc.expected))
    if isinstance(exc, UnexpectedEOF):
        stripped = text.rstrip()
        line = stripped.count("\n") + 1
        column = len(stripped) - stripped.rfind("\n")
        return ClaimSyntaxError("the statement ends too early", A.Span(line, column, line, column + 1),
                                _expected_list(exc.expected))
    if isinstance(exc, UnexpectedCharacters):
        char = text[exc.pos_in_stream] if exc.pos_in_stream < len(text) else "?"
        span = A.Span(line, column, line, column + 1)
        allowed = exc.allowed or set()
        return ClaimSyntaxError(f"unexpected character {char!r}", span,
                                _expected_list(allowed) if allowed else None)
    if isinstance(exc, UnexpectedToken):
        named = _known_mistake(exc, text)
        if named is not None:
            return named
        tok = exc.token
        width = max(len(str(tok)), 1)
        span = A.Span(line, column, line, column + width)
        what = f"unexpected {str(tok)!r}"
        if tok.type in ("QUANTIFIER",) or str(tok) in ("claim", "let", "use"):
            what = f"unexpected keyword {str(tok)!r}"
        return ClaimSyntaxError(what, span, _expected_list(exc.expected))
    return ClaimSyntaxError(str(exc).splitlines()[0], A.Span(line or 1, column or 1, line or 1, (column or 1) + 1))


# Mistakes common enough to name, with their fix: `==` and `=>` from other
# languages, and a quantified variable written without its domain.
_OTHER_LANGUAGE = {"==": "`=` for equality", "=>": "`->` for implication"}
_UNDOMAINED = re.compile(r"\b(?:forall|exists!?)\s+(?:[^#]*?,\s*)?([A-Za-z_][A-Za-z_0-9]*'*)\s*(:\s*)?$")


def _position(text: str, offset: int) -> tuple[int, int]:
    return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)


def _known_mistake(exc: UnexpectedToken, text: str):
    """A ClaimSyntaxError that names the fix, or None for an ordinary one."""
    pos = exc.token.start_pos
    if pos is None:
        return None
    written = text[pos - 1: pos + 1] if pos >= 1 else ""
    if written in _OTHER_LANGUAGE and (pos < 2 or text[pos - 2] not in "<>!="):
        line, column = _position(text, pos - 1)
        return ClaimSyntaxError(f"unexpected {written!r}; use {_OTHER_LANGUAGE[written]}",
                                A.Span(line, column, line, column + 2))
    expected = {_readable(n) for n in exc.expected}
    after_colon = expected and expected <= {"'R'", "'Z'"}
    after_name = "'in'" in expected and expected <= {"'in'", "'subset'", "':'", _READABLE["COMPARE"]}
    m = _UNDOMAINED.search(text, 0, pos)
    if m and (after_colon if m.group(2) else after_name):
        name = m.group(1)
        line, column = _position(text, m.start(1))
        return ClaimSyntaxError(f"the variable {name!r} has no domain: write `{name} in R` "
                                f"(or `{name} in R^n`, or `{name}: R -> R` for a function)",
                                A.Span(line, column, line, column + len(name)))
    return None


# ------------------------------------------------------------- tree -> AST


def _span(meta) -> A.Span:
    if getattr(meta, "empty", True):
        return A.Span.unknown()
    return A.Span(meta.line, meta.column, meta.end_line, meta.end_column, meta.start_pos, meta.end_pos)


def _tok_span(tok: Token) -> A.Span:
    return A.Span(tok.line, tok.column, tok.end_line, tok.end_column, tok.start_pos, tok.end_pos)


def _number(text: str) -> Fraction:
    return Fraction(text)  # exact: 0.25 is 1/4, never a float


def _to_ast(tree: Tree):
    """The lark tree to the AST, bottom up with an explicit stack (no recursion),
    refusing an AST deeper than MAX_DEPTH (rules that pass their one child
    through, like a pair of brackets, add no depth)."""
    builder = _ToAst()
    stack: list = [(tree, False)]
    values: list = []
    depths: list[int] = []
    while stack:
        node, expanded = stack.pop()
        if not isinstance(node, Tree):
            values.append(node)
            depths.append(0)
            continue
        if not expanded:
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(node.children))
            continue
        count = len(node.children)
        children, below = values[len(values) - count:], depths[len(depths) - count:]
        del values[len(values) - count:], depths[len(depths) - count:]
        method = _ToAst.RULES.get(str(node.data))
        value = method(builder, node.meta, children) if method else Tree(node.data, children, node.meta)
        passed = next((d for c, d in zip(children, below) if c is value), None)
        depth = passed if passed is not None else 1 + max(below, default=0)
        if depth > MAX_DEPTH:
            where = _span(node.meta)
            raise ClaimSyntaxError(f"expression nested too deeply: more than {MAX_DEPTH} levels of "
                                   "operators and calls",
                                   A.Span(where.line, where.column, where.line, where.column + 1),
                                   "a flatter expression (fewer terms in one chain, or split the claim)")
        values.append(value)
        depths.append(depth)
    return values[0]


class _ToAst:
    """One method per grammar rule (or alias): `rule(meta, children)` -> AST node."""

    # statements --------------------------------------------------------
    def use(self, meta, children):
        (tok,) = children
        if tok.type == "ESCAPED_STRING":
            return A.Use(target=tok[1:-1], is_file=True, span=_span(meta))
        return A.Use(target=str(tok), is_file=False, span=_span(meta))

    def let(self, meta, children):
        if len(children) == 3:
            name, params, body = children
        else:
            (name, body), params = children, None
        return A.Let(name=str(name), params=params, body=body, span=_span(meta))

    def let_params(self, meta, children):
        return tuple(str(c) for c in children)

    def claim(self, meta, children):
        name, body, *rest = children
        hints = tuple(c for c in rest if isinstance(c, A.Hint))
        expect = next((str(c.children[0]) for c in rest if hasattr(c, "data") and c.data == "expect"), None)
        return A.ClaimDecl(name=str(name), body=body, hints=hints, expect=expect,
                           span=_span(meta), name_span=_tok_span(name))

    # formulas ---------------------------------------------------------
    def iff_chain(self, meta, children):
        result = children[-1]
        for left in reversed(children[:-1]):
            result = A.Iff(left, result, span=_span(meta))
        return result

    def implies_right(self, meta, children):
        if len(children) == 1 or children[1] is None:
            return children[0]
        return A.Implies(children[0], children[1], span=_span(meta))

    def or_chain(self, meta, children):
        return children[0] if len(children) == 1 else A.Or(tuple(children), span=_span(meta))

    def and_chain(self, meta, children):
        return children[0] if len(children) == 1 else A.And(tuple(children), span=_span(meta))

    def not_(self, meta, children):
        return A.Not(children[0], span=_span(meta))

    def quant(self, meta, children):
        kind, binders, body = children
        return A.Quant(str(kind), binders, body, span=_span(meta))

    def binders(self, meta, children):
        return tuple(children)

    def member_binder(self, meta, children):
        name, domain, where = children
        return A.Binder(str(name), "in", domain=domain, where=where, span=_span(meta))

    def subset_binder(self, meta, children):
        name, expr, where = children
        return A.Binder(str(name), "subset", domain=A.SetDomain(expr, span=expr.span), where=where, span=_span(meta))

    def fun_binder(self, meta, children):
        name, sig, where = children
        return A.Binder(str(name), "fun", domain=sig, where=where, span=_span(meta))

    def bound_binder(self, meta, children):
        name, op, bound, where = children
        return A.Binder(str(name), str(op), bound=bound, where=where, span=_span(meta))

    def where(self, meta, children):
        return children[0]

    def fun_sig(self, meta, children):
        return A.FunSig(children[0], children[1], span=_span(meta))

    def reals(self, meta, children):
        return A.Space("R", (), span=_span(meta))

    def integers(self, meta, children):
        return A.Space("Z", (), span=_span(meta))

    def vectors(self, meta, children):
        return A.Space("R", (children[0],), span=_span(meta))

    def matrices(self, meta, children):
        return A.Space("R", (children[0], children[1]), span=_span(meta))

    def matrices_shape(self, meta, children):
        rows, cols = re.findall(r"\d+", str(children[0]))
        return A.Space("R", (int(rows), int(cols)), span=_span(meta))

    def dim_int(self, meta, children):
        return int(children[0])

    def dim_name(self, meta, children):
        return str(children[0])

    def range(self, meta, children):
        return A.Range(children[0], children[1], span=_span(meta))

    def set_domain(self, meta, children):
        return A.SetDomain(children[0], span=_span(meta))

    def compare_chain(self, meta, children):
        if len(children) == 1:
            return children[0]
        operands = tuple(children[0::2])
        ops = tuple("=" if str(op) == "==" else str(op) for op in children[1::2])
        return A.Compare(ops, operands, span=_span(meta))

    # calc -------------------------------------------------------------
    def calc(self, meta, children):
        return A.Calc(children[0], tuple(children[1:]), span=_span(meta))

    def calc_step(self, meta, children):
        rel, rhs, *hints = children
        return A.CalcStep(str(rel), rhs, tuple(hints), span=_span(meta))

    def calc_where(self, meta, children):
        return A.CalcWhere(str(children[0]), children[1], span=_span(meta), name_span=_tok_span(children[0]))

    def by_hint(self, meta, children):
        name, arg = children
        return A.Hint("by", str(name), str(arg) if arg is not None else None, span=_span(meta))

    def induction_hint(self, meta, children):
        """`by induction on nodes(G) removing a source`: name is the graph, arg the measure and the move
        ("nodes removing a source"), read by the elaborator."""
        measure, graph, *move = (str(c) for c in children)
        return A.Hint("induction", graph, " ".join((measure, *move)), span=_span(meta))

    def witness_hint(self, meta, children):
        return A.Hint("witness", str(children[0]), expr=children[1], span=_span(meta))

    # expressions ------------------------------------------------------
    def add(self, meta, c):
        return A.BinOp("+", c[0], c[1], span=_span(meta))

    def sub(self, meta, c):
        return A.BinOp("-", c[0], c[1], span=_span(meta))

    def mul(self, meta, c):
        return A.BinOp("*", c[0], c[1], span=_span(meta))

    def div(self, meta, c):
        return A.BinOp("/", c[0], c[1], span=_span(meta))

    def matmul(self, meta, c):
        return A.BinOp("@", c[0], c[1], span=_span(meta))

    def pow(self, meta, c):
        return A.BinOp("^", c[0], c[1], span=_span(meta))

    def neg(self, meta, c):
        return A.Neg(c[0], span=_span(meta))

    def unary(self, meta, c):  # unary plus
        return c[0]

    def coef_name(self, meta, c):
        return self._coef(c[0])

    def coef_name_pow(self, meta, c):
        tok, exponent = c
        num, name = self._split_coef(tok)
        power = A.BinOp("^", name, exponent, span=_span(meta))
        return A.BinOp("*", num, power, span=_span(meta))

    def _split_coef(self, tok: Token):
        m = re.match(r"(\d+(?:\.\d+)?)(.*)", str(tok))
        digits, rest = m.group(1), m.group(2)
        sp = _tok_span(tok)
        num_span = A.Span(sp.line, sp.column, sp.line, sp.column + len(digits), sp.start, sp.start + len(digits))
        name_span = A.Span(sp.line, sp.column + len(digits), sp.end_line, sp.end_column, sp.start + len(digits), sp.end)
        return A.Num(_number(digits), digits, span=num_span), A.Name(rest, span=name_span)

    def _coef(self, tok: Token):
        num, name = self._split_coef(tok)
        return A.BinOp("*", num, name, span=_tok_span(tok))

    def call(self, meta, c):
        func, args = c
        return A.Call(func, tuple(args or ()), span=_span(meta))

    def index(self, meta, c):
        base, args = c
        return A.Index(base, tuple(args), span=_span(meta))

    def args(self, meta, c):
        return list(c)

    def arg_binder(self, meta, c):
        return A.ArgBinder(str(c[0]), c[1], span=_span(meta))

    def on_binder(self, meta, c):
        return A.OnDomain(str(c[0]), c[1], None, span=_span(meta))

    def on_condition(self, meta, c):
        return A.OnDomain(None, None, c[0], span=_span(meta))

    def number(self, meta, c):
        return A.Num(_number(str(c[0])), str(c[0]), span=_span(meta))

    def name(self, meta, c):
        return A.Name(str(c[0]), span=_span(meta))

    def list_(self, meta, c):
        (args,) = c
        return A.ListLit(tuple(args or ()), span=_span(meta))

    def set_(self, meta, c):
        (args,) = c
        return A.SetLit(tuple(args or ()), span=_span(meta))

    def card(self, meta, c):
        return A.Card(c[0], span=_span(meta))


_ToAst.RULES = {name: f for name, f in vars(_ToAst).items() if callable(f) and not name.startswith("_")}

Item = Union[A.Use, A.Let, A.ClaimDecl]
