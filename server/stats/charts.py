"""Server-rendered SVG charts of a report (pygal), without scripts or external references."""

from __future__ import annotations

from collections.abc import Callable

import pygal
from pygal.etree import etree
from pygal.style import Style

from server.stats.figures import FigureRow
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
    # Every value axis starts at 0: a wait axis from 12 to 14 minutes would make a calm day look dramatic.
    chart = kind(
        style=STYLE, js=[], disable_xml_declaration=True, show_legend=True, legend_at_bottom=True,
        x_label_rotation=0 if len(labels) <= 14 else 45, print_values=False, include_x_axis=True, **SIZE,
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


def _open_rows(report: DailyKpis) -> list[FigureRow]:
    """The report's hours within opening hours (or with tickets), the only ones a chart shows."""
    shown = set(report.open_hours)
    return [row for row in report.hours if row.label in shown]


def arrivals(report: DailyKpis, language: str) -> str:
    """Tickets issued and served per hour."""
    hours = _open_rows(report)
    chart = _chart(pygal.Bar, text("chart.arrivals", language), [row.label for row in hours])
    chart.add(text("series.issued", language), [row.issued for row in hours])
    chart.add(text("series.served", language), [row.served for row in hours])
    return _render(chart)


def waits(report: DailyKpis, language: str) -> str:
    """Median and 90th percentile wait per hour of drawing."""
    hours = _open_rows(report)
    chart = _chart(pygal.Line, text("chart.waits", language), [row.label for row in hours])
    chart.add(text("series.median", language), [row.wait_minutes_median for row in hours])
    chart.add(text("series.p90", language), [row.wait_minutes_p90 for row in hours])
    return _render(chart)


def staffing(report: DailyKpis, language: str) -> str:
    """Counters needed (Erlang C with the carried queue) against counters open, per hour."""
    shown = set(report.open_hours)
    plan = [hour for hour in report.staffing if hour.hour in shown]
    chart = _chart(pygal.Bar, text("chart.staffing", language), [hour.hour for hour in plan])
    chart.add(text("series.needed", language), [hour.counters_needed for hour in plan])
    chart.add(text("series.open", language), [hour.counters_open for hour in plan])
    return _render(chart)


def bookings(report: DailyKpis | WeeklyKpis, language: str) -> str:
    """Per service (a day) or per day (a week): bookings that came, never came, or came too late."""
    rows = report.booking_services if isinstance(report, DailyKpis) else report.booking_days
    chart = _chart(pygal.StackedBar, text("chart.bookings", language), [row.label for row in rows])
    chart.add(text("series.came", language), [row.came - row.late_walk_in for row in rows])
    chart.add(text("series.late_walk_in", language), [row.late_walk_in for row in rows])
    chart.add(text("series.booking_no_show", language), [row.no_show for row in rows])
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


DAY_CHARTS: dict[str, Callable[[DailyKpis, str], str]] = {
    "arrivals": arrivals, "waits": waits, "staffing": staffing, "bookings": bookings,
}
WEEK_CHARTS: dict[str, Callable[[WeeklyKpis, str], str]] = {"days": days, "waits": day_waits, "bookings": bookings}
