"""A real OpenID Provider on loopback for the single sign-on tests: pyop (SATOSA's OP library) behind FastAPI.

pyop does the protocol (authorization requests, codes, PKCE, client authentication, signed ID tokens);
this file only gives it HTTP endpoints and a login form, as any deployment of pyop must.
"""

from __future__ import annotations

import datetime
import html
import ipaddress
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import uvicorn
from Cryptodome.PublicKey import RSA
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from jwkest.jwk import RSAKey
from pyop.authz_state import AuthorizationState
from pyop.exceptions import InvalidAuthenticationRequest, OAuthError
from pyop.provider import Provider
from pyop.subject_identifier import HashBasedSubjectIdentifierFactory
from pyop.userinfo import Userinfo

from server.embedded import SignallingServer, free_port

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
    # The provider's self-signed TLS certificate: the relying party's ca_file.
    certificate: Path
    # Registered with the provider; a test adds its server's callback once it knows the port.
    redirect_uris: list[str] = field(default_factory=list)

    def tls(self) -> ssl.SSLContext:
        """A client TLS context that trusts this provider."""
        return ssl.create_default_context(cafile=str(self.certificate))

    def login(self, authorization_url: str, *, username: str, password: str) -> str:
        """Sign in at the provider's form with a real HTTP client, as a person's browser would; the redirect URL."""
        with httpx.Client(follow_redirects=False, timeout=10, verify=self.tls()) as http:
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


def provider_app(running: RunningProvider) -> FastAPI:
    """The provider's HTTP endpoints around pyop."""
    app = FastAPI()
    provider = running.provider

    def claims(user: str, _client: str) -> dict[str, Any]:
        """What the ID token says about the person besides `sub`, as Keycloak's group mapper would."""
        person = running.people[user]
        return {"preferred_username": user, "name": person.name, "groups": person.groups}

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
    async def login(http_request: Request) -> Response:
        fields = dict(parse_qsl((await http_request.body()).decode()))
        username, password, request = fields.get("username", ""), fields.get("password", ""), fields["request"]
        person = running.people.get(username)
        if person is None or person.password != password:
            return HTMLResponse("<p>Wrong username or password</p>", status_code=401)
        auth_request = provider.parse_authentication_request(request)
        response = provider.authorize(auth_request, username)
        return RedirectResponse(response.request(auth_request["redirect_uri"]), status_code=303)

    @app.post("/token")
    async def token(request: Request) -> Response:
        body = (await request.body()).decode()
        try:
            answer = provider.handle_token_request(
                body, {"Authorization": request.headers.get("authorization", "")}, extra_id_token_claims=claims
            )
        except OAuthError as error:
            return JSONResponse({"error": error.oauth_error, "error_description": str(error)}, status_code=400)
        return JSONResponse(answer.to_dict())

    provider.clients[CLIENT_ID] = {
        "client_secret": CLIENT_SECRET, "redirect_uris": running.redirect_uris, "response_types": ["code"],
        "token_endpoint_auth_method": "client_secret_basic",
    }
    # pyop's own redirect check wants exact matches; this one also allows loopback ports, as RFC 8252 asks.
    provider.authentication_request_validators[2] = lambda request: _check_redirect(request, running.redirect_uris)
    return app


def _check_redirect(auth_request: Any, registered: list[str]) -> None:
    if not _loopback_any_port(registered, auth_request["redirect_uri"]):
        raise InvalidAuthenticationRequest("redirect_uri not registered", auth_request, oauth_error="invalid_request")


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, as PEM files: an OpenID issuer must be https."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "provider.pem", folder / "provider.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ))
    return cert_file, key_file


@contextmanager
def run_provider(people: dict[str, Person], folder: Path) -> Iterator[RunningProvider]:
    """Serve a provider over TLS on a free loopback port until the block ends."""
    port = free_port()
    issuer = f"https://127.0.0.1:{port}"
    cert_file, key_file = self_signed_certificate(folder)
    configuration = {
        "issuer": issuer, "authorization_endpoint": f"{issuer}/authorize", "token_endpoint": f"{issuer}/token",
        "jwks_uri": f"{issuer}/jwks", "response_types_supported": ["code"], "subject_types_supported": ["public"],
        "scopes_supported": ["openid", "profile", "email"], "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic"],
    }
    state = AuthorizationState(HashBasedSubjectIdentifierFactory("test-salt"))
    userinfo = Userinfo({name: {"name": person.name} for name, person in people.items()})
    provider = Provider(signing_key(), configuration, state, {}, userinfo, id_token_lifetime=300)
    running = RunningProvider(
        issuer=issuer, provider=provider, people=people, certificate=cert_file,
        redirect_uris=["http://127.0.0.1/callback"],
    )
    config = uvicorn.Config(
        provider_app(running), host="127.0.0.1", port=port, log_level="warning",
        ssl_certfile=str(cert_file), ssl_keyfile=str(key_file),
    )
    server = SignallingServer(config)
    thread = threading.Thread(target=server.run, name=f"oidc-provider-{port}", daemon=True)
    thread.start()
    if not server.ready.wait(timeout=30):
        raise RuntimeError("the test provider did not start within 30 s")
    try:
        yield running
    finally:
        server.should_exit = True
        thread.join(timeout=30)
