"""The bare websocket reference: the `websockets` library's own server, fanning out with `broadcast()`.

Run: .venv/bin/python -m bench.reference_ws --port 8124
Every websocket gets a small snapshot when it opens (as an Aufruf display does) and then only what
is broadcast. `GET /call?number=A7` broadcasts a ticket.called event shaped like Aufruf's to every
open websocket and answers 200; `GET /health` answers 200. Nothing is stored.
"""

from __future__ import annotations

import argparse
import json
from http import HTTPStatus
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import Request, Response, ServerConnection, broadcast, serve

OPEN: set[ServerConnection] = set()
SNAPSHOT = json.dumps({"type": "display.snapshot", "seq": 0, "data": {"calls": [], "site": "demo"}})


async def _watch(connection: ServerConnection) -> None:
    """Send the snapshot, then hold the connection until the client leaves."""
    OPEN.add(connection)
    try:
        await connection.send(SNAPSHOT)
        await connection.wait_closed()
    finally:
        OPEN.discard(connection)


def _http(connection: ServerConnection, request: Request) -> Response | None:
    """Plain HTTP requests: the health check and the call trigger; everything else upgrades."""
    parts = urlsplit(request.path)
    if parts.path == "/health":
        return connection.respond(HTTPStatus.OK, "ok\n")
    if parts.path == "/call":
        number = parse_qs(parts.query).get("number", ["A0"])[0]
        event = {"type": "ticket.called", "seq": 1, "data": {"number": number, "counter": "1"}}
        broadcast(OPEN, json.dumps(event, separators=(",", ":")))
        return connection.respond(HTTPStatus.OK, json.dumps({"number": number}))
    return None


async def _serve(port: int) -> None:
    async with serve(_watch, "127.0.0.1", port, process_request=_http) as server:
        await server.serve_forever()


def main() -> None:
    """Command line: serve on loopback until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    try:
        import uvloop

        uvloop.run(_serve(args.port))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
