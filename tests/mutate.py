"""Mutants of the shipped claims: one small edit each, made on the source text.

Every operator is a small function that walks a claim's syntax tree and
returns edits `(start, end, replacement)` of the claim's text, located by the
spans the parser keeps (character offsets into the file).  Replacements are
parenthesised where the grammar allows it, so an edit never re-associates its
neighbours; a mutant that still does not parse or elaborate is discarded and
counted, never run.  The quantifier domains themselves (`R^3`, `1..n`,
`poly(w, degree <= 4)`, `graphs(nodes <= 6)`) are not mutated: their edits
give weaker claims or errors, not false ones.

Used by tests/test_mutants.py (a seeded sample) and bench/mutants.py (all).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Callable, Iterator, Optional

from prove import ast as A
from prove.parser import parse
from prove.runner import Task, tasks_for_text

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted((ROOT / "prove" / "lemmas").glob("*.claims")) + sorted((ROOT / "examples").glob("*.claims"))

Edit = tuple[int, int, str]  # start, end (offsets into the file), replacement

# Calls whose two arguments are not interchangeable values (a derivative's
# variable, a binder, a domain): swapping them only yields errors.
_NOT_SWAPPABLE = {"diff", "grad", "jacobian", "hessian", "sum", "poly", "quadratic", "graphs",
                  "local_min", "local_max", "strict_local_min", "strict_local_max", "global_min",
                  "global_max", "saddle", "stationary", "zeros", "edge", "path", "source", "sink"}


@dataclass(frozen=True)
class Mutant:
    path: str          # the file of the original claim
    name: str          # the original claim's name
    operator: str
    before: str        # the text that was replaced
    after: str         # what replaced it
    text: str          # the whole mutated claim statement

    @property
    def label(self) -> str:
        return f"{Path(self.path).name}:{self.name} [{self.operator}] {self.before!r} -> {self.after!r}"


# ------------------------------------------------------------------ the tree


def _visible(decl: A.ClaimDecl) -> Iterator[A.Node]:
    """The nodes an operator may touch: not domains, bounds, hints or called names."""
    stack: list = [decl.body]
    while stack:
        node = stack.pop()
        if not isinstance(node, A.Node) or isinstance(node, (A.Hint, A.Space, A.FunSig)):
            continue
        yield node
        if isinstance(node, A.Binder):
            kids = [node.where]
        elif isinstance(node, A.Call):
            kids = list(node.args)
        elif isinstance(node, A.CalcStep):
            kids = [node.rhs]
        elif isinstance(node, A.ArgBinder):
            kids = [node.domain]
        else:
            kids = A.children(node)
        stack.extend(reversed([k for k in kids if k is not None]))


def _src(text: str, node: A.Node) -> str:
    return text[node.span.start:node.span.end]


def _paren(s: str) -> str:
    return f"({s})"


def _index_names(decl: A.ClaimDecl) -> list[str]:
    """The claim's index variables: quantified over a range `a..b`."""
    return [n.name for n in A.walk(decl.body)
            if isinstance(n, A.Binder) and isinstance(n.domain, A.Range)]


# --------------------------------------------------------------- operators


def flip_sign(decl: A.ClaimDecl, text: str) -> Iterator[Edit]:
    """`a + b` -> `a - b`, `a - b` -> `a + b`, `-a` -> `a`, `f(a)` -> `f(-a)`."""
    for node in _visible(decl):
        if (isinstance(node, A.Call) and len(node.args) == 1 and isinstance(node.func, A.Name)
                and node.func.id not in _NOT_SWAPPABLE and not isinstance(node.args[0], A.Neg)):
            arg = node.args[0]
            yield arg.span.start, arg.span.end, f"-{_paren(_src(text, arg))}"
        if isinstance(node, A.BinOp) and node.op in "+-":
            other = "-" if node.op == "+" else "+"
            yield (node.span.start, node.span.end,
                   _paren(f"{_paren(_src(text, node.left))} {other} {_paren(_src(text, node.right))}"))
        elif isinstance(node, A.Neg):
            yield node.span.start, node.span.end, _paren(_src(text, node.operand))


def drop_factor(decl: A.ClaimDecl, text: str) -> Iterator[Edit]:
    """`a * b` -> `a` and -> `b`; `a / b` -> `a`."""
    for node in _visible(decl):
        if isinstance(node, A.BinOp) and node.op in "*/":
            yield node.span.start, node.span.end, _paren(_src(text, node.left))
            if node.op == "*":
                yield node.span.start, node.span.end, _paren(_src(text, node.right))


def duplicate_factor(decl: A.ClaimDecl, text: str) -> Iterator[Edit]:
    """`a * b` -> `a * b * b`; `a / b` -> `a / b / b`."""
    for node in _visible(decl):
        if isinstance(node, A.BinOp) and node.op in "*/":
            right = _paren(_src(text, node.right))
            yield (node.span.start, node.span.end,
                   _paren(f"{_paren(_src(text, node.left))} {node.op} {right} {node.op} {right}"))


def swap_indices(decl: A.ClaimDecl, text: str) -> Iterator[Edit]:
    """`A[i, j]` -> `A[j, i]`; one occurrence of an index `i` -> another index `j`;
    the arguments of a two-argument call (`outer(u, v)` -> `outer(v, u)`) and the
    operands of `/` and `@`."""
    indices = _index_names(decl)
    for node in _visible(decl):
        if isinstance(node, A.Index):
            if len(node.indices) == 2:
                a, b = node.indices
                yield a.span.start, b.span.end, f"{_src(text, b)}, {_src(text, a)}"
            for ix in node.indices:
                if isinstance(ix, A.Name) and ix.id in indices:
                    for other in indices:
                        if other != ix.id:
                            yield ix.span.start, ix.span.end, other
        elif (isinstance(node, A.Call) and len(node.args) == 2 and isinstance(node.func, A.Name)
              and node.func.id not in _NOT_SWAPPABLE and not any(isinstance(a, A.ArgBinder) for a in node.args)):
            a, b = node.args
            yield a.span.start, b.span.end, f"{_src(text, b)}, {_src(text, a)}"
        elif isinstance(node, A.BinOp) and node.op in "/@":
            yield (node.span.start, node.span.end,
                   _paren(f"{_paren(_src(text, node.right))} {node.op} {_paren(_src(text, node.left))}"))


def _decimal(value: Fraction) -> Optional[str]:
    if value.denominator == 1:
        return str(value.numerator)
    d = value.denominator
    while d % 2 == 0:
        d //= 2
    while d % 5 == 0:
        d //= 5
    if d != 1:
        return None
    return format(Decimal(value.numerator) / Decimal(value.denominator), "f")


def change_constant(decl: A.ClaimDecl, text: str) -> Iterator[Edit]:
    """A number `c` -> `c + 1` (an exponent, a derivative's order, a coefficient)."""
    for node in _visible(decl):
        if isinstance(node, A.Num):
            new = _decimal(node.value + 1)
            if new is not None:
                yield node.span.start, node.span.end, new


_FLIP = {"<=": "<", "<": "<=", ">=": ">", ">": ">=", "=": "!=", "!=": "="}
_GAP = re.compile(r"\s*(<=|>=|!=|<|>|=)\s*")


def _hypothesis_spans(decl: A.ClaimDecl) -> list[tuple[int, int]]:
    spans = []
    for node in _visible(decl):
        hyp = node.where if isinstance(node, A.Binder) else node.left if isinstance(node, A.Implies) else None
        if hyp is not None:
            spans.append((hyp.span.start, hyp.span.end))
    return spans


def flip_comparison(decl: A.ClaimDecl, text: str) -> Iterator[Edit]:
    """`<=` <-> `<` and `>=` <-> `>` everywhere (calc steps too); `=` <-> `!=` in a
    hypothesis or a premise (`where i != j`), where the claim is still an identity."""
    hypotheses = _hypothesis_spans(decl)
    for node in _visible(decl):
        if isinstance(node, A.Compare):
            inside = any(a <= node.span.start and node.span.end <= b for a, b in hypotheses)
            for left, right in zip(node.operands, node.operands[1:]):
                gap = text[left.span.end:right.span.start]
                m = _GAP.fullmatch(gap)
                if m and (inside or m.group(1) not in ("=", "!=")):
                    start = left.span.end + m.start(1)
                    yield start, left.span.end + m.end(1), _FLIP[m.group(1)]
        elif isinstance(node, A.CalcStep) and node.rel in _FLIP and node.rel not in ("=", "!="):
            yield node.span.start, node.span.start + len(node.rel), _FLIP[node.rel]


def drop_hypothesis(decl: A.ClaimDecl, text: str) -> Iterator[Edit]:
    """A binder's `where ...`, the premise of `->`, or one conjunct of either."""
    hypotheses: list[A.Node] = []
    for node in _visible(decl):
        if isinstance(node, A.Binder) and node.where is not None:
            last = node.bound if node.bound is not None else node.domain
            yield node.span.start, node.span.end, text[node.span.start:last.span.end]
            hypotheses.append(node.where)
        elif isinstance(node, A.Implies):
            yield node.span.start, node.span.end, _paren(_src(text, node.right))
            hypotheses.append(node.left)
    for hyp in hypotheses:
        if isinstance(hyp, A.And):
            for k in range(len(hyp.operands)):
                rest = [_src(text, o) for j, o in enumerate(hyp.operands) if j != k]
                yield hyp.span.start, hyp.span.end, " and ".join(rest)


OPERATORS: dict[str, Callable[[A.ClaimDecl, str], Iterator[Edit]]] = {
    "flip_sign": flip_sign,
    "drop_factor": drop_factor,
    "duplicate_factor": duplicate_factor,
    "swap_indices": swap_indices,
    "change_constant": change_constant,
    "flip_comparison": flip_comparison,
    "drop_hypothesis": drop_hypothesis,
}


# ------------------------------------------------------------------ corpus


@dataclass(frozen=True)
class Source:
    """A shipped claim and what a mutant of it needs: the file's `use`s and
    `let`s, and the claims of the same file that it cites."""

    path: str
    decl: A.ClaimDecl
    text: str  # the file's text
    preamble: str


def shipped_claims(paths=SHIPPED) -> list[Source]:
    out = []
    for p in paths:
        text = Path(p).read_text(encoding="utf-8")
        module = parse(text, str(p))
        defs = [text[i.span.start:i.span.end] for i in module.items if isinstance(i, (A.Use, A.Let))]
        claims = {i.name: i for i in module.items if isinstance(i, A.ClaimDecl)}
        for decl in claims.values():
            cited = {h.arg for n in A.walk(decl) if isinstance(n, A.CalcStep) for h in n.hints
                     if h.kind == "by" and h.name == "lemma"}
            lemmas = [text[claims[c].span.start:claims[c].span.end] for c in sorted(cited) if c in claims]
            out.append(Source(str(p), decl, text, "\n".join(defs + lemmas) + "\n"))
    return out


def mutants_of(source: Source) -> list[Mutant]:
    """Every distinct mutant of one claim, in operator order."""
    decl, text = source.decl, source.text
    start, end = decl.span.start, decl.span.end
    original = text[start:end]
    seen = {original}
    out = []
    for op_name, op in OPERATORS.items():
        for a, b, replacement in op(decl, text):
            assert start <= a <= b <= end
            mutated = text[start:a] + replacement + text[b:end]
            if mutated in seen:
                continue
            seen.add(mutated)
            out.append(Mutant(source.path, decl.name, op_name, text[a:b], replacement, mutated))
    return out


def mutant_task(mutant: Mutant, source: Source) -> Optional[Task]:
    """The mutant as a runnable task, elaborated in its file's context, or None when it
    does not parse or elaborate (a discarded mutant)."""
    tasks = [t for t in tasks_for_text(source.preamble + mutant.text, mutant.path) if t.name == mutant.name]
    if len(tasks) != 1 or tasks[0].claim is None:
        return None
    return tasks[0]
