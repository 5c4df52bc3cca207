"""The base of every office-file table: unknown keys are errors."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    """Unknown keys are errors: a typo must not be silently ignored."""

    model_config = ConfigDict(extra="forbid")
