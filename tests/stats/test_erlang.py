"""The Erlang C planner against textbook values."""

from __future__ import annotations

import pytest

from server.stats.erlang import erlang_b, erlang_c, mean_wait, servers_needed, service_level


def test_closed_form_small_case() -> None:
    # M/M/3 with A = 2 Erlang: B(3, 2) = (8/6) / (1 + 2 + 2 + 8/6) = 4/19, C(3, 2) = 3·B / (3 − 2·(1 − B)) = 4/9.
    assert erlang_b(servers=3, load=2) == pytest.approx(4 / 19)
    assert erlang_c(servers=3, load=2) == pytest.approx(4 / 9)
    # M/M/1: the probability of waiting is the utilisation.
    assert erlang_c(servers=1, load=0.6) == pytest.approx(0.6)


# The classic call-centre worked example (Call Centre Helper, "Erlang C formula – made simple"):
# 100 calls per 30 minutes, 180 s handling time → A = 10 Erlang; target: 80 % answered within 20 s.
# Published: 11 agents P(wait) 68.2 %, SL 39.0 %, ASA 122.8 s; 12 → 44.9 %, 64.0 %, 40.4 s;
# 13 → 28.5 %, 79.6 %, 17.1 s; 14 → 17.4 %, 88.8 %, 7.8 s. So 14 agents are needed.
@pytest.mark.parametrize(
    ("servers", "waiting", "level", "answer_seconds"),
    [(11, 0.682, 0.390, 122.8), (12, 0.449, 0.640, 40.4), (13, 0.285, 0.796, 17.1), (14, 0.174, 0.888, 7.8)],
)
def test_call_centre_table(servers: int, waiting: float, level: float, answer_seconds: float) -> None:
    assert erlang_c(servers=servers, load=10) == pytest.approx(waiting, abs=5e-4)
    assert service_level(servers=servers, load=10, service_minutes=3, target_minutes=20 / 60) == pytest.approx(
        level, abs=5e-4
    )
    assert mean_wait(servers=servers, load=10, service_minutes=3) * 60 == pytest.approx(answer_seconds, abs=0.05)


def test_agents_needed_for_80_in_20() -> None:
    # 200 arrivals an hour (= 100 per half hour), 3 minutes each, 80 % within 20 s → 14, as in the table.
    assert servers_needed(arrivals_per_hour=200, service_minutes=3, target_minutes=20 / 60, goal=0.8) == 14
    # A 90 % goal needs one more (14 give 88.8 %).
    assert servers_needed(arrivals_per_hour=200, service_minutes=3, target_minutes=20 / 60, goal=0.9) == 15


def test_unstable_and_empty_loads() -> None:
    assert erlang_c(servers=5, load=5) == 1.0
    assert service_level(servers=4, load=5, service_minutes=3, target_minutes=1) == 0.0
    assert servers_needed(arrivals_per_hour=0, service_minutes=3, target_minutes=1, goal=0.8) == 0


def test_large_loads_stay_finite() -> None:
    # The recursion never forms A^n / n!, so hundreds of counters compute without overflow.
    waiting = erlang_c(servers=320, load=300)
    assert 0 < waiting < 1
    assert servers_needed(arrivals_per_hour=6000, service_minutes=3, target_minutes=0.5, goal=0.8) > 300
