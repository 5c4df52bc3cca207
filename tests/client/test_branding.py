"""The apps' branding watcher against a live server: colours at once, the logo once per version, off again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from pytestqt.qtbot import QtBot

from client.branding import Branding, BrandingWatcher
from tests.support.branding import branded_office, png_logo, write_logo
from tests.support.live_server import run_live_server


def test_the_watcher_fetches_each_logo_version_once_and_survives_a_missing_one(qtbot: QtBot, tmp_path: Path) -> None:
    write_logo(tmp_path, "logo.png", png_logo(200, 50))
    with run_live_server(tmp_path, office=branded_office(tmp_path, "logo.png")) as server:
        site: dict[str, Any] = httpx.get(server.api("/sites/demo/display")).json()["data"]["site"]
        watcher = BrandingWatcher(server.url)
        seen: list[Branding | None] = []
        watcher.changed.connect(seen.append)
        with qtbot.waitSignals([watcher.changed, watcher.changed], timeout=10_000):
            watcher.update(site)
        first, second = seen
        # Colours first, without waiting for the download; then the same with the logo.
        assert first is not None and first.logo is None and first.background == "#003a70"
        assert second is not None and second.logo is not None
        assert second.logo.data == (tmp_path / "logo.png").read_bytes()
        assert second.logo.natural_size == (200, 50)
        # The same facts again (every snapshot brings them): nothing changes, nothing is fetched.
        watcher.update(site)
        assert len(seen) == 2
        # A new footer keeps the logo.
        with qtbot.waitSignal(watcher.changed, timeout=1_000):
            watcher.update({**site, "branding": {**site["branding"], "footer": {"de": "Neu"}}})
        assert seen[-1] is not None and seen[-1].logo is second.logo and seen[-1].footer == {"de": "Neu"}
        # A logo URL that does not answer: colours stay, no logo, and the next snapshot tries again.
        gone = {**site, "branding": {**site["branding"], "logo_url": "/api/v1/sites/nowhere/logo?v=0"}}
        with qtbot.waitSignal(watcher.changed, timeout=1_000):
            watcher.update(gone)
        watcher.wait()
        qtbot.waitUntil(lambda: watcher.current is not None and watcher.current.logo_url is None, timeout=5_000)
        assert watcher.current is not None and watcher.current.logo is None
        # The site loses its branding: the apps go back to their own look.
        with qtbot.waitSignal(watcher.changed, timeout=1_000) as blocker:
            watcher.update({**site, "branding": None})
        assert blocker.args == [None]
        watcher.wait()
