"""The one error root: every problem a user can cause has a position."""

from __future__ import annotations

from typing import Optional

from prove.ast import Span


class ProveError(Exception):
    """A malformed or ill-typed claim, at a span of its file.

    `message` says what is wrong, `expected` what would have been right.
    """

    def __init__(self, message: str, span: Optional[Span] = None, expected: Optional[str] = None):
        super().__init__(message)
        self.message = message
        self.span = span or Span.unknown()
        self.expected = expected

    def describe(self) -> str:
        return f"{self.message}; expected {self.expected}" if self.expected else self.message


class ClaimSyntaxError(ProveError):
    """The text does not parse."""


class ElaborationError(ProveError):
    """The claim parses but names, arities, sorts or sizes do not fit."""


SHOWN_WIDTH = 160  # a longer source line is shown as a window around the error


def caret_block(text: str, span: Span) -> str:
    """The source line of `span` with a caret (or a run of them) under it."""
    lines = text.splitlines()
    if not (1 <= span.line <= len(lines)):
        return ""
    source = lines[span.line - 1]
    start = max(span.column - 1, 0)
    width = 1
    if span.end_line == span.line and span.end_column > span.column:
        width = span.end_column - span.column
    if len(source) > SHOWN_WIDTH:
        left = max(0, min(start - SHOWN_WIDTH // 2, len(source) - SHOWN_WIDTH))
        shown = source[left: left + SHOWN_WIDTH]
        prefix = "..." if left else ""
        suffix = "..." if left + SHOWN_WIDTH < len(source) else ""
        source, start = prefix + shown + suffix, start - left + len(prefix)
        width = min(width, len(prefix) + len(shown) - start)
    width = max(1, min(width, max(len(source) - start, 1)))
    return f"  {source}\n  {' ' * start}{'^' * width}"


def format_error(path: str, text: str, error: ProveError) -> str:
    """Compiler-style: `file:line:col: error: message`, the line and a caret."""
    span = error.span
    head = f"{path}:{span.line}:{span.column}: error: {error.describe()}"
    block = caret_block(text, span)
    return f"{head}\n{block}" if block else head
