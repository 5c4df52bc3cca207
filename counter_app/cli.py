"""`aufruf counter`: start the counter app against a ticket server."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="The clerks' counter app.", add_completion=False)


@app.command()
def run(
    server: Annotated[str | None, typer.Option(help="Ticket server URL (default: the last one used)")] = None,
    site: Annotated[str | None, typer.Option(help="Site id (default: last used, else 'demo')")] = None,
    language: Annotated[str, typer.Option(help="Language of the app: de or en")] = "de",
    workstation_file: Annotated[
        Path | None, typer.Option(help="Where this workstation's choices are remembered")
    ] = None,
    undo_seconds: Annotated[float, typer.Option(min=0, help="How long the Undo button stays available")] = 10.0,
) -> None:
    """Log in, choose a counter and work the queue with the keyboard."""
    from PySide6.QtWidgets import QApplication

    from client.api import ApiClient
    from counter_app.core import CounterCore
    from counter_app.memory import Workstation, default_path
    from counter_app.texts import Texts
    from counter_app.window import CounterWindow

    path = workstation_file or default_path()
    memory = Workstation.load(path)
    qt = QApplication.instance() or QApplication(sys.argv[:1])
    api = ApiClient(server or memory.server or "http://127.0.0.1:8000")
    core = CounterCore(
        api, site=site or memory.site or "demo", texts=Texts(language), memory=memory, memory_path=path,
        undo_seconds=undo_seconds,
    )
    window = CounterWindow(core)
    window.resize(1000, 720)
    window.show()
    code = qt.exec()
    api.close()
    raise typer.Exit(code)
