"""Checking a staff password against LDAP or Active Directory by binding as the person."""

from __future__ import annotations

import logging
import ssl

from ldap3 import NONE, SUBTREE, Connection, Server, Tls
from ldap3.core.exceptions import LDAPBindError, LDAPException, LDAPInvalidCredentialsResult
from ldap3.utils.conv import escape_filter_chars

from server.auth.sso.config import LdapDirectory
from server.auth.sso.mapping import ExternalIdentity
from server.errors import DomainError, Unauthorized

log = logging.getLogger(__name__)


class DirectoryUnavailable(DomainError):
    """The directory cannot be reached or refuses the service account; retry later."""

    status_code = 503
    code = "directory_unavailable"


def _server(directory: LdapDirectory) -> Server:
    """The directory server, with TLS checked against the configured CA (or the system's)."""
    tls = Tls(validate=ssl.CERT_REQUIRED, ca_certs_file=str(directory.ca_file) if directory.ca_file else None)
    return Server(directory.url, get_info=NONE, tls=tls, connect_timeout=directory.timeout_seconds)


def _connect(server: Server, directory: LdapDirectory, user: str, password: str) -> Connection:
    """A bound connection; LDAPBindError when the credentials are refused."""
    connection = Connection(
        server, user=user, password=password, receive_timeout=directory.timeout_seconds, raise_exceptions=True
    )
    connection.open()
    if directory.start_tls:
        connection.start_tls()
    connection.bind()
    return connection


def _wrong() -> Unauthorized:
    return Unauthorized("Wrong username or password.", code="bad_credentials")


def _attribute(entry: dict[str, list[str] | str], name: str) -> list[str]:
    """An attribute's values as strings, attribute names compared without case."""
    for key, value in entry.items():
        if key.casefold() == name.casefold():
            return [str(v) for v in value] if isinstance(value, list) else [str(value)]
    return []


def authenticate(*, directory: LdapDirectory, username: str, password: str) -> ExternalIdentity:
    """Bind as the person (found by search, or named by the bind template) and read their groups."""
    if not password or any(ch in username for ch in "\x00*()\\,=+<>;\"#"):
        # An empty password is an anonymous bind to LDAP: it must never count as a sign-in.
        raise _wrong()
    server = _server(directory)
    wanted = [directory.username_attribute, directory.display_name_attribute, directory.group_attribute]
    user_filter = directory.user_filter.format(username=escape_filter_chars(username))
    try:
        if directory.mode == "search":
            assert directory.bind_dn is not None and directory.bind_password is not None
            try:
                service = _connect(server, directory, directory.bind_dn, directory.bind_password.get_secret_value())
            except (LDAPBindError, LDAPInvalidCredentialsResult):
                log.error("LDAP: the service account %s was refused", directory.bind_dn)
                raise DirectoryUnavailable("The staff directory refused Aufruf's service account.") from None
            with service:
                service.search(directory.base_dn, user_filter, SUBTREE, attributes=wanted, size_limit=2)
                found = list(service.response or [])
            entries = [item for item in found if item.get("type") == "searchResEntry"]
            if len(entries) != 1:
                raise _wrong()
            user_dn = entries[0]["dn"]
            entry = entries[0]["attributes"]
            with _connect(server, directory, user_dn, password):
                pass
        else:
            assert directory.bind_template is not None
            with _connect(server, directory, directory.bind_template.format(username=username), password) as own:
                own.search(directory.base_dn, user_filter, SUBTREE, attributes=wanted, size_limit=2)
                entries = [item for item in own.response or [] if item.get("type") == "searchResEntry"]
            if len(entries) != 1:
                raise _wrong()
            entry = entries[0]["attributes"]
    except (LDAPBindError, LDAPInvalidCredentialsResult):
        raise _wrong() from None
    except LDAPException as error:
        log.error("LDAP: %s unreachable or failing: %s", directory.url, type(error).__name__)
        raise DirectoryUnavailable("The staff directory cannot be reached; try again shortly.") from None
    name = next(iter(_attribute(entry, directory.username_attribute)), username)
    display = next(iter(_attribute(entry, directory.display_name_attribute)), name)
    return ExternalIdentity(
        source="ldap", username=name, display_name=display,
        groups=frozenset(_attribute(entry, directory.group_attribute)),
    )
