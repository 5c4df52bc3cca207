"""Reading bookings from ICS calendars and CSV exports, with every problem named by its place."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from server.errors import DomainError

MAX_PROBLEMS_SHOWN = 10
# Import ids made up for rows without one; they hash personal data and are deleted by the purge.
FALLBACK_UID_PREFIX = "row:"
CSV_COLUMNS: dict[str, tuple[str, ...]] = {
    "start": ("start", "starts_at", "beginn", "termin", "datetime"),
    "date": ("date", "datum"),
    "time": ("time", "uhrzeit", "zeit"),
    "service": ("service", "dienstleistung", "anliegen"),
    "code": ("code", "buchungscode", "booking_code", "vorgangsnummer"),
    "uid": ("uid", "id", "booking_id", "buchungsnummer"),
    "duration": ("duration", "duration_minutes", "dauer"),
    "name": ("name",),
    "email": ("email", "e-mail", "mail"),
    "phone": ("phone", "telefon", "tel"),
    "note": ("note", "notes", "bemerkung", "notiz"),
}
DATE_FORMATS = ("%d.%m.%Y %H:%M", "%d.%m.%Y %H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M")


class ImportRefused(DomainError):
    """A booking file that cannot be imported; nothing of it was stored."""

    status_code = 422
    code = "bad_import_file"

    def __init__(self, filename: str, problems: list[str]) -> None:
        shown = "; ".join(problems[:MAX_PROBLEMS_SHOWN])
        more = f" (and {len(problems) - MAX_PROBLEMS_SHOWN} more)" if len(problems) > MAX_PROBLEMS_SHOWN else ""
        super().__init__(f"{filename}: {len(problems)} problem(s), nothing imported: {shown}{more}")
        self.problems = problems


@dataclass(frozen=True)
class BookingRow:
    """One booking read from a file; a start without zone is the site's local time."""

    place: str
    uid: str
    service: str
    starts_at: datetime
    duration_minutes: int | None = None
    code: str | None = None
    cancelled: bool = False
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    note: str | None = None


def decode(data: bytes) -> str:
    """Text of an uploaded file: UTF-8 (with or without BOM), else Windows-1252 as German Excel writes it."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _fallback_uid(*parts: object) -> str:
    """An id for a row without uid or code; derived from its name, so the purge deletes it."""
    return FALLBACK_UID_PREFIX + hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:32]


def parse_ics(data: bytes, *, filename: str, default_service: str | None) -> list[BookingRow]:
    """Every VEVENT as a booking; service from X-AUFRUF-SERVICE, CATEGORIES or the default."""
    # Imported on first use: icalendar (with dateutil) costs ~8 MiB of every idle server.
    from icalendar import Calendar

    try:
        calendar = Calendar.from_ical(decode(data))
    except ValueError as error:
        raise ImportRefused(filename, [f"not an iCalendar file ({error})"]) from None
    assert isinstance(calendar, Calendar)
    events = list(calendar.walk("VEVENT"))
    if not events:
        raise ImportRefused(filename, ["the calendar holds no events (VEVENT)"])
    rows: list[BookingRow] = []
    problems: list[str] = []
    for number, event in enumerate(events, start=1):
        uid = _text(event.get("UID"))
        place = f"event {number}" + (f" (UID {uid})" if uid else "")
        start = event.decoded("DTSTART", None)
        if start is None:
            problems.append(f"{place}: no DTSTART")
            continue
        if not isinstance(start, datetime):
            problems.append(f"{place}: DTSTART is a whole day ({start}); a booking needs a time")
            continue
        service = _text(event.get("X-AUFRUF-SERVICE"))
        categories = event.get("CATEGORIES")
        if service is None and categories is not None:
            listed = categories if isinstance(categories, list) else [categories]
            service = next((_text(c) for item in listed for c in item.cats), None)
        service = service or default_service
        if service is None:
            problems.append(f"{place}: names no service (X-AUFRUF-SERVICE or CATEGORIES) and no default was given")
            continue
        duration: int | None = None
        end = event.decoded("DTEND", None)
        if isinstance(end, datetime):
            duration = max(1, int((end - start).total_seconds() // 60))
        elif isinstance(event.decoded("DURATION", None), timedelta):
            duration = max(1, int(event.decoded("DURATION").total_seconds() // 60))
        attendee = event.get("ATTENDEE")
        attendee = attendee[0] if isinstance(attendee, list) else attendee
        email = str(attendee).removeprefix("mailto:").removeprefix("MAILTO:") if attendee else None
        name = _text(attendee.params.get("CN")) if attendee is not None else None
        rows.append(
            BookingRow(
                place=place,
                uid=uid or _fallback_uid(start.isoformat(), service, event.get("SUMMARY")),
                service=service,
                starts_at=start,
                duration_minutes=duration,
                code=_text(event.get("X-AUFRUF-CODE")),
                cancelled=_text(event.get("STATUS")) == "CANCELLED",
                name=name,
                email=_text(email),
                phone=_text(event.get("X-AUFRUF-PHONE")),
                note=_text(event.get("DESCRIPTION")) or _text(event.get("SUMMARY")),
            )
        )
    if problems:
        raise ImportRefused(filename, problems)
    return rows


def _parse_start(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    raise ValueError(f"'{text}' is not a date and time (e.g. 2026-11-24 09:30 or 24.11.2026 09:30)")


def _columns(header: list[str]) -> dict[str, str]:
    """Map our field names to the file's column names, accepting German and English headings."""
    found: dict[str, str] = {}
    for column in header:
        key = column.strip().lower()
        for field, aliases in CSV_COLUMNS.items():
            if key in aliases and field not in found:
                found[field] = column
    return found


def parse_csv(data: bytes, *, filename: str, default_service: str | None) -> list[BookingRow]:
    """Rows with a header; separator ',' ';' or tab; start as one column or date plus time."""
    text = decode(data)
    if not text.strip():
        raise ImportRefused(filename, ["the file is empty"])
    try:
        dialect: Any = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    columns = _columns(list(reader.fieldnames or []))
    has_start = "start" in columns or ("date" in columns and "time" in columns)
    if not has_start:
        raise ImportRefused(
            filename, [f"no start column: expected 'start' (or 'date' and 'time'); found {reader.fieldnames}"]
        )
    if "service" not in columns and default_service is None:
        raise ImportRefused(filename, ["no 'service' column and no default service given"])
    rows: list[BookingRow] = []
    problems: list[str] = []
    for line, record in enumerate(reader, start=2):
        place = f"line {line}"

        def get(field: str, record: dict[str, Any] = record) -> str | None:
            return _text(record.get(columns[field])) if field in columns else None

        if not any(_text(v) for v in record.values()):
            continue
        start_text = get("start") or " ".join(filter(None, (get("date"), get("time"))))
        try:
            starts_at = _parse_start(start_text)
        except ValueError as error:
            problems.append(f"{place}: {error}")
            continue
        duration_text = get("duration")
        duration: int | None = None
        if duration_text:
            if not duration_text.isdigit() or not 1 <= int(duration_text) <= 480:
                problems.append(f"{place}: duration '{duration_text}' must be whole minutes from 1 to 480")
                continue
            duration = int(duration_text)
        service = get("service") or default_service
        if service is None:
            problems.append(f"{place}: no service")
            continue
        code = get("code")
        rows.append(
            BookingRow(
                place=place,
                uid=get("uid") or (f"code:{code}" if code else _fallback_uid(start_text, service, get("name"))),
                service=service,
                starts_at=starts_at,
                duration_minutes=duration,
                code=code,
                name=get("name"),
                email=get("email"),
                phone=get("phone"),
                note=get("note"),
            )
        )
    if problems:
        raise ImportRefused(filename, problems)
    if not rows:
        raise ImportRefused(filename, ["the file has a header but no bookings"])
    return rows


def parse_file(data: bytes, *, filename: str, default_service: str | None) -> list[BookingRow]:
    """Choose the reader by content: iCalendar starts with BEGIN:VCALENDAR, anything else is CSV."""
    if decode(data).lstrip().upper().startswith("BEGIN:VCALENDAR"):
        return parse_ics(data, filename=filename, default_service=default_service)
    return parse_csv(data, filename=filename, default_service=default_service)

