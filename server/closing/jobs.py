"""Closes days and idle counter sessions at start-up and then periodically, while the server is up."""

from __future__ import annotations

import asyncio
import logging

from fastapi import FastAPI
from sqlmodel import select

from server.closing.routes import router
from server.closing.service import close_due
from server.context import AppContext
from server.counters.sessions import close_idle_sessions
from server.lifespan import run_during_lifespan
from server.sites.models import Site

log = logging.getLogger(__name__)


def check_all(context: AppContext) -> int:
    """Close every site's due days and idle sessions, each site in its own transaction; returns tickets expired."""
    settings = context.settings
    with context.database.read() as session:
        sites = list(session.exec(select(Site.id)).all())
    expired = 0
    for site_id in sites:
        with context.database.transaction() as session:
            now = context.clock.now()
            expired += close_due(
                session=session,
                site_id=site_id,
                now=now,
                grace_minutes=settings.closing_grace_minutes,
                public_url=settings.public_url,
                recheck=True,
            )
            close_idle_sessions(
                session=session,
                site_id=site_id,
                now=now,
                idle_minutes=settings.counter_idle_minutes,
                public_url=settings.public_url,
            )
    return expired


async def check_forever(context: AppContext) -> None:
    """Check, sleep, repeat; a failing check is logged and retried next time."""
    while True:
        await asyncio.sleep(context.settings.day_check_seconds)
        try:
            await asyncio.to_thread(check_all, context)
        except Exception:
            log.exception("closing the day failed")


async def check_at_start(context: AppContext) -> None:
    """Close what a stopped server missed, before the first request is answered."""
    expired = await asyncio.to_thread(check_all, context)
    if expired:
        log.info("closed past days at start-up: %d tickets expired", expired)


def install_closing(app: FastAPI, *, prefix: str) -> None:
    """Add the close-the-day route; close what a stopped server missed before serving, then keep checking."""
    app.include_router(router, prefix=prefix)
    run_during_lifespan(app, check_forever, before=check_at_start)
