"""HTTP routes for a ticket holder's push subscription and the server's public VAPID key."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from server.api.deps import ContextDep, ReadSession, WriteSession
from server.errors import NotFound
from server.sites.lookup import get_site
from server.status_page.push.keys import public_key
from server.status_page.push.service import subscribe, unsubscribe
from server.status_page.push.watcher import PushWatcher
from server.status_page.texts import choose_language
from server.tickets.service import ticket_by_token

router = APIRouter(prefix="/api/v1", tags=["push"])


class SubscriptionKeys(BaseModel):
    """The browser's encryption keys, base64url."""

    p256dh: str = Field(min_length=80, max_length=100)
    auth: str = Field(min_length=16, max_length=30)


class BrowserSubscription(BaseModel):
    """`PushSubscription.toJSON()` as the browser produces it."""

    endpoint: str = Field(min_length=12, max_length=1000)
    keys: SubscriptionKeys


class SubscribeIn(BaseModel):
    """A status page asking to be alerted in a language."""

    subscription: BrowserSubscription
    language: str = Field(default="de", min_length=2, max_length=12, pattern=r"^[A-Za-z-]+$")


class PushKeyOut(BaseModel):
    """The application server key for `pushManager.subscribe`."""

    public_key: str


@router.get("/push/key", response_model=PushKeyOut)
def push_key(session: ReadSession) -> PushKeyOut:
    """The server's public VAPID key."""
    key = public_key(session=session)
    if key is None:
        raise NotFound("Push is not ready yet.", code="push_unavailable")
    return PushKeyOut(public_key=key)


@router.put("/tickets/{token}/push", status_code=status.HTTP_204_NO_CONTENT)
async def subscribe_ticket(token: str, body: SubscribeIn, context: ContextDep, request: Request) -> Response:
    """Alert this browser when the ticket's turn is near and when it is called."""
    settings = context.settings.status

    def store() -> str:
        with context.database.transaction() as session:
            ticket = ticket_by_token(session=session, token=token)
            site = get_site(session=session, site_id=ticket.site_id)
            subscribe(
                session=session,
                ticket=ticket,
                endpoint=body.subscription.endpoint,
                p256dh=body.subscription.keys.p256dh,
                auth=body.subscription.keys.auth,
                language=choose_language(
                    asked=body.language, ticket_language=ticket.language, offered=site.languages
                ),
                now=context.clock.now(),
                settings=settings,
            )
            return site.id

    site_id = await run_in_threadpool(store)
    watcher: PushWatcher | None = getattr(request.app.state, "push_watcher", None)
    if watcher is not None:
        watcher.poke(site_id)  # the turn may already be near
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.delete("/tickets/{token}/push", status_code=status.HTTP_204_NO_CONTENT)
def unsubscribe_ticket(token: str, session: WriteSession) -> Response:
    """Stop push alerts for this ticket."""
    unsubscribe(session=session, ticket=ticket_by_token(session=session, token=token))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
