"""The shipped lemma library: the claim files in prove/lemmas, read as data.

Each file is one subject; each lemma is a claim named by its conclusion, with
the comment line(s) just above it naming its source.  Reading the library
parses the files (lark) but checks nothing: `prove lemmas NAME` and the test
suite run the lemmas through the runner like any other claim.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from prove.scope import LEMMA_DIR

_COMMENT = re.compile(r"^\s*#\s?(.*)$")


@dataclass(frozen=True)
class Lemma:
    name: str
    subject: str  # the file's stem: `use SUBJECT` brings it into scope
    path: Path
    line: int
    source: str  # the comment above the claim, without `# `
    statement: str  # the claim's text after `claim NAME:`, as written (trailing comments dropped)
    expect: Optional[str] = None

    @property
    def one_line(self) -> str:
        """The statement with its line breaks and indentation collapsed."""
        return " ".join(part.strip() for part in self.statement.splitlines() if part.strip())


@dataclass(frozen=True)
class LemmaFile:
    subject: str
    path: Path
    summary: str  # the file's opening comment
    lemmas: tuple[Lemma, ...]
    definitions: tuple[str, ...] = ()  # its `let`s, as written


def _strip_comment(line: str) -> str:
    # Claim text has no string literals except `use "file"`, so `#` always opens a comment.
    return line.split("#", 1)[0].rstrip()


def read_file(path: Path) -> LemmaFile:
    from prove import ast as A
    from prove.parser import parse

    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    module = parse(text, str(path))
    summary: list[str] = []
    for raw in lines:
        m = _COMMENT.match(raw)
        if not m:
            break
        summary.append(m.group(1).strip())
    lemmas = []
    definitions = []
    for item in module.items:
        if isinstance(item, A.Let):
            written = lines[item.span.line - 1: item.span.end_line]
            definitions.append(" ".join(_strip_comment(x).strip() for x in written if _strip_comment(x).strip()))
        if not isinstance(item, A.ClaimDecl):
            continue
        first = item.span.line
        source: list[str] = []
        k = first - 2
        while k >= 0 and _COMMENT.match(lines[k]):
            source.insert(0, _COMMENT.match(lines[k]).group(1).strip())
            k -= 1
        if k < 0:  # the comment block above the first claim is the file's own summary
            source = source[len(summary):] if source[: len(summary)] == summary else source
        body_lines = [_strip_comment(x) for x in lines[first - 1: item.span.end_line]]
        head = body_lines[0]
        head = head[head.index(":", head.index(item.name)) + 1:] if ":" in head else ""
        rest = [x for x in [head.strip()] + body_lines[1:] if x.strip()]
        statement = "\n".join(rest)
        if item.expect:
            statement = "\n".join(x for x in statement.splitlines() if not x.strip().startswith("expect "))
        lemmas.append(Lemma(item.name, path.stem, path, first, " ".join(source), statement, item.expect))
    return LemmaFile(path.stem, path, " ".join(summary), tuple(lemmas), tuple(definitions))


def load_library(folder: Path = LEMMA_DIR) -> list[LemmaFile]:
    """Every lemma file, in alphabetical order of subject."""
    return [read_file(p) for p in sorted(folder.glob("*.claims"))]


def all_lemmas(library: Optional[list[LemmaFile]] = None) -> list[Lemma]:
    library = load_library() if library is None else library
    return [lemma for f in library for lemma in f.lemmas]


def suggest(name: str, choices: list[str]) -> list[str]:
    """Close spellings first, then names that contain the word typed."""
    close = difflib.get_close_matches(name, choices, n=3, cutoff=0.6)
    contains = [c for c in choices if name and name.lower() in c.lower() and c not in close]
    return (close + contains)[:5]
