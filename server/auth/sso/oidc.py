"""The relying party's side of OpenID Connect: discovery, the authorization URL, the code exchange, the ID token."""

from __future__ import annotations

import logging
import ssl
import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx
import jwt
from authlib.common.urls import add_params_to_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge

from server.auth.sso.config import OidcProvider
from server.auth.sso.mapping import ExternalIdentity
from server.errors import DomainError, Unauthorized

log = logging.getLogger(__name__)

# Asymmetric only: an HS256 token would be signed with the client secret, which the RP itself holds.
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384"]
METADATA_SECONDS = 3600
LEEWAY_SECONDS = 60


class ProviderUnavailable(DomainError):
    """The identity provider cannot be reached or answers nonsense; retry later."""

    status_code = 503
    code = "provider_unavailable"


def _refused(reason: str) -> Unauthorized:
    return Unauthorized(f"The sign-in was refused: {reason}. Start the sign-in again.", code="sso_refused")


@dataclass(frozen=True)
class Metadata:
    """What the discovery document says, as far as the code flow needs it."""

    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str


class OidcClient:
    """One configured provider: its discovery document and signing keys, cached and refreshed."""

    def __init__(self, config: OidcProvider) -> None:
        self.config = config
        self._lock = threading.Lock()
        self._metadata: Metadata | None = None
        self._keys: jwt.PyJWKSet | None = None
        self._fetched = 0.0

    def _http(self) -> httpx.Client:
        verify: ssl.SSLContext | bool = True
        if self.config.ca_file is not None:
            verify = ssl.create_default_context(cafile=str(self.config.ca_file))
        return httpx.Client(timeout=10.0, verify=verify, follow_redirects=False)

    def _get_json(self, url: str) -> dict[str, Any]:
        try:
            with self._http() as http:
                response = http.get(url, headers={"Accept": "application/json"})
            response.raise_for_status()
            body = response.json()
        except (httpx.HTTPError, ValueError) as error:
            log.error("OIDC %s: %s failed: %s", self.config.name, url, type(error).__name__)
            raise ProviderUnavailable(f"The sign-in service '{self.config.label}' cannot be reached.") from None
        if not isinstance(body, dict):
            raise ProviderUnavailable(f"The sign-in service '{self.config.label}' sent no JSON object.")
        return body

    def metadata(self, *, refresh: bool = False) -> Metadata:
        """The discovery document, fetched once an hour (or on demand after an unknown key)."""
        with self._lock:
            if self._metadata is None or refresh or time.monotonic() - self._fetched > METADATA_SECONDS:
                document = self._get_json(self.config.issuer.rstrip("/") + "/.well-known/openid-configuration")
                if document.get("issuer") != self.config.issuer:
                    # Discovery 1.0 §4.3: the issuer in the document must be exactly the one configured.
                    raise ProviderUnavailable(
                        f"'{self.config.label}' names itself {document.get('issuer')!r}, "
                        f"not the configured issuer {self.config.issuer!r}."
                    )
                try:
                    self._metadata = Metadata(
                        authorization_endpoint=str(document["authorization_endpoint"]),
                        token_endpoint=str(document["token_endpoint"]),
                        jwks_uri=str(document["jwks_uri"]),
                    )
                except KeyError as missing:
                    raise ProviderUnavailable(f"'{self.config.label}' publishes no {missing.args[0]}.") from None
                self._keys = jwt.PyJWKSet.from_dict(self._get_json(self._metadata.jwks_uri))
                self._fetched = time.monotonic()
            return self._metadata

    def authorization_url(self, *, redirect_uri: str, state: str, nonce: str, code_challenge: str) -> str:
        """Where to send the person's browser."""
        params = {
            "response_type": "code", "client_id": self.config.client_id, "redirect_uri": redirect_uri,
            "scope": " ".join(self.config.scopes), "state": state, "nonce": nonce,
            "code_challenge": code_challenge, "code_challenge_method": "S256",
        }
        return add_params_to_uri(self.metadata().authorization_endpoint, params)

    def exchange_code(self, *, code: str, redirect_uri: str, code_verifier: str) -> str:
        """Trade the authorization code for tokens at the token endpoint; returns the raw ID token."""
        assert self.config.client_secret is not None
        form = {
            "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
            "code_verifier": code_verifier,
        }
        auth = (self.config.client_id, self.config.client_secret.get_secret_value())
        try:
            with self._http() as http:
                response = http.post(self.metadata().token_endpoint, data=form, auth=auth)
        except httpx.HTTPError as error:
            log.error("OIDC %s: token endpoint failed: %s", self.config.name, type(error).__name__)
            raise ProviderUnavailable(f"The sign-in service '{self.config.label}' cannot be reached.") from None
        if response.status_code != 200:
            try:
                reason = str(response.json().get("error", "unknown error"))
            except ValueError:
                reason = f"HTTP {response.status_code}"
            raise _refused(f"the provider would not exchange the code ({reason[:60]})")
        id_token = response.json().get("id_token")
        if not isinstance(id_token, str):
            raise _refused("the provider sent no ID token")
        return id_token

    def _signing_key(self, id_token: str) -> jwt.PyJWK:
        """The provider's key the token names, fetching the key set again once for a key not seen yet."""
        try:
            header = jwt.get_unverified_header(id_token)
        except jwt.PyJWTError:
            raise _refused("the ID token is malformed") from None
        if header.get("alg") not in ALGORITHMS:
            raise _refused(f"the ID token is signed with {header.get('alg')!r}, which is not accepted")
        for attempt in range(2):
            self.metadata(refresh=attempt > 0)
            assert self._keys is not None
            candidates = [k for k in self._keys.keys if header.get("kid") in (None, k.key_id)]
            if candidates:
                return candidates[0]
        raise _refused("the ID token is signed with a key the provider does not publish")

    def validate_id_token(self, id_token: str, *, nonce: str, now: float | None = None) -> dict[str, Any]:
        """The claims of an ID token whose signature, issuer, audience, expiry and nonce all check out."""
        key = self._signing_key(id_token)
        moment = time.time() if now is None else now
        try:
            claims: dict[str, Any] = jwt.decode(
                id_token, key, algorithms=ALGORITHMS, audience=self.config.client_id, issuer=self.config.issuer,
                options={"require": ["iss", "aud", "exp", "iat", "sub"], "verify_exp": False, "verify_iat": False},
            )
        except jwt.InvalidSignatureError:
            raise _refused("the ID token's signature is not the provider's") from None
        except jwt.PyJWTError as error:
            raise _refused(f"the ID token is not valid ({error})") from None
        # Expiry against an explicit moment, so it can be checked for any clock.
        if int(claims["exp"]) + LEEWAY_SECONDS < moment:
            raise _refused("the ID token has expired")
        if int(claims["iat"]) - LEEWAY_SECONDS > moment:
            raise _refused("the ID token is issued in the future")
        if claims.get("nonce") != nonce:
            raise _refused("the ID token belongs to another sign-in (nonce mismatch)")
        audience = claims["aud"]
        if isinstance(audience, list) and len(audience) > 1 and claims.get("azp") != self.config.client_id:
            raise _refused("the ID token was issued to another party (azp)")
        return claims

    def identity(self, claims: dict[str, Any]) -> ExternalIdentity:
        """The person and groups an ID token's claims describe."""
        username = claims.get(self.config.username_claim)
        if not isinstance(username, str) or not username.strip():
            raise _refused(f"the ID token has no {self.config.username_claim!r} claim")
        groups = _claim_path(claims, self.config.groups_claim)
        values = [groups] if isinstance(groups, str) else groups if isinstance(groups, list) else []
        return ExternalIdentity(
            source=f"oidc:{self.config.name}", username=username.strip()[:64],
            display_name=str(claims.get("name") or username), groups=frozenset(str(v) for v in values),
        )


def challenge_for(verifier: str) -> str:
    """The S256 PKCE challenge of a verifier (RFC 7636 §4.2)."""
    return create_s256_code_challenge(verifier)


def _claim_path(claims: dict[str, Any], path: str) -> Any:
    """Follow a dotted path ("realm_access.roles") into nested claims; None where it stops."""
    node: Any = claims
    for step in path.split("."):
        node = node.get(step) if isinstance(node, dict) else None
    return node
