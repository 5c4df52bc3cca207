"""Typed dependencies: the context, database sessions, and who is calling."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, WebSocket, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from server.auth.access import granted_sites, require_site
from server.auth.models import Clerk, Device, DeviceKind, Role
from server.auth.service import clerk_from_token, device_from_token, require_role
from server.context import AppContext
from server.counters.addressing import counter_anywhere, site_counter
from server.counters.models import Counter
from server.errors import DomainError, Forbidden, Unauthorized
from server.sites.lookup import get_site

bearer = HTTPBearer(auto_error=False, description="Clerk token from /auth/login, or a device token")


async def get_context(request: Request) -> AppContext:
    """The application context (async: a sync dependency would wait for a thread that waiting writers hold)."""
    context: AppContext = request.app.state.context
    return context


ContextDep = Annotated[AppContext, Depends(get_context)]
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def read_session(context: ContextDep) -> Iterator[Session]:
    """A read-only session (`Database.read()`): it neither waits for nor blocks the writer."""
    with context.database.read() as session:
        yield session


# Nothing is written, so it does not matter whether the session closes before or after the answer is sent
# (FastAPI's default for dependencies with yield changed between the versions pyproject.toml allows).
ReadSession = Annotated[Session, Depends(read_session)]


async def write_session(context: ContextDep) -> AsyncIterator[Session]:
    """A session in one write transaction (`Database.transaction()`): committed, then its events published."""
    # Async and a non-thread-affine slot: waiters hold no request thread, as FastAPI runs the endpoint in another.
    async with context.database.write_transaction() as session:
        yield session


# scope="function": committed after the handler returns and before the answer is sent, so a failed commit is the
# answer; a handler's error rolls the transaction back. Declare it after the caller checks, which need no slot.
WriteSession = Annotated[Session, Depends(write_session, scope="function")]


def _token(credentials: HTTPAuthorizationCredentials | None) -> str:
    if credentials is None or not credentials.credentials:
        raise Unauthorized("Send 'Authorization: Bearer <token>'.", code="missing_token")
    return credentials.credentials


def _caller(session: Session, context: AppContext, credentials: HTTPAuthorizationCredentials | None) -> Clerk:
    return clerk_from_token(
        session=session, token=_token(credentials), secret=context.settings.secret_key, now=context.clock.now()
    )


def current_clerk(context: ContextDep, credentials: Credentials) -> Clerk:
    """The logged-in staff member."""
    with context.database.read() as session:
        return _caller(session, context, credentials)


Caller = Annotated[Clerk, Depends(current_clerk)]
# The older name of `Caller`, kept for the routes that use it.
CurrentClerk = Caller


def current_supervisor(clerk: CurrentClerk) -> Clerk:
    """A logged-in supervisor or admin."""
    return require_role(clerk, Role.supervisor)


CurrentSupervisor = Annotated[Clerk, Depends(current_supervisor)]


def site_clerk(site: str, context: ContextDep, clerk: CurrentClerk) -> Clerk:
    """A logged-in staff member granted the path's site."""
    with context.database.read() as session:
        return require_site(session=session, clerk=clerk, site_id=site)


SiteClerk = Annotated[Clerk, Depends(site_clerk)]


def site_supervisor(site: str, context: ContextDep, clerk: CurrentSupervisor) -> Clerk:
    """A logged-in supervisor (or admin) of the path's site."""
    with context.database.read() as session:
        return require_site(session=session, clerk=clerk, site_id=site, role=Role.supervisor)


SiteSupervisor = Annotated[Clerk, Depends(site_supervisor)]


@dataclass(frozen=True)
class AtCounter:
    """A clerk at a counter of a site they are granted, the counter found by its site key or its id."""

    clerk: Clerk
    counter_id: str
    site_id: str


def at_counter(counter: str, request: Request, context: ContextDep, credentials: Credentials) -> AtCounter:
    """Resolve `/counters/{counter}` or `/sites/{site}/counters/{counter}` for the calling clerk.

    The clerk, their grants and the counter in one read: every counter action (call-next first) starts here.
    """
    site = request.path_params.get("site")
    with context.database.read() as session:
        clerk = _caller(session, context, credentials)
        found = find_counter(session=session, clerk=clerk, ref=counter, site_id=site)
        return AtCounter(clerk=clerk, counter_id=found.id, site_id=found.site_id)


CounterDep = Annotated[AtCounter, Depends(at_counter)]


def find_counter(*, session: Session, clerk: Clerk, ref: str, site_id: str | None) -> Counter:
    """The counter a clerk means, refused unless the clerk is granted its site."""
    if site_id is not None:
        require_site(session=session, clerk=clerk, site_id=site_id)
        return site_counter(session=session, site_id=site_id, key=ref)
    sites = granted_sites(session=session, clerk=clerk, role=Role.clerk)
    return counter_anywhere(session=session, ref=ref, sites=sites)


def current_kiosk(context: ContextDep, credentials: Credentials) -> Device:
    """The kiosk making the request."""
    with context.database.read() as session:
        return device_from_token(session=session, token=_token(credentials), kind=DeviceKind.kiosk)


KioskDevice = Annotated[Device, Depends(current_kiosk)]


def of_site(device: Device, site: str, *, what: str = "device") -> Device:
    """The device, refused (403 wrong_site) unless it belongs to the site: the one check every device path makes."""
    if device.site_id != site:
        raise Forbidden(f"This {what} belongs to site '{device.site_id}', not '{site}'.", code="wrong_site")
    return device


def site_kiosk(site: str, kiosk: KioskDevice) -> Device:
    """The calling kiosk, refused unless it belongs to the path's site."""
    return of_site(kiosk, site, what="kiosk")


SiteKiosk = Annotated[Device, Depends(site_kiosk)]


def current_device(context: ContextDep, credentials: Credentials) -> Device:
    """Any registered device."""
    with context.database.read() as session:
        return device_from_token(session=session, token=_token(credentials))


AnyDevice = Annotated[Device, Depends(current_device)]


def site_device(site: str, device: AnyDevice) -> Device:
    """The calling device (kiosk or display), refused unless it belongs to the path's site."""
    return of_site(device, site)


SiteDevice = Annotated[Device, Depends(site_device)]


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
            require_site(session=session, clerk=clerk, site_id=site, role=Role.supervisor)

    try:
        await run_in_threadpool(check)
    except DomainError as error:
        await websocket.close(code=status.WS_1008_POLICY_VIOLATION, reason=error.message[:120])
        return False
    return True
