"""Group commit of kiosk draws: concurrent issuers share transactions without losing or reordering anything."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path

from sqlmodel import col, select

from server.clock import ManualClock
from server.db import Database
from server.errors import Conflict, NotFound
from server.events.models import EventRecord
from server.group_commit import MAX_BATCH, GroupCommit
from server.sites.queue import queue_state
from server.tickets.issuance import Issued, IssueRequest, issue, issue_batch
from server.tickets.models import Ticket
from server.tickets.views import ticket_out
from tests.support.service_calls import open_counters

SERVICES = ("anmeldung", "ausweis", "fuehrungszeugnis", "meldebescheinigung", "abholung")
PUBLIC_URL = "http://test"
WORKER = [sys.executable, "-m", "tests.server.group_commit_worker"]
ROOT = Path(__file__).resolve().parents[2]


def request(clock: ManualClock, service: str, key: str | None = None) -> IssueRequest:
    """A draw by the demo kiosk."""
    return IssueRequest(
        site_id="demo", service_key=service, language="de", clock=clock.now, actor="device:demo-kiosk",
        public_url=PUBLIC_URL, idempotency_key=key,
    )


def test_concurrent_issuers_get_gap_free_numbers_that_survive_a_restart(
    database: Database, clock: ManualClock
) -> None:
    """32 threads drawing at once: every answer is a distinct, gap-free number, durable once answered."""
    answers: list[Issued] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(32)

    def kiosk(offset: int) -> None:
        start.wait()
        for round_ in range(10):
            try:
                issued = issue(database, request(clock, SERVICES[(offset + round_) % len(SERVICES)]))
            except BaseException as error:  # collected and reported by the assertion below
                errors.append(error)
                return
            with lock:
                answers.append(issued)

    threads = [threading.Thread(target=kiosk, args=(i,)) for i in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(answers) == 320 and all(answer.created for answer in answers)
    serials: dict[str, list[int]] = defaultdict(list)
    for answer in answers:
        serials[answer.view.service].append(int(answer.view.number[1:]))
    for service, seen in serials.items():
        assert sorted(seen) == list(range(1, len(seen) + 1)), service

    # A fresh engine on the same file stands in for a restarted server.
    database.dispose()
    reopened = Database(str(database.engine.url))
    try:
        with reopened.read() as session:
            stored = {t.token: t.number for t in session.exec(select(Ticket)).all()}
            events = session.exec(select(EventRecord).order_by(col(EventRecord.seq))).all()
    finally:
        reopened.dispose()
    assert {a.view.token: a.view.number for a in answers}.items() <= stored.items()
    seqs = [event.seq for event in events]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
    created = [event for event in events if event.type == "ticket.created"]
    assert len(created) == 320
    # Each ticket.created is followed by the queue.changed that counts it.
    for event in created:
        following = next(e for e in events if e.seq == event.seq + 1)
        assert following.type == "queue.changed"


def test_a_refused_request_leaves_the_rest_of_its_batch_alone(database: Database, clock: ManualClock) -> None:
    """An unknown service in the middle of a batch fails alone; the numbers around it stay consecutive."""
    requests = [request(clock, "anmeldung"), request(clock, "no-such-service"), request(clock, "anmeldung")]
    with database.transaction() as session:
        outcomes = issue_batch(session, requests)
    assert isinstance(outcomes[1], NotFound)
    assert [o.view.number for o in outcomes if isinstance(o, Issued)] == ["A001", "A002"]


def test_the_quota_counts_the_tickets_earlier_in_the_same_batch(database: Database, clock: ManualClock) -> None:
    """The 41st Standesamt ticket of a day is refused even when the 40th is in the same batch."""
    with database.transaction() as session:
        outcomes = issue_batch(session, [request(clock, "standesamt") for _ in range(41)])
    assert all(isinstance(o, Issued) for o in outcomes[:40])
    assert isinstance(outcomes[40], Conflict) and outcomes[40].code == "service_quota_reached"


def test_a_key_repeated_within_a_batch_gives_one_ticket(database: Database, clock: ManualClock) -> None:
    """Two requests with one Idempotency-Key in the same batch: one ticket, the second answer not new."""
    with database.transaction() as session:
        first, second = issue_batch(session, [request(clock, "ausweis", "k-1"), request(clock, "ausweis", "k-1")])
    assert isinstance(first, Issued) and isinstance(second, Issued)
    assert first.created and not second.created and first.view.id == second.view.id
    with database.transaction() as session:
        (third,) = issue_batch(session, [request(clock, "ausweis", "k-1")])
        assert session.exec(select(Ticket)).all()[0].number == "P001"
    assert isinstance(third, Issued) and not third.created and third.view.id == first.view.id


def test_each_ticket_sees_the_figures_as_they_stood_right_after_it(database: Database, clock: ManualClock) -> None:
    """A batch's events match what one transaction per ticket would have logged."""
    open_counters(database, clock, "3")  # serves both lines, so every ticket has a range
    with database.transaction() as session:
        issue_batch(session, [request(clock, "anmeldung")])
    clock.advance(timedelta(minutes=3))
    with database.transaction() as session:
        outcomes = issue_batch(session, [request(clock, s) for s in ("anmeldung", "ausweis", "anmeldung")])
    views = [o.view for o in outcomes if isinstance(o, Issued)]
    assert [(v.number, v.position, v.people_ahead) for v in views] == [("A002", 2, 1), ("P001", 1, 0), ("A003", 3, 2)]
    with database.read() as session:
        events = session.exec(select(EventRecord).order_by(col(EventRecord.seq))).all()
        final = queue_state(session=session, site_id="demo", now=clock.now()).as_data()
    last = events[-1]
    assert [e.type for e in events[-6:]] == ["ticket.created", "queue.changed"] * 3
    assert last.data == final
    assert events[-3].data["lines"]["anmeldung"] == ["A001", "A002"]
    assert events[-3].data["lines"]["ausweis"] == ["P001"]
    assert events[-4].data["eta_minutes"] == list(views[1].eta_minutes or ())
    # The answers carry the same ranges a single-ticket view shows afterwards.
    with database.read() as session:
        for view in views:
            ticket = session.get(Ticket, view.id)
            assert ticket is not None
            again = ticket_out(session=session, ticket=ticket, public_url=PUBLIC_URL, holder=True, now=clock.now())
            assert again == view
    longest = {s["id"]: s["longest_wait_minutes"] for s in last.data["services"]}
    assert longest["anmeldung"] == 3
    assert isinstance(last.at, datetime)


def test_more_waiting_requests_than_one_batch_takes_are_all_answered(database: Database) -> None:
    """With more requests waiting than MAX_BATCH, leaders keep taking the oldest until everyone has an answer."""
    group: GroupCommit[int, int] = GroupCommit(database, lambda _session, items: [item * 2 for item in items])
    answers: dict[int, int] = {}
    start = threading.Barrier(3 * MAX_BATCH)

    def submit(item: int) -> None:
        start.wait()
        answers[item] = group.submit(item)

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(3 * MAX_BATCH)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == {i: i * 2 for i in range(3 * MAX_BATCH)}


def test_every_answered_ticket_survives_a_crash(database: Database) -> None:
    """A process drawing from 16 threads is killed mid-batch: what it answered is stored, without gaps."""
    worker = subprocess.Popen([*WORKER, str(database.engine.url), "16"], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert worker.stdout is not None
    answered = [worker.stdout.readline().strip() for _ in range(200)]
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)
    with database.read() as session:
        stored = session.exec(select(Ticket.number)).all()
    assert set(answered) <= set(stored)
    for prefix in ("A", "P"):
        serials = sorted(int(number[1:]) for number in stored if number.startswith(prefix))
        assert serials == list(range(1, len(serials) + 1))
