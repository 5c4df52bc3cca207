"""Domain errors; each maps to one HTTP status and carries a machine-readable code."""

from __future__ import annotations


class DomainError(Exception):
    """A request the domain refuses, with a message a person can act on."""

    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class NotFound(DomainError):
    """The named thing does not exist (or the caller may not know that it does)."""

    status_code = 404
    code = "not_found"


class Conflict(DomainError):
    """The request clashes with the current state."""

    status_code = 409
    code = "conflict"


class Forbidden(DomainError):
    """The caller is known but may not do this."""

    status_code = 403
    code = "forbidden"


class Unauthorized(DomainError):
    """The caller has not proven who they are."""

    status_code = 401
    code = "unauthorized"


class DatabaseBusy(DomainError):
    """The database cannot take a write now (locked by another process, disk full, read-only); retry later."""

    status_code = 503
    code = "database_busy"

    def __init__(self, cause: str, message: str) -> None:
        super().__init__(message)
        self.cause = cause
