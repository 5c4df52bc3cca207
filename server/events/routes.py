"""Websocket streams: the display, a counter, a citizen's ticket; served before the router, as they live all day."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, WebSocket, status
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from server.api.deps import find_counter, websocket_token
from server.auth.service import clerk_from_token
from server.context import AppContext
from server.errors import DomainError
from server.events.websocket import stream_site, stream_snapshots
from server.snapshots import counter_snapshot, ticket_snapshot, with_seq
from server.tickets.service import ticket_by_token


def _context(websocket: WebSocket) -> AppContext:
    context: AppContext = websocket.app.state.context
    return context


async def _refuse(websocket: WebSocket, error: DomainError) -> None:
    """Close before accepting: 403 for bad credentials (as the HTTP handshake answer)."""
    code = status.WS_1008_POLICY_VIOLATION
    await websocket.close(code=code, reason=error.message[:120])


async def display_stream(websocket: WebSocket, site: str) -> None:
    """Every event of a site, for call displays; public."""
    context = _context(websocket)
    projections = context.projections
    try:
        await projections.state(site)  # an unknown site is refused here
    except DomainError as error:
        await _refuse(websocket, error)
        return

    async def snapshot(at_least: int) -> tuple[int, str]:
        # Current means it has every event the hub handed out, so its seq is at least `at_least`.
        state = await projections.state(site)
        return state.seq, state.snapshot_text(context.clock.now())

    await websocket.accept()
    await stream_snapshots(websocket, context, site, snapshot)


async def counter_stream(websocket: WebSocket, counter: str, site: str | None = None) -> None:
    """Every event of the counter's site plus its own state; needs a token of a clerk granted that site."""
    context = _context(websocket)
    token = websocket_token(websocket) or ""

    def check() -> tuple[str, str]:
        with context.database.read() as session:
            clerk = clerk_from_token(
                session=session, token=token, secret=context.settings.secret_key, now=context.clock.now()
            )
            found = find_counter(session=session, clerk=clerk, ref=counter, site_id=site)
            return found.id, found.site_id

    try:
        counter_id, site_id = await run_in_threadpool(check)
    except DomainError as error:
        await _refuse(websocket, error)
        return

    def read(session: Session) -> tuple[int, dict[str, object]]:
        data = counter_snapshot(
            session=session, counter_id=counter_id, now=context.clock.now(), public_url=context.settings.public_url
        )
        return with_seq(session=session, site_id=site_id, data=data)

    await websocket.accept()
    await stream_site(websocket, context, site_id, read)


async def ticket_stream(websocket: WebSocket, token: str) -> None:
    """The site's events for a citizen's status page; the token is the only credential."""
    context = _context(websocket)

    def check() -> str:
        with context.database.read() as session:
            return ticket_by_token(session=session, token=token).site_id

    try:
        site = await run_in_threadpool(check)
    except DomainError as error:
        await _refuse(websocket, error)
        return

    def read(session: Session) -> tuple[int, dict[str, object]]:
        ticket = ticket_by_token(session=session, token=token)
        data = ticket_snapshot(
            session=session, ticket=ticket, now=context.clock.now(), public_url=context.settings.public_url
        )
        return with_seq(session=session, site_id=site, data=data)

    await websocket.accept()
    await stream_site(websocket, context, site, read)


Stream = Callable[..., Awaitable[None]]
STREAMS: tuple[tuple[re.Pattern[str], Stream], ...] = (
    (re.compile(r"^/ws/sites/(?P<site>[^/]+)/display$"), display_stream),
    (re.compile(r"^/ws/counters/(?P<counter>[^/]+)$"), counter_stream),
    (re.compile(r"^/ws/sites/(?P<site>[^/]+)/counters/(?P<counter>[^/]+)$"), counter_stream),
    (re.compile(r"^/ws/tickets/(?P<token>[^/]+)$"), ticket_stream),
)


class EventStreams:
    """ASGI middleware serving the event streams itself.

    A stream's task lives as long as its connection; skipping the router, the exception middleware and
    FastAPI's per-request exit stacks saves several KiB on each of thousands of open connections.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve a stream path, pass everything else on."""
        if scope["type"] == "websocket":
            for pattern, stream in STREAMS:
                if match := pattern.match(scope["path"]):
                    await stream(WebSocket(scope, receive, send), **match.groupdict())
                    return
        await self.app(scope, receive, send)


def install_event_streams(app: FastAPI) -> None:
    """Serve the streams inside every middleware added later (security, rate limits, device checks)."""
    app.add_middleware(EventStreams)
