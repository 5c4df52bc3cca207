"""The ranges a run's tickets would have been shown under another calibration rule, from the run's database.

The ranges do not feed back into the simulated day (the closing cut-off uses the expected wait; the
simulated citizens never read the range), so a calibration rule can be judged on a finished run: every
ticket's recorded forecast (expected wait and error scale at drawing) gets the range the rule makes from
the errors known at its drawing. The same rule as the server's reproduces 96-100 % of the shown ranges.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from server.calibration.conformal import calibrated_range
from server.calibration.errors import Outcome, calibration_from
from server.forecast.ranges import CALIBRATION_LEVEL
from server.simulation.driver import DayLog, Drawn

READ_LIMIT = 600  # as server.calibration.history reads


@dataclass(frozen=True)
class Rule:
    """A calibration rule: the level taken on past errors and whether recalled tickets count."""

    level: float = CALIBRATION_LEVEL
    count_recalled: bool = False


PREVIOUS = Rule(level=0.86, count_recalled=True)  # the rule before CALIBRATION_LEVEL and the recall fix


@dataclass(frozen=True)
class _Record:
    token: str
    site: str
    service_pk: int
    appointment: bool
    issued: datetime
    expected: float
    scale: float
    first_call: datetime | None
    ended: datetime | None
    transferred: bool
    recall: datetime | None

    def outcome(self, now: datetime, rule: Rule) -> Outcome:
        """What the database said of this forecast at `now`."""
        recalled = self.recall is not None and self.recall <= now
        called = self.recall if recalled else (self.first_call if self.first_call and self.first_call <= now else None)
        return Outcome(
            service_pk=self.service_pk, appointment=self.appointment, issued_at=self.issued, expected=self.expected,
            scale=self.scale, called_at=called,
            waiting=(self.first_call is None or self.first_call > now) and (self.ended is None or self.ended > now),
            transferred=self.transferred, recalled=recalled and not rule.count_recalled,
        )


def _moment(text: str | None) -> datetime | None:
    if text is None:
        return None
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _records(database: Path, drawn: dict[str, Drawn]) -> list[_Record]:
    """Every recorded forecast of the run, newest first, with the first call the simulation saw."""
    with sqlite3.connect(database) as db:
        rows = db.execute(
            "SELECT t.token, f.site_id, f.service_pk, f.appointment, f.issued_at, f.expected_minutes,"
            " f.scale_minutes, t.called_at, t.finished_at, t.status, t.service_pk, t.issued_service_pk,"
            " t.called_from FROM waitforecast f JOIN ticket t ON t.id = f.ticket_id ORDER BY f.issued_at DESC"
        ).fetchall()
    records = []
    for token, site, service_pk, appointment, issued, expected, scale, called, finished, status, line, issued_line, \
            called_from in rows:
        seen = drawn.get(token)
        first = seen.called_at.astimezone(UTC) if seen is not None and seen.called_at else _moment(called)
        issued_at = _moment(issued)
        assert issued_at is not None
        records.append(_Record(
            token=token, site=site, service_pk=service_pk, appointment=bool(appointment), issued=issued_at,
            expected=expected, scale=scale, first_call=first,
            ended=_moment(finished) if status != "waiting" and first is None else None,
            transferred=line != issued_line,
            # A call by number (a parked citizen back, a no-show recalled) overwrote the first call.
            recall=_moment(called) if called_from is not None else None,
        ))
    return records


def rescored(logs: list[DayLog], database: Path, rule: Rule, zone: str = "Europe/Berlin") -> tuple[list[DayLog], float]:
    """The reported days with each calibrated range as `rule` makes it, and the share it left unchanged."""
    records = _records(database, {t.token: t for log in logs for t in log.tickets})
    by_token = {r.token: r for r in records}
    tz = ZoneInfo(zone)

    def band(moment: datetime) -> int:
        return moment.astimezone(tz).hour

    same = total = 0
    result = []
    for log in logs:
        if log.history:
            result.append(log)
            continue
        tickets = []
        for ticket in log.tickets:
            mine = by_token.get(ticket.token)
            bounds = None
            if mine is not None:
                now = mine.issued
                earlier = [r for r in records if r.site == mine.site and r.issued <= now][:READ_LIMIT]
                outcomes = [r.outcome(now, rule) for r in earlier if r.token != mine.token]
                bounds = calibration_from(outcomes, now=now, band=band).bounds(
                    service_pk=mine.service_pk, appointment=mine.appointment, level=rule.level, band=band(now)
                )
            if mine is None or bounds is None:  # the fixed margins applied: nothing to re-score
                tickets.append(ticket)
                continue
            shown = calibrated_range(expected=mine.expected, scale=mine.scale, bounds=bounds)
            total += 1
            same += shown == tuple(ticket.shown)
            tickets.append(replace(ticket, shown=shown))
        result.append(replace(log, tickets=tickets))
    return result, same / total if total else 1.0
