"""Offline kiosk: leased numbers while the server is away, journal across restarts, reconciliation once."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path

import httpx
import pytest
from pytestqt.qtbot import QtBot
from sqlmodel import select

from client.api import ApiClient
from client.qt import StreamBridge, stream_url
from hardware import open_printer
from kiosk_app.core import KioskCore
from kiosk_app.offline import OfflineJournal
from kiosk_app.states import Screen
from server.events.models import EventRecord
from server.tickets.models import Ticket
from tests.kiosk_app.conftest import FAST
from tests.support.dropping_proxy import dropping_proxy
from tests.support.live_server import LiveServer, free_port, run_live_server

SERVICE = "meldebescheinigung"
KIOSK = {"Authorization": "Bearer demo-kiosk"}


class Office:
    """A server that can be stopped and started again on the same port and database."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir, self.port = data_dir, free_port()
        self.stack: ExitStack | None = None
        self.server: LiveServer | None = None
        self.url = f"http://127.0.0.1:{self.port}"

    def start(self) -> LiveServer:
        self.stack = ExitStack()
        self.server = self.stack.enter_context(run_live_server(self.data_dir, port=self.port))
        return self.server

    def stop(self) -> None:
        if self.stack is not None:
            self.stack.close()
            self.stack = None


@pytest.fixture
def office(tmp_path: Path) -> Iterator[Office]:
    """The demo office, running."""
    (tmp_path / "server").mkdir()
    running = Office(tmp_path / "server")
    running.start()
    yield running
    running.stop()


@pytest.fixture
def make_offline_core(qtbot: QtBot, tmp_path: Path) -> Iterator[Callable[[str], KioskCore]]:
    """Started kiosk cores with a journal in the kiosk's data dir; each is stopped and deleted after the test."""
    cores: list[KioskCore] = []

    def build(url: str) -> KioskCore:
        core = KioskCore(
            ApiClient(url, token="demo-kiosk", timeout=2.0),
            site="demo",
            printer=open_printer(f"sim://{tmp_path / 'printouts'}"),
            events=StreamBridge(stream_url(url, "/ws/sites/demo/display"), token="demo-kiosk"),
            timing=FAST,
            offline=OfflineJournal(tmp_path / "kiosk"),
        )
        cores.append(core)
        core.start()
        return core

    yield build
    for core in cores:
        stop_core(core, qtbot)
        STOPPED.discard(id(core))


# Cores a test already stopped and deleted itself (a restarted kiosk), by Python id.
STOPPED: set[int] = set()


def stop_core(core: KioskCore, qtbot: QtBot) -> None:
    """Stop a core and let Qt delete it, once."""
    if id(core) in STOPPED:
        return
    STOPPED.add(id(core))
    core.stop()
    with qtbot.waitSignal(core.destroyed, timeout=5_000):
        core.deleteLater()


def today() -> datetime:
    return datetime.now().astimezone()


def wait_for_lease(core: KioskCore, qtbot: QtBot) -> None:
    assert core.offline is not None
    journal = core.offline
    qtbot.waitUntil(
        lambda: core.screen is Screen.WELCOME and journal.remaining(SERVICE, today().date()) >= 10, timeout=10_000
    )


def draw(core: KioskCore, qtbot: QtBot) -> str:
    """Touch a service like a citizen; returns the number on the confirmation screen."""
    before = core.last_issued
    core.choose_language("de")
    core.choose_service(SERVICE)
    qtbot.waitUntil(lambda: core.screen is Screen.CONFIRMATION and core.last_issued is not before, timeout=10_000)
    assert core.last_issued is not None
    core.go_home()
    return core.last_issued.ticket.number


def test_offline_tickets_reach_the_server_once_in_their_place(
    office: Office, make_offline_core: Callable[[str], KioskCore], qtbot: QtBot
) -> None:
    core = make_offline_core(office.url)
    wait_for_lease(core, qtbot)
    online_number = draw(core, qtbot)
    office.stop()
    qtbot.waitUntil(lambda: not core.online, timeout=10_000)
    assert core.screen is Screen.WELCOME  # still in service with leased numbers in hand
    offline_numbers = [draw(core, qtbot) for _ in range(3)]
    # Leased numbers come from the top of the range: the day's online numbers went on from M001 undisturbed.
    assert offline_numbers == ["M980", "M981", "M982"] and online_number == "M001"
    assert core.offline is not None
    entries = core.offline.pending()
    assert [e["number"] for e in entries] == offline_numbers
    assert all(e["status_url"].endswith(e["token"]) for e in entries)

    with qtbot.waitSignal(core.reconciled, timeout=15_000) as reconciled:
        server = office.start()
    assert set(reconciled.args[0].values()) == {"created"}
    assert core.offline.pending() == []

    positions = []
    for entry in entries:
        ticket = httpx.get(server.api(f"/tickets/{entry['token']}")).json()
        assert ticket["number"] == entry["number"]
        assert datetime.fromisoformat(ticket["issued_at"]) == datetime.fromisoformat(entry["issued_at"])
        positions.append(ticket["position"])
    assert positions == [2, 3, 4]  # behind the online ticket drawn before the outage, in issue order
    assert httpx.get(entries[0]["status_url"]).status_code == 200  # the printed QR code works

    # Replaying the whole journal again creates nothing.
    body = {"tickets": [{k: e[k] for k in ("key", "lease", "serial", "language", "issued_at", "token")}
                        for e in entries]}
    again = httpx.post(server.api("/sites/demo/tickets/reconcile"), json=body, headers=KIOSK).json()
    assert [r["outcome"] for r in again] == ["existing"] * 3
    with server.context.database.transaction() as session:
        numbers = sorted(t.number for t in session.exec(select(Ticket)).all())
        created = session.exec(select(EventRecord).where(EventRecord.type == "ticket.created")).all()
    assert numbers == ["M001", "M980", "M981", "M982"]
    assert sorted(e.data["number"] for e in created if e.data.get("offline")) == offline_numbers


def test_a_kiosk_restarted_during_the_outage_keeps_its_journal(
    office: Office, make_offline_core: Callable[[str], KioskCore], qtbot: QtBot
) -> None:
    first = make_offline_core(office.url)
    wait_for_lease(first, qtbot)
    office.stop()
    qtbot.waitUntil(lambda: not first.online, timeout=10_000)
    issued = [draw(first, qtbot) for _ in range(2)]
    stop_core(first, qtbot)

    second = make_offline_core(office.url)  # same data dir, server still down
    qtbot.waitUntil(lambda: second.screen is Screen.WELCOME, timeout=10_000)
    assert not second.online
    issued.append(draw(second, qtbot))
    assert issued == ["M980", "M981", "M982"]  # the journal remembered which leased numbers were used
    with qtbot.waitSignal(second.reconciled, timeout=15_000):
        server = office.start()
    with server.context.database.transaction() as session:
        assert sorted(t.number for t in session.exec(select(Ticket)).all()) == issued


def test_reconcile_refuses_what_a_lease_does_not_cover(office: Office) -> None:
    assert office.server is not None
    api = office.server.api
    lease = httpx.post(api("/sites/demo/tickets/leases"), json={"service": SERVICE, "size": 2}, headers=KIOSK).json()
    assert lease["numbers"] == ["M998", "M999"]
    assert httpx.post(api("/sites/demo/tickets"), json={"service": SERVICE}, headers=KIOSK).json()["number"] == "M001"
    entry = {"key": "k" * 16, "lease": lease["lease"], "serial": 997, "issued_at": today().isoformat(),
             "token": "t" * 40}
    outside = httpx.post(api("/sites/demo/tickets/reconcile"), json={"tickets": [entry]}, headers=KIOSK).json()
    assert outside[0]["outcome"] == "rejected" and outside[0]["code"] == "serial_outside_lease"
    foreign = {**entry, "lease": 999, "serial": 998}
    refused = httpx.post(api("/sites/demo/tickets/reconcile"), json={"tickets": [foreign]}, headers=KIOSK).json()
    assert refused[0]["code"] == "unknown_lease"
    weak = httpx.post(api("/sites/demo/tickets/reconcile"),
                      json={"tickets": [{**entry, "serial": 998, "token": "short"}]}, headers=KIOSK)
    assert weak.status_code == 422
    too_big = httpx.post(api("/sites/demo/tickets/leases"), json={"service": SERVICE, "size": 1000}, headers=KIOSK)
    assert too_big.status_code == 422
    clerk = office.server.clerk_headers()
    assert httpx.post(api("/sites/demo/tickets/leases"), json={"service": SERVICE}, headers=clerk).status_code == 401


def test_a_lost_answer_gets_the_touch_its_committed_ticket_not_a_second_one(
    office: Office, make_offline_core: Callable[[str], KioskCore], qtbot: QtBot
) -> None:
    assert office.server is not None
    with dropping_proxy(office.port) as proxy:
        core = make_offline_core(proxy.url)
        wait_for_lease(core, qtbot)
        # Every quick try of this touch reaches the server and is committed; every answer is lost.
        proxy.drop_answers(b"POST /api/v1/sites/demo/tickets ", FAST.draw_attempts)
        core.choose_language("de")
        core.choose_service(SERVICE)
        qtbot.waitUntil(lambda: core.screen is Screen.CONFIRMATION, timeout=15_000)
        assert proxy.dropped == FAST.draw_attempts
    assert core.last_issued is not None and core.offline is not None
    with office.server.context.database.transaction() as session:
        numbers = [t.number for t in session.exec(select(Ticket)).all()]
    assert numbers == ["M001"] and core.last_issued.ticket.number == "M001"
    assert core.offline.tickets == {}  # no leased number was spent on this touch


def test_a_service_without_leased_numbers_leaves_the_others_in_service(
    office: Office, make_offline_core: Callable[[str], KioskCore], qtbot: QtBot
) -> None:
    assert office.server is not None
    # This kiosk's allowance for kfz is used up before it starts, so only kfz has no numbers in reserve.
    taken = httpx.post(office.server.api("/sites/demo/tickets/leases"), json={"service": "kfz", "size": 40},
                       headers=KIOSK)
    assert taken.status_code == 201
    core = make_offline_core(office.url)
    wait_for_lease(core, qtbot)
    assert core.offline is not None and core.offline.remaining("kfz", today().date()) == 0
    office.stop()
    qtbot.waitUntil(lambda: not core.online, timeout=10_000)
    core.choose_language("de")
    core.choose_service("kfz")
    assert core.screen is Screen.MESSAGE and core.last_message is not None
    assert core.last_message.key == "message.service_offline"
    core.go_home()
    assert core.screen is Screen.WELCOME
    assert draw(core, qtbot) == "M980"
