"""The typed claim a backend receives: its variables with their sorts, its
hypotheses and body (every `let` written out), its family (which backend takes
it) and the lemmas it cites, already elaborated.  Backends import this module,
never the elaborator: what elaboration checked travels with the claim.

`ModuleContext` and `LemmaEntry` are what a file's claims see (`prove.scope`
fills them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Optional

from prove import ast as A
from prove import sorts as S


class Family(str, Enum):
    """Which backend takes a claim (prove/backends/base.BACKENDS)."""

    IDENTITY = "identity"  # equations and inequalities of expressions
    ANALYSIS = "analysis"  # stationary points, minima, convexity
    GRAPH = "graph"  # graphs up to a number of nodes
    CALC = "calc"  # a calc chain, step by step

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Variable:
    """A variable of the claim's outer universal prefix (free ones included)."""

    name: str
    sort: S.Sort
    span: A.Span
    domain: Optional[A.Domain] = None
    bound: Optional[tuple[str, A.Expr]] = None  # `n >= 1`
    free: bool = False


@dataclass(frozen=True)
class Claim:
    """A claim ready for a backend."""

    name: str
    path: str
    decl: A.ClaimDecl
    family: Family
    variables: tuple[Variable, ...]
    hypotheses: tuple[A.Expr, ...]
    body: A.Expr
    sorts: dict = field(compare=False, hash=False)  # every bound or free name -> Sort
    lemmas: dict = field(default_factory=dict, compare=False, hash=False)  # name -> CitedLemma

    @property
    def line(self) -> int:
        return self.decl.span.line

    @property
    def expect(self) -> Optional[str]:
        return self.decl.expect

    @property
    def hints(self) -> tuple[A.Hint, ...]:
        return self.decl.hints

    def sort_of(self, term: A.Expr) -> S.Sort:
        """The sort of a term over this claim's names (raises ProveError when it is ill-typed)."""
        from prove.typecheck import sort_of  # late: the type checker builds Variables
        return sort_of(term, self.sorts)


@dataclass(frozen=True)
class CitedLemma:
    """A lemma a claim cites with `by lemma NAME`, elaborated once, when the
    claim is, in the context of its own file.  `claim` is None when it does not
    elaborate there (or nests too deeply), and `reason` says why."""

    name: str
    claim: Optional[Claim]
    reason: str = ""


@dataclass
class ModuleContext:
    """Definitions and lemmas visible in a file, after its `use`s."""

    lets: dict[str, A.Let] = field(default_factory=dict)
    lemmas: dict[str, "LemmaEntry"] = field(default_factory=dict)


@dataclass(frozen=True)
class LemmaEntry:
    """A claim that others may cite, with the context of the file it comes from
    (that file's lets and lemmas, shared by every entry of the file): a cited
    lemma is elaborated from this, never by reading its file again."""

    decl: A.ClaimDecl
    path: str
    context: ModuleContext = field(compare=False, hash=False, repr=False)
