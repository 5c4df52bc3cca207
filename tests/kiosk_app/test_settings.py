"""Settings from a TOML file, the environment and flags; the command line's errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from aufruf.cli import app as aufruf_app
from kiosk_app.cli import app
from kiosk_app.settings import ConfigFileError, load_settings


def test_flags_win_over_environment_over_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text(
        '[kiosk]\nserver = "http://10.0.0.2:8000/"\ntoken = "file-token"\nsite = "mitte"\n'
        'printer = "tcp://10.0.0.5"\nlanguages = ["en", "ar", "de"]\nlarge-text = true\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("AUFRUF_KIOSK_TOKEN", "env-token")
    monkeypatch.setenv("AUFRUF_KIOSK_SITE", "env-site")
    settings = load_settings(config, site="flag-site", printer=None)
    assert settings.server == "http://10.0.0.2:8000"
    assert settings.token == "env-token" and settings.site == "flag-site"
    assert settings.printer == "tcp://10.0.0.5" and settings.large_text
    assert settings.languages == ["de", "en", "ar"]  # German always first
    assert load_settings(config, languages="tr, uk").languages == ["de", "tr", "uk"]


def test_bad_config_is_refused_clearly(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("server = ", encoding="utf-8")
    with pytest.raises(ConfigFileError, match="not valid TOML"):
        load_settings(broken)
    with pytest.raises(ConfigFileError, match="cannot read"):
        load_settings(tmp_path / "missing.toml")
    result = CliRunner().invoke(app, ["--server", "ftp://x", "--token", "t", "--site", "demo"])
    assert result.exit_code == 2
    assert "server" in result.output and "http://" in result.output


def test_aufruf_kiosk_delegates_to_the_kiosk_command() -> None:
    result = CliRunner().invoke(aufruf_app, ["kiosk", "--help"])
    assert result.exit_code == 0
    for flag in ("--server", "--token", "--site", "--printer", "--scanner", "--languages", "--windowed", "--config"):
        assert flag in result.output
