"""The supervisor page's controls for the day, done in headless Chromium against a real server."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
from playwright.sync_api import Page, expect

from tests.supervisor_page.test_page_browser import log_in
from tests.support.live_server import LiveServer


def public_services(server: LiveServer) -> dict[str, dict[str, object]]:
    """What kiosks see of each service."""
    return {s["id"]: s for s in httpx.get(server.api("/sites/demo/services")).json()}


def public_service_soon(server: LiveServer, service: str, wanted: Callable[[dict[str, object]], bool]) -> None:
    """Wait until kiosks see the service as wanted: the list is served from memory, which follows the write's
    events a moment after its answer."""
    deadline = time.monotonic() + 5
    while not wanted(shown := public_services(server)[service]):
        assert time.monotonic() < deadline, shown
        time.sleep(0.02)


def draw(server: LiveServer, service: str) -> dict[str, object]:
    """A kiosk ticket."""
    response = httpx.post(server.api("/sites/demo/tickets"), json={"service": service}, headers=server.kiosk_headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_each_control_from_the_page(page: Page, live_server: LiveServer) -> None:
    first = draw(live_server, "ausweis")
    second = draw(live_server, "ausweis")
    clerk = {**live_server.clerk_headers("clerk1"), "X-Aufruf-Workstation": "desk-3"}
    assert httpx.post(live_server.api("/counters/3/open"), json={}, headers=clerk).status_code == 200
    log_in(page, live_server)
    controls = page.locator("#day-controls")
    expect(controls).to_have_attribute("data-loaded", "true")
    status = page.locator("#controls-status")

    # Close a service for today: German and English are asked for; the kiosk then refuses with the message.
    form = page.locator("#close-service-form")
    form.get_by_label("Anliegen").select_option("ausweis")
    form.get_by_label("Text auf Deutsch").fill("Wegen einer Störung heute keine Ausweise mehr.")
    form.get_by_role("button", name="Für heute schließen").click()
    expect(form.get_by_label("Text auf Englisch")).to_have_js_property("validity.valueMissing", True)
    public_service_soon(live_server, "ausweis", lambda s: s["open"] is True)
    form.get_by_label("Text auf Englisch").fill("Due to a fault no more ID cards today.")
    form.locator("summary").click()
    form.get_by_label("Text auf Türkisch").fill("Bir arıza nedeniyle bugün kimlik kartı yok.")
    form.get_by_role("button", name="Für heute schließen").click()
    expect(status).to_have_text("Personalausweis / Reisepass ist für heute geschlossen.")
    row = page.locator('#control-services tr[data-service="ausweis"]')
    expect(row).to_contain_text("Für heute geschlossen")
    expect(row).to_contain_text("Wegen einer Störung heute keine Ausweise mehr.")
    public_service_soon(live_server, "ausweis", lambda s: s["closed_reason"] == "closed_by_supervisor")
    shown = public_services(live_server)["ausweis"]
    assert shown["closed_message"] == {
        "de": "Wegen einer Störung heute keine Ausweise mehr.",
        "en": "Due to a fault no more ID cards today.",
        "tr": "Bir arıza nedeniyle bugün kimlik kartı yok.",
    }

    # Reopen it.
    row.get_by_role("button", name="Personalausweis / Reisepass wieder öffnen").click()
    expect(status).to_have_text("Personalausweis / Reisepass gibt wieder Nummern aus.")
    expect(row).to_contain_text("Offen")
    assert public_services(live_server)["anmeldung"]["open"] is True

    # Today's quota: below what was issued is refused with a German reason, then a valid one is kept.
    quota = page.locator('#control-services tr[data-service="ausweis"] input[name="quota"]')
    quota.fill("1")
    row.get_by_role("button", name="Speichern").click()
    expect(status).to_have_text("Das Kontingent kann nicht unter den heute schon ausgegebenen Nummern liegen.")
    quota = page.locator('#control-services tr[data-service="ausweis"] input[name="quota"]')
    quota.fill("2")
    row.get_by_role("button", name="Speichern").click()
    expect(status).to_contain_text("Das Kontingent für Personalausweis / Reisepass gilt ab sofort")
    public_service_soon(live_server, "ausweis", lambda s: s["closed_reason"] == "quota_reached")
    quota = page.locator('#control-services tr[data-service="ausweis"] input[name="quota"]')
    quota.fill("")
    row.get_by_role("button", name="Speichern").click()
    expect(status).to_contain_text("Das Kontingent für Personalausweis / Reisepass gilt ab sofort")
    public_service_soon(live_server, "ausweis", lambda s: s["open"] is True)

    # A notice on displays and kiosks, then withdrawn.
    notice = page.locator("#notice-form")
    notice.get_by_label("Text auf Deutsch").fill("Wegen einer Störung dauert es heute länger.")
    notice.get_by_label("Text auf Englisch").fill("Due to a fault it takes longer today.")
    notice.get_by_label("Anzeigen für (Minuten)").fill("20")
    notice.get_by_role("button", name="Hinweis zeigen").click()
    expect(status).to_have_text("Der Hinweis wird gezeigt.")
    expect(page.locator("#notices li")).to_contain_text("Wegen einer Störung dauert es heute länger.")
    display = httpx.get(live_server.api("/sites/demo/display")).json()["data"]["notices"]
    assert [n["texts"]["en"] for n in display] == ["Due to a fault it takes longer today."]
    page.locator("#notices li").get_by_role("button", name="Zurückziehen").click()
    expect(page.locator("#notices-none")).to_be_visible()
    assert httpx.get(live_server.api("/sites/demo/display")).json()["data"]["notices"] == []

    # Move the waiting tickets of one service to another.
    move = page.locator("#move-form")
    move.get_by_label("Von").select_option("ausweis")
    move.get_by_label("Nach").select_option("anmeldung")
    move.get_by_role("button", name="Verschieben").click()
    expect(status).to_have_text("2 Wartende wurden verschoben.")
    lines = httpx.get(live_server.api("/sites/demo/display")).json()["data"]["lines"]
    assert lines["anmeldung"] == [first["number"], second["number"]] and lines["ausweis"] == []

    # Who holds which counter, and ending that session.
    held = page.locator('#sessions tr[data-counter="3"]')
    expect(held).to_contain_text("Clerk One")
    expect(held).to_contain_text("desk-3")
    held.get_by_role("button", name="Sitzung an Schalter 3 beenden").click()
    expect(status).to_have_text("Die Sitzung an Schalter 3 ist beendet; die Schalter-App zeigt den Grund.")
    expect(held).to_contain_text("niemand")
    session = httpx.get(live_server.api("/counters/3/session"), headers=clerk).json()
    assert session["close_reason"] == "ended_by_supervisor"

    # End the day early (the page's existing button, now only for this site's supervisors).
    page.get_by_role("button", name="Tag jetzt schließen").click()
    page.get_by_role("button", name="Ja, Tag schließen").click()
    expect(page.locator("#close-day-result")).to_contain_text("Der Tag ist geschlossen; 2 Nummern")
    assert public_services(live_server)["anmeldung"]["closed_reason"] == "day_closed"
    # The one refused quota is the only failed request the browser saw.
    errors = page.errors  # type: ignore[attr-defined]
    assert len(errors) == 1 and "409" in errors[0], errors
