"""The TOML office configuration as validated models."""

from __future__ import annotations

import re
from typing import Literal, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator

from server.auth.sso.config import SsoConfig
from server.office.branding import BrandingConfig
from server.office.strict import Strict
from server.remote_join.settings import RemoteJoinConfig

SLUG = r"^[a-z0-9][a-z0-9_-]{0,39}$"
CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
WEEKDAY = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class ServiceConfig(Strict):
    """One service of a site."""

    id: str = Field(pattern=SLUG)
    prefix: str = Field(pattern=r"^[A-Z]{1,3}$")
    names: dict[str, str]
    target_wait_minutes: int = Field(default=20, ge=1, le=600)
    typical_service_minutes: float = Field(default=8.0, gt=0, le=480)
    daily_quota: int | None = Field(default=None, ge=1)
    last_ticket_minutes: int = Field(default=0, ge=0, le=600)
    express: bool = False
    number_width: int = Field(default=3, ge=2, le=5)

    @field_validator("names")
    @classmethod
    def _german_and_english(cls, names: dict[str, str]) -> dict[str, str]:
        missing = [lang for lang in ("de", "en") if not names.get(lang, "").strip()]
        if missing:
            raise ValueError(f"needs a name in {' and '.join(missing)}")
        return names


class LocationConfig(Strict):
    """Where a counter is, for the way there: room number, floor and directions per language."""

    room: str | None = Field(default=None, max_length=20)
    floor: dict[str, str] = Field(default_factory=dict)
    directions: dict[str, str] = Field(default_factory=dict)

    @field_validator("floor", "directions")
    @classmethod
    def _short(cls, texts: dict[str, str]) -> dict[str, str]:
        long = [lang for lang, text in texts.items() if len(text) > 80]
        if long:
            raise ValueError(f"keep it under 80 characters (too long in {', '.join(long)})")
        if texts and not texts.get("de", "").strip():
            raise ValueError("needs the German text first")
        return texts


class CounterConfig(Strict):
    """One counter; `services` in order of preference."""

    id: str = Field(pattern=SLUG)
    name: str = Field(min_length=1, max_length=60)
    room: str | None = None
    location: LocationConfig | None = None
    services: list[str] = Field(min_length=1)
    # An express counter; left out, a counter whose first choice is an express service is one.
    express: bool | None = None


class DeviceConfig(Strict):
    """A kiosk or display, identified by the SHA-256 of its token."""

    id: str = Field(pattern=SLUG)
    kind: Literal["kiosk", "display"]
    token_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class AppointmentRules(Strict):
    """How a site checks in, calls and forgets booked appointments."""

    # Priority starts this long before the booked time.
    priority_before_minutes: int = Field(default=10, ge=0, le=240)
    # Arriving before that: queue now (priority from the window start) or come back later.
    too_early: Literal["queue", "refuse"] = "queue"
    # Arriving up to this long after the booked time still counts as on time.
    late_minutes: int = Field(default=15, ge=0, le=240)
    # Arriving later: an ordinary walk-in ticket, or refused.
    too_late: Literal["walk_in", "refuse"] = "walk_in"
    # Names, phone numbers, e-mail and notes are deleted this long after the appointment.
    retention_hours: int = Field(default=24, ge=0, le=24 * 90)


class SiteConfig(Strict):
    """One office."""

    id: str = Field(pattern=SLUG)
    name: str = Field(min_length=1)
    timezone: str = "Europe/Berlin"
    languages: list[str] = Field(default_factory=lambda: ["de", "en"], min_length=1)
    near_turn_alert: int = Field(default=3, ge=0, le=50)
    waiting_room_capacity: int | None = Field(default=None, ge=1)
    appointments: AppointmentRules = Field(default_factory=AppointmentRules)
    # Joining the queue from a phone (docs/remote-join.md); off by default.
    remote_join: RemoteJoinConfig = Field(default_factory=RemoteJoinConfig)
    always_open: bool = False
    # Issue tickets for a service while no counter serves it (the ticket says so), or refuse them.
    issue_when_unserved: bool = True
    # An express counter takes a non-express ticket once it has waited this share of its target wait.
    express_takes_others_at: float = Field(default=0.8, ge=0, le=5)
    opening_hours: dict[WEEKDAY, list[tuple[str, str]]] = Field(default_factory=dict)
    services: list[ServiceConfig] = Field(min_length=1)
    counters: list[CounterConfig] = Field(default_factory=list)
    devices: list[DeviceConfig] = Field(default_factory=list)
    # Logo, colours and ticket footer; left out, the screens keep Aufruf's own look.
    branding: BrandingConfig | None = None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, zone: str) -> str:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone '{zone}'") from None
        return zone

    @field_validator("opening_hours")
    @classmethod
    def _valid_periods(cls, hours: dict[str, list[tuple[str, str]]]) -> dict[str, list[tuple[str, str]]]:
        for day, periods in hours.items():
            for start, end in periods:
                if not (CLOCK.match(start) and CLOCK.match(end)):
                    raise ValueError(f"{day}: times must be HH:MM, got {start!r}-{end!r}")
                if start >= end:
                    raise ValueError(f"{day}: {start}-{end} ends before it starts")
        return hours

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        _unique("service id", [s.id for s in self.services])
        _unique("ticket prefix", [s.prefix for s in self.services])
        _unique("counter id", [c.id for c in self.counters])
        _unique("device id", [d.id for d in self.devices])
        known = {s.id for s in self.services}
        for counter in self.counters:
            unknown = [key for key in counter.services if key not in known]
            if unknown:
                raise ValueError(f"counter '{counter.id}' names unknown services {unknown}; known: {sorted(known)}")
        return self


class ClerkConfig(Strict):
    """A staff account with an Argon2 hash (made by `aufruf user hash`)."""

    username: str = Field(pattern=r"^[A-Za-z0-9._-]{1,64}$")
    display_name: str = ""
    role: Literal["clerk", "supervisor", "admin"] = "clerk"
    password_hash: str = Field(pattern=r"^\$argon2")
    # The sites this clerk works at or this supervisor supervises; admins are global and list none.
    sites: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _admins_are_global(self) -> Self:
        if self.role == "admin" and self.sites:
            raise ValueError(f"'{self.username}' is an admin, who is granted every site: drop 'sites'")
        return self


class OfficeConfig(Strict):
    """The whole file."""

    sites: list[SiteConfig] = Field(min_length=1)
    clerks: list[ClerkConfig] = Field(default_factory=list)
    # Single sign-on for staff (OpenID Connect, LDAP); local accounts above keep working beside it.
    sso: SsoConfig | None = None

    @model_validator(mode="after")
    def _unique_across_sites(self) -> Self:
        _unique("site id", [s.id for s in self.sites])
        _unique("device id (across sites)", [d.id for s in self.sites for d in s.devices])
        _unique("clerk username", [c.username for c in self.clerks])
        known = {s.id for s in self.sites}
        for clerk in self.clerks:
            unknown = [site for site in clerk.sites if site not in known]
            if unknown:
                raise ValueError(f"clerk '{clerk.username}' names unknown sites {unknown}; known: {sorted(known)}")
        for mapping in self.sso.groups if self.sso else []:
            unknown = [site for site in mapping.sites if site not in known]
            if unknown:
                raise ValueError(f"sso group {mapping.group!r} names unknown sites {unknown}; known: {sorted(known)}")
        if len(self.sites) > 1:
            lost = [c.username for c in self.clerks if c.role != "admin" and not c.sites]
            if lost:
                raise ValueError(
                    f"with several sites every clerk and supervisor needs 'sites = [...]'; missing for {lost}"
                )
        return self


def _unique(what: str, values: list[str]) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"{what} '{value}' appears more than once")
        seen.add(value)
