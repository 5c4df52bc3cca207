"""The typed payload of every event on the wire, shared by the server that emits it and the clients that read it.

Pure pydantic: a kiosk or display PC imports this without the server's dependencies. The server builds each
payload as one of these models (an unknown or misspelt field is an error there); clients parse what arrives into
them and tolerate what they do not know yet: extra fields are kept, unknown event types stay plain data.
The field names and their order are the public contract: `payload()` gives exactly the JSON object sent as `data`.
Statuses, states and reasons are plain strings, so a value a newer server adds still parses on an older client.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, ClassVar, Self, get_args

from pydantic import BaseModel, ConfigDict, PlainSerializer

# A moment the server writes with `datetime.isoformat()` ("+00:00"), not pydantic's "Z"; kept as it was sent.
IsoDateTime = Annotated[datetime, PlainSerializer(lambda moment: moment.isoformat(), return_type=str)]


class UnknownFields(ValueError):
    """A payload built with a field its event type does not have: a typo, or a field added without its model."""


class EventData(BaseModel):
    """The `data` of one event type; extra fields from a newer server are kept, not refused."""

    model_config = ConfigDict(extra="allow", frozen=True)

    # The event type(s) this model carries, as on the wire; empty for parts nested in a payload.
    TYPES: ClassVar[tuple[str, ...]] = ()
    # Fields that appear on the wire only when they have a value (the extras some ticket events add).
    OMITTED_WHEN_NONE: ClassVar[frozenset[str]] = frozenset()
    # Fields holding models (directly, in a list or optional): where undeclared fields may hide. Set per class.
    NESTED: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls.NESTED = tuple(name for name, field in cls.model_fields.items() if _holds_model(field.annotation))

    @classmethod
    def build(cls, fields: Mapping[str, Any]) -> Self:
        """The model from a complete set of fields, refusing any it does not declare (the server's way in)."""
        model = cls.model_validate(dict(fields))
        model.check_declared()
        return model

    def undeclared(self) -> list[str]:
        """Fields neither this model nor a model inside it declares: from a newer server, or a typo."""
        found = list(self.model_extra or {})
        for name in self.NESTED:
            value = getattr(self, name)
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, EventData):
                    found += [f"{name}.{inner}" for inner in item.undeclared()]
        return found

    def check_declared(self) -> None:
        """Refuse a payload with undeclared fields: the server sends only what its models say."""
        if undeclared := self.undeclared():
            raise UnknownFields(f"{type(self).__name__} has no field {', '.join(map(repr, undeclared))}.")

    def payload(self) -> dict[str, Any]:
        """The JSON-ready `data` object, exactly as it goes on the wire."""
        absent = {name for name in self.OMITTED_WHEN_NONE if getattr(self, name) is None}
        return self.model_dump(mode="json", exclude=absent or None)


def _holds_model(annotation: object) -> bool:
    """Whether a field's type is, or contains, an event model."""
    if isinstance(annotation, type) and issubclass(annotation, EventData):
        return True
    return any(_holds_model(argument) for argument in get_args(annotation))


class TicketView(EventData):
    """A ticket's public view: what displays, phones and status pages may know (no token, no note)."""

    id: int
    number: str
    service: str
    service_name: str
    status: str
    position: int
    people_ahead: int
    eta_minutes: tuple[int, int] | None
    issued_at: datetime
    called_at: datetime | None
    counter: str | None
    counter_name: str | None
    counter_location: dict[str, str] | None = None
    language: str
    recalls: int
    site: str
    appointment: bool = False
    wait_outside: bool = False
    served_now: bool = True
    served_from: datetime | None = None
    served_from_time: str | None = None
    visual_call: bool = False
    channel: str = "kiosk"


class TicketEvent(TicketView):
    """A ticket changed: its public view, plus what the event type adds."""


class TicketCreated(TicketEvent):
    """A ticket was drawn, reconciled from a kiosk's offline lease, or made by an appointment's check-in."""

    TYPES = ("ticket.created",)
    OMITTED_WHEN_NONE = frozenset({"offline", "arrival"})

    offline: bool | None = None
    arrival: str | None = None  # early, on_time or late, for an appointment's ticket


class TicketCalled(TicketEvent):
    """A counter called the ticket."""

    TYPES = ("ticket.called",)


class TicketRecalled(TicketEvent):
    """The counter called the ticket again."""

    TYPES = ("ticket.recalled",)


class TicketServing(TicketEvent):
    """The citizen arrived at the counter."""

    TYPES = ("ticket.serving",)


class TicketFinished(TicketEvent):
    """The citizen was served."""

    TYPES = ("ticket.finished",)


class TicketNoShow(TicketEvent):
    """The called citizen did not come; `reason` when the server decided it (recall_limit)."""

    TYPES = ("ticket.no_show",)
    OMITTED_WHEN_NONE = frozenset({"reason"})

    reason: str | None = None


class TicketCancelled(TicketEvent):
    """The citizen gave up the ticket."""

    TYPES = ("ticket.cancelled",)


class TicketParked(TicketEvent):
    """The counter set the ticket aside, to be called again by number."""

    TYPES = ("ticket.parked",)


class TicketTransferred(TicketEvent):
    """The ticket went to another service's line; `reason` when a supervisor moved the whole line."""

    TYPES = ("ticket.transferred",)
    OMITTED_WHEN_NONE = frozenset({"reason"})

    from_service: str
    reason: str | None = None


class TicketRequeued(TicketEvent):
    """A call was undone: the ticket is back in line where it was."""

    TYPES = ("ticket.requeued",)

    from_counter: str


class TicketExpired(TicketEvent):
    """The day closed (or a remote ticket was not checked in) before the ticket was served."""

    TYPES = ("ticket.expired",)

    reason: str
    business_day: date


class TicketPostponed(TicketEvent):
    """A remote ticket whose turn came before it was checked in went back a few places."""

    TYPES = ("ticket.postponed",)

    reason: str
    moved_back: int
    places: int


class TicketCheckedIn(TicketEvent):
    """A ticket drawn from a phone was checked in at the kiosk."""

    TYPES = ("ticket.checked_in",)


class ServiceLine(EventData):
    """A service's line as kiosks, displays and phones see it (the server's services list answers in this shape)."""

    id: str
    prefix: str
    name: str
    names: dict[str, str]
    waiting: int
    # null while no counter serves the service (`served_now` false): no range is promised then.
    eta_minutes: tuple[int, int] | None
    open: bool
    closed_reason: str | None = None
    # A supervisor closed the service for the rest of the day: their message per language (German always).
    closed_message: dict[str, str] | None = None
    target_wait_minutes: int
    express: bool
    longest_wait_minutes: int = 0
    # The waiting room is full: citizens may wait outside and follow their ticket on the phone.
    wait_outside: bool = False
    # No open, unpaused counter serves it now; `served_from` when a pause end or an opening time is known.
    served_now: bool = True
    served_from: datetime | None = None
    served_from_time: str | None = None  # served_from as HH:MM in the site's time zone


class QueueChanged(EventData):
    """Every line's new figures, and the numbers waiting in each (by service id)."""

    TYPES = ("queue.changed",)
    OMITTED_WHEN_NONE = frozenset({"estimates_only"})

    services: list[ServiceLine]
    lines: dict[str, list[str]]
    # True on the forecaster's follow-up: only the wait ranges moved (server/forecasting/forecaster.py).
    estimates_only: bool | None = None


class CounterChanged(EventData):
    """A counter's public state (who works there is staff-only and never in it)."""

    TYPES = ("counter.changed",)

    id: str
    site: str
    key: str = ""
    name: str
    room: str | None
    status: str
    services: list[str]
    active_services: list[str]
    current: TicketView | None
    express: bool = False
    paused_until: datetime | None = None


class CounterSessionChanged(EventData):
    """A clerk's session at a counter opened or closed; ids and reason only, no names."""

    TYPES = ("counter.session",)

    counter: str
    session: int
    state: str  # opened or closed
    reason: str | None


class DeviceStatus(EventData):
    """A device reported one of its parts (a kiosk's printer out of paper)."""

    TYPES = ("device.status",)

    device: str
    kind: str
    component: str
    state: str
    detail: str | None


class DayClosed(EventData):
    """A business day closed: which, why, and how many tickets it ended (of them, drawn from phones)."""

    TYPES = ("day.closed",)

    business_day: date
    reason: str
    expired: int
    expired_remote: int


class ServiceControl(EventData):
    """A supervisor closed or reopened a service for the rest of the day."""

    service: str
    message: dict[str, str] | None  # per language while closed; null on reopening
    business_day: date


class ServiceClosed(ServiceControl):
    """A service takes no more tickets today."""

    TYPES = ("service.closed",)


class ServiceReopened(ServiceControl):
    """A service takes tickets again today."""

    TYPES = ("service.reopened",)


class Notice(EventData):
    """A supervisor's notice for displays and kiosks, per language, until it expires."""

    id: int
    texts: dict[str, str]
    starts_at: IsoDateTime
    expires_at: IsoDateTime


class NoticesChanged(EventData):
    """Every notice showing now."""

    TYPES = ("notices.changed",)

    notices: list[Notice]


class AppointmentEvent(EventData):
    """An appointment changed: no booking code and nothing personal."""

    appointment: int
    service: str
    starts_at: IsoDateTime
    status: str
    late: bool


class AppointmentBooked(AppointmentEvent):
    """An appointment was booked."""

    TYPES = ("appointment.booked",)


class AppointmentCancelled(AppointmentEvent):
    """A booking was cancelled."""

    TYPES = ("appointment.cancelled",)


class AppointmentCheckedIn(AppointmentEvent):
    """The citizen checked in at the kiosk."""

    TYPES = ("appointment.checked_in",)


class AppointmentNoShow(AppointmentEvent):
    """The citizen did not come to the appointment."""

    TYPES = ("appointment.no_show",)


# Staff channels only (supervisors, security); never on a site's public stream.


class CounterAlarm(EventData):
    """A clerk raised the silent alarm; for the site's supervisors only."""

    TYPES = ("counter.alarm",)

    site: str
    counter: str
    counter_name: str
    room: str | None
    clerk: str
    note: str | None


class AlarmAcknowledged(EventData):
    """A supervisor took care of an alarm (its id is the alarm event's seq on the supervisors' channel)."""

    TYPES = ("alarm.acknowledged",)

    alarm: int
    by: str


class DeviceKeyChanged(EventData):
    """A device's token was rotated or revoked: every worker closes the websockets opened with the old one."""

    TYPES = ("device.status",)

    device: str
    kind: str
    state: str  # rotated or revoked


PUBLIC_MODELS: tuple[type[EventData], ...] = (
    TicketCreated, TicketCalled, TicketRecalled, TicketServing, TicketFinished, TicketNoShow, TicketCancelled,
    TicketParked, TicketTransferred, TicketRequeued, TicketExpired, TicketPostponed, TicketCheckedIn,
    QueueChanged, CounterChanged, CounterSessionChanged, DeviceStatus, DayClosed, ServiceClosed, ServiceReopened,
    NoticesChanged, AppointmentBooked, AppointmentCancelled, AppointmentCheckedIn, AppointmentNoShow,
)
STAFF_MODELS: tuple[type[EventData], ...] = (CounterAlarm, AlarmAcknowledged, DeviceKeyChanged)

# The model of each event type on a site's public stream (displays, phones, kiosks, counter apps).
PUBLIC_EVENTS: dict[str, type[EventData]] = {kind: model for model in PUBLIC_MODELS for kind in model.TYPES}
# On the staff channels.
STAFF_EVENTS: dict[str, type[EventData]] = {kind: model for model in STAFF_MODELS for kind in model.TYPES}
TICKET_EVENTS: dict[str, type[TicketEvent]] = {
    kind: model for kind, model in PUBLIC_EVENTS.items() if issubclass(model, TicketEvent)
}


def ticket_event(type: str, fields: Mapping[str, Any]) -> TicketEvent:
    """A ticket event's model from the ticket's public view and the fields its type adds; unknown ones refused."""
    return TICKET_EVENTS[type].build(fields)


def build_event(type: str, fields: Mapping[str, Any]) -> EventData:
    """Any public event's model from its fields; unknown ones refused."""
    return PUBLIC_EVENTS[type].build(fields)


@dataclass(frozen=True)
class Event:
    """One message of a stream as a client reads it: `data` typed when its type is known, else as sent."""

    seq: int
    type: str
    at: datetime | None
    data: EventData | dict[str, Any]

    @property
    def typed(self) -> bool:
        """Whether `data` is the model of a known event type."""
        return isinstance(self.data, EventData)


def parse_data(
    type: str, data: Mapping[str, Any], *, models: Mapping[str, type[EventData]] = PUBLIC_EVENTS
) -> EventData | dict[str, Any]:
    """An event's data as its model; raises ValidationError if a known type's data does not fit it."""
    model = models.get(type)
    return model.model_validate(dict(data)) if model is not None else dict(data)


def parse_event(message: Mapping[str, Any], *, models: Mapping[str, type[EventData]] = PUBLIC_EVENTS) -> Event:
    """A stream message with its data parsed; unknown types (and snapshots) keep their data as sent."""
    type = str(message.get("type", ""))
    at = message.get("at")
    return Event(
        seq=int(message.get("seq", -1)),
        type=type,
        at=datetime.fromisoformat(at) if isinstance(at, str) else None,
        data=parse_data(type, message.get("data") or {}, models=models),
    )
