"""Settings of the citizen status page: rate limits and Web Push (`Settings.status`, `AUFRUF_STATUS_*`)."""

from __future__ import annotations

from limits import RateLimitItem, parse
from pydantic import BaseModel, ConfigDict, Field, field_validator

from server.settings.rate_limits import valid_limit_storage, valid_rate_limit

# The push services of current browsers; a subscription naming any other host is refused so
# that the server cannot be made to post to arbitrary addresses.
KNOWN_PUSH_HOSTS = (
    "fcm.googleapis.com",
    "updates.push.services.mozilla.com",
    "push.services.mozilla.com",
    "notify.windows.com",
    "push.apple.com",
)


class StatusPageSettings(BaseModel):
    """Limits for the public ticket endpoints and where push notifications may go."""

    model_config = ConfigDict(extra="forbid")

    rate_limit: str = Field(
        default="600/minute",
        description="Requests per client address to /t/…, /api/v1/tickets/… and /ws/tickets/… naming a token "
        "not yet known to be valid",
    )
    token_limit: str = Field(
        default="120/minute",
        description="Requests per valid ticket token, whatever the address (phones behind one NAT each have theirs)",
    )
    miss_limit: str = Field(
        default="30 per 10 minutes",
        description="Unknown-token answers per client address; past it unknown tokens get 429, valid ones still pass",
    )
    rate_limit_storage: str = Field(
        default="memory://", description="`limits` storage URL; redis://host:port to share across workers"
    )
    push_hosts: tuple[str, ...] = Field(
        default=KNOWN_PUSH_HOSTS, description="Host names (or domain suffixes) push endpoints may use"
    )
    push_allow_http: bool = Field(
        default=False, description="Accept plain-http push endpoints (tests with a local push service)"
    )
    push_contact: str = Field(
        default="", description="VAPID `sub` claim (mailto: or https: URL); defaults to the public URL"
    )
    push_timeout_seconds: float = Field(default=10.0, gt=0, le=60, description="Longest wait for a push service")
    poll_seconds: float = Field(
        default=15.0, ge=0.5, le=300, description="How often the page polls while its websocket is down"
    )

    @field_validator("rate_limit", "token_limit", "miss_limit")
    @classmethod
    def _parsable(cls, value: str) -> str:
        return valid_rate_limit(value)

    @field_validator("rate_limit_storage")
    @classmethod
    def _known_storage(cls, value: str) -> str:
        return valid_limit_storage(value)

    @property
    def request_limit(self) -> RateLimitItem:
        """The parsed per-address request limit."""
        return parse(self.rate_limit)

    @property
    def per_token_limit(self) -> RateLimitItem:
        """The parsed per-token request limit."""
        return parse(self.token_limit)

    @property
    def unknown_token_limit(self) -> RateLimitItem:
        """The parsed per-address limit on unknown-token answers."""
        return parse(self.miss_limit)
