"""The single sign-on fixtures: slapd, the OpenID provider and a server signing staff in with both."""

from tests.support.sso import directory_url, provider, sso_server  # noqa: F401
