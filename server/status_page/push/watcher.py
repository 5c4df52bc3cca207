"""Follows every site's events and sends the push alerts that became due."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from sqlmodel import col, select
from starlette.concurrency import run_in_threadpool

from server.context import AppContext
from server.events.envelope import Envelope
from server.events.subscription import FellBehind
from server.settings.status_page import StatusPageSettings
from server.sites.models import Site
from server.status_page.push.keys import ensure_push_key, vapid_signer
from server.status_page.push.models import PushKey
from server.status_page.push.sender import Outcome, PushSender, contact_for
from server.status_page.push.service import Alert, due_alerts, forget, has_subscriptions

log = logging.getLogger(__name__)


def _relevant(envelope: Envelope) -> bool:
    """Events that can move a ticket closer to its turn or call it."""
    return envelope.type == "queue.changed" or envelope.type.startswith("ticket.")


class PushWatcher:
    """One task per site: on each relevant event, claim due alerts and send them."""

    def __init__(self, context: AppContext, settings: StatusPageSettings) -> None:
        self.context = context
        self.settings = settings
        self.sender: PushSender | None = None
        self.key: PushKey | None = None
        self.tasks: list[asyncio.Task[None]] = []
        self.pokes: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        """Make sure the VAPID key exists, then follow every site."""
        database, clock = self.context.database, self.context.clock
        self.key = await run_in_threadpool(lambda: ensure_push_key(database=database, now=clock.now()))

        def site_ids() -> list[str]:
            with database.transaction() as session:
                return list(session.exec(select(Site.id).order_by(col(Site.id))).all())

        for site in await run_in_threadpool(site_ids):
            self.tasks.append(asyncio.create_task(self._follow(site), name=f"push-{site}"))

    async def stop(self) -> None:
        """Cancel the site tasks."""
        for task in (*self.tasks, *self.pokes):
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.tasks.clear()

    async def _follow(self, site: str) -> None:
        """Listen to a site; listen again after falling behind; never let one failure end the task."""
        while True:
            try:
                async with self.context.hub.subscribe(site) as subscription:
                    await self.check(site)  # catch up on anything missed while not listening
                    async for event in subscription:
                        # Coalesce a burst of events into one check.
                        if any(_relevant(each) for each in (event, *subscription.drain())):
                            await self.check(site)
            except FellBehind:
                continue  # the next subscription's first check covers what was lost
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("push alerts for site %s failed; listening again", site)

    def poke(self, site: str) -> None:
        """Check a site soon, e.g. right after someone subscribed (call on the event loop)."""
        task = asyncio.get_running_loop().create_task(self.check(site))
        # Keep a reference until it finishes, or the task could be collected mid-way.
        self.pokes.add(task)
        task.add_done_callback(self.pokes.discard)

    async def check(self, site: str) -> None:
        """Claim the site's due alerts and send them."""
        database, now = self.context.database, self.context.clock.now()

        def claim() -> list[Alert]:
            with database.transaction() as session:
                if not has_subscriptions(session=session, site_id=site):
                    return []
                return due_alerts(session=session, site_id=site, now=now)

        for alert in await run_in_threadpool(claim):
            await self.deliver(alert)

    def _sender(self) -> PushSender:
        """The sender, made on the first alert: most servers never send one, and signing needs py_vapid."""
        if self.sender is None:
            assert self.key is not None, "start() loads the key first"
            self.sender = PushSender(
                signer=vapid_signer(self.key),
                contact=contact_for(
                    configured=self.settings.push_contact, public_url=self.context.settings.public_url
                ),
                timeout=self.settings.push_timeout_seconds,
            )
        return self.sender

    async def deliver(self, alert: Alert) -> None:
        """Send one alert and forget subscriptions the push service no longer knows."""
        outcome = await run_in_threadpool(self._sender().send, alert)
        if outcome is Outcome.gone:

            def drop() -> None:
                with self.context.database.transaction() as session:
                    forget(session=session, subscription_id=alert.subscription_id)

            await run_in_threadpool(drop)
