"""Issuing tickets without the server: leased numbers, an fsync'd journal, and reconciliation."""

from __future__ import annotations

import json
import os
import secrets
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from client.api import ApiClient
from server.sites.schemas import ServiceOut
from server.tickets.schemas import TicketOut

JOURNAL = "offline-journal.jsonl"
SERVICES = "services.json"
LEASE_SIZE = 20
# Ask for a new block once fewer numbers than this are left.
REFILL_BELOW = 10
TOKEN_BYTES = 24  # as the server's own tickets: 192 bits


@dataclass
class Lease:
    """Numbers the server reserved for this kiosk, and how many are used."""

    lease: int
    service: str
    business_day: date
    numbers: dict[int, str]  # serial -> printed number
    public_url: str
    used: set[int] = field(default_factory=set)

    def free(self) -> list[int]:
        """Serials not yet handed out, lowest first."""
        return sorted(s for s in self.numbers if s not in self.used)


def _fsync_append(path: Path, record: dict[str, Any]) -> None:
    """Append one JSON line and make it durable before returning: the ticket may be printed next."""
    new = not path.exists()
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    if new:  # the directory entry of a new file must survive a power cut too
        descriptor = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


class OfflineJournal:
    """The kiosk's durable record of leases and offline tickets; replayed at start-up."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        self.path = directory / JOURNAL
        self._lock = threading.Lock()
        self.leases: dict[int, Lease] = {}
        self.tickets: dict[str, dict[str, Any]] = {}  # key -> entry
        self.reconciled: set[str] = set()
        self._replay()

    def _replay(self) -> None:
        if not self.path.exists():
            return
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue  # a line cut short by a power loss; everything before it is intact
            self._apply(record)

    def _apply(self, record: dict[str, Any]) -> None:
        kind = record.get("kind")
        if kind == "lease":
            self.leases[record["lease"]] = Lease(
                lease=record["lease"], service=record["service"], business_day=date.fromisoformat(record["day"]),
                numbers={int(k): v for k, v in record["numbers"].items()}, public_url=record["public_url"],
            )
        elif kind == "ticket":
            self.tickets[record["key"]] = record
            lease = self.leases.get(record["lease"])
            if lease is not None:
                lease.used.add(record["serial"])
        elif kind == "reconciled":
            self.reconciled.add(record["key"])

    def _write(self, record: dict[str, Any]) -> None:
        _fsync_append(self.path, record)
        self._apply(record)

    def add_lease(self, answer: dict[str, Any]) -> None:
        """Record a block the server reserved."""
        serials = range(answer["first_serial"], answer["last_serial"] + 1)
        with self._lock:
            self._write({
                "kind": "lease", "lease": answer["lease"], "service": answer["service"],
                "day": answer["business_day"], "public_url": answer["public_url"],
                "numbers": {str(s): n for s, n in zip(serials, answer["numbers"], strict=True)},
            })

    def remaining(self, service: str, day: date) -> int:
        """Numbers left for a service today."""
        return sum(len(lease.free()) for lease in self.leases.values() if (lease.service, lease.business_day) == (
            service, day))

    def issue(self, service: str, language: str, now: datetime) -> dict[str, Any] | None:
        """Take the lowest free leased number of today and journal the ticket; None when none is left."""
        with self._lock:
            today = [
                lease for lease in sorted(self.leases.values(), key=lambda lease: lease.lease)
                if lease.service == service and lease.business_day == now.astimezone().date() and lease.free()
            ]
            if not today:
                return None
            lease = today[0]
            serial = lease.free()[0]
            token = secrets.token_urlsafe(TOKEN_BYTES)
            entry = {
                "kind": "ticket", "key": uuid.uuid4().hex, "lease": lease.lease, "serial": serial,
                "number": lease.numbers[serial], "service": service, "language": language,
                "issued_at": now.astimezone(UTC).isoformat(), "token": token,
                "status_url": f"{lease.public_url}/t/{token}",
            }
            self._write(entry)
            return entry

    def pending(self) -> list[dict[str, Any]]:
        """Offline tickets the server has not confirmed yet, in issue order."""
        return [entry for key, entry in self.tickets.items() if key not in self.reconciled]

    def mark_reconciled(self, keys: list[str]) -> None:
        """Note entries the server has confirmed (created now or before)."""
        with self._lock:
            for key in keys:
                if key not in self.reconciled:
                    self._write({"kind": "reconciled", "key": key})

    def save_services(self, services: list[ServiceOut]) -> None:
        """Keep the last service list so a kiosk restarted during an outage still shows its buttons."""
        target = self.directory / SERVICES
        temporary = target.with_suffix(".tmp")
        temporary.write_text(json.dumps([s.model_dump(mode="json") for s in services]), encoding="utf-8")
        os.replace(temporary, target)

    def load_services(self) -> list[ServiceOut]:
        """The service list saved last, or none."""
        try:
            rows = json.loads((self.directory / SERVICES).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        return [ServiceOut.model_validate(row) for row in rows]


def offline_ticket(entry: dict[str, Any], service_name: str) -> TicketOut:
    """The ticket as the kiosk shows and prints it; the server learns of it on reconciliation."""
    return TicketOut(
        id=0, number=entry["number"], service=entry["service"], service_name=service_name, status="waiting",
        position=0, people_ahead=0, eta_minutes=None, token=entry["token"], status_url=entry["status_url"],
        issued_at=datetime.fromisoformat(entry["issued_at"]), called_at=None, counter=None, counter_name=None,
        language=entry["language"], recalls=0, site="",
    )


def lease_block(api: ApiClient, site: str, service: str, size: int = LEASE_SIZE) -> dict[str, Any]:
    """Ask the server to reserve numbers for this kiosk."""
    return dict(api.request("POST", f"/sites/{site}/tickets/leases", json={"service": service, "size": size}).json())


def send_journal(api: ApiClient, site: str, entries: list[dict[str, Any]]) -> dict[str, str]:
    """Send unconfirmed entries; returns each settled key's outcome: created, existing or rejected."""
    body = {
        "tickets": [
            {k: e[k] for k in ("key", "lease", "serial", "language", "issued_at", "token")} for e in entries
        ]
    }
    results = api.request("POST", f"/sites/{site}/tickets/reconcile", json=body).json()
    # A "conflict" was a clash with a request running at the same time: the next sync settles it.
    return {r["key"]: r["outcome"] for r in results if r.get("code") != "conflict"}
