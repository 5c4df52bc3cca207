"""Web Push: subscriptions are stored, alerts are claimed once, encrypted, signed and delivered."""

from __future__ import annotations

import asyncio
import queue
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlmodel import select

from aufruf.events import DeviceStatus
from server.events.envelope import EventType
from server.events.log import NewEvent, record_events
from server.status_page.push.models import PushSubscription
from server.status_page.push.service import Alert
from server.status_page.push.watcher import PushWatcher
from tests.status_page.office import Office
from tests.status_page.push_service import BrowserKeys, PushService, running_push_service, verify_vapid
from tests.support.live_server import LiveServer, run_live_server


@pytest.fixture
def push_service() -> Iterator[PushService]:
    """A push service on loopback."""
    with running_push_service() as service:
        yield service


@pytest.fixture
def push_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, push_service: PushService) -> Iterator[LiveServer]:
    """The demo office, allowed to push to the loopback push service."""
    monkeypatch.setenv("AUFRUF_STATUS_PUSH_HOSTS", '["127.0.0.1"]')
    monkeypatch.setenv("AUFRUF_STATUS_PUSH_ALLOW_HTTP", "true")
    with run_live_server(tmp_path) as server:
        yield server


def subscriptions(server: LiveServer) -> list[PushSubscription]:
    """Every stored subscription."""
    with server.context.database.transaction() as session:
        return list(session.exec(select(PushSubscription)).all())


def subscribe(server: LiveServer, token: str, keys: BrowserKeys, endpoint: str, language: str) -> httpx.Response:
    """What the page does after the citizen turned alerts on."""
    return httpx.put(
        server.api(f"/tickets/{token}/push"), json={"subscription": keys.subscription(endpoint), "language": language}
    )


def test_near_and_called_alerts_arrive_once_encrypted_and_signed(
    push_server: LiveServer, push_service: PushService
) -> None:
    """Three ahead: one 'almost your turn'; called: 'counter 3'; both in Arabic; then it is forgotten."""
    office = Office(push_server)
    for _ in range(4):
        office.draw()
    mine = office.draw(language="de")
    keys = BrowserKeys()
    endpoint = f"{push_service.url}/push/browser-1"
    assert subscribe(push_server, mine["token"], keys, endpoint, "ar").status_code == 204
    public_key = httpx.get(push_server.api("/push/key")).json()["public_key"]

    office.call_next("2")  # now 3 ahead
    near = push_service.next()
    assert near.path == "/push/browser-1"
    claims = verify_vapid(near, public_key=public_key, audience=push_service.url)
    assert claims["sub"].startswith("mailto:")
    message = keys.decrypt(near)
    assert message["kind"] == "near"
    assert message["title"] == f"{mine['number']}: اقترب دورك"
    assert message["dir"] == "rtl" and message["url"] == f"/t/{mine['token']}?lang=ar"
    assert int(near.headers["ttl"]) > 0

    office.call_next("4")  # 2 ahead: no second 'near' alert
    office.call("3", mine["number"])
    called = keys.decrypt(push_service.next())
    assert called["kind"] == "called" and called["body"] == "الشباك 3"

    httpx.post(push_server.api("/counters/3/finish"), headers=office.clerk)
    office.call_next("3")  # any later event prunes subscriptions of finished tickets
    office.draw()
    with pytest.raises(queue.Empty):
        push_service.next(timeout=0.5)
    assert subscriptions(push_server) == []


def test_the_watcher_listens_again_after_falling_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, push_service: PushService
) -> None:
    """A burst larger than its inbox loses the watcher its subscription: it subscribes again and still alerts."""
    monkeypatch.setenv("AUFRUF_STATUS_PUSH_HOSTS", '["127.0.0.1"]')
    monkeypatch.setenv("AUFRUF_STATUS_PUSH_ALLOW_HTTP", "true")
    with run_live_server(tmp_path, client_queue_size=8) as server:
        hub = server.context.hub
        [first] = hub.subscribers("demo")  # nobody else listens at the site
        status = DeviceStatus(device="demo-kiosk", kind="kiosk", component="printer", state="ok", detail=None)
        burst = [NewEvent(type=EventType.device_status, at=server.context.clock.now(), actor="test", data=status)]
        with server.context.database.transaction() as session:
            record_events(session=session, site_id="demo", events=burst * 9)  # one batch, one more than fits
        deadline = time.monotonic() + 30
        while hub.subscribers("demo") in ([], [first]):
            assert time.monotonic() < deadline, "the watcher never subscribed again"
            time.sleep(0.02)

        office = Office(server)
        for _ in range(4):
            office.draw()
        mine = office.draw(language="en")
        keys = BrowserKeys()
        assert subscribe(server, mine["token"], keys, f"{push_service.url}/push/again", "en").status_code == 204
        office.call_next("2")  # now 3 ahead: only the watcher, following the site's events, sends this
        assert keys.decrypt(push_service.next())["title"] == f"{mine['number']}: Almost your turn"


def test_unsubscribe_and_resubscribe(push_server: LiveServer, push_service: PushService) -> None:
    """DELETE removes the ticket's subscriptions; the same endpoint again replaces, never duplicates."""
    mine = Office(push_server).draw()
    keys = BrowserKeys()
    endpoint = f"{push_service.url}/push/browser-2"
    assert subscribe(push_server, mine["token"], keys, endpoint, "de").status_code == 204
    assert subscribe(push_server, mine["token"], keys, endpoint, "en").status_code == 204
    stored = subscriptions(push_server)
    assert [(s.endpoint, s.language) for s in stored] == [(endpoint, "en")]
    assert httpx.delete(push_server.api(f"/tickets/{mine['token']}/push")).status_code == 204
    assert subscriptions(push_server) == []


def test_subscribing_when_the_turn_is_near_pushes_at_once(
    push_server: LiveServer, push_service: PushService
) -> None:
    """First in line already: the alert goes out right after subscribing, not at the next event."""
    mine = Office(push_server).draw(language="en")
    keys = BrowserKeys()
    assert subscribe(push_server, mine["token"], keys, f"{push_service.url}/push/now", "en").status_code == 204
    assert keys.decrypt(push_service.next())["title"] == f"{mine['number']}: Almost your turn"


def test_a_subscription_the_push_service_dropped_is_forgotten(
    push_server: LiveServer, push_service: PushService
) -> None:
    """A 410 Gone from the push service removes the subscription."""
    office = Office(push_server)
    for _ in range(5):
        office.draw()
    mine = office.draw()  # 5 ahead: nothing is due, so only the alert sent below reaches the service
    keys = BrowserKeys()
    push_service.answers["/push/gone"] = 410
    assert subscribe(push_server, mine["token"], keys, f"{push_service.url}/push/gone", "de").status_code == 204
    [stored] = subscriptions(push_server)
    assert stored.id is not None
    alert = Alert(stored.id, stored.endpoint, stored.p256dh, stored.auth, "near", {"title": "t", "body": "b"})
    watcher: PushWatcher = push_server.app.state.push_watcher
    # Its own thread and loop: Playwright may own this thread's loop when browser tests ran first.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, watcher.deliver(alert)).result(timeout=30)
    assert push_service.next().path == "/push/gone"
    assert subscriptions(push_server) == []


@pytest.mark.parametrize(
    ("endpoint", "p256dh_ok"),
    [("https://evil.example.com/push/1", True), ("http://fcm.googleapis.com/fcm/send/1", True), (None, False)],
)
def test_subscriptions_outside_known_push_services_are_refused(
    live_server: LiveServer, endpoint: str | None, p256dh_ok: bool
) -> None:
    """Unknown hosts, plain http and malformed keys: 422, nothing stored."""
    mine = Office(live_server).draw()
    keys = BrowserKeys()
    body = keys.subscription(endpoint or "https://fcm.googleapis.com/fcm/send/abc")
    if not p256dh_ok:
        body["keys"]["p256dh"] = body["keys"]["p256dh"][:-4] + "AAAA" + "AAAA"
    response = httpx.put(live_server.api(f"/tickets/{mine['token']}/push"), json={"subscription": body})
    assert response.status_code == 422
    assert subscriptions(live_server) == []


def test_the_vapid_key_is_created_once_and_kept(tmp_path: Path) -> None:
    """A restart with the same database serves the same public key; the private key never shows."""
    with run_live_server(tmp_path) as server:
        first = httpx.get(server.api("/push/key")).json()["public_key"]
        page = httpx.get(Office(server).draw()["status_url"]).text
        assert first in page and "PRIVATE KEY" not in page
    with run_live_server(tmp_path) as server:
        assert httpx.get(server.api("/push/key")).json()["public_key"] == first
