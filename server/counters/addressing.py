"""Finding a counter by the id staff know: unique per site, and across sites only where nobody else uses it."""

from __future__ import annotations

import hashlib

from sqlmodel import Session, col, select

from server.counters.models import Counter
from server.errors import Conflict, NotFound

SEPARATOR = ":"  # never part of a configured id (a slug), so "site:key" cannot clash with a real key
ID_LENGTH = 40  # the column's width, which tickets and events share


def counter_by_key(*, session: Session, site_id: str, key: str) -> Counter | None:
    """The counter a site calls `key`, or None."""
    return session.exec(select(Counter).where(Counter.site_id == site_id, Counter.key == key)).first()


def new_counter_id(*, session: Session, site_id: str, key: str) -> str:
    """The installation-wide id of a new counter: its key while that is free, else "site:key" (≤ 40 characters)."""
    # Existing single-site installations keep ids equal to their keys, so their paths never change.
    if session.get(Counter, key) is None:
        return key
    combined = f"{site_id}{SEPARATOR}{key}"
    if len(combined) <= ID_LENGTH:
        return combined
    return f"{site_id[:20]}{SEPARATOR}{hashlib.sha256(combined.encode()).hexdigest()[:ID_LENGTH - 21]}"


def site_counter(*, session: Session, site_id: str, key: str) -> Counter:
    """A site's counter by its key (or its installation-wide id), or NotFound."""
    counter = counter_by_key(session=session, site_id=site_id, key=key)
    if counter is None:
        found = session.get(Counter, key)
        counter = found if found is not None and found.site_id == site_id else None
    if counter is None:
        raise NotFound(f"Site '{site_id}' has no counter '{key}'.", code="unknown_counter")
    return counter


def counter_anywhere(*, session: Session, ref: str, sites: frozenset[str] | None) -> Counter:
    """A counter by installation-wide id or by key; a key several sites use must be narrowed by `sites`.

    `sites` are the sites the caller may work at (None: every site). The answer is never a counter
    outside them, so a clerk cannot even learn that another site has a counter of that name.
    """
    exact = session.get(Counter, ref)
    if exact is not None and (sites is None or exact.site_id in sites):
        return exact
    same_key = session.exec(select(Counter).where(Counter.key == ref).order_by(col(Counter.site_id))).all()
    mine = [c for c in same_key if sites is None or c.site_id in sites]
    if len(mine) == 1:
        return mine[0]
    if not mine:
        raise NotFound(f"There is no counter '{ref}'.", code="unknown_counter")
    names = ", ".join(f"/sites/{c.site_id}/counters/{c.key}" for c in mine)
    raise Conflict(
        f"Counter '{ref}' exists at several of your sites; address it with its site: {names}.",
        code="ambiguous_counter",
    )
