"""Throttling password guessing: a budget of failed logins per username and client address."""

from __future__ import annotations

import hashlib

from limits import RateLimitItem
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from server.errors import DomainError

NAMESPACE = "aufruf-login"


class TooManyAttempts(DomainError):
    """Too many failed logins for this username from this address."""

    status_code = 429
    code = "too_many_attempts"


def _key(username: str, address: str) -> str:
    # Hashed so that a typed password mistaken for a username never sits in the limiter's storage.
    return hashlib.sha256(f"{username.lower()}\0{address}".encode()).hexdigest()


class LoginGuard:
    """Counts failures; a correct password does not help once the budget is spent."""

    def __init__(self, *, failures: RateLimitItem, storage_url: str) -> None:
        self.failures = failures
        self.limiter = MovingWindowRateLimiter(storage_from_string(storage_url))

    def check(self, username: str, address: str) -> None:
        """Refuse the attempt if this username and address failed too often lately."""
        if not self.limiter.test(self.failures, NAMESPACE, _key(username, address)):
            raise TooManyAttempts(
                "Too many failed logins; wait a few minutes or ask an administrator.", code="too_many_attempts"
            )

    def failed(self, username: str, address: str) -> None:
        """Count one failed attempt."""
        self.limiter.hit(self.failures, NAMESPACE, _key(username, address))

    def succeeded(self, username: str, address: str) -> None:
        """Forget earlier failures after a correct login."""
        self.limiter.clear(self.failures, NAMESPACE, _key(username, address))
