"""The FastAPI application: routers, error handling, start-up and shutdown."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from starlette.middleware.exceptions import ExceptionMiddleware
from starlette.types import Receive, Scope, Send

from server.api.error_docs import install_error_docs
from server.api.errors import install_error_handlers
from server.api.input_guard import InputGuard
from server.api.reads import run_read
from server.appointments.jobs import install_appointments
from server.auth.routes import router as auth_router
from server.auth.sso.routes import router as sso_router
from server.auth.sso.runtime import SsoRuntime
from server.branding.routes import router as branding_router
from server.clock import Clock
from server.closing.jobs import install_closing
from server.context import AppContext
from server.counter_extras.routes import router as counter_extras_router
from server.counter_extras.routes import ws_router as supervisor_ws_router
from server.counters.routes import router as counters_router
from server.counters.session_routes import router as counter_sessions_router
from server.day_controls.routes import router as day_controls_router
from server.db import Database
from server.demo import uses_demo_identities
from server.devices.routes import router as devices_router
from server.display_page.routes import router as display_page_router
from server.events.backends import bus_for_url
from server.events.envelope import Envelope
from server.events.framework import traces_requests
from server.events.hub import Hub
from server.events.log import current_seq, events_between
from server.events.routes import StreamDoor
from server.forecasting.forecaster import Forecaster
from server.maintenance.serving_lock import install_serving_lock
from server.office.apply import apply_office
from server.office.schema import OfficeConfig
from server.projection.loader import StateLoader
from server.projection.registry import Projections
from server.remote_join.routes import install_remote_join
from server.security import install_security
from server.settings import Settings
from server.sites.routes import router as sites_router
from server.stats.routes import router as stats_router
from server.status_page import install_status_page
from server.supervisor_page import install_supervisor_page
from server.tickets.routes import router as tickets_router

API_PREFIX = "/api/v1"
VERSION = "0.1.0"
log = logging.getLogger(__name__)


# The application's middlewares that leave websockets alone (checked in their code): the event streams
# pass them by, as they pass the framework's own. The door refuses to serve if the chain holds any other
# without a stream check.
HTTP_ONLY_MIDDLEWARES = frozenset({
    "server.security.headers.SecureHeaders",
    "starlette.middleware.cors.CORSMiddleware",
    "server.api.input_guard.InputGuard",
})


class AufrufApp(FastAPI):
    """The application; its event streams enter through their own door, past the HTTP-only middlewares."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.stream_door = StreamDoor(self, http_only=HTTP_ONLY_MIDDLEWARES, innermost=ExceptionMiddleware)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve an event stream through its door, anything else as usual."""
        # With OpenTelemetry configured FastAPI traces websockets too; then streams take the usual way.
        if not traces_requests(self) and (stream := self.stream_door.route(scope, receive, send)) is not None:
            await stream
        else:
            await super().__call__(scope, receive, send)


def build_context(settings: Settings, clock: Clock) -> AppContext:
    """Wire the database, bus and hub together."""
    database = Database(settings.database_url, write_wait=settings.database_write_wait_seconds)

    def load_gap(site: str, after: int, before: int) -> list[Envelope]:
        with database.read() as session:
            return events_between(session=session, site_id=site, after=after, before=before)

    def seq_now(site: str) -> int:
        with database.read() as session:
            return current_seq(session=session, site_id=site)

    bus = bus_for_url(settings.broadcast_url)
    hub = Hub(
        load_gap=load_gap, current_seq=seq_now, queue_size=settings.client_queue_size,
        backlog_bytes=settings.client_backlog_kib * 1024,
    )
    database.publish = bus.publish
    loader = StateLoader(database=database, clock=clock, settings=settings)
    projections = Projections(
        hub=hub, clock=clock, load=loader.state, load_services=loader.services, run_read=run_read
    )
    forecaster = Forecaster(database=database, clock=clock)
    return AppContext(
        settings=settings, database=database, clock=clock, bus=bus, hub=hub, projections=projections,
        forecaster=forecaster,
    )


def create_app(settings: Settings, *, office: OfficeConfig | None = None, clock: Clock | None = None) -> FastAPI:
    """Build the application; `office` is written into the database at start-up."""
    if office is not None and uses_demo_identities(office) and not settings.demo:
        raise ValueError("the demo identities are only allowed in demo mode (aufruf demo)")
    context = build_context(settings, clock or Clock())

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        with context.database.startup_lock():
            context.database.create_schema()
            if office is not None:
                with context.database.transaction() as session:
                    apply_office(session=session, office=office)
        await context.forecaster.start()

        def deliver(envelope: Envelope) -> None:
            context.hub.deliver(envelope)
            context.forecaster.notice(envelope)

        def catch_up() -> None:
            context.hub.catch_up()
            context.forecaster.mark_all()

        await context.bus.start(deliver, on_reconnect=catch_up)
        try:
            yield
        finally:
            await context.forecaster.stop()
            await context.hub.close()
            await context.bus.stop()
            context.database.dispose()

    app = AufrufApp(
        title="Aufruf",
        version=VERSION,
        description="Queue management and call display for citizen offices.",
        lifespan=lifespan,
    )
    app.state.context = context
    app.state.sso = SsoRuntime.from_config(office.sso if office else None)
    install_error_handlers(app)

    @app.get(f"{API_PREFIX}/health", tags=["health"])
    async def health(request: Request) -> dict[str, Any]:
        """Liveness, what the server runs on, and whether live updates cross workers (`bus.state`)."""
        # Read from the request, not a closure: FastAPI caches endpoints, which would keep every app alive.
        running: AppContext = request.app.state.context
        return {
            "status": "ok",
            "version": VERSION,
            "database": "sqlite" if running.settings.is_sqlite else "postgresql",
            "broadcast": running.settings.broadcast_url.split("://", 1)[0],
            "bus": running.bus.status(),
        }

    for router in (
        sites_router, tickets_router, auth_router, counters_router, counter_extras_router, devices_router,
        stats_router, counter_sessions_router, branding_router, sso_router, day_controls_router,
    ):
        app.include_router(router, prefix=API_PREFIX)
    app.include_router(supervisor_ws_router)
    install_status_page(app)
    install_supervisor_page(app, prefix=API_PREFIX)
    install_appointments(app, prefix=API_PREFIX)
    install_closing(app, prefix=API_PREFIX)
    install_remote_join(app, prefix=API_PREFIX)
    install_serving_lock(app, database_url=settings.database_url)
    app.include_router(display_page_router)
    # Inside the security layer, so refused bodies still get its headers and count against its budgets.
    app.add_middleware(InputGuard, limits=settings.http)
    install_security(app, api_prefix=API_PREFIX)
    install_error_docs(app)
    return app
