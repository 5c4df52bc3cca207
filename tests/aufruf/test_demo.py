"""`aufruf demo` with its three app windows on a real X server (Xvfb): start, report, stop, diagnose."""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from aufruf import qt_check
from aufruf.demo_check import start_xvfb
from tests.support.live_server import free_port

ROOT = Path(__file__).resolve().parents[2]
APPS = ("kiosk", "display", "counter")
XCB_PLUGIN = Path(sys.prefix).glob("lib/python*/site-packages/PySide6/Qt/plugins/platforms/libqxcb.so")

pytestmark = pytest.mark.skipif(shutil.which("Xvfb") is None, reason="Xvfb is installed by scripts/setup")


@pytest.fixture
def display() -> Iterator[str]:
    """A private X server's DISPLAY value."""
    xvfb, display = start_xvfb()
    yield display
    xvfb.terminate()
    xvfb.wait(timeout=10)


def qt_free_environment(**extra: str) -> dict[str, str]:
    """The test environment without the offscreen Qt platform, so the apps use X (or nothing)."""
    environment = {k: v for k, v in os.environ.items() if k not in {"QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"}}
    return {**environment, **extra}


class Demo:
    """A running `aufruf demo` whose stderr lines are read into a queue."""

    def __init__(self, tmp_path: Path, environment: dict[str, str]) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "aufruf", "demo", "--host", "127.0.0.1", "--port", str(self.port),
             "--data-dir", str(tmp_path)],
            cwd=ROOT, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
            env={**environment, "AUFRUF_PUBLIC_URL": f"http://127.0.0.1:{self.port}"},
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.put(line.rstrip())

    def wait_for(self, text: str, timeout: float = 90) -> str:
        """The first stderr line containing text, waiting up to timeout seconds."""
        deadline = time.monotonic() + timeout
        for line in self.seen:
            if text in line:
                return line
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            self.seen.append(line)
            if text in line:
                return line
        raise AssertionError(f"no line with {text!r} in:\n" + "\n".join(self.seen))

    def app_pids(self) -> list[int]:
        """The demo's child processes (the three apps)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return [int(pid) for pid in children]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)


def alive(pid: int) -> bool:
    """Whether a process exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def wait_gone(pids: list[int], timeout: float = 30) -> list[int]:
    """The pids still alive after waiting up to timeout seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(alive(pid) for pid in pids):
        time.sleep(0.1)  # the processes belong to another parent; poll /proc
    return [pid for pid in pids if alive(pid)]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["TERM", "INT"])
def test_demo_shows_three_windows_and_stops_its_apps_on_signal(
    tmp_path: Path, display: str, signum: signal.Signals
) -> None:
    demo = Demo(tmp_path, qt_free_environment(DISPLAY=display))
    try:
        for app in APPS:
            demo.wait_for(f"{app:8} window shown")
        pids = demo.app_pids()
        assert len(pids) == 3
        windows = subprocess.run(["xwininfo", "-root", "-children"], env={"DISPLAY": display},
                                 capture_output=True, text=True, check=True).stdout
        assert "Aufruf Kiosk" in windows
        assert httpx.get(f"http://127.0.0.1:{demo.port}/api/v1/health", timeout=10).status_code == 200

        demo.process.send_signal(signum)
        demo.process.wait(timeout=60)
        assert wait_gone(pids) == [], "apps outlived the demo"
    finally:
        demo.stop()


def test_demo_without_a_screen_keeps_the_server_and_says_which_windows_are_absent(tmp_path: Path) -> None:
    demo = Demo(tmp_path, qt_free_environment())
    try:
        absent = demo.wait_for("Windows absent:")
        assert all(app in absent for app in APPS)
        demo.wait_for("There is no screen (DISPLAY is not set)")
        demo.wait_for("The server keeps running")
        ticket = httpx.post(
            f"http://127.0.0.1:{demo.port}/api/v1/sites/demo/tickets", json={"service": "kfz"},
            headers={"Authorization": "Bearer demo-kiosk"}, timeout=10,
        )
        assert ticket.status_code == 201
    finally:
        demo.process.send_signal(signal.SIGTERM)
        demo.process.wait(timeout=60)


def test_diagnosis_names_the_library_qt_lacks_and_the_package_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A copy of Qt's xcb plugin whose dependency on libxcb-icccm.so.4 names a library no system has.
    original = next(XCB_PLUGIN)
    platforms = tmp_path / "plugins" / "platforms"
    platforms.mkdir(parents=True)
    (tmp_path / "lib").symlink_to(original.parents[2] / "lib")  # the plugin's runpath is $ORIGIN/../../lib
    binary = original.read_bytes()
    assert binary.count(b"libxcb-icccm.so.4\0") == 1
    (platforms / "libqxcb.so").write_bytes(binary.replace(b"libxcb-icccm.so.4\0", b"libxcb-icccm.so.7\0"))
    monkeypatch.setenv("QT_QPA_PLATFORM_PLUGIN_PATH", str(platforms))

    lines = qt_check.diagnosis({"DISPLAY": ":0"})
    assert lines[0] == "Qt's xcb platform plugin lacks 1 system libraries: libxcb-icccm.so.7"
    assert lines[1].startswith("Install them with:  sudo apt-get install libxcb-icccm7 ")


def test_the_libraries_of_a_bare_desktop_map_to_their_debian_packages() -> None:
    # The eight libraries a bare Debian 12 lacked for Qt 6.5+ (ldd on the plugin), and their packages.
    missing = [
        "libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-util.so.1", "libxcb-image.so.0",
        "libxcb-keysyms.so.1", "libxcb-render-util.so.0", "libxcb-xkb.so.1", "libxkbcommon-x11.so.0",
    ]
    assert qt_check.packages_for(missing) == [
        "libxcb-cursor0", "libxcb-icccm4", "libxcb-image0", "libxcb-keysyms1",
        "libxcb-render-util0", "libxcb-util1", "libxcb-xkb1", "libxkbcommon-x11-0",
    ]
    assert qt_check.diagnosis({"DISPLAY": ":0"}) == []  # this machine has all of them (scripts/setup)


def test_demo_check_starts_a_virtual_screen_and_reports_all_windows(tmp_path: Path) -> None:
    port = free_port()
    check = subprocess.run(
        [sys.executable, "-m", "aufruf", "demo", "--check", "--host", "127.0.0.1", "--port", str(port),
         "--data-dir", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=180,
        env=qt_free_environment(AUFRUF_PUBLIC_URL=f"http://127.0.0.1:{port}"),
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert "started a virtual one (Xvfb)" in check.stdout
    for app in APPS:
        assert f"{app:8} window shown" in check.stderr
    assert "demo check: all up" in check.stdout
