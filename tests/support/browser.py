"""Debian's Chromium, started the one way that works on this machine and in CI."""

from __future__ import annotations

import os
from pathlib import Path

# Debian's package; Ubuntu ships Chromium only as a snap. AUFRUF_CHROMIUM names any other build.
CHROMIUM = os.environ.get("AUFRUF_CHROMIUM") or next(
    (path for path in ("/usr/bin/chromium", "/snap/bin/chromium") if Path(path).exists()), "/usr/bin/chromium"
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]
