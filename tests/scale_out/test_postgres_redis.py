"""The scale-out path against the machine's real PostgreSQL and a private Redis."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from sqlmodel import col, select

from client.api import ApiClient, ApiError
from client.qt import stream_url
from client.stream import EventStream, StreamHandlers
from server.db import Database
from server.demo import demo_office
from server.events.models import EventRecord
from server.office.apply import apply_office
from server.tickets.models import Ticket
from tests.support.live_server import free_port, run_live_server
from tests.support.redis_server import RedisProcess

ROOT = Path(__file__).resolve().parents[2]
SECRET = "scale-out-test-secret-0123456789-abcdefghij"




class Watcher:
    """A display connection that records every event it receives and every snapshot's seq."""

    def __init__(self, url: str) -> None:
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        self.snapshots: queue.Queue[dict[str, Any]] = queue.Queue()
        self.stream = EventStream(
            stream_url(url, "/ws/sites/demo/display"),
            StreamHandlers(on_snapshot=self.snapshots.put, on_event=self.events.put),
        )
        self.stream.start()
        self.snapshots.get(timeout=20)

    def next_of(self, kind: str, number: str | None = None) -> dict[str, Any]:
        """Wait for an event of a type (and ticket number)."""
        while True:
            event = self.events.get(timeout=20)
            if event["type"] == kind and (number is None or event["data"].get("number") == number):
                return event


def _seqs_are_contiguous(database: Database) -> None:
    with database.transaction() as session:
        seqs = session.exec(
            select(EventRecord.seq).where(EventRecord.site_id == "demo").order_by(col(EventRecord.seq))
        ).all()
    assert list(seqs) == list(range(1, len(seqs) + 1))


def test_numbers_are_gap_free_across_processes_on_postgres(postgres_url: str) -> None:
    database = Database(postgres_url)
    database.create_schema()
    with database.transaction() as session:
        apply_office(session=session, office=demo_office())
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.server.numbering_worker", postgres_url, "30", "anmeldung"],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for _ in range(4)
    ]
    numbers = [line for worker in workers for line in worker.communicate(timeout=120)[0].split()]
    assert sorted(numbers) == [f"A{n:03d}" for n in range(1, 121)]
    _seqs_are_contiguous(database)
    database.dispose()


def test_two_servers_share_one_queue_over_redis(tmp_path: Path, postgres_url: str, redis_server: RedisProcess) -> None:
    shared = {"database_url": postgres_url, "broadcast_url": redis_server.url, "secret_key": SECRET}
    with (
        run_live_server(tmp_path / "a", **shared) as first,
        run_live_server(tmp_path / "b", **shared) as second,
    ):
        watcher = Watcher(first.url)
        try:
            kiosk = ApiClient(second.url, token="demo-kiosk")
            ticket = kiosk.draw_ticket("demo", "kfz", language="de", idempotency_key="two-1")
            assert watcher.next_of("ticket.created", ticket.number)["data"]["service"] == "kfz"
            clerk = ApiClient(first.url)
            clerk.login("clerk1", "demo")
            called = clerk.call_next("6")
            assert called is not None and called.number == ticket.number
            assert watcher.next_of("ticket.called", ticket.number)["data"]["counter"] == "6"
        finally:
            watcher.stream.stop()


def test_clients_converge_after_a_redis_restart(tmp_path: Path, postgres_url: str, redis_server: RedisProcess) -> None:
    shared = {"database_url": postgres_url, "broadcast_url": redis_server.url, "secret_key": SECRET}
    with (
        run_live_server(tmp_path / "a", **shared) as first,
        run_live_server(tmp_path / "b", **shared) as second,
    ):
        watcher = Watcher(first.url)
        try:
            redis_server.stop()
            # The ticket is committed although its event cannot cross to the other server now.
            lost = ApiClient(second.url, token="demo-kiosk").draw_ticket(
                "demo", "abholung", language="de", idempotency_key="outage-1"
            )
            redis_server.start()
            assert watcher.next_of("ticket.created", lost.number)["data"]["service"] == "abholung"
        finally:
            watcher.stream.stop()


def _worker_pids(master: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                children.append(int(entry.name))
    return children


def test_four_workers_survive_a_killed_worker_without_losing_a_ticket(
    tmp_path: Path, postgres_url: str, redis_server: RedisProcess
) -> None:
    port = free_port()
    environment = {
        **os.environ,
        "AUFRUF_DEMO": "1",
        "AUFRUF_SECRET_KEY": SECRET,
        "AUFRUF_DATABASE_URL": postgres_url,
        "AUFRUF_BROADCAST_URL": redis_server.url,
        "AUFRUF_PUBLIC_URL": f"http://127.0.0.1:{port}",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "aufruf", "serve", "--workers", "4", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=environment,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert server.stderr is not None
    try:
        started = 0
        for line in server.stderr:
            started += "Application startup complete" in line
            if started == 4:
                break
        threading.Thread(target=server.stderr.read, daemon=True).start()
        url = f"http://127.0.0.1:{port}"
        watchers = [Watcher(url) for _ in range(3)]
        issued: list[str] = []
        lock = threading.Lock()

        def draw(index: int) -> None:
            kiosk = ApiClient(url, token="demo-kiosk", timeout=10)
            key = f"load-{index}"
            for _attempt in range(20):  # a request to the killed worker is retried with the same key
                try:
                    ticket = kiosk.draw_ticket(
                        "demo", ["anmeldung", "ausweis"][index % 2], language="de", idempotency_key=key
                    )
                except ApiError:
                    continue
                with lock:
                    issued.append(ticket.number)
                return
            raise AssertionError(f"ticket {key} was never issued")

        with ThreadPoolExecutor(16) as pool:
            futures = [pool.submit(draw, index) for index in range(160)]
            os.kill(_worker_pids(server.pid)[0], signal.SIGKILL)
            for future in futures:
                future.result()

        assert sorted(n for n in issued if n.startswith("A")) == [f"A{n:03d}" for n in range(1, 81)]
        assert sorted(n for n in issued if n.startswith("P")) == [f"P{n:03d}" for n in range(1, 81)]
        database = Database(postgres_url)
        with database.transaction() as session:
            assert len(session.exec(select(Ticket)).all()) == 160
        _seqs_are_contiguous(database)
        database.dispose()
        # Every display, whichever worker it is on and whether or not it lost its worker, converges.
        final = httpx.get(f"{url}/api/v1/sites/demo/display").json()
        for watcher in watchers:
            lines = _latest_lines(watcher, final["seq"])
            assert len(lines["anmeldung"]) == 80 and len(lines["ausweis"]) == 80
            watcher.stream.stop()
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=60)


def _latest_lines(watcher: Watcher, seq: int) -> dict[str, list[str]]:
    """The lines as the watcher knows them once it has seen everything up to `seq`."""
    lines: dict[str, list[str]] = {}
    latest = 0
    while latest < seq:
        try:
            snapshot = watcher.snapshots.get_nowait()
            lines, latest = snapshot["data"]["lines"], snapshot["seq"]
            continue
        except queue.Empty:
            pass
        event = watcher.events.get(timeout=30)
        latest = event["seq"]
        if event["type"] == "queue.changed":
            lines = event["data"]["lines"]
    return lines
