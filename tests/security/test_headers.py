"""Secure headers on every page and answer; CORS closed unless an origin is allowed."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.support.live_server import LiveServer, free_port, run_live_server

BASE = {"x-content-type-options": "nosniff", "x-frame-options": "DENY", "referrer-policy": "no-referrer"}


def _has_base(response: httpx.Response) -> None:
    for name, value in BASE.items():
        assert response.headers.get(name) == value, (response.url, name)


def test_every_kind_of_answer_carries_the_base_headers(live_server: LiveServer) -> None:
    for path in ("/api/v1/health", "/api/v1/sites/demo/services", "/display/demo", "/t/unknown-token", "/nowhere"):
        _has_base(httpx.get(live_server.url + path))
    assert "strict-transport-security" not in httpx.get(live_server.api("/health")).headers  # plain http


def test_html_pages_get_a_policy_and_keep_their_own(live_server: LiveServer) -> None:
    display = httpx.get(f"{live_server.url}/display/demo").headers["content-security-policy"]
    assert "frame-ancestors 'none'" in display and "script-src" not in display  # default-src 'self' rules
    status = httpx.get(f"{live_server.url}/t/unknown-token").headers["content-security-policy"]
    assert status.startswith("default-src 'none'")  # the status page's stricter own policy is kept
    docs = httpx.get(f"{live_server.url}/docs").headers["content-security-policy"]
    assert "https://cdn.jsdelivr.net" in docs and "frame-ancestors 'none'" in docs
    assert "content-security-policy" not in httpx.get(live_server.api("/health")).headers  # JSON needs none


def test_https_public_url_turns_on_hsts(tmp_path: Path) -> None:
    port = free_port()
    with run_live_server(tmp_path, port=port, public_url=f"https://aufruf.example:{port}") as server:
        hsts = httpx.get(server.api("/health")).headers["strict-transport-security"]
        assert hsts == "max-age=31536000; includeSubDomains"


def test_cors_is_closed_by_default(live_server: LiveServer) -> None:
    preflight = httpx.options(
        live_server.api("/counters/1/call-next"),
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in preflight.headers
    simple = httpx.get(live_server.api("/sites/demo/services"), headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in simple.headers


def test_cors_allow_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUFRUF_SECURITY_CORS_ORIGINS", "https://intranet.example, https://portal.example:8443")
    with run_live_server(tmp_path) as server:
        asked = {"Origin": "https://intranet.example", "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "authorization"}
        allowed = httpx.options(server.api("/counters/1/call-next"), headers=asked)
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == "https://intranet.example"
        assert "access-control-allow-credentials" not in allowed.headers  # bearer tokens, never cookies
        refused = httpx.options(server.api("/counters/1/call-next"), headers={**asked, "Origin": "https://x.example"})
        assert "access-control-allow-origin" not in refused.headers


def test_a_wildcard_origin_is_refused_at_start_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUFRUF_SECURITY_CORS_ORIGINS", "*")
    with pytest.raises(ValueError, match="exact origins"), run_live_server(tmp_path):
        pass
