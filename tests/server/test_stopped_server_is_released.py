"""A stopped server lets go of its database, engines and application: nothing of it stays in the process."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path
from typing import Any

import httpx

from tests.support.live_server import run_live_server


def test_a_stopped_server_leaves_no_database_or_application_behind(tmp_path: Path) -> None:
    with run_live_server(tmp_path) as server:
        drawn = httpx.post(server.api("/sites/demo/tickets"), json={"service": "kfz"}, headers=server.kiosk_headers)
        assert drawn.status_code == 201, drawn.text
        assert httpx.get(server.api("/health")).json()["status"] == "ok"
        context = server.context
        held: dict[str, weakref.ReferenceType[Any]] = {
            "application": weakref.ref(server.app),
            "context": weakref.ref(context),
            "database": weakref.ref(context.database),
            "writer engine": weakref.ref(context.database.engine),
            "reader engine": weakref.ref(context.database.read_engine),
        }
        del context
    del server
    gc.collect()
    assert [name for name, ref in held.items() if ref() is not None] == []
