"""Budgets on the public ticket endpoints that fit a lobby: per valid token, and misses per address.

Hundreds of phones share the office's guest Wi-Fi address, so an address budget alone would lock them
out together after a Wi-Fi drop, and one guesser would lock out everyone. Instead each valid token has
its own budget; requests naming a token not (yet) known to be valid share their address's budget; and
unknown-token answers are counted per address: past that budget unknown tokens get 429 instead of 404,
while valid tokens from the same address still pass. Guessing a 192-bit token gains nothing either way.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections import OrderedDict

from limits import RateLimitItem, parse
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.settings.status_page import StatusPageSettings

# Everything that takes a ticket token from the outside world.
PUBLIC_TICKET_PREFIXES = ("/t/", "/api/v1/tickets/", "/ws/tickets/")
TOKEN_IN_PATH = re.compile(r"^/(?:t|api/v1/tickets|ws/tickets)/(?P<token>[^/]+)")
NAMESPACE = "aufruf-public"
# A token answered once is remembered as valid (shared through the limiter storage across workers) for a day.
VALID_MARK = parse("1000000 per 1 day")
# Tokens this worker remembers as valid without asking the storage: a day's tickets of a large office.
LOCAL_VALID = 50_000


def is_public_ticket_path(path: str) -> bool:
    """Tell whether a path names a ticket by its token."""
    return path.startswith(PUBLIC_TICKET_PREFIXES)


def token_in(path: str) -> str | None:
    """The ticket token a public path names, if any (`/t/sw.js` and the like name none)."""
    match = TOKEN_IN_PATH.match(path)
    token = match.group("token") if match else None
    return token if token and "." not in token else None


def client_address(scope: Scope) -> str:
    """The caller's address as uvicorn saw it (behind a proxy: run uvicorn with --proxy-headers)."""
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


class PublicRateLimit:
    """ASGI middleware: a budget per valid token, per address for unverified tokens, and misses per address."""

    def __init__(self, app: ASGIApp, settings: StatusPageSettings) -> None:
        self.app = app
        self.settings = settings
        storage = storage_from_string(f"async+{self.settings.rate_limit_storage}")
        self.limiter = MovingWindowRateLimiter(storage)
        self.requests: RateLimitItem = self.settings.request_limit
        self.per_token: RateLimitItem = self.settings.per_token_limit
        self.misses: RateLimitItem = self.settings.unknown_token_limit
        self._valid: OrderedDict[str, None] = OrderedDict()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Count, refuse over-budget callers, and count unknown-token answers."""
        if (admitted := await self.admit(scope, receive, send)) is not None:
            await self.app(scope, receive, admitted)

    async def admit(self, scope: Scope, receive: Receive, send: Send) -> Send | None:
        """The `send` to serve the request with (watching a new token's answer), or None once refused with 429."""
        if scope["type"] not in ("http", "websocket") or not is_public_ticket_path(scope["path"]):
            return send
        address, token = client_address(scope), token_in(scope["path"])
        if token is None:
            return send
        if await self._known_valid(token):
            if not await self.limiter.hit(self.per_token, NAMESPACE, "tok", token):
                await self._refuse(scope, receive, send, [(self.per_token, "tok", token)])
                return None
            return send
        if not await self.limiter.hit(self.requests, NAMESPACE, "req", address):
            await self._refuse(scope, receive, send, [(self.requests, "req", address)])
            return None
        guessing = not await self.limiter.test(self.misses, NAMESPACE, "miss", address)
        return self._watching(scope, receive, send, address, token, guessing)

    async def _known_valid(self, token: str) -> bool:
        """Whether the token was answered before, by this worker or another sharing the storage."""
        if token in self._valid:
            self._valid.move_to_end(token)
            return True
        stats = await self.limiter.get_window_stats(VALID_MARK, NAMESPACE, "ok", token)
        if stats.remaining < VALID_MARK.amount:
            self._remember(token)
            return True
        return False

    def _remember(self, token: str) -> None:
        self._valid[token] = None
        if len(self._valid) > LOCAL_VALID:
            self._valid.popitem(last=False)

    def _watching(
        self, scope: Scope, receive: Receive, send: Send, address: str, token: str, guessing: bool
    ) -> Send:
        """Wrap `send`: remember valid tokens, count misses, and past the miss budget turn a miss into 429."""
        accepted = refused = False

        async def watching_send(message: Message) -> None:
            nonlocal accepted, refused
            kind = message["type"]
            if refused:
                return  # the rest of a miss answered with 429 instead
            if kind == "websocket.accept":
                accepted = True
            answered = kind == "websocket.accept" or (kind == "http.response.start" and message["status"] < 400)
            if answered and token not in self._valid:
                self._remember(token)
                await self.limiter.hit(VALID_MARK, NAMESPACE, "ok", token)
                await self.limiter.hit(self.per_token, NAMESPACE, "tok", token)  # this request was the token's first
            missed = (kind == "http.response.start" and message.get("status") == 404) or (
                kind == "websocket.close" and not accepted
            )
            if missed:
                await self.limiter.hit(self.misses, NAMESPACE, "miss", address)
                if guessing:
                    refused = True
                    seconds = await self._retry_after([(self.misses, "miss", address)])
                    await _send_refusal(scope, send, seconds)
                    return
            await send(message)

        return watching_send

    async def _retry_after(self, budgets: list[tuple[RateLimitItem, str, str]]) -> int:
        """Seconds until the spent budget allows a request again."""
        resets = []
        for item, kind, key in budgets:
            stats = await self.limiter.get_window_stats(item, NAMESPACE, kind, key)
            resets.append(stats.reset_time)
        return max(1, math.ceil(max(resets, default=time.time() + 1) - time.time()))

    async def _refuse(
        self, scope: Scope, receive: Receive, send: Send, budgets: list[tuple[RateLimitItem, str, str]]
    ) -> None:
        """Answer 429 with the seconds until the spent budget allows a request again."""
        await refuse(scope, receive, send, await self._retry_after(budgets))


async def refuse(scope: Scope, receive: Receive, send: Send, seconds: int) -> None:
    """Answer 429, as an HTTP response or as the websocket handshake's denial."""
    if scope["type"] == "websocket":
        await receive()  # the websocket.connect message comes first
    await _send_refusal(scope, send, seconds)


async def _send_refusal(scope: Scope, send: Send, seconds: int) -> None:
    """Send the 429 itself: an HTTP response or the websocket handshake's denial."""
    body = json.dumps(
        {"detail": "Too many requests; please wait a minute and try again.", "code": "rate_limited"}
    ).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"retry-after", str(seconds).encode()),
        (b"content-length", str(len(body)).encode()),
    ]
    if scope["type"] == "http":
        await send({"type": "http.response.start", "status": 429, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        return
    if "websocket.http.response" in scope.get("extensions", {}):
        await send({"type": "websocket.http.response.start", "status": 429, "headers": headers})
        await send({"type": "websocket.http.response.body", "body": body})
    else:
        await send({"type": "websocket.close", "code": 1008, "reason": "rate limited"})
