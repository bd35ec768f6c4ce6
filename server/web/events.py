"""Fan-out of events to WebSocket clients, each with a bounded queue of its own."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from dataclasses import dataclass, field

log = logging.getLogger(__name__)
CLIENT_QUEUE_SIZE = 256
REPLAY_EVENTS = 10_000  # recent messages kept for clients that resume with ?after=ID


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
        self._recent: deque[tuple[int, str]] = deque(maxlen=REPLAY_EVENTS)
        self._phantoms: list[range] = []  # ids handed out in memory but never stored

    def replay_after(self, after_seq: int) -> list[str] | None:
        """The messages after `after_seq` in order, or None when they are not all here."""
        if after_seq > self.published_seq or any(after_seq in ids for ids in self._phantoms):
            return None  # the client saw something this server never stored
        if after_seq == self.published_seq:
            return []
        if not self._recent or self._recent[0][0] > after_seq + 1:
            return None
        # ids are gap-free among device messages only since this process started
        return [text for seq, text in self._recent if seq > after_seq]

    def forget(self, ids: range) -> None:
        """Ids given out for changes that were never stored (they will be handed out again)."""
        if ids:
            self._phantoms.append(ids)
            del self._phantoms[:-16]

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
        self._recent.append((seq, text))
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
