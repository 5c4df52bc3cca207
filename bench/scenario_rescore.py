"""Re-score recorded scenario runs (`bench.scenario_record`) with the current calibration, in seconds.

Every shown range is recomputed from the run's recorded forecasts (expected wait and scale at drawing)
and the errors the calibration could know at that moment, then the same report is built. Valid for
changes of the calibration only: the point forecast and the simulated day are the recorded ones.

Run: .venv/bin/python -m bench.scenario_rescore /tmp/rec/walk-in-rush-1 [...]
"""

from __future__ import annotations

import argparse
import pickle
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from server.calibration.conformal import calibrated_range
from server.calibration.errors import Outcome, calibration_from
from server.forecast.ranges import CALIBRATION_LEVEL
from server.simulation.driver import DayLog, Drawn
from server.simulation.report import Report, build_report

READ_LIMIT = 600  # as server.calibration.history reads


def _moment(text: str | None) -> datetime | None:
    if text is None:
        return None
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _known_call(first: datetime | None, recall: datetime | None, now: datetime) -> datetime | None:
    """The call time the database held at `now`: the recall once it happened, else the first call."""
    if recall is not None and recall <= now:
        return recall
    return first if first is not None and first <= now else None


def rescore(directory: Path, zone: str = "Europe/Berlin") -> tuple[Report, Report, float]:
    """The recorded report, the re-scored one, and the share of ranges the re-scoring reproduced unchanged."""
    with (directory / "logs.pkl").open("rb") as file:
        record = pickle.load(file)
    logs: list[DayLog] = record["logs"]
    drawn: dict[str, Drawn] = {t.token: t for log in logs for t in log.tickets}
    db = sqlite3.connect(directory / "simulation.db")
    rows = db.execute(
        "SELECT t.token, f.site_id, f.service_pk, f.appointment, f.issued_at, f.expected_minutes, f.scale_minutes,"
        " t.called_at, t.finished_at, t.status, t.service_pk, t.issued_service_pk, t.called_from"
        " FROM waitforecast f JOIN ticket t ON t.id = f.ticket_id ORDER BY f.issued_at DESC"
    ).fetchall()
    tz = ZoneInfo(zone)

    def band(moment: datetime) -> int:
        return moment.astimezone(tz).hour

    records = []
    for token, site, service_pk, appointment, issued, expected, scale, called, finished, status, line, issued_line, \
            called_from in rows:
        seen = drawn.get(token)
        first_call = seen.called_at.astimezone(UTC) if seen is not None and seen.called_at else _moment(called)
        ended = _moment(finished) if status not in ("waiting",) and first_call is None else None
        # A call by number (a parked citizen back, a no-show recalled) overwrote the first call in the database.
        recall = _moment(called) if called_from is not None else None
        records.append((token, site, service_pk, bool(appointment), _moment(issued), expected, scale, first_call,
                        ended, line != issued_line, recall))
    same = total = 0
    for log in logs:
        if log.history:
            continue
        for i, ticket in enumerate(log.tickets):
            mine = next((r for r in records if r[0] == ticket.token), None)
            if mine is None:
                continue
            _, site, service_pk, appointment, issued, expected, scale, *_ = mine
            assert issued is not None
            earlier = [r for r in records if r[1] == site and r[4] is not None and r[4] <= issued][:READ_LIMIT]
            outcomes = [
                Outcome(service_pk=r[2], appointment=r[3], issued_at=r[4], expected=r[5], scale=r[6],
                        called_at=_known_call(r[7], r[10], issued),
                        waiting=(r[7] is None or r[7] > issued) and (r[8] is None or r[8] > issued),
                        transferred=r[9], recalled=r[10] is not None and r[10] <= issued)
                for r in earlier if r[0] != ticket.token and r[4] is not None
            ]
            calibration = calibration_from(outcomes, now=issued, band=band)
            bounds = calibration.bounds(service_pk=service_pk, appointment=appointment, level=CALIBRATION_LEVEL,
                                        band=band(issued))
            if bounds is None:
                continue
            shown = calibrated_range(expected=expected, scale=scale, bounds=bounds)
            total += 1
            same += shown == tuple(ticket.shown)
            log.tickets[i] = replace(ticket, shown=shown)
    after = build_report(scenario=record["scenario"], seed=record["seed"], logs=logs)
    return record["report"], after, same / total if total else 1.0


def main() -> None:
    """Print before → after headline figures per recorded run."""
    parser = argparse.ArgumentParser()
    parser.add_argument("runs", nargs="+", type=Path)
    args = parser.parse_args()
    for directory in args.runs:
        before, after, same = rescore(directory)
        b, a = before.overall, after.overall
        assert b is not None and a is not None
        baselines = ", ".join(f"{name} {g.interval_score:.1f}" for name, g in a.baselines.items())
        print(f"{directory.name}: inside {b.aufruf.inside_share:.1%} -> {a.aufruf.inside_share:.1%}, "
              f"width/wait {b.aufruf.median_range_width / b.median_wait:.2f} -> "
              f"{a.aufruf.median_range_width / a.median_wait:.2f}, score {b.aufruf.interval_score:.1f} -> "
              f"{a.aufruf.interval_score:.1f} (baselines {baselines}); "
              f"reproduced {same:.0%}; targets {after.targets}")


if __name__ == "__main__":
    main()
