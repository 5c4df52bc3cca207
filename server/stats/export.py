"""Reports as tables: CSV (one table) and XLSX (KPI, staffing and bookings sheets)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime
from typing import TYPE_CHECKING

from server.stats.bookings import BookingFigures, BookingRow
from server.stats.figures import FigureRow, Figures
from server.stats.kpis import DailyKpis, WeeklyKpis
from server.stats.staffing import StaffingHour
from server.stats.texts import text

if TYPE_CHECKING:
    from openpyxl import Workbook

FIGURE_COLUMNS: tuple[str, ...] = tuple(Figures.model_fields)
STAFFING_COLUMNS: tuple[str, ...] = tuple(name for name in StaffingHour.model_fields if name != "start")
BOOKING_COLUMNS: tuple[str, ...] = tuple(BookingFigures.model_fields)
SHARE_COLUMNS = frozenset({
    "no_show_rate", "within_target_share", "service_level_needed", "service_level_actual", "no_show_share",
    "within_target_share_actual",
})
Report = DailyKpis | WeeklyKpis
Cell = str | int | float | date | None


def kpi_header(language: str) -> list[str]:
    """Titles of the KPI table's columns."""
    return [text(f"col.{name}", language) for name in ("group", "key", "label", *FIGURE_COLUMNS)]


def staffing_header(language: str) -> list[str]:
    """Titles of the staffing table's columns."""
    return [text(f"col.{name}", language) for name in STAFFING_COLUMNS]


def booking_header(language: str) -> list[str]:
    """Titles of the bookings table's columns."""
    return [text(f"col.{name}", language) for name in ("group", "key", "label", *BOOKING_COLUMNS)]


def booking_rows_of(report: Report, language: str) -> Iterator[list[Cell]]:
    """The site's bookings, then per service, then (for a week) per day."""
    period = report.date.isoformat() if isinstance(report, DailyKpis) else report.week
    values = report.bookings.model_dump()
    yield [text("group.site", language), report.site, period, *[values[name] for name in BOOKING_COLUMNS]]
    groups: list[tuple[str, list[BookingRow]]] = [("service", report.booking_services)]
    if isinstance(report, WeeklyKpis):
        groups.append(("day", report.booking_days))
    for group, rows in groups:
        for row in rows:
            cells = row.model_dump()
            yield [text(f"group.{group}", language), row.key, row.label, *[cells[name] for name in BOOKING_COLUMNS]]


def _figure_cells(figures: Figures) -> list[Cell]:
    values = figures.model_dump()
    return [values[name] for name in FIGURE_COLUMNS]


def kpi_rows(report: Report, language: str) -> Iterator[list[Cell]]:
    """The whole site first, then each service, each counter, and each hour (day) or day (week)."""
    period = report.date.isoformat() if isinstance(report, DailyKpis) else report.week
    yield [text("group.site", language), report.site, period, *_figure_cells(report)]
    groups: list[tuple[str, list[FigureRow]]] = [("service", report.services), ("counter", report.counters)]
    groups.append(("hour", report.hours) if isinstance(report, DailyKpis) else ("day", report.days))
    for group, rows in groups:
        for row in rows:
            yield [text(f"group.{group}", language), row.key, row.label, *_figure_cells(row)]


def staffing_rows(report: DailyKpis) -> Iterator[list[Cell]]:
    """One row per hour of the staffing plan."""
    for hour in report.staffing:
        values = hour.model_dump()
        yield [values[name] for name in STAFFING_COLUMNS]


def to_csv(rows: Iterator[list[Cell]], header: list[str], *, excel_de: bool = False) -> str:
    """A CSV text with a header and empty cells for missing figures.

    `excel_de`: ';' between cells and ',' as decimal point, as German Excel opens a CSV into columns;
    otherwise ',' and '.' (RFC 4180, for scripts and English spreadsheets).
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", delimiter=";" if excel_de else ",")
    writer.writerow(header)
    writer.writerows([[_cell(cell, excel_de) for cell in row] for row in rows])
    return out.getvalue()


def _cell(cell: Cell, excel_de: bool) -> Cell:
    if cell is None:
        return ""
    if excel_de and isinstance(cell, float):
        return repr(cell).replace(".", ",")
    return cell


def _sheet(workbook: Workbook, title: str, header: list[str], names: list[str], rows: Iterator[list[Cell]]) -> None:
    from openpyxl.styles import Font  # on first use, as in to_xlsx

    sheet = workbook.create_sheet(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
        for name, cell in zip(names, sheet[sheet.max_row], strict=True):
            if name in SHARE_COLUMNS:
                cell.number_format = "0.0%"
    sheet.freeze_panes = "A2"
    for index, title_text in enumerate(header, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = max(10, len(title_text) + 2)


def to_xlsx(report: Report, language: str) -> bytes:
    """A workbook with the KPI table and, for a day, the staffing plan."""
    # Imported on first use: openpyxl costs ~15 MiB of every idle server, and few ever export a workbook.
    from openpyxl import Workbook

    workbook = Workbook()
    assert workbook.active is not None
    workbook.remove(workbook.active)
    names = ["group", "key", "label", *FIGURE_COLUMNS]
    _sheet(workbook, text("sheet.kpis", language), kpi_header(language), names, kpi_rows(report, language))
    if isinstance(report, DailyKpis):
        _sheet(
            workbook, text("sheet.staffing", language), staffing_header(language), list(STAFFING_COLUMNS),
            staffing_rows(report),
        )
    _sheet(
        workbook, text("sheet.bookings", language), booking_header(language),
        ["group", "key", "label", *BOOKING_COLUMNS], booking_rows_of(report, language),
    )
    workbook.properties.title = f"Aufruf {report.site}"
    workbook.properties.created = datetime(2000, 1, 1)  # no wall-clock stamp: the same report gives the same file
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def filename(report: Report, extension: str, suffix: str = "") -> str:
    """A download name such as `aufruf-demo-2026-03-29.xlsx`."""
    period = report.date.isoformat() if isinstance(report, DailyKpis) else report.week
    return f"aufruf-{report.site}-{period}{suffix}.{extension}"
