"""Service functions for push subscriptions: storing them and claiming alerts that are due."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from urllib.parse import urlsplit

from sqlalchemy import or_, update
from sqlmodel import Session, col, delete, select

from aufruf.i18n import is_rtl
from server.errors import DomainError
from server.settings.status_page import StatusPageSettings
from server.sites.hours import business_day
from server.sites.lookup import get_site
from server.status_page.push.models import PushSubscription
from server.status_page.texts import catalog
from server.tickets.lifecycle import TicketStatus
from server.tickets.models import Ticket
from server.tickets.views import people_ahead

AlertKind = Literal["near", "called"]
# A ticket in one of these states will never be called again today.
FINISHED = frozenset({TicketStatus.done, TicketStatus.cancelled, TicketStatus.expired})


class BadSubscription(DomainError):
    """A push subscription the server will not use."""

    status_code = 422
    code = "bad_subscription"


@dataclass(frozen=True)
class Alert:
    """One push message to send to one browser."""

    subscription_id: int
    endpoint: str
    p256dh: str
    auth: str
    kind: AlertKind
    payload: dict[str, Any]

    @property
    def subscription_info(self) -> dict[str, Any]:
        """The shape pywebpush takes."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


def _decoded_length(value: str) -> int:
    try:
        return len(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
    except (binascii.Error, ValueError):
        return -1


def check_endpoint(endpoint: str, settings: StatusPageSettings) -> None:
    """Refuse endpoints outside the known push services, so the server posts nowhere else."""
    parts = urlsplit(endpoint)
    schemes = ("https", "http") if settings.push_allow_http else ("https",)
    host = (parts.hostname or "").lower()
    allowed = any(host == known or host.endswith(f".{known}") for known in settings.push_hosts)
    if parts.scheme not in schemes or not allowed:
        raise BadSubscription("This push service is not accepted.")


def subscribe(
    *,
    session: Session,
    ticket: Ticket,
    endpoint: str,
    p256dh: str,
    auth: str,
    language: str,
    now: datetime,
    settings: StatusPageSettings,
) -> PushSubscription:
    """Store (or refresh) a browser's subscription for a ticket."""
    check_endpoint(endpoint, settings)
    # An uncompressed P-256 point and a 16-byte secret, as the Push API hands them out.
    if _decoded_length(p256dh) != 65 or _decoded_length(auth) != 16:
        raise BadSubscription("The subscription keys are malformed.")
    assert ticket.id is not None
    existing = session.exec(select(PushSubscription).where(PushSubscription.endpoint == endpoint)).first()
    subscription = existing or PushSubscription(
        ticket_id=ticket.id, site_id=ticket.site_id, endpoint=endpoint, p256dh=p256dh, auth=auth, created_at=now
    )
    if existing is not None and existing.ticket_id != ticket.id:
        # The same browser now follows another ticket: start its alerts afresh.
        subscription.near_sent, subscription.called_marker = False, None
    subscription.ticket_id, subscription.site_id = ticket.id, ticket.site_id
    subscription.p256dh, subscription.auth, subscription.language = p256dh, auth, language
    session.add(subscription)
    session.flush()
    return subscription


def unsubscribe(*, session: Session, ticket: Ticket) -> int:
    """Forget every subscription for a ticket; returns how many there were."""
    result = session.exec(delete(PushSubscription).where(col(PushSubscription.ticket_id) == ticket.id))
    return int(result.rowcount or 0)


def forget(*, session: Session, subscription_id: int) -> None:
    """Drop a subscription the push service says is gone."""
    session.exec(delete(PushSubscription).where(col(PushSubscription.id) == subscription_id))


def has_subscriptions(*, session: Session, site_id: str) -> bool:
    """Tell whether anyone at a site waits for push alerts."""
    return session.exec(select(PushSubscription.id).where(PushSubscription.site_id == site_id)).first() is not None


def _claim(session: Session, subscription: PushSubscription, **where_and_set: Any) -> bool:
    """Set a sent-marker only if nobody else has: True for exactly one claimant."""
    marker = where_and_set.get("called_marker")
    if marker is not None:
        condition = or_(
            col(PushSubscription.called_marker).is_(None), col(PushSubscription.called_marker) != marker
        )
    else:
        condition = col(PushSubscription.near_sent).is_(False)
    result = session.exec(
        update(PushSubscription)
        .where(col(PushSubscription.id) == subscription.id, condition)
        .values(**where_and_set)
    )
    return bool(result.rowcount)


def _payload(kind: AlertKind, ticket: Ticket, language: str) -> dict[str, Any]:
    """The notification's text in the subscriber's language; travels encrypted to the browser."""
    texts = catalog()
    if kind == "called":
        title = texts.text("called_heading", language)
        body = texts.text("called_counter", language, counter=ticket.counter_id or "")
    else:
        title = texts.text("near_title", language)
        body = texts.text("near_text", language)
    return {
        "kind": kind,
        "title": f"{ticket.number}: {title}",
        "body": body,
        "tag": f"aufruf-{ticket.number}",
        "url": f"/t/{ticket.token}?lang={language}",
        "lang": language,
        "dir": "rtl" if is_rtl(language) else "ltr",
    }


def due_alerts(*, session: Session, site_id: str, now: datetime) -> list[Alert]:
    """Claim and return the alerts a site's subscribers should get now; prune finished tickets."""
    subscriptions = session.exec(select(PushSubscription).where(PushSubscription.site_id == site_id)).all()
    if not subscriptions:
        return []
    site = get_site(session=session, site_id=site_id)
    today = business_day(site, now)
    alerts: list[Alert] = []
    for subscription in subscriptions:
        ticket = session.get(Ticket, subscription.ticket_id)
        if ticket is None or ticket.status in FINISHED or ticket.business_day < today:
            session.delete(subscription)
            continue
        kind: AlertKind | None = None
        if ticket.status == TicketStatus.called:
            marker = f"{ticket.called_at.isoformat() if ticket.called_at else ''}|{ticket.recalls}"
            if subscription.called_marker != marker and _claim(session, subscription, called_marker=marker):
                kind = "called"
        elif (
            ticket.status == TicketStatus.waiting
            and not subscription.near_sent
            and people_ahead(session=session, ticket=ticket) <= site.near_turn_alert
            and _claim(session, subscription, near_sent=True)
        ):
            kind = "near"
        if kind is not None:
            assert subscription.id is not None
            alerts.append(
                Alert(
                    subscription_id=subscription.id,
                    endpoint=subscription.endpoint,
                    p256dh=subscription.p256dh,
                    auth=subscription.auth,
                    kind=kind,
                    payload=_payload(kind, ticket, subscription.language),
                )
            )
    return alerts
