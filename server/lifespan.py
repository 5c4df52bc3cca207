"""Adding work to the application's lifespan: a background job for as long as the app runs."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager, suppress
from typing import Any

from fastapi import FastAPI

from server.context import AppContext

Job = Callable[[AppContext], Coroutine[Any, Any, None]]


def run_during_lifespan(app: FastAPI, job: Job, *, before: Job | None = None) -> None:
    """After the app's own start-up, await `before` (if any), then run `job` until shutdown cancels it."""
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(application: FastAPI) -> AsyncIterator[Any]:
        async with inner(application) as state:
            context: AppContext = application.state.context
            if before is not None:
                await before(context)
            task = asyncio.create_task(job(context))
            try:
                yield state
            finally:
                task.cancel()
                with suppress(asyncio.CancelledError):
                    await task

    app.router.lifespan_context = lifespan
