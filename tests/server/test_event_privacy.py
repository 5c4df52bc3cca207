"""The event models and server/privacy.py agree: every field of a public event is classed public."""

from __future__ import annotations

import typing
from types import UnionType

from pydantic import BaseModel

from aufruf import events
from server.events.envelope import EventType
from server.privacy import EVENT_SHAPES, PUBLIC, Shape


def _nested_model(annotation: object) -> type[BaseModel] | None:
    """The model a field holds (directly, in a list or as an optional), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) in (list, typing.Union, UnionType):
        for argument in typing.get_args(annotation):
            if (found := _nested_model(argument)) is not None:
                return found
    return None


def not_public(model: type[BaseModel], shape: Shape, path: str = "") -> list[str]:
    """Fields of `model` (and of the models inside it) that `shape` does not class public."""
    found: list[str] = []
    for name, field in model.model_fields.items():
        kind, inner = shape.get(name), _nested_model(field.annotation)
        if inner is not None and isinstance(kind, dict):
            found += not_public(inner, kind, f"{path}{name}.")
        elif inner is not None and isinstance(kind, list):
            found += not_public(inner, kind[0], f"{path}{name}.")
        elif inner is not None or kind is not PUBLIC:
            found.append(f"{path}{name}")
    return found


def test_every_public_event_type_has_a_model_and_a_shape() -> None:
    assert set(events.PUBLIC_EVENTS) == set(EVENT_SHAPES)
    staff_only = set(events.STAFF_EVENTS) - {"device.status"}  # device.status is also a public event
    assert not staff_only & set(EVENT_SHAPES)


def test_every_event_type_the_server_knows_has_a_model() -> None:
    assert {kind.value for kind in EventType} == {"snapshot", *events.PUBLIC_EVENTS, *events.STAFF_EVENTS}


def test_every_field_of_every_public_event_model_is_classed_public() -> None:
    offending = {kind: not_public(model, EVENT_SHAPES[kind]) for kind, model in events.PUBLIC_EVENTS.items()}
    assert {kind: fields for kind, fields in offending.items() if fields} == {}


def test_every_public_field_of_a_shape_is_declared_by_its_models() -> None:
    declared: dict[int, set[str]] = {}
    for kind, model in events.PUBLIC_EVENTS.items():
        declared.setdefault(id(EVENT_SHAPES[kind]), set()).update(model.model_fields)
    for kind, shape in EVENT_SHAPES.items():
        public = {name for name, value in shape.items() if value is PUBLIC or not isinstance(value, str)}
        assert public <= declared[id(shape)], kind


def test_the_check_finds_a_personal_field_added_to_a_public_event() -> None:
    class CalledWithNote(events.TicketCalled):
        note: str | None = None

    class CounterWithClerk(events.CounterChanged):
        clerk: str | None = None

    class QueueWithToken(events.QueueChanged):
        services: list[ServiceWithToken]  # type: ignore[assignment]

    class ServiceWithToken(events.ServiceLine):
        token: str = ""

    QueueWithToken.model_rebuild()
    assert not_public(CalledWithNote, EVENT_SHAPES["ticket.called"]) == ["note"]
    assert not_public(CounterWithClerk, EVENT_SHAPES["counter.changed"]) == ["clerk"]
    assert not_public(QueueWithToken, EVENT_SHAPES["queue.changed"]) == ["services.token"]
