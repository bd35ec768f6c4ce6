"""The running office: today's queue in memory, stored durably, announced in order."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from server.config import Config
from server.domain.model import Change, EventType, Ticket
from server.domain.queue import QueueDay
from server.domain.schedule import local_day, next_midnight
from server.errors import StorageError
from server.storage import repository
from server.storage.lock import ActiveServer, DatabaseLock
from server.storage.repository import UPSERT_SERVICE_STATE, DeviceToken
from server.storage.schema import DATABASE_FILE, connect, open_database
from server.storage.writer import Writer
from server.web import serialize
from server.web.events import EventHub

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
TOKEN_CACHE_S = 5.0
RECOVERY_RETRY_S = 1.0


@dataclass(frozen=True, slots=True)
class Performed:
    """A stored action: the domain change and the event message that announced it."""

    change: Change
    message: dict[str, Any]

    @property
    def ticket_json(self) -> dict[str, Any]:
        ticket = self.message.get("ticket")
        assert isinstance(ticket, dict), "this action has no ticket"
        return ticket


def system_clock() -> datetime:
    return datetime.now(UTC)


try:
    import orjson
except ImportError:  # pragma: no cover - orjson is a dependency, json is the fallback

    def dumps(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

else:

    def dumps(value: Any) -> str:
        return orjson.dumps(value).decode("utf-8")


class Office:
    """Owns the database, today's `QueueDay`, the writer and the event hub."""

    def __init__(self, config: Config, data_dir: Path, clock: Clock = system_clock) -> None:
        self.config = config
        self.data_dir = data_dir
        self.clock = clock
        self.hub = EventHub()
        self.seq = 0
        self._reader: sqlite3.Connection | None = None
        self._writer: Writer | None = None
        self._day: QueueDay | None = None
        self._token_cache: dict[str, tuple[float, DeviceToken | None]] = {}
        self._open_state: dict[str, bool] = {}
        self._midnight = datetime.max.replace(tzinfo=UTC)
        self._recovery: asyncio.Task[None] | None = None
        self._lock = DatabaseLock(data_dir)
        self.standby = False

    # ---------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        """Become the active server of this database, or a standby if another one is."""
        if not self._lock.acquire():
            self.standby = True
            log.warning(
                "another Antrian server is active on %s: this one is a standby and writes nothing",
                self.data_dir,
            )
            return
        self._reader = open_database(self.data_dir)
        self._writer = Writer(self.data_dir / DATABASE_FILE, asyncio.get_running_loop())
        self._day = self._load_day(self.clock())
        self._midnight = next_midnight(self.clock(), self.config.zone)
        self._open_state = self._service_open_state(self.clock())

    async def close(self) -> None:
        if self._recovery is not None:
            with contextlib.suppress(asyncio.CancelledError, StorageError):
                await self._recovery
        if self._writer is not None:
            await asyncio.to_thread(self._writer.close)
            self._writer = None
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        self._lock.release()

    def announce_address(self, url: str) -> None:
        """Where clients reach this (active) server; a standby shows it to its callers."""
        self._lock.describe(url)

    def active_server(self) -> ActiveServer | None:
        """For a standby: the active server of this database, as far as it is known."""
        return self._lock.active()

    @property
    def day(self) -> QueueDay:
        assert self._day is not None, "Office.start() was not called"
        return self._day

    @property
    def reader(self) -> sqlite3.Connection:
        assert self._reader is not None, "Office.start() was not called"
        return self._reader

    def _load_day(self, now: datetime, connection: sqlite3.Connection | None = None) -> QueueDay:
        connection = connection or self.reader
        day = local_day(now, self.config.zone)
        tickets, counters, next_id = repository.load_day(connection, day)
        closed = repository.load_closed_services(connection)
        return QueueDay(
            self.config, day, tickets=tickets, counters=counters, closed_services=closed,
            next_id=next_id,
        )  # fmt: skip

    # ---------------------------------------------------------------- actions

    async def perform(self, action: Callable[[QueueDay, datetime], Change]) -> Performed:
        """Apply one queue action, wait until it is durable, then it is announced."""
        self._refuse_while_recovering()
        now = self.clock()
        if now >= self._midnight:
            self.tick(now)
        change = action(self.day, now)
        new_ids = {change.tickets[-1].id} if change.event is EventType.TICKET_ISSUED else set()
        statements = repository.save_statements(
            change.tickets, change.counters, self.day.day, new_ids
        )
        if change.event is EventType.SERVICE_CHANGED:
            statements += [
                (UPSERT_SERVICE_STATE, (code, int(code in self.day.closed_services)))
                for code in change.services
            ]
        message = self._event_message(change, now)
        await self._commit_and_announce(self.seq, dumps(message), statements)
        return Performed(change, message)

    def tick(self, now: datetime | None = None) -> None:
        """Roll over at local midnight; announce services opening or closing by the clock."""
        if self._recovery is not None:
            return  # the day is being reloaded; the next tick catches up
        now = now or self.clock()
        if now >= self._midnight or local_day(now, self.config.zone) != self.day.day:
            self._roll_over(now)
        state = self._service_open_state(now)
        changed = tuple(
            code for code, is_open in state.items() if self._open_state.get(code) != is_open
        )
        self._open_state = state
        if changed:
            message = self._event_message(Change(EventType.SERVICE_CHANGED, services=changed), now)
            self._announce_without_write(self.seq, dumps(message))

    def _roll_over(self, now: datetime) -> None:
        previous = self.day.day
        self._day = self._load_day(now)
        self._midnight = next_midnight(now, self.config.zone)
        log.info("day rollover %s -> %s", previous, self.day.day)
        self.seq += 1
        text = dumps(
            {
                "type": str(EventType.DAY_ROLLOVER),
                "seq": self.seq,
                "at": self._at(now),
                "today": self.day.day.isoformat(),
            }
        )
        self._announce_without_write(self.seq, text)

    def _announce_without_write(self, seq: int, text: str) -> None:
        # an event that stores nothing still waits its turn behind pending writes
        self._writer_or_fail().submit([], lambda error: self._publish(seq, text, error))

    async def _commit_and_announce(self, seq: int, text: str, statements: list[Any]) -> None:
        loop = asyncio.get_running_loop()
        durable: asyncio.Future[None] = loop.create_future()

        def done(error: BaseException | None) -> None:
            self._publish(seq, text, error)
            if not durable.done():
                if error is None:
                    durable.set_result(None)
                else:
                    durable.set_exception(error)

        self._writer_or_fail().submit(statements, done)
        await durable

    def _publish(self, seq: int, text: str, error: BaseException | None) -> None:
        if error is not None:
            self._start_recovery()
            return
        self.hub.publish(seq, text)

    @property
    def recovering(self) -> bool:
        return self._recovery is not None

    def _refuse_while_recovering(self) -> None:
        if self._recovery is not None:
            raise StorageError("the server is recovering from a failed write; try again")

    def _start_recovery(self) -> None:
        """After a failed commit: reload today's queue once, when every queued job is done.

        Until then every action is refused (503); the writer fails each job queued behind
        the failed batch, because those were computed from the state that was lost.
        """
        if self._recovery is None:
            log.error("a write failed: refusing changes until today's queue is reloaded")
            self._recovery = asyncio.get_running_loop().create_task(self._recover())

    async def _recover(self) -> None:
        writer = self._writer_or_fail()
        # a barrier: completes (failing, as the writer is failed) after every earlier job
        with contextlib.suppress(StorageError):
            await writer.write([])
        try:
            while True:
                try:
                    day = await asyncio.to_thread(self._load_day_from_disk)
                    break
                except (sqlite3.Error, StorageError):
                    log.exception("the database cannot be read; retrying in 1 s")
                    await asyncio.sleep(RECOVERY_RETRY_S)
            self._day = day
            self._open_state = self._service_open_state(self.clock())
            writer.resume()
            log.warning("today's queue was reloaded from the database; writes accepted again")
        finally:
            self._recovery = None
        self.hub.resync_all()

    def _load_day_from_disk(self) -> QueueDay:
        connection = connect(self.data_dir / DATABASE_FILE)
        try:
            return self._load_day(self.clock(), connection)
        finally:
            connection.close()

    async def flush(self) -> None:
        """Wait until every change queued so far is durable (the writer keeps order)."""
        self._refuse_while_recovering()
        await self._writer_or_fail().write([])

    def _writer_or_fail(self) -> Writer:
        if self._writer is None:
            raise StorageError("the server is shutting down")
        return self._writer

    def _event_message(self, change: Change, now: datetime) -> dict[str, Any]:
        day = self.day
        self.seq += 1
        message: dict[str, Any] = {"type": str(change.event), "seq": self.seq, "at": self._at(now)}
        if change.ticket is not None:
            message["ticket"] = serialize.ticket_json(day, change.ticket)
        if change.counter is not None:
            message["counter"] = serialize.counter_json(day, change.counter)
        if change.event is not EventType.COUNTER_CHANGED or change.services:
            message["services"] = [
                serialize.service_json(day, code, now) for code in change.services
            ]
        if change.from_service is not None:
            message["from_service"] = change.from_service
        return message

    def _at(self, now: datetime) -> str:
        return now.astimezone(self.config.zone).isoformat(timespec="seconds")

    def _service_open_state(self, now: datetime) -> dict[str, bool]:
        return {
            service.code: self.day.closed_reason(service.code, now) is None
            for service in self.config.services
        }

    # ---------------------------------------------------------------- queries

    def snapshot(self) -> dict[str, Any]:
        now = self.clock()
        self.tick(now)
        return serialize.snapshot_json(self.day, now, self.seq)

    def find_ticket(self, ticket_id: int) -> tuple[QueueDay | None, Ticket | None]:
        ticket = self.day.tickets.get(ticket_id)
        if ticket is not None:
            return self.day, ticket
        return None, repository.load_ticket(self.reader, ticket_id)

    def authenticate(self, secret: str) -> DeviceToken | None:
        now = time.monotonic()
        cached = self._token_cache.get(secret)
        if cached is not None and now - cached[0] < TOKEN_CACHE_S:
            return cached[1]
        token = repository.find_token(self.reader, secret)
        if len(self._token_cache) > 1000:
            self._token_cache.clear()
        self._token_cache[secret] = (now, token)
        return token
