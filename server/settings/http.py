"""Limits on what one HTTP request may cost: body size, slow clients, header time (`Settings.http`, `AUFRUF_HTTP_*`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class HttpLimits(BaseModel):
    """How large and how slow a request may be before it is refused."""

    model_config = ConfigDict(extra="forbid")

    max_body_kib: int = Field(default=64, ge=1, le=1024, description="Largest request body (413 above)")
    max_upload_kib: int = Field(
        default=5 * 1024, ge=64, le=64 * 1024, description="Largest appointment import file (413 above)"
    )
    header_seconds: float = Field(
        default=10.0, gt=0, le=120, description="Time a client has to send a request's headers, then it is cut off"
    )
    body_seconds: float = Field(
        default=30.0, gt=0, le=600, description="Longest wait for the next piece of a request body (408 after)"
    )
    keep_alive_seconds: int = Field(
        default=5, ge=1, le=300, description="How long an idle connection is kept open between requests"
    )

    @property
    def max_body_bytes(self) -> int:
        """The body limit in bytes."""
        return self.max_body_kib * 1024

    @property
    def max_upload_bytes(self) -> int:
        """The upload limit in bytes."""
        return self.max_upload_kib * 1024
