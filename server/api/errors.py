"""Turning domain errors into JSON responses with a message and a code."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError, OperationalError, StatementError

from server.errors import DatabaseBusy, DomainError

log = logging.getLogger(__name__)


async def _domain_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, DomainError)
    headers = {"WWW-Authenticate": "Bearer"} if error.status_code == 401 else None
    return JSONResponse({"detail": error.message, "code": error.code}, status_code=error.status_code, headers=headers)


async def _integrity_error(_request: Request, _error: Exception) -> JSONResponse:
    return JSONResponse(
        {"detail": "The request clashed with a simultaneous change; please try again.", "code": "conflict_retry"},
        status_code=409,
    )


# What SQLite (and PostgreSQL) say, mapped to the cause an operator needs to act on.
CAUSES = (
    ("disk full", ("disk is full", "no space left", "disk full")),
    ("read-only", ("readonly", "read-only", "read only")),
    ("locked", ("locked", "busy", "lock timeout", "could not obtain lock")),
)
RETRY_SECONDS = {"locked": 2, "disk full": 30, "read-only": 30, "unavailable": 5}


def busy_cause(error: BaseException) -> str:
    """Why the database refused: locked, disk full, read-only, or unavailable."""
    if isinstance(error, DatabaseBusy):
        return error.cause
    text = str(getattr(error, "orig", None) or error).lower()
    for cause, phrases in CAUSES:
        if any(phrase in text for phrase in phrases):
            return cause
    return "unavailable"


async def _database_busy(request: Request, error: Exception) -> JSONResponse:
    cause = busy_cause(error)
    detail = error.message if isinstance(error, DatabaseBusy) else str(getattr(error, "orig", None) or error)
    # One line an operator can act on: what, why, where; never the request's data.
    log.warning("database busy (%s) on %s %s: %s", cause, request.method, request.url.path, detail[:200])
    seconds = RETRY_SECONDS[cause]
    return JSONResponse(
        {
            "detail": f"The database cannot take this change right now ({cause}); please try again shortly.",
            "code": "database_busy",
            "cause": cause,
        },
        status_code=503,
        headers={"Retry-After": str(seconds)},
    )


def _problem(error: dict[str, Any]) -> dict[str, Any]:
    """One validation problem without the offending input: it may be huge, personal or not serialisable."""
    return {"loc": list(error.get("loc", ())), "msg": str(error.get("msg", "")), "type": str(error.get("type", ""))}


async def _invalid_request(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    return JSONResponse(
        {"detail": [_problem(problem) for problem in error.errors()], "code": "invalid_request"}, status_code=422
    )


async def _out_of_range(_request: Request, _error: Exception) -> JSONResponse:
    # Dates and times at the edge of the calendar (9999-12-31, offsets of a day) overflow date arithmetic.
    return JSONResponse(
        {"detail": "A date, time or number in the request is out of the range this server handles.",
         "code": "out_of_range"},
        status_code=422,
    )


async def _statement_error(request: Request, error: Exception) -> JSONResponse:
    """A value the database driver could not take: out of range is the client's fault, anything else ours."""
    assert isinstance(error, StatementError)
    if isinstance(error.orig, OverflowError):
        return await _out_of_range(request, error)
    raise error


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers on an app."""
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(OverflowError, _out_of_range)
    app.add_exception_handler(StatementError, _statement_error)
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(IntegrityError, _integrity_error)
    app.add_exception_handler(OperationalError, _database_busy)
    app.add_exception_handler(DatabaseBusy, _database_busy)
