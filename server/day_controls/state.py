"""Reading the day's controls: a service's override for today and the site's notices showing now."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from server.day_controls.models import ServiceDayControl, SiteNotice
from server.day_controls.rules import is_active
from server.sites.hours import business_day
from server.sites.models import Service, Site

# Per transaction: (site, day) -> {service pk: control}, so every service's figures cost one query in all.
CONTROLS_MEMO = "aufruf_day_controls"


def controls_today(*, session: Session, site: Site, now: datetime) -> dict[int, ServiceDayControl]:
    """The site's service overrides for the business day at `now`, by service pk (read once per transaction)."""
    day = business_day(site, now)
    memo: dict[tuple[str, date], dict[int, ServiceDayControl]] = session.info.setdefault(CONTROLS_MEMO, {})
    key = (site.id, day)
    if key not in memo:
        rows = session.exec(
            select(ServiceDayControl).where(ServiceDayControl.site_id == site.id, ServiceDayControl.business_day == day)
        ).all()
        memo[key] = {row.service_pk: row for row in rows}
    return memo[key]


def forget_controls(session: Session) -> None:
    """Drop the memo after a change, so the same transaction reads the new state."""
    session.info.pop(CONTROLS_MEMO, None)


def active_notices(*, session: Session, site_id: str, now: datetime) -> list[SiteNotice]:
    """The notices showing at `now`, oldest first."""
    rows = session.exec(
        select(SiteNotice)
        .where(SiteNotice.site_id == site_id, col(SiteNotice.expires_at) > now, col(SiteNotice.withdrawn_at).is_(None))
        .order_by(col(SiteNotice.id))
    ).all()
    return [row for row in rows if is_active(expires_at=row.expires_at, withdrawn_at=row.withdrawn_at, now=now)]


def notice_data(notice: SiteNotice) -> dict[str, Any]:
    """A notice's public form: its texts and when it stops showing (clients hide it then on their own)."""
    return {
        "id": notice.id,
        "texts": notice.texts,
        "starts_at": notice.created_at.isoformat(),
        "expires_at": notice.expires_at.isoformat(),
    }


def notices_data(*, session: Session, site_id: str, now: datetime) -> list[dict[str, Any]]:
    """The public list of notices showing now."""
    return [notice_data(notice) for notice in active_notices(session=session, site_id=site_id, now=now)]


def quota_on(*, session: Session, site_id: str, service: Service, day: date) -> int | None:
    """A service's quota for a given business day: today's figure of a supervisor, else the configured one."""
    control = session.get(ServiceDayControl, (site_id, service.pk, day))
    return control.quota if control is not None and control.quota is not None else service.daily_quota
