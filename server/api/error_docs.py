"""The error answers every operation can give, written into the published OpenAPI schema.

Routes document their success answers; the answers of the layers around them (input checks, rate
limits, authentication, a busy database) are the same everywhere and are added here once, so that
clients and schema-driven tests see every status code the server really sends.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

ERROR_SCHEMA: dict[str, Any] = {
    "title": "ErrorOut",
    "type": "object",
    "required": ["detail"],
    "properties": {
        "detail": {
            "description": "What went wrong, for a person; a list of problems for invalid requests",
            "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "object"}}],
        },
        "code": {"type": "string", "description": "Machine-readable reason, e.g. unknown_ticket, rate_limited"},
        "cause": {"type": "string", "description": "For database_busy: locked, disk full, read-only, unavailable"},
    },
}
ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}
# Status -> when it is sent; every operation may answer each of these.
ERRORS = {
    "400": "Malformed body: not JSON, not UTF-8, NaN/Infinity, numbers beyond 64 bits, or a rule of the domain",
    "401": "Missing or invalid credentials",
    "403": "The caller may not do this",
    "404": "No such site, counter, ticket or other resource",
    "408": "The request body arrived too slowly",
    "409": "The request clashes with the current state",
    "413": "The request body is larger than the limit",
    "422": "A field is missing, of the wrong type or out of range",
    "429": "Too many requests; see Retry-After",
    "503": "The database cannot take this change now; see Retry-After",
}


INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


JSON_VALUE_REF = {"$ref": "#/components/schemas/JsonValue"}
# Any JSON the input guard lets through: what unknown extra fields of a request body may hold.
JSON_VALUE: dict[str, Any] = {
    "title": "JsonValue",
    "anyOf": [
        {"type": "string"}, {"type": "boolean"}, {"type": "null"},
        {"type": "number", "minimum": INT64_MIN, "maximum": INT64_MAX},
        {"type": "array", "items": JSON_VALUE_REF},
        {"type": "object", "additionalProperties": JSON_VALUE_REF},
    ],
}


def _bound_numbers(node: Any) -> None:
    """Every number in the schema is bounded to 64 bits and every object's extra fields to guarded JSON."""
    if isinstance(node, dict):
        if node.get("type") in ("integer", "number"):
            node.setdefault("minimum", INT64_MIN)
            node.setdefault("maximum", INT64_MAX)
        if node.get("type") == "object" and "properties" in node:
            node.setdefault("additionalProperties", JSON_VALUE_REF)
        for value in node.values():
            _bound_numbers(value)
    elif isinstance(node, list):
        for value in node:
            _bound_numbers(value)


def _document_errors(schema: dict[str, Any]) -> None:
    schema.setdefault("components", {}).setdefault("schemas", {})["ErrorOut"] = ERROR_SCHEMA
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERRORS.items():
                # Our answers replace FastAPI's default validation-error shape as well.
                responses[status] = {
                    "description": description,
                    "content": {"application/json": {"schema": ERROR_REF}},
                }
    _bound_numbers(schema)
    schema["components"]["schemas"]["JsonValue"] = JSON_VALUE
    schema["components"]["schemas"].pop("HTTPValidationError", None)
    schema["components"]["schemas"].pop("ValidationError", None)


def install_error_docs(app: FastAPI) -> None:
    """Make `app.openapi()` publish the shared error answers of every operation."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            _document_errors(build())
        assert app.openapi_schema is not None
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
