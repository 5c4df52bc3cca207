"""The status page as a screen reader meets it (Chromium's accessibility tree), Leichte Sprache, vibration."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
from playwright.sync_api import Browser, expect

from tests.status_page.office import Office
from tests.support.ax_tree import ax_tree
from tests.support.live_server import LiveServer

ROOT = Path(__file__).resolve().parents[2]
EASY = json.loads((ROOT / "server/status_page/locales/de-x-ls.json").read_text(encoding="utf-8"))
ARABIC = re.compile("[\u0600-\u06ff]")
CYRILLIC = re.compile("[\u0400-\u04ff]")
# Records every vibration the page asks for; the page's CSP does not apply to init scripts.
RECORD_VIBRATION = "window.vibrations = []; navigator.vibrate = (p) => { window.vibrations.push(p); return true; };"


def test_leichte_sprache_page_reads_as_german_with_named_parts(browser: Browser, live_server: LiveServer) -> None:
    office = Office(live_server)
    mine = office.draw(language="de-x-ls")
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        page = context.new_page()
        page.goto(mine["status_url"])
        page.wait_for_function("() => window.aufrufStatus !== undefined")
        assert page.evaluate("document.documentElement.lang") == "de"
        tree = ax_tree(page)
        texts = tree.texts()
        # The Leichte Sprache texts are what is read, in German (first in line: come back now).
        assert any(t.name == EASY["near_text"] and t.lang == "de" for t in texts)
        assert any(t.name == "Wohnung anmelden oder ummelden" for t in texts)  # the service, in Leichte Sprache
        for text in texts:
            assert text.lang, text.name
            if ARABIC.search(text.name):
                assert text.lang == "ar", text.name
            if CYRILLIC.search(text.name):
                assert text.lang in ("uk", "ru"), text.name
        # The language switch: a named navigation; each language's link read in that language.
        navigation = [n for n in tree.by_role("navigation") if n.name == EASY["language_label"]]
        assert navigation
        links = {n.name: n for n in tree.descendants(navigation[0]) if n.role == "link"}
        assert {"Deutsch", "Leichte Sprache", "English", "العربية"} <= set(links)
        by_name = {t.name: t.lang for t in tree.descendants(navigation[0]) if t.role == "StaticText"}
        assert by_name["العربية"] == "ar" and by_name["Leichte Sprache"] == "de" and by_name["Türkçe"] == "tr"
        # Changes are announced: a polite status region and an assertive alert.
        kinds = {n.properties["live"] for n in tree.live_regions()}
        assert {"polite", "assertive"} <= kinds
        heading = tree.by_role("heading")[0]
        assert mine["number"] in tree.text_of(heading) or mine["number"] in heading.name
        # Every button and link has a name.
        assert all(n.name.strip() for n in (*tree.by_role("button"), *tree.by_role("link")))
    finally:
        context.close()


def test_a_call_is_announced_and_vibrates_longer_for_who_cannot_hear(
    browser: Browser, live_server: LiveServer
) -> None:
    office = Office(live_server)
    response = httpx.post(
        live_server.api("/sites/demo/tickets"),
        json={"service": "anmeldung", "language": "de-x-ls", "visual_call": True},
        headers=live_server.kiosk_headers,
    )
    assert response.status_code == 201
    deaf = response.json()
    assert deaf["visual_call"] is True
    hearing = office.draw(service="ausweis")
    pages = {}
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    context.add_init_script(RECORD_VIBRATION)
    try:
        for ticket in (deaf, hearing):
            page = context.new_page()
            page.goto(ticket["status_url"])
            page.wait_for_function("() => window.aufrufStatus !== undefined")
            pages[ticket["number"]] = page
        office.call("2", deaf["number"])
        office.call("3", hearing["number"])
        for page in pages.values():
            page.wait_for_function("() => window.vibrations.length > 0", timeout=5000)
        strong = pages[deaf["number"]].evaluate("window.vibrations[window.vibrations.length - 1]")
        normal = pages[hearing["number"]].evaluate("window.vibrations[window.vibrations.length - 1]")
        assert sum(strong) > 2 * sum(normal)
        # The call reaches the screen reader through the alert region, in Leichte Sprache.
        page = pages[deaf["number"]]
        expect(page.locator("#announce")).to_contain_text(EASY["called_heading"])
        tree = ax_tree(page)
        alerts = [n for n in tree.live_regions() if n.properties["live"] == "assertive"]
        assert any("Schalter 2" in tree.text_of(n) for n in alerts)
    finally:
        context.close()


def test_visual_call_must_be_a_boolean(live_server: LiveServer) -> None:
    response = httpx.post(
        live_server.api("/sites/demo/tickets"),
        json={"service": "anmeldung", "visual_call": "please"},
        headers=live_server.kiosk_headers,
    )
    assert response.status_code == 422
    assert "visual_call" in response.text
