"""Every kiosk text exists in all six languages and fills in its values."""

from __future__ import annotations

from kiosk_app.texts import catalog, closed_key, people_ahead, tr


def test_six_complete_catalogs() -> None:
    assert set(catalog().languages) >= {"de", "en", "tr", "ar", "uk", "ru"}
    assert catalog().missing() == {}


def test_people_ahead_forms() -> None:
    assert people_ahead("de", 0, (0, 5)) == "Sie sind als Nächstes an der Reihe."
    assert people_ahead("en", 1, (5, 10)) == "1 person ahead of you, about 5–10 minutes"
    assert people_ahead("ru", 4, (12, 20)) == "Перед вами человек: 4, примерно 12–20 минут"
    assert tr("closed.quota_reached", "xx") == tr("closed.quota_reached", "en")  # unknown: English


def test_closed_reasons_and_unknown_ones() -> None:
    assert tr(closed_key("cannot_be_served_today"), "de").startswith("Heute nicht mehr möglich")
    assert tr(closed_key("day_closed"), "tr") == "Bugünkü sıra kapandı"
    assert closed_key(None) == closed_key("a_reason_added_later") == "closed.closed"
