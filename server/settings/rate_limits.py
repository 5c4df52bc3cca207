"""Checks shared by every setting that configures a rate limit."""

from __future__ import annotations

from limits import parse


def valid_rate_limit(value: str) -> str:
    """Accept a limit such as '60/minute' or raise a ValueError that says how to write one."""
    try:
        parse(value)
    except ValueError as error:
        raise ValueError(f"not a rate limit such as '60/minute': {value!r}") from error
    return value


def valid_limit_storage(value: str) -> str:
    """Accept memory:// or a Redis URL for the limiters' counters."""
    if not value.startswith(("memory://", "redis://", "rediss://")):
        raise ValueError("rate_limit_storage must be memory:// or redis://host:port/db")
    return value
