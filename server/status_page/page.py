"""What the status page shows for a token: the ticket's public view, its site and languages."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from markupsafe import Markup
from sqlmodel import Session

from aufruf.i18n import NATIVE_NAMES, base_language, is_rtl
from server.errors import NotFound
from server.sites.hours import business_day
from server.sites.lookup import get_site
from server.sites.models import Service
from server.snapshots import site_out
from server.status_page.push.keys import public_key
from server.status_page.step_out import STEP_OUT_MINUTES, step_out_until
from server.status_page.texts import catalog, choose_language, messages, with_variants
from server.tickets.service import ticket_by_token
from server.tickets.views import public_data, ticket_out

# Messages the script needs to redraw the page; the rest are only rendered on the server.
FINAL_STATUSES = frozenset({"done", "cancelled", "no_show", "expired"})
SCRIPT_MESSAGE_PREFIXES = (
    "status.", "text.", "called_", "near_", "live_", "alerts_", "wait_", "cancel_failed", "step_out.",
)
# Characters that could end a <script> block or start markup, written as JSON escapes instead.
_SCRIPT_ESCAPES = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def script_json(data: Any) -> Markup:
    """JSON safe to place inside a <script type="application/json"> block, compact and in UTF-8."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.translate(_SCRIPT_ESCAPES))


@dataclass(frozen=True)
class Language:
    """One entry of the language switch."""

    code: str
    name: str
    dir: str

    @property
    def lang(self) -> str:
        """The HTML `lang` of its name: Leichte Sprache is German to screen readers."""
        return base_language(self.code)


@dataclass(frozen=True)
class PageState:
    """Everything the template and the script need; holds no personal data."""

    token: str
    language: str
    ticket: dict[str, Any]
    site: dict[str, Any]
    service_names: dict[str, str]
    languages: list[Language]
    messages: dict[str, str]
    vapid_key: str | None
    poll_seconds: float = 15.0
    step_out_time: str | None = None  # local HH:MM from the range's low end, if worth stepping out
    server_now: str = ""  # the server's clock at rendering, so the script counts from the same moment

    @property
    def dir(self) -> str:
        """Text direction of the page."""
        return "rtl" if is_rtl(self.language) else "ltr"

    @property
    def service_name(self) -> str:
        """The service's name in the page's language."""
        names = self.service_names
        return (
            names.get(self.language) or names.get(base_language(self.language)) or names.get("en")
            or names.get("de") or self.ticket["service_name"]
        )

    @property
    def near(self) -> bool:
        """Waiting with no more people ahead than the site alerts at: time to come back."""
        ahead = int(self.ticket.get("people_ahead") or 0)
        return self.ticket["status"] == "waiting" and ahead <= int(self.site["near_turn_alert"])

    @property
    def final(self) -> bool:
        """Whether the ticket is over: nothing more to be alerted about."""
        return self.ticket["status"] in FINAL_STATUSES

    @property
    def message_key(self) -> str:
        """The sentence under the facts; near the turn it says to come back, not that one may go."""
        return "near_text" if self.near else f"text.{self.ticket['status']}"

    @property
    def location(self) -> str:
        """Where the counter is, in the page's language (empty until called)."""
        where = self.ticket.get("counter_location") or {}
        return str(where.get(self.language) or where.get("de") or "")

    def text(self, key: str) -> str:
        """A message with the ticket's counter filled in."""
        return self.messages[key].replace("{counter}", str(self.ticket.get("counter") or ""))

    @property
    def wait(self) -> str:
        """The wait range as the page prints it."""
        eta = self.ticket.get("eta_minutes")
        if self.ticket.get("served_now") is False:
            at = self.ticket.get("served_from_time")
            if at:
                return self.messages["wait_not_served_from"].replace("{time}", at)
            return self.messages["wait_not_served"]
        if not eta:
            return self.messages["wait_unknown"]
        return self.messages["wait_range"].replace("{lo}", str(eta[0])).replace("{hi}", str(eta[1]))

    @property
    def step_out(self) -> str:
        """'You can step out until HH:MM', or nothing."""
        if self.step_out_time is None:
            return ""
        return self.messages["step_out.until"].replace("{time}", self.step_out_time)

    def script_data(self) -> Markup:
        """The state handed to the page's script in a JSON data block."""
        texts = {k: v for k, v in self.messages.items() if k.startswith(SCRIPT_MESSAGE_PREFIXES)}
        return script_json({
            "token": self.token,
            "lang": self.language,
            "ticket": self.ticket,
            "site": {"near_turn_alert": self.site["near_turn_alert"], "timezone": self.site["timezone"]},
            "stepOutMinutes": STEP_OUT_MINUTES,
            "serverNow": self.server_now,
            "serviceNames": {self.ticket["service"]: self.service_names},
            "messages": texts,
            "vapid": self.vapid_key,
            "pollSeconds": self.poll_seconds,
        })


def language_switch(offered: list[str]) -> list[Language]:
    """The site's languages that the page ships, each named in itself."""
    shipped = set(catalog().languages)
    return [
        Language(code=code, name=NATIVE_NAMES.get(code, code), dir="rtl" if is_rtl(code) else "ltr")
        for code in with_variants(offered)
        if code in shipped
    ]


def page_state(
    *, session: Session, token: str, now: datetime, public_url: str, asked: str | None, poll_seconds: float = 15.0
) -> PageState:
    """Load the page's state; NotFound for unknown tokens and for tickets of an earlier day."""
    ticket = ticket_by_token(session=session, token=token)
    site = get_site(session=session, site_id=ticket.site_id)
    if ticket.business_day < business_day(site, now):
        raise NotFound("No ticket with this code. It may have expired.", code="unknown_ticket")
    service = session.get(Service, ticket.service_pk)
    assert service is not None
    site_view = site_out(session=session, site_id=site.id).model_dump(mode="json")
    language = choose_language(asked=asked, ticket_language=ticket.language, offered=site.languages)
    view = public_data(ticket_out(session=session, ticket=ticket, public_url=public_url, holder=False, now=now))
    return PageState(
        token=token,
        language=language,
        ticket=view,
        site=site_view,
        service_names=dict(service.names),
        languages=language_switch(site.languages),
        messages=messages(language),
        vapid_key=public_key(session=session),
        poll_seconds=poll_seconds,
        server_now=now.isoformat(),
        step_out_time=step_out_until(
            eta=view.get("eta_minutes") if view.get("status") == "waiting" else None, now=now,
            timezone=site.timezone, language=language,
        ),
    )
