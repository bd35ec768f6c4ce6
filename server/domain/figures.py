"""The waiting room's figures: today's average wait of the visitors served."""

from __future__ import annotations

from collections.abc import Iterable

from server.domain.model import Ticket, TicketStatus


def served_waits_s(tickets: Iterable[Ticket]) -> list[float]:
    """Each served visitor's wait: issued → the call that finally served them (its last)."""
    return [
        (ticket.called_at - ticket.issued_at).total_seconds()
        for ticket in tickets
        if ticket.status is TicketStatus.DONE and ticket.called_at is not None
    ]


def average_wait_s(tickets: Iterable[Ticket]) -> int | None:
    """The mean of `served_waits_s`, in whole seconds (half up); None when nobody was served."""
    waits = served_waits_s(tickets)
    if not waits:
        return None
    return int(sum(waits) / len(waits) + 0.5)
