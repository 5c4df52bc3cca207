"""The ticket lifecycle as an explicit state machine."""

from __future__ import annotations

from enum import StrEnum

from server.errors import Conflict


class TicketStatus(StrEnum):
    """Where a ticket stands."""

    waiting = "waiting"
    called = "called"
    serving = "serving"
    done = "done"
    no_show = "no_show"
    cancelled = "cancelled"
    parked = "parked"
    # The day closed before the citizen was served; final, with a reason in the event log.
    expired = "expired"


class TicketAction(StrEnum):
    """Everything that can happen to a ticket."""

    call = "call"
    recall = "recall"
    start = "start"
    finish = "finish"
    no_show = "no_show"
    park = "park"
    transfer = "transfer"
    cancel = "cancel"
    requeue = "requeue"
    expire = "expire"
    # Undoing a call of a parked or no-show ticket puts it back where it was.
    unpark = "unpark"
    unmark = "unmark"


S, A = TicketStatus, TicketAction

TRANSITIONS: dict[TicketStatus, dict[TicketAction, TicketStatus]] = {
    S.waiting: {A.call: S.called, A.cancel: S.cancelled, A.transfer: S.waiting, A.expire: S.expired},
    S.called: {
        A.recall: S.called,
        A.start: S.serving,
        A.finish: S.done,
        A.no_show: S.no_show,
        A.park: S.parked,
        A.transfer: S.waiting,
        A.cancel: S.cancelled,
        A.requeue: S.waiting,
        A.unpark: S.parked,
        A.unmark: S.no_show,
        A.expire: S.expired,
    },
    S.serving: {A.finish: S.done, A.park: S.parked, A.transfer: S.waiting, A.expire: S.expired},
    S.parked: {A.call: S.called, A.cancel: S.cancelled, A.requeue: S.waiting, A.expire: S.expired},
    # A citizen who turns up late after a no-show can still be called by number.
    S.no_show: {A.call: S.called},
    S.done: {},
    S.cancelled: {},
    S.expired: {},
}

TERMINAL: frozenset[TicketStatus] = frozenset(s for s, moves in TRANSITIONS.items() if not moves)
ACTIVE_AT_COUNTER: frozenset[TicketStatus] = frozenset({S.called, S.serving})


class IllegalTransition(Conflict):
    """An action that the ticket's current status does not allow."""

    code = "illegal_transition"

    def __init__(self, number: str, status: TicketStatus, action: TicketAction) -> None:
        allowed = ", ".join(sorted(TRANSITIONS[status])) or "nothing (it is closed)"
        super().__init__(
            f"Ticket {number} is {status.value}; '{action.value}' is not possible. Possible now: {allowed}."
        )
        self.status = status
        self.action = action


def next_status(number: str, status: TicketStatus | str, action: TicketAction) -> TicketStatus:
    """Return the status an action leads to, or raise IllegalTransition."""
    current = TicketStatus(status)
    try:
        return TRANSITIONS[current][action]
    except KeyError:
        raise IllegalTransition(number, current, action) from None
