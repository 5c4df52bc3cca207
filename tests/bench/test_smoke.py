"""Each benchmark runs end to end at a trivially small size (no figures are checked)."""

from __future__ import annotations

import math

from bench import call_latency, compare, fanout, issuance
from bench.plot import line_chart
from bench.run_all import report


def test_issuance_runs_and_finds_no_gaps() -> None:
    """Two kiosks for a moment on SQLite; every number is accounted for."""
    results, _notes = issuance.run(["sqlite"], [2], 0.5)
    assert results[0].tickets > 0
    assert results[0].numbering_ok, results[0].problems


def test_the_numbering_check_sees_gaps_and_duplicates() -> None:
    """A missing and a repeated serial are both reported."""
    assert issuance.check_numbers({"a": [1, 2, 3]}) == []
    assert issuance.check_numbers({"a": [1, 3, 3]})


def test_latency_and_fanout_run_with_a_few_watchers() -> None:
    """A handful of websockets get every call; memory is read from /proc."""
    latency = call_latency.run([4], calls=2)
    assert latency[0].watchers == 4
    assert latency[0].figures["missing"] == 0
    steps = fanout.run([0, 4], calls=1)
    assert steps[-1].watchers == 4
    assert steps[-1].rss_mib > 0
    assert not math.isnan(fanout.per_connection_kib(steps))


def test_the_report_renders_from_results() -> None:
    """The page and a chart come out of a minimal result set."""
    data = {
        "when": "now", "commit": "abc", "quick": True, "notes": [],
        "machine": {"cpu": "2 × cpu", "memory": "1 GiB", "python": "3.11", "kernel": "6"},
        "runs": {"issuance": {"load_before": "1", "load_after": "1", "minutes": 0.1}},
        "issuance": [{"database": "sqlite", "kiosks": 1, "per_second": 10.0, "p50_ms": 1.0, "p99_ms": 2.0,
                      "tickets": 10, "numbering_ok": True}],
        "call_latency": [], "call_latency_redis": [], "fanout_redis": [],
        "fanout": [{"watchers": 0, "workers": 1, "broadcast": "memory", "rss_mib": 100.0, "connect_seconds": 0,
                    "failed": 0, "all_reached_ms": [], "p99_ms": float("nan")}],
    }
    assert "| sqlite | 1 | 10.0 |" in report(data)
    assert line_chart(title="t", x_label="x", y_label="y", series={"s": [(1, 2.0)]}).startswith("<svg")


def test_the_comparison_with_the_references_runs_end_to_end() -> None:
    """Both references serve the same clients as Aufruf: tickets numbered without gaps, every call at every socket."""
    figures = {f.name: f for f in compare.run(kiosks=2, seconds=0.5, waiting=3, repeats=2, displays=4, calls=1)}
    tickets = figures["durable tickets/s, 2 kiosks, SQLite"]
    assert tickets.aufruf.value > 0 and tickets.reference.value > 0
    screen = figures["call-to-screen p99, 4 displays"]
    assert screen.aufruf.detail["missing"] == 0 and screen.reference.detail["missing"] == 0
    assert screen.aufruf.detail["samples"] == 4 and screen.reference.detail["samples"] == 4
    connects = figures["4 websocket connects"]
    assert connects.aufruf.detail == {"open": 4, "failed": 0} == connects.reference.detail
    assert all(not math.isnan(f.ratio) and f.ratio > 0 for f in figures.values())


def test_the_report_shows_each_ratio_with_its_verdict() -> None:
    """A compared figure becomes a row with the ratio, both values and whether the target is met."""
    side = {"value": 0.2, "detail": {"p99_ms": 50.0}}
    data = {
        "when": "now", "commit": "abc", "quick": True, "notes": [], "runs": {},
        "machine": {"cpu": "2 × cpu", "memory": "1 GiB", "python": "3.11", "kernel": "6"},
        "issuance": [], "call_latency": [], "call_latency_redis": [], "fanout": [], "fanout_redis": [],
        "compare": [
            {"name": "durable tickets/s, 64 kiosks, SQLite", "unit": "tickets/s", "ratio": 0.6,
             "aufruf": {"value": 600.0, "detail": {"p99_ms": 50.0}}, "reference": {"value": 1000.0, "detail": {}},
             "higher_is_better": True},
            {"name": "call-next p50, 200 waiting", "unit": "ms", "ratio": 9.0, "aufruf": {"value": 9.0, "detail": {}},
             "reference": side, "higher_is_better": False},
        ],
    }
    page = report(data)
    assert "| durable tickets/s, 64 kiosks, SQLite | ≥ 0.5× reference, p99 ≤ 100 ms |" in page
    assert "**0.6×** (600.0 vs 1000.0 tickets/s, p99 50.0 ms) | met |" in page
    assert "**9.0×** (9.0 vs 0.2 ms) | **missed** |" in page
