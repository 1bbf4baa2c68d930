"""A picture of the ontology's classes as SVG, drawn on the server: no script, no fetch.

Classes are boxes placed by a force-directed layout (Fruchterman-Reingold, from a fixed
start, so the same ontology always gives the same picture); object properties are labelled
arrows from domain to range, subclass links hollow-headed arrows to the superclass.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

WIDTH, HEIGHT = 1100, 760
BOX_H = 24
_ITERATIONS = 400
_GRAVITY = 5.0


def draw_classes(nodes: Sequence[tuple[str, str]], edges: Sequence[tuple[str, str, str]]) -> str:
    """An SVG of ``nodes`` (anchor, name) and ``edges`` (from, label, to); '' label: subclass."""
    names = dict(nodes)
    widths = {n: 14 + 7.2 * len(names[n]) for n in names}
    positions = layout([n for n, _ in nodes], [(a, b) for a, _, b in edges], widths)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" class="class-diagram" '
        'font-family="sans-serif" font-size="12">',
        "<title>Classes of the diplomacy ontology</title>",
        "<defs>"
        '<marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'fill="#1f5fa8"/></marker>'
        '<marker id="hollow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="9" '
        'markerHeight="9" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'fill="#fff" stroke="#555"/></marker></defs>',
    ]
    pairs: dict[tuple[str, str], int] = {}
    for a, label, b in edges:
        if a not in positions or b not in positions:
            continue
        (x1, y1), (x2, y2) = positions[a], positions[b]
        sx, sy = _border(x1, y1, x2, y2, widths[a])
        ex, ey = _border(x2, y2, x1, y1, widths[b])
        if not label:
            parts.append(f'<line x1="{sx:.0f}" y1="{sy:.0f}" x2="{ex:.0f}" y2="{ey:.0f}" '
                         'stroke="#555" stroke-dasharray="4 3" marker-end="url(#hollow)"/>')
            continue
        if a == b:  # a property from a class to itself: a loop above the box
            top = y1 - BOX_H / 2
            parts.append(f'<path d="M{x1 - 12:.0f},{top:.0f} C{x1 - 30:.0f},{top - 40:.0f} '
                         f'{x1 + 30:.0f},{top - 40:.0f} {x1 + 12:.0f},{top:.0f}" fill="none" '
                         'stroke="#1f5fa8" marker-end="url(#arrow)"/>')
            n = pairs[(a, b)] = pairs.get((a, b), 0) + 1
            parts.append(_label(x1, top - 30 - 13 * (n - 1), label))
            continue
        parts.append(f'<line x1="{sx:.0f}" y1="{sy:.0f}" x2="{ex:.0f}" y2="{ey:.0f}" '
                     'stroke="#1f5fa8" marker-end="url(#arrow)"/>')
        key = (min(a, b), max(a, b))
        n = pairs[key] = pairs.get(key, 0) + 1
        parts.append(_label((sx + ex) / 2, (sy + ey) / 2 + 13 * (n - 1), label))
    for node, name in nodes:
        x, y = positions[node]
        w = widths[node]
        parts.append(
            f'<a href={quoteattr("#" + node)}><rect x="{x - w / 2:.0f}" y="{y - BOX_H / 2:.0f}" '
            f'width="{w:.0f}" height="{BOX_H}" rx="4" fill="#eef3f9" stroke="#1f5fa8"/>'
            f'<text x="{x:.0f}" y="{y + 4:.0f}" text-anchor="middle" fill="#1d232a">'
            f"{escape(name)}</text></a>")
    parts.append("</svg>")
    return "\n".join(parts)


def _label(x: float, y: float, text: str) -> str:
    return (f'<text x="{x:.0f}" y="{y:.0f}" text-anchor="middle" fill="#1f5fa8" '
            f'font-size="10" stroke="#fff" stroke-width="3" paint-order="stroke">'
            f"{escape(text)}</text>")


def _border(x1: float, y1: float, x2: float, y2: float, width: float) -> tuple[float, float]:
    """Where the line from a box's centre towards (x2, y2) leaves the box."""
    dx, dy = x2 - x1, y2 - y1
    if dx == 0 and dy == 0:
        return x1, y1
    scale = min(width / 2 / abs(dx) if dx else math.inf, BOX_H / 2 / abs(dy) if dy else math.inf)
    return x1 + dx * scale, y1 + dy * scale


def layout(nodes: Sequence[str], edges: Sequence[tuple[str, str]],
           widths: dict[str, float] | None = None) -> dict[str, tuple[float, float]]:
    """Fruchterman-Reingold positions scaled into the picture, the same for the same input."""
    n = len(nodes)
    if n == 0:
        return {}
    k = 100.0
    pos = {node: [300 * math.cos(2 * math.pi * i / n), 300 * math.sin(2 * math.pi * i / n)]
           for i, node in enumerate(nodes)}
    links = [(a, b) for a, b in edges if a != b and a in pos and b in pos]
    for step in range(_ITERATIONS):
        move = {node: [0.0, 0.0] for node in nodes}
        for i, a in enumerate(nodes):
            for b in nodes[i + 1:]:
                # Boxes are wide and low: distance counts vertically more than across.
                dx, dy = pos[a][0] - pos[b][0], (pos[a][1] - pos[b][1]) * 2.2
                d = max(math.hypot(dx, dy), 1.0)
                f = k * k / d
                move[a][0] += dx / d * f
                move[a][1] += dy / d * f
                move[b][0] -= dx / d * f
                move[b][1] -= dy / d * f
        for a, b in links:
            dx, dy = pos[a][0] - pos[b][0], pos[a][1] - pos[b][1]
            d = max(math.hypot(dx, dy), 1.0)
            f = d * d / k
            move[a][0] -= dx / d * f
            move[a][1] -= dy / d * f
            move[b][0] += dx / d * f
            move[b][1] += dy / d * f
        for node in nodes:  # gravity keeps classes without links near the others
            move[node][0] -= pos[node][0] * _GRAVITY
            move[node][1] -= pos[node][1] * _GRAVITY * 2
        t = 60 * (1 - step / _ITERATIONS) + 1
        for node in nodes:
            dx, dy = move[node]
            d = max(math.hypot(dx, dy), 1e-9)
            pos[node][0] += dx / d * min(d, t)
            pos[node][1] += dy / d * min(d, t)
    margin_x, margin_y = 110.0, 50.0
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    sx = (WIDTH - 2 * margin_x) / max(max(xs) - min(xs), 1.0)
    sy = (HEIGHT - 2 * margin_y) / max(max(ys) - min(ys), 1.0)
    placed = {node: [margin_x + (x - min(xs)) * sx, margin_y + (y - min(ys)) * sy]
              for node, (x, y) in pos.items()}
    _separate(placed, widths or {})
    return {node: (x, y) for node, (x, y) in placed.items()}


def _separate(pos: dict[str, list[float]], widths: dict[str, float]) -> None:
    """Push apart boxes that overlap, sideways, a few times over."""
    names = sorted(pos)
    for _ in range(30):
        moved = False
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                need_x = (widths.get(a, 80) + widths.get(b, 80)) / 2 + 8
                dx, dy = pos[b][0] - pos[a][0], pos[b][1] - pos[a][1]
                if abs(dy) < BOX_H + 6 and abs(dx) < need_x:
                    push = (need_x - abs(dx)) / 2 * (1 if dx >= 0 else -1)
                    pos[a][0] -= push
                    pos[b][0] += push
                    moved = True
        for node in names:
            w = widths.get(node, 80) / 2 + 2
            pos[node][0] = min(WIDTH - w, max(w, pos[node][0]))
        if not moved:
            return
