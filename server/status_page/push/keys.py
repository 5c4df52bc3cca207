"""The installation's VAPID key pair: generated on first use, stored in the database."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from server.db import Database
from server.status_page.push.models import PushKey

if TYPE_CHECKING:
    from py_vapid import Vapid


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _new_key(now: datetime) -> PushKey:
    """A fresh P-256 key pair in the forms browsers and pywebpush expect."""
    private = ec.generate_private_key(ec.SECP256R1())
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return PushKey(id=1, private_pem=pem, public_key=_b64url(public), created_at=now)


def ensure_push_key(*, database: Database, now: datetime) -> PushKey:
    """Load the key pair, creating it if this is the first start; safe with several workers."""
    with database.transaction() as session:
        key = session.get(PushKey, 1)
        if key is not None:
            return key
    try:
        with database.transaction() as session:
            key = _new_key(now)
            session.add(key)
            return key
    except IntegrityError:
        # Another worker created it first: use theirs.
        with database.transaction() as session:
            existing = session.get(PushKey, 1)
            assert existing is not None
            return existing


def public_key(*, session: Session) -> str | None:
    """The application server key for `pushManager.subscribe`, if one exists yet."""
    key = session.get(PushKey, 1)
    return key.public_key if key else None


def vapid_signer(key: PushKey) -> Vapid:
    """The private key as pywebpush signs with it."""
    # Imported on first use: the signer is only needed once an alert is actually sent.
    from py_vapid import Vapid

    return Vapid.from_pem(key.private_pem.encode())
