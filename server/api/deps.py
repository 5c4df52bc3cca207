"""Typed dependencies: the context, and who is calling."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, WebSocket, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from server.auth.models import Clerk, Device, DeviceKind, Role
from server.auth.service import clerk_from_token, device_from_token, require_role
from server.context import AppContext
from server.errors import DomainError, Unauthorized
from server.sites.queue import get_site

bearer = HTTPBearer(auto_error=False, description="Clerk token from /auth/login, or a device token")


async def get_context(request: Request) -> AppContext:
    """The application context (async: a sync dependency would wait for a thread that waiting writers hold)."""
    context: AppContext = request.app.state.context
    return context


ContextDep = Annotated[AppContext, Depends(get_context)]
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def _token(credentials: HTTPAuthorizationCredentials | None) -> str:
    if credentials is None or not credentials.credentials:
        raise Unauthorized("Send 'Authorization: Bearer <token>'.", code="missing_token")
    return credentials.credentials


def current_clerk(context: ContextDep, credentials: Credentials) -> Clerk:
    """The logged-in staff member."""
    with context.database.read() as session:
        return clerk_from_token(
            session=session, token=_token(credentials), secret=context.settings.secret_key, now=context.clock.now()
        )


CurrentClerk = Annotated[Clerk, Depends(current_clerk)]


def current_supervisor(clerk: CurrentClerk) -> Clerk:
    """A logged-in supervisor or admin."""
    return require_role(clerk, Role.supervisor)


CurrentSupervisor = Annotated[Clerk, Depends(current_supervisor)]


def current_kiosk(context: ContextDep, credentials: Credentials) -> Device:
    """The kiosk making the request."""
    with context.database.read() as session:
        return device_from_token(session=session, token=_token(credentials), kind=DeviceKind.kiosk)


KioskDevice = Annotated[Device, Depends(current_kiosk)]


def current_device(context: ContextDep, credentials: Credentials) -> Device:
    """Any registered device."""
    with context.database.read() as session:
        return device_from_token(session=session, token=_token(credentials))


AnyDevice = Annotated[Device, Depends(current_device)]


def websocket_token(websocket: WebSocket) -> str | None:
    """A bearer token from the Authorization header or the `token` query parameter."""
    header = websocket.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return websocket.query_params.get("token")


async def admit_supervisor(websocket: WebSocket, site: str) -> bool:
    """Check a websocket's supervisor token for a site; a refused socket is closed (1008) before accepting."""
    context: AppContext = websocket.app.state.context
    token = websocket_token(websocket) or ""

    def check() -> None:
        with context.database.read() as session:
            clerk = clerk_from_token(session=session, token=token, secret=context.settings.secret_key)
            require_role(clerk, Role.supervisor)
            get_site(session=session, site_id=site)

    try:
        await run_in_threadpool(check)
    except DomainError as error:
        await websocket.close(code=status.WS_1008_POLICY_VIOLATION, reason=error.message[:120])
        return False
    return True
