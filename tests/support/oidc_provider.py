"""A real OpenID Provider on loopback for the single sign-on tests: pyop (SATOSA's OP library) behind FastAPI.

pyop does the protocol (authorization requests, codes, PKCE, client authentication, signed ID tokens);
this file only gives it HTTP endpoints and a login form, as any deployment of pyop must.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx
from Cryptodome.PublicKey import RSA
from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from jwkest.jwk import RSAKey
from pyop.authz_state import AuthorizationState
from pyop.exceptions import InvalidAuthenticationRequest, OAuthError
from pyop.provider import Provider
from pyop.subject_identifier import HashBasedSubjectIdentifierFactory
from pyop.userinfo import Userinfo

from server.embedded import SignallingServer, free_port, loopback_config

CLIENT_ID = "aufruf"
CLIENT_SECRET = "provider-test-client-secret-0123456789"


@dataclass
class Person:
    """A user account at the provider, with the groups it puts into ID tokens."""

    password: str
    name: str
    groups: list[str] = field(default_factory=list)


def signing_key(kid: str = "op-key-1") -> RSAKey:
    """A fresh RSA signing key for the provider's ID tokens."""
    return RSAKey(key=RSA.generate(2048), alg="RS256", kid=kid, use="sig")


def _loopback_any_port(registered: list[str], asked: str) -> bool:
    """RFC 8252 §7.3: a provider must accept any port on a registered loopback redirect URI."""
    if asked in registered:
        return True
    parts = urlsplit(asked)
    for uri in registered:
        known = urlsplit(uri)
        if known.hostname in ("127.0.0.1", "::1") and (known.scheme, known.hostname, known.path) == (
            parts.scheme, parts.hostname, parts.path
        ):
            return True
    return False


@dataclass
class RunningProvider:
    """A provider serving on loopback; tests may swap its key or token lifetime to make bad tokens."""

    issuer: str
    provider: Provider
    people: dict[str, Person]

    def login(self, authorization_url: str, *, username: str, password: str) -> str:
        """Sign in at the provider's form with a real HTTP client, as a person's browser would; the redirect URL."""
        with httpx.Client(follow_redirects=False, timeout=10) as http:
            form_page = http.get(authorization_url)
            form_page.raise_for_status()
            request_field = form_page.text.split('name="request" value="', 1)[1].split('"', 1)[0]
            answer = http.post(
                f"{self.issuer}/login",
                data={"username": username, "password": password, "request": html.unescape(request_field)},
            )
        if answer.status_code != 303:
            raise PermissionError(f"the provider refused the login: {answer.status_code} {answer.text[:200]}")
        return answer.headers["location"]


def provider_app(running: RunningProvider, redirect_uris: list[str]) -> FastAPI:
    """The provider's HTTP endpoints around pyop."""
    app = FastAPI()
    provider = running.provider

    @app.get("/.well-known/openid-configuration")
    def discovery() -> dict[str, Any]:
        return provider.provider_configuration.to_dict()  # type: ignore[no-any-return]

    @app.get("/jwks")
    def jwks() -> dict[str, Any]:
        return provider.jwks  # type: ignore[no-any-return]

    @app.get("/authorize", response_class=HTMLResponse)
    def authorize(request: Request) -> Response:
        try:
            provider.parse_authentication_request(request.url.query)
        except InvalidAuthenticationRequest as error:
            return JSONResponse({"error": "invalid_request", "error_description": str(error)}, status_code=400)
        return HTMLResponse(
            "<!doctype html><title>Test provider</title><form method=post action=/login>"
            f'<input type=hidden name="request" value="{html.escape(request.url.query)}">'
            '<label>Username <input name="username" id="username"></label>'
            '<label>Password <input name="password" id="password" type="password"></label>'
            '<button type="submit" id="submit">Sign in</button></form>'
        )

    @app.post("/login")
    def login(username: str = Form(), password: str = Form(), request: str = Form()) -> Response:
        person = running.people.get(username)
        if person is None or person.password != password:
            return HTMLResponse("<p>Wrong username or password</p>", status_code=401)
        auth_request = provider.parse_authentication_request(request)
        response = provider.authorize(
            auth_request, username,
            extra_id_token_claims=lambda user, _client: {
                "preferred_username": user, "name": running.people[user].name, "groups": running.people[user].groups,
            },
        )
        return RedirectResponse(response.request(auth_request["redirect_uri"]), status_code=303)

    @app.post("/token")
    async def token(request: Request) -> Response:
        body = (await request.body()).decode()
        try:
            answer = provider.handle_token_request(body, dict(request.headers))
        except OAuthError as error:
            return JSONResponse({"error": error.oauth_error, "error_description": str(error)}, status_code=400)
        return JSONResponse(answer.to_dict())

    provider.clients[CLIENT_ID] = {
        "client_secret": CLIENT_SECRET, "redirect_uris": redirect_uris, "response_types": ["code"],
        "token_endpoint_auth_method": "client_secret_basic",
    }
    provider.authentication_request_validators[2] = lambda auth_request: _check_redirect(auth_request, redirect_uris)
    return app


def _check_redirect(auth_request: Any, registered: list[str]) -> None:
    if not _loopback_any_port(registered, auth_request["redirect_uri"]):
        raise InvalidAuthenticationRequest("redirect_uri is not registered", auth_request, oauth_error="invalid_request")


@contextmanager
def run_provider(people: dict[str, Person], redirect_uris: list[str]) -> Iterator[RunningProvider]:
    """Serve a provider on a free loopback port until the block ends."""
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    configuration = {
        "issuer": issuer, "authorization_endpoint": f"{issuer}/authorize", "token_endpoint": f"{issuer}/token",
        "jwks_uri": f"{issuer}/jwks", "response_types_supported": ["code"], "subject_types_supported": ["public"],
        "scopes_supported": ["openid", "profile", "email"], "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic"],
    }
    state = AuthorizationState(HashBasedSubjectIdentifierFactory("test-salt"))
    userinfo = Userinfo({name: {"name": person.name} for name, person in people.items()})
    provider = Provider(signing_key(), configuration, state, {}, userinfo, id_token_lifetime=300)
    running = RunningProvider(issuer=issuer, provider=provider, people=people)
    server = SignallingServer(loopback_config(provider_app(running, redirect_uris), port))
    thread = threading.Thread(target=server.run, name=f"oidc-provider-{port}", daemon=True)
    thread.start()
    if not server.ready.wait(timeout=30):
        raise RuntimeError("the test provider did not start within 30 s")
    try:
        yield running
    finally:
        server.should_exit = True
        thread.join(timeout=30)
