"""Starting, watching and stopping the kiosk, display and counter apps next to the demo server."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

import typer

from aufruf import qt_check, x11_windows

# How long an app may take to show its window (it waits for the server by itself).
STARTUP_SECONDS = 60.0
STOP_SECONDS = 10.0
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Let the kernel stop the app if the demo dies without cleaning up (even by SIGKILL)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass
class DemoApp:
    """One app's process and the last lines it wrote."""

    name: str
    process: subprocess.Popen[bytes]
    output: deque[str] = field(default_factory=lambda: deque(maxlen=60))

    stopping: threading.Event = field(default_factory=threading.Event)

    def forward_output(self) -> None:
        """Copy the app's output to the demo's stderr, prefixed with its name; say when the app ends."""
        assert self.process.stdout is not None
        for raw in self.process.stdout:
            line = raw.decode(errors="replace").rstrip()
            self.output.append(line)
            print(f"[{self.name}] {line}", file=sys.stderr, flush=True)
        code = self.process.wait()  # reaped here, so no defunct child is left behind
        if not self.stopping.is_set():
            typer.secho(f"the {self.name} app ended with code {code}", fg=typer.colors.YELLOW, err=True)


def app_commands(*, server_url: str, data_dir: Path) -> dict[str, list[str]]:
    """Each demo app's command-line arguments."""
    printer = f"sim://{data_dir / 'printouts'}"
    return {
        "kiosk": ["--server", server_url, "--site", "demo", "--token", "demo-kiosk", "--printer", printer],
        "display": ["--server", server_url, "--site", "demo"],
        "counter": ["--server", server_url],
    }


class DemoApps:
    """The three demo apps as child processes that cannot outlive the demo."""

    def __init__(self, *, server_url: str, data_dir: Path) -> None:
        self.commands = app_commands(server_url=server_url, data_dir=data_dir)
        self.apps: list[DemoApp] = []

    def start(self) -> None:
        """Launch each app in its own process."""
        for name, arguments in self.commands.items():
            try:
                process = subprocess.Popen(
                    [sys.executable, "-m", "aufruf", name, *arguments],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    preexec_fn=_die_with_parent,
                )
            except OSError as error:
                typer.secho(f"could not start the {name} app: {error}", fg=typer.colors.YELLOW, err=True)
                continue
            app = DemoApp(name=name, process=process)
            threading.Thread(target=app.forward_output, name=f"{name}-output", daemon=True).start()
            self.apps.append(app)

    def wait_until_up(self, *, timeout: float = STARTUP_SECONDS) -> dict[str, str]:
        """Wait until every app shows a window or has exited; return each app's state in words."""
        check_windows = qt_check.has_screen() and bool(os.environ.get("DISPLAY")) and x11_windows.tools_available()
        states: dict[str, str] = {}
        deadline = time.monotonic() + timeout
        while True:
            shown = x11_windows.visible_window_pids() if check_windows else set()
            for app in self.apps:
                if app.name in states:
                    continue
                if app.process.poll() is not None:
                    states[app.name] = f"exited with code {app.process.returncode}"
                elif app.process.pid in shown:
                    states[app.name] = "window shown"
            if len(states) == len(self.apps) or time.monotonic() > deadline:
                break
            time.sleep(0.25)  # polling the X server; there is no event to wait for across processes
        for app in self.apps:
            if app.name not in states:
                states[app.name] = "running (window not checked)" if not check_windows else "running, no window yet"
        return states

    def report(self, states: dict[str, str]) -> bool:
        """Print each app's state and, if any failed, why and how to fix it; True when all are up."""
        failed = [name for name, state in states.items() if not state.startswith(("window shown", "running ("))]
        for name, state in states.items():
            colour = typer.colors.RED if name in failed else typer.colors.GREEN
            typer.secho(f"  {name:8} {state}", fg=colour, err=True)
        if failed:
            output = "\n".join(line for app in self.apps if app.name in failed for line in app.output)
            typer.secho(f"Windows absent: {', '.join(failed)}.", fg=typer.colors.RED, err=True)
            hints = qt_check.diagnosis()
            if not hints and qt_check.is_platform_failure(output):
                hints = ["Qt could not load its platform plugin; run the app with QT_DEBUG_PLUGINS=1 for details."]
            for hint in hints:
                typer.secho(f"  {hint}", fg=typer.colors.YELLOW, err=True)
        return not failed

    def watch_in_background(self) -> None:
        """Report the apps' start in a thread, so the server starts meanwhile."""

        def watch() -> None:
            if not self.report(self.wait_until_up()):
                typer.secho("The server keeps running; stop it with Ctrl+C.", fg=typer.colors.YELLOW, err=True)

        threading.Thread(target=watch, name="demo-apps-watch", daemon=True).start()

    def stop(self) -> None:
        """Stop every app: TERM, then KILL what is still there after a grace time."""
        for app in self.apps:
            app.stopping.set()
            if app.process.poll() is None:
                app.process.terminate()
        deadline = time.monotonic() + STOP_SECONDS
        for app in self.apps:
            try:
                app.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                app.process.kill()
                app.process.wait()


def _exit_on_terminate(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


@contextlib.contextmanager
def running_demo_apps(*, server_url: str, data_dir: Path) -> Iterator[DemoApps]:
    """Start the apps, report on them, and stop them when the block ends, by TERM and INT too."""
    # uvicorn re-raises TERM after its graceful shutdown; as an exception it lets the apps be stopped.
    previous = signal.signal(signal.SIGTERM, _exit_on_terminate)
    apps = DemoApps(server_url=server_url, data_dir=data_dir)
    try:
        apps.start()
        apps.watch_in_background()
        yield apps
    finally:
        apps.stop()
        signal.signal(signal.SIGTERM, previous)
