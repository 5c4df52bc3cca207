"""The `[sso]` table of the office file: every mistake named with its place; secrets only from env or file."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.office.loading import ConfigError, parse_office

SITE = """
[[sites]]
id = "mitte"
name = "Bürgeramt Mitte"

[[sites.services]]
id = "anmeldung"
prefix = "A"
names = { de = "Anmeldung", en = "Registration" }
"""

GOOD = SITE + """
[[sso.oidc]]
name = "keycloak"
label = "Stadt-Login"
issuer = "https://sso.stadt.example/realms/stadt"
client_id = "aufruf"
client_secret_env = "TEST_SSO_SECRET"
groups_claim = "realm_access.roles"

[sso.ldap]
url = "ldaps://dc1.stadt.example"
base_dn = "DC=stadt,DC=example"
bind_dn = "CN=svc-aufruf,OU=Dienste,DC=stadt,DC=example"
bind_password_file = "{password_file}"

[[sso.groups]]
group = "CN=Aufruf-Mitte,OU=Gruppen,DC=stadt,DC=example"
role = "clerk"
sites = ["mitte"]

[[sso.groups]]
group = "aufruf-admins"
role = "admin"
"""


def _problems(text: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_office(text, Path("office.toml"))
    return [str(problem) for problem in caught.value.problems]


@pytest.fixture
def password_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TEST_SSO_SECRET", "oidc-client-secret-value")
    path = tmp_path / "bind-password"
    path.write_text("ldap-bind-password-value\n")
    return path


def test_a_complete_table_is_read_with_secrets_from_env_and_file(password_file: Path) -> None:
    office = parse_office(GOOD.replace("{password_file}", str(password_file)), Path("office.toml"))
    assert office.sso is not None and office.sso.ldap is not None
    provider = office.sso.oidc[0]
    assert provider.client_secret is not None
    assert provider.client_secret.get_secret_value() == "oidc-client-secret-value"
    assert office.sso.ldap.bind_password is not None
    assert office.sso.ldap.bind_password.get_secret_value() == "ldap-bind-password-value"
    # Neither secret shows in the representation or the dump of the configuration.
    shown = repr(office) + str(office.model_dump())
    assert "oidc-client-secret-value" not in shown and "ldap-bind-password-value" not in shown


def test_unset_secret_variable_is_named(password_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TEST_SSO_SECRET")
    problems = _problems(GOOD.replace("{password_file}", str(password_file)))
    assert problems == ["sso.oidc[0]: client_secret_env names $TEST_SSO_SECRET, which is unset or empty"]


def test_unreadable_password_file_is_named(password_file: Path) -> None:
    problems = _problems(GOOD.replace("{password_file}", str(password_file) + ".missing"))
    assert len(problems) == 1
    assert problems[0].startswith("sso.ldap: bind_password_file ") and "cannot be read: No such file" in problems[0]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (('client_secret_env = "TEST_SSO_SECRET"', 'client_secret = "hunter2"'),
         "sso.oidc[0]: client_secret is never written into the office file: use client_secret_env or _file"),
        (('issuer = "https://sso', 'issuer = "http://sso'),
         "sso.oidc[0]: issuer 'http://sso.stadt.example/realms/stadt' must be https:// "
         "(allow_http is for loopback test set-ups)"),
        (('url = "ldaps://', 'url = "ldap://'),
         "sso.ldap: ldap:// sends passwords in clear text: use ldaps://, start_tls = true, or allow_plain"),
        (('sites = ["mitte"]', 'sites = ["nord"]'),
         "(top level): sso group 'CN=Aufruf-Mitte,OU=Gruppen,DC=stadt,DC=example' names unknown sites ['nord']; "
         "known: ['mitte']"),
        (('role = "admin"', 'role = "admin"\nsites = ["mitte"]'),
         "sso.groups[1]: group 'aufruf-admins' maps to admin, who is granted every site: drop 'sites'"),
        (('role = "clerk"\nsites = ["mitte"]', 'role = "clerk"'),
         "sso.groups[0]: group 'CN=Aufruf-Mitte,OU=Gruppen,DC=stadt,DC=example' maps to clerk: name its sites = [...]"),
        (('groups_claim', 'group_claim'), "sso.oidc[0].group_claim: Extra inputs are not permitted"),
    ],
)
def test_each_mistake_is_named_with_its_place(password_file: Path, change: tuple[str, str], expected: str) -> None:
    text = GOOD.replace("{password_file}", str(password_file)).replace(*change)
    assert _problems(text) == [expected]


def test_secret_values_never_appear_in_errors(password_file: Path) -> None:
    text = GOOD.replace("{password_file}", str(password_file)).replace('url = "ldaps://', 'url = "ldap://')
    report = "\n".join(_problems(text))
    assert "oidc-client-secret-value" not in report and "ldap-bind-password-value" not in report
