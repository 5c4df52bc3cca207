"""The supervisor page at /supervisor/{site}, its files, its live websocket and alarm acknowledgement."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Request, WebSocket, status
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlmodel import Session

from server.api.deps import ContextDep, SiteSupervisor, WriteSession, admit_supervisor
from server.auth.sso.runtime import SsoDep
from server.context import AppContext
from server.errors import DomainError
from server.events.websocket import stream_site
from server.sites.lookup import get_site
from server.snapshots import with_seq
from server.status_page.headers import page_headers
from server.supervisor_page.alarms import acknowledge_alarm
from server.supervisor_page.live import supervision_snapshot
from server.supervisor_page.messages import LANGUAGES, catalog

ASSETS_DIR = Path(__file__).parent / "assets"
# Only these files are served; nothing else in the package is reachable.
ASSETS = {
    "supervisor.css": "text/css",
    "supervisor.js": "text/javascript",
    "sso-callback.js": "text/javascript",
    "day-controls.js": "text/javascript",
}

router = APIRouter(include_in_schema=False)
api_router = APIRouter(tags=["supervision"])
templates = Environment(loader=FileSystemLoader(ASSETS_DIR), autoescape=select_autoescape(["html"]))


@router.get("/supervisor/assets/{name}")
def supervisor_asset(name: str) -> FileResponse:
    """The page's script and styles (no build step, nothing from elsewhere)."""
    if name not in ASSETS:
        raise HTTPException(status_code=404)
    return FileResponse(ASSETS_DIR / name, media_type=ASSETS[name], headers={"Cache-Control": "no-cache"})


@router.get("/supervisor/sso/callback", response_class=HTMLResponse)
def sso_callback(request: Request) -> HTMLResponse:
    """Where a provider sends the browser back; its script finishes the sign-in and returns to the page."""
    html = (ASSETS_DIR / "sso-callback.html").read_text(encoding="utf-8")
    return HTMLResponse(html, headers=page_headers(request.headers.get("host")))


@router.get("/supervisor/{site}", response_class=HTMLResponse)
def supervisor_page(
    site: str, request: Request, context: ContextDep, sso: SsoDep, lang: Literal["de", "en"] = "de"
) -> HTMLResponse:
    """The page shell; it logs in from the browser and loads everything else with the supervisor's token."""
    try:
        with context.database.read() as session:
            site_row = get_site(session=session, site_id=site)
            site_name, timezone = site_row.name, site_row.timezone
    except DomainError:
        raise HTTPException(status_code=404, detail=f"There is no site '{site}'.") from None
    messages = catalog()
    config: dict[str, Any] = {
        "site": site,
        "siteName": site_name,
        # Every time on the page is the site's, whatever zone the supervisor's computer is set to.
        "timezone": timezone,
        "lang": lang,
        "languages": list(LANGUAGES),
        "messages": {language: messages.messages.get(language, {}) for language in LANGUAGES},
        "ssoProviders": [{"name": c.config.name, "label": c.config.label} for c in sso.clients.values()],
    }
    html = templates.get_template("supervisor.html").render(
        lang=lang, title=f"{messages.text('page.title', lang)} · {site_name}", config=config,
        text=lambda key: messages.text(key, lang),
    )
    headers = page_headers(request.headers.get("host"))
    # Charts arrive as SVG blobs fetched with the token; the empty favicon is a data: URL.
    headers["Content-Security-Policy"] = headers["Content-Security-Policy"].replace(
        "img-src 'self'", "img-src 'self' blob: data:"
    )
    return HTMLResponse(html, headers=headers)


@api_router.get("/sites/{site}/supervision")
def supervision(
    site: str, context: ContextDep, supervisor: SiteSupervisor, lang: Literal["de", "en"] = "de"
) -> dict[str, Any]:
    """The live picture (counters, queues, devices, acknowledged alarms) once, for polling clients."""
    with context.database.read() as session:
        return supervision_snapshot(session=session, site_id=site, now=context.clock.now(), language=lang)


@api_router.post("/sites/{site}/alarms/{alarm}/acknowledge", status_code=status.HTTP_204_NO_CONTENT)
def acknowledge(
    site: str, alarm: Annotated[int, PathParam(ge=1, le=2**63 - 1)], context: ContextDep, supervisor: SiteSupervisor,
    session: WriteSession
) -> None:
    """Acknowledge a counter's silent alarm for every supervisor of the site."""
    get_site(session=session, site_id=site)
    acknowledge_alarm(session=session, site_id=site, alarm_id=alarm, supervisor=supervisor, now=context.clock.now())


@router.websocket("/ws/sites/{site}/supervision")
async def supervision_stream(websocket: WebSocket, site: str) -> None:
    """The site's events for supervisors, after a snapshot of counters, queues and devices."""
    context: AppContext = websocket.app.state.context
    language = websocket.query_params.get("lang", "de")
    if not await admit_supervisor(websocket, site):
        return

    def read(session: Session) -> tuple[int, dict[str, object]]:
        data = supervision_snapshot(
            session=session, site_id=site, now=context.clock.now(), language=language if language in LANGUAGES else "de"
        )
        return with_seq(session=session, site_id=site, data=data)

    await websocket.accept()
    await stream_site(websocket, context, site, read)
