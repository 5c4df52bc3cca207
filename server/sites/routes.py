"""HTTP routes for sites and their services."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from server.api.deps import ContextDep
from server.api.reads import run_read
from server.context import AppContext
from server.sites.queue import queue_state
from server.sites.schemas import ServiceOut
from server.snapshots import display_snapshot, with_seq

router = APIRouter(tags=["sites"])


@router.get("/sites/{site}/services", response_model=list[ServiceOut])
async def list_services(
    site: str, context: ContextDep, language: str = Query(default="de", max_length=12)
) -> list[ServiceOut]:
    """Every service with its waiting count, wait range and whether it takes tickets now."""

    def read() -> list[ServiceOut]:
        with context.database.read() as session:
            return queue_state(session=session, site_id=site, now=context.clock.now(), language=language).services

    return await run_read(read)


@router.get("/sites/{site}/display")
async def display_state(site: str, context: ContextDep) -> dict[str, Any]:
    """The call display's full state, for clients that poll instead of using the websocket."""
    return await run_read(lambda: _display_state(site, context))


def _display_state(site: str, context: AppContext) -> dict[str, Any]:
    with context.database.read() as session:
        seq, data = with_seq(
            session=session,
            site_id=site,
            data=display_snapshot(
                session=session,
                site_id=site,
                now=context.clock.now(),
                recent=context.settings.recent_calls,
                public_url=context.settings.public_url,
            ),
        )
    return {"seq": seq, "type": "snapshot", "data": data}
