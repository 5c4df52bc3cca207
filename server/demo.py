"""The demo office: the example Bürgeramt with well-known identities, for trying Aufruf out."""

from __future__ import annotations

from pathlib import Path

from server.auth.passwords import hash_password
from server.auth.tokens import hash_device_token
from server.office.loading import load_office
from server.office.schema import ClerkConfig, DeviceConfig, OfficeConfig

EXAMPLE_OFFICE = Path(__file__).resolve().parent.parent / "examples" / "buergeramt.toml"
DEMO_SITE = "demo"
DEMO_KIOSK_TOKEN = "demo-kiosk"
DEMO_DISPLAY_TOKEN = "demo-display"
DEMO_PASSWORD = "demo"
DEMO_USERS = (
    ("clerk1", "clerk", "Clerk One"),
    ("clerk2", "clerk", "Clerk Two"),
    ("super1", "supervisor", "Supervisor"),
)
DEMO_TOKEN_HASHES = frozenset(hash_device_token(t) for t in (DEMO_KIOSK_TOKEN, DEMO_DISPLAY_TOKEN))


def demo_office(example: Path = EXAMPLE_OFFICE) -> OfficeConfig:
    """The example office renamed to site 'demo', always open, with demo devices and users."""
    office = load_office(example)
    site = office.sites[0].model_copy(
        update={
            "id": DEMO_SITE,
            "always_open": True,
            "devices": [
                DeviceConfig(id="demo-kiosk", kind="kiosk", token_sha256=hash_device_token(DEMO_KIOSK_TOKEN)),
                DeviceConfig(id="demo-display", kind="display", token_sha256=hash_device_token(DEMO_DISPLAY_TOKEN)),
            ],
        }
    )
    password_hash = hash_password(DEMO_PASSWORD)
    clerks = [
        ClerkConfig(username=name, role=role, display_name=label, password_hash=password_hash)  # type: ignore[arg-type]
        for name, role, label in DEMO_USERS
    ]
    return OfficeConfig(sites=[site], clerks=clerks)


def uses_demo_identities(office: OfficeConfig) -> bool:
    """Tell whether a configuration carries the public demo tokens."""
    return any(d.token_sha256 in DEMO_TOKEN_HASHES for s in office.sites for d in s.devices)
