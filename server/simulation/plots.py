"""SVG plots of the range each ticket was shown against the wait it had (pygal)."""

from __future__ import annotations

from pathlib import Path

import pygal
from pygal.style import CleanStyle

from server.simulation.report import Judged


def range_plot(items: list[Judged], *, title: str) -> str:
    """Tickets in drawing order: the shown range as a band and the actual wait as dots."""
    ordered = sorted(items, key=lambda j: j.ticket.drawn_at)
    chart = pygal.XY(
        title=title, style=CleanStyle, show_dots=True, dots_size=2, stroke=False, x_title="ticket (in drawing order)",
        y_title="minutes", legend_at_bottom=True, truncate_legend=-1, width=1000, height=450,
    )
    low = [(n, j.ranges["aufruf"][0]) for n, j in enumerate(ordered)]
    high = [(n, j.ranges["aufruf"][1]) for n, j in enumerate(ordered)]
    inside = [(n, j.wait) if low[n][1] <= j.wait <= high[n][1] else None for n, j in enumerate(ordered)]
    outside = [(n, j.wait) if not low[n][1] <= j.wait <= high[n][1] else None for n, j in enumerate(ordered)]
    chart.add("shown: low end", low, stroke=True, show_dots=False)
    chart.add("shown: high end", high, stroke=True, show_dots=False)
    chart.add("actual wait, inside", [p for p in inside if p is not None])
    chart.add("actual wait, outside", [p for p in outside if p is not None])
    return str(chart.render(is_unicode=True))


def write_plots(items: list[Judged], *, directory: Path, stem: str, per_service: bool = True) -> list[Path]:
    """One plot per day and (unless told not to) one per service into a directory; returns the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    slices: dict[str, list[Judged]] = {}
    for item in items:
        slices.setdefault(f"day-{item.ticket.day}", []).append(item)
        if per_service:
            slices.setdefault(f"service-{item.ticket.service}", []).append(item)
    for name, part in sorted(slices.items()):
        path = directory / f"{stem}-{name}.svg"
        path.write_text(range_plot(part, title=f"{stem}: {name} — shown range vs actual wait"), encoding="utf-8")
        written.append(path)
    return written
