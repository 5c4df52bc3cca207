"""Runs the appointment sweep periodically while the server is up, and mounts the routes."""

from __future__ import annotations

import asyncio
import logging

from fastapi import FastAPI
from sqlmodel import select

from server.appointments.routes import router
from server.appointments.sweep import sweep
from server.context import AppContext
from server.lifespan import run_during_lifespan
from server.sites.models import Site

# Call-next sweeps its own site first, so this only has to catch quiet times (end of day, idle counters).
SWEEP_SECONDS = 60.0
log = logging.getLogger(__name__)


def sweep_all(context: AppContext) -> None:
    """One sweep of every site, each in its own transaction."""
    with context.database.transaction() as session:
        sites = list(session.exec(select(Site.id)).all())
    for site_id in sites:
        with context.database.transaction() as session:
            sweep(session=session, site_id=site_id, now=context.clock.now())


async def sweep_forever(context: AppContext, interval: float = SWEEP_SECONDS) -> None:
    """Sweep, sleep, repeat; a failing sweep is logged and retried next time."""
    while True:
        await asyncio.sleep(interval)
        try:
            await asyncio.to_thread(sweep_all, context)
        except Exception:
            log.exception("appointment sweep failed")


def install_appointments(app: FastAPI, *, prefix: str) -> None:
    """Add the appointment routes and run the sweep for as long as the app lives."""
    app.include_router(router, prefix=prefix)
    run_during_lifespan(app, sweep_forever)
