"""The minimum a staff password must meet: long enough and not easily guessed (zxcvbn's estimate)."""

from __future__ import annotations

from zxcvbn import zxcvbn

from server.errors import DomainError

MIN_LENGTH = 10
# zxcvbn's score 3: "safely unguessable", about 10^8 guesses and more.
MIN_SCORE = 3
# zxcvbn refuses longer input (its matching grows fast with length). A passphrase whose first this many
# characters are hard to guess is at least as hard to guess as a whole, so only they are judged.
JUDGED_LENGTH = 72


class WeakPassword(DomainError):
    """A password that the policy refuses, with what to do instead."""

    status_code = 422
    code = "weak_password"


def check_password(password: str, *, username: str, display_name: str = "") -> None:
    """Raise WeakPassword unless the password has MIN_LENGTH characters and is hard to guess."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"A staff password needs at least {MIN_LENGTH} characters; this one has {len(password)}.")
    known = [username, display_name, "aufruf", "buergeramt", "bürgeramt"]
    verdict = zxcvbn(password[:JUDGED_LENGTH], user_inputs=known)
    if verdict["score"] < MIN_SCORE:
        hint = verdict["feedback"].get("warning") or "it is easy to guess"
        raise WeakPassword(
            f"This password is too easy to guess ({hint.rstrip('.')}). Use a few unrelated words or a longer phrase."
        )
