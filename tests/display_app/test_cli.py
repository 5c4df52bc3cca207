"""`aufruf display` options."""

from __future__ import annotations

from typer.testing import CliRunner

from display_app.cli import app


def test_help_lists_the_options() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    for option in ("--server", "--site", "--services", "--counters", "--languages", "--viewing-distance", "--windowed"):
        assert option in result.output


def test_bad_language_is_refused_before_qt_starts() -> None:
    result = CliRunner().invoke(app, ["--languages", "xx"])
    assert result.exit_code == 2
    assert "languages" in result.output
