"""Each benchmark runs end to end at a trivially small size (no figures are checked)."""

from __future__ import annotations

import math

from bench import call_latency, fanout, issuance
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
