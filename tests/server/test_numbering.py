"""Ticket numbers: gap-free and unique under threads and processes, reset at local midnight."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from server.clock import ManualClock
from server.db import Database
from server.errors import DomainError
from server.tickets.issuance import issue_ticket
from server.tickets.number_rules import parse_number
from tests.support.service_calls import PUBLIC_URL

WORKER = [sys.executable, "-m", "tests.server.numbering_worker"]
ROOT = Path(__file__).resolve().parents[2]


def _draw(database: Database, when: datetime, service: str = "anmeldung") -> str:
    with database.transaction() as session:
        ticket, _ = issue_ticket(
            session=session,
            site_id="demo",
            service_key=service,
            language="de",
            now=when,
            actor="test",
            public_url=PUBLIC_URL,
        )
        return ticket.number


def _expected(prefix: str, count: int) -> list[str]:
    return [f"{prefix}{n:03d}" for n in range(1, count + 1)]


def test_sqlite_runs_in_wal_mode_with_full_sync(database: Database) -> None:
    with database.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL


def test_numbers_are_gap_free_and_unique_under_threads(database: Database, clock: ManualClock) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        numbers = list(pool.map(lambda _i: _draw(database, clock.now()), range(120)))
    assert sorted(numbers) == _expected("A", 120)


def test_numbers_are_gap_free_and_unique_across_processes(database: Database) -> None:
    url = str(database.engine.url)
    workers = [
        subprocess.Popen([*WORKER, url, "40", "anmeldung"], stdout=subprocess.PIPE, text=True, cwd=ROOT)
        for _ in range(4)
    ]
    numbers = [line for worker in workers for line in worker.communicate(timeout=120)[0].split()]
    assert all(worker.returncode == 0 for worker in workers)
    assert sorted(numbers) == _expected("A", 160)


def test_a_number_is_never_reused_after_a_crash(database: Database) -> None:
    url = str(database.engine.url)
    worker = subprocess.Popen([*WORKER, url, "100000", "abholung"], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert worker.stdout is not None
    handed_out = [worker.stdout.readline().strip() for _ in range(25)]
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)
    after_crash = _draw(database, datetime.now(UTC), "abholung")
    _, last_seen = parse_number(handed_out[-1])
    assert parse_number(after_crash)[1] > last_seen
    assert after_crash not in handed_out


def test_numbering_restarts_at_local_midnight(database: Database) -> None:
    # 23:59 and 00:01 in Berlin (CET, UTC+1) are 22:59 and 23:01 UTC on the same UTC day.
    before = datetime(2026, 11, 24, 22, 59, tzinfo=UTC)
    assert [_draw(database, before) for _ in range(3)] == _expected("A", 3)
    assert _draw(database, before + timedelta(minutes=2)) == "A001"


@pytest.mark.parametrize(
    ("day_start_utc", "switch_utc"),
    [
        (datetime(2026, 3, 28, 23, 0, tzinfo=UTC), datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),  # spring forward
        (datetime(2026, 10, 24, 22, 0, tzinfo=UTC), datetime(2026, 10, 25, 1, 0, tzinfo=UTC)),  # fall back
    ],
)
def test_numbering_is_continuous_across_a_dst_switch(
    database: Database, day_start_utc: datetime, switch_utc: datetime
) -> None:
    first = _draw(database, day_start_utc + timedelta(minutes=1))
    around = [_draw(database, switch_utc + timedelta(minutes=m)) for m in (-30, 30, 90)]
    assert [first, *around] == _expected("A", 4)
    next_local_midnight = day_start_utc + (timedelta(hours=23) if day_start_utc.month == 3 else timedelta(hours=25))
    assert _draw(database, next_local_midnight - timedelta(minutes=1)) == "A005"
    assert _draw(database, next_local_midnight + timedelta(minutes=1)) == "A001"


@pytest.mark.parametrize(("typed", "expected"), [("A017", ("A", 17)), ("a17", ("A", 17)), (" K-003 ", ("K", 3))])
def test_parse_number_accepts_what_clerks_type(typed: str, expected: tuple[str, int]) -> None:
    assert parse_number(typed) == expected


@pytest.mark.parametrize("typed", ["", "17", "A", "ABCD1", "A1234567"])
def test_parse_number_refuses_nonsense(typed: str) -> None:
    with pytest.raises(DomainError):
        parse_number(typed)
