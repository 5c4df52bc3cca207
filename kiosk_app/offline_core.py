"""The kiosk core's offline behaviour: keep leases topped up, issue from them, reconcile when back."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

from client.api import ApiError, ServerUnreachable
from kiosk_app.offline import LEASE_SIZE, REFILL_BELOW, lease_block, offline_ticket, send_journal

if TYPE_CHECKING:
    from kiosk_app.core import KioskCore
    from kiosk_app.states import PendingRequest

log = logging.getLogger(__name__)


def site_now(core: KioskCore) -> datetime:
    """Now on the site's clock (the kiosk PC may be set to another zone); the PC's zone until the server told it."""
    return datetime.now(core.site_zone()).astimezone(core.site_zone())


def offline_ready(core: KioskCore) -> bool:
    """Whether the kiosk can hand out tickets without the server right now."""
    journal = core.offline
    today = site_now(core).date()
    return journal is not None and any(
        journal.remaining(s.id, today) > 0 for s in core.services if s.open
    )


def issue_offline(core: KioskCore, pending: PendingRequest) -> bool:
    """Give the touch a leased number; False when there is none for that service."""
    journal = core.offline
    if journal is None or pending.kind != "draw" or pending.service is None:
        return False
    entry = journal.issue(pending.service, pending.language, site_now(core))
    if entry is None:
        return False
    core.pending = None
    service = core.service(pending.service)
    name = service.name if service is not None else pending.service
    log.info("Server unreachable: issued %s from a leased block", entry["number"])
    core.offline_issued.emit(entry)
    core._deliver(offline_ticket(entry, name), pending)
    return True


def sync_offline(core: KioskCore) -> None:
    """Send unconfirmed offline tickets, then top up leases; both run off the GUI thread."""
    journal = core.offline
    if journal is None or core._syncing:
        return
    core._syncing = True
    api, site = core.api, core.site
    wanted = [s.id for s in core.services]

    def work() -> dict[str, Any]:
        outcomes: dict[str, str] = {}
        pending = journal.pending()
        for start in range(0, len(pending), 200):
            outcomes.update(send_journal(api, site, pending[start : start + 200]))
        journal.mark_reconciled(list(outcomes))
        today = site_now(core).date()
        for service in wanted:
            if journal.remaining(service, today) < REFILL_BELOW:
                try:
                    journal.add_lease(lease_block(api, site, service, LEASE_SIZE))
                except ServerUnreachable:
                    raise
                except ApiError as refusal:
                    # E.g. the day's cap or the quota: this service gets no more numbers, the others still do.
                    log.info("No lease for %s: %s", service, refusal.message)
        return outcomes

    def done(outcomes: dict[str, Any]) -> None:
        core._syncing = False
        rejected = [key for key, outcome in outcomes.items() if outcome == "rejected"]
        if rejected:
            log.error("The server refused %d offline tickets; see its audit of device %s", len(rejected), site)
        if outcomes:
            core.reconciled.emit(outcomes)
        core.offline_synced.emit()

    def failed(error: Exception) -> None:
        core._syncing = False
        log.info("Offline sync postponed: %s", error)

    core.calls.submit(work, done, failed)
