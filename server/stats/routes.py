"""HTTP routes for supervisors' figures: reports, exports and charts."""

from __future__ import annotations

from datetime import date
from typing import Literal

from fastapi import APIRouter, HTTPException, Query, Response

from server.api.bounds import YEARS_PATTERN, CalendarDay
from server.api.deps import ContextDep, SiteSupervisor
from server.errors import DomainError
from server.stats.export import (
    booking_header,
    booking_rows_of,
    filename,
    kpi_header,
    kpi_rows,
    staffing_header,
    staffing_rows,
    to_csv,
    to_xlsx,
)
from server.stats.kpis import DailyKpis, WeeklyKpis
from server.stats.service import Period, report
from server.stats.staffing import DEFAULT_GOAL

router = APIRouter(tags=["statistics"])

DayQuery = Query(
    default=None, alias="date", json_schema_extra={"pattern": YEARS_PATTERN},
    description="YYYY-MM-DD (local day at the site, 2000 to 2199), default today",
)
GoalQuery = Query(default=DEFAULT_GOAL, gt=0, lt=1, description="share to serve within the target wait")
Language = Literal["de", "en"]
CsvDialect = Literal["excel-de", "rfc4180"]
CsvQuery = Query(
    default="excel-de",
    description="excel-de: ';' and decimal comma, opens as columns in German Excel; rfc4180: ',' and '.'",
)


class StaffingNeedsDay(DomainError):
    """A staffing table asked for a week; it exists per day only."""

    status_code = 422
    code = "staffing_needs_day"


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The charts carry pygal's inline style sheet and nothing else.
SVG_HEADERS = {"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'", "Cache-Control": "no-store"}


def _load(
    context: ContextDep, site: str, day: date | None, period: Period, language: str, goal: float = DEFAULT_GOAL
) -> DailyKpis | WeeklyKpis:
    with context.database.read() as session:
        return report(
            session=session, site_id=site, day=day, period=period, now=context.clock.now(), language=language,
            goal=goal,
        )


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}


@router.get("/sites/{site}/stats", response_model=DailyKpis)
def day_stats(
    site: str,
    context: ContextDep,
    supervisor: SiteSupervisor,
    day: CalendarDay = DayQuery,
    goal: float = GoalQuery,
    lang: Language = "de",
) -> DailyKpis | WeeklyKpis:
    """A day's KPIs per site, service, counter and hour, with the staffing plan (Erlang C)."""
    return _load(context, site, day, Period.day, lang, goal)


@router.get("/sites/{site}/stats/week", response_model=WeeklyKpis)
def week_stats(
    site: str, context: ContextDep, supervisor: SiteSupervisor, day: CalendarDay = DayQuery, lang: Language = "de"
) -> DailyKpis | WeeklyKpis:
    """The KPIs of the ISO week (Monday to Sunday) containing the date, per day, service and counter."""
    return _load(context, site, day, Period.week, lang)


@router.get(
    "/sites/{site}/stats/export.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "CSV, ; separated"}},
)
def export_csv(
    site: str,
    context: ContextDep,
    supervisor: SiteSupervisor,
    day: CalendarDay = DayQuery,
    period: Period = Period.day,
    table: Literal["kpis", "staffing", "bookings"] = "kpis",
    goal: float = GoalQuery,
    lang: Language = "de",
    dialect: CsvDialect = CsvQuery,
) -> Response:
    """The KPI table (or a day's staffing plan, or the bookings) as CSV, by default for German Excel."""
    found = _load(context, site, day, period, lang, goal)
    excel_de = dialect == "excel-de"
    if table == "staffing":
        if not isinstance(found, DailyKpis):
            raise StaffingNeedsDay("The staffing plan is made per day: use period=day.")
        body = to_csv(staffing_rows(found), staffing_header(lang), excel_de=excel_de)
    elif table == "bookings":
        body = to_csv(booking_rows_of(found, lang), booking_header(lang), excel_de=excel_de)
    else:
        body = to_csv(kpi_rows(found, lang), kpi_header(lang), excel_de=excel_de)
    suffix = "" if table == "kpis" else f"-{table}"
    # A byte-order mark so spreadsheet programs read the umlauts as UTF-8.
    return Response(
        "\ufeff" + body, media_type="text/csv; charset=utf-8", headers=_attachment(filename(found, "csv", suffix))
    )


@router.get(
    "/sites/{site}/stats/export.xlsx",
    response_class=Response,
    responses={
        200: {"content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}, "description": "Workbook"}
    },
)
def export_xlsx(
    site: str,
    context: ContextDep,
    supervisor: SiteSupervisor,
    day: CalendarDay = DayQuery,
    period: Period = Period.day,
    goal: float = GoalQuery,
    lang: Language = "de",
) -> Response:
    """The KPI table and, for a day, the staffing plan as an Excel workbook."""
    found = _load(context, site, day, period, lang, goal)
    return Response(to_xlsx(found, lang), media_type=XLSX, headers=_attachment(filename(found, "xlsx")))


@router.get(
    "/sites/{site}/stats/charts/{name}.svg",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {"schema": {"type": "string"}}}, "description": "SVG chart"}},
)
def chart(
    site: str,
    name: str,
    context: ContextDep,
    supervisor: SiteSupervisor,
    day: CalendarDay = DayQuery,
    period: Period = Period.day,
    goal: float = GoalQuery,
    lang: Language = "de",
) -> Response:
    """A chart of the day (arrivals, waits, staffing) or the week (days, waits) as SVG."""
    # Imported on first use: the charts need pygal, ~6 MiB of every idle server.
    from server.stats import charts

    found = _load(context, site, day, period, lang, goal)
    if isinstance(found, DailyKpis) and name in charts.DAY_CHARTS:
        svg = charts.DAY_CHARTS[name](found, lang)
    elif isinstance(found, WeeklyKpis) and name in charts.WEEK_CHARTS:
        svg = charts.WEEK_CHARTS[name](found, lang)
    else:
        raise HTTPException(status_code=404, detail=f"There is no {period.value} chart '{name}'.")
    return Response(svg, media_type="image/svg+xml", headers=SVG_HEADERS)
