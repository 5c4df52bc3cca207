"""The page's few static files, held in memory with a content hash and a gzip copy."""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

STATIC = Path(__file__).resolve().parent / "static"
MEDIA_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}


@dataclass(frozen=True)
class Asset:
    """One file ready to serve."""

    body: bytes
    gzipped: bytes
    media_type: str
    version: str

    @property
    def etag(self) -> str:
        """A strong validator derived from the content."""
        return f'"{self.version}"'


@cache
def asset(name: str) -> Asset | None:
    """A static file by its name, or None; names come from a fixed folder listing only."""
    files = {path.name: path for path in STATIC.iterdir() if path.suffix in MEDIA_TYPES}
    path = files.get(name)
    if path is None:
        return None
    body = path.read_bytes()
    return Asset(
        body=body,
        gzipped=gzip.compress(body, compresslevel=9, mtime=0),
        media_type=MEDIA_TYPES[path.suffix],
        version=hashlib.sha256(body).hexdigest()[:16],
    )


def asset_url(name: str) -> str:
    """A cache-busting URL for a static file."""
    found = asset(name)
    version = found.version if found else "0"
    return f"/status-page/{name}?v={version}"
