"""The bounds of verified calc steps, as the report writes them (`n = 1..8`,
`m, n = 1..4`, `m = 1..4; n = 2, 3, 5..7`), read back into sets of sizes and
written out again: a chain holds only at the sizes every verified step was
checked at, and a step using a `verified` lemma only where the lemma was.
"""

from __future__ import annotations

import re
from typing import Optional

from prove.verdict import Step


def chain_bound(verified: list[Step]) -> Optional[str]:
    """The sizes every verified step was checked at: the chain holds only there."""
    texts = [s.reason[len("bound: "):] for s in verified if s.reason and s.reason.startswith("bound: ")]
    if len(texts) != len(verified):
        return None
    if len(set(texts)) == 1:
        return texts[0]
    parsed = [parse_bound(t) for t in texts]
    if any(p is None for p in parsed):
        return None
    covered: dict = {}
    for p in parsed:
        for name, values in p.items():
            covered[name] = covered[name] & values if name in covered else set(values)
    if any(not v for v in covered.values()):
        return None
    return render_bound(covered)


_BOUND_PART = re.compile(r"\s*([A-Za-z_][A-Za-z_0-9']*(?:\s*,\s*[A-Za-z_][A-Za-z_0-9']*)*)\s*=\s*"
                         r"(-?\d+(?:\.\.-?\d+)?(?:\s*,\s*-?\d+(?:\.\.-?\d+)?)*)\s*")


def parse_bound(text: str) -> Optional[dict]:
    """`n = 1..8`, `m, n = 1..4`, `m = 1..4; n = 2, 3, 5..7` -> name -> set of sizes."""
    out: dict = {}
    for part in text.split(";"):
        m = _BOUND_PART.fullmatch(part)
        if m is None:
            return None
        values: set = set()
        for piece in m.group(2).split(","):
            a, _, b = piece.strip().partition("..")
            values |= set(range(int(a), int(b or a) + 1))
        for n in m.group(1).split(","):
            out[n.strip()] = values
    return out or None


def render_bound(covered: dict) -> str:
    def spans(values):
        values, parts, i = sorted(values), [], 0
        while i < len(values):
            j = i
            while j + 1 < len(values) and values[j + 1] == values[j] + 1:
                j += 1
            if j - i >= 2:
                parts.append(f"{values[i]}..{values[j]}")
            else:
                parts.extend(str(v) for v in values[i:j + 1])
            i = j + 1
        return ", ".join(parts) or "none"

    shown = {n: spans(v) for n, v in covered.items()}
    if len(set(shown.values())) == 1:
        return f"{', '.join(shown)} = {next(iter(shown.values()))}"
    return "; ".join(f"{n} = {t}" for n, t in shown.items())
