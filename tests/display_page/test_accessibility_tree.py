"""The browser display as a screen reader meets it: Chromium's accessibility tree over CDP."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.display_page.calls import Office
from tests.display_page.test_browser_display import open_display
from tests.support.ax_tree import ax_tree
from tests.support.live_server import LiveServer

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ["de", "tr", "ar", "uk"]
ARABIC = re.compile("[\u0600-\u06ff]")
CYRILLIC = re.compile("[\u0400-\u04ff]")


def catalog_texts() -> dict[str, set[str]]:
    """Per language, every display message and service name the site's files define."""
    office = tomllib.loads((ROOT / "examples" / "buergeramt.toml").read_text(encoding="utf-8"))
    texts: dict[str, set[str]] = {}
    for language in LANGUAGES:
        messages = json.loads((ROOT / "server/display_page/locales" / f"{language}.json").read_text(encoding="utf-8"))
        names = {s["names"][language] for s in office["sites"][0]["services"] if language in s["names"]}
        texts[language] = {m for m in messages.values() if "{" not in m} | names
    return texts


def test_every_text_carries_its_own_language(live_server: LiveServer, page: Page) -> None:
    office = Office(live_server)
    open_display(page, live_server, f"?languages={','.join(LANGUAGES)}&sound=off")
    number = office.draw()
    office.call_next("3")
    expect(page.locator("#current-number")).to_have_text(number, timeout=2000)
    tree = ax_tree(page)
    texts = tree.texts()
    assert texts
    known = catalog_texts()
    for text in texts:
        name = text.name.strip(" ·")
        assert text.lang, f"{name!r} has no lang"
        if ARABIC.search(name):
            assert text.lang == "ar", name
        if CYRILLIC.search(name):
            assert text.lang == "uk", name
        # A text that exists in only some languages must be tagged as one of them.
        owners = {language for language, values in known.items() if name in values}
        if owners:
            assert text.lang in owners, (name, text.lang, owners)
    # The translations are really there, and read in their own language (not in the second's).
    for language in ("tr", "ar", "uk"):
        assert any(t.lang == language and t.name.strip() in known[language] for t in texts), language


def test_calls_are_announced_through_a_live_region_without_stray_symbols(
    live_server: LiveServer, page: Page
) -> None:
    office = Office(live_server)
    open_display(page, live_server, "?languages=de,en&sound=off")
    first = office.draw()
    second = office.draw()
    office.call_next("2")
    office.call_next("3")
    expect(page.locator("#current-number")).to_have_text(second, timeout=2000)
    expect(page.locator("#recent-list .number")).to_have_text([first])
    tree = ax_tree(page)
    live = [n for n in tree.live_regions() if second in tree.text_of(n)]
    assert live, "the current call is in no live region"
    assert live[0].properties["live"] == "assertive"
    assert first not in tree.text_of(live[0])  # only the newest call interrupts
    # Headings name the screen and the list of earlier calls; that list is a list.
    headings = [h.name for h in tree.by_role("heading")]
    assert "Bürgeramt Mitte" in " ".join(headings)
    assert any("Letzte Aufrufe" in h or "Recent" in h for h in headings), headings
    lists = [n for n in tree.by_role("list") if first in tree.text_of(n)]
    assert lists and [i for i in tree.descendants(lists[0]) if i.role == "listitem"]
    # Arrows are decoration: a screen reader must not read "rightwards arrow" between number and counter.
    assert not [t.name for t in tree.texts() if t.name.strip() in ("→", "←")]
    # The offline notice is a status: announced politely when it appears.
    statuses = tree.by_role("status")
    assert all(s.properties.get("live") == "polite" for s in statuses)
