"""Reading an office file and explaining every error with its place and a hint."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from server.office.schema import OfficeConfig

Model = TypeVar("Model", bound=BaseModel)

HINTS: dict[str, str] = {
    "prefix": 'one to three capital letters, unique per site, e.g. "A"',
    "id": "lower-case letters, digits, '-' or '_', e.g. \"anmeldung\"",
    "timezone": 'an IANA zone such as "Europe/Berlin"',
    "names": 'a table with at least de and en, e.g. { de = "Anmeldung", en = "Registration" }',
    "opening_hours": 'per weekday a list of ["HH:MM", "HH:MM"] periods, e.g. mon = [["08:00", "12:00"]]',
    "services": "a list of service ids defined in this site's [[sites.services]]",
    "token_sha256": "64 hex digits: the SHA-256 of the device token (`aufruf device add` prints both)",
    "password_hash": "an Argon2 hash made with `aufruf user hash`",
    "check_in": '"kiosk" (scan or type the code at the kiosk before the call) or "none" (call me when near)',
    "capacity_share": "a share of each service's day capacity between 0 and 1, e.g. 0.3",
    "issuer": 'the provider\'s issuer URL, e.g. "https://sso.stadt.example/realms/stadt" (see docs/sso.md)',
    "groups_claim": 'the ID token claim with the groups, e.g. "groups" or "realm_access.roles"',
    "group": "a group DN (LDAP memberOf), a group or role name, or an Entra group object ID",
    "branding": "logo = a .png or .svg file beside the office file; text and background as #rrggbb, 7:1 apart",
}


@dataclass(frozen=True)
class ConfigProblem:
    """One error: where in the file, what is wrong, and how to fix it."""

    place: str
    message: str
    hint: str | None

    def __str__(self) -> str:
        hint = f"\n    hint: {self.hint}" if self.hint else ""
        return f"{self.place}: {self.message}{hint}"


class ConfigError(Exception):
    """The office file cannot be used; carries every problem found."""

    def __init__(self, path: Path, problems: list[ConfigProblem]) -> None:
        super().__init__(f"{path}: {len(problems)} problem(s)")
        self.path = path
        self.problems = problems

    def report(self) -> str:
        """All problems, one paragraph each."""
        return "\n".join([f"{self.path}: {len(self.problems)} problem(s)", *map(str, self.problems)])


def _place(raw: dict[str, Any], location: tuple[int | str, ...]) -> str:
    """Render a pydantic location as a TOML path, naming ids where they help find the table."""
    parts: list[str] = []
    node: Any = raw
    for step in location:
        if isinstance(step, int):
            label = f"[{step}]"
            if isinstance(node, list) and step < len(node) and isinstance(node[step], dict):
                ident = node[step].get("id") or node[step].get("username")
                if ident:
                    label = f"[{step}] (id {ident!r})"
            if parts:
                parts[-1] += label
            else:
                parts.append(label)
        else:
            parts.append(str(step))
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            node = None
    return ".".join(parts) or "(top level)"


def parse_toml_model(text: str, path: Path, model: type[Model], hints: dict[str, str]) -> Model:
    """Validate TOML text as `model`, every problem with its place in the file and a hint."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(path, [ConfigProblem("syntax", str(error), "check quotes, brackets and commas")]) from None
    try:
        # Files the office file names (a site's logo) are found beside it.
        return model.model_validate(raw, context={"base_dir": path.parent})
    except ValidationError as error:
        problems = []
        for item in error.errors():
            location = tuple(step for step in item["loc"] if not str(step).startswith("function-"))
            field = next((str(s) for s in reversed(location) if isinstance(s, str)), "")
            message = item["msg"].removeprefix("Value error, ")
            problems.append(ConfigProblem(_place(raw, location), message, hints.get(field)))
        raise ConfigError(path, problems) from None


def parse_office(text: str, path: Path) -> OfficeConfig:
    """Validate TOML text as an office configuration."""
    return parse_toml_model(text, path, OfficeConfig, HINTS)


def load_office(path: Path) -> OfficeConfig:
    """Read and validate an office file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(path, [ConfigProblem("file", error.strerror or str(error), None)]) from None
    return parse_office(text, path)
