"""ASGI middleware refusing oversized, slow or malformed request bodies with a clear 4xx before any route runs.

JSON bodies are checked once here by stricter rules than Python's parser: no NaN or Infinity, no lone
surrogates, no integers beyond 64 bits, no absurd nesting. Routes then only see input a database and a
JSON answer can hold, and no error ever echoes a large body back.
"""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.settings.http import HttpLimits

INT64 = 2**63
# Paths whose bodies are files (appointment imports), with the larger upload limit.
UPLOAD_PATHS = re.compile(r"^/api/v1/sites/[^/]+/appointments/import$")
# A kiosk's offline journal (up to 500 tickets) is JSON but larger than any other request; it gets the upload limit.
JOURNAL_PATHS = re.compile(r"^/api/v1/sites/[^/]+/tickets/reconcile$")
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class BadBody(Exception):
    """A request body refused, with its status, code and message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows")


def _finite(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"the number {text[:20]} is out of range")
    return value


def _int64(text: str) -> int:
    value = int(text)
    if not -INT64 <= value < INT64:
        raise ValueError(f"the number {text[:20]}{'…' if len(text) > 20 else ''} is out of range")
    return value


def _check_text(value: Any) -> None:
    """Every string (keys too) must be encodable as UTF-8: no lone surrogates."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            item.encode("utf-8")
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def check_json(body: bytes) -> None:
    """Raise BadBody unless `body` is strict JSON."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadBody(400, "invalid_encoding", "The request body is not valid UTF-8.") from None
    try:
        parsed = json.loads(text, parse_constant=_no_constant, parse_int=_int64, parse_float=_finite)
        _check_text(parsed)
    except UnicodeEncodeError:
        raise BadBody(400, "invalid_text", "The request contains text that is not valid Unicode.") from None
    except RecursionError:
        raise BadBody(400, "invalid_json", "The request body is nested too deeply.") from None
    except ValueError as error:
        # json.JSONDecodeError is a ValueError too; its message names the position, never the content.
        raise BadBody(400, "invalid_json", f"The request body is not valid JSON: {error}.") from None


def _is_json(scope: Scope) -> bool:
    """FastAPI reads bodies without a content type as JSON too."""
    for name, value in scope.get("headers", []):
        if name == b"content-type":
            return b"json" in value.lower()
    return True


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                raise BadBody(400, "invalid_length", "The Content-Length header is not a number.") from None
    return None


class InputGuard:
    """Read each request body once within the limits, check it, and hand it on unchanged."""

    def __init__(self, app: ASGIApp, limits: HttpLimits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the body of an HTTP request; everything else passes untouched."""
        if scope["type"] != "http" or scope.get("method") not in BODY_METHODS:
            await self.app(scope, receive, send)
            return
        upload = bool(UPLOAD_PATHS.match(scope["path"]))
        large = upload or bool(JOURNAL_PATHS.match(scope["path"]))
        limit = self.limits.max_upload_bytes if large else self.limits.max_body_bytes
        try:
            body = await self._read(scope, receive, limit)
            if body and not upload and _is_json(scope):
                check_json(body)
        except BadBody as refused:
            await _answer(send, refused)
            return
        await self.app(scope, _replay(body, receive), send)

    async def _read(self, scope: Scope, receive: Receive, limit: int) -> bytes:
        """The whole body, or BadBody once it grows past `limit` or a piece is too slow in coming."""
        length = _content_length(scope)
        if length is not None and length > limit:
            raise _too_large(limit)
        chunks: list[bytes] = []
        size = 0
        while True:
            try:
                message = await asyncio.wait_for(receive(), timeout=self.limits.body_seconds)
            except TimeoutError:
                raise BadBody(408, "body_timeout", "The request body arrived too slowly.") from None
            if message["type"] == "http.disconnect":
                raise BadBody(400, "disconnected", "The client left before sending the whole body.")
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise _too_large(limit)
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


def _too_large(limit: int) -> BadBody:
    return BadBody(413, "body_too_large", f"The request body is larger than {limit // 1024} KiB.")


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive that gives the app the body already read, then waits for the client's disconnect."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _answer(send: Send, refused: BadBody) -> None:
    body = json.dumps({"detail": refused.message, "code": refused.code}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if refused.status in (408, 413):
        # The rest of the body is not read; closing tells the client not to send it.
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": refused.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
