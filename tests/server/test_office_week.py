"""A week of two offices on a virtual clock through the real HTTP API: nights, a DST night, a server down
over closing, a clerk's break, take-overs. No ticket ever waits across a day boundary, one clerk per counter."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import select

from server.clock import ManualClock
from server.closing.jobs import check_all
from server.security.models import AuditRecord
from tests.counter_app.watch import event, watching
from tests.server.office_week import Desk, Week, local, wait_until

AUFRUF = [str(Path(sys.executable).with_name("aufruf"))]


def _check(week: Week) -> None:
    """The invariants that hold after every step."""
    assert all(count <= 1 for count in week.open_sessions_per_counter().values()), week.open_sessions_per_counter()


def _morning(week: Week, day: datetime) -> None:
    """Before opening: nothing of an earlier day is open, no line has anybody in it."""
    week.advance_to(day.replace(hour=7, minute=55))
    for site in ("mitte", "demo"):
        wait_until(lambda site=site: not week.open_from_earlier_days(site), what=f"{site}'s earlier days closed")
    assert week.waiting("mitte") == 0
    _check(week)


def _closes_at(week: Week, moment: datetime, tickets: list[dict[str, object]]) -> None:
    """Still open just before `moment` (the job itself runs there), expired once it has passed."""
    week.advance_to(moment - timedelta(minutes=1))
    check_all(week.live.context)
    assert all(week.status(t) in ("waiting", "called", "parked") for t in tickets)
    week.advance_to(moment + timedelta(minutes=1))
    wait_until(lambda: all(week.status(t) == "expired" for t in tickets), what="tickets expired at closing")
    assert week.waiting("mitte") == 0


def _monday_to_wednesday(week: Week) -> None:
    live = week.live
    # Monday: two clerks, one counter each; the second is refused the first one's counter, by name.
    monday = local(2026, 3, 23, 8)
    _morning(week, monday)
    week.advance_to(monday.replace(minute=5))
    first = week.draw("mitte", "anmeldung")
    assert (first["number"], first["position"], first["people_ahead"]) == ("A001", 1, 0)
    tickets = [first, week.draw("mitte", "anmeldung"), week.draw("mitte", "ausweis"), week.draw("mitte", "anmeldung")]
    one, two = Desk(live, "clerk1", "ws-a"), Desk(live, "clerk2", "ws-b")
    assert one.open("m1").status_code == 200
    refused = two.open("m1")
    assert refused.status_code == 409 and refused.json()["code"] == "counter_held"
    assert "Clerk One" in refused.json()["detail"]
    assert two.post("/counters/m1/call-next").status_code == 409
    assert two.open("m2").status_code == 200
    _check(week)
    assert one.post("/counters/m1/call-next").json()["number"] == "A001"
    assert one.post("/counters/m1/finish").status_code == 200
    assert one.post("/counters/m1/call-next").status_code == 200
    assert one.post("/counters/m1/park").json()["status"] == "parked"
    assert two.post("/counters/m2/call-next").json()["status"] == "called"
    _closes_at(week, local(2026, 3, 23, 13), tickets[1:])
    assert {t["number"] for t in tickets[1:]} <= {key.split("@")[0] for key in week.expired_reasons("mitte")}
    counters = {c["id"]: c for c in one.get("/sites/mitte/counters").json()}
    assert counters["m2"]["current"] is None and {counters[c]["status"] for c in ("m1", "m2")} == {"closed"}
    assert week.open_sessions_per_counter() == {}

    # Tuesday: yesterday's numbers are gone, a clerk's break keeps the counter, an idle one times out.
    tuesday = local(2026, 3, 24, 8)
    _morning(week, tuesday)
    week.advance_to(tuesday.replace(minute=5))
    one, two = Desk(live, "clerk1", "ws-a"), Desk(live, "clerk2", "ws-b")
    assert one.open("m1").status_code == 200
    gone = one.post("/counters/m1/call", {"number": "A002"})
    assert gone.status_code == 404 and gone.json()["code"] == "unknown_number"
    first = week.draw("mitte", "anmeldung")
    assert (first["number"], first["position"]) == ("A001", 1)
    morning_ticket = week.draw("mitte", "ausweis")
    week.advance_to(tuesday.replace(hour=10))
    assert one.post("/counters/m1/pause").json()["status"] == "paused"
    week.after(timedelta(minutes=30))
    check_all(live.context)
    held = two.open("m1")
    assert held.status_code == 409 and "Clerk One" in held.json()["detail"]
    assert one.post("/counters/m1/resume").json()["status"] == "open"
    assert one.post("/counters/m1/call-next").json()["number"] == "A001"
    assert two.open("m3").status_code == 200
    week.advance_to(tuesday.replace(hour=11, minute=20))
    wait_until(lambda: two.get("/counters/m3/session").json()["close_reason"] == "timeout", what="idle m3 closed")
    assert one.get("/counters/m1/session").json()["open"], "a counter with a citizen never times out"
    counters = {c["id"]: c for c in one.get("/sites/mitte/counters").json()}
    assert (counters["m3"]["status"], counters["m1"]["status"]) == ("closed", "open")
    # The lunch break between two periods is not the end of the day.
    week.advance_to(tuesday.replace(hour=13, minute=5))
    check_all(live.context)
    assert week.status(morning_ticket) == "waiting"
    assert one.post("/counters/m1/finish").status_code == 200
    _closes_at(week, local(2026, 3, 24, 18, 30), [morning_ticket])

    # Wednesday: the same clerk takes the counter over from another workstation; a supervisor takes another.
    wednesday = local(2026, 3, 25, 8)
    _morning(week, wednesday)
    week.advance_to(wednesday.replace(minute=5))
    here, two = Desk(live, "clerk1", "ws-a"), Desk(live, "clerk2", "ws-b")
    first_session = here.open("m1").json()["session"]
    waiting = [week.draw("mitte", "anmeldung") for _ in range(4)]
    assert here.post("/counters/m1/call-next").json()["number"] == "A001"
    there = Desk(live, "clerk1", "ws-c")
    own = there.open("m1")
    assert own.status_code == 409 and "You hold" in own.json()["detail"]
    token = here.headers["Authorization"].split()[1]
    with watching(f"{live.ws_url}/ws/counters/m1", token=token) as app, watching(
        f"{live.ws_url}/ws/sites/mitte/display"
    ) as display:
        app.snapshot()
        display.snapshot()
        assert there.open("m1", takeover=True).status_code == 200
        lost = app.wait_for(event("counter.session", session=first_session, state="closed"))
        assert lost["data"]["reason"] == "taken_over"
        public = display.wait_for(event("counter.session", session=first_session, state="closed"))
        assert "Clerk One" not in json.dumps(public) and "clerk1" not in json.dumps(public)
    assert here.post("/counters/m1/call-next").json()["code"] == "counter_held"
    assert there.post("/counters/m1/finish").json()["number"] == "A001", "the citizen stays with the counter"
    assert there.post("/counters/m1/call-next").status_code == 200
    busy = there.post("/counters/m1/close")
    assert busy.status_code == 409 and busy.json()["code"] == "counter_busy"
    assert there.post("/counters/m1/finish").status_code == 200
    assert there.post("/counters/m1/close").json()["open"] is False
    assert two.open("m2").status_code == 200
    supervisor = Desk(live, "super1", "ws-s")
    assert supervisor.open("m2").status_code == 409
    assert two.open("m1").status_code == 200
    assert there.open("m1", takeover=True).status_code == 403, "a clerk never takes over another clerk's counter"
    assert supervisor.open("m2", takeover=True).status_code == 200
    _check(week)
    with live.context.database.read() as session:
        audits = session.exec(select(AuditRecord).where(AuditRecord.action == "counter.taken_over")).all()
    assert [(a.actor, a.target, a.detail["from"]) for a in audits] == [
        ("clerk:clerk1", "m1", "clerk1"), ("clerk:super1", "m2", "clerk2"),
    ]
    assert supervisor.post("/auth/logout").json() == {"closed": ["m2"]}
    _closes_at(week, local(2026, 3, 25, 13), waiting[2:])


def test_a_week_of_two_offices(tmp_path: Path) -> None:
    clock = ManualClock(local(2026, 3, 23, 7, 30))
    week = Week(tmp_path, clock, day_check_seconds=0.1, counter_idle_minutes=45)
    with week.serving():
        _monday_to_wednesday(week)
        # Thursday: the server goes down at noon with people waiting, and is started again on Friday morning.
        thursday = local(2026, 3, 26, 8)
        _morning(week, thursday)
        week.advance_to(thursday.replace(minute=10))
        left = [week.draw("mitte", "anmeldung"), week.draw("mitte", "ausweis")]
        Desk(week.live, "clerk1", "ws-a").post("/counters/m1/call-next")
        week.advance_to(thursday.replace(hour=12))
    week.advance_to(local(2026, 3, 27, 7, 50))
    with week.serving() as live:
        # Closed while starting, before the first request is answered.
        assert week.open_from_earlier_days("mitte") == []
        assert [week.status(t) for t in left] == ["expired", "expired"]
        reasons = week.expired_reasons("mitte")
        assert {reasons[f"{t['number']}@2026-03-26"] for t in left} == {"day_ended"}
        # Friday: restore is refused while this server holds the database.
        database = live.data_dir / "aufruf.db"
        backup = tmp_path / "friday.db"
        made = subprocess.run(
            [*AUFRUF, "backup", str(backup), "--database-url", f"sqlite:///{database}"],
            capture_output=True, text=True, timeout=60,
        )
        assert made.returncode == 0, made.stderr
        restore = subprocess.run(
            [*AUFRUF, "restore", str(backup), "--database-url", f"sqlite:///{database}", "--yes"],
            capture_output=True, text=True, timeout=60,
        )
        assert restore.returncode == 2 and "running Aufruf server" in restore.stderr, restore.stderr
        friday = local(2026, 3, 27, 8)
        _morning(week, friday)
        week.advance_to(friday.replace(minute=5))
        late = [week.draw("mitte", "anmeldung")]
        _closes_at(week, local(2026, 3, 27, 12, 30), late)

        # The always-open demo site closes at local midnight, also on the night the clocks go forward.
        week.advance_to(local(2026, 3, 28, 23, 30))
        saturday = week.draw("demo", "anmeldung")
        week.advance_to(local(2026, 3, 29, 0, 1))
        wait_until(lambda: week.status(saturday) == "expired", what="Saturday's ticket expired at midnight")
        week.advance_to(local(2026, 3, 29, 23, 30))
        sunday = week.draw("demo", "anmeldung")
        assert sunday["number"] == "A001"
        # Midnight after the 23-hour Sunday is 22:00 UTC (CEST), not 23:00 UTC.
        week.advance_to(datetime(2026, 3, 29, 21, 59, 30, tzinfo=UTC))
        check_all(live.context)
        assert week.status(sunday) == "waiting"
        week.advance_to(datetime(2026, 3, 29, 22, 0, 30, tzinfo=UTC))
        wait_until(lambda: week.status(sunday) == "expired", what="Sunday's ticket expired at CEST midnight")

        # Monday after the change: Mitte closes at 13:00 CEST, i.e. 11:00 UTC.
        monday = local(2026, 3, 30, 8)
        _morning(week, monday)
        week.advance_to(monday.replace(minute=5))
        after_dst = [week.draw("mitte", "ausweis")]
        assert after_dst[0]["number"] == "P001"
        _closes_at(week, datetime(2026, 3, 30, 11, 0, tzinfo=UTC), after_dst)
        _check(week)


def test_a_citizen_served_past_closing_ends_next_morning_without_ending_todays_sessions(tmp_path: Path) -> None:
    # Only start-up and call-next close days here, so the morning's order of events is the test's.
    week = Week(tmp_path, ManualClock(local(2026, 3, 23, 8, 5)), day_check_seconds=3600)
    with week.serving() as live:
        late, waiting = week.draw("mitte", "ausweis"), week.draw("mitte", "anmeldung")
        one = Desk(live, "clerk1", "ws-a")
        assert one.post("/counters/m3/call", {"number": late["number"]}).json()["status"] == "called"
        assert one.post("/counters/m3/start").json()["status"] == "serving"
        week.advance_to(local(2026, 3, 23, 13, 1))
        check_all(live.context)
        assert (week.status(late), week.status(waiting)) == ("serving", "expired")
        assert one.get("/counters/m3/session").json()["open"], "the clerk is still with the citizen"
        week.advance_to(local(2026, 3, 24, 8, 5))
        two = Desk(live, "clerk2", "ws-b")
        today = two.open("m2").json()["session"]
        assert two.post("/counters/m2/call-next").status_code == 204
        assert week.status(late) == "expired"
        assert week.expired_reasons("mitte")[f"{late['number']}@2026-03-23"] == "day_ended"
        assert two.get("/counters/m2/session").json()["session"] == today
        assert two.get("/counters/m2/session").json()["open"], "today's session goes on"
        one.login()
        assert one.get("/counters/m3/session").json()["close_reason"] == "day_closed"
