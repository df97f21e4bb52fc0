"""Markdown files as claim files: the fenced blocks marked `claims` are checked.

A Markdown file (`notes.md`, a README) holds claims in fenced code blocks
whose info string starts with the word `claims`:

    ```claims
    claim square: diff(x^2, x) = 2*x
    ```

Method: the file is turned into a claim text of its own shape. Every line
inside a `claims` block is kept as written; every other line (prose, the
fence lines, other code blocks) is left empty. Line and column numbers in
that text are the Markdown file's own, so errors, carets and claim lines are
reported where the claims are written, with no translation of positions that
could go wrong.

Each block is parsed on its own (its lines preceded by as many empty ones),
so a statement never runs on from one block into the next; the blocks
together are one claim module (a
`let` or `use` in one block is in scope in the others, as in one .claims
file). Fences follow CommonMark: three or more backticks or tildes, closed by
a fence of the same character at least as long; a block never closed runs to
the end of the file; a fence inside another fence (a ```` ```` ```` block
showing how to write a ```` ``` ```` one) is text of the outer block. A fence
may be indented (a block in a list item); block quotes (`>`) are not read.

This module imports only `re` until tasks are asked for, so the pytest plugin
can look for blocks without loading the checker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Union

if TYPE_CHECKING:
    from prove import ast as A
    from prove.parser import BadStatement
    from prove.runner import Task

SUFFIXES = (".md", ".markdown")
INFO_WORD = "claims"
NO_BLOCKS = "it has no fenced ```claims block"

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")


@dataclass(frozen=True)
class Block:
    """A fenced `claims` block: its first and last content lines (1-based,
    inclusive; last < first for an empty block)."""

    first: int
    last: int


def is_markdown(path: Union[str, Path]) -> bool:
    return Path(path).suffix.lower() in SUFFIXES


def _lines(text: str) -> list[str]:
    """Lines as lark and editors count them: split at `\n`, a `\r` before it dropped."""
    return [line[:-1] if line.endswith("\r") else line for line in text.split("\n")]


def claims_blocks(text: str) -> list[Block]:
    """Every fenced block of `text` whose info string's first word is `claims`."""
    blocks: list[Block] = []
    open_fence = None  # (character, length, is_claims, first content line)
    lines = _lines(text)
    for number, line in enumerate(lines, start=1):
        m = _FENCE.match(line.lstrip("\ufeff") if number == 1 else line)  # a byte-order mark is not text
        if open_fence is None:
            if m and not (m["fence"][0] == "`" and "`" in m["info"]):
                info = m["info"].split()
                open_fence = (m["fence"][0], len(m["fence"]), bool(info) and info[0] == INFO_WORD, number + 1)
        elif m and m["fence"][0] == open_fence[0] and len(m["fence"]) >= open_fence[1] and not m["info"].strip():
            if open_fence[2]:
                blocks.append(Block(open_fence[3], number - 1))
            open_fence = None
    if open_fence is not None and open_fence[2]:
        blocks.append(Block(open_fence[3], len(lines)))
    return blocks


def has_claims(path: Union[str, Path]) -> bool:
    """Whether the file at `path` has a `claims` block (False when it cannot be read as text)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return bool(claims_blocks(text))


def claim_text(text: str, blocks: list[Block]) -> str:
    """`text` with every line outside the blocks empty: its lines and columns are
    the Markdown file's."""
    lines = _lines(text)
    keep = bytearray(len(lines) + 1)
    for b in blocks:
        keep[b.first: b.last + 1] = b"\x01" * (b.last + 1 - b.first)
    return "\n".join(line if keep[k] else "" for k, line in enumerate(lines, start=1))


def parse_blocks(text: str, path: str, blocks: list[Block]) -> "tuple[A.Module, list[BadStatement]]":
    """Parse each block on its own, at its own lines; one module of them all."""
    from prove import ast as A
    from prove.parser import parse_tolerant

    lines = _lines(text)
    items: list = []
    bad: list = []
    for b in blocks:
        body = "\n".join(lines[b.first - 1: b.last])
        if not re.sub(r"#[^\n]*", "", body).strip():
            continue  # only comments: nothing to parse
        module, failed = parse_tolerant("\n" * (b.first - 1) + body, path)
        items.extend(module.items)
        bad.extend(failed)
    return A.Module(path=path, text=claim_text(text, blocks), items=tuple(items)), bad


def markdown_tasks(text: str, path: str) -> "list[Task]":
    """The tasks of a Markdown file: one per claim (or bad statement) of its `claims` blocks."""
    from prove.runner import tasks_for_text

    blocks = claims_blocks(text)
    if not blocks:
        return []
    return tasks_for_text(claim_text(text, blocks), path,
                          parse=lambda _view, shown: parse_blocks(text, shown, blocks))
