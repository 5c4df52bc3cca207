"""Secure headers on every HTTP response; pages that set their own CSP keep it."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# For HTML pages that bring no policy of their own: only this origin, nothing framed, no plugins.
DEFAULT_CSP = "; ".join(
    (
        "default-src 'self'",
        "img-src 'self' data:",
        # blob: for the display's announcements, fetched first to read their timing headers.
        "media-src 'self' blob:",
        "connect-src 'self' ws: wss:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
# FastAPI's interactive docs load Swagger UI and ReDoc from a CDN with an inline start-up script.
DOCS_CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net",
        "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com",
        "font-src 'self' https://fonts.gstatic.com",
        "img-src 'self' data: https://fastapi.tiangolo.com https://cdn.redoc.ly",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    )
)
DOCS_PATHS = ("/docs", "/redoc")


def base_headers(*, hsts_seconds: int | None) -> dict[str, str]:
    """Headers every response gets unless it set them itself."""
    headers = {
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer",
        "Cross-Origin-Resource-Policy": "same-origin",
    }
    if hsts_seconds:
        headers["Strict-Transport-Security"] = f"max-age={hsts_seconds}; includeSubDomains"
    return headers


class SecureHeaders:
    """ASGI middleware adding the base headers, and a CSP to HTML answers that lack one."""

    def __init__(self, app: ASGIApp, *, hsts_seconds: int | None = None) -> None:
        self.app = app
        self.headers = base_headers(hsts_seconds=hsts_seconds)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on and add headers to its response start."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        docs = scope["path"].startswith(DOCS_PATHS)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers.setdefault(name, value)
                if headers.get("content-type", "").startswith("text/html"):
                    headers.setdefault("Content-Security-Policy", DOCS_CSP if docs else DEFAULT_CSP)
            await send(message)

        await self.app(scope, receive, send_with_headers)
