"""`aufruf simulate`: run a seeded office day through the real server and print the estimate's accuracy."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from server.demo import EXAMPLE_OFFICE
from server.simulation.run import run_simulation
from server.simulation.scenario import example_day


def simulate(
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same day")] = 1,
    day: Annotated[str, typer.Option(help="Date to simulate (YYYY-MM-DD); its weekday picks the opening hours")] = (
        "2026-11-24"
    ),
    morning_only: Annotated[bool, typer.Option(help="Only the morning period")] = False,
    office: Annotated[Path, typer.Option(help="Office file whose first site is simulated")] = EXAMPLE_OFFICE,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
) -> None:
    """Simulate a whole office day (walk-ins, appointments, no-shows, staffing) on a virtual clock."""
    try:
        chosen = date.fromisoformat(day)
    except ValueError:
        typer.secho(f"'{day}' is not a date (YYYY-MM-DD).", fg=typer.colors.RED, err=True)
        raise typer.Exit(code=2) from None
    report = run_simulation(example_day(seed=seed, day=chosen, morning_only=morning_only), office_file=office)
    typer.echo(json.dumps(report.as_dict(), indent=2) if as_json else report.text())
    if report.unaccounted:
        raise typer.Exit(code=1)
