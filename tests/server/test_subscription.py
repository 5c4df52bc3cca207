"""One subscription for every kind of listener: in order, left when its block ends, resynced from `since`."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from starlette.concurrency import run_in_threadpool

from aufruf.events import DeviceStatus
from server.app import build_context
from server.clock import Clock
from server.context import AppContext
from server.events.envelope import Envelope, EventType
from server.events.log import NewEvent, record_events
from server.events.subscription import FellBehind, ResyncRequested, Subscription
from server.settings import Settings
from tests.support.run_async import run_async

SITE = "demo"
QUEUE = 8  # the smallest inbox the settings allow


@asynccontextmanager
async def _running(tmp_path: Path) -> AsyncIterator[AppContext]:
    """A real database, bus and hub, as the server wires them, on this loop."""
    settings = Settings(
        demo=True, database_url=f"sqlite:///{tmp_path / 'aufruf.db'}", client_queue_size=QUEUE,
        secret_key="test-secret-key-that-is-long-enough-0123456789",
    )
    context = build_context(settings, Clock())
    context.database.create_schema()
    await context.bus.start(context.hub.deliver)
    try:
        yield context
    finally:
        await context.hub.close()
        await context.bus.stop()
        context.database.dispose()


async def _emit(context: AppContext, count: int) -> list[int]:
    """Commit `count` events at the site in one transaction; their seqs."""

    def commit() -> list[int]:
        event = NewEvent(
            type=EventType.device_status, at=context.clock.now(), actor="test",
            data=DeviceStatus(device="kiosk-1", kind="kiosk", component="printer", state="ok", detail=None),
        )
        with context.database.transaction() as session:
            return [envelope.seq for envelope in record_events(session=session, site_id=SITE, events=[event] * count)]

    return await run_in_threadpool(commit)


async def _next(subscription: Subscription) -> int:
    envelope = await asyncio.wait_for(subscription.get(), timeout=10)
    assert envelope is not None
    return envelope.seq


def test_events_come_in_order_and_drain_takes_what_waits_without_waiting(tmp_path: Path) -> None:
    async def check() -> None:
        async with _running(tmp_path) as context, context.hub.subscribe(SITE) as subscription:
            assert subscription.drain() == []
            seqs = await _emit(context, 3)
            first = await _next(subscription)
            rest = [envelope.seq for envelope in subscription.drain()]
            assert [first, *rest] == seqs
            assert not subscription.pending()
            later = await _emit(context, 1)
            assert [envelope.seq async for envelope in _take(subscription, 1)] == later

    run_async(check())


async def _take(subscription: Subscription, count: int) -> AsyncIterator[Envelope]:
    """The subscription's next `count` events, through `async for`."""
    taken = 0
    async for envelope in subscription:
        yield envelope
        taken += 1
        if taken == count:
            return


def test_leaving_the_block_unsubscribes_on_an_error(tmp_path: Path) -> None:
    async def check() -> None:
        async with _running(tmp_path) as context:
            hub = context.hub
            with pytest.raises(ValueError, match="the reader failed"):
                async with hub.subscribe(SITE):
                    assert hub.subscriber_count(SITE) == 1
                    raise ValueError("the reader failed")
            assert hub.subscriber_count(SITE) == 0
            # Events after it left reach nobody and break nothing.
            async with hub.subscribe(SITE) as other:
                seqs = await _emit(context, 2)
                assert [await _next(other), await _next(other)] == seqs

    run_async(check())


def test_leaving_the_block_unsubscribes_on_cancellation(tmp_path: Path) -> None:
    async def check() -> None:
        async with _running(tmp_path) as context:
            hub = context.hub
            joined = asyncio.Event()

            async def reader() -> None:
                async with hub.subscribe(SITE) as subscription:
                    joined.set()
                    await subscription.get()

            task = asyncio.create_task(reader())
            await asyncio.wait_for(joined.wait(), timeout=10)
            assert hub.subscriber_count(SITE) == 1
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            assert hub.subscriber_count(SITE) == 0

    run_async(check())


def test_a_reader_that_falls_behind_is_dropped_and_told_without_holding_others(tmp_path: Path) -> None:
    async def check() -> None:
        async with _running(tmp_path) as context:
            hub = context.hub
            async with hub.subscribe(SITE) as slow, hub.subscribe(SITE) as fast:
                seqs: list[int] = []
                for _ in range(QUEUE + 1):
                    seqs += await _emit(context, 1)
                    seqs_read = await _next(fast)
                    assert seqs_read == seqs[-1]
                # The slow one never read: it holds nothing and the hub forgot it.
                assert hub.subscribers(SITE) == [fast]
                with pytest.raises(FellBehind):
                    await slow.get()
                with pytest.raises(FellBehind):
                    slow.drain()
            assert hub.subscriber_count(SITE) == 0

    run_async(check())


def test_since_replays_what_was_missed_from_the_log_then_goes_live(tmp_path: Path) -> None:
    async def check() -> None:
        async with _running(tmp_path) as context:
            hub = context.hub
            start = await hub.open(SITE)
            async with hub.subscribe(SITE) as follower:
                missed = await _emit(context, 3)
                assert [await _next(follower) for _ in missed] == missed  # they went out
            async with hub.subscribe(SITE, since=start) as subscription:
                assert subscription.seen == start
                live = await _emit(context, 1)
                assert [await _next(subscription) for _ in range(4)] == [*missed, *live]
            async with hub.subscribe(SITE, since=live[-1]) as current:
                assert current.drain() == []  # nothing missed, nothing replayed

    run_async(check())


def test_since_too_far_back_or_ahead_needs_a_snapshot(tmp_path: Path) -> None:
    async def check() -> None:
        async with _running(tmp_path) as context:
            hub = context.hub
            start = await hub.open(SITE)
            async with hub.subscribe(SITE) as follower:
                for _ in range(QUEUE + 1):
                    await _emit(context, 1)
                    await _next(follower)
            last = hub.last_seq(SITE)
            for since in (start, last + 1, -5):
                async with hub.subscribe(SITE, since=since) as subscription:
                    assert subscription.behind, since
                    assert hub.subscriber_count(SITE) == 0
                    with pytest.raises(FellBehind):
                        await subscription.get()

    run_async(check())


def test_a_resync_request_interrupts_the_reader_once(tmp_path: Path) -> None:
    async def check() -> None:
        async with _running(tmp_path) as context, context.hub.subscribe(SITE) as subscription:
            waiting = asyncio.create_task(subscription.get())
            await asyncio.sleep(0)  # let it start waiting on the empty inbox
            subscription.request_resync()
            with pytest.raises(ResyncRequested):
                await asyncio.wait_for(waiting, timeout=10)
            seqs = await _emit(context, 1)
            assert await _next(subscription) == seqs[0]
            subscription.end()
            assert await subscription.get() is None

    run_async(check())
