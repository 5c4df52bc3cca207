"""Qt glue: stream signals arrive on the GUI thread; background calls answer there too."""

from __future__ import annotations

import threading

from pytestqt.qtbot import QtBot

from aufruf.events import Event, QueueChanged, TicketCreated
from client.api import ApiClient, ApiError
from client.qt import BackgroundCalls, StreamBridge, stream_url
from tests.support.live_server import LiveServer


def test_bridge_emits_snapshot_and_events_on_the_gui_thread(qtbot: QtBot, live_server: LiveServer) -> None:
    bridge = StreamBridge(stream_url(live_server.url, "/ws/sites/demo/display"))
    received: list[tuple[str, threading.Thread]] = []
    bridge.message.connect(lambda message: received.append((message["type"], threading.current_thread())))
    typed: list[tuple[Event, threading.Thread]] = []
    bridge.typed.connect(lambda event: typed.append((event, threading.current_thread())))
    with qtbot.waitSignal(bridge.snapshot, timeout=10_000):
        bridge.start()
    try:
        kiosk = ApiClient(live_server.url, token="demo-kiosk")
        kiosk.draw_ticket("demo", "anmeldung", language="en", idempotency_key="q-1")
        qtbot.waitUntil(lambda: len(received) == 2 and len(typed) == 2, timeout=10_000)
        assert [kind for kind, _ in received] == ["ticket.created", "queue.changed"]
        assert [type(event.data) for event, _ in typed] == [TicketCreated, QueueChanged]
        assert {thread for _, thread in received} | {thread for _, thread in typed} == {threading.main_thread()}
    finally:
        bridge.stop()


def test_background_calls_answer_on_the_gui_thread(qtbot: QtBot, live_server: LiveServer) -> None:
    calls = BackgroundCalls()
    client = ApiClient(live_server.url)
    answered: list[threading.Thread] = []
    errors: list[Exception] = []
    calls.submit(lambda: client.login("clerk1", "wrong"), lambda _r: None, errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=10_000)
    assert isinstance(errors[0], ApiError)
    assert errors[0].status == 401
    calls.submit(client.health, lambda _r: answered.append(threading.current_thread()), errors.append)
    qtbot.waitUntil(lambda: bool(answered), timeout=10_000)
    assert answered == [threading.main_thread()]
    assert calls.wait()
