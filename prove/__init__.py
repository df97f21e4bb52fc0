"""prove: executable lemmas for the mathematics of deep learning.

    >>> import prove
    >>> prove.check("claim t: diff(x^2, x) = 2*x")[0].verdict
    <Verdict.PROVED: 'proved'>

Importing this package is cheap: the parser, SymPy and Z3 load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Union

__version__ = "0.1.0"
__all__ = ["check", "check_file", "Result", "Verdict", "__version__"]

if TYPE_CHECKING:
    from pathlib import Path

    from prove.verdict import Result, Verdict


def check(text: str, *, timeout: float = 10.0, path: str = "<text>", jobs: int = 1) -> "list[Result]":
    """Check every claim in `text`; one `Result` per claim, in source order."""
    from prove.runner import check_text
    from prove.backends.base import Limits

    return check_text(text, path, Limits(timeout=timeout), jobs)


def check_file(path: "Union[str, Path]", *, timeout: float = 10.0, jobs: int = 1) -> "list[Result]":
    """Check a claim file (its `use "..."` imports are relative to it)."""
    from prove.runner import check_paths
    from prove.backends.base import Limits

    return check_paths([path], Limits(timeout=timeout), jobs)


def __getattr__(name):
    if name in ("Result", "Verdict"):
        from prove import verdict

        return getattr(verdict, name)
    raise AttributeError(name)
