"""Property-based runs over the OpenAPI schema against a real server: no 5xx, and answers as the schema says."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import Case
from schemathesis.core.failures import FailureGroup

from server.demo import DEMO_KIOSK_TOKEN
from tests.security.conftest import ADMIN_PASSWORD, add_admin
from tests.support.live_server import LiveServer, run_live_server

EXAMPLES = int(os.environ.get("AUFRUF_FUZZ_EXAMPLES", "20"))
# Kiosk endpoints take the kiosk's device token; everything else is tried as an administrator.
KIOSK_PATHS = ("/sites/{site}/tickets", "/sites/{site}/check-in", "/sites/{site}/devices/status")
# Real names, so generated requests also reach the code behind the 404 for unknown ones.
KNOWN = {"site": "demo", "counter": "1", "device_id": "demo-display", "username": "clerk2"}
# Each walk sends EXAMPLES cases to every operation of the schema, so its length grows with the API,
# not with a fault: it gets a limit of its own instead of the suite's 120 s per test.
pytestmark = pytest.mark.timeout(600)


@pytest.fixture
def fuzz_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveServer]:
    """The demo server with budgets high enough that fuzzing reaches the handlers."""
    for name in (
        "AUFRUF_SECURITY_PUBLIC_LIMIT", "AUFRUF_SECURITY_LOGIN_LIMIT",
        "AUFRUF_STATUS_RATE_LIMIT", "AUFRUF_STATUS_TOKEN_LIMIT",
    ):
        monkeypatch.setenv(name, "100000/minute")
    monkeypatch.setenv("AUFRUF_STATUS_MISS_LIMIT", "100000/minute")
    with run_live_server(tmp_path) as server:
        add_admin(server)
        yield server


def test_no_request_causes_a_server_error(fuzz_server: LiveServer) -> None:
    schema = schemathesis.openapi.from_url(f"{fuzz_server.url}/openapi.json")
    admin = fuzz_server.clerk_headers("admin1", ADMIN_PASSWORD)
    kiosk = {"Authorization": f"Bearer {DEMO_KIOSK_TOKEN}"}
    failures: list[str] = []

    def call(case: Case) -> None:
        headers = kiosk if case.operation.path in KIOSK_PATHS else admin
        response = case.call(base_url=fuzz_server.url, headers=headers)
        if response.status_code >= 500:
            failures.append(f"{case.operation.label} -> {response.status_code}\n{case.as_curl_command()}")

    operations = walk(schema, call)
    assert operations >= 30  # the whole API was walked, not an empty schema
    assert not failures, "\n\n".join(dict.fromkeys(failures))


# Requests the schema cannot tell apart from good ones: a file's content, a table that exists per day only,
# a password that is long enough but easy to guess, and a join without its cookie or solved puzzle.
# Each is refused with its own code, and only these may be refused although the schema allows them.
SEMANTIC_REFUSALS = {
    ("POST /api/v1/sites/{site}/appointments/import", "bad_import_file"),
    ("GET /api/v1/sites/{site}/stats/export.csv", "staffing_needs_day"),
    ("GET /api/v1/sites/{site}/stats/export.xlsx", "staffing_needs_day"),
    # The schema holds the minimum length; how guessable a password is (zxcvbn) no schema can describe.
    ("POST /api/v1/admin/users", "weak_password"),
    ("PATCH /api/v1/admin/users/{username}", "weak_password"),
    # A join needs the browser's device cookie and a solved puzzle, which no schema can describe.
    ("POST /api/v1/sites/{site}/remote-join/tickets", "device_missing"),
    ("POST /api/v1/sites/{site}/remote-join/tickets", "work_invalid"),
    ("POST /api/v1/sites/{site}/remote-join/tickets", "work_missing"),
}


def _code(response: object) -> str | None:
    try:
        return str(response.json().get("code"))  # type: ignore[attr-defined]
    except (ValueError, AttributeError):
        return None


def test_answers_agree_with_the_schema(fuzz_server: LiveServer) -> None:
    """Every check schemathesis has: status codes, content types, bodies and headers as the schema says."""
    schema = schemathesis.openapi.from_url(f"{fuzz_server.url}/openapi.json")
    admin = fuzz_server.clerk_headers("admin1", ADMIN_PASSWORD)
    kiosk = {"Authorization": f"Bearer {DEMO_KIOSK_TOKEN}"}
    mismatches: dict[tuple[str, str, str], str] = {}

    def call(case: Case) -> None:
        headers = kiosk if case.operation.path in KIOSK_PATHS else admin
        response = case.call(base_url=fuzz_server.url, headers=headers)
        try:
            case.validate_response(response)
        except FailureGroup as group:
            for failure in group.exceptions:
                kind = type(failure).__name__
                if kind == "RejectedPositiveData" and (case.operation.label, _code(response)) in SEMANTIC_REFUSALS:
                    continue
                key = (case.operation.label, kind, str(response.status_code))
                mismatches.setdefault(key, f"{failure}\n{case.as_curl_command()}"[:1500])

    walk(schema, call)
    assert not mismatches, f"{len(mismatches)} mismatches:\n\n" + "\n\n".join(
        f"{key}: {text}" for key, text in sorted(mismatches.items())
    )


def walk(schema: Any, call: Callable[[Case], None]) -> int:
    """Send generated cases for every operation (again with known path values); the number of operations."""
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()  # an invalid schema fails loudly here
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
            phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
        )
        def run(case: Case) -> None:
            call(case)
            known = {k: v for k, v in KNOWN.items() if k in (case.path_parameters or {})}
            if known:
                case.path_parameters = {**(case.path_parameters or {}), **known}
                call(case)

        run()
    return operations
