"""The receiving clerk sees the note a colleague left when transferring the citizen, on the work screen."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from pytestqt.qtbot import QtBot

from counter_app.texts import Texts
from counter_app.widgets.work import WorkPanel
from tests.counter_app.conftest import Clerk, draw
from tests.support.live_server import LiveServer

NOTE = "Unterlagen liegen vor, Termin beim Standesamt"


def test_the_receiving_clerk_sees_the_transfer_note(
    live_server: LiveServer, open_clerk: Callable[..., Clerk], qtbot: QtBot
) -> None:
    ticket = draw(live_server, "kfz")
    sender = live_server.clerk_headers("clerk1")
    httpx.post(live_server.api("/counters/6/call-next"), headers=sender).raise_for_status()
    httpx.post(
        live_server.api("/counters/6/transfer"), json={"service": "abholung", "note": NOTE}, headers=sender
    ).raise_for_status()
    receiver = open_clerk(live_server, "7", username="clerk2")
    panel = WorkPanel(Texts("de"))
    qtbot.addWidget(panel)
    receiver.core.state_changed.connect(panel.show_state)
    assert str(ticket["number"]) in receiver.ok(receiver.core.call_next)
    qtbot.waitUntil(lambda: NOTE in panel.details.text())
    assert panel.details.text() == f"Notiz: {NOTE}"
    # Done with the citizen: the next one comes without the note.
    receiver.ok(lambda: receiver.core.ticket_action("finish"))
    qtbot.waitUntil(lambda: receiver.core.state is not None and receiver.core.state.current is None)
    assert NOTE not in panel.details.text()


def test_the_note_survives_a_reconnect_through_the_counter_snapshot(
    live_server: LiveServer, open_clerk: Callable[..., Clerk], qtbot: QtBot
) -> None:
    draw(live_server, "kfz")
    sender = live_server.clerk_headers("clerk1")
    httpx.post(live_server.api("/counters/6/call-next"), headers=sender).raise_for_status()
    httpx.post(
        live_server.api("/counters/6/transfer"), json={"service": "abholung", "note": NOTE}, headers=sender
    ).raise_for_status()
    receiving = live_server.clerk_headers("clerk2")
    httpx.post(live_server.api("/counters/7/call-next"), headers=receiving).raise_for_status()
    # A counter app opened afterwards (or restarted) gets the note with its snapshot.
    receiver = open_clerk(live_server, "7", username="clerk2")
    qtbot.waitUntil(lambda: receiver.core.state is not None and receiver.core.state.current_note == NOTE)
