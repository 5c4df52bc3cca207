"""The supervisors' live page: counters, queues, devices and alarms, and the statistics."""

from __future__ import annotations

from fastapi import FastAPI

from server.supervisor_page.routes import api_router, router


def install_supervisor_page(app: FastAPI, *, prefix: str) -> None:
    """Mount the page, its websocket and its API routes (live picture, alarm acknowledgement)."""
    app.include_router(api_router, prefix=prefix)
    app.include_router(router)
