"""Keeping secrets out of every log line, access logs included, by cleaning each record as it is made."""

from __future__ import annotations

import logging
import re
from typing import Any

# Ticket tokens in paths, tokens in query strings, bearer headers and anything shaped like a JWT.
PATTERNS = (
    (re.compile(r"(/(?:t|tickets|ws/tickets)/)[A-Za-z0-9_\-]{8,}"), r"\1[redacted]"),
    (re.compile(r"((?:^|[?&\s])(?:token|access_token|password)=)[^&\s\"']+", re.IGNORECASE), r"\1[redacted]"),
    (re.compile(r"(bearer\s+)[A-Za-z0-9_\-.~+/=]+", re.IGNORECASE), r"\1[redacted]"),
    (re.compile(r"eyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+"), "[redacted-jwt]"),
)


# Query parameters whose values are never personal or secret (languages, days, periods, switches);
# every other parameter's value is redacted, so a search for a name or an e-mail never reaches a log.
SAFE_QUERY_NAMES = frozenset(
    {"lang", "language", "languages", "date", "period", "goal", "missed", "format", "limit", "since", "v"}
)
QUERY_PAIR = re.compile(r"([?&])([^=&#\s\"']+)=([^&#\s\"']*)")


def _query_value(match: re.Match[str]) -> str:
    separator, name, value = match.groups()
    if name.lower() in SAFE_QUERY_NAMES or value in ("", "[redacted]"):
        return match.group(0)
    return f"{separator}{name}=[redacted]"


def redact(text: str) -> str:
    """The text with every secret replaced, and every query value that might be personal."""
    for pattern, replacement in PATTERNS:
        text = pattern.sub(replacement, text)
    if "=" in text:
        text = QUERY_PAIR.sub(_query_value, text)
    return text


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, int | float | bool) or value is None:
        return value  # numbers stay numbers for %d and %.1f
    # URLs, headers and other objects are logged through str(); swap in the cleaned text only if it differs.
    text = str(value)
    cleaned = redact(text)
    return cleaned if cleaned != text else value


def clean_record(record: logging.LogRecord) -> None:
    """Redact the message and each argument in place; formatters that unpack args keep working."""
    record.msg = _clean(record.msg)
    if isinstance(record.args, tuple):
        record.args = tuple(_clean(arg) for arg in record.args)
    elif isinstance(record.args, dict):
        record.args = {key: _clean(value) for key, value in record.args.items()}


def install_redaction() -> None:
    """Clean every log record of the process when it is created, whatever logger or handler gets it."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "redacts_secrets", False):
        return

    def make_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        clean_record(record)
        return record

    make_record.redacts_secrets = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(make_record)
