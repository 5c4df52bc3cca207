"""The `[sso]` table of the office file: providers, the directory and how groups map to roles and sites."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

NAME = r"^[a-z0-9][a-z0-9_-]{0,39}$"


class _Strict(BaseModel):
    """Unknown keys are errors: a typo in a security setting must not pass silently."""

    model_config = ConfigDict(extra="forbid")


def read_secret(*, what: str, env: str | None, file: Path | None) -> SecretStr:
    """A secret named by an environment variable or a file, never written into the office file itself."""
    if (env is None) == (file is None):
        raise ValueError(f"give exactly one of {what}_env or {what}_file (the secret itself never goes here)")
    if env is not None:
        value = os.environ.get(env, "")
        if not value.strip():
            raise ValueError(f"{what}_env names ${env}, which is unset or empty")
        return SecretStr(value.strip())
    assert file is not None
    try:
        value = file.read_text(encoding="utf-8").strip()
    except OSError as error:
        raise ValueError(f"{what}_file {str(file)!r} cannot be read: {error.strerror or error}") from None
    if not value:
        raise ValueError(f"{what}_file {str(file)!r} is empty")
    return SecretStr(value)


class OidcProvider(_Strict):
    """One OpenID Connect provider (Keycloak realm, Entra ID tenant, ADFS farm)."""

    name: str = Field(pattern=NAME)
    label: str = Field(min_length=1, max_length=60)
    issuer: str
    client_id: str = Field(min_length=1)
    client_secret_env: str | None = None
    client_secret_file: Path | None = None
    scopes: list[str] = Field(default_factory=lambda: ["openid", "profile", "email"])
    username_claim: str = "preferred_username"
    # A dotted path into the ID token: "groups", "roles", Keycloak's "realm_access.roles".
    groups_claim: str = "groups"
    # Where the provider's certificate chain is (an internal CA); empty uses the system's trust store.
    ca_file: Path | None = None
    # Only for test set-ups on loopback: a production issuer must be https.
    allow_http: bool = False
    client_secret: SecretStr | None = Field(default=None, exclude=True)

    @field_validator("scopes")
    @classmethod
    def _openid_scope(cls, scopes: list[str]) -> list[str]:
        if "openid" not in scopes:
            raise ValueError('must include "openid"')
        return scopes

    @model_validator(mode="after")
    def _secure_and_secret(self) -> Self:
        if self.client_secret is not None:
            raise ValueError("client_secret is never written into the office file: use client_secret_env or _file")
        if not re.match(r"^https?://[^/?#]+", self.issuer):
            raise ValueError(f"issuer {self.issuer!r} is not a URL")
        if self.issuer.startswith("http://") and not self.allow_http:
            raise ValueError(f"issuer {self.issuer!r} must be https:// (allow_http is for loopback test set-ups)")
        self.client_secret = read_secret(what="client_secret", env=self.client_secret_env, file=self.client_secret_file)
        return self


class LdapDirectory(_Strict):
    """An LDAP directory or Active Directory that checks staff passwords by binding as them."""

    url: str
    # search: bind as a service account, find the user's entry, bind as it. direct: bind with bind_template.
    mode: Literal["search", "direct"] = "search"
    base_dn: str = Field(min_length=1)
    user_filter: str = "(&(objectClass=person)(sAMAccountName={username}))"
    # direct mode: "{username}@stadt.example" (Active Directory UPN) or "uid={username},ou=people,dc=…".
    bind_template: str | None = None
    bind_dn: str | None = None
    bind_password_env: str | None = None
    bind_password_file: Path | None = None
    username_attribute: str = "sAMAccountName"
    display_name_attribute: str = "displayName"
    group_attribute: str = "memberOf"
    start_tls: bool = False
    ca_file: Path | None = None
    # Only for test set-ups on loopback: passwords must not cross a network in clear text.
    allow_plain: bool = False
    timeout_seconds: int = Field(default=5, ge=1, le=60)
    bind_password: SecretStr | None = Field(default=None, exclude=True)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.bind_password is not None:
            raise ValueError("bind_password is never written into the office file: use bind_password_env or _file")
        if not self.url.startswith(("ldap://", "ldaps://")):
            raise ValueError(f"url {self.url!r} must start with ldap:// or ldaps://")
        if self.url.startswith("ldap://") and not (self.start_tls or self.allow_plain):
            raise ValueError("ldap:// sends passwords in clear text: use ldaps://, start_tls = true, or allow_plain")
        if "{username}" not in self.user_filter:
            raise ValueError("user_filter must contain {username}")
        if self.mode == "search":
            if not self.bind_dn:
                raise ValueError("search mode needs bind_dn (the service account) and bind_password_env or _file")
            self.bind_password = read_secret(
                what="bind_password", env=self.bind_password_env, file=self.bind_password_file
            )
        elif not self.bind_template or "{username}" not in self.bind_template:
            raise ValueError('direct mode needs bind_template with {username}, e.g. "{username}@stadt.example"')
        return self


class GroupMapping(_Strict):
    """Members of `group` (a DN, a group name or an ID from the token) get `role` at `sites`."""

    group: str = Field(min_length=1)
    role: Literal["clerk", "supervisor", "admin"] = "clerk"
    sites: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _sites_unless_admin(self) -> Self:
        if self.role == "admin" and self.sites:
            raise ValueError(f"group {self.group!r} maps to admin, who is granted every site: drop 'sites'")
        if self.role != "admin" and not self.sites:
            raise ValueError(f"group {self.group!r} maps to {self.role}: name its sites = [...]")
        return self


class SsoConfig(_Strict):
    """Every way staff may sign in besides local accounts."""

    oidc: list[OidcProvider] = Field(default_factory=list)
    ldap: LdapDirectory | None = None
    groups: list[GroupMapping] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_names(self) -> Self:
        names = [provider.name for provider in self.oidc]
        doubled = sorted({name for name in names if names.count(name) > 1})
        if doubled:
            raise ValueError(f"provider name {doubled[0]!r} appears more than once")
        return self
