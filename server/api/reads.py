"""Read-only requests run on threads of their own, so writers waiting for a locked database never starve them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import anyio
import anyio.to_thread

T = TypeVar("T")
# Threads for reads, apart from the request pool that waiting writers may fill; a read takes milliseconds.
READ_THREADS = 16
_limiters: dict[int, anyio.CapacityLimiter] = {}


def _limiter() -> anyio.CapacityLimiter:
    """The read limiter of the running event loop (each uvicorn worker and test server has its own)."""
    import asyncio

    key = id(asyncio.get_running_loop())
    limiter = _limiters.get(key)
    if limiter is None:
        limiter = _limiters[key] = anyio.CapacityLimiter(READ_THREADS)
    return limiter


async def run_read(work: Callable[[], T]) -> T:
    """Run a database read off the event loop, on the read threads."""
    return await anyio.to_thread.run_sync(work, limiter=_limiter())
