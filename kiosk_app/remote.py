"""Telling a phone ticket's check-in apart from a booking code: the status URL (scanned) or a six-character code."""

from __future__ import annotations

import re

# The server's short codes: six characters without look-alikes (booking codes have eight).
SHORT_CODE = re.compile(r"^[2-9ABCDEFGHJKMNPQRSTWXYZ]{6}$")
STATUS_URL = re.compile(r"/t/[A-Za-z0-9_-]{16,64}/?$")
SEPARATORS = re.compile(r"[\s\-_./]+")


def is_remote_entry(text: str) -> bool:
    """Whether a scan or typed entry names a ticket drawn from a phone rather than a booking."""
    text = text.strip()
    if STATUS_URL.search(text):
        return True
    return bool(SHORT_CODE.match(SEPARATORS.sub("", text).upper()))
