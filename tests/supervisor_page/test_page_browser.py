"""The supervisor page in headless Chromium against a real server: log-in, live updates, alarms, figures."""

from __future__ import annotations

import io
import re
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect

from tests.support.live_server import LiveServer, run_live_server
from tests.support.redis_server import private_redis


def log_in(page: Page, server: LiveServer, username: str = "super1", lang: str = "de") -> None:
    page.goto(f"{server.url}/supervisor/demo?lang={lang}")
    page.get_by_label("Benutzername" if lang == "de" else "User name").fill(username)
    page.get_by_label("Passwort" if lang == "de" else "Password").fill("demo")
    page.get_by_role("button", name="Anmelden" if lang == "de" else "Log in").click()


def counter_row(page: Page, counter: str) -> object:
    return page.locator(f'#counters tr[data-counter="{counter}"]')


def test_live_counter_queue_alarm_and_printer(page: Page, live_server: LiveServer) -> None:
    clerk = live_server.clerk_headers("clerk1")
    log_in(page, live_server)
    expect(page.locator("#connection")).to_have_text("Live verbunden")
    row = page.locator('#counters tr[data-counter="2"]')
    expect(row).to_contain_text("Geschlossen")

    # A citizen draws a ticket: the queue shows it waiting.
    drawn = httpx.post(live_server.api("/sites/demo/tickets"), json={"service": "anmeldung"},
                       headers=live_server.kiosk_headers)
    assert drawn.status_code == 201
    queue = page.locator('#queues tr[data-service="anmeldung"]')
    expect(queue.locator("td").first).to_have_text("1")

    # A clerk calls next at counter 2: the page shows it open, with the clerk and the ticket, live.
    called = httpx.post(live_server.api("/counters/2/call-next"), headers=clerk)
    assert called.status_code == 200
    expect(row).to_contain_text("Geöffnet")
    expect(row).to_contain_text("Clerk One")
    expect(row).to_contain_text(f"{called.json()['number']} (aufgerufen)")
    expect(row.locator("td.num")).to_have_text("0 min")
    expect(queue.locator("td").first).to_have_text("0")
    httpx.post(live_server.api("/counters/2/start"), headers=clerk).raise_for_status()
    expect(row).to_contain_text("(in Bedienung)")

    # A silent alarm from counter 3 appears, is announced, and can be acknowledged for everyone.
    alarm = httpx.post(live_server.api("/counters/3/alarm"), json={"note": "Bitte kommen"}, headers=clerk)
    assert alarm.status_code == 202
    item = page.locator(f'#alarms li[data-alarm="{alarm.json()["id"]}"]')
    expect(item).to_contain_text("Alarm von Schalter 3 (Clerk One)")
    expect(item).to_contain_text("Bitte kommen")
    expect(page.locator("#alarm-announcer")).to_have_text("Alarm von Schalter 3 (Clerk One)")
    item.get_by_role("button", name="Bestätigen").click()
    expect(item).to_contain_text("Bestätigt von Supervisor")
    expect(page.locator("#alarms-none")).to_be_visible()

    # The kiosk's printer runs out of paper: the device list says so.
    report = httpx.post(live_server.api("/sites/demo/devices/status"), headers=live_server.kiosk_headers,
                        json={"component": "printer", "state": "paper_out", "detail": "Rolle leer"})
    assert report.status_code == 204
    printer = page.locator('#devices tr[data-device="demo-kiosk"] [data-component="printer"]')
    expect(printer).to_have_text("Drucker: Papier leer – Rolle leer")
    expect(printer).to_have_class("health-bad")
    assert page.errors == []  # type: ignore[attr-defined]


def test_state_survives_reload(page: Page, live_server: LiveServer) -> None:
    clerk = live_server.clerk_headers("clerk1")
    httpx.post(live_server.api("/counters/4/alarm"), headers=clerk).raise_for_status()
    httpx.post(live_server.api("/sites/demo/devices/status"), headers=live_server.kiosk_headers,
               json={"component": "printer", "state": "paper_near_end"}).raise_for_status()
    log_in(page, live_server, lang="en")
    expect(page.locator("#alarms li")).to_contain_text("Alarm from Schalter 4 (Clerk One)")
    page.reload()  # the token stays in sessionStorage: no second log-in
    expect(page.locator("#connection")).to_have_text("Live")
    expect(page.locator('[data-component="printer"]')).to_have_text("Printer: paper nearly out")
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()


def test_clerk_is_turned_away(page: Page, live_server: LiveServer) -> None:
    log_in(page, live_server, username="clerk1")
    expect(page.locator("#login-error")).to_have_text(
        "Dieses Konto hat keine Leitungsrolle. Bitte mit einem Leitungskonto anmelden."
    )
    expect(page.locator("#app")).to_be_hidden()
    assert page.evaluate("sessionStorage.length") == 0


def test_wrong_password(page: Page, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/supervisor/demo")
    page.get_by_label("Benutzername").fill("super1")
    page.get_by_label("Passwort").fill("wrong")
    page.get_by_role("button", name="Anmelden").click()
    expect(page.locator("#login-error")).to_have_text("Anmeldung fehlgeschlagen: Benutzername oder Passwort falsch.")


def test_figures_charts_and_xlsx_download(page: Page, live_server: LiveServer) -> None:
    clerk = live_server.clerk_headers("clerk1")
    for _ in range(2):
        httpx.post(live_server.api("/sites/demo/tickets"), json={"service": "anmeldung"},
                   headers=live_server.kiosk_headers).raise_for_status()
    httpx.post(live_server.api("/counters/2/call-next"), headers=clerk).raise_for_status()
    httpx.post(live_server.api("/counters/2/finish"), headers=clerk).raise_for_status()
    log_in(page, live_server)
    expect(page.locator('#summary [data-kpi="issued"] dd')).to_have_text("2")
    expect(page.locator('#summary [data-kpi="served"] dd')).to_have_text("1")
    expect(page.locator("#by-service tbody tr").first).to_contain_text("An-/Ummeldung")
    expect(page.locator("#staffing tbody tr")).to_have_count(page.locator("#by-period tbody tr").count())
    for name in ("arrivals", "waits", "staffing"):
        chart = page.locator(f'#charts img[data-chart="{name}"]')
        expect(chart).to_have_attribute("alt", re.compile(r"^Diagramm: "))
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=chart.element_handle())

    with page.expect_download() as info:
        page.get_by_role("button", name="Als Excel (XLSX) herunterladen").click()
    download = info.value
    assert download.suggested_filename.startswith("aufruf-demo-") and download.suggested_filename.endswith(".xlsx")
    path = download.path()
    book = load_workbook(io.BytesIO(path.read_bytes()))
    assert book.sheetnames == ["Kennzahlen", "Personalbedarf", "Termine"]
    assert [c.value for c in book["Kennzahlen"][2]][3:5] == [2, 1]

    # The week view swaps the hours for days and has no staffing plan.
    page.get_by_label("Zeitraum").select_option("week")
    page.get_by_role("button", name="Anzeigen").click()
    expect(page.locator("#periods-title")).to_have_text("Nach Tag")
    expect(page.locator("#by-period tbody tr")).to_have_count(7)
    expect(page.locator("#staffing-block")).to_be_hidden()
    expect(page.locator('#charts img[data-chart="days"]')).to_be_visible()
    assert page.errors == []  # type: ignore[attr-defined]


def test_a_frozen_event_bus_is_shown_and_cleared(page: Page, tmp_path: Path) -> None:
    with private_redis() as redis_server, run_live_server(tmp_path, broadcast_url=redis_server.url) as server:
        log_in(page, server, lang="en")
        expect(page.locator("#connection")).to_have_text("Live")
        expect(page.locator("#bus")).to_be_hidden()
        redis_server.freeze()
        try:
            expect(page.locator("#bus")).to_contain_text("Event bus degraded", timeout=15000)
        finally:
            redis_server.thaw()
        expect(page.locator("#bus")).to_be_hidden(timeout=15000)


def test_close_the_day_now_from_the_page(page: Page, live_server: LiveServer) -> None:
    drawn = [
        httpx.post(live_server.api("/sites/demo/tickets"), json={"service": "anmeldung"},
                   headers=live_server.kiosk_headers).json()
        for _ in range(2)
    ]
    log_in(page, live_server)
    expect(page.locator("#connection")).to_have_text("Live verbunden")
    queue = page.locator('#queues tr[data-service="anmeldung"]')
    expect(queue.locator("td").first).to_have_text("2")
    page.get_by_role("button", name="Tag jetzt schließen").click()
    expect(page.locator("#close-day-confirm")).to_contain_text("Wirklich?")
    page.get_by_role("button", name="Ja, Tag schließen").click()
    expect(page.locator("#close-day-result")).to_have_text(
        "Der Tag ist geschlossen; 2 Nummern wurden heute nicht mehr bedient."
    )
    expect(queue.locator("td").first).to_have_text("0")
    statuses = [httpx.get(live_server.api(f"/tickets/{t['token']}")).json()["status"] for t in drawn]
    assert statuses == ["expired", "expired"]
    assert not page.errors  # type: ignore[attr-defined]


def test_times_are_the_sites_whatever_the_browsers_zone(browser: Browser, live_server: LiveServer) -> None:
    # The supervisor's laptop is set to New York; the office is in Berlin.
    context = browser.new_context(timezone_id="America/New_York", locale="de-DE")
    page = context.new_page()
    berlin = ZoneInfo("Europe/Berlin")
    try:
        log_in(page, live_server)
        expect(page.locator("#connection")).to_have_text("Live verbunden")
        assert page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone") == "America/New_York"
        clerk = live_server.clerk_headers("clerk1")
        before = datetime.now(berlin).replace(microsecond=0) - timedelta(seconds=1)
        alarm = httpx.post(live_server.api("/counters/3/alarm"), json={"note": "Zeit?"}, headers=clerk)
        after = datetime.now(berlin) + timedelta(seconds=1)
        assert alarm.status_code == 202
        when = page.locator(f'#alarms li[data-alarm="{alarm.json()["id"]}"] .when')
        expect(when).to_have_text(re.compile(r"^\d\d:\d\d:\d\d$"))
        shown = datetime.combine(before.date(), time.fromisoformat(when.inner_text()), tzinfo=berlin)
        assert before <= shown <= after, (when.inner_text(), before, after)
        # The figures open on the site's today, not New York's (they differ from 18:00 to midnight there).
        page.wait_for_function("() => document.getElementById('stats-date').value !== ''", timeout=10000)
        assert page.locator("#stats-date").input_value() == datetime.now(berlin).date().isoformat()
    finally:
        context.close()
