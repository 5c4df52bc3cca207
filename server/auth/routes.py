"""HTTP routes for logging in."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter

from server.api.deps import ContextDep, CurrentClerk
from server.auth.access import granted_sites
from server.auth.models import Clerk, Role
from server.auth.schemas import LoginIn, TokenOut
from server.auth.service import login
from server.auth.sso.ldap import authenticate as directory_authenticate
from server.auth.sso.runtime import SsoDep, SsoRuntime, is_local_account
from server.context import AppContext
from server.errors import Conflict, Forbidden, Unauthorized
from server.security.audit import record_audit
from server.security.deps import ClientAddress, LoginGuardDep
from server.security.login_guard import TooManyAttempts

router = APIRouter(tags=["auth"])


@router.post("/auth/login", response_model=TokenOut)
def log_in(
    body: LoginIn, context: ContextDep, guard: LoginGuardDep, address: ClientAddress, sso: SsoDep
) -> TokenOut:
    """Exchange local or directory credentials for a bearer token; failures are throttled and audited."""
    minutes = context.settings.token_minutes
    now = context.clock.now()
    try:
        guard.check(body.username, address)
    except TooManyAttempts:
        with context.database.transaction() as session:
            record_audit(session=session, at=now, actor="anonymous", action="login.throttled",
                         target=body.username, address=address)
        raise
    try:
        clerk, token = _sign_in(body=body, context=context, sso=sso, address=address, now=now, minutes=minutes)
    except (Unauthorized, Forbidden, Conflict) as error:
        if isinstance(error, Unauthorized):
            guard.failed(body.username, address)
        with context.database.transaction() as session:
            record_audit(session=session, at=now, actor="anonymous", action="login.failed", target=body.username,
                         address=address, detail={"code": error.code})
        raise
    guard.succeeded(body.username, address)
    return TokenOut(access_token=token, role=clerk.role, username=clerk.username, expires_in=minutes * 60)


def _sign_in(
    *, body: LoginIn, context: AppContext, sso: SsoRuntime, address: str, now: datetime, minutes: int
) -> tuple[Clerk, str]:
    """Check the password here for local accounts, else with the directory (when one is configured)."""
    directory = sso.directory
    if directory is not None:
        with context.database.read() as session:
            directory = None if is_local_account(session=session, username=body.username) else directory
    if directory is None:
        with context.database.transaction() as session:
            clerk, token = login(session=session, username=body.username, password=body.password,
                                 secret=context.settings.secret_key, now=now, minutes=minutes)
            record_audit(session=session, at=now, actor=f"clerk:{clerk.username}", action="login", address=address)
        return clerk, token
    # The directory is asked outside any transaction: a slow bind must not hold the database.
    identity = directory_authenticate(directory=directory, username=body.username, password=body.password)
    with context.database.transaction() as session:
        clerk, token = sso.sign_in(session=session, identity=identity, secret=context.settings.secret_key,
                                   now=now, minutes=minutes)
        record_audit(session=session, at=now, actor=f"clerk:{clerk.username}", action="login", address=address,
                     detail={"via": "ldap"})
    return clerk, token


@router.get("/auth/me")
def who_am_i(clerk: CurrentClerk, context: ContextDep) -> dict[str, object]:
    """The logged-in staff member and the sites they may work at (null: every site)."""
    with context.database.read() as session:
        sites = granted_sites(session=session, clerk=clerk, role=Role.clerk)
    return {
        "username": clerk.username, "role": clerk.role, "display_name": clerk.display_name,
        "sites": sorted(sites) if sites is not None else None,
    }
