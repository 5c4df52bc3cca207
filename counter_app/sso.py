"""Signing in with an OpenID provider from a native app: system browser, PKCE, loopback redirect (RFC 8252)."""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from client.api import ApiClient, ApiError

CALLBACK_PATH = "/callback"
# How long the clerk has to finish signing in in the browser.
BROWSER_SECONDS = 300.0
DONE_PAGE = (
    "<!doctype html><html lang=de><meta charset=utf-8><title>Aufruf</title>"
    "<p>Angemeldet. Sie können dieses Fenster schließen und zu Aufruf zurückkehren.</p>"
    "<p lang=en>Signed in. You may close this window and return to Aufruf.</p>"
).encode()


def s256_challenge(verifier: str) -> str:
    """RFC 7636 §4.2: BASE64URL(SHA256(verifier)) without padding; the app needs no crypto library for it."""
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode()


class LoopbackRedirect:
    """A one-shot HTTP listener on 127.0.0.1 that receives the provider's redirect with the code."""

    def __init__(self) -> None:
        self.received = threading.Event()
        self.query: dict[str, str] = {}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                if parts.path != CALLBACK_PATH or receiver.received.is_set():
                    self.send_error(404)
                    return
                receiver.query = dict(parse_qsl(parts.query))
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(DONE_PAGE)
                receiver.received.set()

            def log_message(self, format: str, *args: Any) -> None:
                """The query holds the code: never logged."""

        self._server = HTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="sso-loopback", daemon=True)
        self._thread.start()

    @property
    def redirect_uri(self) -> str:
        """The loopback address the provider sends the browser to, with the port the system gave us."""
        return f"http://127.0.0.1:{self._server.server_address[1]}{CALLBACK_PATH}"

    def close(self) -> None:
        """Stop listening."""
        self._server.shutdown()
        self._server.server_close()


def sign_in_with_provider(
    api: ApiClient, provider: str, *, open_browser: Callable[[str], object], timeout: float = BROWSER_SECONDS
) -> dict[str, Any]:
    """Run the whole sign-in (blocking, off the GUI thread); the API client holds the staff token afterwards."""
    verifier = secrets.token_urlsafe(64)
    receiver = LoopbackRedirect()
    try:
        body = {"redirect_uri": receiver.redirect_uri, "code_challenge": s256_challenge(verifier)}
        started = api.request("POST", f"/auth/oidc/{provider}/start", json=body).json()
        open_browser(started["authorization_url"])
        if not receiver.received.wait(timeout):
            raise ApiError(408, "sso_timeout", "The sign-in in the browser was not finished in time.")
    finally:
        receiver.close()
    answer = receiver.query
    if "error" in answer:
        raise ApiError(401, "sso_refused", answer.get("error_description") or answer["error"])
    if answer.get("state") != started["state"]:
        # Another sign-in's redirect (or a forged one) reached our port: never send its code on.
        raise ApiError(401, "sso_refused", "The browser came back from another sign-in.")
    finish = {"state": answer["state"], "code": answer.get("code", ""), "code_verifier": verifier}
    token = dict(api.request("POST", f"/auth/oidc/{provider}/finish", json=finish).json())
    api.token = token["access_token"]
    return token
