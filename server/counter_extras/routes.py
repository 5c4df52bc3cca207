"""HTTP and websocket routes of the silent alarm."""

from __future__ import annotations

from fastapi import APIRouter, WebSocket, status
from sqlmodel import Session

from server.api.deps import ContextDep, CounterDep, WriteSession, admit_supervisor
from server.context import AppContext
from server.counter_extras.alarms import raise_alarm, recent_alarms
from server.counter_extras.channel import supervisor_channel
from server.counter_extras.schemas import AlarmIn, AlarmOut
from server.events.log import current_seq
from server.events.websocket import stream_site

router = APIRouter(tags=["counters"])
ws_router = APIRouter()


def alarm(at: CounterDep, context: ContextDep, session: WriteSession, body: AlarmIn | None = None) -> AlarmOut:
    """Alert the supervisors silently; only the supervisor websocket carries it."""
    return raise_alarm(
        session=session, counter_id=at.counter_id, clerk=at.clerk, note=body.note if body else None,
        now=context.clock.now(),
    )


for _prefix in ("", "/sites/{site}"):
    router.add_api_route(
        f"{_prefix}/counters/{{counter}}/alarm", alarm, methods=["POST"], response_model=AlarmOut,
        status_code=status.HTTP_202_ACCEPTED,
    )


@ws_router.websocket("/ws/sites/{site}/supervisor")
async def supervisor_stream(websocket: WebSocket, site: str) -> None:
    """A site's alarms for supervisors: a snapshot of recent ones, then each new one."""
    context: AppContext = websocket.app.state.context
    if not await admit_supervisor(websocket, site):
        return
    channel = supervisor_channel(site)

    def read(session: Session) -> tuple[int, dict[str, object]]:
        alarms = [a.model_dump(mode="json") for a in recent_alarms(session=session, site_id=site)]
        return current_seq(session=session, site_id=channel), {"site": site, "alarms": alarms}

    await websocket.accept()
    await stream_site(websocket, context, channel, read)
