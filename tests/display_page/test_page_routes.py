"""The display page's HTTP side: the page, its options, and the announcement audio."""

from __future__ import annotations

import httpx
import pytest

from hardware.audio import duration, rms
from server.display_page.options import options_from_query
from tests.display_page.calls import Office
from tests.support.live_server import LiveServer


def test_page_is_served_for_a_known_site_only(live_server: LiveServer) -> None:
    page = httpx.get(f"{live_server.url}/display/demo")
    assert page.status_code == 200
    assert '<html lang="de" dir="ltr">' in page.text
    assert "/display/assets/display.js" in page.text
    assert httpx.get(f"{live_server.url}/display/nowhere").status_code == 404
    assert httpx.get(f"{live_server.url}/display/assets/routes.py").status_code == 404
    script = httpx.get(f"{live_server.url}/display/assets/display-core.js")
    assert script.status_code == 200 and "AnnouncementQueue" in script.text


def test_bad_options_are_refused(live_server: LiveServer) -> None:
    for query in ("languages=xx", "distance=-1", "services=Bad%20Id", "recent=99"):
        assert httpx.get(f"{live_server.url}/display/demo?{query}").status_code == 422, query


def test_options_from_query() -> None:
    options = options_from_query(
        {"services": "kfz, abholung", "counters": "6,7", "languages": "AR,de,ar", "distance": "10", "sound": "off"}
    )
    assert options.services == ["kfz", "abholung"]
    assert options.counters == ["6", "7"]
    assert options.languages == ["ar", "de"]
    assert options.direction == "rtl"
    assert options.min_number_mm == 120
    assert options.sound is False


def test_announcement_audio_is_served_cached_and_audible(live_server: LiveServer) -> None:
    office = Office(live_server)
    number = office.draw()
    office.call_next("2")
    url = f"{live_server.url}/display/demo/audio/{number}/2.wav"
    german = httpx.get(url, params={"languages": "de"}, timeout=30)
    assert german.status_code == 200
    assert german.headers["content-type"] == "audio/wav"
    assert "max-age" in german.headers["cache-control"]
    assert rms(german.content) > 500
    both = httpx.get(url, params={"languages": "de,en"}, timeout=30)
    # Gong, then German, then English: longer than gong and German alone.
    assert duration(both.content) > duration(german.content) + 1.0
    assert httpx.get(url, params={"languages": "de"}, timeout=30).content == german.content


def test_audio_only_for_real_calls(live_server: LiveServer) -> None:
    office = Office(live_server)
    number = office.draw()
    base = f"{live_server.url}/display/demo/audio"
    assert httpx.get(f"{base}/{number}/2.wav").status_code == 404  # drawn, not called
    office.call_next("2")
    assert httpx.get(f"{base}/{number}/3.wav").status_code == 404  # called elsewhere
    assert httpx.get(f"{base}/not-a-number/2.wav").status_code == 422
    assert httpx.get(f"{base}/{number}/2.wav", params={"languages": "xx"}).status_code == 422


def test_catch_up_audio_names_every_waiting_call_once_and_only_real_calls(live_server: LiveServer) -> None:
    office = Office(live_server)
    first, second = office.draw(), office.draw()
    office.call_next("2")
    office.call_next("3")
    url = f"{live_server.url}/display/demo/audio/catch-up.wav"
    both = httpx.get(url, params={"calls": f"{first}:2,{second}:3"}, timeout=30)
    assert both.status_code == 200 and both.headers["content-type"] == "audio/wav"
    one = httpx.get(url, params={"calls": f"{first}:2"}, timeout=30)
    # One gong for all: the second call adds only its short form, about a second and a half.
    assert 0.8 < duration(both.content) - duration(one.content) < 2.5
    assert httpx.get(url, params={"calls": f"{first}:3"}).status_code == 404  # not called there
    assert httpx.get(url, params={"calls": "A1:2;rm"}).status_code == 422
    assert httpx.get(url, params={"calls": ",".join([f"{first}:2"] * 13)}).status_code == 422
    assert httpx.get(url, params={"calls": f"{first}:2", "language": "xx"}).status_code == 422


def test_catch_up_audio_fits_the_time_each_call_has_left_and_says_where_each_begins(live_server: LiveServer) -> None:
    office = Office(live_server)
    numbers = [office.draw() for _ in range(4)]
    for counter in ("1", "2", "3", "4"):
        office.call_next(counter)
    url = f"{live_server.url}/display/demo/audio/catch-up.wav"
    calls = ",".join(f"{number}:{counter}" for number, counter in zip(numbers, ("1", "2", "3", "4"), strict=True))
    hurried = httpx.get(url, params={"calls": calls, "within": "2.5,2.5,2.5,2.5"}, timeout=30)
    assert hurried.status_code == 200, hurried.text
    starts = [float(v) for v in hurried.headers["X-Call-Starts"].split(",")]
    assert len(starts) == 4 and starts == sorted(starts) and starts[-1] <= 2.5
    assert duration(hurried.content) < 2.5 + 1.5  # faster, and without counter words but the last
    assert float(hurried.headers["X-Piece-Ends"]) == pytest.approx(duration(hurried.content), abs=0.002)
    # Right after a gong: no chime, the first call's words come first.
    quiet = httpx.get(url, params={"calls": calls, "chime": "false"}, timeout=30)
    assert float(quiet.headers["X-Call-Starts"].split(",")[0]) == 0.0
    for bad in ("1,2", "a,b,c,d", "nan,1,1,1"):
        assert httpx.get(url, params={"calls": calls, "within": bad}).status_code == 422
    single_url = f"{live_server.url}/display/demo/audio/{numbers[0]}/1.wav"
    single = httpx.get(single_url, params={"languages": "de,en"}, timeout=30)
    ends = [float(v) for v in single.headers["X-Piece-Ends"].split(",")]
    assert len(ends) == 3 and ends[-1] == pytest.approx(duration(single.content), abs=0.002) and ends[-1] <= 6.0
    assert float(single.headers["X-Call-Starts"]) == pytest.approx(ends[0] + 0.25, abs=0.002)


def test_recall_audio_says_again(live_server: LiveServer) -> None:
    office = Office(live_server)
    number = office.draw()
    office.call_next("2")
    url = f"{live_server.url}/display/demo/audio/{number}/2.wav"
    plain = httpx.get(url, params={"languages": "de"}, timeout=30)
    again = httpx.get(url, params={"languages": "de", "recall": "1"}, timeout=30)
    assert duration(again.content) > duration(plain.content) + 0.3  # "Erneut:" before the number


def test_a_mistyped_display_address_gets_a_readable_page(live_server: LiveServer) -> None:
    page = httpx.get(f"{live_server.url}/display/demoo")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "kennt den Standort „demoo“ nicht" in page.text and "does not know the site “demoo”" in page.text
    assert not page.text.lstrip().startswith("{")
    hostile = httpx.get(f"{live_server.url}/display/%3Cscript%3E")
    assert "<script>" not in hostile.text and "&lt;script&gt;" in hostile.text
    bad = httpx.get(f"{live_server.url}/display/demo?languages=xx")
    assert bad.status_code == 422 and "ungültige Einstellungen" in bad.text and "languages" in bad.text


def test_favicon_is_served_and_linked(live_server: LiveServer) -> None:
    icon = httpx.get(f"{live_server.url}/display/assets/favicon.svg")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    assert icon.text.startswith("<svg")
    assert 'rel="icon" href="/display/assets/favicon.svg"' in httpx.get(f"{live_server.url}/display/demo").text
