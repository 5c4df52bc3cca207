"""Directory users sign in through the ordinary login with their directory password (slapd, real binds)."""

from __future__ import annotations

import httpx

from tests.support.live_server import LiveServer


def _login(server: LiveServer, username: str, password: str) -> httpx.Response:
    return httpx.post(server.api("/auth/login"), json={"username": username, "password": password})


def _bearer(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_directory_clerk_gets_the_usual_staff_token_for_their_site(sso_server: LiveServer) -> None:
    answer = _login(sso_server, "alice", "Alice-pass-2026")
    assert answer.json()["role"] == "clerk"
    me = httpx.get(sso_server.api("/auth/me"), headers=_bearer(answer)).json()
    assert me == {"username": "alice", "role": "clerk", "display_name": "Alice Adler", "sites": ["demo"]}
    called = httpx.post(sso_server.api("/sites/demo/counters/1/call-next"), headers=_bearer(answer))
    assert called.status_code in (200, 204), called.text


def test_wrong_directory_password_is_refused_like_a_local_one(sso_server: LiveServer) -> None:
    for username, password in (("alice", "Alice-pass-2025"), ("alice", " "), ("nobody", "whatever-1")):
        answer = _login(sso_server, username, password)
        assert answer.status_code == 401, (username, answer.text)
        assert answer.json()["code"] == "bad_credentials"


def test_directory_user_in_no_mapped_group_gets_a_clear_403(sso_server: LiveServer) -> None:
    answer = _login(sso_server, "karl", "Karl-pass-2026")
    assert answer.status_code == 403
    assert answer.json()["code"] == "no_mapped_group"
    assert "karl" in answer.json()["detail"] and "none of the groups" in answer.json()["detail"]


def test_group_of_another_site_grants_only_that_site(sso_server: LiveServer) -> None:
    headers = _bearer(_login(sso_server, "nora", "Nora-pass-2026"))
    assert httpx.get(sso_server.api("/auth/me"), headers=headers).json()["sites"] == ["nord"]
    refused = httpx.post(sso_server.api("/sites/demo/counters/1/call-next"), headers=headers)
    assert refused.status_code == 403
    assert refused.json()["code"] == "site_not_granted"
    allowed = httpx.post(sso_server.api("/sites/nord/counters/1/call-next"), headers=headers)
    assert allowed.status_code in (200, 204), allowed.text


def test_supervisor_group_reaches_the_sites_statistics(sso_server: LiveServer) -> None:
    headers = _bearer(_login(sso_server, "sven", "Sven-pass-2026"))
    assert httpx.get(sso_server.api("/sites/demo/stats"), headers=headers).status_code == 200
    clerk = _bearer(_login(sso_server, "alice", "Alice-pass-2026"))
    assert httpx.get(sso_server.api("/sites/demo/stats"), headers=clerk).status_code == 403


def test_local_accounts_keep_working_beside_the_directory(sso_server: LiveServer) -> None:
    assert _login(sso_server, "clerk1", "demo").status_code == 200
    # A local name is never handed to the directory, so a directory entry cannot take it over.
    assert _login(sso_server, "clerk1", "Imposter-2026").status_code == 401
