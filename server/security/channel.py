"""A site's private security channel: device revocations reach every worker's open websockets."""

from __future__ import annotations

from server.events.channels import private_channel

SUFFIX = "~sec"


def security_channel(site_id: str) -> str:
    """The event-log key of a site's security channel; it has its own seq."""
    return private_channel(site_id, SUFFIX)
