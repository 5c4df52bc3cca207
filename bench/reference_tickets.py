"""The bare ticket reference: durable numbered tickets from raw ASGI on uvicorn, one fsync per batch.

Run: .venv/bin/python -m bench.reference_tickets --port 8123 --database /tmp/ref.db
It does what Aufruf's draw and call-next must do at their core and nothing more: `POST /tickets`
({"service": ...}) takes the next number of that service and answers 201 once the row is on disk;
`POST /call` marks the oldest waiting ticket called. Requests that arrive while a batch is being
written wait for the next batch, so one SQLite commit (WAL, synchronous=FULL) serves them all.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import sqlite3
from collections.abc import Awaitable, Callable
from typing import Any

import uvicorn

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
Job = tuple[str, str, "asyncio.Future[dict[str, Any]]"]


class Store:
    """The SQLite file and the batch writer that drains the waiting requests."""

    def __init__(self, path: str) -> None:
        self.connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute("PRAGMA synchronous=FULL")
        self.connection.execute(
            "CREATE TABLE IF NOT EXISTS ticket (id INTEGER PRIMARY KEY, service TEXT NOT NULL, serial INTEGER "
            "NOT NULL, token TEXT NOT NULL, state TEXT NOT NULL, UNIQUE (service, serial))"
        )
        self.serials: dict[str, int] = dict(
            self.connection.execute("SELECT service, MAX(serial) FROM ticket GROUP BY service").fetchall()
        )
        self.jobs: asyncio.Queue[Job] = asyncio.Queue()

    def _write(self, batch: list[Job]) -> list[dict[str, Any]]:
        """One transaction for the whole batch: the numbers, the rows, one commit."""
        answers: list[dict[str, Any]] = []
        cursor = self.connection.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        for kind, service, _future in batch:
            if kind == "draw":
                serial = self.serials.get(service, 0) + 1
                self.serials[service] = serial
                token = secrets.token_urlsafe(16)
                cursor.execute(
                    "INSERT INTO ticket (service, serial, token, state) VALUES (?, ?, ?, 'waiting')",
                    (service, serial, token),
                )
                answers.append({"number": f"A{serial}", "service": service, "token": token, "state": "waiting"})
            else:
                oldest = "SELECT id, serial FROM ticket WHERE state = 'waiting' ORDER BY id LIMIT 1"
                row = cursor.execute(oldest).fetchone()
                if row is None:
                    answers.append({})
                    continue
                cursor.execute("UPDATE ticket SET state = 'called' WHERE id = ?", (row[0],))
                answers.append({"number": f"A{row[1]}", "state": "called"})
        cursor.execute("COMMIT")
        return answers

    async def writer(self) -> None:
        """Take everything that is waiting, write it in one commit off the loop, answer each request."""
        while True:
            batch = [await self.jobs.get()]
            while not self.jobs.empty():
                batch.append(self.jobs.get_nowait())
            try:
                answers = await asyncio.to_thread(self._write, batch)
            except sqlite3.Error as error:
                for _kind, _service, future in batch:
                    future.set_exception(error)
                continue
            for (_kind, _service, future), answer in zip(batch, answers, strict=True):
                future.set_result(answer)


async def _body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


async def _answer(send: Send, status: int, payload: dict[str, Any]) -> None:
    body = json.dumps(payload).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def application(database: str) -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    """The raw ASGI app over one store; the writer starts with the first request's loop."""
    store: Store | None = None

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        nonlocal store
        if scope["type"] == "lifespan":
            while (message := await receive())["type"] != "lifespan.shutdown":
                if message["type"] == "lifespan.startup":
                    store = Store(database)
                    asyncio.get_running_loop().create_task(store.writer())
                    await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        assert store is not None
        body = await _body(receive)
        if scope["method"] == "GET" and scope["path"] == "/health":
            await _answer(send, 200, {"status": "ok"})
            return
        kind = {"/tickets": "draw", "/call": "call"}.get(scope["path"])
        if scope["method"] != "POST" or kind is None:
            await _answer(send, 404, {"detail": "not found"})
            return
        try:
            service = str(json.loads(body or b"{}").get("service", "")) if kind == "draw" else ""
        except (ValueError, AttributeError):
            await _answer(send, 422, {"detail": "a JSON object is expected"})
            return
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        store.jobs.put_nowait((kind, service, future))
        answer = await future
        await _answer(send, 201 if kind == "draw" else (200 if answer else 404), answer)

    return app


def main() -> None:
    """Command line: serve on loopback."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--database", required=True)
    args = parser.parse_args()
    uvicorn.run(application(args.database), host="127.0.0.1", port=args.port, log_level="warning",
                lifespan="on", access_log=False)


if __name__ == "__main__":
    main()
