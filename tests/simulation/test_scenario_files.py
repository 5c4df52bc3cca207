"""Scenario files: the shipped ones load, mistakes are named with their place, any office runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from aufruf.cli import app
from server.office.loading import ConfigError
from server.simulation.loading import load_scenario

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "examples" / "scenarios"
OFFICE = ROOT / "examples" / "buergeramt.toml"


def test_the_five_shipped_scenarios_load_against_their_offices() -> None:
    stems = {path.stem for path in SCENARIOS.glob("*.toml")}
    assert {"normal-tuesday", "walk-in-rush", "herzberg-small-town", "leipzig-one-stop", "kiel-holiday-peak"} <= stems
    for path in SCENARIOS.glob("*.toml"):
        loaded = load_scenario(path)
        assert any(not day.history for day in loaded.scenario.days)
    leipzig = load_scenario(SCENARIOS / "leipzig-one-stop.toml")
    assert len(leipzig.office.sites[0].counters) == 20 and len(leipzig.office.sites[0].services) == 10
    herzberg = load_scenario(SCENARIOS / "herzberg-small-town.toml")
    assert {loaded.id for loaded in (herzberg.site_of(d) for d in herzberg.scenario.days)} == {"herzberg", "buergerbus"}


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "scenario.toml"
    path.write_text(f'name = "test"\noffice = "{OFFICE}"\nseeds = [1]\n' + body, encoding="utf-8")
    return path


def problems(path: Path, **kwargs: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_scenario(path, **kwargs)
    return [str(problem) for problem in caught.value.problems]


def test_schema_mistakes_are_named_with_their_place(tmp_path: Path) -> None:
    path = write(tmp_path, '''
days = [{ date = "2026-11-24" }]
[[services]]
id = "anmeldung"
handling = { median_minutes = 10 }
walk_in = [{ start = "08:00", end = "09:00", per_hour = 5 }]
bursts = [{ at = "8:00", count = 3 }]
appointments = { per_hour = 2, start = "09:00", end = "08:00" }
[[shifts]]
counter = "1"
start = "08:00"
end = "12:00"
breaks = [{ at = "13:00", minutes = 10 }]
''')
    found = problems(path)
    assert any(p.startswith("services[0] (id 'anmeldung').walk_in: Extra inputs are not permitted") for p in found)
    assert any(p.startswith("services[0] (id 'anmeldung').bursts[0].at: times must be HH:MM, got '8:00'")
               for p in found)
    assert any("services[0] (id 'anmeldung').appointments: bookings 09:00-08:00 end before they start" in p
               for p in found)
    assert any("shifts[0]: break at 13:00 is outside the shift 08:00-12:00" in p for p in found)


def test_names_the_office_does_not_know_are_errors(tmp_path: Path) -> None:
    path = write(tmp_path, '''
days = [{ date = "2026-11-24" }, { date = "2026-11-29", label = "a Sunday" }]
[[services]]
id = "hundesteuer"
handling = { median_minutes = 5 }
[[shifts]]
counter = "99"
start = "08:00"
end = "12:00"
''')
    found = problems(path)
    assert any(p.startswith("shifts[0].counter: site 'mitte' has no counter '99'") for p in found)
    assert any(p.startswith("days[1].date: 2026-11-29 is a sun, when site 'mitte' is closed") for p in found)
    assert any(p.startswith("services[0] (id 'hundesteuer').id: no simulated site offers service 'hundesteuer'")
               for p in found)


def test_a_scenario_in_a_foreign_office_is_refused_without_a_traceback() -> None:
    result = CliRunner().invoke(
        app, ["simulate", str(SCENARIOS / "normal-tuesday.toml"), "--office", str(ROOT / "examples" / "herzberg.toml")]
    )
    assert result.exit_code == 2
    assert "has no counter '1'" in result.output
    assert "no simulated site offers service 'kfz'" in result.output
    assert "Traceback" not in result.output


@pytest.mark.timeout(120)
def test_any_office_alone_gets_a_plain_day(tmp_path: Path) -> None:
    office = tmp_path / "tiny.toml"
    office.write_text('''
[[sites]]
id = "dorf"
name = "Bürgerbüro Dorf"
[sites.opening_hours]
wed = [["09:00", "09:40"]]
[[sites.services]]
id = "alles"
prefix = "X"
names = { de = "Alle Anliegen", en = "Everything" }
typical_service_minutes = 6
[[sites.counters]]
id = "d1"
name = "Platz 1"
services = ["alles"]
''', encoding="utf-8")
    result = CliRunner().invoke(app, ["simulate", "--office", str(office), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "An ordinary day at Bürgerbüro Dorf" in result.output
    assert "Everyone accounted for." in result.output
