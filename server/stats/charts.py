"""Server-rendered SVG charts of a report (pygal), without scripts or external references."""

from __future__ import annotations

from collections.abc import Callable

import pygal
from pygal.etree import etree
from pygal.style import Style

from server.stats.kpis import DailyKpis, WeeklyKpis
from server.stats.texts import text

# Dark series on white with at least 4.5:1 contrast; two colours that stay apart for colour-blind readers.
STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1a1a1a",
    foreground_strong="#000000",
    foreground_subtle="#595959",
    colors=("#1f4e99", "#b34700", "#2f6b2f"),
    font_family="'DejaVu Sans', 'Noto Sans', Arial, sans-serif",
    title_font_size=18,
    label_font_size=12,
    major_label_font_size=12,
    legend_font_size=13,
)
SIZE = {"width": 900, "height": 360}


def _chart(kind: type[pygal.graph.graph.Graph], title: str, labels: list[str]) -> pygal.graph.graph.Graph:
    chart = kind(
        style=STYLE, js=[], disable_xml_declaration=True, show_legend=True, legend_at_bottom=True,
        x_label_rotation=0 if len(labels) <= 14 else 45, print_values=False, **SIZE,
    )
    chart.title = title
    chart.x_labels = labels
    return chart


def _render(chart: pygal.graph.graph.Graph) -> str:
    """The SVG text without pygal's configuration script, which only its (unused) tooltips read."""
    tree = chart.render_tree()
    for parent in list(tree.iter()):
        for child in list(parent):
            if str(child.tag).endswith("script"):
                parent.remove(child)
    svg: str = etree.tostring(tree, encoding="unicode")
    return svg


def arrivals(report: DailyKpis, language: str) -> str:
    """Tickets issued and served per hour."""
    chart = _chart(pygal.Bar, text("chart.arrivals", language), [row.label for row in report.hours])
    chart.add(text("series.issued", language), [row.issued for row in report.hours])
    chart.add(text("series.served", language), [row.served for row in report.hours])
    return _render(chart)


def waits(report: DailyKpis, language: str) -> str:
    """Median and 90th percentile wait per hour of drawing."""
    chart = _chart(pygal.Line, text("chart.waits", language), [row.label for row in report.hours])
    chart.add(text("series.median", language), [row.wait_minutes_median for row in report.hours])
    chart.add(text("series.p90", language), [row.wait_minutes_p90 for row in report.hours])
    return _render(chart)


def staffing(report: DailyKpis, language: str) -> str:
    """Counters needed (Erlang C) against counters open, per hour."""
    chart = _chart(pygal.Bar, text("chart.staffing", language), [hour.hour for hour in report.staffing])
    chart.add(text("series.needed", language), [hour.counters_needed for hour in report.staffing])
    chart.add(text("series.open", language), [hour.counters_open for hour in report.staffing])
    return _render(chart)


def days(report: WeeklyKpis, language: str) -> str:
    """Tickets issued and served per day of the week."""
    chart = _chart(pygal.Bar, text("chart.days", language), [row.label for row in report.days])
    chart.add(text("series.issued", language), [row.issued for row in report.days])
    chart.add(text("series.served", language), [row.served for row in report.days])
    return _render(chart)


def day_waits(report: WeeklyKpis, language: str) -> str:
    """Median and 90th percentile wait per day of the week."""
    chart = _chart(pygal.Line, text("chart.day_waits", language), [row.label for row in report.days])
    chart.add(text("series.median", language), [row.wait_minutes_median for row in report.days])
    chart.add(text("series.p90", language), [row.wait_minutes_p90 for row in report.days])
    return _render(chart)


DAY_CHARTS: dict[str, Callable[[DailyKpis, str], str]] = {"arrivals": arrivals, "waits": waits, "staffing": staffing}
WEEK_CHARTS: dict[str, Callable[[WeeklyKpis, str], str]] = {"days": days, "waits": day_waits}
