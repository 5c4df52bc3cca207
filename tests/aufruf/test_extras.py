"""The package extras: the apps run without the server's dependencies, the server without the apps'."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]

# Runs a Python snippet in which the named top-level modules cannot be imported, as if not installed.
WITHOUT = """
import importlib.abc, sys
BLOCKED = set(sys.argv[1].split(","))
class NotInstalled(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, NotInstalled())
code = sys.argv[3]
sys.argv = [sys.argv[2], *sys.argv[4:]]
exec(code)
"""
# Import names of the server extra's distributions and of what they bring along.
SERVER_MODULES = (
    "fastapi,starlette,uvicorn,sqlmodel,sqlalchemy,alembic,argon2,jwt,jinja2,limits,pywebpush,icalendar,openpyxl,pygal"
)
APP_MODULES = "PySide6,shiboken6,escpos,serial,usb,PIL"


def run_without(blocked: str, code: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", WITHOUT, blocked, "aufruf", code, *arguments],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "COLUMNS": "200"},
    )


def test_the_extras_split_the_dependencies() -> None:
    extras = PROJECT["optional-dependencies"]
    names = {extra: {line.split("[")[0].split(">")[0] for line in extras[extra]} for extra in ("server", "apps")}
    assert {"fastapi", "uvicorn", "sqlmodel"} <= names["server"]
    assert {"pyside6-essentials", "python-escpos"} <= names["apps"]
    assert not names["server"] & names["apps"]
    assert "aufruf[server,apps,scale]" in extras["dev"]


def test_the_apps_run_without_the_server_dependencies() -> None:
    imports = "import kiosk_app.app, display_app.app, counter_app.window, hardware.cli, client.qt; print('imported')"
    assert "imported" in run_without(SERVER_MODULES, imports).stdout
    for app in ("kiosk", "display", "counter", "printer"):
        shown = run_without(SERVER_MODULES, "from aufruf.cli import main; main()", app, "--help")
        assert shown.returncode == 0, shown.stderr
        assert "Usage: aufruf " + app in shown.stdout
    serve = run_without(SERVER_MODULES, "from aufruf.cli import main; main()", "serve", "--port", "9")
    assert serve.returncode == 2
    assert "pip install 'aufruf[server]'" in serve.stderr


def test_the_event_models_and_the_stream_need_nothing_of_the_server() -> None:
    # A kiosk PC reads the stream with the shared event models; neither may pull in the server package.
    code = "import aufruf.events, client.stream; print('imported')"
    result = run_without(SERVER_MODULES + ",server", code)
    assert "imported" in result.stdout, result.stderr


def test_the_server_runs_without_the_apps_dependencies(tmp_path: Path) -> None:
    code = (
        "from fastapi.testclient import TestClient\n"
        "from server.main import app_from_env\n"
        "with TestClient(app_from_env()) as client:\n"
        "    assert client.get('/api/v1/health').status_code == 200\n"
        "    assert client.get('/display/demo').status_code == 200\n"
        "print('served')"
    )
    result = subprocess.run(
        [sys.executable, "-c", WITHOUT, APP_MODULES, "aufruf", code], cwd=ROOT, capture_output=True, text=True,
        timeout=120,
        env={**{k: v for k, v in os.environ.items() if not k.startswith("AUFRUF_")},
             "AUFRUF_DEMO": "1", "AUFRUF_DATABASE_URL": f"sqlite:///{tmp_path / 'a.db'}"},
    )
    assert "served" in result.stdout, result.stderr
    help_text = run_without(APP_MODULES, "from aufruf.cli import main; main()", "kiosk", "--help")
    assert "pip install 'aufruf[apps]'" in help_text.stderr
