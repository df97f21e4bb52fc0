"""What would make a refuted claim true: the side conditions a textbook adds.

Method.  After an identity or calc claim is refuted, candidate conditions are
read from its syntax tree (never from its text): each argument of `log` is
positive, each argument of `sqrt` non-negative, each denominator non-zero,
each real scalar variable is `!= 0`, `>= 0` or `> 0`, two index variables
differ (`i != j`), and a size bounded below by `n >= k` is at least k + 1.
A condition `e - c op 0` is written `e op c` (`x != 1`, not `x - 1 != 0`).
Candidates are tried weakest first:

1. fewer conditions first: every single one, then pairs (at most MAX_SINGLES
   singles and MAX_PAIRS pairs; a pair never has two conditions on the same
   expression, whose conjunction is a single condition already tried);
2. then the simpler conditions (fewer names and numbers in them);
3. then the weaker relations: `!=` before `>=` before `>` (`x > 0` implies
   both `x != 0` and `x >= 0`, which imply neither each other nor it).

The first candidate that makes the claim `proved` or `verified` is the
suggestion.  This order is a heuristic for "weakest": it never claims that no
weaker condition exists.

Soundness.  A suggestion is itself a checked claim: its condition is printed
in the claim language, parsed back (so the text shown is exactly what was
checked), added to the claim as a `where` hypothesis (a size bound raises the
binder's bound), elaborated afresh and checked by the normal dispatcher
(`prove.backends.base.check`, audit included).  Only `proved` or `verified`
counts, never "no counterexample" or `unknown`, and a hypothesis that no point
satisfies would prove anything: the independent audit must also evaluate the
repaired claim as true at one point at least, where every hypothesis holds.
The refutation stays the claim's verdict; the suggestion only adds a line.

Time.  The search gets REPAIR_SHARE of the claim's time left after its
verdict, and each candidate at most a third of that.  The checks run in a
forked child process, which is killed when a candidate overruns its time (the
next candidates then run in a fresh child): a backend that does not stop at
its deadline costs the suggestion, never the claim's verdict.  A claim citing
lemmas gets no suggestion (its repaired form cannot be elaborated here).
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import struct
import time
from dataclasses import dataclass, replace
from fractions import Fraction
from itertools import combinations
from typing import Callable, Optional

from prove import ast as A
from prove import sorts as S
from prove.claim import Claim, Family, ModuleContext
from prove.errors import ProveError
from prove.verdict import Outcome, Repair, Verdict

REPAIR_SHARE = 0.3  # of the claim's time left after its verdict
CANDIDATE_SHARE = 1 / 3  # of the search's time, at most, for one candidate
MAX_SINGLES = 12
MAX_PAIRS = 16
RANKS = {"!=": 0, ">=": 1, ">": 2}
FAMILIES = (Family.IDENTITY, Family.CALC)


@dataclass(frozen=True)
class Condition:
    """One candidate side condition: its text, and how it is added to the claim
    (`hypothesis`, parsed from the text; or `size`, a size's new lower bound)."""

    text: str
    rank: int  # RANKS of its relation
    size: int  # names and numbers in it
    subject: str  # the expression it constrains; a pair never constrains one twice
    hypothesis: Optional[A.Expr] = None
    size_bound: Optional[tuple[str, int]] = None


# ------------------------------------------------------------------ printing


_PREC = {"+": 1, "-": 1, "*": 2, "/": 2, "@": 2, "^": 4}


def expr_text(e: A.Expr) -> Optional[str]:
    """An expression in the claim language, or None for a construct not printed here."""
    return _text(e, 0)


def _text(e: A.Expr, need: int) -> Optional[str]:
    if isinstance(e, A.Num):
        if e.text:
            return e.text
        if e.value.denominator != 1 or e.value < 0:
            return None
        return str(e.value.numerator)
    if isinstance(e, A.Name):
        return e.id
    if isinstance(e, A.Call) and isinstance(e.func, A.Name):
        args = [_text(a, 0) for a in e.args]
        return None if None in args else f"{e.func.id}({', '.join(args)})"
    if isinstance(e, A.Index):
        base, idx = _text(e.base, 5), [_text(i, 0) for i in e.indices]
        return None if base is None or None in idx else f"{base}[{', '.join(idx)}]"
    if isinstance(e, A.Neg):
        inner = _text(e.operand, 3)
        return None if inner is None else _paren(f"-{inner}", 3, need)
    if isinstance(e, A.BinOp) and e.op in _PREC:
        p = _PREC[e.op]
        left = _text(e.left, 5 if e.op == "^" else p)
        right = _text(e.right, 3 if e.op == "^" else p + 1)
        if left is None or right is None:
            return None
        return _paren(f"{left}^{right}" if e.op == "^" else f"{left} {e.op} {right}", p, need)
    return None


def _paren(text: str, prec: int, need: int) -> str:
    return f"({text})" if prec < need else text


# ---------------------------------------------------------------- candidates


def _compared(e: A.Expr, op: str) -> tuple[str, str]:
    """`e op 0` as (subject, text), with `a - c op 0` written `a op c`; the
    subject is `e`, so that `x != 1` and `x > 0` may make a pair."""
    subject = expr_text(e)
    if isinstance(e, A.BinOp) and e.op in ("-", "+") and isinstance(e.right, A.Num):
        left, c = expr_text(e.left), expr_text(e.right)
        if left is not None and c is not None:
            c = c if e.op == "-" else f"-{c}"
            return subject, f"{left} {op} {c}"
    return subject, f"{subject} {op} 0"


def _size_of(e: A.Expr) -> int:
    return sum(1 for n in A.walk(e) if isinstance(n, (A.Name, A.Num)))


def candidates(claim: Claim) -> list[Condition]:
    """Every candidate condition of a claim, in the order of the module docstring."""
    from prove.parser import parse_expression
    from prove.vocabulary import BUILTINS

    names = {v.name for v in claim.variables}
    found: dict[str, Condition] = {}
    order: list[str] = []
    present = {expr_text(h) for h in claim.hypotheses}

    def add_hypothesis(e: A.Expr, op: str) -> None:
        if expr_text(e) is None:
            return
        subject, text = _compared(e, op)
        if text in found or text in present:
            return
        try:
            parsed = parse_expression(text)
        except ProveError:
            return
        free = set(A.free_vars(parsed)) - set(BUILTINS)
        if not free or not free <= names:  # a constant, or a name bound inside the claim (a sum's index)
            return
        found[text] = Condition(text, RANKS[op], _size_of(parsed), subject, hypothesis=parsed)
        order.append(text)

    for node in A.walk(claim.body):
        if isinstance(node, A.Call) and isinstance(node.func, A.Name) and len(node.args) == 1:
            if node.func.id == "log":
                add_hypothesis(node.args[0], ">")
            elif node.func.id == "sqrt":
                add_hypothesis(node.args[0], ">=")
        elif isinstance(node, A.BinOp) and node.op == "/":
            add_hypothesis(node.right, "!=")
    for v in claim.variables:
        if v.sort == S.REAL:
            for op in RANKS:
                add_hypothesis(A.Name(id=v.name, span=A.Span.unknown()), op)
    indices = [v.name for v in claim.variables if isinstance(v.domain, A.Range)]
    for i, j in combinations(indices, 2):
        text = f"{i} != {j}"
        if text not in found and text not in present and f"{j} != {i}" not in present:
            found[text] = Condition(text, 0, 2, f"{i},{j}", hypothesis=parse_expression(text))
            order.append(text)
    for v in claim.variables:
        if v.bound is not None and v.bound[0] == ">=" and isinstance(v.bound[1], A.Num):
            k = v.bound[1].value
            if k.denominator == 1:
                text = f"{v.name} >= {k.numerator + 1}"
                found[text] = Condition(text, 1, 2, v.name, size_bound=(v.name, k.numerator + 1))
                order.append(text)
    ranked = sorted(found.values(), key=lambda c: (c.size, c.rank, order.index(c.text)))
    return ranked


def attempts(conditions: list[Condition]) -> list[tuple[Condition, ...]]:
    """Singles, then pairs, each group weakest first (module docstring), bounded."""
    singles = conditions[:MAX_SINGLES]
    pairs = [(a, b) for a, b in combinations(singles, 2) if a.subject != b.subject]
    pairs.sort(key=lambda p: (p[0].size + p[1].size, p[0].rank + p[1].rank,
                              singles.index(p[0]), singles.index(p[1])))
    return [(c,) for c in singles] + pairs[:MAX_PAIRS]


# ---------------------------------------------------------- repaired claims


def repaired(claim: Claim, conditions: tuple[Condition, ...]) -> Claim:
    """The claim with the conditions added, elaborated afresh (raises ProveError)."""
    from prove.elaborate import elaborate

    hyps = [c.hypothesis for c in conditions if c.hypothesis is not None]
    sizes = dict(c.size_bound for c in conditions if c.size_bound is not None)
    hyp = None if not hyps else hyps[0] if len(hyps) == 1 else A.And(operands=tuple(hyps), span=A.Span.unknown())
    body = claim.decl.body
    if not (isinstance(body, A.Quant) and body.kind == "forall"):
        free = [v for v in claim.variables if v.free]
        if not free:
            raise ProveError("no variable to state a condition on", claim.decl.span)
        binders = tuple(A.Binder(name=v.name, kind="in", domain=A.Space(field_="R", span=A.Span.unknown()),
                                 span=A.Span.unknown()) for v in free)
        body = A.Quant(kind="forall", binders=binders, body=body, span=A.Span.unknown())
    decl = replace(claim.decl, body=_prefix(body, hyp, sizes), hints=())
    return elaborate(decl, claim.path, ModuleContext())


def _prefix(q: A.Quant, hyp: Optional[A.Expr], sizes: dict) -> A.Quant:
    binders = [replace(b, bound=A.Num(value=Fraction(sizes[b.name]), text=str(sizes[b.name]),
                                      span=A.Span.unknown()))
               if b.name in sizes and b.kind == ">=" else b for b in q.binders]
    if isinstance(q.body, A.Quant) and q.body.kind == "forall":
        return replace(q, binders=tuple(binders), body=_prefix(q.body, hyp, sizes))
    if hyp is not None:
        last = binders[-1]
        where = hyp if last.where is None else A.And(operands=(last.where, hyp), span=A.Span.unknown())
        binders[-1] = replace(last, where=where)
    return replace(q, binders=tuple(binders))


def _judge(claim: Claim, conditions: tuple[Condition, ...], seconds: float) -> Optional[Verdict]:
    """The verdict of the claim with the conditions, if it is `proved` or `verified`
    and not vacuous; else None.  Runs in the forked child."""
    from prove.audit import examine
    from prove.backends.base import Deadline, Limits, check, clock

    try:
        fixed = repaired(claim, conditions)
    except (ProveError, RecursionError):
        return None
    start = clock()
    outcome = check(fixed, Limits(timeout=seconds), suggest=False)
    if outcome.verdict not in (Verdict.PROVED, Verdict.VERIFIED):
        return None
    left = max(0.0, seconds - (clock() - start))
    finding = examine(fixed, points=4, deadline=Deadline(clock() + left), bound=outcome.bound)
    if finding.status != "agrees" or finding.points < 1:
        return None
    return outcome.verdict


# ----------------------------------------------------------------- the search


def suggest(claim: Claim, outcome: Outcome, seconds: float) -> Outcome:
    """A refuted outcome with the weakest repair found within `seconds` of wall
    time (the outcome unchanged when there is none)."""
    if outcome.verdict is not Verdict.REFUTED or claim.family not in FAMILIES or claim.lemmas:
        return outcome
    if seconds <= 0:
        return outcome
    try:
        tries = attempts(candidates(claim))
    except (ProveError, RecursionError):
        return outcome
    if not tries:
        return outcome
    each = seconds * CANDIDATE_SHARE

    def judge(k: int) -> Optional[Verdict]:
        return _judge(claim, tries[k], each)

    found = search(len(tries), judge, seconds, each)
    if found is None:
        return outcome
    k, verdict = found
    text = " and ".join(c.text for c in tries[k])
    return replace(outcome, repair=Repair(text, verdict))


def search(count: int, judge: Callable[[int], Optional[Verdict]], seconds: float,
           each: float) -> Optional[tuple[int, Verdict]]:
    """The first k < count with a verdict from judge(k), run in forked children:
    judge(k) may take `each` seconds of wall time, the whole search `seconds`."""
    end = time.monotonic() + seconds
    k = 0
    while k < count and time.monotonic() < end:
        answer, k = _child(k, count, judge, end, each)
        if answer is not None:
            return answer
    return None


def _child(first: int, count: int, judge, end: float, each: float):
    """Run judge(first), judge(first + 1), ... in one forked child until one has
    a verdict; returns (answer or None, the next k to try)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 0
        try:
            os.close(read)
            for k in range(first, count):
                try:
                    verdict = judge(k)
                except Exception:
                    verdict = None
                _send(write, (k, verdict))
                if verdict is not None:
                    break
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(write)
    k, answer = first, None
    try:
        while k < count:
            message = _receive(read, min(end, time.monotonic() + each))
            if message is None:  # overran, or died: the next candidate in a fresh child
                k += 1
                break
            k = message[0] + 1
            if message[1] is not None:
                answer = (message[0], message[1])
                break
    finally:
        os.close(read)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)
    return answer, k


def _send(fd: int, message) -> None:
    data = pickle.dumps(message)
    data = struct.pack("<I", len(data)) + data
    while data:
        data = data[os.write(fd, data):]


def _receive(fd: int, until: float):
    """One message from the child by `until` (monotonic), or None."""
    buffer = b""
    need = 4
    header = True
    while True:
        left = until - time.monotonic()
        if left <= 0:
            return None
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            return None
        chunk = os.read(fd, need - len(buffer))
        if not chunk:
            return None
        buffer += chunk
        if len(buffer) == need:
            if header:
                need, buffer, header = struct.unpack("<I", buffer)[0], b"", False
            else:
                return pickle.loads(buffer)
