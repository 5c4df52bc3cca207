"""The audit trail: logins, failures, role changes, device token changes and clerk actions."""

from __future__ import annotations

import httpx

from tests.security.conftest import ADMIN_PASSWORD, add_admin
from tests.support.live_server import LiveServer


def test_security_actions_are_audited_for_admins_only(live_server: LiveServer) -> None:
    add_admin(live_server)
    httpx.post(live_server.api("/auth/login"), json={"username": "clerk1", "password": "wrong-one"})
    admin = live_server.clerk_headers("admin1", ADMIN_PASSWORD)
    httpx.patch(live_server.api("/admin/users/clerk2"), json={"role": "supervisor"}, headers=admin).raise_for_status()
    httpx.post(live_server.api("/devices/demo-display/rotate"), headers=admin).raise_for_status()
    httpx.post(live_server.api("/devices/demo-display/revoke"), headers=admin).raise_for_status()

    rows = httpx.get(live_server.api("/admin/audit"), headers=admin).json()
    actions = [(r["action"], r["actor"], r["target"]) for r in reversed(rows)]
    assert actions == [
        ("login.failed", "anonymous", "clerk1"),
        ("login", "clerk:admin1", ""),
        ("user.role_changed", "clerk:admin1", "clerk2"),
        ("device.rotated", "clerk:admin1", "demo-display"),
        ("device.revoked", "clerk:admin1", "demo-display"),
    ]
    assert rows[2]["detail"] == {"from": "clerk", "to": "supervisor"}
    assert all(r["address"] == "127.0.0.1" for r in rows)
    assert "wrong-one" not in str(rows)
    only = httpx.get(live_server.api("/admin/audit?action=login.failed"), headers=admin).json()
    assert [r["target"] for r in only] == ["clerk1"]
    supervisor = live_server.clerk_headers("super1")
    assert httpx.get(live_server.api("/admin/audit"), headers=supervisor).status_code == 403


def test_clerk_actions_come_from_the_event_log(live_server: LiveServer) -> None:
    add_admin(live_server)
    kiosk = live_server.kiosk_headers
    httpx.post(live_server.api("/sites/demo/tickets"), json={"service": "meldebescheinigung"}, headers=kiosk)
    clerk = live_server.clerk_headers("clerk1")
    called = httpx.post(live_server.api("/counters/1/call-next"), headers=clerk).json()
    httpx.post(live_server.api("/counters/1/finish"), headers=clerk).raise_for_status()
    admin = live_server.clerk_headers("admin1", ADMIN_PASSWORD)
    rows = httpx.get(live_server.api("/admin/sites/demo/clerk-actions?actor=clerk:clerk1"), headers=admin).json()
    tickets = [(r["type"], r["number"]) for r in rows if r["type"].startswith("ticket.")]
    assert tickets == [("ticket.finished", called["number"]), ("ticket.called", called["number"])]
    assert all(r["actor"] == "clerk:clerk1" for r in rows)
    assert all(r["counter"] == "1" for r in rows if r["type"].startswith(("ticket.", "counter.")))
    missing = httpx.get(live_server.api("/admin/sites/nowhere/clerk-actions"), headers=admin)
    assert missing.status_code == 404
