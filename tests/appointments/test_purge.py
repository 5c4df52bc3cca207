"""Personal data of appointments is deleted after the retention period; statistics stay."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import func, select

from server.appointments.jobs import sweep_all
from server.appointments.models import Appointment
from server.appointments.sweep import sweep
from server.auth.models import Clerk
from server.clock import ManualClock
from server.counters import service as counters
from server.db import Database
from server.events.models import EventRecord
from server.sites.hours import business_day
from server.sites.lookup import get_site
from server.sites.models import Site
from server.stats.kpis import daily_kpis
from tests.appointments.conftest import book, show_up
from tests.support.service_calls import PUBLIC_URL

PERSONAL = {"name": "Erika Mustermann", "email": "erika@example.org", "phone": "+49 30 1234", "note": "Pass verloren"}


def _personal(database: Database) -> list[tuple[object, ...]]:
    with database.transaction() as session:
        return [(a.name, a.email, a.phone, a.note) for a in session.exec(select(Appointment)).all()]


def test_purge_after_retention_keeps_statistics(database: Database, clock: ManualClock, clerk: Clerk) -> None:
    came = book(database, service="ausweis", at=clock.now(), now=clock.now(), **PERSONAL)
    book(database, service="ausweis", at=clock.now(), now=clock.now(), **PERSONAL)  # never comes
    show_up(database, came.code, clock.now())
    with database.transaction() as session:
        counters.call_next(session=session, counter_id="3", clerk=clerk, now=clock.now(), public_url=PUBLIC_URL)
        counters.finish(session=session, counter_id="3", clerk=clerk, now=clock.now(), public_url=PUBLIC_URL)
    day = business_day(_site(database), clock.now())
    report_at = clock.now() + timedelta(hours=1)  # one reading time for both reports
    clock.advance(timedelta(hours=23))
    with database.transaction() as session:
        assert sweep(session=session, site_id="demo", now=clock.now()).purged == 0  # retention is 24 h
        before = daily_kpis(session=session, site_id="demo", day=day, now=report_at)
        events_before = session.exec(select(func.count()).select_from(EventRecord)).one()
    assert _personal(database) == [tuple(PERSONAL.values())] * 2

    clock.advance(timedelta(hours=2))
    with database.transaction() as session:
        assert sweep(session=session, site_id="demo", now=clock.now()).purged == 2
        after = daily_kpis(session=session, site_id="demo", day=day, now=report_at)
        statuses = sorted(a.status for a in session.exec(select(Appointment)).all())
        events_after = session.exec(select(func.count()).select_from(EventRecord)).one()
        texts = " ".join(str(e.data) for e in session.exec(select(EventRecord)).all())
    assert _personal(database) == [(None, None, None, None)] * 2
    assert after == before and after.served == 1
    assert statuses == ["checked_in", "no_show"] and events_after == events_before
    assert all(value not in texts for value in PERSONAL.values())  # never written to the event log


def test_the_periodic_job_purges_every_site(database: Database, clock: ManualClock) -> None:
    book(database, service="kfz", at=clock.now(), now=clock.now(), **PERSONAL)
    clock.advance(timedelta(hours=25))

    class Context:
        """The parts of the app context the job uses."""

    context = Context()
    context.database, context.clock = database, clock  # type: ignore[attr-defined]
    sweep_all(context)  # type: ignore[arg-type]
    assert _personal(database) == [(None, None, None, None)]


def _site(database: Database) -> Site:
    with database.transaction() as session:
        return get_site(session=session, site_id="demo")


def test_purge_deletes_import_ids_made_from_a_name(database: Database, clock: ManualClock) -> None:
    from server.appointments.bulk import import_bookings
    from server.appointments.importing import parse_csv

    start = (clock.now() + timedelta(hours=1)).strftime("%d.%m.%Y %H:%M")
    rows = parse_csv(
        f"Termin;Anliegen;Name\n{start};ausweis;Erika Mustermann\n".encode(), filename="export.csv",
        default_service=None,
    )
    with database.transaction() as session:
        import_bookings(
            session=session, site_id="demo", rows=rows, source="csv", filename="export.csv", now=clock.now(),
            actor="clerk:test",
        )
    with database.transaction() as session:
        imported = session.exec(select(Appointment)).one()
    assert imported.external_uid is not None and imported.external_uid.startswith("row:")  # hashes the name
    clock.advance(timedelta(hours=30))
    with database.transaction() as session:
        assert sweep(session=session, site_id="demo", now=clock.now()).purged == 1
    with database.transaction() as session:
        purged = session.exec(select(Appointment)).one()
    assert (purged.name, purged.external_uid) == (None, None)
