"""Abuse limits without personal data: signed proof-of-work challenges and per-device and per-address budgets.

Addresses and device cookies are only ever used as keyed hashes (HMAC with the server secret), held in the
rate limiter's storage for the window and never written to the database or the log.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from limits import RateLimitItemPerDay, RateLimitItemPerHour
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from server.errors import DomainError
from server.remote_join.rules import work_bits, work_done
from server.remote_join.settings import RemoteJoinConfig

CHALLENGE_SECONDS = 300
# Used challenges remembered against replay; older ones have expired anyway.
USED_MEMORY = 100_000


class Refused(DomainError):
    """A join refused by an abuse limit; `code` selects the translated reason on the page."""

    def __init__(self, code: str, message: str, status: int = 429) -> None:
        super().__init__(message, code=code)
        self.status_code = status


@dataclass(frozen=True)
class Challenge:
    """A puzzle for the next join: find a nonce whose SHA-256 with it starts with `bits` zero bits."""

    challenge: str
    bits: int
    expires_in: int


class Guard:
    """Budgets and challenges of one server process (or all, with a shared limiter storage)."""

    def __init__(self, secret: str, storage_url: str = "memory://") -> None:
        self._key = hashlib.sha256(f"remote-join:{secret}".encode()).digest()
        self._limiter = MovingWindowRateLimiter(storage_from_string(storage_url))
        self._used: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def pseudonym(self, kind: str, value: str) -> str:
        """A keyed hash standing in for an address or device id: comparable, not reversible."""
        return hmac.new(self._key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()[:32]

    def _recent(self, site: str, address: str, config: RemoteJoinConfig) -> int:
        item = RateLimitItemPerHour(config.per_address_per_hour)
        stats = self._limiter.get_window_stats(item, "remote-join", site, "address", address)
        return config.per_address_per_hour - stats.remaining

    def challenge(self, *, site: str, address: str, device: str, config: RemoteJoinConfig) -> Challenge:
        """A signed challenge bound to site and device, as hard as this address's recent joins make it."""
        bits = self.required_bits(site=site, address=address, config=config)
        expires = int(time.time()) + CHALLENGE_SECONDS
        body = f"{site}.{expires}.{bits}.{secrets.token_hex(8)}"
        return Challenge(challenge=f"{body}.{self._sign(body, device)}", bits=bits, expires_in=CHALLENGE_SECONDS)

    def required_bits(self, *, site: str, address: str, config: RemoteJoinConfig) -> int:
        """The difficulty the next join from this address must meet."""
        return work_bits(
            base=config.work_bits, recent_joins=self._recent(site, self.pseudonym("address", address), config),
            free_joins=config.work_free_joins, step_joins=config.work_step_joins, ceiling=config.work_max_bits,
        )

    def _sign(self, body: str, device: str) -> str:
        signed = f"{body}|{self.pseudonym('device', device)}".encode()
        return hmac.new(self._key, signed, hashlib.sha256).hexdigest()[:24]

    def admit(
        self, *, site: str, address: str, device: str, challenge: str, nonce: str, config: RemoteJoinConfig
    ) -> None:
        """Check the proof of work and both budgets, or raise Refused with the reason; counts nothing yet."""
        parts = challenge.split(".")
        if len(parts) != 5 or parts[0] != site:
            raise Refused("work_invalid", "This request has no valid puzzle. Please reload the page.", 400)
        body, signature = ".".join(parts[:4]), parts[4]
        if not hmac.compare_digest(signature, self._sign(body, device)):
            raise Refused("work_invalid", "This request has no valid puzzle. Please reload the page.", 400)
        expires, bits = int(parts[1]), int(parts[2])
        if expires < time.time():
            raise Refused("work_expired", "The page waited too long. Please try again.", 400)
        if not work_done(challenge=challenge, nonce=nonce, bits=bits):
            raise Refused("work_missing", "The puzzle was not solved. Please try again.", 400)
        if bits < self.required_bits(site=site, address=address, config=config):
            raise Refused("work_too_easy", "Many requests came from your network. Please try again.", 429)
        with self._lock:
            # Spent on first use, even if the join is then refused: every try needs a fresh puzzle.
            if challenge in self._used:
                raise Refused("work_used", "This request was already sent. Please reload the page.", 409)
            self._used[challenge] = time.time()
            while len(self._used) > USED_MEMORY:
                self._used.popitem(last=False)
        device_key = self.pseudonym("device", device)
        device_item = RateLimitItemPerDay(config.per_device_per_day)
        if not self._limiter.test(device_item, "remote-join", site, "device", device_key):
            raise Refused(
                "device_budget", "This phone has already drawn the tickets it may today. Please use the kiosk.",
            )
        address_item = RateLimitItemPerHour(config.per_address_per_hour)
        if not self._limiter.test(address_item, "remote-join", site, "address", self.pseudonym("address", address)):
            raise Refused(
                "address_budget", "Too many tickets were drawn from your network. Please try later or use the kiosk.",
            )

    def count(self, *, site: str, address: str, device: str, config: RemoteJoinConfig) -> None:
        """Charge a successful join to its device and address."""
        self._limiter.hit(RateLimitItemPerDay(config.per_device_per_day), "remote-join", site, "device",
                          self.pseudonym("device", device))
        self._limiter.hit(RateLimitItemPerHour(config.per_address_per_hour), "remote-join", site, "address",
                          self.pseudonym("address", address))
