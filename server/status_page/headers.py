"""Security headers of the status page: strict CSP, no referrer, no caching of the token page."""

from __future__ import annotations

import re

# Host header characters we are willing to echo into the CSP (host names, IPv4/IPv6, port).
_SAFE_HOST = re.compile(r"^[A-Za-z0-9.\-\[\]:]{1,255}$")


def content_security_policy(host: str | None) -> str:
    """Only this origin's files; no inline script or style; websockets back to this host."""
    # Older Safari does not count ws:// as 'self', so the websocket origin is named explicitly.
    sockets = f" ws://{host} wss://{host}" if host and _SAFE_HOST.match(host) else ""
    return "; ".join(
        (
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self'",
            f"connect-src 'self'{sockets}",
            "worker-src 'self'",
            "manifest-src 'self'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


def page_headers(host: str | None) -> dict[str, str]:
    """Headers for every HTML page that carries or names a ticket token."""
    return {
        "Content-Security-Policy": content_security_policy(host),
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Cache-Control": "no-store",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
        "Cross-Origin-Opener-Policy": "same-origin",
        "X-Robots-Tag": "noindex, nofollow",
    }
