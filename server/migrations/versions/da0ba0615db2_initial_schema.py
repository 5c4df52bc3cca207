"""initial schema

Revision ID: da0ba0615db2
Revises:
Create Date: 2026-11-23 14:33:03.594683
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import server.db_types

revision: str = "da0ba0615db2"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "auditrecord",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", server.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("target", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("site_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("address", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("auditrecord", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_auditrecord_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_auditrecord_actor"), ["actor"], unique=False)
        batch_op.create_index(batch_op.f("ix_auditrecord_at"), ["at"], unique=False)

    op.create_table(
        "clerk",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("display_name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("password_hash", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("clerk", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_clerk_username"), ["username"], unique=True)

    op.create_table(
        "devicekeychange",
        sa.Column("device_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("config_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("changed_at", server.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("device_id"),
    )
    op.create_table(
        "eventrecord",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("type", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("at", server.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("counter_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("service_key", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("data", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("site_id", "seq", name="uq_event_site_seq"),
    )
    with op.batch_alter_table("eventrecord", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_eventrecord_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_eventrecord_site_id"), ["site_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_eventrecord_ticket_id"), ["ticket_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_eventrecord_type"), ["type"], unique=False)

    op.create_table(
        "numbersequence",
        sa.Column("site_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("service_pk", sa.Integer(), nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("last_serial", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("site_id", "service_pk", "business_day"),
    )
    op.create_table(
        "push_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("private_pem", sa.Text(), nullable=False),
        sa.Column("public_key", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("created_at", server.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "site",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("timezone", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("opening_hours", sa.JSON(), nullable=True),
        sa.Column("always_open", sa.Boolean(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=True),
        sa.Column("near_turn_alert", sa.Integer(), nullable=False),
        sa.Column("waiting_room_capacity", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "sitesequence",
        sa.Column("site_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("site_id"),
    )
    op.create_table(
        "appointmentpolicy",
        sa.Column("site_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("priority_before_minutes", sa.Integer(), nullable=False),
        sa.Column("too_early", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("late_minutes", sa.Integer(), nullable=False),
        sa.Column("too_late", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("retention_hours", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["site.id"],
        ),
        sa.PrimaryKeyConstraint("site_id"),
    )
    op.create_table(
        "counter",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("site_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("room", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("clerk_id", sa.Integer(), nullable=True),
        sa.Column("current_ticket_id", sa.Integer(), nullable=True),
        sa.Column("active_services", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["clerk_id"],
            ["clerk.id"],
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["site.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("counter", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_counter_site_id"), ["site_id"], unique=False)

    op.create_table(
        "device",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("site_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("last_seen", server.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["site.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_device_site_id"), ["site_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_device_token_hash"), ["token_hash"], unique=True)

    op.create_table(
        "service",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("site_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("prefix", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("names", sa.JSON(), nullable=True),
        sa.Column("target_wait_minutes", sa.Integer(), nullable=False),
        sa.Column("typical_service_minutes", sa.Float(), nullable=False),
        sa.Column("daily_quota", sa.Integer(), nullable=True),
        sa.Column("last_ticket_minutes", sa.Integer(), nullable=False),
        sa.Column("express", sa.Boolean(), nullable=False),
        sa.Column("number_width", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["site.id"],
        ),
        sa.PrimaryKeyConstraint("pk"),
        sa.UniqueConstraint("site_id", "key", name="uq_service_site_key"),
        sa.UniqueConstraint("site_id", "prefix", name="uq_service_site_prefix"),
    )
    with op.batch_alter_table("service", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_service_site_id"), ["site_id"], unique=False)

    op.create_table(
        "counterservice",
        sa.Column("counter_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("service_pk", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["counter_id"],
            ["counter.id"],
        ),
        sa.ForeignKeyConstraint(
            ["service_pk"],
            ["service.pk"],
        ),
        sa.PrimaryKeyConstraint("counter_id", "service_pk"),
    )
    op.create_table(
        "numberlease",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("service_pk", sa.Integer(), nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("device_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("first_serial", sa.Integer(), nullable=False),
        sa.Column("last_serial", sa.Integer(), nullable=False),
        sa.Column("created_at", server.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_pk"],
            ["service.pk"],
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["site.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("site_id", "service_pk", "business_day", "first_serial", name="uq_lease"),
    )
    with op.batch_alter_table("numberlease", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_numberlease_device_id"), ["device_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_numberlease_site_id"), ["site_id"], unique=False)

    op.create_table(
        "ticket",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("service_pk", sa.Integer(), nullable=False),
        sa.Column("issued_service_pk", sa.Integer(), nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("serial", sa.Integer(), nullable=False),
        sa.Column("number", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("token", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("issued_at", server.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("queued_at", server.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("called_at", server.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("started_at", server.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", server.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("counter_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("recalls", sa.Integer(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("appointment_id", sa.Integer(), nullable=True),
        sa.Column("idempotency_key", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["issued_service_pk"],
            ["service.pk"],
        ),
        sa.ForeignKeyConstraint(
            ["service_pk"],
            ["service.pk"],
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["site.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("site_id", "idempotency_key", name="uq_ticket_idempotency"),
        sa.UniqueConstraint("site_id", "issued_service_pk", "business_day", "serial", name="uq_ticket_number"),
    )
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.create_index("ix_ticket_queue", ["site_id", "status", "service_pk", "queued_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_ticket_token"), ["token"], unique=True)

    op.create_table(
        "appointment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("service_pk", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("starts_at", server.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("external_uid", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("created_at", server.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("checked_in_at", server.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("cancelled_at", server.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("no_show_at", server.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column("purged_at", server.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["service_pk"],
            ["service.pk"],
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["site.id"],
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["ticket.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("site_id", "code", name="uq_appointment_code"),
        sa.UniqueConstraint("site_id", "external_uid", name="uq_appointment_uid"),
    )
    with op.batch_alter_table("appointment", schema=None) as batch_op:
        batch_op.create_index("ix_appointment_due", ["site_id", "status", "starts_at"], unique=False)

    op.create_table(
        "push_subscription",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("endpoint", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("p256dh", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("auth", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("created_at", server.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("near_sent", sa.Boolean(), nullable=False),
        sa.Column("called_marker", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["ticket.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("endpoint"),
    )
    with op.batch_alter_table("push_subscription", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_push_subscription_site_id"), ["site_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_push_subscription_ticket_id"), ["ticket_id"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("push_subscription", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_push_subscription_ticket_id"))
        batch_op.drop_index(batch_op.f("ix_push_subscription_site_id"))

    op.drop_table("push_subscription")
    with op.batch_alter_table("appointment", schema=None) as batch_op:
        batch_op.drop_index("ix_appointment_due")

    op.drop_table("appointment")
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ticket_token"))
        batch_op.drop_index("ix_ticket_queue")

    op.drop_table("ticket")
    with op.batch_alter_table("numberlease", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_numberlease_site_id"))
        batch_op.drop_index(batch_op.f("ix_numberlease_device_id"))

    op.drop_table("numberlease")
    op.drop_table("counterservice")
    with op.batch_alter_table("service", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_site_id"))

    op.drop_table("service")
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_device_token_hash"))
        batch_op.drop_index(batch_op.f("ix_device_site_id"))

    op.drop_table("device")
    with op.batch_alter_table("counter", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_counter_site_id"))

    op.drop_table("counter")
    op.drop_table("appointmentpolicy")
    op.drop_table("sitesequence")
    op.drop_table("site")
    op.drop_table("push_key")
    op.drop_table("numbersequence")
    with op.batch_alter_table("eventrecord", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_eventrecord_type"))
        batch_op.drop_index(batch_op.f("ix_eventrecord_ticket_id"))
        batch_op.drop_index(batch_op.f("ix_eventrecord_site_id"))
        batch_op.drop_index(batch_op.f("ix_eventrecord_at"))

    op.drop_table("eventrecord")
    op.drop_table("devicekeychange")
    with op.batch_alter_table("clerk", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_clerk_username"))

    op.drop_table("clerk")
    with op.batch_alter_table("auditrecord", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_auditrecord_at"))
        batch_op.drop_index(batch_op.f("ix_auditrecord_actor"))
        batch_op.drop_index(batch_op.f("ix_auditrecord_action"))

    op.drop_table("auditrecord")
