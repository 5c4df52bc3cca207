"""Pure rules of the day's controls: message texts, expiry bounds, quotas and the order of moved tickets."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from server.errors import DomainError
from server.tickets.models import Ticket

MAX_TEXT = 200
# A notice is for a disruption today; a standing sign belongs in the office configuration.
MAX_NOTICE = timedelta(hours=24)
MIN_NOTICE = timedelta(minutes=1)
LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{1,8})*$")


class InvalidControl(DomainError):
    """A day control with bad input (422, never a server error)."""

    status_code = 422
    code = "invalid_control"


class ControlConflict(DomainError):
    """A day control that clashes with the state of the day or the clock (409)."""

    status_code = 409
    code = "control_conflict"


def clean_texts(texts: dict[str, str], *, field: str) -> dict[str, str]:
    """A message per language, trimmed: German is required, English recommended, each at most MAX_TEXT long."""
    cleaned: dict[str, str] = {}
    for language, text in texts.items():
        tag = language.strip().lower()
        if not LANGUAGE_TAG.match(tag):
            raise InvalidControl(
                f"'{language}' in {field} is not a language tag such as 'de', 'en' or 'de-x-ls'.", code="bad_language"
            )
        words = " ".join(text.split())
        if len(words) > MAX_TEXT:
            raise InvalidControl(
                f"The {tag} text of {field} is {len(words)} characters; keep it under {MAX_TEXT}.", code="text_too_long"
            )
        if words:
            cleaned[tag] = words
    if "de" not in cleaned:
        raise InvalidControl(f"{field} needs the German text ('de') first.", code="german_missing")
    return cleaned


def check_expiry(*, now: datetime, expires_at: datetime) -> datetime:
    """The expiry of a new notice: in the future, at most MAX_NOTICE ahead."""
    if expires_at.tzinfo is None:
        raise InvalidControl(
            "Give expires_at with its time zone (e.g. 2026-12-01T11:30:00+01:00).", code="expiry_without_zone"
        )
    if expires_at - now < MIN_NOTICE:
        raise ControlConflict("The notice must show for at least a minute from now.", code="expiry_in_past")
    if expires_at - now > MAX_NOTICE:
        raise ControlConflict(
            "A notice expires within 24 hours; use the office configuration for standing signs.", code="expiry_too_far"
        )
    return expires_at.astimezone(UTC)


def check_quota(*, quota: int | None, issued: int) -> int | None:
    """Today's quota: None (back to the configured one) or at least the tickets already issued today."""
    if quota is None:
        return None
    if quota < issued:
        raise ControlConflict(
            f"{issued} tickets were already issued today; today's quota cannot be lower than that.",
            code="quota_below_issued",
        )
    return quota


def is_active(*, expires_at: datetime, withdrawn_at: datetime | None, now: datetime) -> bool:
    """Whether a notice shows at `now`."""
    return withdrawn_at is None and now < expires_at


def move_order(tickets: Sequence[Ticket]) -> list[Ticket]:
    """The order moved tickets keep in their new line: the line order they had (priority, then joining time)."""
    return sorted(tickets, key=lambda t: (-t.priority, t.queued_at, t.id or 0))
