"""The moves of `by induction on nodes(G) <move>`: which node the step removes.

Each move names a kind of node (any node, a source, a sink) and, when a graph
need not have a node of that kind, the lemma that says a graph in the claim's
hypothesis does (a non-empty DAG has a source).  "adding a sink" is "removing
a sink" read the other way: G is (G - v) plus the sink v.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class Move:
    words: str  # as written after the graph: "removing a source"
    kind: str  # node | source | sink
    existence: Optional[str]  # the lemma that gives such a node in a non-empty DAG


MOVES = {m.words: m for m in (
    Move("removing a node", "node", None),
    Move("removing a source", "source", "dag_has_source"),
    Move("adding a source", "source", "dag_has_source"),
    Move("removing a sink", "sink", "dag_has_sink"),
    Move("adding a sink", "sink", "dag_has_sink"),
)}


def read_hint(hint) -> tuple[str, str]:
    """(measure, move words) of an induction hint."""
    measure, _, words = (hint.arg or "").partition(" ")
    return measure, words


def check_hint(hint) -> Optional[tuple[str, str]]:
    """None when the hint is one the graph induction takes, else (message, expected)."""
    measure, words = read_hint(hint)
    expected = f"by induction on nodes({hint.name}) removing a source (or: " + ", ".join(
        w for w in MOVES if w != "removing a source") + ")"
    if measure != "nodes":
        return f"induction is on the number of nodes, not on {measure}({hint.name})", expected
    if words not in MOVES:
        return f"unknown induction step `{words}`", expected
    return None
