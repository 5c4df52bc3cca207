"""Taking ticket serials from the database: gap-free per site, service and local day (the rules: number_rules)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from server.sites.models import Service
from server.tickets.models import NumberSequence
from server.tickets.number_rules import lease_top


def next_serial(*, session: Session, site_id: str, service: Service, day: date) -> int:
    """Take the next serial inside the caller's transaction; a rollback gives it back."""
    return reserve_serials(session=session, site_id=site_id, service=service, day=day, count=1)


def reserve_serials(*, session: Session, site_id: str, service: Service, day: date, count: int) -> int:
    """Take the next `count` online serials at once; returns the last, the first is `last - count + 1`.

    Online serials count up from 1. Offline kiosks' leases count down from the top of the number width
    (`lease_top`), so they never push the online numbers on. Only if the day's online numbers run into
    the leased block do they continue after it (e.g. A1000 with three digits).
    """
    assert service.pk is not None
    keys = {"site_id": site_id, "service_pk": service.pk, "business_day": day}
    table = NumberSequence.__table__  # type: ignore[attr-defined]
    insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else pg_insert
    statement = (
        insert(table)
        .values(**keys, last_serial=count)
        .on_conflict_do_update(index_elements=list(keys), set_={"last_serial": table.c.last_serial + count})
        .returning(table.c.last_serial, table.c.leased)
    )
    last, leased = session.execute(statement).one()
    top = lease_top(service)
    if leased and last - count + 1 <= top and last > top - leased:
        last = top + count
        session.execute(
            update(table).where(*(table.c[name] == value for name, value in keys.items())).values(last_serial=last)
        )
    return int(last)
