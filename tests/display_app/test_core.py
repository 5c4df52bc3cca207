"""The display's UI-free core: state rules, the announcement queue, sizes and colours."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from display_app.core.announcements import Announcement, AnnouncementQueue, Rendered
from display_app.core.config import DisplayConfig
from display_app.core.layout import CAP_RATIO, px_per_mm, sizes_for
from display_app.core.state import Call, DisplayState
from display_app.core.theme import TEXT_PAIRS, contrast


def ticket(number: str, counter: str | None, service: str = "anmeldung") -> dict[str, Any]:
    return {
        "number": number, "counter": counter, "counter_name": f"Schalter {counter}", "service": service, "recalls": 0
    }


def snapshot(seq: int, calls: list[dict[str, Any]]) -> dict[str, Any]:
    services = [
        {"id": "anmeldung", "names": {"de": "An-/Ummeldung"}, "waiting": 2, "eta_minutes": [3, 9], "open": True},
        {"id": "kfz", "names": {"de": "Kfz"}, "waiting": 0, "eta_minutes": [0, 1], "open": False},
    ]
    return {"type": "snapshot", "seq": seq, "data": {"site": {"timezone": "Europe/Berlin"}, "services": services,
                                                     "counters": [], "calls": calls}}


def event(seq: int, kind: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"type": kind, "seq": seq, "data": data}


def test_snapshot_sets_the_screen_silently_and_only_newer_events_are_new() -> None:
    state = DisplayState()
    assert state.apply_event(event(1, "ticket.called", ticket("A001", "1"))).fresh == ()  # before any snapshot
    state.apply_snapshot(snapshot(10, [ticket("A002", "2"), ticket("A001", "1")]))
    assert [c.number for c in state.calls] == ["A002", "A001"]
    assert state.apply_event(event(9, "ticket.called", ticket("A003", "3"))).fresh == ()
    assert state.apply_event(event(10, "ticket.called", ticket("A003", "3"))).fresh == ()
    outcome = state.apply_event(event(11, "ticket.called", ticket("A003", "3")))
    assert [c.number for c in outcome.fresh] == ["A003"] and outcome.changed
    assert state.current == Call("A003", "3", "Schalter 3", "anmeldung", seq=11)
    # A reconnect's snapshot with the same call again: still not new.
    state.apply_snapshot(snapshot(11, [ticket("A003", "3"), ticket("A002", "2")]))
    assert state.apply_event(event(11, "ticket.called", ticket("A003", "3"))).fresh == ()


def test_recall_moves_the_call_to_the_top_and_is_new_again() -> None:
    state = DisplayState()
    state.apply_snapshot(snapshot(1, [ticket("A002", "2"), ticket("A001", "1")]))
    outcome = state.apply_event(event(2, "ticket.recalled", ticket("A001", "1")))
    assert outcome.fresh[0].recall
    assert [c.number for c in state.calls] == ["A001", "A002"]


def test_filters_by_service_and_counter() -> None:
    state = DisplayState(services=("kfz",), counters=("6",))
    state.apply_snapshot(snapshot(1, [ticket("A001", "1"), ticket("K001", "6", "kfz"), ticket("K002", "7", "kfz")]))
    assert [c.number for c in state.calls] == ["K001"]
    assert [line.id for line in state.lines] == ["kfz"]
    assert state.apply_event(event(2, "ticket.called", ticket("A002", "6"))).fresh == ()
    assert state.apply_event(event(3, "ticket.called", ticket("K003", "6", "kfz"))).fresh[0].number == "K003"


def test_queue_changes_update_the_lines() -> None:
    state = DisplayState()
    state.apply_snapshot(snapshot(1, []))
    services = [{"id": "anmeldung", "names": {"de": "An"}, "waiting": 7, "eta_minutes": [5, 12], "open": True}]
    assert state.apply_event(event(2, "queue.changed", {"services": services, "lines": {}})).changed
    assert state.lines[0].waiting == 7 and state.lines[0].eta_minutes == (5, 12)


class ManualPlayer:
    """Records what is played; the test decides when a clip ends, as a sound card would."""

    def __init__(self) -> None:
        self.playing: list[tuple[bytes, Callable[[], None]]] = []
        self.log: list[bytes] = []

    def play(self, clip: bytes, done: Callable[[], None]) -> None:
        self.log.append(clip)
        self.playing.append((clip, done))

    def end(self) -> None:
        _clip, done = self.playing.pop(0)
        done()


def call(number: str) -> Call:
    return Call(number, "1", "Schalter 1", "anmeldung")


def fake_render(announcement: Announcement) -> Rendered:
    """Gong, then per call two languages alone, or one short clip per call when they queued up."""
    if announcement.catch_up:
        return Rendered([b"gong", *(f"{c.number}-short".encode() for c in announcement.calls)], 99)
    number = announcement.call.number
    return Rendered([b"gong", f"{number}-de".encode(), f"{number}-en".encode()], 2)


def test_announcements_play_in_call_order_never_overlap_and_catch_up() -> None:
    player = ManualPlayer()
    asked: list[Announcement] = []
    queue = AnnouncementQueue(player, render=asked.append)
    queue.push(call("A001"))
    assert [a.calls for a in asked] == [[call("A001")]] and player.log == []  # nothing plays before its audio
    queue.rendered(asked[0], fake_render(asked[0]))
    assert player.log == [b"gong"]
    player.end()
    assert player.log == [b"gong", b"A001-de"]
    # Two calls come while the first is spoken: its English gives way, they follow together.
    queue.push(call("A002"))
    queue.push(call("A003"))
    assert len(player.playing) == 1  # one clip at a time: nothing is cut off
    player.end()
    assert len(asked) == 2 and [c.number for c in asked[1].calls] == ["A002", "A003"]
    assert asked[0].skipped == 1
    queue.rendered(asked[1], fake_render(asked[1]))
    while player.playing:
        assert len(player.playing) == 1
        player.end()
    assert player.log == [b"gong", b"A001-de", b"gong", b"A002-short", b"A003-short"]
    assert [[c.number for c in a.calls] for a in queue.finished] == [["A001"], ["A002", "A003"]]
    assert not queue.busy
    # Alone again: the full form with both languages.
    queue.push(call("A004"))
    queue.rendered(asked[2], fake_render(asked[2]))
    while player.playing:
        player.end()
    assert player.log[-3:] == [b"gong", b"A004-de", b"A004-en"]


def test_calls_in_a_burst_are_gathered_into_one_announcement() -> None:
    timers: list[Callable[[], None]] = []
    asked: list[Announcement] = []
    queue = AnnouncementQueue(ManualPlayer(), render=asked.append, later=lambda _s, action: timers.append(action))
    for number in ("A001", "B001", "C001"):
        queue.push(call(number))
    assert asked == []
    for action in timers:
        action()  # only the wait of the latest call decides
    assert [[c.number for c in a.calls] for a in asked] == [["A001", "B001", "C001"]]


def test_a_player_that_finishes_at_once_does_not_recurse() -> None:
    played: list[bytes] = []

    class Instant:
        def play(self, clip: bytes, done: Callable[[], None]) -> None:
            played.append(clip)
            done()

    queue = AnnouncementQueue(Instant())
    queue.render = lambda announcement: queue.rendered(announcement, Rendered([b"gong", b"speech"], 2))
    for index in range(500):
        queue.push(call(f"A{index:03d}"))
    assert len(played) == 1000 and len(queue.finished) == 500


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1920, 1080), (3840, 2160)])
def test_number_meets_twelve_mm_per_metre(width: int, height: int) -> None:
    for distance in (3.0, 6.0, 12.0):
        sizes = sizes_for(width, height, min_number_mm=12 * distance, diagonal_inches=55)
        assert sizes.number * CAP_RATIO >= 12 * distance * px_per_mm(width, height, 55) - 0.5
        assert sizes.fits_rule
    full_hd = sizes_for(1920, 1080, min_number_mm=72, diagonal_inches=55)
    four_k = sizes_for(3840, 2160, min_number_mm=72, diagonal_inches=55)
    assert four_k.number == pytest.approx(2 * full_hd.number, abs=2)


def test_every_text_colour_pair_has_seven_to_one() -> None:
    for foreground, background in TEXT_PAIRS:
        assert contrast(foreground, background) >= 7, (foreground, background)
    assert contrast("#777777", "#ffffff") < 7  # the check can fail


def test_config_validates_languages_and_distance() -> None:
    assert DisplayConfig(languages=("AR", "de", "ar")).languages == ("ar", "de")
    assert DisplayConfig(languages=("ar",)).right_to_left
    with pytest.raises(ValueError, match="languages"):
        DisplayConfig(languages=("xx",))
    with pytest.raises(ValueError, match="distance"):
        DisplayConfig(viewing_distance=0)


def test_an_undone_call_leaves_the_screen() -> None:
    state = DisplayState()
    state.apply_snapshot(snapshot(1, [ticket("A002", "2"), ticket("A001", "1")]))
    outcome = state.apply_event(event(2, "ticket.requeued", ticket("A002", None)))
    assert outcome.changed and outcome.fresh == ()
    assert [c.number for c in state.calls] == ["A001"]
