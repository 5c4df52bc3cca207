"""The browser call display at /display/{site}, its static files and its announcement audio."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fastapi import APIRouter, BackgroundTasks, HTTPException, Request, Response
from fastapi.responses import FileResponse, HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import ValidationError
from sqlmodel import Session, col, select
from starlette.concurrency import run_in_threadpool

from aufruf.i18n import is_rtl
from server.api.deps import ContextDep
from server.branding.service import branding_out
from server.counters.models import Counter
from server.display_page.audio import (
    PIECE_GAP,
    AnnouncementCache,
    BadAudioRequest,
    check_call,
    duration,
    parse_calls,
    parse_within,
    spoken_languages,
)
from server.display_page.messages import catalog
from server.display_page.options import options_from_query
from server.errors import DomainError
from server.sites.hours import business_day
from server.sites.lookup import get_site
from server.tickets.models import Ticket

ASSETS_DIR = Path(__file__).parent / "assets"
# Only these files are served; nothing else in the package is reachable.
ASSETS = {
    "display.css": "text/css",
    "display.js": "text/javascript",
    "display-core.js": "text/javascript",
    "favicon.svg": "image/svg+xml",
}
AUDIO_CACHE_SECONDS = 24 * 3600

router = APIRouter(include_in_schema=False)
templates = Environment(loader=FileSystemLoader(ASSETS_DIR), autoescape=select_autoescape(["html"]))
audio_cache = AnnouncementCache()


@router.get("/display/assets/{name}")
def display_asset(name: str) -> FileResponse:
    """The page's scripts and styles (no build step, no external assets)."""
    if name not in ASSETS:
        raise HTTPException(status_code=404)
    return FileResponse(ASSETS_DIR / name, media_type=ASSETS[name], headers={"Cache-Control": "no-cache"})


@router.get("/display/{site}", response_class=HTMLResponse)
def display_page(site: str, request: Request, context: ContextDep, background: BackgroundTasks) -> HTMLResponse:
    """The full-screen waiting-room display for one site, filtered by the query parameters."""
    messages = catalog()
    try:
        with context.database.read() as session:
            site_row = get_site(session=session, site_id=site)
            site_name, timezone = site_row.name, site_row.timezone
            branding = branding_out(session=session, site_id=site)
            counters = list(session.exec(select(Counter.key).where(Counter.site_id == site)))
    except DomainError:
        # A TV shows this page full-screen: a mistyped address must say so in words, not as JSON.
        return _problem_page(404, "display.unknown_site", site=site)
    try:
        options = options_from_query(dict(request.query_params))
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors())
        return _problem_page(422, "display.bad_options", site=site, detail=problems)
    config: dict[str, Any] = {
        "site": site,
        "siteName": site_name,
        # The clock shows the site's time from the first second, before the first snapshot too.
        "timezone": timezone,
        "options": options.model_dump(mode="json"),
        "minNumberMm": options.min_number_mm,
        "messages": {lang: messages.messages.get(lang, {}) for lang in options.languages},
        "fallback": messages.messages.get("en", {}),
        "rtl": {lang: is_rtl(lang) for lang in options.languages},
    }
    # The counters' catch-up words are spoken ahead, so that a burst of calls waits only for its numbers.
    background.add_task(audio_cache.prepare, counters, (options.announce or ["de"])[0])
    html = templates.get_template("display.html").render(
        lang=options.primary,
        dir=options.direction,
        title=f"{messages.text('display.title', options.primary)} · {site_name}",
        config=config,
        branding=branding,
    )
    return HTMLResponse(html, headers={"Cache-Control": "no-store"})


def _called_today(session: Session, *, site: str, day: object, number: str, counter: str) -> bool:
    """Whether `number` was called today to `counter`, the counter's key within the site as ticket views name it."""
    return session.exec(
        select(Ticket.id)
        .join(Counter, col(Counter.id) == Ticket.counter_id)
        .where(
            Ticket.site_id == site, Ticket.business_day == day, Ticket.number == number,
            Counter.site_id == site, Counter.key == counter, col(Ticket.called_at).is_not(None),
        )
    ).first() is not None


def _wav(data: bytes, *, starts: Sequence[float], ends: Sequence[float]) -> Response:
    """A WAV with where each call's words begin and each piece ends (seconds), for the display's timing."""
    headers = {
        "Cache-Control": f"public, max-age={AUDIO_CACHE_SECONDS}",
        "X-Call-Starts": ",".join(f"{value:.3f}" for value in starts),
        "X-Piece-Ends": ",".join(f"{value:.3f}" for value in ends),
    }
    return Response(data, media_type="audio/wav", headers=headers)


async def _checked_calls(
    context: ContextDep, site: str, calls: list[tuple[str, str]], languages: str | None
) -> tuple[str, ...]:
    """The spoken languages, once every call is known to be a real call of today (else 404)."""

    def load() -> tuple[str, ...]:
        with context.database.read() as session:
            site_row = get_site(session=session, site_id=site)
            day = business_day(site_row, context.clock.now())
            for number, counter in calls:
                if not _called_today(session, site=site, day=day, number=number, counter=counter):
                    # Only real calls are rendered, so the public endpoint cannot be used to run espeak-ng at will.
                    raise HTTPException(status_code=404, detail=f"{number} was not called to {counter} today")
            return spoken_languages(languages, site_row.languages[:1])

    try:
        return await run_in_threadpool(load)
    except DomainError:
        raise HTTPException(status_code=404, detail=f"There is no site '{site}'.") from None
    except BadAudioRequest as error:
        raise HTTPException(status_code=422, detail=str(error)) from None


def _problem_page(status: int, key: str, *, site: str, detail: str = "") -> HTMLResponse:
    """A readable error page in German and English for a display that cannot start."""
    messages = catalog()
    html = templates.get_template("problem.html").render(
        title=messages.text("display.title", "de"),
        lines=[(lang, messages.text(key, lang, site=site)) for lang in ("de", "en")],
        detail=detail,
    )
    return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})


@router.get("/display/{site}/audio/catch-up.wav")
async def catch_up_audio(
    site: str,
    calls: str,
    context: ContextDep,
    language: str = "de",
    within: str | None = None,
    chime: bool = True,
) -> Response:
    """Calls that queued up, in one short announcement: a chime, then "A 17 Schalter 3, B 4 Schalter 5".

    `within` gives the seconds each call has left to be spoken in time; the form and pace fit them.
    """
    try:
        wanted = parse_calls(calls)
        limits = parse_within(within, len(wanted))
    except BadAudioRequest as error:
        raise HTTPException(status_code=422, detail=str(error)) from None
    spoken = await _checked_calls(context, site, wanted, language)
    result = await run_in_threadpool(audio_cache.catch_up, wanted, spoken[0], limits, chime)
    return _wav(result.wav, starts=result.starts, ends=(duration(result.wav),))


@router.get("/display/{site}/audio/{number}/{counter}.wav")
async def announcement_audio(
    site: str, number: str, counter: str, context: ContextDep, languages: str | None = None, recall: bool = False
) -> Response:
    """Gong plus the spoken call (or recall) in each language, for a number really called there today."""
    try:
        check_call(number, counter)
    except BadAudioRequest as error:
        raise HTTPException(status_code=422, detail=str(error)) from None
    spoken = await _checked_calls(context, site, [(number, counter)], languages)
    data, ends = await run_in_threadpool(audio_cache.wav, number, counter, spoken, recall)
    # The words begin after the gong and the pause that follows it.
    return _wav(data, starts=(ends[0] + PIECE_GAP if len(ends) > 1 else 0.0,), ends=ends)
