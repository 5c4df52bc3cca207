"""The application factory uvicorn imports, configured from the environment."""

from __future__ import annotations

from fastapi import FastAPI

from server.api.http_protocol import use_header_deadline
from server.app import create_app
from server.demo import demo_office
from server.office.loading import load_office
from server.settings import load_settings


def app_from_env() -> FastAPI:
    """Build the app from AUFRUF_* variables; each uvicorn worker calls this once."""
    settings = load_settings()
    use_header_deadline(settings.http)
    if settings.config_file is not None:
        office = load_office(settings.config_file)
    elif settings.demo:
        office = demo_office()
    else:
        office = None
    return create_app(settings, office=office)
