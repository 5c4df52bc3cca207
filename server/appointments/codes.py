"""Booking codes: random, easy to read aloud and type, tolerant of how people enter them."""

from __future__ import annotations

import re
import secrets

# No 0/O, 1/I/L or U/V look-alikes: a code read from paper or a phone screen is typed right.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
LENGTH = 8
SEPARATORS = re.compile(r"[\s\-_./]+")


def new_code() -> str:
    """A fresh random code (about 39 bits), stored without separators."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize(text: str) -> str:
    """What a scanner or keypad sent, reduced to the stored form: upper case, no separators."""
    return SEPARATORS.sub("", text).upper()


def display(code: str) -> str:
    """The code as printed and encoded in the QR code: two groups of four."""
    if len(code) == LENGTH:
        return f"{code[:4]}-{code[4:]}"
    return code
