"""The files under deploy/: systemd's and Caddy's own checks, and the server started exactly as the units start it."""

from __future__ import annotations

import os
import secrets
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.live_server import free_port
from tests.support.postgres import fresh_database
from tests.support.redis_server import private_redis

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNITS = [
    "systemd/aufruf.service", "systemd/aufruf-workers.service", "systemd/aufruf-backup.service",
    "systemd/aufruf-backup.timer", "kiosk/aufruf-kiosk.service",
]


def installed(text: str, tmp_path: Path) -> str:
    """A deploy file as installed on this machine: this virtualenv, a temporary /etc/aufruf and state folder."""
    return (
        text.replace("/opt/aufruf/venv", sys.prefix)
        .replace("/usr/local/lib/aufruf/aufruf-backup", str(DEPLOY / "aufruf-backup"))
        .replace("/etc/aufruf", str(tmp_path / "etc"))
        .replace("/var/lib/aufruf", str(tmp_path / "state"))
    )


def unit_setting(unit: Path, key: str) -> str:
    """One setting of a unit file (the first one with that key)."""
    for line in unit.read_text().splitlines():
        if line.startswith(f"{key}="):
            return line.split("=", 1)[1]
    raise AssertionError(f"{unit.name} has no {key}=")


def environment_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines as systemd's EnvironmentFile= reads them (comments and blank lines skipped)."""
    pairs = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, value = line.split("=", 1)
            pairs[key.strip()] = value.strip()
    return pairs


@pytest.fixture
def installation(tmp_path: Path) -> Path:
    """/etc/aufruf and /var/lib/aufruf in a temporary folder, with the example office."""
    (tmp_path / "etc").mkdir()
    (tmp_path / "state").mkdir()
    shutil.copy(ROOT / "examples" / "buergeramt.toml", tmp_path / "etc" / "office.toml")
    return tmp_path


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd is installed by scripts/setup")
def test_systemd_accepts_the_units(tmp_path: Path) -> None:
    units = [tmp_path / Path(name).name for name in UNITS]
    for name, unit in zip(UNITS, units, strict=True):
        unit.write_text(installed((DEPLOY / name).read_text(), tmp_path))
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *map(str, units)],
        capture_output=True, text=True, timeout=120, env={**os.environ, "SYSTEMD_LOG_LEVEL": "notice"},
    )
    assert result.returncode == 0, result.stderr
    assert "aufruf" not in result.stderr, result.stderr


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd is installed by scripts/setup")
def test_systemd_verify_finds_a_broken_unit(tmp_path: Path) -> None:
    unit = tmp_path / "aufruf.service"
    unit.write_text(installed((DEPLOY / "systemd" / "aufruf.service").read_text(), tmp_path).replace(
        f"ExecStart={sys.prefix}/bin/aufruf", "ExecStart=bin/aufruf"
    ))
    result = subprocess.run(["systemd-analyze", "verify", "--man=no", str(unit)], capture_output=True, text=True)
    assert result.returncode != 0


@pytest.mark.skipif(shutil.which("caddy") is None, reason="caddy is installed by scripts/setup")
def test_caddy_accepts_the_proxy_configuration(tmp_path: Path) -> None:
    result = subprocess.run(
        ["caddy", "validate", "--config", str(DEPLOY / "caddy" / "Caddyfile"), "--adapter", "caddyfile"],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "HOME": str(tmp_path), "AUFRUF_DOMAIN": "aufruf.example.de", "XDG_DATA_HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    assert "Valid configuration" in result.stdout + result.stderr
    adapted = subprocess.run(
        ["caddy", "adapt", "--config", str(DEPLOY / "caddy" / "Caddyfile"), "--adapter", "caddyfile"],
        capture_output=True, text=True, timeout=120, env={**os.environ, "AUFRUF_DOMAIN": "aufruf.example.de"},
    ).stdout
    assert '"aufruf.example.de"' in adapted
    assert '"dial":"127.0.0.1:8000"' in adapted


class UnitProcess:
    """The server started with a unit's ExecStartPre and ExecStart lines and its environment file."""

    def __init__(self, unit: str, installation: Path, environment: dict[str, str]) -> None:
        unit_file = installation / unit
        unit_file.write_text(installed((DEPLOY / "systemd" / unit).read_text(), installation))
        self.port = free_port()
        self.environment = {"PATH": os.environ["PATH"], "LANG": "C.UTF-8", **environment}
        self.cwd = unit_setting(unit_file, "WorkingDirectory")
        prepare = shlex.split(unit_setting(unit_file, "ExecStartPre"))
        subprocess.run(prepare, cwd=self.cwd, env=self.environment, check=True, capture_output=True, timeout=120)
        command = shlex.split(unit_setting(unit_file, "ExecStart").replace("--port 8000", f"--port {self.port}"))
        assert command[0] == f"{sys.prefix}/bin/aufruf"
        self.process = subprocess.Popen(
            command, cwd=self.cwd, env=self.environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )

    def wait_healthy(self, timeout: float = 90) -> httpx.Response:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.process.communicate()[0]
            try:
                return httpx.get(f"http://127.0.0.1:{self.port}/api/v1/health", timeout=5)
            except httpx.TransportError:
                time.sleep(0.2)  # uvicorn is still starting; nothing to wait on from outside the process
        raise AssertionError("the server did not answer:\n" + self.stop())

    def stop(self) -> str:
        self.process.terminate()
        return self.process.communicate(timeout=60)[0]


@pytest.fixture
def office_environment(installation: Path) -> dict[str, str]:
    """The example environment file as an installer fills it in: a real secret, paths of this machine."""
    environment_path = installation / "etc" / "aufruf.env"
    environment_path.write_text(installed((DEPLOY / "aufruf.env.example").read_text(), installation))
    environment = environment_file(environment_path)
    assert environment["AUFRUF_SECRET_KEY"] == ""  # the example ships no usable secret
    environment["AUFRUF_SECRET_KEY"] = secrets.token_urlsafe(48)
    return environment


def test_the_single_process_unit_serves_the_office_and_backs_it_up(
    installation: Path, office_environment: dict[str, str]
) -> None:
    server = UnitProcess("aufruf.service", installation, office_environment)
    try:
        health = server.wait_healthy()
        assert health.status_code == 200
        services = httpx.get(f"http://127.0.0.1:{server.port}/api/v1/sites/mitte/services", timeout=10)
        assert services.status_code == 200
        assert {service["id"] for service in services.json()} >= {"anmeldung", "ausweis"}

        backup_unit = installation / "aufruf-backup.service"
        backup_unit.write_text(installed((DEPLOY / "systemd" / "aufruf-backup.service").read_text(), installation))
        backup_environment = {**server.environment, "AUFRUF_BIN": f"{sys.prefix}/bin/aufruf"}
        subprocess.run(
            shlex.split(unit_setting(backup_unit, "ExecStart")), cwd=server.cwd, env=backup_environment,
            check=True, capture_output=True, timeout=120,
        )
        backups = list(Path(office_environment["AUFRUF_BACKUP_DIR"]).glob("aufruf-*.db"))
        assert len(backups) == 1
        assert backups[0].read_bytes().startswith(b"SQLite format 3\0")
    finally:
        server.stop()


@pytest.fixture
def scaled_environment(installation: Path) -> Iterator[dict[str, str]]:
    """The workers' example environment file, pointing at a throw-away PostgreSQL and Redis."""
    path = installation / "etc" / "aufruf.env"
    path.write_text(installed((DEPLOY / "aufruf-workers.env.example").read_text(), installation))
    environment = environment_file(path)
    assert environment["AUFRUF_DATABASE_URL"].startswith("postgresql+psycopg://")
    assert environment["AUFRUF_BROADCAST_URL"].startswith("redis://")
    with fresh_database() as database_url, private_redis() as redis:
        yield {
            **environment,
            "AUFRUF_SECRET_KEY": secrets.token_urlsafe(48),
            "AUFRUF_DATABASE_URL": database_url,
            "AUFRUF_BROADCAST_URL": redis.url,
        }


@pytest.mark.timeout(300)  # four workers starting on a machine shared with other work
def test_the_workers_unit_serves_on_postgresql_and_redis(
    installation: Path, scaled_environment: dict[str, str]
) -> None:
    server = UnitProcess("aufruf-workers.service", installation, scaled_environment)
    try:
        assert server.wait_healthy().status_code == 200
        assert server.process.stdout is not None
        started = 0
        for line in server.process.stdout:  # uvicorn logs each worker's readiness
            started += "Application startup complete" in line
            if started == 4:
                break
    finally:
        log = server.stop()
    assert started == 4, log
