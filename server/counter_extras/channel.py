"""The supervisors' private event channel of a site, kept apart from its public stream."""

from __future__ import annotations

import hashlib

# Site ids are slugs ([a-z0-9_-]), so a key containing "~" can never be a real site's.
SUFFIX = "~sup"
KEY_LENGTH = 40  # the width of the event log's site_id column


def supervisor_channel(site_id: str) -> str:
    """The event-log key of a site's supervisor channel; it has its own seq."""
    key = f"{site_id}{SUFFIX}"
    if len(key) <= KEY_LENGTH:
        return key
    digest = hashlib.sha256(site_id.encode()).hexdigest()
    return f"{SUFFIX}{digest[: KEY_LENGTH - len(SUFFIX)]}"
