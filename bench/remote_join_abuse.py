"""Remote-join abuse limits: how many joins a bulk client gets, and that legitimate citizens are never refused.

Run: .venv/bin/python -m bench.remote_join_abuse [--citizens 60] [--bulk 300] [--out results.json]
A real uvicorn on loopback with the demo office's remote joining switched on at its defaults, except the
daily cap, raised so that it (a capacity limit, not an abuse limit) refuses nobody here. Clients
leave from chosen loopback addresses (127.0.0.0/8), so the server sees distinct network addresses:
- citizens: each a phone of its own (its own cookie); 25 share the lobby Wi-Fi address, the rest come from
  addresses of their own; each joins once, a fifth of them twice (two matters);
- bulk "keeps cookie": one script from one address that keeps its cookie;
- bulk "drops cookie": one script from one address that starts every request as a new browser.
Requests are interleaved, as if they all came within the same hour. Work is counted in SHA-256 evaluations
and in seconds, each as a ratio to one citizen's average join (the bare reference of the same run).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx

from server.app import create_app
from server.demo import demo_office
from server.embedded import SignallingServer, free_port, loopback_config
from server.office.schema import OfficeConfig
from server.remote_join.rules import work_done
from server.remote_join.settings import RemoteJoinConfig
from server.settings import Settings

LOBBY_WIFI = "127.0.0.10"
SERVICES = ("anmeldung", "ausweis", "fuehrungszeugnis", "meldebescheinigung", "abholung")


@dataclass
class Party:
    """One kind of client and what it got."""

    name: str
    attempts: int = 0
    accepted: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    hashes: int = 0
    seconds: float = 0.0


def office() -> OfficeConfig:
    """The demo office with remote joining on at its defaults, the daily cap out of the way."""
    base = demo_office()
    site = base.sites[0].model_copy(update={"remote_join": RemoteJoinConfig(enabled=True, daily_cap=1000)})
    return base.model_copy(update={"sites": [site]})


def attempt(client: httpx.Client, url: str, party: Party, service: str) -> None:
    """Fetch a puzzle, solve it, join; count the work and the answer."""
    party.attempts += 1
    started = time.perf_counter()
    puzzle = client.post(f"{url}/api/v1/sites/demo/remote-join/challenge").json()
    nonce = 0
    while not work_done(challenge=puzzle["challenge"], nonce=str(nonce), bits=puzzle["bits"]):
        nonce += 1
    party.hashes += nonce + 1
    answer = client.post(
        f"{url}/api/v1/sites/demo/remote-join/tickets",
        json={"service": service, "challenge": puzzle["challenge"], "nonce": str(nonce)},
    )
    party.seconds += time.perf_counter() - started
    if answer.status_code == 201:
        party.accepted += 1
    else:
        party.refused[answer.json().get("code", str(answer.status_code))] += 1


def run(citizens: int, bulk: int) -> dict[str, object]:
    """The interleaved hour; returns each party's figures."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="aufruf-bench-") as folder:
        settings = Settings(
            demo=True, database_url=f"sqlite:///{Path(folder) / 'aufruf.db'}", public_url=f"http://127.0.0.1:{port}",
            secret_key="bench-secret-key-that-is-long-enough-0123456789",
        )
        app = create_app(settings, office=office())
        server = SignallingServer(loopback_config(app, port))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        server.ready.wait(30)
        url = f"http://127.0.0.1:{port}"
        try:
            legit, keeper, dropper = Party("citizens"), Party("bulk keeps cookie"), Party("bulk drops cookie")
            phones = []
            for index in range(citizens):
                address = LOBBY_WIFI if index < 25 else f"127.0.{1 + index // 200}.{1 + index % 200}"
                phones.append(httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=30))
            plan = [(phone, SERVICES[i % len(SERVICES)]) for i, phone in enumerate(phones)]
            plan += [(phone, SERVICES[(i + 1) % len(SERVICES)]) for i, phone in enumerate(phones) if i % 5 == 0]
            keeper_client = httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.50"), timeout=30)
            dropper_transport = httpx.HTTPTransport(local_address="127.0.0.51")
            for round_ in range(max(bulk, len(plan))):
                if round_ < len(plan):
                    attempt(plan[round_][0], url, legit, plan[round_][1])
                if round_ < bulk:
                    attempt(keeper_client, url, keeper, "anmeldung")
                    with httpx.Client(transport=dropper_transport, timeout=30) as fresh:
                        attempt(fresh, url, dropper, "anmeldung")
            for phone in phones:
                phone.close()
            keeper_client.close()
        finally:
            server.should_exit = True
            thread.join(30)
    reference_hashes = legit.hashes / max(legit.attempts, 1)
    reference_seconds = legit.seconds / max(legit.attempts, 1)
    parties = []
    for party in (legit, keeper, dropper):
        figures = asdict(party)
        figures["refused"] = dict(party.refused)
        figures["refused_total"] = sum(party.refused.values())
        figures["hashes_per_ticket_vs_citizen"] = round(
            party.hashes / max(party.accepted, 1) / max(reference_hashes, 1), 1
        )
        figures["seconds_per_attempt_vs_citizen"] = round(
            party.seconds / max(party.attempts, 1) / max(reference_seconds, 1e-9), 2
        )
        parties.append(figures)
    return {"reference": {"hashes_per_join": round(reference_hashes), "seconds_per_join":
                                        round(reference_seconds, 4)}, "parties": parties}


def main() -> None:
    """Run and print the figures (and write them as JSON when asked)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--citizens", type=int, default=60)
    parser.add_argument("--bulk", type=int, default=300)
    parser.add_argument("--out")
    arguments = parser.parse_args()
    results = run(arguments.citizens, arguments.bulk)
    text = json.dumps(results, indent=2)
    print(text)
    if arguments.out:
        Path(arguments.out).write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
