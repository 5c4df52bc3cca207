"""Everything a request handler needs, built once per application."""

from __future__ import annotations

from dataclasses import dataclass

from server.clock import Clock
from server.db import Database
from server.events.bus import EventBus
from server.events.hub import Hub
from server.forecasting.forecaster import Forecaster
from server.projection.registry import Projections
from server.settings import Settings


@dataclass
class AppContext:
    """The running application's shared objects."""

    settings: Settings
    database: Database
    clock: Clock
    bus: EventBus
    hub: Hub
    forecaster: Forecaster
    # Each site's public state in memory, for snapshots on connect and the services list.
    projections: Projections
