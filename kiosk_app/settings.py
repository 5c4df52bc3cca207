"""The kiosk's settings: flags win over environment variables, which win over the config file."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator
from pydantic_settings import (
    BaseSettings,
    InitSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from aufruf.i18n import DEFAULT_LANGUAGES, normalise_language
from kiosk_app.texts import catalog


def default_languages() -> list[str]:
    """The six every surface offers, then any language a translation file was added for."""
    extra = [lang for lang in catalog().languages if lang not in DEFAULT_LANGUAGES]
    return [*DEFAULT_LANGUAGES, *extra]


class ConfigFileError(ValueError):
    """The kiosk's TOML config file cannot be read."""


class KioskSettings(BaseSettings):
    """Everything one kiosk needs to know; validated at start-up."""

    model_config = SettingsConfigDict(env_prefix="AUFRUF_KIOSK_", extra="forbid")

    server: str = Field(description="Base URL of the ticket server, e.g. http://10.0.0.2:8000")
    token: str = Field(min_length=1, description="This kiosk's device token")
    site: str = Field(min_length=1)
    printer: str | None = Field(default=None, description="Printer URL; none shows tickets on screen only")
    scanner: str | None = Field(default="wedge://", description="Scanner URL; wedge:// reads a keyboard scanner")
    languages: list[str] = Field(default_factory=lambda: default_languages())
    header: str = Field(default="", description="First line of every printed ticket")
    windowed: bool = False
    large_text: bool = False
    confirmation_seconds: float = Field(default=20.0, gt=0)
    idle_seconds: float = Field(default=60.0, gt=0)
    retry_seconds: float = Field(default=3.0, gt=0)
    printer_poll_seconds: float = Field(default=5.0, gt=0)
    data_dir: Path = Field(
        default_factory=lambda: Path.home() / ".local" / "share" / "aufruf-kiosk",
        description="Where the offline journal and the last service list are kept",
    )
    # Off by default: a leased block is taken from the day's numbers, so citizens see numbers skip.
    offline_tickets: bool = Field(
        default=False, description="Lease number blocks and hand them out while the server is away"
    )

    speech_output: str = Field(
        default="auto", description="Where the speech guide speaks: auto, none, file:///dir or cmd:program"
    )
    speech_key: str = Field(default="", description="A further key that starts the speech guide, e.g. F9")
    headphones: str | None = Field(
        default=None, description="Headphone jack that starts the speech guide: alsa://CARD or sim:///file"
    )

    @field_validator("server")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"server must be an http:// or https:// URL, not {value!r}")
        return value.rstrip("/")

    @field_validator("languages", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [part for part in value.replace(" ", ",").split(",") if part]
        return value

    @field_validator("languages")
    @classmethod
    def _german_first(cls, value: list[str]) -> list[str]:
        # The welcome screen is German; German always comes first and cannot be left out.
        languages = [normalise_language(lang) for lang in value]
        return ["de", *dict.fromkeys(lang for lang in languages if lang != "de")]


def read_config_file(path: Path) -> dict[str, Any]:
    """Read a kiosk TOML file: top-level keys, or a `[kiosk]` table."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigFileError(f"cannot read {path}: {error.strerror}") from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigFileError(f"{path} is not valid TOML: {error}") from error
    table = data.get("kiosk", data)
    if not isinstance(table, dict):
        raise ConfigFileError(f"{path}: [kiosk] must be a table")
    return {key.replace("-", "_"): value for key, value in table.items()}


def load_settings(config: Path | None = None, **flags: Any) -> KioskSettings:
    """Merge the config file, the environment and the flags that were given (None = not given)."""
    from_file = read_config_file(config) if config else {}
    given = {key: value for key, value in flags.items() if value is not None}

    class _FromFile(KioskSettings):
        @classmethod
        def settings_customise_sources(
            cls,
            settings_cls: type[BaseSettings],
            init_settings: PydanticBaseSettingsSource,
            env_settings: PydanticBaseSettingsSource,
            dotenv_settings: PydanticBaseSettingsSource,
            file_secret_settings: PydanticBaseSettingsSource,
        ) -> tuple[PydanticBaseSettingsSource, ...]:
            # Priority: flags, then AUFRUF_KIOSK_* variables, then the file.
            return init_settings, env_settings, InitSettingsSource(settings_cls, from_file)

    return _FromFile(**given)
