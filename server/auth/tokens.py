"""Bearer tokens: signed JWTs for clerks, random secrets for devices."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

import jwt

ALGORITHM = "HS256"
AUDIENCE = "aufruf-staff"


def create_staff_token(*, username: str, role: str, secret: str, now: datetime, minutes: int) -> str:
    """Sign a clerk's access token."""
    claims: dict[str, Any] = {
        "sub": username,
        "role": role,
        "aud": AUDIENCE,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=minutes)).timestamp()),
        "jti": secrets.token_hex(8),
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def read_staff_token(token: str, *, secret: str, now: datetime | None = None) -> dict[str, Any] | None:
    """Return the claims of a valid clerk token, or None; `now` is the server's clock (else wall time)."""
    try:
        if now is None:
            return jwt.decode(token, secret, algorithms=[ALGORITHM], audience=AUDIENCE)
        # Checked against the server's own clock, so a server on a simulated clock accepts its own tokens.
        claims: dict[str, Any] = jwt.decode(
            token, secret, algorithms=[ALGORITHM], audience=AUDIENCE,
            options={"verify_exp": False, "verify_iat": False, "require": ["exp", "iat"]},
        )
    except jwt.PyJWTError:
        return None
    moment = now.timestamp()
    return claims if claims["iat"] <= moment < claims["exp"] else None


def new_device_token() -> str:
    """A fresh random device secret (256 bits)."""
    return secrets.token_urlsafe(32)


def hash_device_token(token: str) -> str:
    """The stored form of a device token; tokens are random, so a plain SHA-256 suffices."""
    return hashlib.sha256(token.encode()).hexdigest()
