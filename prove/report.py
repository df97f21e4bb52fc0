"""Results to text: the terminal report (compiler-style lines), JSON and CSV."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from typing import Iterable, Optional

from prove.verdict import Result, Verdict

COLOURS = {
    Verdict.PROVED: "32", Verdict.VERIFIED: "36", Verdict.REFUTED: "33",
    Verdict.UNKNOWN: "35", Verdict.ERROR: "31",
}


def witness_text(witness: dict) -> str:
    """`g(w) = -w^2, w0 = 0`: a function's value is its whole definition."""
    parts = []
    for name, value in witness.items():
        value = str(value)
        parts.append(value if value.startswith(f"{name}(") else f"{name} = {value}")
    return ", ".join(parts)


def _paint(text: str, code: str, colour: bool) -> str:
    return f"\033[{code}m{text}\033[0m" if colour else text


def format_result(r: Result, colour: bool = False) -> str:
    verdict = _paint(r.verdict.value, COLOURS[r.verdict], colour)
    if r.verdict is Verdict.ERROR:
        head = f"{r.file}:{r.line}:{r.column}: error: {r.reason}"
        lines = [_paint(head, COLOURS[Verdict.ERROR], colour) if colour else head]
        if r.source:
            lines.append(r.source)
        if r.name and r.name not in ("(statement)", "(file)"):
            lines.append(f"    in claim {r.name}" + ("" if r.as_expected else ""))
        return "\n".join(lines)
    method = f" [{r.method}]" if r.method else ""
    mark = "" if r.as_expected else "  " + _paint(f"UNEXPECTED: expected {r.expected}", "1;31", colour)
    took = "cached" if r.cached else f"{r.seconds:.2f}s"
    lines = [f"{r.file}:{r.line}: {r.name}: {verdict}{method} ({took}){mark}"]
    if r.bound:
        lines.append(f"    bound: {r.bound}")
    if r.witness:
        lines.append(f"    witness: {witness_text(r.witness)}")
    if r.reason:
        lines.append(f"    reason: {r.reason}")
    if r.repair:
        lines.append(f"    holds when {r.repair.condition} ({r.repair.verdict.value})")
    for s in r.steps:
        detail = ""
        if s.witness:
            detail = f"; witness: {witness_text(s.witness)}"
        if s.reason and s.verdict is not Verdict.PROVED:
            detail += f"; {s.reason}"
        lines.append(f"    step at line {s.line}: {s.verdict.value}{detail}")
    return "\n".join(lines)


def summary_counts(results: Iterable[Result]) -> dict:
    results = list(results)
    counts = Counter(r.verdict.value for r in results)
    data = {v.value: counts.get(v.value, 0) for v in Verdict}
    data["unexpected"] = sum(1 for r in results if not r.as_expected)
    data["internal"] = sum(1 for r in results if r.internal)
    data["total"] = len(results)
    return data


def summary_line(results: Iterable[Result]) -> str:
    c = summary_counts(results)
    text = (f"{c['proved']} proved, {c['verified']} verified, {c['refuted']} refuted, "
            f"{c['unknown']} unknown, {c['error']} errors")
    if c["internal"]:
        text += f" ({c['internal']} unknown by an internal error, please report)"
    if c["unexpected"]:
        return f"{text}: {c['unexpected']} not as expected"
    return f"{text} (all as expected)"


def to_json(results: list[Result], error: Optional[str] = None) -> str:
    """The run as one JSON document; `error` (a usage problem) comes with no claims."""
    data = {"claims": [r.to_json() for r in results], "summary": summary_counts(results)}
    if error is not None:
        data["error"] = error
    return json.dumps(data, indent=2)


CSV_COLUMNS = ("file", "claim", "verdict", "expected", "as_expected", "seconds")


def to_csv(results: list[Result]) -> str:
    """One row per claim under a header row, for a spreadsheet of a class's batch.
    A file name that a spreadsheet would read as a formula (`=...`, `+`, `-`, `@`)
    gets a leading `'`: submitted file names are not trusted."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in results:
        writer.writerow([_cell(r.file), _cell(r.name), r.verdict.value, r.expected,
                         "true" if r.as_expected else "false", f"{r.seconds:.3f}"])
    return out.getvalue()


def _cell(text: str) -> str:
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
