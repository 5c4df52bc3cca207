"""Starting the kiosk, display and counter apps next to the demo server."""

from __future__ import annotations

import atexit
import subprocess
import sys
from pathlib import Path

import typer


def start_demo_apps(*, server_url: str, data_dir: Path) -> list[subprocess.Popen[bytes]]:
    """Launch each demo app in its own process; they wait for the server by themselves."""
    printer = f"sim://{data_dir / 'printouts'}"
    commands = {
        "kiosk": ["--server", server_url, "--site", "demo", "--token", "demo-kiosk", "--printer", printer],
        "display": ["--server", server_url, "--site", "demo"],
        "counter": ["--server", server_url],
    }
    processes = []
    for name, arguments in commands.items():
        try:
            processes.append(subprocess.Popen([sys.executable, "-m", "aufruf", name, *arguments]))
        except OSError as error:
            typer.secho(f"could not start the {name} app: {error}", fg=typer.colors.YELLOW, err=True)

    def stop_all() -> None:
        for process in processes:
            process.terminate()

    atexit.register(stop_all)
    return processes
