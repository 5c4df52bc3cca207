"""A call's clips (gong, then speech), rendered by the hardware layer: alone in full, queued-up calls short."""

from __future__ import annotations

from collections.abc import Sequence

from display_app.core.announcements import Rendered
from display_app.core.state import Call
from hardware.audio import Announcer, languages_for_call


class ClipRenderer:
    """Turns calls into WAV clips; slow (espeak-ng), so it runs off the GUI thread."""

    def __init__(
        self,
        languages: Sequence[str] | None = None,
        announcer: Announcer | None = None,
        *,
        catch_up_language: str = "de",
    ) -> None:
        # No languages: German plus each ticket's own language; otherwise always these.
        self.languages = list(languages or [])
        self.catch_up_language = catch_up_language
        self.announcer = announcer or Announcer(self.languages or ["de"])

    def languages_for(self, call: Call) -> tuple[str, ...]:
        """The languages one call is spoken in."""
        return languages_for_call(self.languages, call.language)

    def __call__(self, calls: Sequence[Call]) -> Rendered:
        """One call: gong, then each of its languages (the first one always plays). Several: short form."""
        if len(calls) == 1:
            call = calls[0]
            clips = self.announcer.pieces(call.number, call.counter, self.languages_for(call), recall=call.recall)
            return Rendered(clips, essential=min(2, len(clips)))
        clips = self.announcer.catch_up_pieces([(c.number, c.counter) for c in calls], self.catch_up_language)
        return Rendered(clips, essential=len(clips))
