"""Websockets opened with a device token: refused when the token is bad, closed when it is revoked."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Coroutine
from typing import Any
from urllib.parse import parse_qs

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.api.deps import of_site
from server.auth.models import Device
from server.auth.service import device_from_token
from server.context import AppContext
from server.errors import DomainError
from server.events.subscription import FellBehind, Subscription
from server.security.channel import security_channel

# The streams devices use; they are public, but a device that names itself must prove it still may.
DEVICE_STREAM = re.compile(r"^/ws/sites/(?P<site>[^/]+)/display/?$")
CLOSE_POLICY = 1008


def presented_token(scope: Scope) -> str | None:
    """A bearer token from the handshake's Authorization header or `token` query parameter."""
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            text = value.decode("latin-1")
            if text.lower().startswith("bearer ") and text[7:].strip():
                return text[7:].strip()
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token")
    return values[0] if values else None


async def _until_named(subscription: Subscription, device_id: str) -> bool:
    """True once an event names the device (revoked, rotated or deleted); False if events were lost."""
    try:
        async for event in subscription:
            if event.data.get("device") == device_id:
                return True
    except FellBehind:
        pass
    return False


class DeviceSocketGuard:
    """ASGI middleware: a device's stream lives only as long as its token stays valid."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Guard a device's stream; pass everything else on."""
        if self.wraps_websocket(scope):
            await self.serve_websocket(scope, receive, send, self.app)
        else:
            await self.app(scope, receive, send)

    @staticmethod
    def wraps_websocket(scope: Scope) -> bool:
        """Whether this is a device stream opened with a token, which must stay valid."""
        is_stream = scope["type"] == "websocket" and DEVICE_STREAM.match(scope["path"]) is not None
        return is_stream and presented_token(scope) is not None

    async def serve_websocket(self, scope: Scope, receive: Receive, send: Send, app: ASGIApp) -> None:
        """Check the presented device token, then serve `app` until the site's security channel revokes it."""
        match = DEVICE_STREAM.match(scope["path"])
        token = presented_token(scope)
        assert match is not None and token is not None
        context: AppContext = scope["app"].state.context
        site = match.group("site")
        # Subscribe before checking, so a revocation committed in between is still seen.
        async with context.hub.subscribe(security_channel(site)) as subscription:
            try:
                device = of_site(await run_in_threadpool(self._device, context, token), site)
            except DomainError as error:
                await self._refuse(receive, send, error.message)
                return
            watch = self._watch(context, subscription, device.id, token)
            await self._serve_until_revoked(scope, receive, send, watch, app)

    async def _watch(self, context: AppContext, subscription: Subscription, device_id: str, token: str) -> None:
        """Return once the device's token may be gone: an event on the security channel names the device."""
        if await _until_named(subscription, device_id):
            return
        while True:
            # A burst on the security channel lost some of its events: follow it afresh, then ask the
            # database whether the token still holds (a revocation among the lost events shows there).
            async with context.hub.subscribe(subscription.site) as again:
                try:
                    await run_in_threadpool(self._device, context, token)
                except DomainError:
                    return
                if await _until_named(again, device_id):
                    return

    @staticmethod
    def _device(context: AppContext, token: str) -> Device:
        with context.database.read() as session:
            return device_from_token(session=session, token=token)

    @staticmethod
    async def _refuse(receive: Receive, send: Send, reason: str) -> None:
        await receive()  # the websocket.connect message comes first
        await send({"type": "websocket.close", "code": CLOSE_POLICY, "reason": reason[:120]})

    async def _serve_until_revoked(
        self, scope: Scope, receive: Receive, send: Send, watch: Coroutine[Any, Any, None], app: ASGIApp
    ) -> None:
        revoked = asyncio.Event()
        closed = False

        async def cut_off() -> None:
            await watch
            revoked.set()

        async def guarded_receive() -> Message:
            nonlocal closed
            incoming = asyncio.ensure_future(receive())
            cut = asyncio.ensure_future(revoked.wait())
            done, _ = await asyncio.wait({incoming, cut}, return_when=asyncio.FIRST_COMPLETED)
            if incoming in done:
                cut.cancel()
                return incoming.result()
            incoming.cancel()
            if not closed:
                closed = True
                await send({"type": "websocket.close", "code": CLOSE_POLICY, "reason": "device token revoked"})
            return {"type": "websocket.disconnect", "code": CLOSE_POLICY}

        async def guarded_send(message: Message) -> None:
            if not closed:  # after the cut-off the app's last words go nowhere
                await send(message)

        watcher = asyncio.create_task(cut_off())
        try:
            await app(scope, guarded_receive, guarded_send)
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
