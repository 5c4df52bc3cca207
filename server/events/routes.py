"""Websocket streams: the display, a counter, a citizen's ticket; served ahead of the middlewares (open all day)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Protocol

from fastapi import WebSocket, status
from sqlmodel import Session
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from server.api.deps import find_counter, websocket_token
from server.auth.service import clerk_from_token
from server.context import AppContext
from server.errors import DomainError
from server.events.framework import FRAMEWORK_HTTP_ONLY, middleware_chain
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


class StreamGate(Protocol):
    """A middleware whose websocket check needs nothing around the connection (a rate limit)."""

    async def admit(self, scope: Scope, receive: Receive, send: Send) -> Send | None:
        """The `send` to serve with, or None once the connection was refused."""


class StreamGuard(Protocol):
    """A middleware that must stay around some websockets for their whole life (a device token's revocation)."""

    def wraps_websocket(self, scope: Scope) -> bool:
        """Whether this connection needs the guard."""

    async def serve_websocket(self, scope: Scope, receive: Receive, send: Send, app: ASGIApp) -> None:
        """Serve `app` under the guard."""


Check = StreamGate | StreamGuard


class StreamDoor:
    """The event streams' own way in, ahead of the application's middleware chain.

    A stream's coroutines live as long as its connection, and every middleware it passes keeps a frame
    (and the router FastAPI's exit stacks) on each of thousands of open connections. So a stream passes
    only the middlewares that act on websockets, in their order, and calls their checks without keeping
    a frame: every other middleware in the chain must be named (module and class) as HTTP-only, so one
    added later that would have to see websockets is not skipped unnoticed. The framework's own are
    known already (`FRAMEWORK_HTTP_ONLY`); `http_only` names the application's.
    """

    def __init__(self, app: Starlette, *, http_only: frozenset[str], innermost: type) -> None:
        self.app = app
        self._http_only = http_only | FRAMEWORK_HTTP_ONLY
        self._innermost = innermost
        self._checks: list[Check] | None = None

    def route(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None] | None:
        """Serving a stream path's connection, or None for anything else."""
        if scope["type"] == "websocket":
            for pattern, stream in STREAMS:
                if match := pattern.match(scope["path"]):
                    scope["app"] = self.app
                    return self._through(self.checks(), 0, scope, receive, send, stream, match.groupdict())
        return None

    async def _through(
        self, checks: list[Check], start: int, scope: Scope, receive: Receive, send: Send,
        stream: Stream, params: dict[str, str],
    ) -> None:
        for index in range(start, len(checks)):
            check = checks[index]
            if hasattr(check, "admit"):
                admitted = await check.admit(scope, receive, send)
                if admitted is None:
                    return
                send = admitted
            elif check.wraps_websocket(scope):

                async def rest(scope: Scope, receive: Receive, send: Send, after: int = index + 1) -> None:
                    await self._through(checks, after, scope, receive, send, stream, params)

                await check.serve_websocket(scope, receive, send, rest)
                return
        await stream(WebSocket(scope, receive, send), **params)

    def checks(self) -> list[Check]:
        """The websocket checks of the application's middlewares, outermost first."""
        if self._checks is not None:
            return self._checks
        checks: list[Check] = []
        for node in middleware_chain(self.app, self._innermost):
            if hasattr(node, "admit") or hasattr(node, "wraps_websocket"):
                checks.append(node)
            elif f"{type(node).__module__}.{type(node).__qualname__}" not in self._http_only:
                name = type(node).__name__
                raise TypeError(f"{name} may act on websockets: give it a stream check or name it HTTP-only")
        self._checks = checks
        return checks
