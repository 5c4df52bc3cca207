"""Writing and reading the audit trail; clerk ticket actions come from the event log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from server.events.models import EventRecord
from server.security.models import AuditRecord


def record_audit(
    *,
    session: Session,
    at: datetime,
    actor: str,
    action: str,
    target: str = "",
    site_id: str | None = None,
    address: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditRecord:
    """Append one audit record inside the caller's transaction."""
    record = AuditRecord(
        at=at, actor=actor[:80], action=action, target=target[:80], site_id=site_id, address=address[:64],
        detail=detail or {},
    )
    session.add(record)
    return record


def audit_records(
    *, session: Session, since: datetime | None, action: str | None, actor: str | None, limit: int
) -> list[AuditRecord]:
    """The newest audit records first, optionally filtered."""
    query = select(AuditRecord)
    if since is not None:
        query = query.where(col(AuditRecord.at) >= since)
    if action is not None:
        query = query.where(AuditRecord.action == action)
    if actor is not None:
        query = query.where(AuditRecord.actor == actor)
    return list(session.exec(query.order_by(col(AuditRecord.id).desc()).limit(limit)).all())


def clerk_actions(
    *, session: Session, site_id: str, since: datetime | None, actor: str | None, limit: int
) -> list[EventRecord]:
    """Ticket and counter events caused by staff, newest first."""
    query = select(EventRecord).where(EventRecord.site_id == site_id, col(EventRecord.actor).startswith("clerk:"))
    if since is not None:
        query = query.where(col(EventRecord.at) >= since)
    if actor is not None:
        query = query.where(EventRecord.actor == actor)
    return list(session.exec(query.order_by(col(EventRecord.seq).desc()).limit(limit)).all())
