"""Encoding an event once as a websocket frame, for every connection that gets it."""

from __future__ import annotations

from websockets.frames import Frame, Opcode


def text_frame(text: str) -> bytes:
    """One unmasked, uncompressed text frame, valid on every server-to-client connection."""
    # An uncompressed frame stays valid even where permessage-deflate was negotiated (RFC 7692, section 6).
    return Frame(Opcode.TEXT, text.encode()).serialize(mask=False)
