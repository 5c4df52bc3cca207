"""Every counter action end to end: core -> real server -> the display's and the citizen's websockets."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pytestqt.qtbot import QtBot

from tests.counter_app.conftest import Clerk, draw
from tests.counter_app.watch import event, watching
from tests.support.live_server import LiveServer, run_live_server


def test_every_action_reaches_the_display_and_the_citizen(
    live_server: LiveServer, open_clerk: Callable[..., Clerk], qtbot: QtBot
) -> None:
    first, second, third = draw(live_server), draw(live_server), draw(live_server)
    clerk = open_clerk(live_server, "3")
    core = clerk.core
    assert core.state is not None
    with (
        watching(f"{live_server.ws_url}/ws/sites/demo/display") as display,
        watching(f"{live_server.ws_url}/ws/tickets/{first['token']}") as phone,
    ):
        display.snapshot()
        phone.snapshot()
        assert "A001" in clerk.ok(core.call_next)
        display.wait_for(event("ticket.called", number="A001", counter="3"))
        phone.wait_for(event("ticket.called", number="A001"))
        qtbot.waitUntil(lambda: core.state is not None and (core.state.current or {}).get("number") == "A001")
        assert core.state.current_since is not None

        clerk.ok(lambda: core.ticket_action("recall"))
        display.wait_for(event("ticket.recalled", number="A001", recalls=1))
        clerk.ok(lambda: core.ticket_action("start"))
        display.wait_for(event("ticket.serving", number="A001"))
        clerk.ok(lambda: core.ticket_action("finish"))
        display.wait_for(event("ticket.finished", number="A001"))
        phone.wait_for(event("ticket.finished", number="A001"))
        qtbot.waitUntil(lambda: core.state is not None and core.state.served_today == 1 and core.state.current is None)

        clerk.ok(core.call_next)
        clerk.ok(lambda: core.ticket_action("no_show"))
        display.wait_for(event("ticket.no_show", number=second["number"]))

        clerk.ok(core.call_next)
        clerk.ok(lambda: core.ticket_action("park"))
        display.wait_for(event("ticket.parked", number=third["number"]))
        qtbot.waitUntil(lambda: [p["number"] for p in core.state.parked] == [third["number"]])  # type: ignore[union-attr]

        # The parked citizen is back: call by number, then transfer with a note.
        clerk.ok(lambda: core.call_number(f" {str(third['number']).lower()} "))
        display.wait_for(event("ticket.called", number=third["number"]))
        qtbot.waitUntil(lambda: core.state is not None and not core.state.parked)
        later = draw(live_server, "ausweis")
        clerk.ok(lambda: core.transfer("ausweis", "Unterlagen vollständig"))
        moved = display.wait_for(event("ticket.transferred", number=third["number"]))
        assert "note" not in moved["data"]  # staff-only: the receiving counter gets it with its call
        assert moved["data"]["from_service"] == "anmeldung" and moved["data"]["service"] == "ausweis"
        # Issued before the passport ticket, so it goes ahead of it in its new line.
        assert moved["data"]["issued_at"] == third["issued_at"] and moved["data"]["position"] == 1
        expected = [third["number"], later["number"]]
        display.wait_for(lambda m: m["type"] == "queue.changed" and m["data"]["lines"]["ausweis"] == expected)

        clerk.ok(core.toggle_pause)
        display.wait_for(event("counter.changed", id="3", status="paused"))
        qtbot.waitUntil(lambda: core.state is not None and core.state.paused)
        _, ok, text = clerk.do(core.call_next)
        assert not ok and "pausiert" in text
        clerk.ok(core.toggle_pause)
        display.wait_for(event("counter.changed", id="3", status="open"))


def test_scanned_ticket_url_calls_its_number(live_server: LiveServer, open_clerk: Callable[..., Clerk]) -> None:
    draw(live_server)
    scanned = draw(live_server)
    clerk = open_clerk(live_server, "2")
    with watching(f"{live_server.ws_url}/ws/sites/demo/display") as display:
        display.snapshot()
        text = clerk.ok(lambda: clerk.core.call_number(str(scanned["status_url"])))
        assert str(scanned["number"]) in text
        display.wait_for(event("ticket.called", number=scanned["number"], counter="2"))


def test_conflicts_are_explained(live_server: LiveServer, open_clerk: Callable[..., Clerk]) -> None:
    clerk = open_clerk(live_server, "2")
    _, ok, text = clerk.do(lambda: clerk.core.ticket_action("finish"))
    assert not ok and "niemand" in text.lower()
    _, ok, text = clerk.do(lambda: clerk.core.call_number("Z999"))
    assert not ok and text
    draw(live_server)
    draw(live_server)
    clerk.ok(clerk.core.call_next)
    _, ok, text = clerk.do(clerk.core.call_next)
    assert not ok and "noch ein Bürger" in text and "A001" in text


def test_services_for_today_are_set_and_remembered(
    live_server: LiveServer, open_clerk: Callable[..., Clerk]
) -> None:
    clerk = open_clerk(live_server, "2", services=["ausweis"])
    state = clerk.core.state
    assert state is not None
    assert [(line.id, line.active) for line in state.lines()] == [
        ("anmeldung", False), ("ausweis", True), ("meldebescheinigung", False)
    ]
    draw(live_server, "anmeldung")
    _, ok, text = clerk.do(clerk.core.call_next)
    assert ok and "Niemand wartet" in text
    memory = clerk.core.memory
    assert (memory.counter, memory.services, memory.username) == ("2", ["ausweis"], "clerk1")
    assert clerk.core.memory_path is not None and '"ausweis"' in clerk.core.memory_path.read_text()


def test_recall_limit_marks_a_no_show_and_says_so(tmp_path: Path, open_clerk: Callable[..., Clerk]) -> None:
    with run_live_server(tmp_path, max_recalls=1) as server:
        ticket = draw(server)
        clerk = open_clerk(server, "3")
        with watching(f"{server.ws_url}/ws/sites/demo/display") as display:
            display.snapshot()
            clerk.ok(clerk.core.call_next)
            assert "erneut" in clerk.ok(lambda: clerk.core.ticket_action("recall"))
            text = clerk.ok(lambda: clerk.core.ticket_action("recall"))
            assert "nicht erschienen" in text and str(ticket["number"]) in text
            display.wait_for(event("ticket.no_show", number=ticket["number"], reason="recall_limit"))
        clerk.core.shutdown()
