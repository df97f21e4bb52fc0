"""Module scope: `use` (library and neighbour files, read once each), `let`
definitions and the lemmas a claim may cite, and the one capture-avoiding
substitution.

A `use` reads only `.claims` files in the using file's folder or below it, or
the library; `let`s are written out hygienically (a definition whose free
names a binder would capture is an error at the use), within a size limit.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import replace
from pathlib import Path
from typing import Optional

from prove import ast as A
from prove.claim import LemmaEntry, ModuleContext
from prove.errors import ElaborationError, ProveError

LEMMA_DIR = Path(__file__).parent / "lemmas"
# While a list (prove.filecache sets it around one file's reading): every `use` resolved, and
# every file a `use` read, so that a result cache can tell whether they are still the same.
USE_LOG: Optional[list] = None


def _log(*record) -> None:
    if USE_LOG is not None:
        USE_LOG.append(list(record))


def error_at(node, message: str, expected: Optional[str] = None) -> ElaborationError:
    """An elaboration error at node's span."""
    return ElaborationError(message, getattr(node, "span", None), expected)


def load_use(use: A.Use, path: str, ctx: ModuleContext, seen: Optional[dict] = None) -> None:
    """Bring a library file's or a neighbour file's lets and claims into ctx."""
    from prove.parser import parse  # late: the parser is not needed to type a tree

    seen = {} if seen is None else seen  # file -> its own context, so a file used twice is read once
    if "\x00" in use.target:
        raise error_at(use, "a file name cannot contain a NUL character", "a claims file name")
    if use.is_file:
        # Only inside the folder of the file that uses it (symlinks resolved first), so a
        # claim file cannot make the tool read, or echo a token of, anything else.
        root = Path(path).parent.resolve()
        where = "a .claims file in this file's folder or below it"
        if Path(use.target).is_absolute() or Path(use.target).suffix != ".claims":
            raise error_at(use, f"`use` takes a relative path to a .claims file, not {use.target!r}", where)
        target = (root / use.target).resolve()
        _log("resolve", path, use.target, True, str(root), str(target), target.is_file())
        if not target.is_relative_to(root):
            raise error_at(use, f"{use.target!r} is outside the folder of {Path(path).name}", where)
        if not target.is_file():
            raise error_at(use, f"cannot find the file {use.target!r} next to {Path(path).name}", where)
    else:
        target = (LEMMA_DIR / f"{use.target}.claims").resolve()
        _log("resolve", path, use.target, False, "", str(target), target.is_file())
        if not target.is_file():
            known = sorted(p.stem for p in LEMMA_DIR.glob("*.claims"))
            raise error_at(use, f"no lemma file named {use.target!r}",
                       "one of " + ", ".join(known) if known else "a lemma file")
    if str(target) in seen:
        _merge(ctx, seen[str(target)])
        return
    own = seen[str(target)] = ModuleContext()
    try:
        data = target.read_bytes()
        _log("content", str(target), hashlib.sha256(data).hexdigest())
        text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8").read()  # as read_text: universal newlines
        module = parse(text, str(target))
    except ProveError as exc:
        raise error_at(use, f"{target.name} does not parse: {exc.describe()} (line {exc.span.line})")
    except (OSError, UnicodeDecodeError) as exc:
        _log("content", str(target), "unreadable")
        raise error_at(use, f"cannot read {target.name}: {exc}", "a readable UTF-8 claims file")
    for item in module.items:
        if isinstance(item, A.Use):
            load_use(item, str(target), own, seen)
        elif isinstance(item, A.Let):
            own.lets[item.name] = item
        elif isinstance(item, A.ClaimDecl):
            own.lemmas[item.name] = LemmaEntry(item, str(target), own)
    _merge(ctx, own)


def _merge(ctx: ModuleContext, other: ModuleContext) -> None:
    ctx.lets.update(other.lets)
    ctx.lemmas.update(other.lemmas)


def module_context(module: A.Module, path: str) -> tuple[ModuleContext, list[tuple[A.Use, ProveError]]]:
    """What a file's claims see: its `use`d files, its `let`s and its own claims
    as lemmas; with the `use`s that failed, each with its error."""
    ctx = ModuleContext()
    failed: list[tuple[A.Use, ProveError]] = []
    for item in module.items:
        if isinstance(item, A.Use):
            try:
                load_use(item, path, ctx)
            except ProveError as err:
                failed.append((item, err))
        elif isinstance(item, A.Let):
            ctx.lets[item.name] = item
    for item in module.items:
        if isinstance(item, A.ClaimDecl):
            ctx.lemmas.setdefault(item.name, LemmaEntry(item, path, ctx))
    return ctx, failed


def without(ctx: ModuleContext, name: str) -> ModuleContext:
    """The context for claim `name`: a claim is never its own lemma."""
    return ModuleContext(ctx.lets, {k: v for k, v in ctx.lemmas.items() if k != name})


LET_EXPANSION_LIMIT = 100_000  # nodes of a claim once its `let`s are written out


def expand_lets(expr: A.Expr, lets: dict[str, A.Let], depth: int = 0) -> A.Expr:
    """Write out the uses of `let` definitions in expr.

    A name bound in the claim (quantifier, function binder, sum index, lambda
    parameter, calc `where`) shadows a `let` of the same name: lexical scope.
    Arguments are substituted without capture; a definition whose own free
    names would be captured by a binder at its use is an error there, and so
    is an expansion past LET_EXPANSION_LIMIT nodes (a chain of lets that
    doubles at each level), found before the tree is ever written out.
    """
    if not lets:
        return expr
    expander = _LetExpander(lets)
    out = expander.expand(expr, frozenset())
    if out is not expr and expander.binding.size(out) > LET_EXPANSION_LIMIT:
        raise error_at(expr, f"definition expands past {LET_EXPANSION_LIMIT} nodes (this claim with its "
                         "definitions written out)", "fewer or smaller uses of definitions")
    return out


class _LetExpander:
    def __init__(self, lets: dict[str, A.Let]):
        self.lets = lets
        self.binding = A.Binding()
        self.bodies: dict[str, A.Expr] = {}  # let name -> its body with every let inside written out
        self.open: list[str] = []  # definitions being expanded, to catch one defined through itself
        self.produced = 0  # nodes written out so far: the budget counts every expansion

    def body(self, name: str, site) -> A.Expr:
        if name in self.bodies:
            return self.bodies[name]
        if name in self.open:
            chain = " -> ".join(self.open[self.open.index(name):] + [name])
            raise error_at(site, f"`{name}` is defined through itself ({chain})", "definitions that end")
        let = self.lets[name]
        self.open.append(name)
        try:
            body = self.expand(let.body, frozenset(let.params or ()), site)
        finally:
            self.open.pop()
        self._check_size(body, name, site)
        self.bodies[name] = body
        return body

    def _check_size(self, tree, name: str, site) -> None:
        self.produced += self.binding.size(tree)
        if self.produced > LET_EXPANSION_LIMIT:
            raise error_at(site, f"definition expands past {LET_EXPANSION_LIMIT} nodes (`{name}` written out in full)",
                       "definitions that do not double at each level")

    def _hygiene(self, name: str, body: A.Expr, params, bound: frozenset, node) -> None:
        captured = sorted((self.binding.free(body) - set(params)) & bound)
        if captured:
            v = captured[0]
            raise error_at(node, f"the definition of {name} uses {v!r}, which is bound here: inside it {v} is the "
                             f"claim's free variable, not this one", f"another name for the variable bound as {v}")

    def expand(self, node, bound: frozenset, site=None):
        if not isinstance(node, A.Node):
            return node
        if not (self.binding.free(node) & (self.lets.keys() - bound)):
            return node  # no definition is used here
        at = site if site is not None else node
        if isinstance(node, A.Name) and node.id in self.lets:
            let = self.lets[node.id]
            body = self.body(node.id, at)
            self._hygiene(let.name, body, let.params or (), bound, node)
            if let.params is None:
                return body
            return A.Lambda(let.params, body, span=node.span)  # a defined function used as a value
        if isinstance(node, A.Call) and isinstance(node.func, A.Name) and node.func.id in self.lets \
                and node.func.id not in bound:
            let = self.lets[node.func.id]
            params = let.params or ()
            if len(node.args) != len(params):
                raise error_at(node, f"{let.name} takes {len(params)} argument(s), got {len(node.args)}",
                           f"{let.name}({', '.join(params)})")
            args = tuple(self.expand(a, bound, site) for a in node.args)
            body = self.body(let.name, at)
            self._hygiene(let.name, body, params, bound, node)
            out = self.binding.substitute(body, dict(zip(params, args)))
            self._check_size(out, let.name, at)
            return out
        if A.sum_index(node) is not None:
            first, rest = node.args[0], node.args[1:]
            inner = bound | {A.sum_index(node)}
            head = replace(first, domain=self.expand(first.domain, bound, site)) if isinstance(first, A.ArgBinder) \
                else first
            return replace(node, args=(head,) + tuple(self.expand(r, inner, site) for r in rest))
        if isinstance(node, A.Quant):
            binders = []
            for b in node.binders:
                domain, limit = self.expand(b.domain, bound, site), self.expand(b.bound, bound, site)
                bound = bound | {b.name}
                binders.append(replace(b, domain=domain, bound=limit, where=self.expand(b.where, bound, site)))
            return replace(node, binders=tuple(binders), body=self.expand(node.body, bound, site))
        if isinstance(node, A.Lambda):
            return replace(node, body=self.expand(node.body, bound | set(node.params), site))
        if isinstance(node, A.Calc):
            first, steps = self.expand(node.first, bound, site), []
            for step in node.steps:
                steps.append(self.expand(step, bound, site))
                if isinstance(step, A.CalcWhere):
                    bound = bound | {step.name}
            return replace(node, first=first, steps=tuple(steps))
        if A._opaque(node):
            return node
        return A.map_children(node, lambda child: self.expand(child, bound, site))


def substitute(expr: A.Expr, mapping: dict[str, A.Expr]) -> A.Expr:
    """Replace free occurrences of names, without capture (see `ast.Binding`)."""
    return A.substitute(expr, mapping)
