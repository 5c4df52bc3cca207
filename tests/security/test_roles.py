"""Every role boundary: kiosk, display, clerk, supervisor and admin each reach exactly their endpoints."""

from __future__ import annotations

import httpx

from server.demo import DEMO_DISPLAY_TOKEN, DEMO_KIOSK_TOKEN
from tests.security.conftest import ADMIN_PASSWORD, add_admin
from tests.support.live_server import LiveServer

# (method, path, json body): one representative per protection level.
CLERK_ONLY = ("GET", "/counters/1", None)
SUPERVISOR_ONLY = ("GET", "/sites/demo/stats", None)
ADMIN_ONLY = [
    ("GET", "/admin/users", None),
    ("GET", "/admin/devices", None),
    ("GET", "/admin/audit", None),
    ("GET", "/admin/sites/demo/clerk-actions", None),
    ("POST", "/admin/users", {"username": "new1", "password": "long-enough-pw", "role": "clerk"}),
    ("PATCH", "/admin/users/clerk2", {"display_name": "Zwei"}),
    ("POST", "/devices/demo-display/rotate", None),
]
KIOSK_ONLY = ("POST", "/sites/demo/tickets", {"service": "meldebescheinigung"})


def _status(server: LiveServer, call: tuple[str, str, object], headers: dict[str, str]) -> int:
    method, path, body = call
    return httpx.request(method, server.api(path), json=body, headers=headers).status_code


def test_role_matrix(live_server: LiveServer) -> None:
    add_admin(live_server)
    who = {
        "nobody": {},
        "kiosk": {"Authorization": f"Bearer {DEMO_KIOSK_TOKEN}"},
        "display": {"Authorization": f"Bearer {DEMO_DISPLAY_TOKEN}"},
        "clerk": live_server.clerk_headers("clerk1"),
        "supervisor": live_server.clerk_headers("super1"),
        "admin": live_server.clerk_headers("admin1", ADMIN_PASSWORD),
    }
    for name, headers in who.items():
        allowed_staff = name in ("clerk", "supervisor", "admin")
        code = _status(live_server, CLERK_ONLY, headers)
        assert (code == 200) == allowed_staff, (name, code)
        code = _status(live_server, SUPERVISOR_ONLY, headers)
        assert (code == 200) == (name in ("supervisor", "admin")), (name, code)
        for call in ADMIN_ONLY:
            code = _status(live_server, call, headers)
            if name == "admin":
                assert code in (200, 201), (call, code)
            else:
                assert code == (401 if name in ("nobody", "kiosk", "display") else 403), (name, call, code)
        code = _status(live_server, KIOSK_ONLY, headers)
        expected = {"kiosk": 201, "display": 403, "nobody": 401}.get(name, 401)
        assert code == expected, (name, code)


def test_role_changes_take_effect_on_the_next_request(live_server: LiveServer) -> None:
    add_admin(live_server)
    admin = live_server.clerk_headers("admin1", ADMIN_PASSWORD)
    clerk = live_server.clerk_headers("clerk2")
    assert httpx.get(live_server.api("/sites/demo/stats"), headers=clerk).status_code == 403
    promoted = httpx.patch(live_server.api("/admin/users/clerk2"), json={"role": "supervisor"}, headers=admin)
    assert promoted.status_code == 200 and promoted.json()["role"] == "supervisor"
    assert httpx.get(live_server.api("/sites/demo/stats"), headers=clerk).status_code == 200  # same token
    httpx.patch(live_server.api("/admin/users/clerk2"), json={"active": False}, headers=admin).raise_for_status()
    assert httpx.post(live_server.api("/counters/1/pause"), headers=clerk).status_code == 401


def test_admins_cannot_lock_themselves_out_and_bad_input_is_4xx(live_server: LiveServer) -> None:
    add_admin(live_server)
    admin = live_server.clerk_headers("admin1", ADMIN_PASSWORD)
    own = httpx.patch(live_server.api("/admin/users/admin1"), json={"role": "clerk"}, headers=admin)
    assert own.status_code == 409 and own.json()["code"] == "self_demotion"
    short = httpx.post(live_server.api("/admin/users"), json={"username": "x", "password": "short"}, headers=admin)
    assert short.status_code == 422
    twice = {"username": "clerk1", "password": "long-enough-pw"}
    assert httpx.post(live_server.api("/admin/users"), json=twice, headers=admin).status_code == 409
    bad_role = httpx.patch(live_server.api("/admin/users/clerk1"), json={"role": "root"}, headers=admin)
    assert bad_role.status_code == 422
    assert httpx.patch(live_server.api("/admin/users/ghost"), json={}, headers=admin).status_code == 404


def test_a_long_passphrase_is_judged_like_any_other(live_server: LiveServer) -> None:
    add_admin(live_server)
    admin = live_server.clerk_headers("admin1", ADMIN_PASSWORD)
    # Longer than zxcvbn takes, within the 256 characters the schema allows.
    phrase = "Im Bürgeramt Mitte wartet niemand mehr lange, seit die Nummern am Bildschirm stehen und klingen"
    assert len(phrase) > 72
    made = httpx.post(
        live_server.api("/admin/users"), json={"username": "lang1", "password": phrase}, headers=admin
    )
    assert made.status_code == 201, made.text
    assert live_server.clerk_headers("lang1", phrase)["Authorization"].startswith("Bearer ")
    repeated = httpx.patch(live_server.api("/admin/users/lang1"), json={"password": "0" * 200}, headers=admin)
    assert repeated.status_code == 422 and repeated.json()["code"] == "weak_password"
    # The schema tells the shortest password the server takes.
    schema = httpx.get(f"{live_server.url}/openapi.json").json()["components"]["schemas"]
    assert schema["UserIn"]["properties"]["password"]["minLength"] == 10
