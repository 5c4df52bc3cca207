"""The aufruf command: accounts, device tokens, settings checks and the demo."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from aufruf.cli import app
from server.app import create_app
from server.auth.passwords import verify_password
from server.auth.tokens import hash_device_token
from server.db import Database
from server.demo import demo_office
from server.settings import Settings
from tests.support.live_server import free_port

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]


def test_user_add_and_passwd(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    added = runner.invoke(
        app, ["user", "add", "meier", "--role", "supervisor", "--password", "Amtsstube-Mitte-17", "--database-url", url]
    )
    assert added.exit_code == 0, added.output
    again = runner.invoke(app, ["user", "add", "meier", "--password", "x", "--database-url", url])
    assert again.exit_code == 2
    assert "already exists" in again.output
    changed = ["user", "passwd", "meier", "--password", "neues Passwort am Schalter 3", "--database-url", url]
    assert runner.invoke(app, changed).exit_code == 0
    assert runner.invoke(app, ["user", "passwd", "ghost", "--password", "x", "--database-url", url]).exit_code == 2
    from sqlmodel import select

    from server.auth.models import Clerk

    with Database(url).transaction() as session:
        clerk = session.exec(select(Clerk).where(Clerk.username == "meier")).one()
    assert clerk.role == "supervisor"
    assert verify_password(clerk.password_hash, "neues Passwort am Schalter 3")
    assert "neues Passwort am Schalter 3" not in clerk.password_hash


def test_weak_passwords_are_refused_with_the_reason(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    short = runner.invoke(app, ["user", "add", "lehmann", "--password", "1", "--database-url", url])
    assert short.exit_code == 2 and "at least 10 characters" in short.output
    common = runner.invoke(app, ["user", "add", "lehmann", "--password", "password1234", "--database-url", url])
    assert common.exit_code == 2 and "too easy to guess" in common.output
    assert runner.invoke(app, ["user", "hash", "--password", "1"]).exit_code == 2
    good = runner.invoke(app, ["user", "add", "lehmann", "--password", "Amtsstube-Mitte-17", "--database-url", url])
    assert good.exit_code == 0, good.output
    weak = runner.invoke(app, ["user", "passwd", "lehmann", "--password", "lehmann123", "--database-url", url])
    assert weak.exit_code == 2


def test_user_hash_and_device_add_print_config_entries() -> None:
    hashed = runner.invoke(app, ["user", "hash", "--password", "Drucker Papier im Foyer"]).output.strip()
    assert verify_password(hashed, "Drucker Papier im Foyer")
    device = runner.invoke(app, ["device", "add", "kiosk-foyer", "--kind", "kiosk", "--site", "mitte"]).output
    token = device.split("only): ")[1].split()[0]
    assert len(token) >= 43
    assert f'token_sha256 = "{hash_device_token(token)}"' in device


def test_settings_refuse_placeholder_secrets_outside_demo() -> None:
    with pytest.raises(ValidationError, match="AUFRUF_SECRET_KEY"):
        Settings(secret_key="changethis")
    with pytest.raises(ValidationError, match="32 characters"):
        Settings(secret_key="short")
    with pytest.raises(ValidationError, match="broadcast_url"):
        Settings(secret_key="x" * 40, broadcast_url="kafka://x")
    assert len(Settings(demo=True).secret_key) >= 32


def test_demo_identities_are_refused_outside_demo_mode(tmp_path: Path) -> None:
    settings = Settings(secret_key="x" * 40, database_url=f"sqlite:///{tmp_path / 'a.db'}")
    with pytest.raises(ValueError, match="demo identities"):
        create_app(settings, office=demo_office())


def test_demo_headless_serves_the_demo_office(tmp_path: Path) -> None:
    port = free_port()
    demo = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aufruf",
            "demo",
            "--headless",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--data-dir",
            str(tmp_path),
        ],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "AUFRUF_PUBLIC_URL": f"http://127.0.0.1:{port}"},
    )
    try:
        assert demo.stderr is not None
        for line in demo.stderr:  # uvicorn announces readiness on stderr
            if "Application startup complete" in line:
                break
        base = f"http://127.0.0.1:{port}/api/v1"
        ticket = httpx.post(
            f"{base}/sites/demo/tickets", json={"service": "kfz"}, headers={"Authorization": "Bearer demo-kiosk"}
        )
        assert ticket.status_code == 201
        assert ticket.json()["status_url"].startswith(f"http://127.0.0.1:{port}/t/")
        assert (tmp_path / "aufruf.db").exists()
    finally:
        demo.send_signal(signal.SIGINT)
        demo.wait(timeout=30)
