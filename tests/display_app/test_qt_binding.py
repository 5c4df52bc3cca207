"""The Qt binding keeps Python's books: a display updates its labels for days without aborting."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot


def test_calls_that_return_nothing_do_not_drop_references_to_none(qtbot: QtBot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for second in range(20_000):  # a clock label's updates over five and a half hours
        label.setText(f"{second % 60:02d}")
    # PySide6 6.12.0 on Python 3.11 lost one reference per call and aborted with "none_dealloc".
    assert sys.getrefcount(None) >= before - 100
