"""The status page's HTTP routes without a browser: rendering, headers, 404s, cancelling, assets."""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from server.clock import ManualClock
from tests.status_page.office import Office
from tests.support.live_server import LiveServer, run_live_server


def state_of(html: str) -> dict[str, object]:
    """The JSON the page hands to its script."""
    match = re.search(r'<script id="aufruf-state" type="application/json">(.*?)</script>', html, re.S)
    assert match is not None
    return dict(json.loads(match.group(1)))


def test_page_shows_the_ticket_in_the_kiosk_language(office: Office) -> None:
    """Number, service, people ahead and wait range are in the HTML itself, in Turkish."""
    office.open_counter("3")
    office.draw()
    office.draw()
    mine = office.draw(language="tr")
    # The kiosk showed what a new arrival was shown; the page shows the range recomputed with the ticket in line.
    office.settled()
    response = httpx.get(mine["status_url"])
    assert response.status_code == 200
    html = response.text
    assert '<html lang="tr" dir="ltr">' in html
    assert mine["number"] in html
    assert "Adres kaydı / değişikliği" in html
    assert re.search(r'<dd id="ahead" class="big">2</dd>', html)
    lo, hi = office.ticket(mine["token"])["eta_minutes"]
    assert f"{lo}–{hi} dk." in html
    state = state_of(html)
    assert state["token"] == mine["token"]
    assert state["site"] == {"near_turn_alert": 3, "timezone": "Europe/Berlin"}


def test_page_headers_forbid_inline_code_and_referrers(office: Office) -> None:
    """CSP without inline script or style, no referrer, no caching of the token page."""
    mine = office.draw()
    headers = httpx.get(mine["status_url"]).headers
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["cache-control"] == "no-store"
    assert headers["x-content-type-options"] == "nosniff"


def test_page_carries_no_personal_data_and_no_inline_script(office: Office) -> None:
    """Only the ticket's public fields reach the page; every script is a file of this server."""
    mine = office.draw()
    html = httpx.get(mine["status_url"]).text
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    executable = [attrs for attrs, body in scripts if 'type="application/json"' not in attrs]
    assert executable
    assert all('src="/status-page/' in attrs and not body for attrs, body in scripts if attrs in executable)
    ticket = state_of(html)["ticket"]
    assert isinstance(ticket, dict)
    assert set(ticket) <= {
        "id", "number", "service", "service_name", "status", "position", "people_ahead", "eta_minutes",
        "issued_at", "called_at", "counter", "counter_name", "language", "recalls", "site", "appointment",
        "wait_outside", "visual_call", "served_now", "served_from", "served_from_time", "counter_location",
        "channel",  # kiosk or remote: how the ticket was drawn, never by whom
    }
    assert "http://" not in html.split("<body", 1)[1], "no absolute links to anywhere"


@pytest.mark.parametrize(("asked", "expected_lang", "expected_dir"), [("ar", "ar", "rtl"), ("xx", "de", "ltr")])
def test_language_parameter(office: Office, asked: str, expected_lang: str, expected_dir: str) -> None:
    """?lang= picks a site language; anything else falls back to the ticket's language."""
    mine = office.draw(language="de")
    html = httpx.get(mine["status_url"], params={"lang": asked}).text
    assert f'<html lang="{expected_lang}" dir="{expected_dir}">' in html


def test_every_locale_has_every_message() -> None:
    """The six languages and Leichte Sprache define the same keys with the same placeholders."""
    from server.status_page.texts import catalog

    texts = catalog()
    assert texts.languages == ["de", "en", "ar", "de-x-ls", "ru", "tr", "uk"]
    assert texts.missing() == {}
    for key in texts.messages["de"]:
        placeholders = {frozenset(re.findall(r"\{\w+\}", texts.messages[lang][key])) for lang in texts.languages}
        assert len(placeholders) == 1, key


@pytest.mark.parametrize("token", ["unknown", "A" * 32, "x" * 300, "..%2F..%2Fetc"])
def test_unknown_tokens_get_the_same_friendly_404(live_server: LiveServer, token: str) -> None:
    """Any unknown token: 404, the same page, nothing echoed back."""
    response = httpx.get(f"{live_server.url}/t/{token}", headers={"accept-language": "en-GB,en;q=0.8"})
    assert response.status_code == 404
    assert "Ticket not found" in response.text
    assert token not in response.text
    assert response.headers["referrer-policy"] == "no-referrer"


@pytest.fixture
def clocked_server(tmp_path: Path) -> Iterator[tuple[LiveServer, ManualClock]]:
    """The demo office on a clock the test moves."""
    clock = ManualClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    with run_live_server(tmp_path, clock=clock) as server:
        yield server, clock


def test_yesterdays_ticket_is_expired(clocked_server: tuple[LiveServer, ManualClock]) -> None:
    """A ticket of an earlier day answers like an unknown one."""
    server, clock = clocked_server
    mine = Office(server).draw()
    assert httpx.get(mine["status_url"]).status_code == 200
    clock.advance(timedelta(days=1))
    response = httpx.get(mine["status_url"])
    assert response.status_code == 404
    assert mine["number"] not in response.text


def test_cancel_without_script_asks_then_cancels(office: Office) -> None:
    """The no-script path: a confirmation page, then a form post that gives the ticket up."""
    mine = office.draw(language="en")
    confirm = httpx.get(f"{mine['status_url']}/cancel", params={"lang": "en"})
    assert confirm.status_code == 200 and "Do you really want to give up your place?" in confirm.text
    assert office.status(mine["token"]) == "waiting"
    response = httpx.post(f"{mine['status_url']}/cancel", params={"lang": "en"})
    assert response.status_code == 303
    assert response.headers["location"] == f"/t/{mine['token']}?lang=en"
    assert office.status(mine["token"]) == "cancelled"
    page = httpx.get(mine["status_url"], params={"lang": "en"}).text
    assert "You gave up this ticket." in page and 'id="cancel" class="cancel" hidden' in page
    # A second post changes nothing and still lands on the page.
    assert httpx.post(f"{mine['status_url']}/cancel").status_code == 303


def test_assets_are_compressed_and_cacheable(live_server: LiveServer) -> None:
    """Script and style come gzipped with a strong ETag; a revalidation is a 304."""
    for name in ("status.js", "status.css"):
        url = f"{live_server.url}/status-page/{name}"
        with httpx.Client() as client:
            response = client.get(url, headers={"accept-encoding": "gzip"})
        assert response.status_code == 200 and response.headers["content-encoding"] == "gzip"
        assert "immutable" in response.headers["cache-control"]
        assert int(response.headers["content-length"]) < len(response.content)
        raw = httpx.get(url, headers={"accept-encoding": "identity"})
        assert gzip.decompress(gzip.compress(raw.content)) == response.content
        again = httpx.get(url, headers={"if-none-match": response.headers["etag"]})
        assert again.status_code == 304
    assert httpx.get(f"{live_server.url}/status-page/..%2Fpage.py").status_code == 404
    sw = httpx.get(f"{live_server.url}/t/sw.js")
    assert sw.status_code == 200 and "showNotification" in sw.text
