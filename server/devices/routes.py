"""HTTP routes for device reports."""

from __future__ import annotations

from fastapi import APIRouter, status

from server.api.deps import ContextDep, SiteDevice, WriteSession
from server.devices.schemas import DeviceStatusIn
from server.devices.service import report_status

router = APIRouter(tags=["devices"])


@router.post("/sites/{site}/devices/status", status_code=status.HTTP_204_NO_CONTENT)
def post_status(
    site: str, body: DeviceStatusIn, device: SiteDevice, context: ContextDep, session: WriteSession
) -> None:
    """A kiosk or display reports a change of state (printer out of paper, back online, …)."""
    report_status(session=session, device=device, report=body, now=context.clock.now())
