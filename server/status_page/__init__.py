"""The citizen's status page at /t/{token}, its push alerts and the public endpoints' rate limit."""

from __future__ import annotations

from fastapi import FastAPI

from server.status_page.ratelimit import PublicRateLimit
from server.status_page.routes import page_settings, router


def install_status_page(app: FastAPI) -> None:
    """Mount the page and push routes and rate-limit every endpoint that takes a ticket token."""
    app.include_router(router)
    app.add_middleware(PublicRateLimit, settings=page_settings(app))
