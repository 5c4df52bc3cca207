"""A site's remote-join settings as written in the office TOML (`[sites.remote_join]`), and their storage."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlmodel import Field as Column
from sqlmodel import Session, SQLModel


class RemoteJoinConfig(BaseModel):
    """Whether and how citizens may draw a ticket from their phone; off unless `enabled = true`."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = False
    # Share of each service's day capacity (its daily quota, else counters x opening time / typical time).
    capacity_share: float = Field(default=0.3, gt=0, le=1)
    # At most this many remote tickets per site and day, all services together.
    daily_cap: int = Field(default=100, ge=1, le=100_000)
    # "Please come at HH:MM": this many minutes before the earliest estimated call.
    come_before_minutes: int = Field(default=10, ge=0, le=240)
    # "kiosk": scan the phone's QR code or type the short code before one can be called; "none": call me when near.
    check_in: Literal["kiosk", "none"] = "kiosk"
    # A ticket not checked in when its turn comes goes back behind this many citizens ...
    move_back_places: int = Field(default=3, ge=1, le=50)
    # ... at most this many times; at the next turn it expires.
    max_move_backs: int = Field(default=2, ge=0, le=10)
    # Remote joins stop this many minutes before the site closes (the kiosks' own cut-offs still apply).
    stop_before_closing_minutes: int = Field(default=30, ge=0, le=600)
    # Abuse limits. Budgets are counted per browser (a random cookie) and per (hashed) network address.
    per_device_per_day: int = Field(default=2, ge=1, le=50)
    # Many phones share the office's Wi-Fi or a carrier's address: keep this generous.
    per_address_per_hour: int = Field(default=30, ge=1, le=10_000)
    # Proof of work: the base difficulty in bits, one bit more for every `work_step_joins` joins from the same
    # address within the hour beyond `work_free_joins`, up to `work_max_bits` (each bit doubles the cost).
    work_bits: int = Field(default=10, ge=0, le=24)
    work_free_joins: int = Field(default=10, ge=0, le=1000)
    work_step_joins: int = Field(default=5, ge=1, le=1000)
    work_max_bits: int = Field(default=20, ge=0, le=28)

    @model_validator(mode="after")
    def _work_bounds(self) -> RemoteJoinConfig:
        if self.work_max_bits < self.work_bits:
            raise ValueError(
                f"work_max_bits ({self.work_max_bits}) is below work_bits ({self.work_bits}); "
                "raise it or lower work_bits"
            )
        return self


class RemoteJoinPolicy(SQLModel, table=True):
    """A site's remote-join settings from the office file, kept as the validated JSON."""

    site_id: str = Column(foreign_key="site.id", primary_key=True, max_length=40)
    config: str = Column(default="{}", max_length=4000)


def apply_remote_join(*, session: Session, site_id: str, config: RemoteJoinConfig) -> None:
    """Store a site's settings from its office configuration."""
    policy = session.get(RemoteJoinPolicy, site_id) or RemoteJoinPolicy(site_id=site_id)
    policy.config = config.model_dump_json()
    session.add(policy)


def remote_join_for(*, session: Session, site_id: str) -> RemoteJoinConfig:
    """A site's settings; a site configured without them has remote joining off."""
    policy = session.get(RemoteJoinPolicy, site_id)
    return RemoteJoinConfig.model_validate_json(policy.config) if policy is not None else RemoteJoinConfig()
