"""Turning domain errors into JSON responses with a message and a code."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError, OperationalError, StatementError

from server.errors import DomainError


async def _domain_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, DomainError)
    headers = {"WWW-Authenticate": "Bearer"} if error.status_code == 401 else None
    return JSONResponse({"detail": error.message, "code": error.code}, status_code=error.status_code, headers=headers)


async def _integrity_error(_request: Request, _error: Exception) -> JSONResponse:
    return JSONResponse(
        {"detail": "The request clashed with a simultaneous change; please try again.", "code": "conflict_retry"},
        status_code=409,
    )


async def _database_busy(_request: Request, _error: Exception) -> JSONResponse:
    return JSONResponse(
        {"detail": "The server is busy; please try again in a moment.", "code": "busy"},
        status_code=503,
        headers={"Retry-After": "1"},
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
