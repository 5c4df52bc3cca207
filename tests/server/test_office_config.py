"""The office file: the example passes; every mistake is reported with its place and a hint."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from aufruf.cli import app
from server.office.loading import ConfigError, load_office, parse_office

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "buergeramt.toml"
runner = CliRunner()

BROKEN = """
[[sites]]
id = "Mitte!"
name = "Bürgeramt"
timezone = "Europe/Berlyn"
colour = "blue"

[sites.opening_hours]
mon = [["08:00", "07:00"]]

[[sites.services]]
id = "anmeldung"
prefix = "a"
names = { de = "Anmeldung" }

[[sites.services]]
id = "kfz"
prefix = "K"
names = { de = "Kfz", en = "Vehicles" }
target_wait_minutes = 0

[[sites.counters]]
id = "1"
name = "Schalter 1"
services = ["kfz", "standesamt"]
"""


def test_the_example_office_is_realistic() -> None:
    office = load_office(EXAMPLE)
    site = office.sites[0]
    assert 6 <= len(site.counters) <= 10
    express = {s.id for s in site.services if s.express}
    assert express == {"fuehrungszeugnis", "meldebescheinigung", "abholung"}
    assert {"anmeldung", "ausweis", "kfz", "standesamt"} <= {s.id for s in site.services}
    assert all({"de", "en"} <= set(s.names) for s in site.services)


def _problems(text: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_office(text, Path("office.toml"))
    return [str(problem) for problem in caught.value.problems]


def test_every_error_is_reported_with_its_place_and_a_hint() -> None:
    problems = _problems(BROKEN)
    joined = "\n".join(problems)
    assert "sites[0] (id 'Mitte!').id" in joined
    assert "sites[0] (id 'Mitte!').timezone: unknown time zone 'Europe/Berlyn'" in joined
    assert "colour" in joined
    assert "mon: 08:00-07:00 ends before it starts" in joined
    assert "services[0] (id 'anmeldung').prefix" in joined
    assert "needs a name in en" in joined
    assert "services[1] (id 'kfz').target_wait_minutes" in joined
    assert "hint: an IANA zone" in joined
    assert len(problems) >= 7


def test_cross_references_and_duplicates_are_checked() -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace('services = ["kfz"]', 'services = ["kfz", "ghost"]')
    assert any("unknown services ['ghost']" in p for p in _problems(text))
    duplicated = EXAMPLE.read_text(encoding="utf-8").replace('prefix = "K"', 'prefix = "A"')
    assert any("ticket prefix 'A' appears more than once" in p for p in _problems(duplicated))


def test_syntax_errors_name_the_line() -> None:
    assert any("line 2" in p for p in _problems('[[sites]]\nid = "x\n'))


def test_config_check_command(tmp_path: Path) -> None:
    good = runner.invoke(app, ["config", "check", str(EXAMPLE)])
    assert good.exit_code == 0
    assert "8 counters" in good.output
    broken = tmp_path / "broken.toml"
    broken.write_text(BROKEN, encoding="utf-8")
    bad = runner.invoke(app, ["config", "check", str(broken)])
    assert bad.exit_code == 2
    assert "Europe/Berlyn" in bad.output
    missing = runner.invoke(app, ["config", "check", str(tmp_path / "missing.toml")])
    assert missing.exit_code == 2
