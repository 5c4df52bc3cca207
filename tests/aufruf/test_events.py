"""The event models: each serialises to exactly the JSON object the contract sends, and clients parse it back."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from aufruf import events
from aufruf.events import EventData, UnknownFields, parse_event

# Written by hand: the public ticket view (design.md's Ticket without its holder-only token and status_url,
# plus the public fields of server/privacy.py's TICKET), in the order the server has always sent them.
TICKET = (
    '"id":7,"number":"A017","service":"kfz","service_name":"Kfz-Zulassung","status":"called","position":0,'
    '"people_ahead":0,"eta_minutes":null,"issued_at":"2026-12-01T08:15:00Z","called_at":"2026-12-01T08:40:12.500000Z",'
    '"counter":"3","counter_name":"Schalter 3",'
    '"counter_location":{"de":"Raum 110 · 1. OG","en":"Room 110 · 1st floor"},'
    '"language":"de","recalls":0,"site":"demo","appointment":false,"wait_outside":false,"served_now":true,'
    '"served_from":null,"served_from_time":null,"visual_call":false,"channel":"kiosk"'
)
WAITING = (
    '"id":8,"number":"A018","service":"kfz","service_name":"Kfz-Zulassung","status":"waiting","position":2,'
    '"people_ahead":1,"eta_minutes":[5,15],"issued_at":"2026-12-01T08:16:00.000123Z","called_at":null,'
    '"counter":null,"counter_name":null,"counter_location":null,"language":"tr","recalls":0,"site":"demo",'
    '"appointment":false,"wait_outside":true,"served_now":false,"served_from":"2026-12-01T12:30:00Z",'
    '"served_from_time":"13:30","visual_call":true,"channel":"remote"'
)
SERVICE = (
    '{"id":"kfz","prefix":"A","name":"Kfz-Zulassung","names":{"de":"Kfz-Zulassung","en":"Vehicle registration"},'
    '"waiting":2,"eta_minutes":[5,15],"open":true,"closed_reason":null,"closed_message":null,'
    '"target_wait_minutes":20,"express":false,"longest_wait_minutes":4,"wait_outside":false,"served_now":true,'
    '"served_from":null,"served_from_time":null}'
)
CLOSED_SERVICE = (
    '{"id":"ausweis","prefix":"B","name":"Ausweis","names":{"de":"Ausweis","en":"ID card"},"waiting":0,'
    '"eta_minutes":null,"open":false,"closed_reason":"closed_today","closed_message":{"de":"Heute nicht mehr",'
    '"en":"Not today"},"target_wait_minutes":30,"express":true,"longest_wait_minutes":0,"wait_outside":false,'
    '"served_now":false,"served_from":null,"served_from_time":null}'
)

SAMPLES: list[tuple[str, type[EventData], str]] = [
    ("ticket.created", events.TicketCreated, "{" + WAITING + "}"),
    ("ticket.created", events.TicketCreated, "{" + WAITING + ',"offline":true}'),
    (
        "ticket.created", events.TicketCreated,
        "{" + WAITING.replace('"appointment":false', '"appointment":true') + ',"arrival":"on_time"}',
    ),
    ("ticket.called", events.TicketCalled, "{" + TICKET + "}"),
    ("ticket.recalled", events.TicketRecalled, "{" + TICKET.replace('"recalls":0', '"recalls":1') + "}"),
    ("ticket.serving", events.TicketServing, "{" + TICKET.replace('"called"', '"serving"') + "}"),
    ("ticket.finished", events.TicketFinished, "{" + TICKET.replace('"called"', '"done"') + "}"),
    ("ticket.no_show", events.TicketNoShow, "{" + TICKET.replace('"called"', '"no_show"') + "}"),
    (
        "ticket.no_show", events.TicketNoShow,
        "{" + TICKET.replace('"called"', '"no_show"').replace('"recalls":0', '"recalls":3')
        + ',"reason":"recall_limit"}',
    ),
    ("ticket.cancelled", events.TicketCancelled, "{" + WAITING.replace('"waiting"', '"cancelled"') + "}"),
    ("ticket.parked", events.TicketParked, "{" + TICKET.replace('"called"', '"parked"') + "}"),
    ("ticket.transferred", events.TicketTransferred, "{" + WAITING + ',"from_service":"ausweis"}'),
    (
        "ticket.transferred", events.TicketTransferred,
        "{" + WAITING + ',"from_service":"ausweis","reason":"moved_by_supervisor"}',
    ),
    ("ticket.requeued", events.TicketRequeued, "{" + WAITING + ',"from_counter":"3"}'),
    (
        "ticket.expired", events.TicketExpired,
        "{" + WAITING.replace('"waiting"', '"expired"') + ',"reason":"closing","business_day":"2026-12-01"}',
    ),
    (
        "ticket.postponed", events.TicketPostponed,
        "{" + WAITING + ',"reason":"not_checked_in","moved_back":1,"places":3}',
    ),
    ("ticket.checked_in", events.TicketCheckedIn, "{" + WAITING + "}"),
    ("queue.changed", events.QueueChanged, '{"services":[' + SERVICE + "," + CLOSED_SERVICE + '],'
     '"lines":{"kfz":["A017","A018"],"ausweis":[]}}'),
    (
        "counter.changed", events.CounterChanged,
        '{"id":"3","site":"demo","key":"3","name":"Schalter 3","room":"110","status":"open","services":["kfz"],'
        '"active_services":["kfz"],"current":{' + TICKET + '},"express":false,"paused_until":null}',
    ),
    (
        "counter.changed", events.CounterChanged,
        '{"id":"nord-1","site":"nord","key":"1","name":"Schalter 1","room":null,"status":"paused",'
        '"services":["kfz","ausweis"],"active_services":[],"current":null,"express":true,'
        '"paused_until":"2026-12-01T11:00:00Z"}',
    ),
    ("counter.session", events.CounterSessionChanged, '{"counter":"3","session":12,"state":"opened","reason":null}'),
    (
        "counter.session", events.CounterSessionChanged,
        '{"counter":"3","session":12,"state":"closed","reason":"logout"}',
    ),
    (
        "device.status", events.DeviceStatus,
        '{"device":"kiosk-1","kind":"kiosk","component":"printer","state":"paper_out","detail":null}',
    ),
    (
        "device.status", events.DeviceStatus,
        '{"device":"kiosk-1","kind":"kiosk","component":"printer","state":"error","detail":"Papierstau"}',
    ),
    ("day.closed", events.DayClosed, '{"business_day":"2026-12-01","reason":"closing","expired":3,"expired_remote":1}'),
    (
        "service.closed", events.ServiceClosed,
        '{"service":"kfz","message":{"de":"Heute keine Nummern mehr","en":"No more numbers today"},'
        '"business_day":"2026-12-01"}',
    ),
    ("service.reopened", events.ServiceReopened, '{"service":"kfz","message":null,"business_day":"2026-12-01"}'),
    (
        "notices.changed", events.NoticesChanged,
        '{"notices":[{"id":4,"texts":{"de":"Wegen einer Störung …","en":"Due to a fault …"},'
        '"starts_at":"2026-12-01T09:00:00+00:00","expires_at":"2026-12-01T09:15:00.250000+00:00"}]}',
    ),
    ("notices.changed", events.NoticesChanged, '{"notices":[]}'),
    *(
        (kind, model, '{"appointment":9,"service":"kfz","starts_at":"2026-12-01T10:30:00+00:00",'
         f'"status":"{status}","late":{late}}}')
        for kind, model, status, late in (
            ("appointment.booked", events.AppointmentBooked, "booked", "false"),
            ("appointment.cancelled", events.AppointmentCancelled, "cancelled", "false"),
            ("appointment.checked_in", events.AppointmentCheckedIn, "checked_in", "true"),
            ("appointment.no_show", events.AppointmentNoShow, "no_show", "false"),
        )
    ),
]
STAFF_SAMPLES: list[tuple[str, type[EventData], str]] = [
    (
        "counter.alarm", events.CounterAlarm,
        '{"site":"demo","counter":"3","counter_name":"Schalter 3","room":"110","clerk":"Erika Muster","note":"Hilfe"}',
    ),
    ("alarm.acknowledged", events.AlarmAcknowledged, '{"alarm":2,"by":"Supervisor"}'),
    ("device.status", events.DeviceKeyChanged, '{"device":"kiosk-1","kind":"kiosk","state":"revoked"}'),
]


def wire(data: dict[str, Any]) -> str:
    """The JSON text as the server writes it into every message (compact, UTF-8)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


@pytest.mark.parametrize(("kind", "model", "expected"), SAMPLES + STAFF_SAMPLES)
def test_the_model_built_from_the_old_payload_sends_it_byte_for_byte(
    kind: str, model: type[EventData], expected: str
) -> None:
    built = model.build(json.loads(expected))
    assert kind in model.TYPES
    assert wire(built.payload()) == expected


@pytest.mark.parametrize(("kind", "model", "expected"), SAMPLES)
def test_a_client_parses_each_public_event_into_its_model(kind: str, model: type[EventData], expected: str) -> None:
    event = parse_event({"seq": 41, "type": kind, "at": "2026-12-01T08:40:12.500000Z", "data": json.loads(expected)})
    assert type(event.data) is model
    assert event.typed and event.seq == 41 and event.at == datetime(2026, 12, 1, 8, 40, 12, 500000, tzinfo=UTC)
    assert wire(event.data.payload()) == expected


def test_every_event_type_has_a_sample() -> None:
    assert {kind for kind, _, _ in SAMPLES} == set(events.PUBLIC_EVENTS)
    assert {kind for kind, _, _ in STAFF_SAMPLES} == set(events.STAFF_EVENTS)


def test_models_built_from_python_values_write_the_contract_formats() -> None:
    closed = events.DayClosed(business_day=date(2026, 12, 1), reason="closing", expired=3, expired_remote=1)
    assert wire(closed.payload()) == '{"business_day":"2026-12-01","reason":"closing","expired":3,"expired_remote":1}'
    notice = events.Notice(
        id=4, texts={"de": "Störung"}, starts_at=datetime(2026, 12, 1, 9, tzinfo=UTC),
        expires_at=datetime(2026, 12, 1, 9, 15, 0, 250000, tzinfo=UTC),
    )
    assert wire(events.NoticesChanged(notices=[notice]).payload()) == (
        '{"notices":[{"id":4,"texts":{"de":"Störung"},"starts_at":"2026-12-01T09:00:00+00:00",'
        '"expires_at":"2026-12-01T09:15:00.250000+00:00"}]}'
    )
    ticket = json.loads("{" + WAITING + "}")
    ticket.update(issued_at=datetime(2026, 12, 1, 8, 16, 0, 123, tzinfo=UTC), eta_minutes=(5, 15))
    ticket["served_from"] = datetime(2026, 12, 1, 12, 30, tzinfo=UTC)
    created = events.TicketCreated.build({**ticket, "offline": True})
    assert wire(created.payload()) == "{" + WAITING + ',"offline":true}'


def test_the_server_refuses_a_field_the_model_does_not_declare() -> None:
    fields = json.loads("{" + TICKET + "}")
    with pytest.raises(UnknownFields, match="note"):
        events.TicketCalled.build({**fields, "note": "Frau Müller, Wohngeld"})
    with pytest.raises(UnknownFields, match="frm_service"):
        events.ticket_event("ticket.transferred", {**fields, "from_service": "kfz", "frm_service": "kfz"})
    counter = json.loads(SAMPLES[18][2])
    counter["current"]["token"] = "secret"
    with pytest.raises(UnknownFields, match=r"current\.token"):
        events.CounterChanged.build(counter)
    with pytest.raises(ValidationError):
        events.ticket_event("ticket.transferred", fields)  # from_service is required


def test_a_client_keeps_what_a_newer_server_adds() -> None:
    data = {**json.loads("{" + TICKET + "}"), "queue_colour": "#ff0000"}
    event = parse_event({"seq": 3, "type": "ticket.called", "at": "2026-12-01T08:40:12Z", "data": data})
    assert isinstance(event.data, events.TicketCalled)
    assert event.data.number == "A017"
    assert event.data.model_extra == {"queue_colour": "#ff0000"}
    unknown = parse_event({"seq": 4, "type": "counter.renamed", "at": "2026-12-01T08:41:00Z", "data": {"id": "3"}})
    assert not unknown.typed and unknown.data == {"id": "3"}
    snapshot = parse_event({"seq": 5, "type": "snapshot", "at": "2026-12-01T08:41:00Z", "data": {"calls": []}})
    assert snapshot.data == {"calls": []}
