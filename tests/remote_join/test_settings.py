"""Remote-join settings in the office file: off by default, and every bad value named with its place and a hint."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.office.loading import ConfigError, load_office, parse_office

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "buergeramt.toml"

OFFICE = """
[[sites]]
id = "mitte"
name = "Bürgeramt Mitte"

[sites.remote_join]
{settings}

[[sites.services]]
id = "anmeldung"
prefix = "A"
names = {{ de = "Anmeldung", en = "Registration" }}
"""


def test_off_unless_switched_on() -> None:
    office = parse_office(OFFICE.format(settings=""), Path("office.toml"))
    settings = office.sites[0].remote_join
    assert settings.enabled is False
    assert (settings.check_in, settings.per_device_per_day, settings.daily_cap) == ("kiosk", 2, 100)


def test_a_full_section_is_read() -> None:
    text = OFFICE.format(settings='enabled = true\ncheck_in = "none"\ncapacity_share = 0.25\ndaily_cap = 40\n'
                                  "move_back_places = 4\nmax_move_backs = 1\nwork_bits = 8")
    settings = parse_office(text, Path("office.toml")).sites[0].remote_join
    assert (settings.enabled, settings.check_in) == (True, "none")
    assert (settings.capacity_share, settings.daily_cap) == (0.25, 40)
    assert (settings.move_back_places, settings.max_move_backs, settings.work_bits) == (4, 1, 8)


@pytest.mark.parametrize(
    ("line", "place", "words"),
    [
        ('check_in = "phone"', "sites[0] (id 'mitte').remote_join.check_in", "'kiosk' or 'none'"),
        ("capacity_share = 1.5", "sites[0] (id 'mitte').remote_join.capacity_share", "less than or equal to 1"),
        ("daily_cap = 0", "sites[0] (id 'mitte').remote_join.daily_cap", "greater than or equal to 1"),
        ("enabeld = true", "sites[0] (id 'mitte').remote_join.enabeld", "Extra inputs are not permitted"),
        ("work_bits = 16\nwork_max_bits = 12", "sites[0] (id 'mitte').remote_join", "work_max_bits (12) is below"),
    ],
)
def test_bad_values_are_named_precisely(line: str, place: str, words: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_office(OFFICE.format(settings=line), Path("office.toml"))
    (problem,) = caught.value.problems
    assert problem.place == place
    assert words in problem.message


def test_the_example_office_documents_the_section() -> None:
    site = load_office(EXAMPLE).sites[0]
    assert site.remote_join.enabled is False, "shipped switched off"
    assert (site.remote_join.daily_cap, site.remote_join.max_move_backs) == (60, 2)
