"""A site's branding for the Qt apps: follows the site facts, fetches the logo once per version."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import httpx
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QPixmap

from aufruf.logo import Logo, check_logo
from client.qt import BackgroundCalls

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Branding:
    """What the server's site facts say about the office's look; `logo` once it has been fetched."""

    background: str
    text: str
    footer: dict[str, str] = field(default_factory=dict)
    logo_url: str | None = None
    logo: Logo | None = None

    @classmethod
    def from_site(cls, site: Mapping[str, Any] | None) -> Branding | None:
        """The branding in a snapshot's `site` object, or None when the site has none."""
        data = (site or {}).get("branding")
        if not isinstance(data, Mapping):
            return None
        return cls(
            background=str(data["background"]),
            text=str(data["text"]),
            footer=dict(data.get("footer") or {}),
            logo_url=data.get("logo_url"),
        )


def fetch_logo(server: str, logo_url: str, *, timeout: float = 10.0) -> Logo:
    """Download a logo from its public URL on the server and check that it renders."""
    response = httpx.get(server.rstrip("/") + logo_url, timeout=timeout, trust_env=False)
    response.raise_for_status()
    media_type = response.headers.get("content-type", "").split(";")[0].strip()
    return check_logo(Logo(data=response.content, media_type=media_type))


def logo_pixmap(logo: Logo, max_width: int, max_height: int) -> QPixmap:
    """The logo fitted into a box, as a pixmap for a label."""
    pixmap = QPixmap()
    pixmap.loadFromData(logo.png(max(1, max_width), max(1, max_height)), "PNG")
    return pixmap


class BrandingWatcher(QObject):
    """Keeps an app's branding current: call `update` with each snapshot's site object."""

    changed = Signal(object)  # Branding | None

    def __init__(self, server: str, *, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.server = server
        self.current: Branding | None = None
        self._calls = BackgroundCalls(self, threads=1)

    def update(self, site: Mapping[str, Any] | None) -> None:
        """Take the branding from site facts; a new logo URL is fetched off the GUI thread."""
        wanted = Branding.from_site(site)
        known = self.current
        if wanted is None:
            if known is not None:
                self._set(None)
            return
        if known is not None and known.logo_url == wanted.logo_url:
            if (known.background, known.text, known.footer) != (wanted.background, wanted.text, wanted.footer):
                self._set(replace(wanted, logo=known.logo))
            return
        # Colours and footer at once; the logo follows when it has arrived.
        self._set(wanted)
        if wanted.logo_url is not None:
            url = wanted.logo_url

            def arrived(logo: Logo) -> None:
                if self.current is not None and self.current.logo_url == url:
                    self._set(replace(self.current, logo=logo))

            def failed(error: Exception) -> None:
                # The screens work without a logo; the next snapshot tries again.
                log.warning("The office logo at %s could not be loaded: %s", url, error)
                if self.current is not None and self.current.logo_url == url:
                    self.current = replace(self.current, logo_url=None)

            self._calls.submit(lambda: fetch_logo(self.server, url), arrived, failed)

    def _set(self, branding: Branding | None) -> None:
        self.current = branding
        self.changed.emit(branding)

    def wait(self) -> None:
        """Wait for a running logo download (on shutdown)."""
        self._calls.wait()
