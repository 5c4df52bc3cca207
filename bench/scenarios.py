"""The shipped office scenarios, every seed, through the real server: the forecast's figures beside the baselines.

Run: .venv/bin/python -m bench.scenarios [--only NAME ...] [--seeds 1 2]
Writes docs/benchmarks/scenarios.json and .md (with --only: scenarios-NAME.json and .md; docs/estimates.md
quotes their tables)
and the first seed's range-vs-wait plot per day, docs/benchmarks/scenarios/*.svg.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from bench.harness import ROOT, load_average, machine, stop_on_sigterm
from server.simulation.loading import load_scenario
from server.simulation.plots import write_plots
from server.simulation.report import MIN_SERVICE_TICKETS, Report, reported
from server.simulation.run import run_scenario

SCENARIOS = ROOT / "examples" / "scenarios"
OUT = ROOT / "docs" / "benchmarks"


def row(report: Report) -> dict[str, Any]:
    """One seed's headline figures."""
    o = report.overall
    assert o is not None
    services = [g for g in report.by_service.values() if g.tickets >= MIN_SERVICE_TICKETS]
    weakest = min(services, key=lambda g: g.aufruf.inside_share) if services else o
    weakest_name = next((k for k, g in report.by_service.items() if g is weakest), "-")
    return {
        "seed": report.seed, "tickets": o.tickets, "median_wait": o.median_wait,
        "inside": o.aufruf.inside_share, "weakest_service": weakest_name,
        "weakest_inside": weakest.aufruf.inside_share, "median_abs_error": o.aufruf.median_abs_error,
        "median_width": o.aufruf.median_range_width,
        "width_per_wait": round(o.aufruf.median_range_width / o.median_wait, 2) if o.median_wait else None,
        "score": o.aufruf.interval_score,
        **{f"score_{n}": b.interval_score for n, b in o.baselines.items()},
        **{f"in_sample_{n}": v for n, v in o.in_sample_scores.items()},
        "targets": report.targets, "unaccounted": len(report.unaccounted), "seconds": report.seconds,
    }


def table(name: str, rows: list[dict[str, Any]]) -> str:
    """A markdown table of one scenario."""
    lines = [
        f"#### {name}", "",
        "| seed | called | median wait | inside | weakest service | MAE | median width | width/wait | score "
        "| queue length | LES | HOL | targets missed |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        missed = ", ".join(k for k, v in r["targets"].items() if not v) or "none"
        lines.append(
            f"| {r['seed']} | {r['tickets']} | {r['median_wait']:.1f} min | {r['inside']:.1%} | "
            f"{r['weakest_service']} {r['weakest_inside']:.0%} | {r['median_abs_error']:.1f} | "
            f"{r['median_width']:.1f} | {r['width_per_wait']} | {r['score']:.1f} | "
            f"{r['score_queue_length']:.1f} ({r['in_sample_queue_length']:.1f}) | {r['score_les']:.1f} "
            f"({r['in_sample_les']:.1f}) | {r['score_hol']:.1f} ({r['in_sample_hol']:.1f}) | {missed} |"
        )
    return "\n".join(lines)


def main() -> None:
    """Run the scenarios and write their figures."""
    stop_on_sigterm()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", nargs="*", help="scenario file stems to run")
    parser.add_argument("--seeds", nargs="*", type=int, help="seeds instead of each scenario's own")
    args = parser.parse_args()
    files = sorted(SCENARIOS.glob("*.toml"))
    if args.only:
        files = [f for f in files if f.stem in args.only]
    results: dict[str, Any] = {"machine": machine(), "load_before": load_average(), "scenarios": {}}
    sections = []
    for path in files:
        loaded = load_scenario(path)
        rows: list[dict[str, Any]] = []
        for seed in args.seeds or loaded.scenario.seeds:
            report, logs = run_scenario(loaded, seed=seed)
            if not rows:  # the first seed's days are plotted; the rest would only repeat them
                write_plots(reported(logs), directory=OUT / "scenarios", stem=f"{path.stem}-seed{seed}",
                            per_service=False)
            rows.append(row(report))
            print(report.text(), flush=True)
        results["scenarios"][path.stem] = {"name": loaded.scenario.name, "seeds": rows}
        sections.append(table(loaded.scenario.name, rows))
    results["load_after"] = load_average()
    OUT.mkdir(parents=True, exist_ok=True)
    stem = "scenarios" if not args.only else "scenarios-" + "-".join(args.only)
    (OUT / f"{stem}.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    (OUT / f"{stem}.md").write_text("\n\n".join(sections) + "\n", encoding="utf-8")
    print("\n\n".join(sections))


if __name__ == "__main__":
    main()
