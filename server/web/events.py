"""Fan-out of events to WebSocket clients, each with a bounded queue of its own."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)
CLIENT_QUEUE_SIZE = 256


@dataclass(eq=False, slots=True)
class Subscriber:
    """One connected client: events after `after_seq` go into its queue."""

    after_seq: int
    queue: asyncio.Queue[str | None] = field(
        default_factory=lambda: asyncio.Queue(maxsize=CLIENT_QUEUE_SIZE)
    )
    needs_snapshot: bool = False


class EventHub:
    """Publishes each event (already JSON text) to every subscriber, never blocking.

    A subscriber whose queue is full is not waited for: its queue is emptied and it is
    marked to receive a fresh snapshot, so a slow or dead client never holds up others.
    """

    def __init__(self) -> None:
        self._subscribers: set[Subscriber] = set()
        self.published_seq = 0

    def subscribe(self, after_seq: int) -> Subscriber:
        subscriber = Subscriber(after_seq=after_seq)
        self._subscribers.add(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        self._subscribers.discard(subscriber)

    @property
    def count(self) -> int:
        return len(self._subscribers)

    def publish(self, seq: int, text: str) -> None:
        self.published_seq = seq
        for subscriber in self._subscribers:
            if seq <= subscriber.after_seq or subscriber.needs_snapshot:
                continue
            try:
                subscriber.queue.put_nowait(text)
            except asyncio.QueueFull:
                self.send_snapshot_instead(subscriber)

    def resync_all(self) -> None:
        """Make every client fetch a new snapshot (after state was reloaded from disk)."""
        for subscriber in self._subscribers:
            self.send_snapshot_instead(subscriber)

    @staticmethod
    def send_snapshot_instead(subscriber: Subscriber) -> None:
        """Drop what waits for this client and have it sent a fresh snapshot."""
        while not subscriber.queue.empty():
            subscriber.queue.get_nowait()
        subscriber.needs_snapshot = True
        # a None wakes the sender, which then sends a snapshot instead of the lost events
        subscriber.queue.put_nowait(None)


def event_message(
    event_type: str, seq: int, at: str, extra: dict[str, Any], dumps: Callable[[Any], str]
) -> str:
    return dumps({"type": event_type, "seq": seq, "at": at, **extra})
