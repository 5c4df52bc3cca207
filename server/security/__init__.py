"""Security layer: secure headers, CORS, rate limits, login throttling, device token control, audit, redaction."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from server.security.device_sockets import DeviceSocketGuard
from server.security.headers import SecureHeaders
from server.security.login_guard import LoginGuard
from server.security.ratelimit import PublicEndpointLimit
from server.security.redact import install_redaction
from server.security.routes import router
from server.settings.security import SecuritySettings


def install_security(app: FastAPI, *, api_prefix: str = "/api/v1", settings: SecuritySettings | None = None) -> None:
    """Mount the admin routes and wrap the app; call last so the headers cover every answer."""
    settings = settings or app.state.context.settings.security
    public_url: str = app.state.context.settings.public_url
    app.state.security_settings = settings
    app.state.login_guard = LoginGuard(failures=settings.login_failures, storage_url=settings.rate_limit_storage)
    app.include_router(router, prefix=api_prefix)
    app.add_middleware(PublicEndpointLimit, settings=settings)
    app.add_middleware(DeviceSocketGuard)
    if settings.origins:
        # Bearer tokens, never cookies: no credentials mode, so no CSRF surface even for allowed origins.
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.origins,
            allow_credentials=False,
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
            max_age=600,
        )
    hsts = settings.hsts_seconds if public_url.startswith("https://") else None
    app.add_middleware(SecureHeaders, hsts_seconds=hsts)
    install_redaction()
