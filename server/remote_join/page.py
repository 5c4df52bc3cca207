"""What the join page and the joined-ticket page show; nothing personal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup
from sqlmodel import Session

from server.errors import NotFound
from server.remote_join.models import RemoteTicket
from server.remote_join.rules import show_code
from server.remote_join.settings import remote_join_for
from server.remote_join.texts import clock_time, messages
from server.sites.models import Site
from server.sites.queue import queue_state
from server.status_page.page import script_json
from server.tickets.models import Ticket
from server.tickets.service import ticket_by_token
from server.tickets.views import ticket_out


@dataclass(frozen=True)
class ServiceChoice:
    """One matter on the join page."""

    key: str
    name: str
    open: bool
    wait: str | None


@dataclass(frozen=True)
class JoinPage:
    """The join page's state: the site, its matters and the texts the script needs."""

    site: str
    site_name: str
    check_in: bool
    services: list[ServiceChoice]
    texts: dict[str, str]
    script: Markup


@dataclass(frozen=True)
class TicketPage:
    """A joined ticket as its holder sees it on the phone."""

    language: str
    number: str
    service_name: str
    status: str
    code: str
    check_in: bool
    checked_in: bool
    come_at_time: str | None
    status_url: str
    qr_svg: Markup
    texts: dict[str, str]


def join_page_state(*, session: Session, site: Site, language: str, now: datetime) -> JoinPage:
    """The join page for a site in one language."""
    texts = messages(language)
    state = queue_state(session=session, site_id=site.id, now=now, language=language)
    services = [
        ServiceChoice(
            key=service.id, name=service.names.get(language) or service.name, open=service.open,
            wait=texts["wait_range"].format(lo=service.eta_minutes[0], hi=service.eta_minutes[1])
            if service.eta_minutes else None,
        )
        for service in state.services
    ]
    config = remote_join_for(session=session, site_id=site.id)
    script = {"site": site.id, "language": language, "texts": {k: v for k, v in texts.items() if k.startswith(
        ("error.", "working", "solving"))}}
    return JoinPage(site=site.id, site_name=site.name, check_in=config.check_in == "kiosk", services=services,
                    texts=texts, script=script_json(script))


def qr_svg(text: str) -> Markup:
    """A QR code as inline SVG, drawn on the server (the page allows no inline script or data: images)."""
    # Imported on first use: only offices with remote joining draw codes, and qrcode pulls in Pillow.
    import qrcode
    from qrcode.image.svg import SvgPathImage

    image = qrcode.make(text, image_factory=SvgPathImage, box_size=8, border=2)
    markup = image.to_string(encoding="unicode")
    return Markup(markup.split("?>", 1)[-1] if markup.startswith("<?xml") else markup)


def ticket_page_state(
    *, session: Session, site: Site, token: str, asked: str | None, public_url: str, now: datetime
) -> TicketPage:
    """The joined-ticket page; NotFound for a token that names no remote ticket of this site."""
    ticket: Ticket = ticket_by_token(session=session, token=token)
    remote = session.get(RemoteTicket, ticket.id)
    if remote is None or ticket.site_id != site.id:
        raise NotFound("No ticket from a phone with this code.", code="unknown_remote_ticket")
    language = asked if asked and asked in [*site.languages, "de-x-ls"] else ticket.language
    texts = messages(language)
    view = ticket_out(session=session, ticket=ticket, public_url=public_url, holder=True, now=now)
    status_url = f"{public_url}/t/{ticket.token}"
    return TicketPage(
        language=language, number=ticket.number, service_name=view.service_name, status=ticket.status,
        code=show_code(remote.code), check_in=remote_join_for(session=session, site_id=site.id).check_in == "kiosk",
        checked_in=remote.checked_in_at is not None,
        come_at_time=clock_time(remote.come_at, zone=site.timezone, language=language) if remote.come_at else None,
        status_url=status_url, qr_svg=qr_svg(status_url), texts=texts,
    )
