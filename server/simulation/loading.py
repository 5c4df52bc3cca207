"""Reading a scenario file, checking it against its office, or deriving a plain day from any office."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from server.office.loading import ConfigError, ConfigProblem, load_office, parse_toml_model
from server.office.schema import OfficeConfig, SiteConfig
from server.simulation.scenario import WEEKDAYS, Band, DayPlan, Handling, Scenario, ServiceDemand, Shift

HINTS: dict[str, str] = {
    "office": 'the office file, relative to this file, e.g. "../buergeramt.toml"',
    "seeds": "a list of whole numbers, e.g. [1, 2, 3]",
    "date": "a date such as 2026-11-24",
    "at": '"HH:MM"',
    "start": '"HH:MM"',
    "end": '"HH:MM"',
    "counter": "a counter id of the day's site in the office file",
    "id": "a service id of the office file",
}


@dataclass(frozen=True)
class Loaded:
    """A scenario with the office it runs in."""

    scenario: Scenario
    office: OfficeConfig
    path: Path

    def site_of(self, plan: DayPlan) -> SiteConfig:
        """The site a day runs at."""
        wanted = plan.site or self.scenario.site
        return next(s for s in self.office.sites if wanted in (None, s.id))


def _office_problems(scenario: Scenario, office: OfficeConfig) -> list[ConfigProblem]:
    """Every name the scenario uses that its office does not know, with its place in the scenario file."""
    problems: list[ConfigProblem] = []
    sites = {s.id: s for s in office.sites}
    default = scenario.site or office.sites[0].id
    if default not in sites:
        problems.append(ConfigProblem("site", f"the office has no site '{default}'", f"one of {sorted(sites)}"))
        return problems
    used: set[str] = set()
    for index, plan in enumerate(scenario.days):
        site_id = plan.site or default
        if site_id not in sites:
            problems.append(ConfigProblem(f"days[{index}].site", f"the office has no site '{site_id}'",
                                          f"one of {sorted(sites)}"))
            continue
        site = sites[site_id]
        used.add(site_id)
        counters = {c.id for c in site.counters}
        label = "shifts" if plan.shifts is None else f"days[{index}].shifts"
        for number, shift in enumerate(plan.shifts if plan.shifts is not None else scenario.shifts):
            if shift.counter not in counters:
                problems.append(ConfigProblem(
                    f"{label}[{number}].counter", f"site '{site_id}' has no counter '{shift.counter}'",
                    f"one of {sorted(counters)}",
                ))
        weekday = WEEKDAYS[plan.date.weekday()]
        if not site.always_open and not site.opening_hours.get(weekday):
            problems.append(ConfigProblem(
                f"days[{index}].date", f"{plan.date} is a {weekday}, when site '{site_id}' is closed",
                f"open on {sorted(site.opening_hours)}",
            ))
    offered = {s.id for site_id in used for s in sites[site_id].services}
    for index, demand in enumerate(scenario.services):
        if demand.id not in offered:
            problems.append(ConfigProblem(
                f"services[{index}] (id {demand.id!r}).id", f"no simulated site offers service '{demand.id}'",
                f"one of {sorted(offered)}",
            ))
    return problems


def load_scenario(path: Path, *, office_file: Path | None = None) -> Loaded:
    """Read and check a scenario; `office_file` runs it in another office than the one it names."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(path, [ConfigProblem("file", error.strerror or str(error), None)]) from None
    scenario = parse_toml_model(text, path, Scenario, HINTS)
    office_path = office_file or (path.parent / scenario.office)
    office = load_office(office_path)
    problems = _office_problems(scenario, office)
    if problems:
        raise ConfigError(path, problems)
    return Loaded(scenario=scenario, office=office, path=path)


def plain_scenario(office_file: Path, *, seed: int = 1) -> Loaded:
    """A busy ordinary day for any office: every counter staffed all day, demand near its capacity."""
    office = load_office(office_file)
    site = office.sites[0]
    day = date(2026, 11, 23)
    for _ in range(7):
        if site.always_open or site.opening_hours.get(WEEKDAYS[day.weekday()]):
            break
        day += timedelta(days=1)
    periods = site.opening_hours.get(WEEKDAYS[day.weekday()]) or [("08:00", "16:00")]
    start, end = periods[0][0], periods[-1][1]
    # Each counter's time is shared evenly by its services; demand is 85 % of that capacity.
    capacity: dict[str, float] = {s.id: 0.0 for s in site.services}
    for counter in site.counters:
        for key in counter.services:
            capacity[key] += 60 / len(counter.services)
    services = [
        ServiceDemand(
            id=s.id,
            handling=Handling(median_minutes=s.typical_service_minutes * 1.1),
            walk_ins=[Band(start=a, end=b, per_hour=round(0.85 * capacity[s.id] / s.typical_service_minutes, 2))
                      for a, b in periods],
        )
        for s in site.services
        if capacity[s.id] > 0
    ]
    shifts = [Shift(counter=c.id, start=start, end=end) for c in site.counters]
    scenario = Scenario(
        name=f"An ordinary day at {site.name}", office=str(office_file), site=site.id, seeds=[seed],
        days=[DayPlan(date=day)], services=services or [], shifts=shifts,
    ) if services and shifts else None
    if scenario is None:
        raise ConfigError(office_file, [ConfigProblem("sites[0]", "has no counter serving a service", None)])
    return Loaded(scenario=scenario, office=office, path=office_file)
