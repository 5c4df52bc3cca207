"""HTTP routes for logging in."""

from __future__ import annotations

from fastapi import APIRouter

from server.api.deps import ContextDep, CurrentClerk
from server.auth.schemas import LoginIn, TokenOut
from server.auth.service import login

router = APIRouter(tags=["auth"])


@router.post("/auth/login", response_model=TokenOut)
def log_in(body: LoginIn, context: ContextDep) -> TokenOut:
    """Exchange a clerk's credentials for a bearer token."""
    minutes = context.settings.token_minutes
    with context.database.transaction() as session:
        clerk, token = login(
            session=session,
            username=body.username,
            password=body.password,
            secret=context.settings.secret_key,
            now=context.clock.now(),
            minutes=minutes,
        )
    return TokenOut(access_token=token, role=clerk.role, username=clerk.username, expires_in=minutes * 60)


@router.get("/auth/me")
def who_am_i(clerk: CurrentClerk) -> dict[str, str]:
    """The logged-in staff member."""
    return {"username": clerk.username, "role": clerk.role, "display_name": clerk.display_name}
