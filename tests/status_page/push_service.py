"""A push service on loopback, and a browser's subscription keys, for the Web Push tests."""

from __future__ import annotations

import base64
import json
import os
import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def b64url(data: bytes) -> str:
    """Base64url without padding, as the Push API writes keys."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    """Decode base64url with or without padding."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Delivery:
    """One message the push service received."""

    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class BrowserKeys:
    """What `pushManager.subscribe()` creates in a browser: a P-256 key pair and an auth secret."""

    private: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    auth: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def p256dh(self) -> str:
        """The public key as the browser hands it to the page."""
        point = self.private.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return b64url(point)

    def subscription(self, endpoint: str) -> dict[str, Any]:
        """`PushSubscription.toJSON()`."""
        return {"endpoint": endpoint, "keys": {"p256dh": self.p256dh, "auth": b64url(self.auth)}}

    def decrypt(self, delivery: Delivery) -> dict[str, Any]:
        """Decrypt an aes128gcm message as the browser would."""
        assert delivery.headers["content-encoding"] == "aes128gcm"
        plain = http_ece.decrypt(delivery.body, private_key=self.private, auth_secret=self.auth, version="aes128gcm")
        return dict(json.loads(plain))


def verify_vapid(delivery: Delivery, *, public_key: str, audience: str) -> dict[str, Any]:
    """Check the VAPID header: signed by the server's key, for this push service's origin."""
    scheme, _, params = delivery.headers["authorization"].partition(" ")
    assert scheme == "vapid"
    values = dict(part.strip().split("=", 1) for part in params.split(","))
    assert values["k"] == public_key
    point = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(public_key))
    return dict(jwt.decode(values["t"], key=point, algorithms=["ES256"], audience=audience))


class PushService:
    """Records every POST; answers with the status set for its path (201 by default)."""

    def __init__(self) -> None:
        self.received: queue.Queue[Delivery] = queue.Queue()
        self.answers: dict[str, int] = {}
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                headers = {key.lower(): value for key, value in self.headers.items()}
                service.received.put(Delivery(path=self.path, headers=headers, body=body))
                self.send_response(service.answers.get(self.path, 201))
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                """Keep test output quiet."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def next(self, timeout: float = 15) -> Delivery:
        """The next message received, waiting for it."""
        return self.received.get(timeout=timeout)


@contextmanager
def running_push_service() -> Iterator[PushService]:
    """Serve a push service on loopback until the block ends."""
    service = PushService()
    thread = threading.Thread(target=service.server.serve_forever, name="push-service", daemon=True)
    thread.start()
    try:
        yield service
    finally:
        service.server.shutdown()
        service.server.server_close()
