"""Each site's appointment rules: written from the office file, read at check-in and in the sweep."""

from __future__ import annotations

from sqlmodel import Session

from server.appointments.models import AppointmentPolicy
from server.held_rows import remembered
from server.office.schema import AppointmentRules


def apply_rules(*, session: Session, site_id: str, rules: AppointmentRules) -> None:
    """Store a site's rules from its office configuration."""
    policy = session.get(AppointmentPolicy, site_id) or AppointmentPolicy(site_id=site_id)
    policy.priority_before_minutes = rules.priority_before_minutes
    policy.too_early = rules.too_early
    policy.late_minutes = rules.late_minutes
    policy.too_late = rules.too_late
    policy.retention_hours = rules.retention_hours
    session.add(policy)


def rules_for(*, session: Session, site_id: str) -> AppointmentPolicy:
    """A site's rules, or the defaults for a site configured before appointments existed (once per unit of work)."""
    return remembered(
        session,
        (AppointmentPolicy, site_id),
        lambda: session.get(AppointmentPolicy, site_id) or AppointmentPolicy(site_id=site_id),
    )
