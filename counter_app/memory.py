"""What a workstation remembers between sessions: server, site, user, counter and services."""

from __future__ import annotations

import json
import logging
import secrets
from dataclasses import asdict, dataclass, field
from pathlib import Path

import typer

log = logging.getLogger(__name__)


def default_path() -> Path:
    """The per-user config file, in the platform's usual place (via click's app dir)."""
    return Path(typer.get_app_dir("aufruf")) / "counter.json"


@dataclass
class Workstation:
    """The choices made at this workstation last time."""

    server: str = ""
    site: str = ""
    username: str = ""
    counter: str = ""
    services: list[str] = field(default_factory=list)
    # A random id of this workstation, sent with every request: the same clerk elsewhere must take over.
    workstation: str = ""

    def ensure_id(self) -> str:
        """This workstation's id, made up once."""
        if not self.workstation:
            self.workstation = f"ws-{secrets.token_hex(6)}"
        return self.workstation

    @classmethod
    def load(cls, path: Path) -> Workstation:
        """Read the file; a missing or broken file means starting fresh."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
            return cls(**known)
        except FileNotFoundError:
            return cls()
        except (ValueError, TypeError, AttributeError):
            log.warning("ignoring unreadable workstation file %s", path)
            return cls()

    def save(self, path: Path) -> None:
        """Write the file atomically, so a crash never leaves half of it."""
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".tmp")
        partial.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=2), encoding="utf-8")
        partial.replace(path)
