"""Shared bench plumbing: a real server process on loopback, percentiles, machine facts."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
AUFRUF = Path(sys.executable).with_name("aufruf")
KIOSK = {"Authorization": "Bearer demo-kiosk"}
PG_ADMIN_DSN = "host=127.0.0.1 port=5432 dbname=test user=postgres"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
REDIS_URL = "redis://127.0.0.1:6379/0"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def raise_fd_limit(wanted: int = 65536) -> int:
    """Lift this process's open-file limit as far as the hard limit allows; returns the new soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = min(wanted, hard) if hard != resource.RLIM_INFINITY else wanted
    if target > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return max(soft, target)


def stop_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit, so a killed bench still stops the servers it started."""
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(143))


def percentile(samples: list[float], q: float) -> float:
    """The q-quantile (0..1) by nearest rank; NaN without samples."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def load_average() -> str:
    """The 1/5/15-minute load averages, as uptime prints them."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    model = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = "?"
    with contextlib.suppress(OSError, ValueError):
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kib / 1024 / 1024:.1f} GiB"
    return {
        "cpu": f"{os.cpu_count()} × {model}",
        "memory": memory,
        "python": sys.version.split()[0],
        "kernel": os.uname().release,
    }


def _children(pid: int) -> list[int]:
    found: list[int] = []
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(OSError):
                found += [int(child) for child in (task / "children").read_text().split()]
    return found


def rss_kib(pid: int) -> int:
    """VmRSS of one process in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    """A throw-away database on the local PostgreSQL, dropped afterwards."""
    import psycopg

    name = f"aufruf_bench_{secrets.token_hex(4)}"
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_URL.format(name=name)
    finally:
        with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_available() -> str | None:
    """None when the PostgreSQL bench can run, else why not."""
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_DSN, connect_timeout=3):
            pass
    except Exception as error:  # any failure means: skip with the reason
        return f"no PostgreSQL at 127.0.0.1:5432 ({type(error).__name__})"
    return None


def redis_available() -> str | None:
    """None when the Redis bench can run, else why not."""
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except Exception as error:  # any failure means: skip with the reason
        return f"no Redis at 127.0.0.1:6379 ({type(error).__name__})"
    return None


@dataclass
class Server:
    """A running `aufruf serve` process with the demo office."""

    url: str
    process: subprocess.Popen[bytes]
    data_dir: Path
    log: Path
    clerk: dict[str, str] = field(default_factory=dict)

    @property
    def ws_url(self) -> str:
        """Base URL for websockets."""
        return self.url.replace("http://", "ws://", 1)

    def api(self, path: str) -> str:
        """Absolute URL of an API path."""
        return f"{self.url}/api/v1{path}"

    def worker_pids(self) -> list[int]:
        """The processes that serve requests: uvicorn's children with several workers, else the process."""
        children = _children(self.process.pid)
        return children or [self.process.pid]

    def rss_mib(self) -> float:
        """Resident memory of every serving process together, in MiB."""
        pids = {self.process.pid, *self.worker_pids()}
        return sum(rss_kib(pid) for pid in pids) / 1024


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}:\n{log.read_text()[-2000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/api/v1/health", timeout=2).status_code == 200:
                return
        time.sleep(0.1)
    raise RuntimeError(f"the server did not answer within {timeout:.0f} s:\n{log.read_text()[-2000:]}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Ask uvicorn to shut down, and kill it (only it and its own group) if it does not."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@contextlib.contextmanager
def run_server(
    *, database_url: str | None = None, workers: int = 1, broadcast_url: str = "memory://"
) -> Iterator[Server]:
    """Start `aufruf serve` with the demo office on a free loopback port and a temp data dir."""
    with tempfile.TemporaryDirectory(prefix="aufruf-bench-") as folder:
        data_dir = Path(folder)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        environment = {
            **os.environ,
            "AUFRUF_DEMO": "1",
            "AUFRUF_DATABASE_URL": database_url or f"sqlite:///{data_dir / 'aufruf.db'}",
            "AUFRUF_PUBLIC_URL": url,
            "AUFRUF_BROADCAST_URL": broadcast_url,
            "AUFRUF_SECRET_KEY": secrets.token_urlsafe(48),
            # Every bench client comes from 127.0.0.1, where real watchers come from thousands of addresses:
            # keep the limiters in the path but give the one address a budget that never runs out.
            "AUFRUF_STATUS_RATE_LIMIT": "10000000/minute",
            "AUFRUF_SECURITY_PUBLIC_LIMIT": "10000000/minute",
            "AUFRUF_SECURITY_LOGIN_LIMIT": "10000/minute",
        }
        log = data_dir / "server.log"
        with log.open("wb") as sink:
            # Its own session, so teardown can reach uvicorn's workers without touching anything else.
            process = subprocess.Popen(
                [str(AUFRUF), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
                env=environment,
                cwd=data_dir,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=lambda: raise_fd_limit(),
            )
        try:
            _wait_healthy(url, process, log)
            server = Server(url=url, process=process, data_dir=data_dir, log=log)
            login = httpx.post(server.api("/auth/login"), json={"username": "clerk1", "password": "demo"}, timeout=30)
            login.raise_for_status()
            server.clerk = {"Authorization": f"Bearer {login.json()['access_token']}"}
            yield server
        finally:
            _stop(process)


def draw(server: Server, service: str = "anmeldung") -> dict[str, object]:
    """Draw one ticket as the demo kiosk."""
    response = httpx.post(server.api("/sites/demo/tickets"), json={"service": service}, headers=KIOSK, timeout=30)
    response.raise_for_status()
    return dict(response.json())


def services(server: Server) -> list[str]:
    """The demo site's service ids."""
    response = httpx.get(server.api("/sites/demo/services"), timeout=30)
    response.raise_for_status()
    return [str(service["id"]) for service in response.json()]


def watcher_arguments(
    description: str | None, *, sizes: str, default_sizes: list[int], calls: int
) -> argparse.Namespace:
    """The command line shared by the websocket benchmarks: sizes, calls, workers, Redis, a JSON file."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(f"--{sizes}", type=int, nargs="+", default=default_sizes)
    parser.add_argument("--calls", type=int, default=calls)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--redis", action="store_true", help="broadcast over Redis (needed for several workers)")
    parser.add_argument("--json", help="also write the results here")
    return parser.parse_args()


def write_results(path: str | None, results: list[Any]) -> None:
    """Save a benchmark's results (dataclasses) as JSON, if asked to."""
    if path:
        with open(path, "w") as sink:
            json.dump({"results": [asdict(r) for r in results]}, sink, indent=1)


@dataclass
class Reference:
    """A running bare reference server (bench.reference_tickets or bench.reference_ws)."""

    url: str
    process: subprocess.Popen[bytes]

    @property
    def ws_url(self) -> str:
        """Base URL for websockets."""
        return self.url.replace("http://", "ws://", 1)

    def rss_mib(self) -> float:
        """Resident memory of the reference process, in MiB."""
        return rss_kib(self.process.pid) / 1024


@contextlib.contextmanager
def run_reference(module: str, *arguments: str, health: str = "/health") -> Iterator[Reference]:
    """Start `python -m module --port P ...` on a free loopback port, stop it afterwards."""
    with tempfile.TemporaryDirectory(prefix="aufruf-reference-") as folder:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        log = Path(folder) / "reference.log"
        command = [sys.executable, "-m", module, "--port", str(port)]
        command += [argument.replace("{folder}", folder) for argument in arguments]
        with log.open("wb") as sink:
            process = subprocess.Popen(command, cwd=ROOT, stdout=sink, stderr=subprocess.STDOUT,
                                       start_new_session=True, preexec_fn=lambda: raise_fd_limit())
        try:
            deadline = time.monotonic() + 60
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"{module} exited with {process.returncode}:\n{log.read_text()[-2000:]}")
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(url + health, timeout=2).status_code == 200:
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{module} did not answer within 60 s:\n{log.read_text()[-2000:]}")
                time.sleep(0.1)
            yield Reference(url=url, process=process)
        finally:
            _stop(process)
