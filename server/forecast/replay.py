"""The replay: the router's own call rule (`call_order`) played in virtual time over the site's lines."""

from __future__ import annotations

import bisect
import heapq
import math
from collections import defaultdict, deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from server.tickets.call_rules import LineHead, call_order


@dataclass(slots=True)
class Job:
    """Someone the replay has to call: a waiting ticket, an expected appointment, or an imagined new ticket."""

    key: Any
    service_pk: int
    joined: float  # minutes from now (negative: in the past) when they joined the line
    ready: float = 0.0  # minutes from now from which they can be called
    priority_from: float | None = None  # minutes from now from which they count as an appointment
    weight: float = 1.0  # expected share of a full service (appointments that may not come)
    imagined: bool = False  # takes no counter time: it only asks "when would a new ticket be called?"
    appointment: bool = False  # its range is calibrated on the errors of appointments
    wanted: bool = True  # its call time is asked for (expected future walk-ins only make room)


@dataclass(order=True)
class Desk:
    """A counter in the replay."""

    free_at: float
    order: int
    ranks: dict[int, int] = field(compare=False)
    express: bool = field(default=False, compare=False)  # keeps to quick matters (server/tickets/express.py)
    # From this moment (minutes from now) it calls nobody more: its clerk is expected to leave for the day.
    until: float = field(default=math.inf, compare=False)
    # Breaks it is expected to take (start, end in minutes from now): a call due inside one waits for its end.
    off: tuple[tuple[float, float], ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class Arrivals:
    """Walk-ins still to come for one service: one every `gap` minutes until `horizon`, or at given `moments`."""

    service_pk: int
    gap: float
    horizon: float
    weight: float = 1.0  # the share of them who will stay to be called
    # Minutes from now, ascending and distinct: the first arrivals, as a recent same weekday had them (a crowd
    # at opening comes as a crowd); after them, or without them, one every `gap` minutes.
    moments: tuple[float, ...] = ()

    def after(self, moment: float) -> Job | None:
        """The expected walk-in following the one at `moment` (0: the first), or None past the horizon."""
        index = bisect.bisect_right(self.moments, moment)
        if index < len(self.moments):
            moment = self.moments[index]
        else:  # past the given moments: evenly on
            moment = max(moment, self.moments[-1] if self.moments else 0.0) + self.gap
        if moment >= self.horizon:
            return None
        return Job(
            ("coming", self.service_pk, moment), self.service_pk, moment, ready=moment, weight=self.weight,
            wanted=False,
        )


Line = deque[Job]
LineKey = tuple[int, bool]


def _lines(jobs: list[Job]) -> dict[LineKey, Line]:
    """Jobs per service, appointments apart from walk-ins, each in the order the router takes them."""
    lines: dict[LineKey, list[Job]] = defaultdict(list)
    for job in jobs:
        lines[(job.service_pk, job.priority_from is not None)].append(job)
    return {key: deque(sorted(line, key=lambda j: (j.ready, j.joined))) for key, line in lines.items()}


def _refill(line: Line, coming: dict[LineKey, tuple[Arrivals, float]], key: LineKey) -> None:
    """Put the next expected walk-in into an emptied line, if its service expects more."""
    state = coming.get(key)
    if state is None:
        return
    flow, last = state
    job = flow.after(last)
    if job is None:
        del coming[key]
        return
    line.append(job)
    coming[key] = (flow, job.joined)


def replay(
    *,
    desks: list[Desk],
    jobs: list[Job],
    targets: dict[int, int],
    durations: dict[int, float],
    arrivals: Sequence[Arrivals] = (),
    express: frozenset[int] = frozenset(),
    takes_others_at: float = 0.8,
) -> dict[Any, float]:
    """Expected call time (minutes from now) of every job, each counter choosing by `call_order`.

    Expected walk-ins (`arrivals`) queue behind everyone already in their service's walk-in line, so
    each is created only when that line runs empty: most never are before the last wanted job is called.
    An express counter (`Desk.express`) follows `call_order`'s express rule; its "a quick citizen is due"
    test asks whether the next quick job of the replay becomes ready before the other case would be done,
    and if so the counter waits for it.
    """
    # Like the router, only the head of each line competes: cost grows with jobs times lines, not jobs squared.
    lines = _lines(jobs)
    coming: dict[LineKey, tuple[Arrivals, float]] = {}
    for flow in arrivals:
        line = lines.setdefault((flow.service_pk, False), deque())
        coming[(flow.service_pk, False)] = (flow, 0.0)
        if not line:
            _refill(line, coming, (flow.service_pk, False))
    # `LineHead.elsewhere`: whether more than one counter serves the line.
    servers: dict[int, int] = defaultdict(int)
    for desk in desks:
        for service_pk in desk.ranks:
            servers[service_pk] += 1
    line_list = [
        (key, service_pk, max(targets[service_pk], 1), service_pk in express, servers[service_pk] > 1, line)
        for key, line in lines.items()
        for service_pk in [key[0]]
    ]
    calls: dict[Any, float] = {}
    wanted = sum(1 for job in jobs if job.wanted)
    # Plain tuples in the heap: they compare like `Desk` (free_at, then order) without a Python-level __lt__.
    heap = [(desk.free_at, desk.order, desk.ranks, desk.express, desk.until, desk.off) for desk in desks]
    heapq.heapify(heap)
    inf = math.inf
    while heap and wanted:
        now, order, ranks, keeps_quick, until, off = heapq.heappop(heap)
        if now >= until:
            continue  # its clerk has left: it finishes its case and calls nobody more
        back = next((end for start, end in off if start <= now < end), None)
        if back is not None:  # on a break: the clerk calls again once back
            heapq.heappush(heap, (back, order, ranks, keeps_quick, until, off))
            continue
        ready: list[tuple[LineKey, int, int, bool, bool, Line]] = []
        next_ready = inf
        next_quick = inf
        for key, service_pk, target, quick, elsewhere, line in line_list:
            if not line:
                continue
            rank = ranks.get(service_pk)
            if rank is None:
                continue
            head_ready = line[0].ready
            if head_ready > now:
                next_ready = min(next_ready, head_ready)
                if quick:
                    next_quick = min(next_quick, head_ready)
                continue
            ready.append((key, target, rank, quick, elsewhere, line))
        if len(ready) == 1 and not keeps_quick:
            # An ordinary counter with one line to call calls it: `call_order` of one head is that head.
            key, best = ready[0][0], ready[0][5]
        else:
            heads = [
                LineHead(
                    item=(key, line), waited_minutes=now - line[0].joined, target_minutes=target, rank=rank,
                    express=quick, elsewhere=elsewhere,
                    appointment=line[0].priority_from is not None and line[0].priority_from <= now,
                )
                for key, target, rank, quick, elsewhere, line in ready
            ]

            def quick_due(candidate: LineHead[tuple[LineKey, Line]], at: float = now, due: float = next_quick) -> bool:
                job = candidate.item[1][0]
                return due <= at + durations[job.service_pk] * job.weight

            chosen = call_order(
                heads, express_counter=keeps_quick, takes_others_at=takes_others_at, quick_due=quick_due
            )
            if not chosen:
                # Heads wait, yet none may be called: an express counter waits for the quick citizen who is due.
                wake = next_quick if heads else next_ready
                if wake < inf:
                    heapq.heappush(heap, (wake, order, ranks, keeps_quick, until, off))
                continue
            key, best = chosen[0].item
        job = best.popleft()
        if not best and coming:
            _refill(best, coming, key)
        calls[job.key] = now
        wanted -= job.wanted
        free_at = now if job.imagined else now + durations[job.service_pk] * job.weight
        heapq.heappush(heap, (free_at, order, ranks, keeps_quick, until, off))
    return calls
