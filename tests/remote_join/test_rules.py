"""The pure rules of remote joining, each against figures worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kiosk_app.remote import is_remote_entry
from server.remote_join.rules import (
    Missed,
    Presented,
    come_at,
    day_capacity,
    leading_zero_bits,
    presented,
    remote_allowance,
    when_missed,
    work_bits,
    work_done,
)


@pytest.mark.parametrize(
    ("digest", "bits"),
    [
        (b"\x80" + b"\x00" * 31, 0),
        (b"\x01" + b"\xff" * 31, 7),
        (b"\x00\x00\x10" + b"\x00" * 29, 19),
        (b"\x00" * 32, 256),
    ],
)
def test_leading_zero_bits(digest: bytes, bits: int) -> None:
    assert leading_zero_bits(digest) == bits


def test_a_known_nonce_solves_a_known_challenge() -> None:
    # sha256("abc:181") = 0036... (`printf abc:181 | sha256sum`): 0x00 then 0b00110110, ten zero bits.
    assert work_done(challenge="abc", nonce="181", bits=10)
    assert not work_done(challenge="abc", nonce="181", bits=11)
    assert not work_done(challenge="abc", nonce="1" * 33, bits=0), "absurdly long nonces are refused"


def test_difficulty_grows_only_past_the_free_joins() -> None:
    figures = [
        work_bits(base=10, recent_joins=n, free_joins=20, step_joins=10, ceiling=20) for n in (0, 20, 29, 30, 45, 500)
    ]
    assert figures == [10, 10, 10, 11, 12, 20]


def test_capacity_and_share() -> None:
    assert day_capacity(quota=80, open_minutes=480, counters=3, typical_minutes=9) == 80
    # 4 h 30 min open, 2 counters, 9 min per citizen: 60 citizens.
    assert day_capacity(quota=None, open_minutes=270, counters=2, typical_minutes=9) == 60
    assert day_capacity(quota=None, open_minutes=270, counters=0, typical_minutes=9) is None
    assert remote_allowance(capacity=60, share=0.3) == 18
    assert remote_allowance(capacity=None, share=0.3) is None


def test_come_at_the_earliest_estimate_less_the_margin() -> None:
    now = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    assert come_at(now=now, eta_minutes=(25, 40), before_minutes=10) == datetime(2026, 12, 1, 8, 15, tzinfo=UTC)
    assert come_at(now=now, eta_minutes=(5, 15), before_minutes=10) == now
    assert come_at(now=now, eta_minutes=None, before_minutes=10) is None


def test_moved_back_a_bounded_number_of_times_then_expired() -> None:
    assert [when_missed(moved_back=n, max_move_backs=2) for n in range(3)] == [
        Missed.move_back, Missed.move_back, Missed.expire,
    ]
    assert when_missed(moved_back=0, max_move_backs=0) is Missed.expire


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://amt.example/t/AbCdEfGhIjKlMnOpQrStUv12", Presented(token="AbCdEfGhIjKlMnOpQrStUv12")),
        ("abc-234", Presented(code="ABC234")),
        ("ABC 234\r", Presented(code="ABC234")),
        ("ABCD-2345", None),  # a booking code: eight characters
        ("ABC-10O", None),  # 1, 0 and O are not in the alphabet
    ],
)
def test_what_the_kiosk_read(text: str, expected: Presented | None) -> None:
    assert presented(text) == expected
    assert is_remote_entry(text) is (expected is not None), "the kiosk sends it the same way"
