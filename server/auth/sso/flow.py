"""Sign-ins under way: each state, nonce and code goes through exactly once, within a few minutes."""

from __future__ import annotations

import ipaddress
import secrets
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlmodel import Session, delete, select

from server.auth.sso.models import SsoLogin
from server.errors import DomainError, Unauthorized

PENDING_MINUTES = 10
CALLBACK_PATH = "/supervisor/sso/callback"


def check_redirect_uri(redirect_uri: str, *, public_url: str) -> str:
    """Accept a loopback redirect of a native app (RFC 8252 §7.3) or the supervisor page's own callback."""
    if redirect_uri == public_url.rstrip("/") + CALLBACK_PATH:
        return redirect_uri
    parts = urlsplit(redirect_uri)
    host = (parts.hostname or "").strip("[]")
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if parts.scheme == "http" and loopback and parts.port is not None and not parts.query and not parts.fragment:
        return redirect_uri
    raise DomainError(
        f"redirect_uri must be a loopback address with a port (http://127.0.0.1:PORT/…) or {public_url}{CALLBACK_PATH}",
        code="bad_redirect_uri",
    )


def open_login(
    *, session: Session, provider: str, redirect_uri: str, app_holds_verifier: bool, now: datetime
) -> tuple[SsoLogin, str | None]:
    """Record a new sign-in; returns it and, when the server keeps the PKCE verifier, that verifier."""
    session.exec(delete(SsoLogin).where(SsoLogin.created_at < now - timedelta(days=1)))  # type: ignore[arg-type]
    verifier = None if app_holds_verifier else secrets.token_urlsafe(48)
    login = SsoLogin(
        state=secrets.token_urlsafe(32), nonce=secrets.token_urlsafe(32), provider=provider,
        redirect_uri=redirect_uri, code_verifier=verifier, created_at=now,
    )
    session.add(login)
    return login, verifier


def consume_login(*, session: Session, provider: str, state: str, now: datetime) -> SsoLogin:
    """Take a sign-in for its callback, once: a replayed, foreign or stale state is refused."""
    login = session.exec(select(SsoLogin).where(SsoLogin.state == state)).first()
    if login is None or login.provider != provider:
        raise Unauthorized("This sign-in is unknown; start it again.", code="sso_unknown_state")
    if login.used_at is not None:
        raise Unauthorized("This sign-in was already used; start it again.", code="sso_replayed")
    if login.created_at < now - timedelta(minutes=PENDING_MINUTES):
        raise Unauthorized(f"The sign-in took longer than {PENDING_MINUTES} minutes; start it again.",
                           code="sso_expired")
    login.used_at = now
    session.add(login)
    return login
