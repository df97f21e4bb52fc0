"""The HTML report: one self-contained page for a run (`prove --html FILE`).

Method.  Made after every verdict is in, from the `Result`s alone: the
summary counts, a grid of files x claims (one row per file, a TA's view of a
batch), and one section per claim with its verdict, method, bound, witness,
reason, expected verdict, time, source position and, where it helps, a
picture (`pictures`).  The page has no script, no external link and no
network reference: pictures are inline SVG, styles are inline, and the
"only not as expected" filter is a CSS checkbox (`:checked ~`).

Soundness.  The report never changes a verdict or the exit code.  Claim
files are untrusted (a student's submission), so every piece of text from
them, and from results that quote them, is HTML-escaped; a picture that
cannot be drawn, for any reason, is replaced by a one-line note.
"""

from __future__ import annotations

from html import escape
from typing import Iterable

from prove.report import summary_counts, summary_line, witness_text
from prove.report_html.pictures import NoPicture, calc_svg, picture
from prove.verdict import Result, Verdict

ALIGNED_COLUMNS = 60  # more distinct claim names than this: each row lists its own claims

CSS = """
body{font-family:system-ui,sans-serif;margin:1.5em;color:#222;max-width:1100px}
h1{font-size:1.4em} h2{font-size:1.15em;margin-top:1.6em}
.counts span{display:inline-block;margin-right:1em}
.v{display:inline-block;padding:0 .45em;border-radius:4px;color:#fff;font-weight:600}
.v-proved{background:#2ca02c}.v-verified{background:#17becf}.v-refuted{background:#ff7f0e}
.v-unknown{background:#9467bd}.v-error{background:#d62728}
table.grid{border-collapse:collapse;font-size:12px}
.grid th,.grid td{border:1px solid #ddd;padding:2px 4px;text-align:left}
.grid td.cell{width:18px;height:18px;padding:0;text-align:center}
.grid td.cell a{display:block;width:18px;height:18px;line-height:18px;color:#fff;text-decoration:none;font-weight:700}
.grid td.seq{display:flex;flex-wrap:wrap;gap:1px;max-width:760px}
.chip{display:inline-block;width:16px;height:16px;line-height:16px;text-align:center;color:#fff;
text-decoration:none;font-weight:700}
.grid th.name{writing-mode:vertical-rl;transform:rotate(180deg);font-weight:400;max-height:12em;overflow:hidden}
.claim{border:1px solid #ddd;border-left:6px solid #999;border-radius:4px;padding:.5em .8em;margin:.7em 0}
.claim.unexpected{border-left-color:#d62728;background:#fff6f6}
.claim h3{margin:.1em 0 .3em;font-size:1em}
.claim dl{display:grid;grid-template-columns:8em 1fr;gap:.1em .6em;margin:.3em 0}
.claim dt{color:#666}.claim dd{margin:0;word-break:break-word}
pre{background:#f6f6f6;padding:.4em;overflow-x:auto}
.note{color:#777;font-style:italic}
.mark{color:#d62728;font-weight:700}
#only-unexpected:checked ~ main .as-expected{display:none}
"""


def write_report(results: list[Result], path: str, title: str = "prove report") -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write(render(results, title))


def render(results: list[Result], title: str = "prove report") -> str:
    ids = {id(r): f"c{k}" for k, r in enumerate(results)}
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8"/>',
             f"<title>{escape(title)}</title>", f"<style>{CSS}</style></head><body>",
             f"<h1>{escape(title)}</h1>", _summary(results),
             '<input type="checkbox" id="only-unexpected"/> <label for="only-unexpected">only claims not as '
             "expected</label>", "<main>", _grid(results, ids), "<h2>Claims</h2>"]
    parts.extend(_claim(r, ids[id(r)]) for r in results)
    parts.append("</main></body></html>\n")
    return "\n".join(parts)


def _summary(results: list[Result]) -> str:
    c = summary_counts(results)
    spans = "".join(f'<span><span class="v v-{v.value}">{c[v.value]}</span> {v.value}</span>' for v in Verdict)
    return (f'<p class="counts" id="summary">{spans}<span>{c["total"]} claims, '
            f'<span class="mark">{c["unexpected"]}</span> not as expected</span></p>'
            f"<p>{escape(summary_line(results))}</p>")


def _files(results: Iterable[Result]) -> dict[str, list[Result]]:
    by_file: dict[str, list[Result]] = {}
    for r in results:
        by_file.setdefault(r.file, []).append(r)
    return by_file


def _cell(r: Result | None, cid: str = "") -> str:
    if r is None:
        return '<td class="cell"></td>'
    tip = escape(f"{r.name}: {r.verdict.value}" + ("" if r.as_expected else f" (expected {r.expected})"))
    mark = "" if r.as_expected else "!"
    return (f'<td class="cell v-{r.verdict.value}" title="{tip}"><a href="#{cid}" '
            f'aria-label="{tip}">{mark}</a></td>')


def _chip(r: Result, cid: str) -> str:
    """A cell of a row that lists its own claims (too many names to align in columns)."""
    tip = escape(f"{r.name}: {r.verdict.value}" + ("" if r.as_expected else f" (expected {r.expected})"))
    return (f'<a class="chip v-{r.verdict.value}" href="#{cid}" title="{tip}" aria-label="{tip}">'
            f'{"" if r.as_expected else "!"}</a>')


def _grid(results: list[Result], ids: dict) -> str:
    """One row per file; one cell per claim, coloured by verdict, `!` where not as expected."""
    by_file = _files(results)
    names: list[str] = []
    for rs in by_file.values():
        for r in rs:
            if r.name not in names:
                names.append(r.name)
    rows = []
    aligned = len(names) <= ALIGNED_COLUMNS
    for path, rs in by_file.items():
        bad = sum(1 for r in rs if not r.as_expected)
        cls = "as-expected" if not bad else "unexpected"
        mark = f'<span class="mark">{bad}</span>' if bad else "0"
        head = (f'<th scope="row">{escape(path)}</th><td>{len(rs)}</td>'
                f"<td>{mark}</td>")
        if aligned:
            first = {}
            for r in rs:
                first.setdefault(r.name, r)
            cells = "".join(_cell(first.get(n), ids[id(first[n])] if n in first else "") for n in names)
        else:
            cells = '<td class="seq">' + "".join(_chip(r, ids[id(r)]) for r in rs) + "</td>"
        rows.append(f'<tr class="file {cls}">{head}{cells}</tr>')
    header = "<th>file</th><th>claims</th><th>not as expected</th>"
    if aligned:
        header += "".join(f'<th class="name">{escape(n)}</th>' for n in names)
    else:
        header += "<th>claims in file order</th>"
    return (f'<h2>Files</h2><table class="grid" id="grid"><thead><tr>{header}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def _claim(r: Result, cid: str) -> str:
    cls = "as-expected" if r.as_expected else "unexpected"
    where = f"{r.file}:{r.line}" + (f":{r.column}" if r.column else "")
    rows = [("verdict", f'<span class="v v-{r.verdict.value}">{r.verdict.value}</span>'
             + ("" if r.as_expected else f' <span class="mark">not as expected</span>')),
            ("expected", escape(r.expected)), ("where", escape(where))]
    for label, value in (("method", r.method), ("bound", r.bound),
                         ("witness", witness_text(r.witness) if r.witness else None), ("reason", r.reason)):
        if value:
            rows.append((label, escape(value)))
    if r.repair:
        rows.append(("holds when", escape(f"{r.repair.condition} ({r.repair.verdict.value})")))
    rows.append(("time", "cached" if r.cached else f"{r.seconds:.2f} s"))
    dl = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    source = f"<pre>{escape(r.source)}</pre>" if r.source else ""
    return (f'<section class="claim {cls}" id="{cid}"><h3>{escape(r.name)}</h3><dl>{dl}</dl>{source}'
            f"{_pictures(r, cid)}</section>")


def _pictures(r: Result, cid: str) -> str:
    out = []
    if r.figure is not None and r.verdict is Verdict.REFUTED:
        out.append(_safely(lambda: picture(r.figure, cid)))
    if r.steps:
        out.append(_safely(lambda: calc_svg(r.steps)))
    return "".join(f'<div class="figure">{p}</div>' for p in out)


def _safely(draw) -> str:
    """A picture, or a one-line note saying why there is none; never an exception."""
    try:
        return draw()
    except NoPicture as exc:
        return f'<p class="note">no picture: {escape(str(exc))}</p>'
    except Exception as exc:  # a plotting failure costs the picture, never the report
        return f'<p class="note">no picture: {escape(type(exc).__name__)} while drawing it</p>'
