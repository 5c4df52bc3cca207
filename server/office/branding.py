"""A site's branding in the office file: logo, colours and ticket footer, checked before use."""

from __future__ import annotations

from pathlib import Path
from typing import Self

from pydantic import Field, PrivateAttr, ValidationInfo, field_validator, model_validator

from aufruf.contrast import HEX_COLOUR, MINIMUM_TEXT_CONTRAST, contrast
from aufruf.logo import Logo, LogoError, read_logo
from server.office.strict import Strict


class BrandingConfig(Strict):
    """`[sites.branding]`: what kiosks, displays, the status page and tickets show of the office."""

    # A PNG or SVG file, relative to the office file; printed in black and white, shown in colour.
    logo: str | None = None
    # The band that carries the logo and the office's name on every screen, and its text colour.
    background: str = Field(default="#0a1e3c", pattern=HEX_COLOUR.pattern)
    text: str = Field(default="#ffffff", pattern=HEX_COLOUR.pattern)
    # The ticket's last line per language; a ticket in a language without one gets the German one.
    footer: dict[str, str] = Field(default_factory=dict)
    _logo: Logo | None = PrivateAttr(default=None)

    @field_validator("footer")
    @classmethod
    def _german_first(cls, footer: dict[str, str]) -> dict[str, str]:
        if footer and not footer.get("de", "").strip():
            raise ValueError("needs the German footer first: it is the fallback for every other language")
        long = [lang for lang, text in footer.items() if len(text) > 200]
        if long:
            raise ValueError(f"keep it under 200 characters (too long in {', '.join(long)})")
        return footer

    @model_validator(mode="after")
    def _readable_logo_and_contrast(self, info: ValidationInfo) -> Self:
        problems = []
        ratio = contrast(self.text, self.background)
        if ratio < MINIMUM_TEXT_CONTRAST:
            problems.append(
                f"text colour {self.text} on background {self.background} has a contrast of {ratio:.2f}:1; "
                f"at least {MINIMUM_TEXT_CONTRAST:g}:1 is required"
            )
        if self.logo is not None:
            base = Path((info.context or {}).get("base_dir", "."))
            try:
                self._logo = read_logo(base / self.logo)
            except LogoError as error:
                problems.append(f"logo {error}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def logo_image(self) -> Logo | None:
        """The logo read and checked at validation, or None when the site has none."""
        return self._logo
