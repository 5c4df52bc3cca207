"""Closing cut-off from the estimate, quotas, the waiting-room flag and ranges that follow the line."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from server.clock import ManualClock
from server.db import Database
from server.errors import Conflict
from server.office.apply import apply_office
from server.office.schema import OfficeConfig
from server.sites.queue import queue_state
from server.tickets.issuance import issue_ticket
from tests.support.service_calls import PUBLIC_URL, open_counters


@pytest.fixture
def office_hours(tmp_path: Path, office_config: OfficeConfig) -> Iterator[Database]:
    """The demo office with real opening hours (Tuesday 08:00-12:30) and a waiting room for 5."""
    site = office_config.sites[0].model_copy(
        update={"always_open": False, "opening_hours": {"tue": [("08:00", "12:30")]}, "waiting_room_capacity": 5}
    )
    database = Database(f"sqlite:///{tmp_path / 'hours.db'}")
    database.create_schema()
    with database.transaction() as session:
        apply_office(session=session, office=office_config.model_copy(update={"sites": [site]}))
    yield database
    database.dispose()


def _draw(database: Database, clock: ManualClock, service: str) -> dict[str, object]:
    from server.tickets.views import ticket_out

    with database.transaction() as session:
        ticket, _ = issue_ticket(
            session=session, site_id="demo", service_key=service, language="de", now=clock.now(), actor="test",
            public_url=PUBLIC_URL,
        )
        view = ticket_out(session=session, ticket=ticket, public_url=PUBLIC_URL, holder=True, now=clock.now())
        return view.model_dump()


def _services(database: Database, clock: ManualClock) -> dict[str, dict[str, object]]:
    with database.transaction() as session:
        state = queue_state(session=session, site_id="demo", now=clock.now())
    return {s.id: s.model_dump() for s in state.services}


def test_no_ticket_is_drawn_that_cannot_be_served_before_closing(office_hours: Database) -> None:
    # 11:30 in Berlin: an hour before closing. Standesamt has one counter and takes ~10 minutes a citizen.
    clock = ManualClock(datetime(2026, 11, 24, 10, 30, tzinfo=UTC))
    open_counters(office_hours, clock, "3", "8")
    drawn = 0
    with pytest.raises(Conflict) as refused:
        for _ in range(20):
            _draw(office_hours, clock, "standesamt")
            drawn += 1
    assert refused.value.code == "service_cannot_be_served_today"
    assert 4 <= drawn <= 6  # about 60 minutes minus the configured last-ticket half hour, at 10 minutes each
    services = _services(office_hours, clock)
    assert services["standesamt"]["closed_reason"] == "cannot_be_served_today"
    assert services["anmeldung"]["open"] is True  # other lines are short enough


def test_estimates_grow_with_the_line_and_show_on_every_view(office_hours: Database) -> None:
    clock = ManualClock(datetime(2026, 11, 24, 7, 30, tzinfo=UTC))
    open_counters(office_hours, clock, "6")
    first = _draw(office_hours, clock, "kfz")
    before = _services(office_hours, clock)["kfz"]["eta_minutes"]
    for _ in range(6):
        _draw(office_hours, clock, "kfz")
    after = _services(office_hours, clock)["kfz"]
    assert after["eta_minutes"][0] > before[0] and after["eta_minutes"][1] > before[1]  # type: ignore[index]
    last = _draw(office_hours, clock, "kfz")
    assert last["eta_minutes"] == tuple(after["eta_minutes"])  # type: ignore[arg-type]
    assert first["eta_minutes"] is not None and first["eta_minutes"][1] < last["eta_minutes"][0]  # type: ignore[index]


def test_a_full_waiting_room_invites_to_wait_outside(office_hours: Database) -> None:
    clock = ManualClock(datetime(2026, 11, 24, 7, 30, tzinfo=UTC))
    tickets = [_draw(office_hours, clock, "anmeldung") for _ in range(5)]
    assert [t["wait_outside"] for t in tickets] == [False] * 4 + [True]
    assert all(s["wait_outside"] for s in _services(office_hours, clock).values())


def test_the_daily_quota_still_closes_a_service(office_hours: Database) -> None:
    clock = ManualClock(datetime(2026, 11, 24, 7, 0, tzinfo=UTC))
    from sqlmodel import select

    from server.sites.models import Service

    with office_hours.transaction() as session:
        service = session.exec(select(Service).where(Service.key == "kfz")).one()
        service.daily_quota = 2
        session.add(service)
    _draw(office_hours, clock, "kfz")
    _draw(office_hours, clock, "kfz")
    with pytest.raises(Conflict) as refused:
        _draw(office_hours, clock, "kfz")
    assert refused.value.code == "service_quota_reached"
