"""Fixtures for security tests: an administrator on the live demo server."""

from __future__ import annotations

import pytest

from server.auth.models import Role
from server.auth.service import add_clerk
from tests.support.live_server import LiveServer

ADMIN_PASSWORD = "admin-password-for-tests"


def add_admin(server: LiveServer, username: str = "admin1") -> None:
    """Create an administrator straight in the server's database."""
    with server.context.database.transaction() as session:
        add_clerk(session=session, username=username, password=ADMIN_PASSWORD, role=Role.admin)


@pytest.fixture
def admin_headers(live_server: LiveServer) -> dict[str, str]:
    """Authorization header of a logged-in administrator."""
    add_admin(live_server)
    return live_server.clerk_headers("admin1", ADMIN_PASSWORD)
