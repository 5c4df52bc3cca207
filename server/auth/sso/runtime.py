"""What one server process knows about single sign-on: the configuration and a client per provider."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session, select

from server.auth.models import Clerk
from server.auth.sso.accounts import provision_staff
from server.auth.sso.config import LdapDirectory, SsoConfig
from server.auth.sso.mapping import ExternalIdentity, map_groups
from server.auth.sso.oidc import OidcClient
from server.auth.tokens import create_staff_token
from server.errors import NotFound


@dataclass
class SsoRuntime:
    """The `[sso]` table of the office file, ready to use; empty when staff only have local accounts."""

    config: SsoConfig | None = None
    clients: dict[str, OidcClient] = field(default_factory=dict)

    @classmethod
    def from_config(cls, config: SsoConfig | None) -> SsoRuntime:
        """A client for each configured provider."""
        clients = {p.name: OidcClient(p) for p in config.oidc} if config else {}
        return cls(config=config, clients=clients)

    @property
    def directory(self) -> LdapDirectory | None:
        """The LDAP directory, if one is configured."""
        return self.config.ldap if self.config else None

    def client(self, name: str) -> OidcClient:
        """The provider of that name."""
        found = self.clients.get(name)
        if found is None:
            raise NotFound(f"No sign-in provider '{name}'; known: {sorted(self.clients) or 'none'}.",
                           code="unknown_provider")
        return found

    def sign_in(
        self, *, session: Session, identity: ExternalIdentity, secret: str, now: datetime, minutes: int
    ) -> tuple[Clerk, str]:
        """Map the identity's groups, refresh its staff account and issue the usual staff token."""
        assert self.config is not None
        grant = map_groups(identity=identity, mappings=self.config.groups)
        clerk = provision_staff(session=session, identity=identity, grant=grant)
        token = create_staff_token(username=clerk.username, role=clerk.role, secret=secret, now=now, minutes=minutes)
        return clerk, token


def is_local_account(*, session: Session, username: str) -> bool:
    """Tell whether a password for this name is checked here rather than by the directory."""
    clerk = session.exec(select(Clerk).where(Clerk.username == username)).first()
    return clerk is not None and clerk.source == "local"


def get_sso(request: Request) -> SsoRuntime:
    """The application's single sign-on set-up."""
    runtime: SsoRuntime = getattr(request.app.state, "sso", None) or SsoRuntime()
    return runtime


SsoDep = Annotated[SsoRuntime, Depends(get_sso)]
