"""Small SVG line charts for the benchmark report, without a plotting library."""

from __future__ import annotations

import math
from html import escape

WIDTH, HEIGHT = 640, 360
LEFT, RIGHT, TOP, BOTTOM = 70, 170, 40, 50
COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b")


def _nice_top(value: float) -> float:
    """A round axis maximum at or above `value`."""
    if value <= 0 or math.isnan(value):
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def line_chart(
    *, title: str, x_label: str, y_label: str, series: dict[str, list[tuple[float, float]]],
    target: float | None = None, target_label: str = "target",
) -> str:
    """An SVG document with one polyline per series and an optional dashed target line."""
    points = [p for values in series.values() for p in values if not math.isnan(p[1])]
    x_max = max((x for x, _ in points), default=1.0) or 1.0
    y_max = _nice_top(max([y for _, y in points] + ([target] if target else []), default=1.0) * 1.05)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def sx(x: float) -> float:
        return LEFT + plot_w * x / x_max

    def sy(y: float) -> float:
        return TOP + plot_h * (1 - y / y_max)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" font-family="sans-serif" '
        'font-size="12">',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
        f'<text x="{WIDTH / 2}" y="22" text-anchor="middle" font-size="15">{escape(title)}</text>',
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}" stroke="black"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="black"/>',
        f'<text x="{LEFT + plot_w / 2}" y="{HEIGHT - 12}" text-anchor="middle">{escape(x_label)}</text>',
        f'<text x="16" y="{TOP + plot_h / 2}" text-anchor="middle" '
        f'transform="rotate(-90 16 {TOP + plot_h / 2})">{escape(y_label)}</text>',
    ]
    for tick in range(5):
        y = y_max * tick / 4
        parts.append(f'<line x1="{LEFT - 4}" y1="{sy(y):.1f}" x2="{LEFT + plot_w}" y2="{sy(y):.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{LEFT - 8}" y="{sy(y) + 4:.1f}" text-anchor="end">{y:g}</text>')
    for x in sorted({x for x, _ in points}):
        parts.append(f'<text x="{sx(x):.1f}" y="{TOP + plot_h + 18}" text-anchor="middle">{x:g}</text>')
    if target is not None:
        parts.append(f'<line x1="{LEFT}" y1="{sy(target):.1f}" x2="{LEFT + plot_w}" y2="{sy(target):.1f}" '
                     'stroke="black" stroke-dasharray="6 4"/>')
        parts.append(f'<text x="{LEFT + plot_w + 8}" y="{sy(target) + 4:.1f}">{escape(target_label)}</text>')
    for index, (name, values) in enumerate(series.items()):
        colour = COLOURS[index % len(COLOURS)]
        shown = [(x, y) for x, y in values if not math.isnan(y)]
        path = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in shown)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        parts += [f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="3" fill="{colour}"/>' for x, y in shown]
        legend_y = TOP + 16 * index + 10
        parts.append(f'<rect x="{LEFT + plot_w + 8}" y="{legend_y - 9}" width="12" height="3" fill="{colour}"/>')
        parts.append(f'<text x="{LEFT + plot_w + 24}" y="{legend_y - 4}">{escape(name)}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
