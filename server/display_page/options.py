"""What one display shows, from the page's query parameters (several displays per site)."""

from __future__ import annotations

import re

from pydantic import BaseModel, Field, field_validator

from aufruf.i18n import DEFAULT_LANGUAGES, is_rtl, normalise_language

SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


def split_list(raw: str | None) -> list[str]:
    """`"a, b,,c"` → `["a", "b", "c"]`."""
    return [part.strip() for part in (raw or "").split(",") if part.strip()]


class DisplayOptions(BaseModel):
    """One display's filters, languages and sizing; every field has a sensible default."""

    services: list[str] = Field(default_factory=list, max_length=50)
    counters: list[str] = Field(default_factory=list, max_length=200)
    languages: list[str] = Field(default_factory=lambda: ["de", "en"], min_length=1, max_length=6)
    # Spoken languages: empty means German plus each ticket's language (`announce=ticket`).
    announce: list[str] = Field(default_factory=list, max_length=6)
    distance: float = Field(default=6.0, gt=0, le=50, description="Viewing distance in metres")
    diagonal: float = Field(default=55.0, ge=10, le=200, description="Screen diagonal in inches")
    recent: int = Field(default=6, ge=0, le=12)
    flash: float = Field(default=6.0, ge=0, le=60, description="Seconds a new call flashes")
    visual: float = Field(
        default=30.0, ge=0, le=300, description="Seconds a call for someone who cannot hear it stands out"
    )
    ticker: str = Field(default="", max_length=500)
    sound: bool = True
    missed: float = Field(
        default=60.0, ge=0, le=3600,
        description="After reconnecting, announce calls missed meanwhile up to this many seconds old; older silently",
    )

    @field_validator("services", "counters")
    @classmethod
    def _slugs(cls, values: list[str]) -> list[str]:
        bad = [v for v in values if not SLUG.match(v)]
        if bad:
            raise ValueError(f"not an id: {', '.join(bad)}")
        return values

    @field_validator("languages", "announce")
    @classmethod
    def _languages(cls, values: list[str]) -> list[str]:
        result: list[str] = []
        for value in values:
            language = normalise_language(value)
            if language not in DEFAULT_LANGUAGES:
                raise ValueError(f"unsupported language '{value}'; use {', '.join(DEFAULT_LANGUAGES)}")
            if language not in result:
                result.append(language)
        return result

    @property
    def primary(self) -> str:
        """The language of the big labels; the others appear smaller beneath."""
        return self.languages[0]

    @property
    def direction(self) -> str:
        """`rtl` when the primary language is written right to left."""
        return "rtl" if is_rtl(self.primary) else "ltr"

    @property
    def min_number_mm(self) -> float:
        """The legibility rule: 12 mm of character height per metre of viewing distance."""
        return 12.0 * self.distance


def options_from_query(query: dict[str, str]) -> DisplayOptions:
    """Build options from raw query parameters; list values are comma-separated."""
    values: dict[str, object] = {}
    for key in ("services", "counters", "languages"):
        if key in query:
            values[key] = split_list(query[key])
    if query.get("announce", "ticket").strip().lower() != "ticket":
        values["announce"] = split_list(query["announce"])
    for key in ("distance", "diagonal", "recent", "flash", "visual", "ticker", "missed"):
        if key in query:
            values[key] = query[key]
    if "sound" in query:
        values["sound"] = query["sound"].lower() not in ("0", "off", "false", "no")
    return DisplayOptions.model_validate(values)
