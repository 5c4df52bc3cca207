"""Two servers on one PostgreSQL and Redis keep the same projection from the same events."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
from sqlmodel import col, select
from websockets.asyncio.client import connect

from server.events.log import current_seq
from server.events.models import EventRecord
from server.snapshots import display_snapshot, with_seq
from tests.support.live_server import LiveServer, run_live_server
from tests.support.redis_server import RedisProcess
from tests.support.run_async import run_async

SECRET = "scale-out-test-secret-0123456789-abcdefghij"




async def _receive(websocket: Any) -> dict[str, Any]:
    return dict(json.loads(await asyncio.wait_for(websocket.recv(), timeout=30)))


async def _snapshot(server: LiveServer) -> dict[str, Any]:
    async with connect(f"{server.ws_url}/ws/sites/demo/display") as display:
        return await _receive(display)


def _work(server: LiveServer) -> None:
    with httpx.Client(base_url=server.api(""), timeout=30) as http:
        for service in ("anmeldung", "kfz", "anmeldung"):
            http.post("/sites/demo/tickets", json={"service": service}, headers=server.kiosk_headers).raise_for_status()
        clerk = server.clerk_headers()
        for action in ("3/call-next", "6/call-next", "6/finish", "3/recall"):
            http.post(f"/counters/{action}", headers=clerk).raise_for_status()


def test_two_servers_serve_the_same_snapshot(tmp_path: Path, postgres_url: str, redis_server: RedisProcess) -> None:
    shared = {"database_url": postgres_url, "broadcast_url": redis_server.url, "secret_key": SECRET}
    with (
        run_live_server(tmp_path / "a", **shared) as first,
        run_live_server(tmp_path / "b", **shared) as second,
    ):
        async def check() -> None:
            async with (
                connect(f"{first.ws_url}/ws/sites/demo/display") as one,
                connect(f"{second.ws_url}/ws/sites/demo/display") as two,
            ):
                seen = [(await _receive(one))["seq"], (await _receive(two))["seq"]]
                loads = (first.context.projections.loads, second.context.projections.loads)
                # Every change is made through the second server; the first learns of it over Redis.
                await asyncio.to_thread(_work, second)
                with first.context.database.read() as session:
                    latest = current_seq(session=session, site_id="demo")
                for index, display in enumerate((one, two)):
                    while seen[index] < latest:
                        seen[index] = (await _receive(display))["seq"]
            a, b = await _snapshot(first), await _snapshot(second)
            assert (first.context.projections.loads, second.context.projections.loads) == loads
            assert a["seq"] == b["seq"] == latest
            assert a["data"] == b["data"]
            context = first.context
            with context.database.read() as session:
                expected = with_seq(session=session, site_id="demo", data=display_snapshot(
                    session=session, site_id="demo", now=context.clock.now(), recent=context.settings.recent_calls,
                    public_url=context.settings.public_url,
                ))
                # Wait ranges are those of the latest queue.changed (the forecast at that change), as on live displays.
                queue = session.exec(
                    select(EventRecord).where(EventRecord.site_id == "demo", EventRecord.type == "queue.changed")
                    .order_by(col(EventRecord.seq).desc())
                ).first()
            assert queue is not None
            assert (a["seq"], a["data"]) == (expected[0], {**expected[1], "services": queue.data["services"]})

        run_async(check())
