"""Remote-join limits through a real uvicorn: off by default, hours, daily cap, share, budgets, proof of work."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

import httpx

from server.clock import ManualClock
from server.remote_join.rules import solve
from tests.remote_join.conftest import BERLIN
from tests.remote_join.support import client_from, join, remote_office
from tests.support.live_server import LiveServer, run_live_server


def _refusal(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, response.json()["code"]


def test_remote_joining_is_off_unless_the_office_switches_it_on(live_server: LiveServer) -> None:
    with client_from() as phone:
        assert _refusal(phone.post(live_server.api("/sites/demo/remote-join/challenge"))) == (403, "remote_join_off")
        page = phone.get(f"{live_server.url}/join/demo")
    assert page.status_code == 403
    assert "bietet das Anstellen per Handy nicht an" in page.text


def test_only_within_opening_hours(tmp_path: Path) -> None:
    clock = ManualClock(datetime(2026, 12, 1, 7, 30, tzinfo=BERLIN))  # a Tuesday, before opening
    site = {"always_open": False, "opening_hours": {"tue": [("08:00", "12:00")]}}
    office = remote_office(stop_before_closing_minutes=30, site=site)
    with run_live_server(tmp_path, office=office, clock=clock) as server, client_from() as phone:
        assert _refusal(join(phone, server)) == (409, "remote_closed")
        clock.set(datetime(2026, 12, 1, 11, 40, tzinfo=BERLIN))  # twenty minutes before closing
        assert _refusal(join(phone, server)) == (409, "remote_closing_soon")
    clock = ManualClock(datetime(2026, 12, 1, 9, 0, tzinfo=BERLIN))
    with run_live_server(tmp_path / "open", office=office, clock=clock) as server, client_from() as phone:
        joined = join(phone, server)
        assert joined.status_code == 201, joined.text
        assert joined.json()["ticket"]["channel"] == "remote"


def test_the_daily_cap_counts_every_service(tmp_path: Path) -> None:
    with run_live_server(tmp_path, office=remote_office(daily_cap=3)) as server:
        answers = []
        for service in ("anmeldung", "ausweis", "abholung", "anmeldung"):
            with client_from() as phone:  # a new phone each time: only the cap can refuse
                answers.append(join(phone, server, service).status_code)
        with client_from() as phone:
            refused = join(phone, server, "ausweis")
        kiosk = httpx.post(server.api("/sites/demo/tickets"), json={"service": "ausweis"}, headers=server.kiosk_headers)
    assert answers == [201, 201, 201, 409]
    assert _refusal(refused) == (409, "remote_cap_reached")
    assert kiosk.status_code == 201, "the kiosk still hands out numbers"


def test_a_service_takes_its_share_of_capacity(tmp_path: Path) -> None:
    # kfz has a daily quota of 80 in the example office: five per cent are four phone tickets.
    with run_live_server(tmp_path, office=remote_office(capacity_share=0.05)) as server:
        codes = []
        for _ in range(5):
            with client_from() as phone:
                codes.append(join(phone, server, "kfz").status_code)
        with client_from() as phone:
            last = join(phone, server, "kfz")
            other = join(phone, server, "ausweis")
    assert codes == [201, 201, 201, 201, 409]
    assert _refusal(last) == (409, "remote_share_reached")
    assert other.status_code == 201, "other services keep their own share"


def test_a_phone_has_a_daily_budget(remote_server: LiveServer) -> None:
    with client_from("127.0.0.2") as phone:
        answers = [join(phone, remote_server).status_code for _ in range(2)]
        third = join(phone, remote_server)
    with client_from("127.0.0.2") as neighbour:
        other = join(neighbour, remote_server)
    assert answers == [201, 201]
    assert _refusal(third) == (429, "device_budget")
    assert other.status_code == 201, "another phone on the same network is not affected"


def test_a_network_address_has_an_hourly_budget(tmp_path: Path) -> None:
    with run_live_server(tmp_path, office=remote_office(per_address_per_hour=3)) as server:
        answers = []
        for _ in range(4):
            with client_from("127.0.0.3") as phone:
                answers.append(join(phone, server))
        with client_from("127.0.0.4") as elsewhere:
            other = join(elsewhere, server)
    assert [a.status_code for a in answers] == [201, 201, 201, 429]
    assert _refusal(answers[3]) == (429, "address_budget")
    assert other.status_code == 201


def test_the_proof_of_work_is_checked_spent_once_and_grows_with_bulk(tmp_path: Path) -> None:
    office = remote_office(work_bits=4, work_free_joins=2, work_step_joins=1, per_device_per_day=50)
    with run_live_server(tmp_path, office=office) as server, client_from("127.0.0.5") as bulk:
        challenge_url, tickets_url = server.api("/sites/demo/remote-join/challenge"), server.api(
            "/sites/demo/remote-join/tickets")

        def puzzle() -> dict[str, object]:
            return dict(bulk.post(challenge_url).json())

        def send(challenge: str, nonce: str) -> httpx.Response:
            return bulk.post(tickets_url, json={"service": "anmeldung", "challenge": challenge, "nonce": nonce})

        first = puzzle()
        assert first["bits"] == 4
        unsolved = next(str(n) for n in range(10_000) if not _solves(str(first["challenge"]), str(n), 4))
        assert _refusal(send(str(first["challenge"]), unsolved)) == (400, "work_missing")
        second = puzzle()
        parts = str(second["challenge"]).split(".")
        easier = ".".join([parts[0], parts[1], "0", *parts[3:]])
        assert _refusal(send(easier, "0")) == (400, "work_invalid"), "the difficulty is signed"
        nonce = solve(str(second["challenge"]), 4)
        assert send(str(second["challenge"]), nonce).status_code == 201
        assert _refusal(send(str(second["challenge"]), nonce)) == (409, "work_used")
        kept = puzzle()  # fetched while the address is still cheap
        bits = []
        for _ in range(4):
            fresh = puzzle()
            bits.append(fresh["bits"])
            answer = send(str(fresh["challenge"]), solve(str(fresh["challenge"]), int(str(fresh["bits"]))))
            assert answer.status_code == 201
        # Puzzles after one, two, three and four joins: the first two joins are free, then a bit more per join.
        assert bits == [4, 4, 5, 6]
        stale = send(str(kept["challenge"]), solve(str(kept["challenge"]), int(str(kept["bits"]))))
        assert _refusal(stale) == (429, "work_too_easy")
        without_cookie = httpx.post(tickets_url, json={"service": "anmeldung", "challenge": "x" * 20, "nonce": "1"})
        assert _refusal(without_cookie) == (400, "device_missing")


def _solves(challenge: str, nonce: str, bits: int) -> bool:
    """An independent check of the puzzle: SHA-256 of challenge:nonce read as a 256-bit number."""
    value = int.from_bytes(hashlib.sha256(f"{challenge}:{nonce}".encode()).digest(), "big")
    return value >> (256 - bits) == 0


def test_bad_input_gets_a_clear_4xx(remote_server: LiveServer) -> None:
    with client_from() as phone:
        phone.post(remote_server.api("/sites/demo/remote-join/challenge"))
        bad = phone.post(remote_server.api("/sites/demo/remote-join/tickets"), json={"service": "", "nonce": "x"})
        unknown_site = phone.post(remote_server.api("/sites/nowhere/remote-join/challenge"))
        unknown_service = join(phone, remote_server, "nothing")
    assert bad.status_code == 422
    assert unknown_site.status_code == 404
    assert _refusal(unknown_service) == (404, "unknown_service")
