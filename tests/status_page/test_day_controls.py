"""A citizen's phone when a supervisor closes or moves their service: the message, the new line, the same number."""

from __future__ import annotations

import httpx
from playwright.sync_api import BrowserContext, expect

from tests.status_page.office import Office
from tests.status_page.test_page_browser import open_page
from tests.support.live_server import LiveServer

MESSAGE = {
    "de": "Wegen einer Störung heute keine neuen Nummern; Sie werden noch bedient.",
    "en": "Due to a fault no new tickets today; you will still be served.",
}


def test_the_phone_shows_the_closure_message_and_follows_a_move(
    phone: BrowserContext, office: Office, live_server: LiveServer
) -> None:
    mine = office.draw(service="ausweis", language="en")
    page = open_page(phone, mine["status_url"])
    expect(page.locator("#office-message")).to_be_hidden()
    supervisor = live_server.clerk_headers("super1")
    closed = httpx.post(
        live_server.api("/sites/demo/services/ausweis/close"), json={"message": MESSAGE}, headers=supervisor
    )
    assert closed.status_code == 200
    expect(page.locator("#office-message")).to_have_text(MESSAGE["en"])
    expect(page.locator("#status")).to_have_text("Waiting")
    # Opened afresh, the page still says it.
    again = open_page(phone, mine["status_url"])
    expect(again.locator("#office-message")).to_have_text(MESSAGE["en"])
    moved = httpx.post(
        live_server.api("/sites/demo/services/ausweis/move"), json={"to": "anmeldung"}, headers=supervisor
    )
    assert moved.json()["moved"] == [mine["number"]]
    expect(page.locator("#service")).to_contain_text("Registering an address")
    expect(page.locator("#number")).to_have_text(mine["number"])
    expect(page.locator("#office-message")).to_be_hidden()
