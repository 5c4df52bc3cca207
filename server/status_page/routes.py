"""The citizen's status page at /t/{token}: server-rendered, enhanced by a small script."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response, status
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from aufruf.i18n import DEFAULT_LANGUAGES, base_language, is_rtl, normalise_language
from server.api.deps import ContextDep
from server.api.reads import run_read
from server.context import AppContext
from server.errors import Conflict, NotFound
from server.settings.status_page import StatusPageSettings
from server.status_page.assets import asset, asset_url
from server.status_page.headers import page_headers
from server.status_page.page import PageState, language_switch, page_state
from server.status_page.push.routes import router as push_router
from server.status_page.push.watcher import PushWatcher
from server.status_page.texts import messages
from server.tickets.service import cancel_by_holder


def page_settings(app: FastAPI) -> StatusPageSettings:
    """The status page's section of the app's settings."""
    settings: StatusPageSettings = app.state.context.settings.status
    return settings


templates = Jinja2Templates(directory=str(Path(__file__).resolve().parent / "templates"))


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Send push alerts while the server runs."""
    context: AppContext = app.state.context
    settings = page_settings(app)
    watcher = PushWatcher(context, settings)
    app.state.push_watcher = watcher
    await watcher.start()
    try:
        yield
    finally:
        await watcher.stop()


router = APIRouter(include_in_schema=False, lifespan=lifespan)
router.include_router(push_router, include_in_schema=True)


def _render(request: Request, name: str, values: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    """A template with the page's assets and security headers."""
    values = {"css_url": asset_url("status.css"), "js_url": asset_url("status.js"), **values}
    response = templates.TemplateResponse(request, name, values, status_code=status_code)
    response.headers.update(page_headers(request.headers.get("host")))
    return response


def _missing(request: Request, asked: str | None) -> HTMLResponse:
    """The same friendly 404 for unknown, malformed and expired tokens: it reveals nothing."""
    header = request.headers.get("accept-language", "").split(",")[0].split(";")[0]
    candidates = [normalise_language(tag) for tag in (asked, header) if tag]
    language = next((lang for lang in candidates if lang in DEFAULT_LANGUAGES), "de")
    values = {
        "t": messages(language),
        "lang": language,
        "dir": "rtl" if is_rtl(language) else "ltr",
        "languages": language_switch(list(DEFAULT_LANGUAGES)),
    }
    return _render(request, "missing.html", values, status.HTTP_404_NOT_FOUND)


def _load(context: AppContext, token: str, asked: str | None, poll_seconds: float = 15.0) -> PageState | None:
    """The page state, or None when the token names no current ticket."""
    try:
        with context.database.read() as session:
            return page_state(
                session=session, token=token, now=context.clock.now(),
                public_url=context.settings.public_url, asked=asked, poll_seconds=poll_seconds,
            )
    except NotFound:
        return None


def _page_values(state: PageState) -> dict[str, Any]:
    # Leichte Sprache is German to browsers and screen readers.
    return {"state": state, "lang": base_language(state.language), "dir": state.dir}


@router.get("/status-page/{name}")
def static_file(name: str, request: Request) -> Response:
    """The page's script and style sheet, cached for a year under a versioned URL."""
    found = asset(name)
    if found is None:
        return Response(status_code=status.HTTP_404_NOT_FOUND)
    headers = {
        "Cache-Control": "public, max-age=31536000, immutable",
        "ETag": found.etag,
        "Vary": "Accept-Encoding",
        "X-Content-Type-Options": "nosniff",
    }
    if request.headers.get("if-none-match") == found.etag:
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", ""):
        return Response(found.gzipped, media_type=found.media_type, headers={**headers, "Content-Encoding": "gzip"})
    return Response(found.body, media_type=found.media_type, headers=headers)


@router.get("/t/sw.js")
def service_worker() -> Response:
    """The service worker that shows push alerts; scoped to /t/ and always revalidated."""
    found = asset("sw.js")
    assert found is not None
    return Response(found.body, media_type=found.media_type, headers={"Cache-Control": "no-cache"})


@router.get("/t/{token}", response_class=HTMLResponse)
async def status_page(token: str, request: Request, context: ContextDep, lang: str | None = None) -> HTMLResponse:
    """The ticket's current state in the citizen's language."""
    poll_seconds = page_settings(request.app).poll_seconds
    state = await run_read(lambda: _load(context, token, lang, poll_seconds))
    if state is None:
        return _missing(request, lang)
    return _render(request, "page.html", _page_values(state))


@router.get("/t/{token}/cancel", response_class=HTMLResponse)
def confirm_cancel(token: str, request: Request, context: ContextDep, lang: str | None = None) -> HTMLResponse:
    """Asks before giving the ticket up; the page's script does the same without leaving."""
    state = _load(context, token, lang)
    if state is None:
        return _missing(request, lang)
    return _render(request, "cancel.html", _page_values(state))


@router.post("/t/{token}/cancel")
def cancel(token: str, request: Request, context: ContextDep, lang: str | None = None) -> Response:
    """Gives the ticket up (for browsers without script), then shows the page again."""
    if _load(context, token, lang) is None:
        return _missing(request, lang)
    try:
        with context.database.transaction() as session:
            cancel_by_holder(
                session=session, token=token, now=context.clock.now(), public_url=context.settings.public_url
            )
    except Conflict:
        pass  # already over: the page shows how it ended
    suffix = f"?lang={normalise_language(lang)}" if lang else ""
    return RedirectResponse(f"/t/{token}{suffix}", status_code=status.HTTP_303_SEE_OTHER)


@router.get("/t/{anything:path}", response_class=HTMLResponse)
def unknown_path(anything: str, request: Request, lang: str | None = None) -> HTMLResponse:
    """Any other address under /t/ gets the same friendly 404 as an unknown token."""
    return _missing(request, lang)
