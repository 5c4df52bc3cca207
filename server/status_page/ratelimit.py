"""Per-address rate limits on the public ticket endpoints, so guessing tokens is pointless."""

from __future__ import annotations

import json
import math
import time

from limits import RateLimitItem
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.status_page.settings import StatusPageSettings

# Everything that takes a ticket token from the outside world.
PUBLIC_TICKET_PREFIXES = ("/t/", "/api/v1/tickets/", "/ws/tickets/")
NAMESPACE = "aufruf-public"


def is_public_ticket_path(path: str) -> bool:
    """Tell whether a path names a ticket by its token."""
    return path.startswith(PUBLIC_TICKET_PREFIXES)


def client_address(scope: Scope) -> str:
    """The caller's address as uvicorn saw it (behind a proxy: run uvicorn with --proxy-headers)."""
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


class PublicRateLimit:
    """ASGI middleware: a request budget per address, and a much smaller one for unknown tokens."""

    def __init__(self, app: ASGIApp, settings: StatusPageSettings | None = None) -> None:
        self.app = app
        self.settings = settings or StatusPageSettings()
        storage = storage_from_string(f"async+{self.settings.rate_limit_storage}")
        self.limiter = MovingWindowRateLimiter(storage)
        self.requests: RateLimitItem = self.settings.request_limit
        self.misses: RateLimitItem = self.settings.unknown_token_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Count, refuse over-budget callers, and count unknown-token answers."""
        if scope["type"] not in ("http", "websocket") or not is_public_ticket_path(scope["path"]):
            await self.app(scope, receive, send)
            return
        address = client_address(scope)
        allowed = await self.limiter.test(self.misses, NAMESPACE, "miss", address) and await self.limiter.hit(
            self.requests, NAMESPACE, "req", address
        )
        if not allowed:
            await self._refuse(scope, receive, send, address)
            return
        await self.app(scope, receive, self._counting_misses(scope, send, address))

    def _counting_misses(self, scope: Scope, send: Send, address: str) -> Send:
        """Wrap `send` to notice a 404 answer or a websocket refused before it was accepted."""
        accepted = False

        async def counting_send(message: Message) -> None:
            nonlocal accepted
            kind = message["type"]
            if kind == "websocket.accept":
                accepted = True
            missed = (kind == "http.response.start" and message.get("status") == 404) or (
                kind == "websocket.close" and not accepted
            )
            if missed:
                await self.limiter.hit(self.misses, NAMESPACE, "miss", address)
            await send(message)

        return counting_send

    async def _retry_after(self, address: str) -> int:
        """Seconds until the caller may try again."""
        resets = []
        for item, kind in ((self.requests, "req"), (self.misses, "miss")):
            stats = await self.limiter.get_window_stats(item, NAMESPACE, kind, address)
            if stats.remaining <= 0:
                resets.append(stats.reset_time)
        return max(1, math.ceil(max(resets, default=time.time() + 1) - time.time()))

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, address: str) -> None:
        """Answer 429 with the seconds until this address may try again."""
        await refuse(scope, receive, send, await self._retry_after(address))


async def refuse(scope: Scope, receive: Receive, send: Send, seconds: int) -> None:
    """Answer 429, as an HTTP response or as the websocket handshake's denial."""
    retry_after = str(seconds)
    body = json.dumps(
        {"detail": "Too many requests; please wait a minute and try again.", "code": "rate_limited"}
    ).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"retry-after", retry_after.encode()),
        (b"content-length", str(len(body)).encode()),
    ]
    if scope["type"] == "http":
        await send({"type": "http.response.start", "status": 429, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        return
    await receive()  # the websocket.connect message comes first
    if "websocket.http.response" in scope.get("extensions", {}):
        await send({"type": "websocket.http.response.start", "status": 429, "headers": headers})
        await send({"type": "websocket.http.response.body", "body": body})
    else:
        await send({"type": "websocket.close", "code": 1008, "reason": "rate limited"})
