"""The live feed of one ticket for the visitor's phone: server-sent events, one fan-out.

One subscriber of the office's event hub reads every device message once, works out which
watched tickets it can have changed, recomputes only those and wakes the phones whose
ticket's JSON really changed. A phone is sent nothing about any other ticket.

Two speeds: a ticket the event itself touched (called, recalled, finished, transferred) is
sent at once; a ticket whose place in line moved because another was called (its service's
line, a counter serving it paused) is refreshed at most every POSITION_REFRESH_S, with
every change of that interval in one go. A call then costs the phones of its own ticket,
not a message to each of a thousand phones in that line; the position refresh is done in
slices that yield to the event loop, so watching phones never hold up calls or displays.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from client import protocol
from server.domain.model import EventType, Ticket
from server.domain.queue import QueueDay
from server.json_text import dumps
from server.office import Office
from server.web import serialize
from server.web.events import EventHub, Subscriber
from server.web.phone_text import Language, Names, ticket_view

log = logging.getLogger(__name__)
HEARTBEAT_S = 25.0  # a comment line this often keeps idle connections open, finds dead ones
MAX_STREAMS_PER_TICKET = 8  # a family's phones and a few reloads; not a way to exhaust sockets
REFRESH_SLICE_S = 0.0005  # work this long at most between two yields to the event loop
POSITION_REFRESH_S = 1.0  # "people ahead" may lag a call by this much; a call never does
POSITION_PAUSE_S = 0.001  # idle between two slices of a position refresh (other threads run)
RETRY_MS = 3000  # how long a browser waits before reconnecting a dropped stream


class TooManyStreams(Exception):
    """This ticket already has as many live streams as one ticket may have."""


@dataclass(eq=False, slots=True)
class Watcher:
    """One phone's open stream: the newest message to send, and whether to wake up."""

    ticket_id: int
    language: Language
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    message: bytes | None = None  # None when woken for a heartbeat only
    closed: bool = False


def ticket_json(day: QueueDay, ticket: Ticket) -> dict[str, Any]:
    """The ticket as `GET /api/v1/tickets/{id}` answers it, as plain JSON values."""
    value: dict[str, Any] = protocol.to_builtins(serialize.ticket_message(day, ticket))
    return value


def sse_message(data: dict[str, Any]) -> bytes:
    return b"data: " + dumps(data).encode("utf-8") + b"\n\n"


class TicketFeed:
    """Watched tickets, their phones, and the one hub subscription that updates them."""

    def __init__(self, office: Office, hub: EventHub) -> None:
        self.office = office
        self.hub = hub
        self._watchers: dict[int, set[Watcher]] = {}
        self._tickets: dict[int, Ticket] = {}  # as last seen, for after the day rolled over
        self._sent: dict[int, str] = {}  # each watched ticket's JSON text as last sent
        self._subscriber: Subscriber | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._moved: set[int] = set()  # watched tickets whose place may have changed
        self._moved_signal = asyncio.Event()
        self._names: tuple[object, Names] | None = None
        self.refreshed = 0  # tickets recomputed so far (for tests and the benchmark)

    # ---------------------------------------------------------------- lifecycle

    def start(self) -> None:
        self._subscriber = self.hub.subscribe(after_seq=self.hub.published_seq)
        loop = asyncio.get_running_loop()
        self._tasks = [
            loop.create_task(self._run()),
            loop.create_task(self._positions()),
            loop.create_task(self._heartbeat()),
        ]

    async def stop(self) -> None:
        for watchers in self._watchers.values():
            for watcher in watchers:
                watcher.closed = True
                watcher.wake.set()
        if self._subscriber is not None:
            self.hub.unsubscribe(self._subscriber)
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    @property
    def count(self) -> int:
        return sum(len(watchers) for watchers in self._watchers.values())

    # ---------------------------------------------------------------- phones

    def names(self) -> Names:
        config = self.office.config
        if self._names is None or self._names[0] is not config:
            names = Names(
                services={
                    service.code: (service.name, service.name_en) for service in config.services
                },
                counters={counter.number: counter.name for counter in config.counters},
            )
            self._names = (config, names)
        return self._names[1]

    def message(self, day: QueueDay, ticket: Ticket, language: Language) -> bytes:
        """The stream's message for this ticket now: its API JSON and the page's texts."""
        return self._message(ticket_json(day, ticket), language)

    def _message(self, answer: dict[str, Any], language: Language) -> bytes:
        view = ticket_view(answer, self.office.day.day, self.names(), language)
        return sse_message({"ticket": answer, "view": view})

    def watch(self, ticket: Ticket, language: Language) -> Watcher:
        watchers = self._watchers.setdefault(ticket.id, set())
        if len(watchers) >= MAX_STREAMS_PER_TICKET:
            raise TooManyStreams(ticket.number)
        if not watchers:
            self._tickets[ticket.id] = ticket
            self._sent[ticket.id] = dumps(ticket_json(self.office.day, ticket))
        watcher = Watcher(ticket.id, language)
        watchers.add(watcher)
        return watcher

    def unwatch(self, watcher: Watcher) -> None:
        watchers = self._watchers.get(watcher.ticket_id)
        if watchers is None:
            return
        watchers.discard(watcher)
        if not watchers:
            del self._watchers[watcher.ticket_id]
            self._tickets.pop(watcher.ticket_id, None)
            self._sent.pop(watcher.ticket_id, None)

    # ---------------------------------------------------------------- fan-out

    async def _run(self) -> None:
        subscriber = self._subscriber
        assert subscriber is not None
        while True:
            batch = [await subscriber.queue.get()]
            while not subscriber.queue.empty():
                batch.append(subscriber.queue.get_nowait())
            if None in batch:  # the hub dropped messages for us: look at every ticket
                subscriber.needs_snapshot = False
                subscriber.after_seq = self.hub.published_seq
            try:
                touched, moved = self._affected(batch)
                await self._refresh(touched)
            except Exception:  # a bug here must not end every phone's feed
                log.exception("refreshing watched tickets failed")
                continue
            if moved:
                self._moved.update(moved)
                self._moved_signal.set()

    async def _positions(self) -> None:
        while True:
            await self._moved_signal.wait()
            await asyncio.sleep(POSITION_REFRESH_S)  # gather the moves of this interval
            self._moved_signal.clear()
            moved, self._moved = self._moved, set()
            try:
                await self._refresh(sorted(moved), pause_s=POSITION_PAUSE_S)
            except Exception:
                log.exception("refreshing the places of watched tickets failed")

    def _affected(self, batch: Iterable[str | None]) -> tuple[list[int], list[int]]:
        """Watched tickets the messages in `batch` touched, and those whose place may move."""
        if not self._watchers:
            return [], []
        ids: set[int] = set()
        services: set[str] = set()
        for text in batch:
            if text is None:
                return list(self._watchers), []
            message = json.loads(text)
            if message.get("type") == EventType.DAY_ROLLOVER:
                return list(self._watchers), []
            for ticket in message.get("tickets") or ():
                ids.add(ticket["id"])
                services.add(ticket["service"])
            services.update(service["code"] for service in message.get("services") or ())
            counter = message.get("counter")
            if counter is not None:  # a pause changes the wait of what the counter serves
                services.update(counter.get("services") or ())
            if message.get("from_service"):
                services.add(message["from_service"])
        touched = [ticket_id for ticket_id in ids if ticket_id in self._watchers]
        today = self.office.day.tickets
        moved = []
        for ticket_id in self._watchers:
            current = today.get(ticket_id) or self._tickets.get(ticket_id)
            if ticket_id not in ids and current is not None and current.service in services:
                moved.append(ticket_id)
        return touched, moved

    async def _refresh(self, ticket_ids: list[int], pause_s: float = 0.0) -> None:
        slice_started = time.perf_counter()
        for ticket_id in ticket_ids:
            if time.perf_counter() - slice_started > REFRESH_SLICE_S:
                # let calls, displays and the store's writer thread through between slices
                await asyncio.sleep(pause_s)
                slice_started = time.perf_counter()
            self._refresh_one(ticket_id)

    def _refresh_one(self, ticket_id: int) -> None:
        watchers = self._watchers.get(ticket_id)
        if not watchers:
            return
        day = self.office.day
        ticket = day.tickets.get(ticket_id) or self._tickets[ticket_id]
        self._tickets[ticket_id] = ticket
        answer = ticket_json(day, ticket)
        text = dumps(answer)
        self.refreshed += 1
        if text == self._sent.get(ticket_id):
            return
        self._sent[ticket_id] = text
        messages: dict[Language, bytes] = {}
        for watcher in watchers:
            if watcher.language not in messages:
                messages[watcher.language] = self._message(answer, watcher.language)
            watcher.message = messages[watcher.language]
            watcher.wake.set()

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_S)
            for watchers in self._watchers.values():
                for watcher in watchers:
                    watcher.wake.set()


__all__ = ["RETRY_MS", "TicketFeed", "TooManyStreams", "Watcher", "sse_message"]
