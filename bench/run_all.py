"""Run every benchmark and write docs/benchmarks.md with its plots.

Run: .venv/bin/python -m bench.run_all [--quick]
Writes docs/benchmarks.md, docs/benchmarks/*.svg and docs/benchmarks/results.json. --quick uses small
sizes (for trying the runner out; its figures are not the published ones).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import subprocess
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench import call_latency, compare, fanout, issuance
from bench.harness import ROOT, load_average, machine, redis_available, stop_on_sigterm
from bench.plot import line_chart

DOCS = ROOT / "docs"
FIGURES = DOCS / "benchmarks"
# The comparison with the bare references as measured before the layered core; kept to show the change.
BEFORE = FIGURES / "compare_before.json"
# Moderate sizes for the comparison, so both sides finish in minutes on a shared machine.
COMPARE = {"kiosks": 64, "seconds": 6.0, "waiting": 200, "repeats": 15, "displays": 1000, "calls": 10}
QUICK_COMPARE = {"kiosks": 16, "seconds": 2.0, "waiting": 20, "repeats": 5, "displays": 100, "calls": 3}
REDIS_WORKERS = 2


def _timed(name: str, runs: dict[str, Any], function: Any, *args: Any, **kwargs: Any) -> Any:
    """Run one benchmark, noting the load average before and after and how long it took."""
    before = load_average()
    started = time.monotonic()
    result = function(*args, **kwargs)
    minutes = round((time.monotonic() - started) / 60, 1)
    runs[name] = {"load_before": before, "load_after": load_average(), "minutes": minutes}
    return result


def measure_compare(quick: bool, runs: dict[str, Any]) -> list[dict[str, Any]]:
    """Aufruf against its bare references, every figure a ratio measured in this run."""
    figures = _timed("compare", runs, compare.run, **(QUICK_COMPARE if quick else COMPARE))
    return [asdict(f) for f in figures]


def measure(quick: bool) -> dict[str, Any]:
    """Every benchmark at the published (or, with quick, tiny) sizes."""
    sizes = [20, 100] if quick else [100, 1000, 2000, 5000]
    steps = [0, 100, 300] if quick else [0, 1000, 2500, 5000, 7500, 10000]
    calls, seconds, repeat = (3, 1.0, 1) if quick else (20, 8.0, 2)
    runs: dict[str, Any] = {}
    notes: list[str] = []
    issued: list[dict[str, Any]] = []
    for _ in range(repeat):
        results, skipped = _timed("issuance", runs, issuance.run, ["sqlite", "postgresql"], [1, 16, 64], seconds)
        issued += [asdict(r) for r in results]
        notes += [n for n in skipped if n not in notes]
    compared = measure_compare(quick, runs)
    latency = _timed("call_latency", runs, call_latency.run, sizes, calls)
    memory = _timed("fanout", runs, fanout.run, steps, 3)
    redis_latency: list[Any] = []
    redis_fanout: list[Any] = []
    if reason := redis_available():
        notes.append(f"Redis benchmarks skipped: {reason}")
    else:
        redis_latency = _timed("call_latency_redis", runs, call_latency.run, sizes, calls, REDIS_WORKERS, True)
        redis_fanout = _timed("fanout_redis", runs, fanout.run, steps, 3, REDIS_WORKERS, True)
    return {
        "when": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": _commit(),
        "machine": machine(),
        "quick": quick,
        "runs": runs,
        "notes": notes,
        "compare": compared,
        "issuance": issued,
        "call_latency": [asdict(r) for r in latency],
        "fanout": [asdict(r) for r in memory],
        "call_latency_redis": [asdict(r) for r in redis_latency],
        "fanout_redis": [asdict(r) for r in redis_fanout],
    }


def _commit() -> str:
    return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                          cwd=ROOT).stdout.strip()


def _median(values: list[float]) -> float:
    ordered = sorted(v for v in values if not math.isnan(v))
    return ordered[len(ordered) // 2] if ordered else float("nan")


def _issuance_rows(data: dict[str, Any]) -> dict[tuple[str, int], dict[str, Any]]:
    """Median over repeats for each (database, kiosks)."""
    grouped: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for row in data["issuance"]:
        grouped.setdefault((row["database"], row["kiosks"]), []).append(row)
    return {
        key: {
            "per_second": _median([r["per_second"] for r in rows]),
            "p50_ms": _median([r["p50_ms"] for r in rows]),
            "p99_ms": _median([r["p99_ms"] for r in rows]),
            "runs": len(rows),
            "tickets": sum(r["tickets"] for r in rows),
            "numbering_ok": all(r["numbering_ok"] for r in rows),
        }
        for key, rows in grouped.items()
    }


def plots(data: dict[str, Any]) -> None:
    """Write the SVG figures."""
    FIGURES.mkdir(parents=True, exist_ok=True)
    latency: dict[str, list[tuple[float, float]]] = {}
    pairs = (("1 worker", data["call_latency"]), (f"{REDIS_WORKERS} workers, Redis", data["call_latency_redis"]))
    for name, rows in pairs:
        if rows:
            latency[f"p50, {name}"] = [(r["watchers"], r["figures"]["p50_ms"]) for r in rows]
            latency[f"p99, {name}"] = [(r["watchers"], r["figures"]["p99_ms"]) for r in rows]
            latency[f"p99 from answer, {name}"] = [
                (r["watchers"], r["figures"].get("after_answer_p99_ms", float("nan"))) for r in rows
            ]
    (FIGURES / "call_latency.svg").write_text(line_chart(
        title="Call-to-watcher latency", x_label="connected websockets", y_label="ms", series=latency,
        target=50, target_label="p99 target",
    ))
    memory = {"1 worker": [(r["watchers"], r["rss_mib"]) for r in data["fanout"]]}
    if data["fanout_redis"]:
        memory[f"{REDIS_WORKERS} workers"] = [(r["watchers"], r["rss_mib"]) for r in data["fanout_redis"]]
    (FIGURES / "memory.svg").write_text(line_chart(
        title="Server RSS with idle websockets", x_label="connected websockets", y_label="MiB", series=memory,
        target=200, target_label="10k target",
    ))
    reach = {"1 worker": [(r["watchers"], _median(r["all_reached_ms"])) for r in data["fanout"] if r["watchers"]]}
    if data["fanout_redis"]:
        reach[f"{REDIS_WORKERS} workers, Redis"] = [
            (r["watchers"], _median(r["all_reached_ms"])) for r in data["fanout_redis"] if r["watchers"]
        ]
    (FIGURES / "fanout.svg").write_text(line_chart(
        title="One call until the last watcher has it (median)", x_label="connected websockets", y_label="ms",
        series=reach, target=500, target_label="target",
    ))
    rows = _issuance_rows(data)
    throughput: dict[str, list[tuple[float, float]]] = {
        database: [(float(kiosks), row["per_second"]) for (db, kiosks), row in sorted(rows.items()) if db == database]
        for database in sorted({db for db, _ in rows})
    }
    (FIGURES / "issuance.svg").write_text(line_chart(
        title="Tickets issued per second", x_label="concurrent kiosks", y_label="tickets/s", series=throughput,
        target=1000, target_label="target",
    ))


def _at(rows: list[dict[str, Any]], watchers: int) -> dict[str, Any] | None:
    """The row with the most watchers not above `watchers`."""
    fitting = [r for r in rows if 0 < r["watchers"] <= watchers]
    return max(fitting, key=lambda r: r["watchers"]) if fitting else None


def _verdict(ok: bool | None) -> str:
    return "—" if ok is None else ("met" if ok else "**missed**")


def targets(data: dict[str, Any]) -> list[str]:
    """The target table's rows."""
    lines = ["| target | measured | verdict |", "|---|---|---|"]
    near = _at(data["call_latency"], 2000)
    if near:
        # The issue counts from the call-next response; the end-to-end figure (from sending it) is shown too.
        p99, end_to_end = near["figures"]["after_answer_p99_ms"], near["figures"]["p99_ms"]
        lines.append(f"| call-to-display p99 ≤ 50 ms with 2,000 watchers, from the call-next response | p99 {p99} ms "
                     f"with {near['watchers']} | {_verdict(p99 <= 50 and near['watchers'] >= 2000)} |")
        lines.append(f"| the same from sending call-next (includes the call itself; no target) | p99 {end_to_end} ms "
                     f"with {near['watchers']} | — |")
    big = _at(data["fanout"], 10000)
    if big:
        lines.append(f"| 10,000 idle watchers in ≤ 200 MiB RSS | {big['rss_mib']} MiB with {big['watchers']} "
                     f"| {_verdict(big['rss_mib'] <= 200 and big['watchers'] >= 10000)} |")
        reach = max(big["all_reached_ms"], default=float("nan"))
        lines.append(f"| one event at all 10,000 watchers within 500 ms | worst of {len(big['all_reached_ms'])} calls: "
                     f"{reach} ms with {big['watchers']} | {_verdict(reach <= 500 and big['watchers'] >= 10000)} |")
    sqlite = _issuance_rows(data).get(("sqlite", 64))
    if sqlite:
        ok = sqlite["per_second"] >= 1000 and sqlite["p99_ms"] <= 20
        lines.append(f"| ≥ 1,000 durable tickets/s, p99 ≤ 20 ms, SQLite, 64 issuers | {sqlite['per_second']}/s, "
                     f"p99 {sqlite['p99_ms']} ms | {_verdict(ok)} |")
    return lines


# Each compared target: a prefix of the figure's name, the ratio it must reach, and (for issuance) a p99 bound.
RATIO_TARGETS = (
    ("durable tickets/s", "≥ 0.5× reference, p99 ≤ 100 ms",
     lambda f: f["ratio"] >= 0.5 and f["aufruf"]["detail"]["p99_ms"] <= 100),
    ("call-next p50", "≤ 5 ms", lambda f: f["aufruf"]["value"] <= 5),
    ("1000 websocket connects", "≥ 0.5× reference", lambda f: f["ratio"] >= 0.5),
    ("call-to-screen p99", "≤ 1.2× reference", lambda f: f["ratio"] <= 1.2),
    ("idle memory per websocket", "≤ 1.0× reference", lambda f: f["ratio"] <= 1.0),
    ("idle server RSS", "no target", lambda _f: None),
)


def _figure_cell(figure: dict[str, Any] | None) -> str:
    if figure is None:
        return "—"
    extra = f", p99 {figure['aufruf']['detail']['p99_ms']} ms" if "p99_ms" in figure["aufruf"]["detail"] else ""
    return (f"**{figure['ratio']}×** ({figure['aufruf']['value']} vs {figure['reference']['value']} "
            f"{figure['unit']}{extra})")


def compared(data: dict[str, Any]) -> list[str]:
    """The table of ratios to the bare references: before the layered core, and now."""
    now = data.get("compare", [])
    if not now:
        return []
    before = json.loads(BEFORE.read_text())["figures"] if BEFORE.exists() else []
    lines = [
        "## Against the bare references",
        "",
        "Measured side by side in one run by `.venv/bin/python -m bench.compare` (sizes: "
        + ", ".join(f"{k} {v}" for k, v in COMPARE.items()) + "). References: `bench/reference_tickets.py`, a "
        "raw-ASGI group-commit SQLite server on uvicorn (durable numbered tickets, one fsync per batch), and "
        "`bench/reference_ws.py`, the `websockets` library's server with `broadcast()` (its call trigger only "
        "broadcasts, so the call-to-screen ratio includes Aufruf's whole call-next). A ratio is Aufruf over the "
        "reference for costs (lower is better) and Aufruf as a share of the reference for throughput "
        "(tickets/s; connects as reference time over Aufruf time).",
        "",
        "| figure | target | before | now | verdict |",
        "|---|---|---|---|---|",
    ]
    for prefix, target, check in RATIO_TARGETS:
        current = next((f for f in now if f["name"].startswith(prefix)), None)
        earlier = next((f for f in before if f["name"].startswith(prefix)), None)
        verdict = _verdict(check(current)) if current else "—"
        lines.append(f"| {current['name'] if current else prefix} | {target} | {_figure_cell(earlier)} | "
                     f"{_figure_cell(current)} | {verdict} |")
    if before:
        stamp = json.loads(BEFORE.read_text())
        lines += ["", f"\"Before\" was measured {stamp.get('when', '')} at commit `{stamp.get('commit', '')}`."]
    if now_stamp := data.get("compare_when"):
        lines[-1] += f" \"Now\" was measured {now_stamp['when']} at commit `{now_stamp['commit']}`."
    if (notes := FIGURES / "compare_notes.md").exists():
        lines += ["", notes.read_text().rstrip()]
    return [*lines, ""]


def report(data: dict[str, Any]) -> str:
    """The markdown page."""
    m = data["machine"]
    out = [
        "# Benchmarks",
        "",
        "<!-- Generated by `.venv/bin/python -m bench.run_all`; edit bench/run_all.py, not this file. -->",
        "",
        f"Measured {data['when']} at commit `{data['commit']}`"
        + (" with **--quick** sizes (not the published figures)." if data["quick"] else "."),
        "",
        "## Machine and noise",
        "",
        f"- {m['cpu']}, {m['memory']} RAM, Linux {m['kernel']}, Python {m['python']}.",
        "- The machine may be shared, and the benchmark's own client processes load it too. Load averages (1/5/15 min) "
        "before → after each benchmark:",
    ]
    out += [f"  - {name}: {run['load_before']} → {run['load_after']} ({run['minutes']} min)"
            for name, run in data["runs"].items()]
    out += [
        "- With a load average above the core count the server gets only part of a core, so every latency here "
        "is an upper bound of what the code does on a quiet machine; rerun when `uptime` shows a low load.",
        "- Server and clients share the two cores: the server is one `aufruf serve` process (or "
        f"{REDIS_WORKERS} workers), the websocket clients are two separate processes, the HTTP load one more.",
        "",
        "## Method",
        "",
        "Each benchmark starts the real server as its own process (`aufruf serve --host 127.0.0.1` with the demo "
        "office, a free port and a temporary data directory, SQLite in WAL mode with `synchronous=FULL`), "
        "drives it over loopback only, and stops it afterwards. Per-address rate limits stay in the request "
        "path but get a budget the single loopback address cannot exhaust.",
        "",
        "| command | measures |",
        "|---|---|",
        "| `.venv/bin/python -m bench.issuance` | tickets/s and latency with 1, 16, 64 concurrent kiosks on SQLite "
        "and PostgreSQL; every number checked for gaps and duplicates |",
        "| `.venv/bin/python -m bench.call_latency` | call-next sent → `ticket.called` received, at every watcher, "
        "with 100…5,000 display and status-page websockets |",
        "| `.venv/bin/python -m bench.fanout` | server RSS (VmRSS) with 0…10,000 idle display websockets, and "
        "call-next → the last watcher having the call |",
        "| `… call_latency --workers 2 --redis`, `… fanout --workers 2 --redis` | the same over Redis pub/sub "
        "with several workers |",
        "| `.venv/bin/python -m bench.run_all` | all of the above, then this page |",
        "",
        "Latency is taken from just before call-next is sent (so it includes the call itself) until the "
        "client process has the message; p50/p99 are over every (call, watcher) pair of 20 calls per size. "
        "The issue's definition counts from the call-next response instead (\"from answer\"); it is negative "
        "for watchers that had the call before the clerk's client had its answer. "
        "Before each call the counter is finished and the bench waits until the watchers are quiet, so one "
        "sample measures one call. Issuance runs each configuration twice for 8 s with a fresh server and "
        "reports the median run.",
        "",
        *compared(data),
        "## Targets",
        "",
        *targets(data),
        "",
        "## Ticket issuance",
        "",
        "![issuance](benchmarks/issuance.svg)",
        "",
        "| database | kiosks | tickets/s | p50 ms | p99 ms | tickets | numbering |",
        "|---|---|---|---|---|---|---|",
    ]
    for (database, kiosks), row in sorted(_issuance_rows(data).items()):
        out.append(f"| {database} | {kiosks} | {row['per_second']} | {row['p50_ms']} | {row['p99_ms']} | "
                   f"{row['tickets']} | {'no gaps, no duplicates' if row['numbering_ok'] else 'PROBLEM'} |")
    out += ["", "## Call-to-display latency", "", "![latency](benchmarks/call_latency.svg)", "",
            "| watchers | workers | bus | p50 ms | p99 ms | from answer p50 ms | from answer p99 ms | "
            "last watcher p50 ms | call-next answered p50 ms | missing | connect s |",
            "|---|---|---|---|---|---|---|---|---|---|---|"]
    for row in data["call_latency"] + data["call_latency_redis"]:
        f = row["figures"]
        out.append(f"| {row['watchers']} | {row['workers']} | {row['broadcast']} | {f['p50_ms']} | {f['p99_ms']} | "
                   f"{f.get('after_answer_p50_ms', '')} | {f.get('after_answer_p99_ms', '')} | "
                   f"{f['all_reached_p50_ms']} | {f['call_answered_p50_ms']} | {f['missing']} | "
                   f"{row['connect_seconds']} |")
    out += ["", "## Memory and fan-out with idle watchers", "", "![memory](benchmarks/memory.svg)", "",
            "![fanout](benchmarks/fanout.svg)", "",
            "| watchers | workers | bus | server RSS MiB | one call at all watchers, ms | p99 ms |",
            "|---|---|---|---|---|---|"]
    for row in data["fanout"] + data["fanout_redis"]:
        out.append(f"| {row['watchers']} | {row['workers']} | {row['broadcast']} | {row['rss_mib']} | "
                   f"{', '.join(map(str, row['all_reached_ms']))} | {row['p99_ms']} |")
    slope = fanout.per_connection_kib([fanout.FanoutStep(**r) for r in data["fanout"]])
    out += ["", f"Server memory per idle websocket (least-squares slope, 1 worker): {slope:.1f} KiB.", ""]
    if data["notes"]:
        out += ["## Skipped", "", *[f"- {note}" for note in data["notes"]], ""]
    analysis = FIGURES / "analysis.md"
    if analysis.exists():
        out += [analysis.read_text().rstrip(), ""]
    return "\n".join(out)


def main() -> None:
    """Measure, then write the page and its figures."""
    stop_on_sigterm()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--from-json", help="rewrite the page from saved results instead of measuring")
    parser.add_argument("--compare-only", action="store_true",
                        help="measure only the comparison with the references, keep the rest of results.json")
    parser.add_argument("--before", action="store_true", help="with --compare-only: save it as the 'before' figures")
    args = parser.parse_args()
    if args.from_json:
        data = json.loads(Path(args.from_json).read_text())
    elif args.compare_only:
        data = json.loads((FIGURES / "results.json").read_text())
        data["runs"] = {name: run for name, run in data["runs"].items() if name != "compare"}
        data["compare"] = measure_compare(args.quick, data["runs"])
        stamp = {"when": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"), "commit": _commit()}
        if args.before:
            BEFORE.write_text(json.dumps({**stamp, "figures": data["compare"]}, indent=1) + "\n")
        data["compare_when"] = stamp
        (FIGURES / "results.json").write_text(json.dumps(data, indent=1) + "\n")
    else:
        data = measure(args.quick)
        FIGURES.mkdir(parents=True, exist_ok=True)
        (FIGURES / "results.json").write_text(json.dumps(data, indent=1) + "\n")
    plots(data)
    (DOCS / "benchmarks.md").write_text(report(data) + "\n")
    print(f"wrote {DOCS / 'benchmarks.md'}")


if __name__ == "__main__":
    main()
