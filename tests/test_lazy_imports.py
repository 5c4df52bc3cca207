"""An idle server keeps its heavy, rarely used dependencies out of memory until a request needs them."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

# Each costs megabytes of every server process and serves only a few requests (exports, charts, ICS
# import, Web Push, ticket printers): they must be imported where they are used, not at startup.
HEAVY = (
    "openpyxl",
    "pygal",
    "icalendar",
    "dateutil",
    "pywebpush",
    "py_vapid",
    "http_ece",
    "requests",
    "aiohttp",
    "escpos",
    "PIL",
    "cairosvg",
    "cairocffi",
    "qrcode",
    "barcode",
    "usb",
    "serial",
    "yaml",
    "hardware.printing",
    "hardware.scanning",
)

# Build the app as uvicorn does, run its startup (the push watcher), serve the pages an idle office serves.
PROBE = """
import json, sys
from fastapi.testclient import TestClient
from server.main import app_from_env

with TestClient(app_from_env()) as client:
    for path in ("/api/v1/health", "/display/demo", "/api/v1/sites/demo/services"):
        assert client.get(path).status_code == 200, path
print(json.dumps(sorted(sys.modules)))
"""


def test_starting_the_server_imports_no_heavy_optional_module(tmp_path: Path) -> None:
    """Fails when someone brings back a module-level import of one of HEAVY on the server's path."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("AUFRUF_")}
    environment |= {
        "AUFRUF_DEMO": "1",
        "AUFRUF_DATABASE_URL": f"sqlite:///{tmp_path / 'aufruf.db'}",
        "AUFRUF_SECRET_KEY": secrets.token_urlsafe(48),
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE], env=environment, cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    loaded = set(json.loads(result.stdout.splitlines()[-1]))
    assert "server.main" in loaded
    eager = sorted(name for name in HEAVY if name in loaded)
    assert not eager, f"imported at startup: {eager}"
