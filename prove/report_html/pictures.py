"""Pictures for the HTML report, as inline SVG text.

Method.  Each picture is drawn from what the verdict carries: a `Figure`
(`prove.figure`: expression trees rebuilt into SymPy with a fixed list of
heads, the exact witness point, the counterexample graph) or a calc chain's
steps.  Functions are sampled with `sympy.lambdify` on those SymPy
expressions (mpmath, converted to float for drawing only); a sample that
fails or is not a finite real leaves a gap.  Contours are marching squares on
a 41 x 41 grid.  Graphs are laid out here, with no plotting library: a DAG by
longest path from its sources (left to right), a graph with a cycle the same
way after the back edges of a depth-first search are set aside, and one cycle
drawn in red.

Soundness.  Nothing here decides anything: floats only place pixels, and a
picture that cannot be drawn raises `NoPicture` (the page shows a one-line
note instead).  Every piece of text that reaches the SVG is escaped.
"""

from __future__ import annotations

import math
from fractions import Fraction
from html import escape
from typing import Callable, Optional

from prove.figure import FUNCTION, GRAPH, SIDES, Figure, Unplottable, expr_of
from prove.verdict import Step, Verdict

W, H = 360, 240  # plot size in px
PAD_L, PAD_R, PAD_T, PAD_B = 46, 12, 14, 30
SAMPLES = 161
GRID = 41
HALF_WIDTH = 2.0  # the window is the witness point +- this
LEVELS = 9
DASHED = ' stroke-dasharray="6 3"'
BLUE, ORANGE, RED, GREY = "#1f77b4", "#ff7f0e", "#d62728", "#888"
VERDICT_FILL = {Verdict.PROVED: "#2ca02c", Verdict.VERIFIED: "#17becf", Verdict.REFUTED: "#ff7f0e",
                Verdict.UNKNOWN: "#9467bd", Verdict.ERROR: "#d62728"}


class NoPicture(Exception):
    """Why a picture was left out (one line, for the page)."""


def picture(fig: Figure, uid: str = "0") -> str:
    """The SVG of a figure; `NoPicture` when it cannot be drawn.  `uid` keeps the
    ids inside it (clip paths, arrow heads) apart from other pictures' on the page."""
    svg = _picture(fig)
    for name in ("plot", "arrow-red", "arrow"):
        svg = svg.replace(f'id="{name}"', f'id="{name}-{uid}"').replace(f"url(#{name})", f"url(#{name}-{uid})")
    return svg


def _picture(fig: Figure) -> str:
    try:
        if fig.kind == GRAPH:
            return graph_svg(fig.nodes, fig.edges, fig.label)
        if fig.kind == FUNCTION and len(fig.variables) == 1:
            return function_svg(fig)
        if fig.kind == FUNCTION and len(fig.variables) == 2:
            return contour_svg(fig)
        if fig.kind == SIDES:
            return sides_svg(fig)
    except Unplottable as exc:
        raise NoPicture(f"the expression uses {exc}, which the report does not draw")
    raise NoPicture(f"no drawing for a {fig.kind} of {len(fig.variables)} variables")


# ------------------------------------------------------------- sampling


def _numeric(fig: Figure, k: int) -> Callable:
    import sympy as sp

    syms = {name: sp.Dummy(name, real=True) for name in fig.variables}
    expr = expr_of(fig.exprs[k], syms)
    fn = sp.lambdify([syms[n] for n in fig.variables], expr, modules="mpmath")

    def value(*xs) -> Optional[float]:
        try:
            v = complex(fn(*xs))
        except Exception:  # a pole, a log of a negative number: a gap in the curve
            return None
        if abs(v.imag) > 1e-9 * max(1.0, abs(v.real)) or not math.isfinite(v.real):
            return None
        return v.real

    return value


def _point(fig: Figure) -> list[float]:
    if fig.point:
        return [float(Fraction(p)) for p in fig.point]
    return [0.0] * len(fig.variables)


def _span(values: list) -> tuple[float, float]:
    finite = sorted(v for v in values if v is not None)
    if not finite:
        raise NoPicture("the function has no real value near the point")
    k = len(finite) // 50  # a pole's spike would flatten the rest: drop the outer 2 %
    lo, hi = finite[k], finite[-1 - k]
    if hi - lo < 1e-12:
        lo, hi = lo - 1, hi + 1
    pad = (hi - lo) * 0.08
    return lo - pad, hi + pad


def _number(x: float) -> str:
    return f"{x:.3g}"


# ------------------------------------------------------------- frames


class _Frame:
    """World (x, y) ranges to pixels, with axes and the ends labelled."""

    def __init__(self, x0, x1, y0, y1):
        self.x0, self.x1, self.y0, self.y1 = x0, x1, y0, y1

    def px(self, x: float) -> float:
        return PAD_L + (x - self.x0) / (self.x1 - self.x0) * (W - PAD_L - PAD_R)

    def py(self, y: float) -> float:
        return H - PAD_B - (y - self.y0) / (self.y1 - self.y0) * (H - PAD_T - PAD_B)

    def axes(self, xname: str, yname: str = "") -> list[str]:
        out = [f'<rect x="{PAD_L}" y="{PAD_T}" width="{W - PAD_L - PAD_R}" height="{H - PAD_T - PAD_B}" '
               f'fill="none" stroke="{GREY}"/>']
        if self.y0 < 0 < self.y1:
            out.append(_line(PAD_L, self.py(0), W - PAD_R, self.py(0), "#ccc"))
        if self.x0 < 0 < self.x1:
            out.append(_line(self.px(0), PAD_T, self.px(0), H - PAD_B, "#ccc"))
        out.append(_text(PAD_L, H - PAD_B + 13, _number(self.x0), "start"))
        out.append(_text(W - PAD_R, H - PAD_B + 13, _number(self.x1), "end"))
        out.append(_text((PAD_L + W - PAD_R) / 2, H - 4, xname, "middle"))
        out.append(_text(PAD_L - 3, H - PAD_B, _number(self.y0), "end"))
        out.append(_text(PAD_L - 3, PAD_T + 9, _number(self.y1), "end"))
        if yname:
            out.append(_text(PAD_L - 3, (PAD_T + H - PAD_B) / 2, yname, "end"))
        return out

    def curve(self, xs, ys, colour: str, extra: str = "") -> str:
        runs, run = [], []
        for x, y in zip(xs, ys):
            if y is None or not self.y0 - (self.y1 - self.y0) <= y <= self.y1 + (self.y1 - self.y0):
                if len(run) > 1:
                    runs.append(run)
                run = []
                continue
            run.append(f"{self.px(x):.1f},{self.py(y):.1f}")
        if len(run) > 1:
            runs.append(run)
        return "".join(f'<polyline points="{" ".join(r)}" fill="none" stroke="{colour}" stroke-width="2"{extra}/>'
                       for r in runs)


def _svg(body: list[str], title: str, width: int = W, height: int = H) -> str:
    return (f'<svg class="picture" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img"><title>{escape(title)}</title>'
            f'<defs><clipPath id="plot"><rect x="{PAD_L}" y="{PAD_T}" width="{W - PAD_L - PAD_R}" '
            f'height="{H - PAD_T - PAD_B}"/></clipPath></defs>' + "".join(body) + "</svg>")


def _line(x1, y1, x2, y2, colour, extra="") -> str:
    return f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}"{extra}/>'


def _text(x, y, text: str, anchor: str = "start", colour: str = "#333", size: int = 11) -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" fill="{colour}" '
            f'font-family="sans-serif">{escape(text)}</text>')


def _dot(x, y, colour=RED, r=4) -> str:
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{colour}" stroke="white"/>'


# ------------------------------------------------------------- plots


def function_svg(fig: Figure) -> str:
    """g near the witness point, the point marked with its value."""
    value = _numeric(fig, 0)
    (p,) = _point(fig)
    xs = [p - HALF_WIDTH + 2 * HALF_WIDTH * i / (SAMPLES - 1) for i in range(SAMPLES)]
    ys = [value(x) for x in xs]
    at = value(p)
    frame = _Frame(xs[0], xs[-1], *_span(ys + [at]))
    var = fig.variables[0]
    body = frame.axes(var, f"{fig.label}({var})" if fig.label.isidentifier() else fig.label)
    body.append(f'<g clip-path="url(#plot)">{frame.curve(xs, ys, BLUE)}</g>')
    if fig.point and at is not None:
        body.append(_dot(frame.px(p), frame.py(at)))
        body.append(_text(frame.px(p) + 6, frame.py(at) - 6, f"{var} = {fig.point[0]}", "start", RED))
    return _svg(body, f"{fig.label} near {var} = {fig.point[0] if fig.point else 0}")


def sides_svg(fig: Figure) -> str:
    """Both sides along x = p + t*(1, ..., 1); t = 0 is the witness."""
    left, right = _numeric(fig, 0), _numeric(fig, 1)
    p = _point(fig)
    ts = [-HALF_WIDTH + 2 * HALF_WIDTH * i / (SAMPLES - 1) for i in range(SAMPLES)]
    one = len(p) == 1
    xs = [p[0] + t for t in ts] if one else ts
    at = [[q + t for q in p] for t in ts]
    ls, rs = [left(*a) for a in at], [right(*a) for a in at]
    l0, r0 = left(*p), right(*p)
    frame = _Frame(xs[0], xs[-1], *_span(ls + rs + [l0, r0]))
    name = fig.variables[0] if one else "t"
    body = frame.axes(name)
    body.append(f'<g clip-path="url(#plot)">{frame.curve(xs, ls, BLUE)}'
                f'{frame.curve(xs, rs, ORANGE, DASHED)}</g>')
    x0 = p[0] if one else 0.0
    body.append(_line(frame.px(x0), PAD_T, frame.px(x0), H - PAD_B, RED, ' stroke-dasharray="2 2"'))
    for v, colour in ((l0, BLUE), (r0, ORANGE)):
        if v is not None and frame.y0 <= v <= frame.y1:
            body.append(_dot(frame.px(x0), frame.py(v), colour))
    body.append(_text(PAD_L + 4, PAD_T + 12, "left side", "start", BLUE))
    body.append(_text(PAD_L + 4, PAD_T + 25, "right side (dashed)", "start", ORANGE))
    if not one:
        line = (f"({', '.join(fig.variables)}) = ({', '.join(fig.point)}) + t*({', '.join('1' for _ in p)})")
        body.append(_text(W - PAD_R - 2, PAD_T + 12, line, "end", GREY, 10))
    return _svg(body, "both sides through the witness")


def contour_svg(fig: Figure) -> str:
    """Level lines of g(x, y) around the point (marching squares), the point marked."""
    value = _numeric(fig, 0)
    px0, py0 = _point(fig)
    xs = [px0 - HALF_WIDTH + 2 * HALF_WIDTH * i / (GRID - 1) for i in range(GRID)]
    ys = [py0 - HALF_WIDTH + 2 * HALF_WIDTH * j / (GRID - 1) for j in range(GRID)]
    z = [[value(x, y) for x in xs] for y in ys]
    lo, hi = _span([v for row in z for v in row])
    levels = [lo + (hi - lo) * (k + 1) / (LEVELS + 1) for k in range(LEVELS)]
    frame = _Frame(xs[0], xs[-1], ys[0], ys[-1])
    body = frame.axes(fig.variables[0], fig.variables[1])
    paths = []
    for k, level in enumerate(levels):
        segs = _march(xs, ys, z, level)
        if not segs:
            continue
        d = "".join(f"M{frame.px(a):.1f},{frame.py(b):.1f}L{frame.px(c):.1f},{frame.py(e):.1f}"
                    for (a, b), (c, e) in segs)
        shade = k / max(1, LEVELS - 1)
        colour = f"rgb({int(40 + 200 * shade)},{int(90 + 40 * (1 - abs(2 * shade - 1)))},{int(240 - 200 * shade)})"
        paths.append(f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="1.4"/>')
    if not paths:
        raise NoPicture("the function is constant around the point: no level lines")
    body.append('<g clip-path="url(#plot)">' + "".join(paths) + _witness_curve(fig, frame) + "</g>")
    body.append(_dot(frame.px(px0), frame.py(py0)))
    shown = ", ".join(fig.point) if fig.point else "0, 0"
    body.append(_text(frame.px(px0) + 6, frame.py(py0) - 6, f"({shown})", "start", RED))
    body.append(_text(W - PAD_R - 2, PAD_T + 12, f"level lines of {fig.label}, low blue to high red",
                      "end", GREY, 10))
    return _svg(body, f"contours of {fig.label} around ({shown})")


def _witness_curve(fig: Figure, frame: _Frame) -> str:
    """The refutation's curve through the point (`Figure.curve`), dashed red, clipped to the window."""
    if len(fig.curve) != 2:
        return ""
    import sympy as sp

    t = sp.Dummy("t", real=True)
    fx, fy = (sp.lambdify([t], expr_of(c, {"t": t}), modules="mpmath") for c in fig.curve)
    span = 2 * HALF_WIDTH
    runs, run = [], []
    for i in range(4 * GRID + 1):
        ti = -span + 2 * span * i / (4 * GRID)
        try:
            x, y = float(fx(ti)), float(fy(ti))
        except Exception:
            x = y = math.inf
        if frame.x0 <= x <= frame.x1 and frame.y0 <= y <= frame.y1:
            run.append(f"{frame.px(x):.1f},{frame.py(y):.1f}")
        elif run:
            runs.append(run)
            run = []
    runs.append(run)
    return "".join(f'<polyline class="witness-curve" points="{" ".join(r)}" fill="none" stroke="{RED}" '
                   f'stroke-width="2" stroke-dasharray="6 3"/>' for r in runs if len(r) > 1)


def _march(xs, ys, z, level) -> list:
    """Marching squares: the segments where the grid's bilinear surface crosses `level`."""
    segs = []

    def cut(p, q, vp, vq):
        t = (level - vp) / (vq - vp)
        return (p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1]))

    for j in range(len(ys) - 1):
        for i in range(len(xs) - 1):
            corners = [((xs[i], ys[j]), z[j][i]), ((xs[i + 1], ys[j]), z[j][i + 1]),
                       ((xs[i + 1], ys[j + 1]), z[j + 1][i + 1]), ((xs[i], ys[j + 1]), z[j + 1][i])]
            if any(v is None for _, v in corners):
                continue
            cuts = []
            for k in range(4):
                (p, vp), (q, vq) = corners[k], corners[(k + 1) % 4]
                if (vp < level) != (vq < level):
                    cuts.append(cut(p, q, vp, vq))
            if len(cuts) == 2:
                segs.append((cuts[0], cuts[1]))
            elif len(cuts) == 4:  # a saddle cell: pair the cuts around the corners
                segs.extend([(cuts[0], cuts[1]), (cuts[2], cuts[3])])
    return segs


# ------------------------------------------------------------- graphs


def find_cycle(n: int, edges) -> list[tuple[int, int]]:
    """The edges of one directed cycle (a self-loop first), or [] for a DAG."""
    for a, b in edges:
        if a == b:
            return [(a, b)]
    back, parent = _depth_first(n, edges)
    if not back:
        return []
    u, v = back[0]  # the back edge u -> v closes a cycle through the tree path v ~> u
    cycle, w = [(u, v)], u
    while w != v:
        cycle.append((parent[w], w))
        w = parent[w]
    return cycle[::-1]


def _back_edges(n: int, edges) -> set:
    """Edges that close a cycle in a depth-first search: without them the graph is a DAG."""
    return set(_depth_first(n, edges)[0])


def _depth_first(n: int, edges) -> tuple[list, dict]:
    """A depth-first search from 1, 2, ...: (its back edges in the order met, tree parents)."""
    succ = {u: sorted(b for a, b in edges if a == u) for u in range(1, n + 1)}
    state, parent, back = {}, {}, []
    for root in range(1, n + 1):
        if root in state:
            continue
        stack = [(root, iter(succ[root]))]
        state[root] = 1
        while stack:
            u, it = stack[-1]
            v = next(it, None)
            if v is None:
                state[u] = 2
                stack.pop()
            elif state.get(v) == 1:
                back.append((u, v))
            elif v not in state:
                state[v], parent[v] = 1, u
                stack.append((v, iter(succ[v])))
    return back, parent


def layers(n: int, edges) -> dict[int, int]:
    """Node -> layer: the longest path reaching it, back edges set aside."""
    forward = [e for e in edges if e not in _back_edges(n, edges) and e[0] != e[1]]
    layer = {u: 0 for u in range(1, n + 1)}
    for _ in range(n):  # Bellman-Ford style relaxation; n rounds reach every longest path of a DAG
        changed = False
        for a, b in forward:
            if layer[b] < layer[a] + 1:
                layer[b], changed = layer[a] + 1, True
        if not changed:
            break
    return layer


def graph_svg(n: int, edges, label: str = "G") -> str:
    """Nodes in columns by layer, arrows for edges, one cycle in red."""
    if n < 1:
        raise NoPicture("the graph has no nodes")
    edges = list(edges)
    cycle = set(find_cycle(n, edges))
    layer = layers(n, edges)
    columns: dict[int, list[int]] = {}
    for u in range(1, n + 1):
        columns.setdefault(layer[u], []).append(u)
    gap_x, gap_y, r = 90, 56, 15
    width = max(240, 60 + gap_x * (max(columns) + 1))
    height = max(110, 50 + gap_y * max(len(c) for c in columns.values()))
    pos = {}
    for col, members in columns.items():
        top = (height - gap_y * (len(members) - 1)) / 2
        for k, u in enumerate(members):
            pos[u] = (50 + gap_x * col, top + gap_y * k)
    body = ['<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
            'orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#555"/></marker>'
            '<marker id="arrow-red" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
            f'orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="{RED}"/></marker></defs>']
    for a, b in edges:
        red = (a, b) in cycle
        colour, marker = (RED, "arrow-red") if red else ("#555", "arrow")
        width_attr = ' stroke-width="2.5"' if red else ' stroke-width="1.5"'
        (x1, y1), (x2, y2) = pos[a], pos[b]
        if a == b:
            body.append(f'<path d="M{x1 - 8:.1f},{y1 - r + 2:.1f} C{x1 - 30:.1f},{y1 - 50:.1f} '
                        f'{x1 + 30:.1f},{y1 - 50:.1f} {x1 + 8:.1f},{y1 - r + 2:.1f}" fill="none" '
                        f'stroke="{colour}"{width_attr} marker-end="url(#{marker})"/>')
            continue
        dx, dy = x2 - x1, y2 - y1
        d = math.hypot(dx, dy) or 1.0
        sx, sy, ex, ey = x1 + dx / d * r, y1 + dy / d * r, x2 - dx / d * r, y2 - dy / d * r
        skips = abs(layer[b] - layer[a]) != 1  # would cross the nodes between, or its twin edge
        bend = 18 * min(3, max(1, abs(layer[b] - layer[a]))) if skips or (b, a) in edges else 0
        mx, my = (sx + ex) / 2 - dy / d * bend, (sy + ey) / 2 + dx / d * bend
        body.append(f'<path d="M{sx:.1f},{sy:.1f} Q{mx:.1f},{my:.1f} {ex:.1f},{ey:.1f}" fill="none" '
                    f'stroke="{colour}"{width_attr} marker-end="url(#{marker})"/>')
    for u, (x, y) in pos.items():
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="#eef" stroke="#335"/>')
        body.append(_text(x, y + 4, str(u), "middle", "#113", 12))
    note = "cycle in red" if cycle else ("layered by longest path" if edges else "no edges")
    body.append(_text(6, height - 6, f"{label}: {n} nodes, {len(edges)} edges; {note}", "start", GREY, 10))
    return (f'<svg class="picture" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img"><title>{escape(label)}</title>' + "".join(body) + "</svg>")


# ------------------------------------------------------------- calc chains


def calc_svg(steps: tuple[Step, ...]) -> str:
    """One row per step: its line, its verdict, and what fails at a step that does not hold."""
    if not steps:
        raise NoPicture("the chain has no steps")
    width, row = 640, 46
    height = 14 + row * len(steps)
    body = []
    for k, s in enumerate(steps):
        y = 8 + row * k
        fill = VERDICT_FILL[s.verdict]
        body.append(f'<rect x="6" y="{y}" width="{width - 12}" height="{row - 8}" rx="5" fill="{fill}" '
                    f'fill-opacity="0.14" stroke="{fill}"/>')
        body.append(f'<rect x="12" y="{y + 9}" width="74" height="20" rx="4" fill="{fill}"/>')
        body.append(_text(49, y + 23, s.verdict.value, "middle", "white", 12))
        text = " ".join(s.text.split()) or f"step at line {s.line}"
        body.append(_text(96, y + 16, _clip(f"line {s.line}: {text}", 84), "start", "#222", 12))
        detail = s.reason if s.verdict is not Verdict.PROVED and s.reason else s.method
        if s.witness:
            detail = "at " + ", ".join(f"{k} = {v}" for k, v in s.witness.items()) + (f": {detail}" if detail else "")
        body.append(_text(96, y + 31, _clip(detail or "", 96), "start", "#555", 10))
    if len(steps) > 1:
        body.append(_line(49, 8 + row - 8, 49, 8 + row * (len(steps) - 1), GREY))
    return (f'<svg class="picture calc" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img"><title>calc chain</title>' + "".join(body) + "</svg>")


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "\u2026"
