"""Which calls the screen shows: every call stays visible while its audio is queued or playing,
and calls for people who cannot hear them stay highlighted for longer."""

from __future__ import annotations

import time
from dataclasses import dataclass

from display_app.core.announcements import Announcement
from display_app.core.state import Call


@dataclass(frozen=True)
class Screenful:
    """The large call, the recent rows, and which numbers are highlighted as visual calls."""

    current: Call | None
    recent: list[Call]
    highlighted: frozenset[str]


def choose(
    calls: list[Call], unfinished: list[Announcement], rows: int, visual_until: dict[str, float],
    now: float | None = None,
) -> Screenful:
    """Newest call large; recent rows prefer calls still to be heard over calls already announced."""
    now = time.monotonic() if now is None else now
    shown = list(calls)
    numbers = {c.number for c in shown}
    # A call pushed out of the list by newer ones keeps its place until its audio has played.
    for announcement in unfinished:
        if announcement.call.number not in numbers:
            shown.append(announcement.call)
            numbers.add(announcement.call.number)
    audible = {a.call.number for a in unfinished}
    current, rest = (shown[0], shown[1:]) if shown else (None, [])
    if rows == 0 and current is not None and current.number not in audible and unfinished:
        current = unfinished[0].call  # no recent rows: the big panel follows the audio
    if len(rest) > rows:
        # The call being heard first, then those still to be heard, then the rest by recency.
        order = [a.call.number for a in unfinished]
        keep = sorted((c for c in rest if c.number in audible), key=lambda c: order.index(c.number))[:rows]
        others = [c for c in rest if c.number not in audible][: rows - len(keep)]
        chosen = {c.number for c in (*keep, *others)}
        rest = [c for c in rest if c.number in chosen]
    highlighted = frozenset(number for number, until in visual_until.items() if until > now)
    return Screenful(current=current, recent=rest, highlighted=highlighted)
