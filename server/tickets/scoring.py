"""The router's scoring rule, pure: how urgently the head of a line should be called.

The router (server.tickets.routing) ranks real tickets with it and the forecast (server.estimates)
replays it on imagined ones, so both follow the same numbers.
"""

from __future__ import annotations

# A counter's second choice counts this much less per rank, so an express counter
# prefers express matters but still takes others once they have waited long enough.
RANK_DISCOUNT = 0.5
# An appointment ranks as if it had already waited this many target waits of its service.
APPOINTMENT_HEAD_START = 2.0
# A ticket that has waited this share of its target is no longer held back by a counter's preferences;
# a quick matter that will have waited this share before the express counter can reach it goes ahead
# of longer matters at an ordinary counter (it costs that counter a few minutes).
PREFERENCE_YIELDS_AT = 0.8


def urgency_score(
    *, waited_seconds: float, target_minutes: int, rank: int, appointment: bool, yields: bool = True
) -> float:
    """Waited time as a share of the target, plus a head start for appointments, discounted by preference."""
    target = max(target_minutes, 1) * 60
    # Appointments get a head start of a few target waits rather than absolute priority, so a
    # walk-in who has waited that long is called before the next appointment: no line starves.
    bonus = APPOINTMENT_HEAD_START if appointment else 0.0
    share = max(waited_seconds, 0.0) / target
    held = rank if share < PREFERENCE_YIELDS_AT or not yields else 0
    return (1 + share + bonus) / (1 + RANK_DISCOUNT * held)
