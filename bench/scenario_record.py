"""Record one scenario run (its database and what the simulation saw) to re-score ranges offline.

The ranges do not feed back into the simulated day (the cut-off uses the expected wait, citizens never
read the range), so a change of the calibration can be scored on a recorded run without re-running it:
`bench.scenario_rescore` recomputes every shown range from the recorded forecasts and builds the report.

Run: .venv/bin/python -m bench.scenario_record NAME SEED OUT_DIR [--days N]
(--days N: only the scenario's first N days, e.g. the shortened Kiel week of docs/estimates.md: --days 2)
"""

from __future__ import annotations

import argparse
import pickle
from dataclasses import replace
from pathlib import Path

from bench.scenarios import SCENARIOS
from server.simulation.loading import load_scenario
from server.simulation.run import run_scenario


def main() -> None:
    """Run one scenario seed, keeping its database and day logs in OUT_DIR."""
    parser = argparse.ArgumentParser()
    parser.add_argument("name")
    parser.add_argument("seed", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--days", type=int, default=None, help="only the first N days")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    loaded = load_scenario(SCENARIOS / f"{args.name}.toml")
    if args.days:
        days = sorted(loaded.scenario.days, key=lambda p: p.date)[: args.days]
        loaded = replace(loaded, scenario=loaded.scenario.model_copy(update={"days": days}))
    report, logs = run_scenario(loaded, seed=args.seed, data_dir=args.out)
    with (args.out / "logs.pkl").open("wb") as file:
        pickle.dump({"scenario": loaded.scenario.name, "seed": args.seed, "logs": logs, "report": report}, file)
    print(report.text())


if __name__ == "__main__":
    main()
