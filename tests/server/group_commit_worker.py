"""A separate process whose threads draw tickets through group commit, printing each answered number."""

from __future__ import annotations

import sys
import threading

from server.clock import Clock
from server.db import Database
from server.tickets.issuance import IssueRequest, issue

SERVICES = ("anmeldung", "ausweis")


def main(url: str, threads: int) -> None:
    """Draw forever from `threads` threads; a number is printed only once its batch committed."""
    database = Database(url)
    clock = Clock()
    printing = threading.Lock()

    def kiosk(offset: int) -> None:
        index = offset
        while True:
            request = IssueRequest(
                site_id="demo", service_key=SERVICES[index % len(SERVICES)], language="de", clock=clock.now,
                actor="test", public_url="http://aufruf.test",
            )
            number = issue(database, request).view.number
            with printing:
                print(number, flush=True)
            index += 1

    for offset in range(threads):
        threading.Thread(target=kiosk, args=(offset,), daemon=True).start()
    threading.Event().wait()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
