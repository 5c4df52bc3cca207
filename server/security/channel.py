"""A site's private security channel: device revocations reach every worker's open websockets."""

from __future__ import annotations

import hashlib

# Site ids are slugs, so a key with "~" is never a real site's (as the supervisors' "~sup" channel).
SUFFIX = "~sec"
KEY_LENGTH = 40  # the width of the event log's site_id column


def security_channel(site_id: str) -> str:
    """The event-log key of a site's security channel; it has its own seq."""
    key = f"{site_id}{SUFFIX}"
    if len(key) <= KEY_LENGTH:
        return key
    digest = hashlib.sha256(site_id.encode()).hexdigest()
    return f"{SUFFIX}{digest[: KEY_LENGTH - len(SUFFIX)]}"
