"""The ticket state machine: every legal move, and a precise error for every illegal one."""

from __future__ import annotations

import itertools

import pytest

from server.tickets.lifecycle import (
    TERMINAL,
    TRANSITIONS,
    IllegalTransition,
    TicketAction,
    TicketStatus,
    next_status,
)

LEGAL = [(status, action, target) for status, moves in TRANSITIONS.items() for action, target in moves.items()]
ILLEGAL = [
    (status, action)
    for status, action in itertools.product(TicketStatus, TicketAction)
    if action not in TRANSITIONS[status]
]


@pytest.mark.parametrize(("status", "action", "target"), LEGAL)
def test_legal_moves(status: TicketStatus, action: TicketAction, target: TicketStatus) -> None:
    assert next_status("A001", status, action) is target


@pytest.mark.parametrize(("status", "action"), ILLEGAL)
def test_illegal_moves_raise_a_precise_error(status: TicketStatus, action: TicketAction) -> None:
    with pytest.raises(IllegalTransition) as caught:
        next_status("A017", status.value, action)
    message = caught.value.message
    assert "A017" in message
    assert status.value in message
    assert action.value in message
    assert caught.value.status_code == 409


def test_the_main_path_and_terminal_states() -> None:
    status = TicketStatus.waiting
    for action in (TicketAction.call, TicketAction.recall, TicketAction.start, TicketAction.finish):
        status = next_status("A001", status, action)
    assert status is TicketStatus.done
    assert {TicketStatus.done, TicketStatus.cancelled, TicketStatus.expired} == TERMINAL
    assert len(ILLEGAL) > 30


OPEN = [TicketStatus.waiting, TicketStatus.called, TicketStatus.serving, TicketStatus.parked]


@pytest.mark.parametrize("status", OPEN)
def test_every_open_ticket_can_expire_and_then_nothing_more(status: TicketStatus) -> None:
    expired = next_status("A001", status, TicketAction.expire)
    assert expired is TicketStatus.expired
    for action in TicketAction:
        with pytest.raises(IllegalTransition):
            next_status("A001", expired, action)


@pytest.mark.parametrize("status", [TicketStatus.done, TicketStatus.cancelled, TicketStatus.no_show])
def test_finished_tickets_do_not_expire(status: TicketStatus) -> None:
    with pytest.raises(IllegalTransition):
        next_status("A001", status, TicketAction.expire)


def test_undoing_a_call_back_restores_parked_or_no_show() -> None:
    assert next_status("A001", TicketStatus.called, TicketAction.unpark) is TicketStatus.parked
    assert next_status("A001", TicketStatus.called, TicketAction.unmark) is TicketStatus.no_show
