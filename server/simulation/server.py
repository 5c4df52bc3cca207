"""The real server on loopback in a thread, sharing the simulation's virtual clock."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from server.app import create_app
from server.auth.passwords import hash_password
from server.auth.tokens import hash_device_token
from server.clock import ManualClock
from server.embedded import SignallingServer, free_port, loopback_config
from server.office.schema import ClerkConfig, DeviceConfig, OfficeConfig
from server.settings import Settings

CLERK_PASSWORD = secrets.token_urlsafe(12)


def staffed_office(office: OfficeConfig, *, kiosk_tokens: dict[str, str]) -> OfficeConfig:
    """The office with a simulation kiosk per site, one clerk per counter and a supervisor, all with fresh secrets."""
    password_hash = hash_password(CLERK_PASSWORD)
    sites = []
    every_site = [site.id for site in office.sites]
    clerks = [ClerkConfig(username="sim-supervisor", role="supervisor", password_hash=password_hash, sites=every_site)]
    for site in office.sites:
        device = DeviceConfig(id=f"sim-kiosk-{site.id}"[:40], kind="kiosk",
                              token_sha256=hash_device_token(kiosk_tokens[site.id]))
        sites.append(site.model_copy(update={"devices": [device]}))
        clerks += [
            ClerkConfig(username=f"sim-{c.id}", password_hash=password_hash, sites=[site.id]) for c in site.counters
        ]
    return OfficeConfig(sites=sites, clerks=clerks)


@contextmanager
def serve(*, office: OfficeConfig, clock: ManualClock, data_dir: Path) -> Iterator[tuple[str, threading.Event]]:
    """Run the server until the block ends; yields its base URL and the event set while its forecasts are current."""
    port = free_port()
    settings = Settings(
        database_url=f"sqlite:///{data_dir / 'simulation.db'}",
        public_url=f"http://127.0.0.1:{port}",
        secret_key=secrets.token_urlsafe(48),
    )
    app = create_app(settings, office=office, clock=clock)
    server = SignallingServer(loopback_config(app, port))
    thread = threading.Thread(target=server.run, name="aufruf-simulation", daemon=True)
    thread.start()
    if not server.ready.wait(timeout=60):
        raise RuntimeError("the simulated office's server did not start within 60 s")
    try:
        yield f"http://127.0.0.1:{port}", app.state.context.forecaster.settled
    finally:
        server.should_exit = True
        thread.join(timeout=30)
