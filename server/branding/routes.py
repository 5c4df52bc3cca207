"""Public, cacheable branding files: a site's logo and the style sheet with its colours."""

from __future__ import annotations

import hashlib

from fastapi import APIRouter, HTTPException, Request, Response

from server.api.deps import ContextDep
from server.api.reads import run_read
from server.branding.service import branding_out, site_logo

router = APIRouter(tags=["sites"])

# A versioned URL (?v=hash) never changes its content; an unversioned one is checked again daily.
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, max-age=86400, must-revalidate"
# An SVG opened on its own must not run script or load anything.
LOGO_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


def _not_modified(request: Request, etag: str, headers: dict[str, str]) -> Response | None:
    if etag in {tag.strip() for tag in request.headers.get("if-none-match", "").split(",")}:
        return Response(status_code=304, headers=headers)
    return None


@router.get("/sites/{site}/logo", responses={200: {"content": {"image/png": {}, "image/svg+xml": {}}}})
async def logo(site: str, request: Request, context: ContextDep, v: str | None = None) -> Response:
    """The site's logo as the office file gave it (PNG or SVG), with caching headers; 404 without one."""

    def read() -> Response:
        with context.database.read() as session:
            found = site_logo(session=session, site_id=site)
        if found is None:
            raise HTTPException(status_code=404, detail=f"Site '{site}' has no logo.")
        etag = f'"{found.sha256}"'
        current = v is not None and found.sha256.startswith(v) and len(v) >= 8
        headers = {
            "ETag": etag,
            "Cache-Control": IMMUTABLE if current else REVALIDATE,
            "Content-Security-Policy": LOGO_CSP,
        }
        return _not_modified(request, etag, headers) or Response(
            found.data, media_type=found.media_type, headers=headers
        )

    return await run_read(read)


@router.get("/sites/{site}/branding.css", responses={200: {"content": {"text/css": {}}}})
async def branding_css(site: str, request: Request, context: ContextDep) -> Response:
    """The site's band colours as CSS custom properties, for the display and status pages."""

    def read() -> Response:
        with context.database.read() as session:
            branding = branding_out(session=session, site_id=site)
        css = (
            f":root {{ --brand-background: {branding.background}; --brand-text: {branding.text}; }}\n"
            if branding is not None
            else "/* this site keeps Aufruf's own colours */\n"
        )
        etag = f'"{hashlib.sha256(css.encode()).hexdigest()[:32]}"'
        headers = {"ETag": etag, "Cache-Control": "no-cache"}
        return _not_modified(request, etag, headers) or Response(css, media_type="text/css", headers=headers)

    return await run_read(read)
