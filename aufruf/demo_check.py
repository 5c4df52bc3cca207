"""`aufruf demo --check`: start the demo office, confirm the server and all three windows came up, stop."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import typer
import uvicorn

from aufruf import qt_check
from aufruf.demo_apps import DemoApps
from server.api.http_protocol import uvicorn_http_options
from server.events.direct import uvicorn_websocket_options
from server.settings import load_settings

SERVER_START_SECONDS = 60.0


def start_xvfb() -> tuple[subprocess.Popen[bytes], str]:
    """Start Xvfb on a free display number; return it with its DISPLAY value once it accepts clients."""
    read_end, write_end = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    with os.fdopen(read_end) as numbers:
        display = numbers.readline().strip()  # Xvfb writes its display number once it is ready
    return xvfb, f":{display}"


@contextlib.contextmanager
def virtual_screen() -> Iterator[None]:
    """An Xvfb screen as $DISPLAY when there is no screen and Xvfb is installed; else nothing."""
    if qt_check.has_screen() or shutil.which("Xvfb") is None:
        yield
        return
    xvfb, display = start_xvfb()
    os.environ["DISPLAY"] = display
    typer.echo(f"no screen: started a virtual one (Xvfb) on {display}")
    try:
        yield
    finally:
        os.environ.pop("DISPLAY", None)
        xvfb.terminate()
        xvfb.wait(timeout=10)


def _wait_for_health(url: str) -> bool:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=2).status_code == 200:
                return True
        time.sleep(0.2)  # the server is starting in another thread; poll its health route
    return False


def check_demo(*, host: str, port: int, data_dir: Path) -> int:
    """Run the demo until the server answers and every app shows its window; 0 when all did, else 1."""
    config = uvicorn.Config(
        "server.main:app_from_env", factory=True, host=host, port=port, log_level="warning",
        **uvicorn_websocket_options(), **uvicorn_http_options(load_settings().http),
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="demo-server", daemon=True)
    thread.start()
    apps = DemoApps(server_url=f"http://127.0.0.1:{port}", data_dir=data_dir)
    try:
        healthy = _wait_for_health(f"http://127.0.0.1:{port}/api/v1/health")
        typer.secho(f"  server   {'answers' if healthy else 'did not answer'}", err=True,
                    fg=typer.colors.GREEN if healthy else typer.colors.RED)
        with virtual_screen():
            apps.start()
            all_up = apps.report(apps.wait_until_up())
            apps.stop()
    finally:
        apps.stop()
        server.should_exit = True
        thread.join(timeout=30)
    ok = healthy and all_up and len(apps.apps) == len(apps.commands)
    typer.secho("demo check: " + ("all up" if ok else "FAILED"), fg=typer.colors.GREEN if ok else typer.colors.RED)
    return 0 if ok else 1
