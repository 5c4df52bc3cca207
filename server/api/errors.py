"""Turning domain errors into JSON responses with a message and a code."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError, OperationalError

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


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers on an app."""
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(IntegrityError, _integrity_error)
    app.add_exception_handler(OperationalError, _database_busy)
