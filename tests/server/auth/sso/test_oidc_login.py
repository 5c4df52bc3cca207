"""OpenID Connect sign-in against a real provider (pyop over TLS): code flow with PKCE, and every refusal."""

from __future__ import annotations

import base64
import hashlib
import secrets
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from server.embedded import free_port
from tests.support.live_server import LiveServer, run_live_server
from tests.support.oidc_provider import RunningProvider, signing_key
from tests.support.sso import LDAP_SECRET_ENV, OIDC_SECRET_ENV, sso_table, two_site_office

CALLBACK = "/supervisor/sso/callback"


def _start(server: LiveServer, body: dict[str, str]) -> dict[str, str]:
    answer = httpx.post(server.api("/auth/oidc/stadt/start"), json=body)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def _code_from(location: str) -> tuple[str, str]:
    query = parse_qs(urlsplit(location).query)
    return query["code"][0], query["state"][0]


def _browser_sign_in(server: LiveServer, provider: RunningProvider, username: str, password: str) -> tuple[str, str]:
    """The supervisor page's flow: the server holds the PKCE verifier, the provider redirects to the page."""
    started = _start(server, {"redirect_uri": server.url + CALLBACK})
    location = provider.login(started["authorization_url"], username=username, password=password)
    assert location.startswith(server.url + CALLBACK)
    return _code_from(location)


def _finish(server: LiveServer, body: dict[str, str]) -> httpx.Response:
    return httpx.post(server.api("/auth/oidc/stadt/finish"), json=body)


def _pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def test_options_name_the_provider_and_the_directory(sso_server: LiveServer) -> None:
    options = httpx.get(sso_server.api("/auth/sso")).json()
    assert options == {"providers": [{"name": "stadt", "label": "Stadt-Login"}], "directory": True}


def test_authorization_request_carries_pkce_state_and_nonce(sso_server: LiveServer, provider: RunningProvider) -> None:
    started = _start(sso_server, {"redirect_uri": sso_server.url + CALLBACK})
    query = parse_qs(urlsplit(started["authorization_url"]).query)
    assert started["authorization_url"].startswith(provider.issuer + "/authorize?")
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) == 43
    assert query["state"] == [started["state"]] and len(query["nonce"][0]) >= 32
    assert query["client_id"] == ["aufruf"] and "openid" in query["scope"][0].split()


def test_provider_user_gets_the_usual_staff_token(sso_server: LiveServer, provider: RunningProvider) -> None:
    code, state = _browser_sign_in(sso_server, provider, "petra", "Petra-pass-2026")
    answer = _finish(sso_server, {"code": code, "state": state})
    assert answer.status_code == 200, answer.text
    assert answer.json()["role"] == "supervisor" and answer.json()["username"] == "petra"
    headers = {"Authorization": f"Bearer {answer.json()['access_token']}"}
    me = httpx.get(sso_server.api("/auth/me"), headers=headers).json()
    assert me == {"username": "petra", "role": "supervisor", "display_name": "Petra Platz", "sites": ["demo"]}
    assert httpx.get(sso_server.api("/sites/demo/stats"), headers=headers).status_code == 200


def test_native_app_keeps_its_own_verifier_on_a_loopback_redirect(
    sso_server: LiveServer, provider: RunningProvider
) -> None:
    _verifier, challenge = _pkce()
    started = _start(sso_server, {"redirect_uri": "http://127.0.0.1:49152/callback", "code_challenge": challenge})
    location = provider.login(started["authorization_url"], username="olga", password="Olga-pass-2026")
    assert location.startswith("http://127.0.0.1:49152/callback?")
    code, state = _code_from(location)
    assert _finish(sso_server, {"code": code, "state": state}).json()["code"] == "missing_verifier"


def test_native_app_sign_in_with_its_verifier(sso_server: LiveServer, provider: RunningProvider) -> None:
    verifier, challenge = _pkce()
    started = _start(sso_server, {"redirect_uri": "http://127.0.0.1:49153/callback", "code_challenge": challenge})
    location = provider.login(started["authorization_url"], username="olga", password="Olga-pass-2026")
    code, state = _code_from(location)
    wrong = _finish(sso_server, {"code": code, "state": state, "code_verifier": _pkce()[0]})
    assert wrong.status_code == 401 and wrong.json()["code"] == "sso_refused"  # the provider's PKCE check
    # The state is spent with the failed attempt: a new sign-in is needed.
    again = _finish(sso_server, {"code": code, "state": state, "code_verifier": verifier})
    assert again.status_code == 401 and again.json()["code"] == "sso_replayed"
    verifier, challenge = _pkce()
    started = _start(sso_server, {"redirect_uri": "http://127.0.0.1:49153/callback", "code_challenge": challenge})
    code, state = _code_from(provider.login(started["authorization_url"], username="olga", password="Olga-pass-2026"))
    answer = _finish(sso_server, {"code": code, "state": state, "code_verifier": verifier})
    assert answer.status_code == 200, answer.text
    assert answer.json()["role"] == "clerk"


def test_wrong_password_at_the_provider_issues_no_code(sso_server: LiveServer, provider: RunningProvider) -> None:
    started = _start(sso_server, {"redirect_uri": sso_server.url + CALLBACK})
    with pytest.raises(PermissionError, match="401"):
        provider.login(started["authorization_url"], username="petra", password="Petra-pass-2025")


def test_provider_user_in_no_mapped_group_gets_a_clear_403(sso_server: LiveServer, provider: RunningProvider) -> None:
    code, state = _browser_sign_in(sso_server, provider, "gast", "Gast-pass-2026")
    answer = _finish(sso_server, {"code": code, "state": state})
    assert answer.status_code == 403 and answer.json()["code"] == "no_mapped_group"
    assert "'gast'" in answer.json()["detail"]


def test_group_of_another_site_keeps_the_clerk_out(sso_server: LiveServer, provider: RunningProvider) -> None:
    code, state = _browser_sign_in(sso_server, provider, "niko", "Niko-pass-2026")
    headers = {"Authorization": f"Bearer {_finish(sso_server, {'code': code, 'state': state}).json()['access_token']}"}
    refused = httpx.post(sso_server.api("/sites/demo/counters/1/call-next"), headers=headers)
    assert refused.status_code == 403 and refused.json()["code"] == "site_not_granted"
    assert httpx.post(sso_server.api("/sites/nord/counters/1/call-next"), headers=headers).status_code in (200, 204)


def test_provider_cannot_take_over_a_local_account(sso_server: LiveServer, provider: RunningProvider) -> None:
    code, state = _browser_sign_in(sso_server, provider, "clerk1", "Imposter-2026")
    answer = _finish(sso_server, {"code": code, "state": state})
    assert answer.status_code == 409 and answer.json()["code"] == "account_source_conflict"
    assert httpx.post(sso_server.api("/auth/login"), json={"username": "clerk1", "password": "demo"}).status_code == 200


def test_replayed_callback_is_refused(sso_server: LiveServer, provider: RunningProvider) -> None:
    code, state = _browser_sign_in(sso_server, provider, "olga", "Olga-pass-2026")
    assert _finish(sso_server, {"code": code, "state": state}).status_code == 200
    replay = _finish(sso_server, {"code": code, "state": state})
    assert replay.status_code == 401 and replay.json()["code"] == "sso_replayed"


def test_id_token_of_another_sign_in_is_refused_by_its_nonce(
    sso_server: LiveServer, provider: RunningProvider
) -> None:
    # Olga's code (and ID token, with her sign-in's nonce) is slipped into a second sign-in's callback.
    verifier, challenge = _pkce()
    first = _start(sso_server, {"redirect_uri": "http://127.0.0.1:49154/callback", "code_challenge": challenge})
    second = _start(sso_server, {"redirect_uri": "http://127.0.0.1:49154/callback", "code_challenge": challenge})
    code, _state = _code_from(provider.login(first["authorization_url"], username="olga", password="Olga-pass-2026"))
    answer = _finish(sso_server, {"code": code, "state": second["state"], "code_verifier": verifier})
    assert answer.status_code == 401 and answer.json()["code"] == "sso_refused"
    assert "nonce" in answer.json()["detail"]


def test_expired_id_token_is_refused(sso_server: LiveServer, provider: RunningProvider) -> None:
    lifetime = provider.provider.id_token_lifetime
    provider.provider.id_token_lifetime = -3600  # the provider issues tokens that expired an hour ago
    try:
        code, state = _browser_sign_in(sso_server, provider, "olga", "Olga-pass-2026")
        answer = _finish(sso_server, {"code": code, "state": state})
    finally:
        provider.provider.id_token_lifetime = lifetime
    assert answer.status_code == 401 and "expired" in answer.json()["detail"]


def test_id_token_signed_with_a_foreign_key_is_refused(sso_server: LiveServer, provider: RunningProvider) -> None:
    code, state = _browser_sign_in(sso_server, provider, "olga", "Olga-pass-2026")
    published = provider.provider.signing_key
    # Signed by another key under the published key's id: what a forger without the provider's key can do.
    provider.provider.signing_key = signing_key(kid=published.kid)
    try:
        answer = _finish(sso_server, {"code": code, "state": state})
    finally:
        provider.provider.signing_key = published
    assert answer.status_code == 401 and "signature" in answer.json()["detail"]


def test_redirect_to_a_foreign_host_is_refused(sso_server: LiveServer) -> None:
    for uri in ("https://evil.example/cb", "http://10.0.0.7:8080/cb", "http://127.0.0.1/cb?x=1", "http://127.0.0.1/cb"):
        answer = httpx.post(sso_server.api("/auth/oidc/stadt/start"), json={"redirect_uri": uri})
        assert answer.status_code == 400 and answer.json()["code"] == "bad_redirect_uri", uri


def test_unknown_provider_and_state_are_clear_4xx(sso_server: LiveServer) -> None:
    assert httpx.post(sso_server.api("/auth/oidc/nope/start"), json={"redirect_uri": sso_server.url + CALLBACK}
                      ).status_code == 404
    unknown = _finish(sso_server, {"code": "x", "state": "not-a-state-of-ours"})
    assert unknown.status_code == 401 and unknown.json()["code"] == "sso_unknown_state"


def test_unreachable_provider_answers_503(
    tmp_path: Path, directory_url: str, provider: RunningProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(OIDC_SECRET_ENV, "whatever-secret")
    monkeypatch.setenv(LDAP_SECRET_ENV, "whatever-password")
    table = sso_table(provider=provider, directory_url=directory_url)
    table["oidc"][0]["issuer"] = f"https://127.0.0.1:{free_port()}"  # type: ignore[index]
    with run_live_server(tmp_path, office=two_site_office(table)) as server:
        answer = httpx.post(server.api("/auth/oidc/stadt/start"), json={"redirect_uri": server.url + CALLBACK})
    assert answer.status_code == 503 and answer.json()["code"] == "provider_unavailable"
    assert "Stadt-Login" in answer.json()["detail"]


def test_changed_groups_take_effect_at_the_next_sign_in(sso_server: LiveServer, provider: RunningProvider) -> None:
    code, state = _browser_sign_in(sso_server, provider, "petra", "Petra-pass-2026")
    first = {"Authorization": f"Bearer {_finish(sso_server, {'code': code, 'state': state}).json()['access_token']}"}
    person = provider.people["petra"]
    groups = person.groups
    person.groups = ["aufruf-nord-clerks"]  # moved to another office and demoted in the provider
    try:
        code, state = _browser_sign_in(sso_server, provider, "petra", "Petra-pass-2026")
        assert _finish(sso_server, {"code": code, "state": state}).json()["role"] == "clerk"
    finally:
        person.groups = groups
    # The account is read on every request, so even the earlier token now carries only the new grants.
    me = httpx.get(sso_server.api("/auth/me"), headers=first).json()
    assert (me["role"], me["sites"]) == ("clerk", ["nord"])
    assert httpx.get(sso_server.api("/sites/demo/stats"), headers=first).status_code == 403
