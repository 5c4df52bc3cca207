"""`aufruf simulate`: run a scenario's days through the real server and report the ranges beside the baselines."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from server.office.loading import ConfigError
from server.simulation.loading import Loaded, load_scenario, plain_scenario
from server.simulation.plots import write_plots
from server.simulation.report import Report, reported
from server.simulation.run import run_scenario, simulated_minutes

DEFAULT_SCENARIO = Path(__file__).resolve().parents[2] / "examples" / "scenarios" / "normal-tuesday.toml"


def _load(scenario: Path | None, office: Path | None) -> Loaded:
    """The scenario to run, in its own office or another; with only an office, a plain day of that office."""
    if scenario is None and office is not None:
        return plain_scenario(office)
    return load_scenario(scenario or DEFAULT_SCENARIO, office_file=office)


def simulate(
    scenario: Annotated[Path | None, typer.Argument(help="Scenario file (TOML); default: the normal Tuesday")] = None,
    seed: Annotated[list[int] | None, typer.Option(help="Run these seeds instead of the scenario's")] = None,
    office: Annotated[Path | None, typer.Option(help="Run in this office file instead of the scenario's")] = None,
    plots: Annotated[Path | None, typer.Option(help="Write SVG plots of shown range vs actual wait here")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the reports as JSON")] = False,
    quiet: Annotated[bool, typer.Option(help="No progress bar")] = False,
) -> None:
    """Simulate a scenario's days (walk-ins, bookings, breaks, bursts) on a virtual clock through the real server."""
    try:
        loaded = _load(scenario, office)
    except ConfigError as error:
        typer.secho(error.report(), fg=typer.colors.RED, err=True)
        raise typer.Exit(code=2) from None
    seeds = seed or loaded.scenario.seeds
    reports: list[Report] = []
    total = int(simulated_minutes(loaded) * len(seeds))
    with typer.progressbar(length=total, label=loaded.scenario.name, file=sys.stderr,
                           hidden=quiet or not sys.stderr.isatty()) as bar:
        done = [0.0]

        def advance(minutes: float) -> None:
            before = int(done[0])
            done[0] += minutes
            bar.update(int(done[0]) - before)

        for chosen in seeds:
            report, logs = run_scenario(loaded, seed=chosen, progress=advance)
            reports.append(report)
            if plots is not None:
                items = reported(logs)
                write_plots(items, directory=plots, stem=f"{loaded.path.stem}-seed{chosen}")
    if as_json:
        typer.echo(json.dumps([r.as_dict() for r in reports], indent=2, default=str))
    else:
        typer.echo("\n\n".join(r.text() for r in reports))
    if any(r.unaccounted for r in reports):
        raise typer.Exit(code=1)
