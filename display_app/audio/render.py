"""A call's clips (gong, then speech in each language), rendered by the hardware layer."""

from __future__ import annotations

from collections.abc import Sequence

from display_app.core.state import Call
from hardware.audio import Announcer


class ClipRenderer:
    """Turns a call into its WAV clips; slow (espeak-ng), so it runs off the GUI thread."""

    def __init__(self, languages: Sequence[str], announcer: Announcer | None = None) -> None:
        self.languages = list(languages)
        self.announcer = announcer or Announcer(self.languages)

    def __call__(self, call: Call) -> list[bytes]:
        """Gong plus one clip per language that could be spoken."""
        return self.announcer.pieces(call.number, call.counter, self.languages)
