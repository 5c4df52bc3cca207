"""Shapes of device status reports."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class DeviceStatusIn(BaseModel):
    """A device's report about one of its parts, e.g. the kiosk's printer running out of paper."""

    component: Literal["printer", "scanner", "display", "audio", "app"]
    state: Literal["ok", "paper_near_end", "paper_out", "cover_open", "offline", "error"]
    detail: str | None = Field(default=None, max_length=300)
