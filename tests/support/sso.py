"""Fixtures for the single sign-on tests: a real directory (slapd), a real OpenID provider (pyop), a server on both."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from server.demo import demo_office
from server.embedded import free_port
from server.office.schema import OfficeConfig
from tests.support.live_server import LiveServer, run_live_server
from tests.support.oidc_provider import CLIENT_ID, CLIENT_SECRET, Person, RunningProvider, run_provider
from tests.support.slapd import SERVICE_DN, SERVICE_PASSWORD, SUFFIX, DirectoryUser, group_dn, run_slapd

OIDC_SECRET_ENV = "AUFRUF_TEST_OIDC_CLIENT_SECRET"
LDAP_SECRET_ENV = "AUFRUF_TEST_LDAP_BIND_PASSWORD"

# The directory: a clerk and a supervisor of 'demo', a clerk of 'nord', and someone in no staff group.
DIRECTORY_USERS = [
    DirectoryUser("alice", "Alice-pass-2026", "Alice Adler", ("sachbearbeitung-demo",)),
    DirectoryUser("sven", "Sven-pass-2026", "Sven Sommer", ("leitung-demo", "sachbearbeitung-demo")),
    DirectoryUser("nora", "Nora-pass-2026", "Nora Nord", ("sachbearbeitung-nord",)),
    DirectoryUser("karl", "Karl-pass-2026", "Karl Kantine", ("kantine",)),
]
# The provider's accounts, with groups as Keycloak or Entra put them into the ID token.
PROVIDER_PEOPLE = {
    "olga": Person(password="Olga-pass-2026", name="Olga Ost", groups=["aufruf-demo-clerks"]),
    "petra": Person(password="Petra-pass-2026", name="Petra Platz", groups=["aufruf-demo-supervisors"]),
    "niko": Person(password="Niko-pass-2026", name="Niko Nord", groups=["aufruf-nord-clerks"]),
    "gast": Person(password="Gast-pass-2026", name="Gast", groups=["gaeste"]),
    "clerk1": Person(password="Imposter-2026", name="Not the local clerk1", groups=["aufruf-demo-supervisors"]),
}


@pytest.fixture(scope="session")
def directory_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """slapd with the directory users and their groups (memberOf kept by the overlay)."""
    with run_slapd(tmp_path_factory.mktemp("slapd"), DIRECTORY_USERS) as url:
        yield url


@pytest.fixture(scope="session")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningProvider]:
    """The OpenID provider with its accounts."""
    with run_provider(PROVIDER_PEOPLE, tmp_path_factory.mktemp("provider")) as running:
        yield running


def sso_table(*, provider: RunningProvider, directory_url: str) -> dict[str, object]:
    """The `[sso]` table of the office file as a test office writes it."""
    return {
        "oidc": [{
            "name": "stadt", "label": "Stadt-Login", "issuer": provider.issuer, "client_id": CLIENT_ID,
            "client_secret_env": OIDC_SECRET_ENV, "ca_file": str(provider.certificate),
        }],
        "ldap": {
            "url": directory_url, "allow_plain": True, "base_dn": SUFFIX, "bind_dn": SERVICE_DN,
            "bind_password_env": LDAP_SECRET_ENV, "user_filter": "(&(objectClass=inetOrgPerson)(uid={username}))",
            "username_attribute": "uid",
        },
        "groups": [
            {"group": group_dn("sachbearbeitung-demo"), "role": "clerk", "sites": ["demo"]},
            {"group": group_dn("leitung-demo"), "role": "supervisor", "sites": ["demo"]},
            {"group": group_dn("sachbearbeitung-nord"), "role": "clerk", "sites": ["nord"]},
            {"group": "aufruf-demo-clerks", "role": "clerk", "sites": ["demo"]},
            {"group": "aufruf-demo-supervisors", "role": "supervisor", "sites": ["demo"]},
            {"group": "aufruf-nord-clerks", "role": "clerk", "sites": ["nord"]},
        ],
    }


def two_site_office(sso: dict[str, object]) -> OfficeConfig:
    """The demo office plus a second site 'nord', signing staff in through the `[sso]` table given."""
    office = demo_office()
    nord = office.sites[0].model_copy(update={"id": "nord", "name": "Bürgerbüro Nord", "devices": []})
    return OfficeConfig.model_validate({
        "sites": [site.model_dump() for site in (office.sites[0], nord)],
        "clerks": [{**clerk.model_dump(), "sites": ["demo"]} for clerk in office.clerks],
        "sso": sso,
    })


@pytest.fixture
def sso_server(
    tmp_path: Path, directory_url: str, provider: RunningProvider, monkeypatch: pytest.MonkeyPatch
) -> Iterator[LiveServer]:
    """A live server with the two-site office, its staff signing in through the directory and the provider."""
    monkeypatch.setenv(OIDC_SECRET_ENV, CLIENT_SECRET)
    monkeypatch.setenv(LDAP_SECRET_ENV, SERVICE_PASSWORD)
    sso = sso_table(provider=provider, directory_url=directory_url)
    port = free_port()
    callback = f"http://127.0.0.1:{port}/supervisor/sso/callback"
    provider.redirect_uris.append(callback)
    try:
        with run_live_server(tmp_path, office=two_site_office(sso), port=port) as server:
            yield server
    finally:
        provider.redirect_uris.remove(callback)
