"""Audio players: a real program fed with WAV on stdin, and numbered WAV files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from display_app.audio.players import ProcessPlayer, WavFilePlayer, clip_seconds, player_for
from hardware.audio import duration, gong, rms


@pytest.mark.skipif(shutil.which("sox") is None, reason="sox is installed by scripts/setup")
def test_process_player_feeds_the_clip_to_the_program(qtbot: QtBot, tmp_path: Path) -> None:
    # sox stands in for the sound device here: same command path, but it writes a file.
    out = tmp_path / "device.wav"
    player = ProcessPlayer(["sox", "-q", "-t", "wav", "-", str(out)])
    finished: list[bool] = []
    player.play(gong(), lambda: finished.append(True))
    qtbot.waitUntil(lambda: finished == [True], timeout=10000)
    assert duration(out.read_bytes()) == pytest.approx(clip_seconds(gong()), abs=0.01)
    assert rms(out.read_bytes()) > 500


def test_process_player_reports_done_when_the_program_is_missing(qtbot: QtBot) -> None:
    player = ProcessPlayer(["/nonexistent/player"])
    finished: list[bool] = []
    player.play(gong(), lambda: finished.append(True))
    qtbot.waitUntil(lambda: finished == [True], timeout=5000)


def test_file_player_takes_as_long_as_the_clip(qtbot: QtBot, tmp_path: Path) -> None:
    player = WavFilePlayer(tmp_path, realtime=True)
    finished: list[bool] = []
    player.play(gong(), lambda: finished.append(True))
    assert finished == [] and player.written[0].read_bytes() == gong()
    qtbot.waitUntil(lambda: finished == [True], timeout=5000)


def test_player_for_spec(tmp_path: Path) -> None:
    assert isinstance(player_for(f"file://{tmp_path}/out"), WavFilePlayer)
    assert isinstance(player_for("cmd:aplay -q -"), ProcessPlayer)
    with pytest.raises(ValueError, match="unknown audio output"):
        player_for("bluetooth")
