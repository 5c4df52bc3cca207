"""How good the shown ranges were beside the baselines, per day, service and hour; whether everyone is accounted for."""

from __future__ import annotations

import statistics
from collections import Counter as Tally
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from server.estimates import RANGE_LEVEL
from server.simulation.baselines import BASELINES
from server.simulation.driver import DayLog, Drawn

ALPHA = 1 - RANGE_LEVEL  # the interval score is taken at the range's nominal level
ACCOUNTED = ("served", "no_show", "left", "ended_at_close")
# The bars of docs/estimates.md.
INSIDE_BAR, SERVICE_BAR, WIDTH_BAR, WIDTH_FROM_WAIT = 0.85, 0.75, 0.5, 10.0
MIN_SERVICE_TICKETS = 20  # fewer called tickets say little about a service's share inside


def winkler(low: float, high: float, actual: float, alpha: float = ALPHA) -> float:
    """The interval score: width plus 2/alpha times how far outside the range the actual value fell."""
    score = high - low
    if actual < low:
        score += 2 / alpha * (low - actual)
    elif actual > high:
        score += 2 / alpha * (actual - high)
    return score


def _quantile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    position = share * (len(ordered) - 1)
    below = int(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


@dataclass(frozen=True)
class Figures:
    """Actual waits against one predictor's ranges."""

    tickets: int
    inside_share: float
    median_abs_error: float  # minutes, against the range's middle (Aufruf) or the point prediction (baselines)
    p90_abs_error: float
    median_range_width: float
    interval_score: float  # mean Winkler score at the nominal level; lower is better


@dataclass(frozen=True)
class Group:
    """One slice of the run (a day, a service, an hour): Aufruf beside each baseline."""

    tickets: int
    median_wait: float
    within_target: float
    aufruf: Figures
    baselines: dict[str, Figures]  # ranges from errors known at drawing (online)
    in_sample_scores: dict[str, float]  # interval scores with ranges from the whole run's errors


@dataclass(frozen=True)
class Judged:
    """One called ticket with every predictor's range and point."""

    ticket: Drawn
    wait: float
    ranges: dict[str, tuple[float, float, float]]  # predictor -> (low, high, point)


def _figures(items: list[Judged], name: str) -> Figures:
    errors = [abs(j.wait - j.ranges[name][2]) for j in items]
    return Figures(
        tickets=len(items),
        inside_share=round(sum(j.ranges[name][0] <= j.wait <= j.ranges[name][1] for j in items) / len(items), 4),
        median_abs_error=round(statistics.median(errors), 2),
        p90_abs_error=round(_quantile(errors, 0.9), 2),
        median_range_width=round(statistics.median(j.ranges[name][1] - j.ranges[name][0] for j in items), 2),
        interval_score=round(statistics.fmean(winkler(*j.ranges[name][:2], j.wait) for j in items), 2),
    )


def group(items: list[Judged]) -> Group | None:
    """Figures of a slice, or None if nobody in it was called."""
    if not items:
        return None
    return Group(
        tickets=len(items),
        median_wait=round(statistics.median(j.wait for j in items), 2),
        within_target=round(sum(j.wait <= j.ticket.target_minutes for j in items) / len(items), 4),
        aufruf=_figures(items, "aufruf"),
        baselines={name: _figures(items, name) for name in BASELINES},
        in_sample_scores={name: _figures(items, f"{name}_in_sample").interval_score for name in BASELINES},
    )


def _margins(errors: list[float]) -> tuple[float, float]:
    return _quantile(errors, ALPHA / 2), _quantile(errors, 1 - ALPHA / 2)


class OnlineMargins:
    """A baseline's error quantiles as a live system would know them: from tickets called before, per service."""

    def __init__(self, fallback: dict[str, tuple[float, float]]) -> None:
        self.lines: dict[str, list[float]] = defaultdict(list)
        self.pool: list[float] = []
        self.fallback = fallback  # the service's whole-run quantiles, only while nothing has been learnt yet

    def add(self, service: str, error: float) -> None:
        """A ticket's call made its error known."""
        self.lines[service].append(error)
        self.pool.append(error)

    def margins(self, service: str) -> tuple[float, float]:
        """Quantiles of the line's last 40 errors, the site's latest filling up to 20; the same rule as Aufruf's."""
        sample = self.lines[service][-40:]
        if len(sample) < 20:
            sample = sample + self.pool[-(20 - len(sample)):]
        return _margins(sample) if len(sample) >= 12 else self.fallback[service]


def judge(tickets: list[Drawn], history: Iterable[Drawn] = ()) -> list[Judged]:
    """Every called ticket with Aufruf's range and each baseline's from its own error quantiles.

    A baseline's range is its point plus the quantiles (at the nominal level) of its errors on the same
    service's tickets called before this one was drawn ("online", what it could show live); the
    quantiles over the whole run ("in sample", knowing the future) are kept as a second, kinder figure.
    The history days' errors are known from the start, as Aufruf knows its own from its database.
    """
    called = sorted(((t, t.wait_minutes) for t in tickets if t.wait_minutes is not None), key=lambda c: c[0].drawn_at)
    errors: dict[tuple[str, str], list[float]] = defaultdict(list)
    for ticket, wait in called:
        for name in BASELINES:
            errors[(name, ticket.service)].append(wait - ticket.baselines[name])
    in_sample = {key: _margins(e) for key, e in errors.items()}
    online = {
        name: OnlineMargins({svc: m for (n, svc), m in in_sample.items() if n == name}) for name in BASELINES
    }
    for earlier in history:
        if earlier.wait_minutes is not None:
            for name in BASELINES:
                online[name].add(earlier.service, earlier.wait_minutes - earlier.baselines[name])
    by_call = sorted(called, key=lambda c: c[0].called_at or c[0].drawn_at)
    known = 0
    judged = []
    for ticket, wait in called:
        while known < len(by_call) and (by_call[known][0].called_at or ticket.drawn_at) <= ticket.drawn_at:
            done, done_wait = by_call[known]
            for name in BASELINES:
                online[name].add(done.service, done_wait - done.baselines[name])
            known += 1
        low, high = ticket.shown
        ranges = {"aufruf": (float(low), float(high), (low + high) / 2)}
        for name in BASELINES:
            point = ticket.baselines[name]
            for label, (below, above) in ((name, online[name].margins(ticket.service)),
                                          (f"{name}_in_sample", in_sample[(name, ticket.service)])):
                ranges[label] = (max(point + below, 0.0), max(point + above, 0.0), point)
        judged.append(Judged(ticket, wait, ranges))
    return judged


def _by(items: list[Judged], key: Callable[[Judged], str]) -> dict[str, Group]:
    slices: dict[str, list[Judged]] = defaultdict(list)
    for item in items:
        slices[key(item)].append(item)
    return {name: g for name, part in sorted(slices.items()) if (g := group(part)) is not None}


@dataclass
class DayCheck:
    """The day's invariants: how every citizen's visit ended."""

    day: str
    label: str
    site: str
    history: bool
    arrivals: int
    outcomes: dict[str, int]
    refused: dict[str, int]
    check_ins_refused: dict[str, int]
    appointments_booked: int
    appointment_statuses: dict[str, int]
    express_mix: dict[str, dict[str, int]]
    unaccounted: list[str] = field(default_factory=list)


def check_day(log: DayLog) -> DayCheck:
    """Everyone served, a no-show, gone, refused with a reason or ended at day close; nothing lost."""
    tickets = log.tickets
    unaccounted = [f"{t.number} ({t.outcome})" for t in tickets if t.outcome not in ACCOUNTED]
    walk_ins = sum(1 for t in tickets if not t.appointment)
    if walk_ins + sum(log.refused.values()) != log.arrivals:
        unaccounted.append("walk-ins without a ticket or a refusal")
    statuses = log.appointment_statuses
    if statuses.get("booked", 0):
        unaccounted.append(f"{statuses['booked']} appointments still booked after the day")
    if sum(statuses.values()) != log.appointments_booked:
        unaccounted.append("appointments missing from the day's list")
    mix = {c: dict(Tally(t.service for t in tickets if t.called_by == c)) for c in log.express_counters}
    return DayCheck(
        day=log.day, label=log.label, site=log.site, history=log.history, arrivals=log.arrivals,
        outcomes=dict(Tally(t.outcome for t in tickets)), refused=dict(log.refused),
        check_ins_refused=dict(log.check_ins_refused), appointments_booked=log.appointments_booked,
        appointment_statuses=statuses, express_mix=mix, unaccounted=unaccounted,
    )


@dataclass
class Report:
    """One seed of a scenario: every slice, every day's invariants, and which targets hold."""

    scenario: str
    seed: int
    overall: Group | None
    walk_ins: Group | None
    appointments: Group | None
    by_day: dict[str, Group]
    by_service: dict[str, Group]
    by_hour: dict[str, Group]
    days: list[DayCheck]
    targets: dict[str, bool]
    requests: int
    seconds: float = 0.0

    @property
    def unaccounted(self) -> list[str]:
        """Everything any day could not account for."""
        return [f"{d.day}: {item}" for d in self.days for item in d.unaccounted]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {**asdict(self), "unaccounted": self.unaccounted}

    def text(self) -> str:
        """The human-readable report."""
        lines = [f"{self.scenario} — seed {self.seed}: {self.requests} API requests in {self.seconds:.0f} s"]
        for check in self.days:
            lines.append(
                f"  {check.day} {check.label}{' (history, not reported)' if check.history else ''} at {check.site}: "
                f"{check.arrivals} walk-ins, outcomes {check.outcomes}, "
                f"refused {check.refused or 'none'}, appointments {check.appointment_statuses}"
            )
            for counter, mix in check.express_mix.items():
                lines.append(f"    express counter {counter} called: {mix}")
            if check.unaccounted:
                lines.append(f"    UNACCOUNTED: {check.unaccounted}")
        lines.append(_table("overall", {"all": self.overall, "walk-ins": self.walk_ins,
                                        "appointments": self.appointments}))
        lines.append(_table("day", self.by_day))
        lines.append(_table("service", self.by_service))
        lines.append(_table("hour drawn", self.by_hour))
        lines.append("Targets: " + ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in self.targets.items()))
        lines.append("Everyone accounted for." if not self.unaccounted else f"UNACCOUNTED: {self.unaccounted}")
        return "\n".join(lines)


def _table(title: str, groups: Mapping[str, Group | None]) -> str:
    head = (f"{title:<20} {'n':>4} {'wait':>5} {'target':>6} | {'in':>5} {'MAE':>5} {'p90':>5} {'width':>5} "
            f"{'score':>6} | " + " | ".join(f"{n:>12} in/score/in-sample" for n in BASELINES))
    rows = [head]
    for name, g in groups.items():
        if g is None:
            continue
        a = g.aufruf
        base = " | ".join(f"{b.inside_share:>12.0%} {b.interval_score:>6.1f} {g.in_sample_scores[n]:>6.1f}"
                          for n, b in g.baselines.items())
        rows.append(
            f"{name[:20]:<20} {g.tickets:>4} {g.median_wait:>5.1f} {g.within_target:>6.0%} | {a.inside_share:>5.0%} "
            f"{a.median_abs_error:>5.1f} {a.p90_abs_error:>5.1f} {a.median_range_width:>5.1f} "
            f"{a.interval_score:>6.1f} | "
            + base
        )
    return "\n".join(rows)


def targets(overall: Group | None, by_service: dict[str, Group]) -> dict[str, bool]:
    """The bars of docs/estimates.md for one run."""
    if overall is None:
        return {}
    narrow = overall.median_wait <= WIDTH_FROM_WAIT or (
        overall.aufruf.median_range_width <= WIDTH_BAR * overall.median_wait
    )
    return {
        "inside >= 85 %": overall.aufruf.inside_share >= INSIDE_BAR,
        "every service >= 75 %": all(
            g.aufruf.inside_share >= SERVICE_BAR for g in by_service.values() if g.tickets >= MIN_SERVICE_TICKETS
        ),
        "width <= 0.5 x wait": narrow,
        **{f"score < {name}": overall.aufruf.interval_score < b.interval_score
           for name, b in overall.baselines.items()},
    }


def reported(logs: Iterable[DayLog]) -> list[Judged]:
    """The judged tickets of every reported (not history) day."""
    logs = list(logs)
    earlier = [t for log in logs if log.history for t in log.tickets]
    return judge([t for log in logs if not log.history for t in log.tickets], history=earlier)


def build_report(*, scenario: str, seed: int, logs: Iterable[DayLog]) -> Report:
    """Summarize a run's days."""
    logs = list(logs)
    items = reported(logs)
    overall = group(items)
    by_service = _by(items, lambda j: j.ticket.service)
    return Report(
        scenario=scenario, seed=seed, overall=overall,
        walk_ins=group([j for j in items if not j.ticket.appointment]),
        appointments=group([j for j in items if j.ticket.appointment]),
        by_day=_by(items, lambda j: j.ticket.day),
        by_service=by_service,
        by_hour=_by(items, lambda j: f"{j.ticket.drawn_at.hour:02d}:00-{j.ticket.drawn_at.hour + 1:02d}:00"),
        days=[check_day(log) for log in logs],
        targets=targets(overall, by_service),
        requests=sum(log.requests for log in logs),
    )
