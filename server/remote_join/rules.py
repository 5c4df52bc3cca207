"""Pure rules of remote joining: proof-of-work difficulty and checks, shares, "come at", move-back or expire."""

from __future__ import annotations

import hashlib
import math
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from server.appointments.codes import ALPHABET

CODE_LENGTH = 6
STATUS_URL = re.compile(r"/t/(?P<token>[A-Za-z0-9_-]{16,64})/?(?:[?#].*)?$")
SEPARATORS = re.compile(r"[\s\-_./]+")


def work_bits(*, base: int, recent_joins: int, free_joins: int, step_joins: int, ceiling: int) -> int:
    """The difficulty asked of the next join from an address that joined `recent_joins` times this hour."""
    extra = max(0, recent_joins - free_joins) // max(step_joins, 1)
    return min(ceiling, base + extra)


def leading_zero_bits(digest: bytes) -> int:
    """How many leading bits of a digest are zero."""
    bits = 0
    for byte in digest:
        if byte == 0:
            bits += 8
            continue
        return bits + 8 - byte.bit_length()
    return bits


def work_digest(challenge: str, nonce: str) -> bytes:
    """SHA-256 of `challenge:nonce`, what the page's script computes with crypto.subtle."""
    return hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()


def work_done(*, challenge: str, nonce: str, bits: int) -> bool:
    """Whether a nonce solves a challenge at a difficulty."""
    return len(nonce) <= 32 and leading_zero_bits(work_digest(challenge, nonce)) >= bits


def solve(challenge: str, bits: int) -> str:
    """Find a nonce for a challenge (for clients without a browser: tests, benches, the CLI)."""
    counter = 0
    while not work_done(challenge=challenge, nonce=str(counter), bits=bits):
        counter += 1
    return str(counter)


def remote_allowance(*, capacity: float | None, share: float) -> int | None:
    """How many remote tickets a service takes today: the share of its capacity, rounded down; None if unknown."""
    if capacity is None:
        return None
    return math.floor(capacity * share)


def day_capacity(*, quota: int | None, open_minutes: float, counters: int, typical_minutes: float) -> float | None:
    """A service's capacity for the day: its quota, else what its counters serve in the opening time."""
    if quota is not None:
        return float(quota)
    if open_minutes <= 0 or counters <= 0:
        return None
    return open_minutes * counters / max(typical_minutes, 0.1)


def come_at(*, now: datetime, eta_minutes: tuple[int, int] | None, before_minutes: int) -> datetime | None:
    """When the citizen should be at the office: the earliest estimated call, less the margin; None if unknown."""
    if eta_minutes is None:
        return None
    return now + timedelta(minutes=max(0, eta_minutes[0] - before_minutes))


class Missed(StrEnum):
    """What happens to a remote ticket whose turn came before it was checked in."""

    move_back = "move_back"
    expire = "expire"


def when_missed(*, moved_back: int, max_move_backs: int) -> Missed:
    """Move back while the bound allows, then expire."""
    return Missed.move_back if moved_back < max_move_backs else Missed.expire


@dataclass(frozen=True)
class Presented:
    """What a citizen showed at the kiosk: the status URL's token (scanned) or a short code (typed)."""

    token: str | None = None
    code: str | None = None


def new_code() -> str:
    """A fresh short code: six characters of the unambiguous booking alphabet (about 29 bits)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def presented(text: str) -> Presented | None:
    """Read a scan or typed entry: a status URL, or a six-character short code; None if it is neither."""
    text = text.strip()
    match = STATUS_URL.search(text)
    if match:
        return Presented(token=match.group("token"))
    code = SEPARATORS.sub("", text).upper()
    if len(code) == CODE_LENGTH and all(char in ALPHABET for char in code):
        return Presented(code=code)
    return None


def show_code(code: str) -> str:
    """The code as shown on the phone: two groups of three."""
    return f"{code[:3]}-{code[3:]}" if len(code) == CODE_LENGTH else code
