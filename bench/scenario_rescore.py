"""Re-score recorded scenario runs (`bench.scenario_record`) with the current calibration, in seconds.

Every shown range is recomputed from the run's recorded forecasts (expected wait and scale at drawing)
and the errors the calibration could know at that moment, then the same report is built. Valid for
changes of the calibration only: the point forecast and the simulated day are the recorded ones.

Run: .venv/bin/python -m bench.scenario_rescore /tmp/rec/walk-in-rush-1 [...]
"""

from __future__ import annotations

import argparse
import pickle
from pathlib import Path

from server.simulation.report import Report, build_report
from server.simulation.rescore import Rule, rescored


def rescore(directory: Path, rule: Rule | None = None) -> tuple[Report, Report, float]:
    """The recorded report, the re-scored one, and the share of ranges the re-scoring left unchanged."""
    with (directory / "logs.pkl").open("rb") as file:
        record = pickle.load(file)
    logs, same = rescored(record["logs"], directory / "simulation.db", rule or Rule())
    return record["report"], build_report(scenario=record["scenario"], seed=record["seed"], logs=logs), same


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
              f"{a.aufruf.interval_score:.1f} (baselines {baselines}); unchanged {same:.0%}; targets {after.targets}")


if __name__ == "__main__":
    main()
