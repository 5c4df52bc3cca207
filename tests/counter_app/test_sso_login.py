"""The counter app's login screen with single sign-on: the provider's button (system browser, PKCE, loopback
redirect) and directory users on the password form, against slapd and a real OpenID provider."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import shiboken6
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from client.api import ApiClient
from counter_app.core import CounterCore
from counter_app.memory import Workstation
from counter_app.texts import Texts
from counter_app.window import CounterWindow
from tests.support.live_server import LiveServer
from tests.support.oidc_provider import RunningProvider
from tests.support.sso import directory_url, provider, sso_server  # noqa: F401

pytestmark = pytest.mark.usefixtures("sso_server")


class Browser:
    """Stands in for the system browser: a real HTTP client signs in at the provider and follows the redirect."""

    def __init__(self, op: RunningProvider, username: str, password: str) -> None:
        self.provider, self.username, self.password = op, username, password
        self.opened: list[str] = []
        self.landed: list[httpx.Response] = []

    def __call__(self, url: str) -> bool:
        self.opened.append(url)
        location = self.provider.login(url, username=self.username, password=self.password)
        self.landed.append(httpx.get(location))  # the redirect to the app's loopback listener
        return True


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, sso_server: LiveServer) -> Iterator[CounterWindow]:  # noqa: F811
    """The counter window for site demo, its browser chosen per test through `window.core.open_browser`."""
    path = tmp_path / "workstation.json"
    core = CounterCore(ApiClient(sso_server.url), site="demo", texts=Texts("en"), memory=Workstation.load(path),
                       memory_path=path)
    with qtbot.waitSignal(core.providers_changed, timeout=10_000):
        shown = CounterWindow(core)
    qtbot.addWidget(shown)
    yield shown
    core.shutdown()
    core.api.close()
    shiboken6.delete(shown)


def _wait_for(qtbot: QtBot, core: CounterCore, click: object) -> tuple[str, bool, str]:
    with qtbot.waitSignal(core.finished, timeout=20_000) as blocker:
        click()  # type: ignore[operator]
    return blocker.args[0], blocker.args[1], blocker.args[2]


def test_sign_in_with_the_provider_button(qtbot: QtBot, window: CounterWindow, provider: RunningProvider) -> None:  # noqa: F811
    button = window.login.provider_buttons["stadt"]
    assert button.text() == "Sign in with Stadt-Login"
    window.core.open_browser = browser = Browser(provider, "olga", "Olga-pass-2026")
    with qtbot.waitSignal(window.core.logged_in, timeout=20_000):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert window.login.choice.isEnabled()
    assert window.core.username == "olga"
    # The browser was sent to the provider with the app's own PKCE challenge and a loopback redirect.
    assert browser.opened[0].startswith(provider.issuer + "/authorize?")
    assert "code_challenge_method=S256" in browser.opened[0]
    assert "redirect_uri=http%3A%2F%2F127.0.0.1%3A" in browser.opened[0]
    assert browser.landed[0].status_code == 200 and "close this window" in browser.landed[0].text
    assert [c.id for c in window.core.counters][:1] == ["1"]
    with qtbot.waitSignals([window.core.online_changed, window.core.state_changed], timeout=10_000):
        qtbot.mouseClick(window.login.open_button, Qt.MouseButton.LeftButton)


def test_provider_user_in_no_staff_group_is_told_why(
    qtbot: QtBot, window: CounterWindow, provider: RunningProvider  # noqa: F811
) -> None:
    window.core.open_browser = Browser(provider, "gast", "Gast-pass-2026")
    action, ok, text = _wait_for(qtbot, window.core, window.login.provider_buttons["stadt"].click)
    assert (action, ok) == ("login", False)
    assert text.startswith("Your account is in none of the groups that give a role in Aufruf.")
    assert not window.login.choice.isEnabled()


def test_provider_clerk_of_another_site_cannot_list_this_sites_counters(
    qtbot: QtBot, window: CounterWindow, provider: RunningProvider  # noqa: F811
) -> None:
    window.core.open_browser = Browser(provider, "niko", "Niko-pass-2026")
    action, ok, text = _wait_for(qtbot, window.core, window.login.provider_buttons["stadt"].click)
    assert (action, ok) == ("login", False)
    assert "site 'demo'" in text
    assert not window.login.choice.isEnabled()


def test_directory_user_on_the_password_form(qtbot: QtBot, window: CounterWindow) -> None:
    qtbot.keyClicks(window.login.username, "alice")
    qtbot.keyClicks(window.login.password, "Alice-pass-2025")
    _action, ok, text = _wait_for(qtbot, window.core, window.login.login_button.click)
    assert not ok and text.startswith("Wrong user name or password.")
    window.login.password.clear()
    qtbot.keyClicks(window.login.password, "Alice-pass-2026")
    _action, ok, text = _wait_for(qtbot, window.core, window.login.login_button.click)
    assert ok, text
    assert text == "Logged in as alice." and window.login.choice.isEnabled()
