"""A call's clips (gong, then speech), rendered by the hardware layer: alone in full, queued-up calls short."""

from __future__ import annotations

from collections.abc import Sequence

from display_app.core.announcements import Announcement, Rendered
from display_app.core.state import Call
from hardware.audio import Announcer, duration, gong, languages_for_call

# A call alone gets the full gong before its words; one with less time left than this gets the short form.
FULL_FORM_SECONDS = 1.5


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

    def prepare(self, counters: Sequence[str]) -> None:
        """Render the counters' short form ("Schalter 3") ahead, so a burst of calls waits only for its numbers."""
        self.announcer.prepare_counters(counters, self.catch_up_language)

    def __call__(self, announcement: Announcement) -> Rendered:
        """One call: gong, then each of its languages (the first one always plays). Several: one short clip.

        `announcement.within` holds the seconds each call has left to be spoken in time; the short form fits them.
        """
        calls, within = announcement.calls, announcement.within
        if len(calls) == 1 and announcement.chime and (not within or within[0] >= FULL_FORM_SECONDS):
            call = calls[0]
            clips = self.announcer.pieces(call.number, call.counter, self.languages_for(call), recall=call.recall)
            lead = 1 if self.announcer.with_gong and len(clips) > 1 else 0
            return Rendered(clips, essential=min(2, len(clips)), starts=(duration(gong()) * lead,), lead=lead)
        spoken = self.announcer.catch_up(
            [(c.number, c.counter) for c in calls],
            self.catch_up_language,
            list(within) if within else None,
            with_chime=announcement.chime,
        )
        return Rendered([spoken.wav], essential=1, starts=spoken.starts)
