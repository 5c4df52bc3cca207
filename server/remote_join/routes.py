"""HTTP routes of remote joining: the page, the puzzle, the join and the kiosk's check-in."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Cookie, FastAPI, Request, Response, status
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from aufruf.i18n import NATIVE_NAMES, base_language, is_rtl, normalise_language
from server.api.deps import ContextDep, SiteKiosk, WriteSession
from server.context import AppContext
from server.errors import DomainError, NotFound
from server.remote_join.abuse import Guard, Refused
from server.remote_join.page import join_page_state, ticket_page_state
from server.remote_join.schemas import ChallengeOut, JoinIn, JoinOut, RemoteCheckInIn
from server.remote_join.service import check_in, enabled_config, join
from server.remote_join.settings import remote_join_for
from server.remote_join.texts import catalog, clock_time
from server.sites.lookup import get_site
from server.status_page.headers import page_headers
from server.tickets.schemas import TicketOut
from server.tickets.views import ticket_out

DEVICE_COOKIE = "aufruf_join_device"
HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
api = APIRouter(tags=["remote join"])
pages = APIRouter(include_in_schema=False)


def guard_of(request: Request) -> Guard:
    """The app's abuse guard."""
    guard: Guard = request.app.state.remote_join_guard
    return guard


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@api.post("/sites/{site}/remote-join/challenge", response_model=ChallengeOut)
def challenge(site: str, request: Request, response: Response, context: ContextDep) -> ChallengeOut:
    """A puzzle for the next join; gives the browser its random device cookie on first use."""
    with context.database.read() as session:
        config = enabled_config(session=session, site=get_site(session=session, site_id=site))
    device = request.cookies.get(DEVICE_COOKIE)
    if not device or len(device) > 64:
        device = secrets.token_urlsafe(16)
        response.set_cookie(
            DEVICE_COOKIE, device, max_age=86400, httponly=True, samesite="strict",
            secure=context.settings.public_url.startswith("https://"), path="/api/v1/sites/",
        )
    made = guard_of(request).challenge(site=site, address=_address(request), device=device, config=config)
    response.headers["Cache-Control"] = "no-store"
    return ChallengeOut(challenge=made.challenge, bits=made.bits, expires_in=made.expires_in)


@api.post("/sites/{site}/remote-join/tickets", response_model=JoinOut, status_code=status.HTTP_201_CREATED)
def draw_remote(
    site: str,
    body: JoinIn,
    request: Request,
    context: ContextDep,
    device: str | None = Cookie(default=None, alias=DEVICE_COOKIE, max_length=64,
                                description="The random device cookie the challenge call set"),
) -> JoinOut:
    """Draw a ticket from a phone: the solved puzzle and the budgets first, then hours, cap and share."""
    if not device:
        raise Refused("device_missing", "Please allow cookies for this page, then try again.", 400)
    with context.database.read() as session:
        site_row = get_site(session=session, site_id=site)
        config = enabled_config(session=session, site=site_row)
        zone = site_row.timezone
    guard, address = guard_of(request), _address(request)
    guard.admit(site=site, address=address, device=device, challenge=body.challenge, nonce=body.nonce, config=config)
    now = context.clock.now()
    with context.database.transaction() as session:
        joined = join(session=session, site_id=site, service_key=body.service, language=body.language, now=now,
                      public_url=context.settings.public_url)
    guard.count(site=site, address=address, device=device, config=config)
    token = joined.ticket.token or ""
    return JoinOut(
        ticket=joined.ticket, code=joined.code, check_in=joined.check_in, come_at=joined.come_at,
        come_at_time=clock_time(joined.come_at, zone=zone, language=body.language) if joined.come_at else None,
        page_url=f"{context.settings.public_url}/join/{site}/ticket/{token}",
    )


@api.post("/sites/{site}/remote-join/check-in", response_model=TicketOut)
def kiosk_check_in(
    site: str, body: RemoteCheckInIn, kiosk: SiteKiosk, context: ContextDep, session: WriteSession
) -> TicketOut:
    """The citizen arrived: the kiosk scanned the phone's QR code or the short code was typed; now callable."""
    now = context.clock.now()
    ticket = check_in(session=session, site_id=site, text=body.code, now=now, actor=f"device:{kiosk.id}",
                      public_url=context.settings.public_url)
    return ticket_out(session=session, ticket=ticket, public_url=context.settings.public_url, holder=True,
                      now=now)


def _render(request: Request, name: str, values: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    response = templates.TemplateResponse(request, name, values, status_code=status_code)
    response.headers.update(page_headers(request.headers.get("host")))
    return response


def _language(asked: str | None, request: Request, offered: list[str]) -> str:
    header = request.headers.get("accept-language", "").split(",")[0].split(";")[0]
    shipped = set(catalog().languages)
    for candidate in (asked, header):
        if candidate and normalise_language(candidate) in shipped:
            return normalise_language(candidate)
    return next((lang for lang in offered if lang in shipped), "de")


def _frame(language: str, offered: list[str]) -> dict[str, Any]:
    shipped = catalog().languages
    codes = [code for code in offered if code in shipped]
    if "de" in codes and "de-x-ls" in shipped:
        codes.insert(codes.index("de") + 1, "de-x-ls")
    return {
        "lang": base_language(language), "language": language, "dir": "rtl" if is_rtl(language) else "ltr",
        "languages": [(code, NATIVE_NAMES.get(code, code), "rtl" if is_rtl(code) else "ltr") for code in codes],
    }


@pages.get("/join/{site}", response_class=HTMLResponse)
def join_page(site: str, request: Request, context: ContextDep, lang: str | None = None) -> HTMLResponse:
    """The page behind the office's link or poster: pick a matter, get a number on this phone."""
    with context.database.read() as session:
        try:
            site_row = get_site(session=session, site_id=site)
        except NotFound:
            return _render(request, "off.html", {**_frame(_language(lang, request, ["de"]), ["de"]),
                                                  "t": _texts(_language(lang, request, ["de"]))}, 404)
        language = _language(lang, request, site_row.languages)
        frame = _frame(language, site_row.languages)
        if not remote_join_for(session=session, site_id=site).enabled:
            return _render(request, "off.html", {**frame, "t": _texts(language)}, 403)
        state = join_page_state(session=session, site=site_row, language=language, now=context.clock.now())
    return _render(request, "join.html", {**frame, "t": state.texts, "state": state})


@pages.get("/join/{site}/ticket/{token}", response_class=HTMLResponse)
def ticket_page(site: str, token: str, request: Request, context: ContextDep, lang: str | None = None) -> HTMLResponse:
    """The joined ticket: its number, the code and QR code for the kiosk, when to come, and the status page link."""
    with context.database.read() as session:
        site_row = get_site(session=session, site_id=site)
        try:
            state = ticket_page_state(session=session, site=site_row, token=token, asked=lang,
                                      public_url=context.settings.public_url, now=context.clock.now())
        except DomainError:
            language = _language(lang, request, site_row.languages)
            return _render(request, "off.html", {**_frame(language, site_row.languages), "t": _texts(language),
                                                  "missing": True}, 404)
    return _render(request, "ticket.html", {**_frame(state.language, site_row.languages), "t": state.texts,
                                            "state": state})


def _texts(language: str) -> dict[str, str]:
    return {key: catalog().text(key, language) for key in catalog().messages.get("de", {})}


@pages.get("/join-assets/{name}")
def asset(name: str) -> Response:
    """The join page's script and style sheet."""
    files = {"join.js": "text/javascript", "join.css": "text/css"}
    if name not in files:
        return Response(status_code=status.HTTP_404_NOT_FOUND)
    body = (HERE / "static" / name).read_bytes()
    return Response(body, media_type=files[name], headers={"Cache-Control": "no-cache",
                                                           "X-Content-Type-Options": "nosniff"})


def install_remote_join(app: FastAPI, *, prefix: str) -> None:
    """Mount the join page and API and give the app its abuse guard."""
    context: AppContext = app.state.context
    app.state.remote_join_guard = Guard(context.settings.secret_key)
    app.include_router(api, prefix=prefix)
    app.include_router(pages)
