"""Reading a site's projection from the database, with the same builders the snapshots always used."""

from __future__ import annotations

from typing import Any

from server.clock import Clock
from server.db import Database
from server.projection.state import SiteState
from server.settings import Settings
from server.sites.queue import queue_state
from server.snapshots import display_snapshot, with_seq


class StateLoader:
    """Builds site states and services lists from one consistent database read each."""

    def __init__(self, *, database: Database, clock: Clock, settings: Settings) -> None:
        self._database = database
        self._clock = clock
        self._settings = settings

    def state(self, site: str) -> SiteState:
        """The site's display state as the database has it now."""
        now = self._clock.now()
        with self._database.read() as session:
            seq, data = with_seq(session=session, site_id=site, data=display_snapshot(
                session=session, site_id=site, now=now, recent=self._settings.recent_calls,
                public_url=self._settings.public_url,
            ))
        # The display's services are the whole public list (privacy.SERVICE classes every field public).
        return SiteState(site_id=site, seq=seq, made=now, recent=self._settings.recent_calls, data=data,
                         services={"de": data["services"]})

    def services(self, site: str, language: str) -> tuple[int, list[dict[str, Any]]]:
        """The site's services list in one language, with the seq it reflects."""
        with self._database.read() as session:
            queue = queue_state(session=session, site_id=site, now=self._clock.now(), language=language)
            seq, data = with_seq(session=session, site_id=site, data=queue.as_data())
        services: list[dict[str, Any]] = data["services"]
        return seq, services
