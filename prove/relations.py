"""The comparison relations of the language, once: what each means on values
that Python operators compare (numbers, SymPy and Z3 terms), and each one's
mirror image (`a < b` is `b > a`)."""

from __future__ import annotations

import operator

RELATE = {"=": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
          ">": operator.gt, ">=": operator.ge}
FLIP = {"=": "=", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


def holds(a, op: str, b):
    """`a op b` as the operands' own comparison makes it (a bool, or a solver term)."""
    return RELATE[op](a, b)


def sign_holds(sign, op: str) -> bool:
    """Whether `d op 0` holds for a difference d of the given sign (-1, 0, 1)."""
    return RELATE[op](sign, 0)
