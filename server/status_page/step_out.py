"""'You can step out until HH:MM': the low end of the wait range as a local clock time."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton

# Below this many minutes stepping out is not worth saying; the page's script uses the same figure.
STEP_OUT_MINUTES = 5


def step_out_until(
    *, eta: tuple[int, int] | list[int] | None, now: datetime, timezone: str, language: str
) -> str | None:
    """The local time (CLDR 24-hour, in the page's language) until which the citizen can leave, or None."""
    if not eta or eta[0] < STEP_OUT_MINUTES:
        return None
    moment = now + timedelta(minutes=eta[0])
    return format_skeleton("Hm", moment, tzinfo=ZoneInfo(timezone), locale=language.replace("-", "_"))
