"""A counter's location as citizens read it, in each of the site's languages."""

from __future__ import annotations

import json

from aufruf.wayfinding import describe_all
from server.counters.models import Counter


def counter_location(counter: Counter, languages: list[str]) -> dict[str, str] | None:
    """`{"de": "Raum 110 · 1. OG · …", "en": …}`; the plain `room` text when no location is configured."""
    if counter.location:
        data = json.loads(counter.location)
        texts = describe_all(
            room=data.get("room"), floor=data.get("floor") or {}, directions=data.get("directions") or {},
            languages=languages,
        )
        return texts or None
    if counter.room:
        return {lang: counter.room for lang in languages}
    return None
