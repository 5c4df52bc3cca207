"""Record one scenario run (its database and what the simulation saw) to re-score ranges offline.

The ranges do not feed back into the simulated day (the cut-off uses the expected wait, citizens never
read the range), so a change of the calibration can be scored on a recorded run without re-running it:
`bench.scenario_rescore` recomputes every shown range from the recorded forecasts and builds the report.

Run: .venv/bin/python -m bench.scenario_record NAME SEED OUT_DIR
"""

from __future__ import annotations

import argparse
import pickle
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
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    loaded = load_scenario(SCENARIOS / f"{args.name}.toml")
    report, logs = run_scenario(loaded, seed=args.seed, data_dir=args.out)
    with (args.out / "logs.pkl").open("wb") as file:
        pickle.dump({"scenario": loaded.scenario.name, "seed": args.seed, "logs": logs, "report": report}, file)
    print(report.text())


if __name__ == "__main__":
    main()
