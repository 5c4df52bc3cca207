"""Per-address budgets on the public site endpoints and on login, next to the status page's limit."""

from __future__ import annotations

import math
import re
import time

from limits import RateLimitItem
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string
from starlette.types import ASGIApp, Receive, Scope, Send

from server.settings.security import SecuritySettings
from server.status_page.ratelimit import client_address, refuse

NAMESPACE = "aufruf-security"
# Public and cheap to ask for, but each answer costs database work: services list, display state and stream.
PUBLIC_PATHS = re.compile(r"^(/api/v1/sites/[^/]+/(services|display)|/ws/sites/[^/]+/display|/display/[^/]+)/?$")
LOGIN_PATH = "/api/v1/auth/login"


def budget_for(path: str, method: str) -> str | None:
    """Which budget a request counts against, if any."""
    if path == LOGIN_PATH and method == "POST":
        return "login"
    if PUBLIC_PATHS.match(path):
        return "public"
    return None


class PublicEndpointLimit:
    """ASGI middleware: refuse an address with 429 once it spent its budget for a kind of endpoint."""

    def __init__(self, app: ASGIApp, settings: SecuritySettings) -> None:
        self.app = app
        self.limiter = MovingWindowRateLimiter(storage_from_string(f"async+{settings.rate_limit_storage}"))
        self.items: dict[str, RateLimitItem] = {"public": settings.public, "login": settings.logins}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Count the request against its budget; over budget, answer 429 with Retry-After."""
        if (admitted := await self.admit(scope, receive, send)) is not None:
            await self.app(scope, receive, admitted)

    async def admit(self, scope: Scope, receive: Receive, send: Send) -> Send | None:
        """The `send` to serve the request with, or None once it was refused with 429."""
        kind = budget_for(scope["path"], scope.get("method", "GET")) if scope["type"] in ("http", "websocket") else None
        if kind is None:
            return send
        address, item = client_address(scope), self.items[kind]
        if await self.limiter.hit(item, NAMESPACE, kind, address):
            return send
        stats = await self.limiter.get_window_stats(item, NAMESPACE, kind, address)
        await refuse(scope, receive, send, max(1, math.ceil(stats.reset_time - time.time())))
        return None
