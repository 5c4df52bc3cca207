"""The operator's side of the aufruf command: help texts that show config syntax, and a public URL phones can use."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECRET = "s" * 40


@pytest.mark.parametrize(
    ("command", "entry"), [(["user", "hash"], "[[clerks]]"), (["device", "add"], "[[sites.devices]]")]
)
def test_help_shows_config_file_tables_literally(command: list[str], entry: str) -> None:
    # Through the real script, as an operator's terminal shows it (rich formatting on).
    shown = subprocess.run(
        [sys.executable, "-m", "aufruf", *command, "--help"], cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "COLUMNS": "200"}, check=True,
    ).stdout
    assert f"{entry} entry" in shown


def serve(*arguments: str, **environment: str) -> subprocess.CompletedProcess[str]:
    """Run `aufruf serve` with a clean AUFRUF_* environment plus the given variables."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("AUFRUF_")}
    return subprocess.run(
        [sys.executable, "-m", "aufruf", "serve", "--host", "127.0.0.1", *arguments],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**base, "AUFRUF_SECRET_KEY": SECRET, **environment},
    )


@pytest.mark.parametrize(
    ("public_url", "reason"),
    [
        (None, "point phones at themselves"),
        ("http://localhost:8000", "point phones at themselves"),
        ("https://127.0.0.1", "point phones at themselves"),
        ("http://aufruf.example.de", "phones need https"),
    ],
)
def test_serve_refuses_a_public_url_phones_cannot_use(public_url: str | None, reason: str) -> None:
    environment = {"AUFRUF_PUBLIC_URL": public_url} if public_url else {}
    result = serve("--port", "8000", **environment)
    assert result.returncode == 2
    assert reason in result.stderr
    assert "--allow-insecure-public-url" in result.stderr
    assert "Uvicorn running" not in result.stderr


@pytest.mark.parametrize(
    ("arguments", "environment"),
    [
        (["--allow-insecure-public-url"], {}),
        ([], {"AUFRUF_ALLOW_INSECURE_PUBLIC_URL": "1"}),
        ([], {"AUFRUF_DEMO": "1"}),
    ],
    ids=["flag", "setting", "demo"],
)
def test_serve_starts_with_an_insecure_url_when_allowed(
    tmp_path: Path, arguments: list[str], environment: dict[str, str]
) -> None:
    # The port is held by this test: a server that got past the check stops at binding it.
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        result = serve(
            *arguments, "--port", port,
            AUFRUF_DATABASE_URL=f"sqlite:///{tmp_path / 'a.db'}", AUFRUF_PUBLIC_URL="http://localhost:8000",
            **environment,
        )
    assert "point phones at themselves" not in result.stderr
    assert "address already in use" in result.stderr.lower()


def test_serve_accepts_an_https_office_address(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = serve(
            "--port", str(taken.getsockname()[1]),
            AUFRUF_DATABASE_URL=f"sqlite:///{tmp_path / 'a.db'}", AUFRUF_PUBLIC_URL="https://aufruf.example.de",
        )
    assert "AUFRUF_PUBLIC_URL" not in result.stderr
    assert "address already in use" in result.stderr.lower()
