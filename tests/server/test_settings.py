"""One nested Settings: every AUFRUF_* variable keeps its name and meaning; bad ones are named in the error."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aufruf.cli import app
from server.settings import Settings, SettingsError, load_settings

SECRET = "a-secret-key-for-the-settings-tests-0123456789"
runner = CliRunner()


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the variables a test sets, plus a usable secret."""
    for name in list(os.environ):
        if name.startswith("AUFRUF_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AUFRUF_SECRET_KEY", SECRET)


def test_each_section_reads_its_variables_under_their_old_names(monkeypatch: pytest.MonkeyPatch) -> None:
    values = {
        "AUFRUF_DATABASE_URL": "sqlite:////var/lib/aufruf/aufruf.db",
        "AUFRUF_DATABASE_WRITE_WAIT_SECONDS": "2.5",
        "AUFRUF_BROADCAST_URL": "redis://cache:6379/0",
        "AUFRUF_CLIENT_QUEUE_SIZE": "64",
        "AUFRUF_PUBLIC_URL": "https://aufruf.example.de/",
        "AUFRUF_HTTP_MAX_BODY_KIB": "12",
        "AUFRUF_HTTP_HEADER_SECONDS": "3",
        "AUFRUF_SECURITY_CORS_ORIGINS": "https://intranet.example.de",
        "AUFRUF_SECURITY_LOGIN_FAILURE_LIMIT": "3 per 10 minutes",
        "AUFRUF_STATUS_RATE_LIMIT_STORAGE": "redis://cache:6379/1",
        "AUFRUF_STATUS_PUSH_HOSTS": '["push.example.de"]',
        "AUFRUF_STATUS_POLL_SECONDS": "20",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    settings = load_settings()
    assert settings.database_url == "sqlite:////var/lib/aufruf/aufruf.db"
    assert settings.database_write_wait_seconds == 2.5
    assert settings.broadcast_url == "redis://cache:6379/0"
    assert settings.client_queue_size == 64
    assert settings.public_url == "https://aufruf.example.de"
    assert settings.http.max_body_kib == 12 and settings.http.max_body_bytes == 12 * 1024
    assert settings.http.header_seconds == 3.0
    assert settings.security.origins == ["https://intranet.example.de"]
    assert settings.security.login_failures.amount == 3
    assert settings.status.rate_limit_storage == "redis://cache:6379/1"
    assert settings.status.push_hosts == ("push.example.de",)
    assert settings.status.poll_seconds == 20.0


def test_sections_keep_their_defaults_when_nothing_is_set() -> None:
    settings = load_settings()
    assert settings.http.max_body_kib == 64
    assert settings.security.login_limit == "60/minute"
    assert settings.status.token_limit == "120/minute"


def test_a_misspelt_section_variable_is_refused_by_its_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUFRUF_HTTP_MAX_BODY_KB", "12")
    with pytest.raises(SettingsError) as refused:
        load_settings()
    assert str(refused.value).startswith("AUFRUF_HTTP_MAX_BODY_KB: is not a setting")


def test_malformed_values_name_their_variable_and_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUFRUF_HTTP_BODY_SECONDS", "soon")
    monkeypatch.setenv("AUFRUF_SECURITY_PUBLIC_LIMIT", "lots")
    monkeypatch.setenv("AUFRUF_TOKEN_MINUTES", "1")
    with pytest.raises(SettingsError) as refused:
        load_settings()
    lines = str(refused.value).splitlines()
    assert len(lines) == 3
    assert any(line.startswith("AUFRUF_HTTP_BODY_SECONDS:") and "'soon'" in line for line in lines)
    assert any(line.startswith("AUFRUF_SECURITY_PUBLIC_LIMIT:") and "'lots'" in line for line in lines)
    assert any(line.startswith("AUFRUF_TOKEN_MINUTES:") and "greater than or equal to 5" in line for line in lines)


def test_a_bad_secret_is_named_but_never_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUFRUF_SECRET_KEY", "too-short-but-private")
    with pytest.raises(SettingsError) as refused:
        load_settings()
    assert "AUFRUF_SECRET_KEY" in str(refused.value)
    assert "too-short-but-private" not in str(refused.value)


def test_flags_and_keywords_override_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUFRUF_DATABASE_URL", "sqlite:///from-env.db")
    assert load_settings(database_url="sqlite:///from-flag.db", config_file=None).database_url == (
        "sqlite:///from-flag.db"
    )
    assert Settings(http={"max_body_kib": 8}).http.max_body_kib == 8


def test_aufruf_serve_lists_each_bad_variable_and_exits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUFRUF_STATUS_TOKEN_LIMT", "10/minute")
    monkeypatch.setenv("AUFRUF_HTTP_KEEP_ALIVE_SECONDS", "0")
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 2
    assert "Invalid settings:" in result.output
    assert "AUFRUF_STATUS_TOKEN_LIMT: is not a setting" in result.output
    assert "AUFRUF_HTTP_KEEP_ALIVE_SECONDS:" in result.output


def test_the_deployment_guide_lists_every_setting() -> None:
    guide = (Path(__file__).resolve().parents[2] / "docs" / "deployment.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `(AUFRUF_[A-Z_]+)` \|", guide, flags=re.MULTILINE))
    sections = {"http": Settings.model_fields["http"], "security": Settings.model_fields["security"],
                "status": Settings.model_fields["status"]}
    names = {f"AUFRUF_{name.upper()}" for name in Settings.model_fields if name not in sections}
    for section, field in sections.items():
        assert field.annotation is not None
        names |= {f"AUFRUF_{section.upper()}_{name.upper()}" for name in field.annotation.model_fields}
    assert listed == names
