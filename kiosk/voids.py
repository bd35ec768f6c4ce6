"""Tickets nobody holds, kept until the server has voided them (without Qt).

A ticket must never be called when no visitor holds it:

- its print failed and the void did not reach the server (server down, busy);
- the server's answer came after its visitor had left (the kiosk gave up waiting);
- the issue's answer was lost (the connection broke): the server may have issued a
  ticket for that request key, or may still do so a moment later.

``retry()`` (at a reconnect, and every few seconds while something is pending) asks the
ports to void each of them again; the answers come back through the other methods.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Final, Protocol

from client.errors import ApiError, ClientError, NotFound, StorageUnavailable
from client.wire import Ticket

logger = logging.getLogger(__name__)

UNCERTAIN_GRACE_S: Final = 60.0  # how long a lost issue is looked for after 'nothing issued'


class VoidPorts(Protocol):
    """How the reconciler reaches the server; each answer comes back through a method."""

    def void_ticket(self, ticket: Ticket) -> None:
        """Void this ticket; answer with ticket_voided() or ticket_void_failed()."""

    def void_by_request_key(self, request_key: str) -> None:
        """Void what this request issued; answer with key_voided() or key_void_failed()."""


def may_retry_void(error: ClientError) -> bool:
    """Whether a failed void may succeed later (server down or storage busy): not a refusal."""
    return not isinstance(error, ApiError) or isinstance(error, StorageUnavailable)


class VoidReconciler:
    """Remembers the tickets to void and drops each once the server voided or refused it."""

    def __init__(
        self,
        ports: VoidPorts,
        clock: Callable[[], float] = time.monotonic,
        grace_s: float = UNCERTAIN_GRACE_S,
    ) -> None:
        self._ports = ports
        self._clock = clock
        self._grace_s = grace_s
        self._unheld: dict[int, Ticket] = {}
        # request keys whose answer was lost -> when it was lost
        self._uncertain: dict[str, float] = {}

    @property
    def pending(self) -> bool:
        """Whether anything still waits to be voided."""
        return bool(self._unheld or self._uncertain)

    @property
    def unheld_numbers(self) -> tuple[str, ...]:
        """The numbers of the tickets still to be voided (for logs and tests)."""
        return tuple(ticket.number for ticket in self._unheld.values())

    @property
    def uncertain_keys(self) -> tuple[str, ...]:
        """The request keys whose tickets (if any) are still to be voided."""
        return tuple(self._uncertain)

    def ticket_unheld(self, ticket: Ticket) -> None:
        """Nobody holds this ticket: void it (now and until the server has)."""
        self._unheld[ticket.id] = ticket

    def answer_lost(self, request_key: str) -> None:
        """The issue's answer was lost: whatever the server issued for it is voided."""
        self._uncertain[request_key] = self._clock()

    def retry(self) -> None:
        """Ask the server again to void everything pending."""
        for request_key in list(self._uncertain):
            self._ports.void_by_request_key(request_key)
        for ticket in list(self._unheld.values()):
            logger.info("voiding unprinted ticket %s again", ticket.number)
            self._ports.void_ticket(ticket)

    def ticket_voided(self, ticket: Ticket) -> None:
        """The server voided the ticket."""
        if self._unheld.pop(ticket.id, None) is not None:
            logger.info("ticket %s voided", ticket.number)

    def ticket_void_failed(self, ticket: Ticket, error: ClientError) -> None:
        """The void failed; a refusal (the ticket was called meanwhile, say) is final."""
        if not may_retry_void(error):
            self._unheld.pop(ticket.id, None)
        logger.warning("ticket %s still not voided: %s", ticket.number, error)

    def key_voided(self, request_key: str, ticket: Ticket) -> None:
        """The server voided what the request with a lost answer had issued."""
        self._uncertain.pop(request_key, None)
        logger.info("ticket %s was issued but its answer lost: voided", ticket.number)

    def key_void_failed(self, request_key: str, error: ClientError) -> None:
        """NotFound: nothing issued so far. A slow server may still carry the request out,
        so it is asked again for a while; any other refusal: the ticket is no longer
        waiting, nothing to void."""
        if may_retry_void(error):
            return
        since = self._uncertain.get(request_key, 0.0)
        if not isinstance(error, NotFound) or self._clock() - since > self._grace_s:
            self._uncertain.pop(request_key, None)
