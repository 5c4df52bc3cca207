"""How narrow a range can honestly be: the model-knowing oracle on every shipped scenario and seed.

At every ticket of a twin day (the scenario played in pure virtual time with the router's call rule,
`server/simulation/twin.py`) the rest of the day is played on FORKS times from that state with fresh
draws; the range holding 86 % of those waits is the oracle's. It knows the scenario's service-time
distributions, arrival rates, bookings, shifts and breaks, not the future draws.

Run: .venv/bin/python -m bench.scenario_oracle [--only NAME ...] [--seeds 1 2] [--forks 200]
Writes docs/benchmarks/oracle.json and oracle.md (with --only: oracle-NAME.json and .md).
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict
from typing import Any

from bench.harness import ROOT, stop_on_sigterm
from server.simulation.loading import load_scenario
from server.simulation.oracle import figures, oracle_day
from server.simulation.report import WIDTH_BAR, WIDTH_FROM_WAIT

SCENARIOS = ROOT / "examples" / "scenarios"
OUT = ROOT / "docs" / "benchmarks"


def run(name: str, seed: int, forks: int) -> dict[str, Any]:
    """The oracle's figures over a scenario's reported days for one seed."""
    loaded = load_scenario(SCENARIOS / f"{name}.toml")
    started = time.perf_counter()
    shown = []
    refused = 0
    for plan in sorted(loaded.scenario.days, key=lambda p: p.date):
        if plan.history:  # the oracle needs no history: it knows the model
            continue
        day = oracle_day(scenario=loaded.scenario, plan=plan, site=loaded.site_of(plan), seed=seed, forks=forks)
        shown.extend(day.shown)
        refused += day.refused
    result = asdict(figures(shown))
    result.update(scenario=loaded.scenario.name, file=name, seed=seed, forks=forks, refused=refused,
                  seconds=round(time.perf_counter() - started, 1))
    return result


def table(rows: list[dict[str, Any]]) -> str:
    """A markdown table of the oracle's figures."""
    lines = [
        "| scenario | seed | called | median wait | inside | worst service | median width | width / wait "
        "| score | MAE of its median |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        bar = "" if r["median_wait"] > WIDTH_FROM_WAIT else " (wait ≤ 10 min: no bar)"
        mark = " ✓" if r["median_wait"] > WIDTH_FROM_WAIT and r["width_per_wait"] <= WIDTH_BAR else ""
        lines.append(
            f"| {r['file']} | {r['seed']} | {r['tickets']} | {r['median_wait']:.1f} | {r['inside']:.1%} | "
            f"{r['worst_service']} {r['worst_inside']:.0%} | {r['median_width']:.1f} | "
            f"{r['width_per_wait']}{mark}{bar} | {r['score']:.1f} | {r['median_abs_error']:.1f} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    """Run the oracle over the chosen scenarios and seeds, print and write the table."""
    stop_on_sigterm()
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--seeds", nargs="*", type=int, default=None)
    parser.add_argument("--forks", type=int, default=200)
    args = parser.parse_args()
    names = args.only or sorted(p.stem for p in SCENARIOS.glob("*.toml"))
    rows: list[dict[str, Any]] = []
    for name in names:
        seeds = args.seeds or load_scenario(SCENARIOS / f"{name}.toml").scenario.seeds
        for seed in seeds:
            rows.append(run(name, seed, args.forks))
            print(table(rows[-1:]).splitlines()[-1], flush=True)
    suffix = f"-{'-'.join(args.only)}" if args.only else ""
    (OUT / f"oracle{suffix}.json").write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    (OUT / f"oracle{suffix}.md").write_text(table(rows), encoding="utf-8")
    print(table(rows))


if __name__ == "__main__":
    main()
