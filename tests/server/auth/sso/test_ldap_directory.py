"""The directory check on its own against slapd: both ways to bind, and what must never count as a sign-in."""

from __future__ import annotations

import pytest

from server.auth.sso.config import LdapDirectory
from server.auth.sso.ldap import DirectoryUnavailable, authenticate
from server.embedded import free_port
from server.errors import Unauthorized
from tests.support.slapd import SERVICE_DN, SERVICE_PASSWORD, SUFFIX, group_dn

FILTER = "(&(objectClass=inetOrgPerson)(uid={username}))"


def _search(url: str, monkeypatch: pytest.MonkeyPatch, password: str = SERVICE_PASSWORD) -> LdapDirectory:
    monkeypatch.setenv("TEST_BIND_PASSWORD", password)
    return LdapDirectory(
        url=url, allow_plain=True, base_dn=SUFFIX, bind_dn=SERVICE_DN, bind_password_env="TEST_BIND_PASSWORD",
        user_filter=FILTER, username_attribute="uid",
    )


def test_search_then_bind_reads_name_and_groups(directory_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    person = authenticate(directory=_search(directory_url, monkeypatch), username="sven", password="Sven-pass-2026")
    assert person.username == "sven" and person.display_name == "Sven Sommer" and person.source == "ldap"
    assert person.groups == {group_dn("leitung-demo"), group_dn("sachbearbeitung-demo")}


def test_direct_bind_with_a_template(directory_url: str) -> None:
    directory = LdapDirectory(
        url=directory_url, allow_plain=True, base_dn=SUFFIX, mode="direct",
        bind_template=f"uid={{username}},ou=people,{SUFFIX}", user_filter=FILTER, username_attribute="uid",
    )
    person = authenticate(directory=directory, username="nora", password="Nora-pass-2026")
    assert person.groups == {group_dn("sachbearbeitung-nord")}
    with pytest.raises(Unauthorized):
        authenticate(directory=directory, username="nora", password="Nora-pass-2025")


@pytest.mark.parametrize(
    ("username", "password"),
    [
        ("alice", ""),  # an empty password would be an anonymous bind, which LDAP "accepts"
        ("*", "Alice-pass-2026"),  # a wildcard must not find somebody
        ("alice)(uid=*", "Alice-pass-2026"),  # nor a filter injection
        ("ghost", "Alice-pass-2026"),
        ("alice", "alice-pass-2026"),
    ],
)
def test_never_a_sign_in(directory_url: str, monkeypatch: pytest.MonkeyPatch, username: str, password: str) -> None:
    with pytest.raises(Unauthorized):
        authenticate(directory=_search(directory_url, monkeypatch), username=username, password=password)


def test_refused_service_account_is_the_directorys_fault(directory_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    directory = _search(directory_url, monkeypatch, password="not-the-service-password")
    with pytest.raises(DirectoryUnavailable) as caught:
        authenticate(directory=directory, username="alice", password="Alice-pass-2026")
    assert caught.value.status_code == 503


def test_unreachable_directory_answers_503(monkeypatch: pytest.MonkeyPatch) -> None:
    directory = _search(f"ldap://127.0.0.1:{free_port()}", monkeypatch)
    with pytest.raises(DirectoryUnavailable):
        authenticate(directory=directory, username="alice", password="Alice-pass-2026")
