"""HTTP routes for sites and their services."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from server.api.deps import ContextDep
from server.sites.schemas import ServiceOut

router = APIRouter(tags=["sites"])


@router.get("/sites/{site}/services", response_model=list[ServiceOut])
async def list_services(
    site: str, context: ContextDep, language: str = Query(default="de", max_length=12)
) -> list[ServiceOut]:
    """Every service with its waiting count, wait range and whether it takes tickets now (from memory)."""
    services = await context.projections.services(site, language)
    return [ServiceOut.model_validate(service) for service in services]


@router.get("/sites/{site}/display")
async def display_state(site: str, context: ContextDep) -> dict[str, Any]:
    """The call display's full state, for clients that poll instead of using the websocket."""
    state = await context.projections.state(site)
    return {"seq": state.seq, "type": "snapshot", "data": state.data}
