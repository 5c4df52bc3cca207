"""A busy simulated morning: express against normal services within target, and the planner beside actual waits.

Run: .venv/bin/python -m bench.office_day [--seeds 1 2 3] [--load 1.2] [--json]
Each seed plays the example office's morning through the real server (`aufruf simulate`), its arrivals
scaled by `--load`; the day's report is then read from the simulation's database: per service the share
of called tickets within their target wait, and per hour the staffing plan's surplus (+) or deficit (-)
of counters beside the median wait of that hour's arrivals.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlmodel import select

from server.db import Database
from server.simulation.run import run_simulation
from server.simulation.scenario import example_day
from server.sites.models import Service
from server.stats.kpis import daily_kpis

DAY = date(2026, 11, 24)


def one_morning(seed: int, load: float) -> dict[str, Any]:
    """Simulate one morning and read its figures back from the server's database."""
    scenario = example_day(seed=seed, day=DAY, morning_only=True)
    loads = {
        key: replace(value, walk_ins_per_hour=value.walk_ins_per_hour * load) for key, value in scenario.loads.items()
    }
    scenario = replace(scenario, loads=loads)
    with tempfile.TemporaryDirectory(prefix="aufruf-office-day-") as scratch:
        run_simulation(scenario, data_dir=Path(scratch))
        database = Database(f"sqlite:///{Path(scratch) / 'simulation.db'}")
        with database.read() as session:
            report = daily_kpis(session=session, site_id="mitte", day=DAY, now=datetime(2026, 11, 25, tzinfo=UTC))
            express = {s.key for s in session.exec(select(Service)).all() if s.express}
        database.dispose()
    services = {
        row.key: {
            "within_target": row.within_target_share, "tickets": row.issued, "median_wait": row.wait_minutes_median
        }
        for row in report.services
    }
    waits = {row.label: row.wait_minutes_median for row in report.hours}
    within = {row.label: row.within_target_share for row in report.hours}
    hours = [
        {
            "hour": hour.hour,
            "arrivals": hour.arrivals,
            "needed": hour.counters_needed,
            "open": hour.counters_open,
            "gap": hour.gap,
            # The hour planned on its own, as the planner did before it carried the queue.
            "needed_alone": getattr(hour, "counters_needed_steady", hour.counters_needed),
            "gap_alone": round(hour.counters_open - getattr(hour, "counters_needed_steady", hour.counters_needed), 2),
            "median_wait": waits.get(hour.hour),
            "within_target": within.get(hour.hour),
        }
        for hour in report.staffing
        if hour.arrivals or hour.counters_open
    ]
    return {"seed": seed, "services": services, "express": sorted(express), "hours": hours}


def pooled(runs: list[dict[str, Any]], express: bool) -> float | None:
    """Share within target over every called ticket of the express (or the normal) services of all runs."""
    inside = total = 0.0
    for run in runs:
        for key, figures in run["services"].items():
            if (key in run["express"]) != express or figures["within_target"] is None:
                continue
            inside += figures["within_target"] * figures["tickets"]
            total += figures["tickets"]
    return round(inside / total, 4) if total else None


def main() -> None:
    """Run the mornings and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--load", type=float, default=1.2, help="walk-in arrivals times this factor")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    runs = [one_morning(seed, args.load) for seed in args.seeds]
    result = {"load": args.load, "express_within_target": pooled(runs, True),
              "normal_within_target": pooled(runs, False), "runs": runs}
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"load x{args.load}, seeds {args.seeds}")
    print(f"within target: express {result['express_within_target']}, normal {result['normal_within_target']}")
    for run in runs:
        print(f"seed {run['seed']}")
        for key, figures in run["services"].items():
            mark = "express" if key in run["express"] else "normal "
            print(f"  {mark} {key:<20} {figures['tickets']:>4} tickets  within target {figures['within_target']}")
        for hour in run["hours"]:
            print(
                f"  {hour['hour']}  arrivals {hour['arrivals']:>3}  open {hour['open']:>5}"
                f"  hour alone: needed {hour['needed_alone']:>2} gap {hour['gap_alone']:>+6}"
                f"  with the queue: needed {hour['needed']:>2} gap {hour['gap']:>+6}"
                f"  median wait {hour['median_wait']}  within target {hour['within_target']}"
            )


if __name__ == "__main__":
    main()
