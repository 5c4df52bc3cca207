"""Two counters racing on one line, undo, the silent alarm, going offline and coming back."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
from pytestqt.qtbot import QtBot

from counter_app.window import CounterWindow
from tests.counter_app.conftest import Clerk, draw, make_core
from tests.counter_app.watch import event, watching
from tests.support.live_server import LiveServer, free_port, run_live_server


def _race(qtbot: QtBot, first: Clerk, second: Clerk) -> list[tuple[str, bool, str]]:
    """Press 'Next' at both counters in the same instant; return both outcomes."""
    outcomes: list[tuple[str, bool, str]] = []
    for clerk in (first, second):
        clerk.core.finished.connect(lambda *args: outcomes.append(args))
    first.core.call_next()
    second.core.call_next()
    qtbot.waitUntil(lambda: len(outcomes) == 2, timeout=10_000)
    for clerk in (first, second):
        clerk.core.finished.disconnect()
    return outcomes


def test_two_counters_racing_never_get_the_same_ticket(
    live_server: LiveServer, open_clerk: Callable[..., Clerk], qtbot: QtBot
) -> None:
    one = open_clerk(live_server, "2", username="clerk1")
    two = open_clerk(live_server, "3", username="clerk2")
    only = draw(live_server)
    outcomes = _race(qtbot, one, two)
    assert sorted(ok for _, ok, _ in outcomes) == [True, True]
    texts = sorted(text for _, _, text in outcomes)
    # One counter called the only citizen; the other was told plainly that nobody waits.
    assert texts == sorted([f"{only['number']} wurde aufgerufen.", "Niemand wartet auf die Anliegen dieses Schalters."])

    called: list[str] = []
    for _ in range(3):
        for clerk in (one, two):
            if clerk.core.state is not None and clerk.core.state.current:
                clerk.ok(lambda c=clerk: c.core.ticket_action("finish"))  # type: ignore[misc]
        draw(live_server)
        draw(live_server)
        qtbot.waitUntil(lambda: all(c.core.state and not c.core.state.current for c in (one, two)))
        outcomes = _race(qtbot, one, two)
        assert all(ok for _, ok, _ in outcomes), outcomes
        called += [text.split()[0] for _, _, text in outcomes]
    assert len(called) == len(set(called)) == 6


def test_undo_the_last_call(live_server: LiveServer, open_clerk: Callable[..., Clerk], qtbot: QtBot) -> None:
    first = draw(live_server)
    draw(live_server)
    clerk = open_clerk(live_server, "3", username="clerk2")
    core = clerk.core
    _, ok, text = clerk.do(core.undo_call)
    assert not ok and "Sekunden" in text
    with watching(f"{live_server.ws_url}/ws/sites/demo/display") as display:
        display.snapshot()
        clerk.ok(core.call_next)
        assert core.can_undo
        assert str(first["number"]) in clerk.ok(core.undo_call)
        requeued = display.wait_for(event("ticket.requeued", number=first["number"]))
        assert "undone_by" not in requeued["data"] and requeued["data"]["position"] == 1
        qtbot.waitUntil(lambda: core.state is not None and core.state.current is None)
        # Back at the head of the line: the next call gets the same citizen again, not the second.
        assert str(first["number"]) in clerk.ok(core.call_next)
        qtbot.waitUntil(lambda: core.state is not None and (core.state.current or {}).get("number") == first["number"])
        clerk.ok(lambda: core.ticket_action("start"))
        _, ok, text = clerk.do(core.undo_call)
        assert not ok and "nicht mehr" in text


def test_undo_window_expires(live_server: LiveServer, open_clerk: Callable[..., Clerk], qtbot: QtBot) -> None:
    draw(live_server)
    clerk = open_clerk(live_server, "3", undo_seconds=0.2)
    with qtbot.waitSignal(clerk.core.undo_changed, check_params_cb=lambda on: not on, timeout=5_000):
        clerk.ok(clerk.core.call_next)
    _, ok, _ = clerk.do(clerk.core.undo_call)
    assert not ok


def test_alarm_reaches_a_supervisor_and_not_the_display(
    live_server: LiveServer, open_clerk: Callable[..., Clerk]
) -> None:
    clerk = open_clerk(live_server, "5")
    supervisor = live_server.clerk_headers("super1")["Authorization"].split()[1]
    with (
        watching(f"{live_server.ws_url}/ws/sites/demo/display") as display,
        watching(f"{live_server.ws_url}/ws/sites/demo/supervisor", token=supervisor) as supervisors,
    ):
        display.snapshot()
        supervisors.snapshot()
        assert "Aufsicht" in clerk.ok(clerk.core.alarm)
        alarm = supervisors.wait_for(event("counter.alarm", counter="5"))
        assert alarm["data"]["counter_name"] == "Schalter 5"
        # Any later public event proves the display stream has moved past the alarm without it.
        clerk.ok(clerk.core.toggle_pause)
        display.wait_for(event("counter.changed", id="5", status="paused"))
        assert "counter.alarm" not in display.types()


def test_offline_refuses_actions_and_reconnects(qtbot: QtBot, tmp_path: Path) -> None:
    port = free_port()
    core = make_core(f"http://127.0.0.1:{port}", tmp_path)
    window = CounterWindow(core)
    qtbot.addWidget(window)
    window.show()
    clerk = Clerk(core, qtbot)
    with run_live_server(tmp_path, port=port) as server:
        waiting = draw(server)
        clerk.ok(lambda: core.login("clerk1", "demo"))
        with qtbot.waitSignal(core.online_changed, timeout=10_000):
            clerk.ok(lambda: core.open_counter("2", []))
        assert window.banner.isHidden()
    # The server is gone: the window says so, and an action is refused on the spot.
    qtbot.waitUntil(lambda: not core.online, timeout=30_000)
    assert window.banner.isVisible()
    _, ok, text = clerk.do(core.call_next)
    assert not ok and "Offline" in text and "NICHT ausgeführt" in text
    assert window.message.text() == text

    with run_live_server(tmp_path, port=port) as again:
        ticket = httpx.get(again.api(f"/tickets/{waiting['token']}")).json()
        assert ticket["status"] == "waiting"  # the refused call was not sent later either
        qtbot.waitUntil(lambda: core.online, timeout=30_000)
        assert window.banner.isHidden()
        assert str(waiting["number"]) in clerk.ok(core.call_next)
        window.close()
    core.api.close()
