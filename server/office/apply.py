"""Writing an office configuration into the database, idempotently."""

from __future__ import annotations

from sqlmodel import Session, col, delete, select

from aufruf.wayfinding import describe
from server.appointments.policy import apply_rules
from server.auth.access import grant_sites
from server.auth.models import Clerk, Device
from server.branding.service import apply_branding
from server.counters.addressing import counter_by_key, new_counter_id
from server.counters.models import Counter, CounterService
from server.events.models import SiteSequence
from server.office.schema import OfficeConfig, SiteConfig
from server.remote_join.settings import apply_remote_join
from server.security.devices import config_token_applies
from server.sites.models import Service, Site


def apply_office(*, session: Session, office: OfficeConfig) -> None:
    """Create or update sites, services, counters, devices and clerks; tickets are untouched."""
    for site_config in office.sites:
        _apply_site(session=session, config=site_config)
    for clerk_config in office.clerks:
        clerk = session.exec(select(Clerk).where(Clerk.username == clerk_config.username)).first()
        clerk = clerk or Clerk(username=clerk_config.username, password_hash="")
        clerk.password_hash = clerk_config.password_hash
        clerk.role = clerk_config.role
        clerk.display_name = clerk_config.display_name
        # An account the office file lists is local, even if a directory had signed someone in under that name.
        clerk.source = "local"
        session.add(clerk)
        session.flush()
        grant_sites(session=session, clerk=clerk, sites=clerk_config.sites, role=clerk_config.role)


def _apply_site(*, session: Session, config: SiteConfig) -> None:
    site = session.get(Site, config.id) or Site(id=config.id, name=config.name)
    site.name = config.name
    site.timezone = config.timezone
    site.languages = list(config.languages)
    site.near_turn_alert = config.near_turn_alert
    site.waiting_room_capacity = config.waiting_room_capacity
    site.always_open = config.always_open
    site.issue_when_unserved = config.issue_when_unserved
    site.express_takes_others_at = config.express_takes_others_at
    site.opening_hours = {day: [list(p) for p in periods] for day, periods in config.opening_hours.items()}
    session.add(site)
    apply_rules(session=session, site_id=config.id, rules=config.appointments)
    apply_remote_join(session=session, site_id=config.id, config=config.remote_join)
    apply_branding(session=session, site_id=config.id, config=config.branding)
    if session.get(SiteSequence, config.id) is None:
        session.add(SiteSequence(site_id=config.id, last_seq=0))
    session.flush()

    existing = {s.key: s for s in session.exec(select(Service).where(Service.site_id == config.id))}
    for position, service_config in enumerate(config.services):
        service = existing.pop(service_config.id, None) or Service(
            site_id=config.id, key=service_config.id, prefix=service_config.prefix
        )
        service.prefix = service_config.prefix
        service.names = dict(service_config.names)
        service.target_wait_minutes = service_config.target_wait_minutes
        service.typical_service_minutes = service_config.typical_service_minutes
        service.daily_quota = service_config.daily_quota
        service.last_ticket_minutes = service_config.last_ticket_minutes
        service.express = service_config.express
        service.number_width = service_config.number_width
        service.position = position
        service.active = True
        session.add(service)
    for retired in existing.values():
        # Old tickets still point at it, so it is switched off rather than deleted.
        retired.active = False
        session.add(retired)
    session.flush()

    pks = {s.key: s.pk for s in session.exec(select(Service).where(Service.site_id == config.id))}
    express = {s.id for s in config.services if s.express}
    for counter_config in config.counters:
        counter = counter_by_key(session=session, site_id=config.id, key=counter_config.id) or Counter(
            id=new_counter_id(session=session, site_id=config.id, key=counter_config.id),
            site_id=config.id, key=counter_config.id, name=counter_config.name,
        )
        counter.name, counter.room = counter_config.name, counter_config.room
        counter.express = (
            counter_config.express if counter_config.express is not None else counter_config.services[0] in express
        )
        location = counter_config.location
        counter.location = location.model_dump_json() if location is not None else None
        if location is not None and not counter_config.room:
            # Staff pages show the room line; give them the German location.
            counter.room = describe(
                room=location.room, floor=location.floor, directions=location.directions, language="de"
            ) or None
        session.add(counter)
        session.flush()
        session.execute(delete(CounterService).where(col(CounterService.counter_id) == counter.id))
        for rank, key in enumerate(counter_config.services):
            pk = pks[key]
            assert pk is not None
            session.add(CounterService(counter_id=counter.id, service_pk=pk, rank=rank))

    for device_config in config.devices:
        device = session.get(Device, device_config.id) or Device(
            id=device_config.id, site_id=config.id, kind=device_config.kind, token_hash=device_config.token_sha256
        )
        device.site_id, device.kind = config.id, device_config.kind
        if config_token_applies(session=session, device_id=device.id, config_hash=device_config.token_sha256):
            device.token_hash = device_config.token_sha256
        session.add(device)
