"""Private event channels of a site (supervisors, security), kept apart from its public stream."""

from __future__ import annotations

import hashlib

KEY_LENGTH = 40  # the width of the event log's site_id column


def private_channel(site_id: str, suffix: str) -> str:
    """The event-log key of a site's private channel; it has its own seq.

    Site ids are slugs ([a-z0-9_-]), so a key containing "~" can never be a real site's.
    """
    key = f"{site_id}{suffix}"
    if len(key) <= KEY_LENGTH:
        return key
    digest = hashlib.sha256(site_id.encode()).hexdigest()
    return f"{suffix}{digest[: KEY_LENGTH - len(suffix)]}"
