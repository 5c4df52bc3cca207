"""Settings of the security layer: CORS allow-list, rate limits, HSTS (`Settings.security`, `AUFRUF_SECURITY_*`)."""

from __future__ import annotations

from limits import RateLimitItem, parse
from pydantic import BaseModel, ConfigDict, Field, field_validator

from server.settings.rate_limits import valid_limit_storage, valid_rate_limit


class SecuritySettings(BaseModel):
    """Cross-origin access, public budgets and login throttling."""

    model_config = ConfigDict(extra="forbid")

    cors_origins: str = Field(
        default="",
        description="Comma-separated origins (https://intranet.example) allowed to call the API from a browser; "
        "empty keeps CORS closed",
    )
    public_limit: str = Field(
        default="300/minute",
        description="Requests per client address to the services list, the display state and its websocket",
    )
    login_limit: str = Field(default="60/minute", description="Login requests per client address")
    login_failure_limit: str = Field(
        default="5 per 15 minutes", description="Failed logins per username and address before it is refused"
    )
    rate_limit_storage: str = Field(
        default="memory://", description="`limits` storage URL; redis://host:port to share across workers"
    )
    hsts_seconds: int = Field(default=31_536_000, ge=0, description="HSTS max-age when the public URL is https")

    @field_validator("public_limit", "login_limit", "login_failure_limit")
    @classmethod
    def _parsable(cls, value: str) -> str:
        return valid_rate_limit(value)

    @field_validator("rate_limit_storage")
    @classmethod
    def _known_storage(cls, value: str) -> str:
        return valid_limit_storage(value)

    @field_validator("cors_origins")
    @classmethod
    def _origins(cls, value: str) -> str:
        for origin in filter(None, (part.strip() for part in value.split(","))):
            if origin == "*" or not origin.startswith(("http://", "https://")) or origin.count("/") != 2:
                raise ValueError(f"cors_origins takes exact origins such as https://host:port, not {origin!r}")
        return value

    @property
    def origins(self) -> list[str]:
        """The allowed browser origins."""
        return [part.strip().rstrip("/") for part in self.cors_origins.split(",") if part.strip()]

    @property
    def public(self) -> RateLimitItem:
        """The parsed per-address budget of the public site endpoints."""
        return parse(self.public_limit)

    @property
    def logins(self) -> RateLimitItem:
        """The parsed per-address login budget."""
        return parse(self.login_limit)

    @property
    def login_failures(self) -> RateLimitItem:
        """The parsed per-username-and-address failed-login budget."""
        return parse(self.login_failure_limit)
