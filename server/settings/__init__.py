"""The server's settings: one validated object with a section per concern, read from the environment and CLI flags."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any, Self

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from server.settings.http import HttpLimits
from server.settings.security import SecuritySettings
from server.settings.status_page import StatusPageSettings

ENV_PREFIX = "AUFRUF_"
# Fields whose value never appears in an error message.
SECRET_FIELDS = frozenset({"secret_key"})

# Values an installer might leave in place by mistake; refused outside demo mode.
PLACEHOLDER_SECRETS = frozenset({"", "changethis", "change-me", "secret", "demo"})


class SettingsError(ValueError):
    """Settings that cannot be used; the message names every variable at fault."""


class Settings(BaseSettings):
    """Everything one server process needs to know; env vars are prefixed `AUFRUF_`.

    Sections keep their variables' names: `http.max_body_kib` is AUFRUF_HTTP_MAX_BODY_KIB, and an unknown
    AUFRUF_HTTP_…, AUFRUF_SECURITY_… or AUFRUF_STATUS_… variable is an error rather than silently ignored.
    """

    # One "_" after the prefix splits a section's name from its field's (AUFRUF_HTTP_MAX_BODY_KIB → http.max_body_kib);
    # names not starting with a section's name stay whole (AUFRUF_DATABASE_URL → database_url).
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, extra="forbid", env_nested_delimiter="_", env_nested_max_split=1
    )

    database_url: str = Field(
        default="sqlite:///aufruf.db",
        description="SQLAlchemy URL; sqlite:///path for one office, postgresql+psycopg://… to scale",
    )
    broadcast_url: str = Field(default="memory://", description="memory:// in one process, redis://host:port/db across")
    public_url: str = Field(default="http://localhost:8000", description="Base URL that ticket QR codes point to")
    allow_insecure_public_url: bool = Field(
        default=False, description="Let `aufruf serve` start with a localhost or plain-http public_url (test set-ups)"
    )
    secret_key: str = Field(default="", description="Signs clerk tokens; at least 32 characters")
    config_file: Path | None = Field(default=None, description="Office configuration (TOML)")
    demo: bool = Field(default=False, description="Enables the demo identities; never in production")
    token_minutes: int = Field(default=12 * 60, ge=5, le=7 * 24 * 60, description="How long a staff login lasts")
    client_queue_size: int = Field(default=512, ge=8, description="Events buffered per websocket before it is dropped")
    client_backlog_kib: int = Field(
        default=1024, ge=1, description="KiB a websocket client may leave unread on the server before it is dropped"
    )
    recent_calls: int = Field(default=10, ge=1, le=100, description="How many recent calls the displays show")
    max_recalls: int = Field(
        default=3, ge=0, le=20, description="Recalls before the next one marks a no-show; 0 never does"
    )
    undo_call_seconds: int = Field(default=10, ge=0, le=120, description="How long a call can be undone")
    offline_lease_cap: int = Field(
        default=40, ge=1, le=1000, description="Numbers one offline kiosk may lease per service and day"
    )
    closing_grace_minutes: int = Field(
        default=30, ge=0, le=6 * 60, description="Minutes after a site's last opening period until its day closes"
    )
    counter_idle_minutes: int = Field(
        default=60, ge=1, le=24 * 60, description="A counter session without any action this long is closed"
    )
    day_check_seconds: float = Field(
        default=30.0, gt=0, le=3600, description="How often the server looks for days to close and idle sessions"
    )
    database_write_wait_seconds: float = Field(
        default=5.0, gt=0, le=60,
        description="How long a write waits for a locked database before answering 503 database_busy",
    )
    http: HttpLimits = Field(default_factory=HttpLimits, description="Request size and time limits, AUFRUF_HTTP_*")
    security: SecuritySettings = Field(
        default_factory=SecuritySettings, description="CORS, rate limits and HSTS, AUFRUF_SECURITY_*"
    )
    status: StatusPageSettings = Field(
        default_factory=StatusPageSettings, description="The citizen status page and Web Push, AUFRUF_STATUS_*"
    )

    @field_validator("public_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("public_url must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("broadcast_url")
    @classmethod
    def _known_backend(cls, value: str) -> str:
        if not value.startswith(("memory://", "redis://", "rediss://")):
            raise ValueError("broadcast_url must be memory:// or redis://host:port/db")
        return value

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not value.startswith(("sqlite://", "postgresql")):
            raise ValueError("database_url must be sqlite:///path or postgresql+psycopg://…")
        return value

    @model_validator(mode="after")
    def _real_secret_outside_demo(self) -> Self:
        if self.demo:
            if len(self.secret_key) < 32:
                # A fresh random key per demo run: demo tokens never outlive the process.
                self.secret_key = secrets.token_urlsafe(48)
            return self
        if self.secret_key.strip().lower() in PLACEHOLDER_SECRETS:
            raise ValueError(
                "AUFRUF_SECRET_KEY is unset or a placeholder; generate one with "
                "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`"
            )
        if len(self.secret_key) < 32:
            raise ValueError("AUFRUF_SECRET_KEY must be at least 32 characters long")
        return self

    @property
    def is_sqlite(self) -> bool:
        """Tell whether the database is an embedded SQLite file."""
        return self.database_url.startswith("sqlite")


def variable_name(location: tuple[int | str, ...]) -> str:
    """The environment variable behind a validation error's location (`("http", "max_body_kib")`)."""
    names = [str(part) for part in location if isinstance(part, str)]
    return ENV_PREFIX + "_".join(names[:2]).upper() if names else "settings"


def describe(error: ValidationError) -> str:
    """One line per problem, each naming its variable and, unless secret, the value it had."""
    lines = []
    for problem in error.errors():
        location = tuple(problem["loc"])
        message = str(problem["msg"]).removeprefix("Value error, ")
        if problem["type"] == "extra_forbidden":
            message = "is not a setting (check its spelling in docs/deployment.md)"
        shown = problem.get("input")
        secret = any(part in SECRET_FIELDS for part in location)
        value = "" if secret or not isinstance(shown, str | int | float) else f" (got {str(shown)[:80]!r})"
        lines.append(f"{variable_name(location)}: {message}{value}" if location else message)
    return "\n".join(lines)


def load_settings(**overrides: Any) -> Settings:
    """The settings from the environment and the given flags (None: not given); SettingsError names each problem."""
    try:
        return Settings(**{key: value for key, value in overrides.items() if value is not None})
    except ValidationError as error:
        raise SettingsError(describe(error)) from None
