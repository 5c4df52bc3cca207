"""The call rule on its own (`call_order`): line heads in, the order a counter may call them out."""

from __future__ import annotations

from collections.abc import Callable

from server.tickets.routing import LineHead, call_order


def head(
    name: str, waited: float, target: int, rank: int, *, express: bool = False, elsewhere: bool = True,
    ahead: float = 0.0, appointment: bool = False,
) -> LineHead[str]:
    """A line head named for the assertions."""
    return LineHead(
        item=name, waited_minutes=waited, target_minutes=target, rank=rank, express=express,
        elsewhere=elsewhere, express_ahead_minutes=ahead, appointment=appointment,
    )


def names(heads: list[LineHead[str]]) -> list[str]:
    """The heads' names, in order."""
    return [h.item for h in heads]


def test_an_ordinary_counter_takes_a_quick_matter_first_when_the_express_counter_cannot_reach_it_in_time() -> None:
    registration = head("A", waited=60, target=30, rank=0)  # twice its target
    # 5 of 10 minutes waited, 4 minutes of quick work before it at the express counter: 9 of 10 when reached.
    collection = head("D", waited=5, target=10, rank=2, express=True, ahead=4)
    assert names(call_order([registration, collection], express_counter=False)) == ["D", "A"]


def test_an_ordinary_counter_leaves_a_quick_matter_to_the_express_counter_while_it_can_still_make_it() -> None:
    registration = head("A", waited=60, target=30, rank=0)
    collection = head("D", waited=5, target=10, rank=2, express=True, ahead=1)  # 6 of 10 when reached
    assert names(call_order([registration, collection], express_counter=False)) == ["A", "D"]


def test_the_express_counter_keeps_to_quick_matters_while_one_waits() -> None:
    # A registration three times past its target, which ordinary counters also serve, waits for them.
    registration = head("A", waited=90, target=30, rank=3)
    certificate = head("F", waited=0, target=10, rank=0, express=True)
    assert names(call_order([registration, certificate], express_counter=True)) == ["F"]


def test_a_line_only_the_express_counter_serves_competes_once_past_its_share() -> None:
    certificate = head("F", waited=2, target=10, rank=0, express=True)
    young = head("S", waited=20, target=30, rank=1, elsewhere=False)  # 67 %: below the share
    assert names(call_order([certificate, young], express_counter=True, takes_others_at=0.8)) == ["F"]
    old = head("S", waited=27, target=30, rank=1, elsewhere=False)  # 90 %: (1 + 0.9) beats (1 + 0.2)
    assert names(call_order([certificate, old], express_counter=True, takes_others_at=0.8)) == ["S", "F"]


def test_without_quick_matters_waiting_the_express_counter_takes_an_old_one_whatever_is_due() -> None:
    asked: list[str] = []

    def due(line: LineHead[str]) -> bool:
        asked.append(line.item)
        return True

    old = head("A", waited=25, target=30, rank=3)  # 83 % of its target
    assert names(call_order([old], express_counter=True, takes_others_at=0.8, quick_due=due)) == ["A"]
    assert asked == []


def test_a_young_matter_waits_only_while_a_quick_citizen_is_due() -> None:
    registration = head("A", waited=3, target=30, rank=3)
    passport = head("P", waited=1, target=30, rank=4)
    asked: list[str] = []

    def due(answer: bool) -> Callable[[LineHead[str]], bool]:
        def ask(line: LineHead[str]) -> bool:
            asked.append(line.item)
            return answer

        return ask

    assert call_order([passport, registration], express_counter=True, quick_due=due(True)) == []
    assert names(call_order([passport, registration], express_counter=True, quick_due=due(False))) == ["A"]
    assert asked == ["A", "A"]  # only the most urgent other line is asked about


def test_the_express_counter_keeps_its_order_among_quick_matters_ordinary_counters_also_take() -> None:
    certificate = head("F", waited=0, target=10, rank=0, express=True, elsewhere=False)
    # 90 % of its target, but ordinary counters step in for collections: (1 + 0.9) / 2 < 1.
    collection = head("D", waited=9, target=10, rank=2, express=True)
    assert names(call_order([certificate, collection], express_counter=True)) == ["F", "D"]
    # With no ordinary counter serving collections right now, its rank yields near the target.
    alone = head("D", waited=9, target=10, rank=2, express=True, elsewhere=False)
    assert names(call_order([certificate, alone], express_counter=True)) == ["D", "F"]
    early = head("D", waited=5, target=10, rank=2, express=True, elsewhere=False)  # (1 + 0.5) / 2 < 1
    assert names(call_order([certificate, early], express_counter=True)) == ["F", "D"]


def test_an_ordinary_counter_without_quick_matters_calls_by_urgency_with_appointments_ahead() -> None:
    walk_in = head("A", waited=40, target=30, rank=0)  # 1 + 1.33
    booked = head("A-appointment", waited=0, target=30, rank=0, appointment=True)  # 1 + 0 + 2
    passport = head("P", waited=20, target=30, rank=1)  # (1 + 0.67) / 1.5
    assert names(call_order([passport, walk_in, booked], express_counter=False)) == ["A-appointment", "A", "P"]
