"""The supervisors' private event channel of a site, kept apart from its public stream."""

from __future__ import annotations

from server.events.channels import private_channel

SUFFIX = "~sup"


def supervisor_channel(site_id: str) -> str:
    """The event-log key of a site's supervisor channel; it has its own seq."""
    return private_channel(site_id, SUFFIX)
