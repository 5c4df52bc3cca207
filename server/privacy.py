"""Every field of every event, view and page classed public, staff or personal; public payloads by allow-list.

Public fields go to anyone: call displays, citizens' phones, the status and display pages. Staff fields
(the names of clerks, who undid a call) go only to authenticated staff. Personal fields (a clerk's note
about a citizen, a ticket's secret token) go to staff, or the token to its holder only, and notes are
deleted by the retention run. A field that is not listed here is never sent to the public at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Union


class Class(StrEnum):
    """Who may see a field."""

    public = "public"
    staff = "staff"
    personal = "personal"


PUBLIC, STAFF, PERSONAL = Class.public, Class.staff, Class.personal

# A shape classes each key of a JSON object: a leaf class, a nested object's shape, or [shape] for a list of them.
Shape = dict[str, Union[Class, "Shape", list["Shape"]]]

TICKET: Shape = {
    "id": PUBLIC, "number": PUBLIC, "service": PUBLIC, "service_name": PUBLIC, "status": PUBLIC,
    "position": PUBLIC, "people_ahead": PUBLIC, "eta_minutes": PUBLIC, "issued_at": PUBLIC, "called_at": PUBLIC,
    "counter": PUBLIC, "counter_name": PUBLIC, "language": PUBLIC, "recalls": PUBLIC, "site": PUBLIC,
    "appointment": PUBLIC, "wait_outside": PUBLIC,
    # Whether a counter serves the ticket's service now, and from when again (a pause's end, the opening).
    "served_now": PUBLIC, "served_from": PUBLIC, "served_from_time": PUBLIC,
    # A boolean only: the display shows this call longer and more prominently, the phone vibrates longer.
    "visual_call": PUBLIC,
    # "kiosk" or "remote": how the ticket was drawn, never by whom (remote tickets carry no personal data).
    "channel": PUBLIC,
    # Where the calling counter is (room, floor, directions per language): the office's own signage.
    "counter_location": PUBLIC,
    # The ticket's secret and the URL holding it: only its holder and the kiosk that printed it.
    "token": PERSONAL, "status_url": PERSONAL, "service_location": PERSONAL,
    # A clerk's note for the next counter, often a citizen's name or matter.
    "note": PERSONAL,
}
# What ticket events add to the ticket's view.
TICKET_EVENT: Shape = {
    **TICKET,
    "from_service": PUBLIC, "from_counter": PUBLIC, "reason": PUBLIC,
    # How the ticket came: from a kiosk's offline lease, or checking in an appointment (early, on time, late).
    "offline": PUBLIC, "arrival": PUBLIC,
    # ticket.expired: the business day the ticket belonged to when its day closed.
    "business_day": PUBLIC,
    # ticket.postponed: a remote ticket not checked in when its turn came, and how often that happened.
    "moved_back": PUBLIC, "places": PUBLIC,
    "undone_by": STAFF,
}
SERVICE: Shape = {
    "id": PUBLIC, "prefix": PUBLIC, "name": PUBLIC, "names": PUBLIC, "waiting": PUBLIC, "eta_minutes": PUBLIC,
    "open": PUBLIC, "closed_reason": PUBLIC, "target_wait_minutes": PUBLIC, "express": PUBLIC,
    "longest_wait_minutes": PUBLIC, "wait_outside": PUBLIC,
    "served_now": PUBLIC, "served_from": PUBLIC, "served_from_time": PUBLIC,
    # The supervisor's message per language while the service is closed for the day; office text, no names.
    "closed_message": PUBLIC,
}
# The office's own signage: band colours, ticket footers per language and the logo's public URL.
BRANDING: Shape = {"background": PUBLIC, "text": PUBLIC, "footer": PUBLIC, "logo_url": PUBLIC}
SITE: Shape = {
    "id": PUBLIC, "name": PUBLIC, "timezone": PUBLIC, "languages": PUBLIC, "near_turn_alert": PUBLIC,
    "branding": BRANDING,
}
COUNTER: Shape = {
    "id": PUBLIC, "site": PUBLIC, "key": PUBLIC, "name": PUBLIC, "room": PUBLIC, "status": PUBLIC,
    "services": PUBLIC, "active_services": PUBLIC, "current": TICKET, "express": PUBLIC, "paused_until": PUBLIC,
    "clerk": STAFF,
}
# Lines are lists of ticket numbers per service; `estimates_only` marks an update of the wait ranges alone.
QUEUE: Shape = {"services": [SERVICE], "lines": PUBLIC, "estimates_only": PUBLIC}
DEVICE_STATUS: Shape = {
    "device": PUBLIC, "kind": PUBLIC, "component": PUBLIC, "state": PUBLIC,
    # The device software's own words about its part ("paper low"), never a person's text.
    "detail": PUBLIC,
}
APPOINTMENT_EVENT: Shape = {
    "appointment": PUBLIC, "service": PUBLIC, "starts_at": PUBLIC, "status": PUBLIC, "late": PUBLIC,
}
# A day closed: which one, why, and how many tickets it ended.
DAY_CLOSED: Shape = {"business_day": PUBLIC, "reason": PUBLIC, "expired": PUBLIC, "expired_remote": PUBLIC}
# A clerk's session at a counter began or ended; who holds it is staff-only (GET /counters/{id}/session).
COUNTER_SESSION: Shape = {"counter": PUBLIC, "session": PUBLIC, "state": PUBLIC, "reason": PUBLIC}
# A supervisor's notice for displays and kiosks ("Wegen einer Störung …"); who wrote it stays in the audit log.
NOTICE: Shape = {"id": PUBLIC, "texts": PUBLIC, "starts_at": PUBLIC, "expires_at": PUBLIC}
NOTICES: Shape = {"notices": [NOTICE]}
# A service closed or reopened for the rest of the day, with the message kiosks and phones show.
SERVICE_CONTROL: Shape = {"service": PUBLIC, "message": PUBLIC, "business_day": PUBLIC}
DISPLAY_SNAPSHOT: Shape = {"site": SITE, **QUEUE, "counters": [COUNTER], "calls": [TICKET], "notices": [NOTICE]}
TICKET_SNAPSHOT: Shape = {"ticket": TICKET, "site": SITE, **QUEUE}

# The shape of each event type's data on a site's stream, which call displays and phones receive.
EVENT_SHAPES: dict[str, Shape] = {
    **{
        kind: TICKET_EVENT
        for kind in (
            "ticket.created", "ticket.called", "ticket.recalled", "ticket.serving", "ticket.finished",
            "ticket.no_show", "ticket.cancelled", "ticket.parked", "ticket.transferred", "ticket.requeued",
            "ticket.expired", "ticket.postponed", "ticket.checked_in",
        )
    },
    "day.closed": DAY_CLOSED,
    "counter.session": COUNTER_SESSION,
    "counter.changed": COUNTER,
    "queue.changed": QUEUE,
    "device.status": DEVICE_STATUS,
    "service.closed": SERVICE_CONTROL,
    "service.reopened": SERVICE_CONTROL,
    "notices.changed": NOTICES,
    **{
        kind: APPOINTMENT_EVENT
        for kind in ("appointment.booked", "appointment.cancelled", "appointment.checked_in", "appointment.no_show")
    },
}
# Keys of personal free text in event data, removed by the retention run wherever they occur.
PERSONAL_TEXT_KEYS = ("note",)


@dataclass(frozen=True)
class Audience:
    """Who receives a payload: the classes they may see, plus single fields allowed to them alone."""

    classes: frozenset[Class]
    extra: frozenset[str] = frozenset()


EVERYONE = Audience(frozenset({PUBLIC}))
# A citizen following their own ticket: the public view plus its token and status URL.
# Where the service is served, when one place only, is public signage but only of use to the holder:
# it is kept out of every broadcast event.
HOLDER = Audience(frozenset({PUBLIC}), frozenset({"token", "status_url", "service_location"}))
STAFF_ONLY = Audience(frozenset(Class))


def allowed(shape: Shape, data: dict[str, Any], audience: Audience = EVERYONE) -> dict[str, Any]:
    """`data` with only the fields `shape` lets `audience` see; unlisted fields are dropped."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        kind = shape.get(key)
        if kind is None:
            continue
        if isinstance(kind, Class):
            if kind in audience.classes or key in audience.extra:
                out[key] = value
        elif value is None:
            out[key] = None
        elif isinstance(kind, list):
            out[key] = [allowed(kind[0], item, audience) for item in value]
        else:
            out[key] = allowed(kind, value, audience)
    return out


def is_private_channel(site_id: str) -> bool:
    """Whether an event-log key is a staff channel (supervisors, security) rather than a site's public stream."""
    return "~" in site_id


def public_event_data(site_id: str, type: str, data: dict[str, Any]) -> dict[str, Any]:
    """The data an event may carry on a site's public stream; staff channels keep everything."""
    if is_private_channel(site_id):
        return data
    shape = EVENT_SHAPES.get(type)
    return allowed(shape, data) if shape is not None else {}
