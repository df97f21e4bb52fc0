"""The typed claim a backend receives: its variables with their sorts, its
hypotheses and body (every `let` written out), its family (which backend takes
it) and the lemmas in its scope.  Backends import this module, never the
elaborator.

`ModuleContext` and `LemmaEntry` are what a file's claims see (`prove.scope`
fills them); a claim's lemmas are `LemmaEntry`s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from prove import ast as A
from prove import sorts as S


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
    family: str  # identity | analysis | graph | derivation
    variables: tuple[Variable, ...]
    hypotheses: tuple[A.Expr, ...]
    body: A.Expr
    sorts: dict = field(compare=False, hash=False)  # every bound or free name -> Sort
    lemmas: dict = field(default_factory=dict, compare=False, hash=False)  # name -> (ClaimDecl, path)

    @property
    def line(self) -> int:
        return self.decl.span.line

    @property
    def expect(self) -> Optional[str]:
        return self.decl.expect

    @property
    def hints(self) -> tuple[A.Hint, ...]:
        return self.decl.hints


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
