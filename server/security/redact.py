"""A logging filter that keeps secrets out of every log line, access logs included."""

from __future__ import annotations

import logging
import re

# Ticket tokens in paths, tokens in query strings, bearer headers and anything shaped like a JWT.
PATTERNS = (
    (re.compile(r"(/(?:t|tickets|ws/tickets)/)[A-Za-z0-9_\-]{8,}"), r"\1[redacted]"),
    (re.compile(r"((?:^|[?&\s])(?:token|access_token|password)=)[^&\s\"']+", re.IGNORECASE), r"\1[redacted]"),
    (re.compile(r"(bearer\s+)[A-Za-z0-9_\-.~+/=]+", re.IGNORECASE), r"\1[redacted]"),
    (re.compile(r"eyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+"), "[redacted-jwt]"),
)
# Loggers that print request lines or errors and may see a path or header.
LOGGERS = ("uvicorn.access", "uvicorn.error", "uvicorn", "fastapi", "server", "")


def redact(text: str) -> str:
    """The text with every secret replaced."""
    for pattern, replacement in PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactSecrets(logging.Filter):
    """Rewrites a record's message with secrets replaced; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Render the message once, redact it, and keep the record."""
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def install_redaction() -> None:
    """Attach the filter to the loggers and handlers that may see secrets (once per process)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())
        for handler in logger.handlers:
            if not any(isinstance(f, RedactSecrets) for f in handler.filters):
                handler.addFilter(RedactSecrets())
