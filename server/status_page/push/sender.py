"""Delivering one push message through the browser's push service with pywebpush."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from server.status_page.push.service import Alert

if TYPE_CHECKING:
    from py_vapid import Vapid

log = logging.getLogger(__name__)
# How long a push service keeps an undelivered alert: stale ones would only confuse.
TTL_SECONDS = {"near": 15 * 60, "called": 5 * 60}


class Outcome(Enum):
    """What became of a push message."""

    sent = "sent"
    gone = "gone"  # the browser unsubscribed: forget the subscription
    failed = "failed"


@dataclass(frozen=True)
class PushSender:
    """Signs with the installation's VAPID key and posts encrypted messages."""

    signer: Vapid
    contact: str
    timeout: float

    def send(self, alert: Alert) -> Outcome:
        """Encrypt and post one alert (blocking; run it off the event loop)."""
        # Imported on first send: pywebpush pulls in requests, aiohttp and http_ece, ~18 MiB of every idle server.
        from pywebpush import WebPushException, webpush

        try:
            webpush(
                alert.subscription_info,
                data=json.dumps(alert.payload, ensure_ascii=False),
                vapid_private_key=self.signer,
                # A fresh dict each time: pywebpush fills in `aud` and `exp` in place.
                vapid_claims={"sub": self.contact},
                timeout=self.timeout,
                ttl=TTL_SECONDS[alert.kind],
                headers={"Urgency": "high"},
            )
        except WebPushException as error:
            status = error.response.status_code if error.response is not None else None
            if status in (404, 410):
                return Outcome.gone
            # The endpoint is a capability URL: log its host only.
            log.warning("push to %s failed with status %s", urlsplit(alert.endpoint).hostname, status)
            return Outcome.failed
        except OSError as error:
            log.warning("push to %s failed: %s", urlsplit(alert.endpoint).hostname, type(error).__name__)
            return Outcome.failed
        return Outcome.sent


def contact_for(*, configured: str, public_url: str) -> str:
    """The VAPID `sub` claim: the configured contact, the public https URL, or a mailto fallback."""
    if configured:
        return configured
    if public_url.startswith("https://"):
        return public_url
    return f"mailto:webpush@{urlsplit(public_url).hostname or 'localhost'}"
