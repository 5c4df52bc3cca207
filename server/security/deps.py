"""Typed dependencies of the security layer: administrators, the caller's address, the login guard."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from server.api.deps import CurrentClerk
from server.auth.models import Clerk, Role
from server.auth.service import require_role
from server.security.login_guard import LoginGuard


def current_admin(clerk: CurrentClerk) -> Clerk:
    """A logged-in administrator."""
    return require_role(clerk, Role.admin)


CurrentAdmin = Annotated[Clerk, Depends(current_admin)]


def client_address(request: Request) -> str:
    """The caller's address as uvicorn saw it (with --proxy-headers: the original client's)."""
    return request.client.host if request.client else "unknown"


ClientAddress = Annotated[str, Depends(client_address)]


def login_guard(request: Request) -> LoginGuard:
    """The app's failed-login counter."""
    guard: LoginGuard = request.app.state.login_guard
    return guard


LoginGuardDep = Annotated[LoginGuard, Depends(login_guard)]
