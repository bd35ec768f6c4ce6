"""The running office: today's queue in memory, every change recorded durably, in order.

`Office` is the application layer. It applies a queue rule to today's `QueueDay`, turns the
resulting `Change` into an `Event` with the next id of the office's record, hands both to
the store's writer, and tells its `Feed` (the web edge: serialisation and the event hub)
once the commit is durable. It knows no HTTP and no SQL.

Ordering: event ids are allocated here, on the event loop, in the order the changes are
made; the writer commits in submit order, so ids are gap-free in commit order. After a
failed commit nothing is announced; the office refuses changes until it has reloaded the
day from the database (once, off the event loop) and the ids continue after the last one
stored.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Protocol

from server.config import Config, parse_office_settings
from server.domain.model import Change, EventType, Ticket, TicketStatus
from server.domain.queue import QueueDay
from server.domain.schedule import Closure, closure, local_day, next_midnight
from server.domain.settings import OfficeSettings
from server.errors import StorageError
from server.record import clock_event, event_for_change
from server.settings_document import office_settings_document
from server.storage import open_store
from server.storage.port import ActiveServer, ClusterView, Commit, DayState, Event, Store

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
Action = Callable[[QueueDay, datetime], Change]
RECOVERY_RETRY_S = 1.0
# the first retries come quickly: after the database cut every connection, each worker
# thread's own reading connection fails once before it is replaced
RECOVERY_QUICK_RETRIES = 8
RECOVERY_QUICK_RETRY_S = 0.05
SETTINGS_CHANGED = "settings.changed"  # in the office's record, not sent to devices
# a standby looks at the lease this often (a plain read); the active server checks its own
# lease (in memory, no I/O) this often, so it stops writing within this of losing it
TAKEOVER_POLL_S = 0.2
LEASE_CHECK_S = 0.05
LEASE_RETRY_S = 1.0
ACTIVE_REFRESH_S = 1.0  # a standby reads who is active this often (for /health, off the loop)
CLUSTER_REFRESH_S = 2.0  # the active server reads its standbys and replicas this often


class SettingsConflict(Exception):
    """New settings that would leave today's tickets or counters without their service."""


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Performed:
    """A stored change: what the rule did and the event that records it."""

    change: Change
    event: Event

    @property
    def ticket(self) -> Ticket:
        ticket = self.change.ticket
        assert ticket is not None, "this action has no ticket"
        return ticket


class Feed(Protocol):
    """Who hears about stored changes (the web edge: serialise, fan out to devices)."""

    def prepare(self, office: Office, change: Change | None, event: Event) -> object:
        """Called when the change is made (the state is as the change left it)."""
        ...

    def publish(self, event: Event, prepared: object) -> None:
        """Called once the event is durable, in event order."""
        ...

    def resync(self, phantom_ids: range) -> None:
        """The office reloaded from the database; ids in `phantom_ids` were never stored."""
        ...


class SilentFeed:
    """A feed that tells no one (the CLIs, tests of the office alone)."""

    def prepare(self, office: Office, change: Change | None, event: Event) -> object:
        return None

    def publish(self, event: Event, prepared: object) -> None:
        return None

    def resync(self, phantom_ids: range) -> None:
        return None


class Office:
    """Owns the store, today's `QueueDay` and the order of the office's record."""

    def __init__(
        self,
        config: Config,
        data_dir: Path,
        clock: Clock = system_clock,
        store: Store | None = None,
    ) -> None:
        self.config = config
        self.data_dir = data_dir
        self.clock = clock
        self.store: Store = store if store is not None else open_store(config, data_dir)
        self.feed: Feed = SilentFeed()
        self.standby = False
        self.last_event_id = 0  # the newest event id handed out (stored or on its way)
        self._day: QueueDay | None = None
        self._open_state: dict[str, Closure | None] = {}
        self._midnight = datetime.max.replace(tzinfo=UTC)
        self._recovery: asyncio.Task[None] | None = None
        self._started = False
        # called on the event loop after this server became active or a standby
        self.role_changed: list[Callable[[], None]] = []
        self._address: str | None = None
        self._follower: asyncio.Task[None] | None = None
        # a standby's view of the database, read off the event loop by _follow_lease
        self._active: ActiveServer | None = None
        self._active_read_at = float("-inf")
        self.database_reachable = True
        self.cluster: ClusterView | None = None  # the active server's view, for /admin, doctor
        self._cluster_read_at = float("-inf")
        self._cluster_complained = False

    # ---------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        """Become the active server of this database, or a standby if another one is."""
        if not await asyncio.to_thread(self.store.acquire):
            self.standby = True
            log.warning(
                "another Antrian server is active on %s: this one is a standby and writes nothing",
                self.store.description,
            )
        else:
            await self._become_active()
        if self.store.takes_over:
            if self.standby:
                await self._read_active()
            self._follower = asyncio.get_running_loop().create_task(self._follow_lease())

    async def _become_active(self) -> None:
        await self._load_stored_settings()
        now = self.clock()
        state = await asyncio.to_thread(self.store.load_day, local_day(now, self.config.zone))
        self._install(state, now)
        self.store.start_writer(asyncio.get_running_loop())
        self._midnight = next_midnight(now, self.config.zone)
        self._started = True
        self.standby = False
        if self._address is not None:
            await asyncio.to_thread(self.store.announce_address, self._address)
        log.info(
            "office record %s on %s: %d events", self.log_id, self.store.description,
            self.last_event_id,
        )  # fmt: skip

    async def _follow_lease(self) -> None:
        """A standby takes over once the active server's lease expired; an active server
        that lost its lease (taken, or not renewed in time) stops writing and is a standby."""
        complained = False
        while True:
            try:
                if self.standby:
                    if await asyncio.to_thread(self.store.take_over):
                        await self._take_over()
                    else:
                        self.database_reachable = True
                        if asyncio.get_running_loop().time() - self._active_read_at >= (
                            ACTIVE_REFRESH_S
                        ):
                            await self._read_active()
                        await asyncio.sleep(TAKEOVER_POLL_S)
                elif not self.store.holds_lease():
                    await self._step_down()
                else:
                    if asyncio.get_running_loop().time() - self._cluster_read_at >= (
                        CLUSTER_REFRESH_S
                    ):
                        await self._read_cluster()
                    await asyncio.sleep(LEASE_CHECK_S)
                complained = False
            except StorageError as exc:
                self.database_reachable = False
                if not complained:
                    log.warning("cannot look at the database's lease (retrying): %s", exc)
                    complained = True
                await asyncio.sleep(LEASE_RETRY_S)
            except Exception:  # loop boundary: a bug here must not end the watch
                log.exception("following the database's lease failed")
                await asyncio.sleep(LEASE_RETRY_S)

    async def _take_over(self) -> None:
        log.warning("the active server stopped renewing the lease: this server takes over")
        try:
            await self._become_active()
        except BaseException:
            self.standby, self._started = True, False
            await asyncio.to_thread(self.store.stop_writing)  # the lease expires again
            raise
        # the record moved on under the other server: no client resumes from this
        # process's earlier messages, each gets a snapshot
        self.feed.resync(range(1, self.last_event_id + 1))
        self._tell_role_changed()

    async def _step_down(self) -> None:
        log.error("this server lost the database's lease: it writes nothing and is a standby")
        self.standby, self._started = True, False
        # not known yet whether another server took over or the database is out of reach;
        # until a read of the lease succeeds, it says it cannot reach the database
        self._active, self.database_reachable = None, False
        self._active_read_at = float("-inf")
        self._tell_role_changed()  # sockets closed and advert withdrawn before the writer
        if self._recovery is not None:
            self._recovery.cancel()
            with contextlib.suppress(asyncio.CancelledError, StorageError):
                await self._recovery
        await asyncio.to_thread(self.store.stop_writing)  # what is queued fails: 503

    async def _read_cluster(self) -> None:
        self._cluster_read_at = asyncio.get_running_loop().time()
        # a read on a thread of its own: the lease check above goes on meanwhile
        reading = asyncio.ensure_future(asyncio.to_thread(self.store.cluster_view))
        try:
            while not reading.done():
                if not self.store.holds_lease():
                    return  # the read finishes by itself; stepping down comes first
                await asyncio.wait({reading}, timeout=LEASE_CHECK_S)
            self.cluster = reading.result()
            self._cluster_complained = False
        except StorageError as exc:
            if not self._cluster_complained:  # once, until it works again
                log.warning("cannot read the standbys and replicas: %s", exc)
                self._cluster_complained = True
            self.cluster = None

    async def _read_active(self) -> None:
        self._active_read_at = asyncio.get_running_loop().time()
        self._active = await asyncio.to_thread(self.store.active_server)
        self.database_reachable = True

    def _tell_role_changed(self) -> None:
        for callback in self.role_changed:
            try:
                callback()
            except Exception:
                log.exception("a role change callback failed")

    async def close(self) -> None:
        if self._follower is not None:
            self._follower.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._follower
        if self._recovery is not None:
            # stopping: no use reloading the day, and a database that cannot be reached
            # would hold the shutdown forever (the reload retries every second)
            self._recovery.cancel()
            with contextlib.suppress(asyncio.CancelledError, StorageError):
                await self._recovery
        await asyncio.to_thread(self.store.close)

    @property
    def log_id(self) -> str:
        return self.store.log_id

    def announce_address(self, url: str) -> None:
        """Where clients reach this (active) server; a standby shows it to its callers."""
        self._address = url
        if not self.standby:
            self.store.announce_address(url)

    def active_server(self) -> ActiveServer | None:
        """For a standby: the active server of this database, as far as it is known."""
        if self.store.takes_over:
            return self._active  # read by _follow_lease: the event loop never waits for it
        return self.store.active_server()  # SQLite: the lock file on this PC

    @property
    def day(self) -> QueueDay:
        assert self._day is not None, "Office.start() was not called"
        return self._day

    def _install(self, state: DayState, now: datetime) -> None:
        self._day = self._queue_day(state, local_day(now, self.config.zone))
        self.last_event_id = state.last_event_id
        self._open_state = self._service_open_state(now)

    def _queue_day(self, state: DayState, day: date) -> QueueDay:
        return QueueDay(
            self.config, day, tickets=state.tickets, counters=state.counters,
            closed_services=state.closed_services, closed_notes=state.closed_notes,
            next_id=state.next_ticket_id,
        )  # fmt: skip

    # ---------------------------------------------------------------- actions

    async def perform(
        self, action: Action, clerk: str | None = None, by: str | None = None
    ) -> Performed:
        """Apply one queue rule, wait until it is durable; it is announced in order."""
        self._refuse_while_recovering()
        now = self.clock()
        if now >= self._midnight:
            self.tick(now)
        change = action(self.day, now)
        if clerk is None and change.counter is not None:
            clerk = change.counter.clerk  # the clerk signed in at that counter, if any
        if clerk is not None:  # reports say who served: the clerk goes with the ticket
            change = self.day.with_clerk(change, clerk)
        event = event_for_change(
            change, self._next_event_id(), now, self.day.day, clerk=clerk, zone=self.config.zone,
            services=self._service_states(change) if change.event is EventType.SERVICE_CHANGED
            else None,
        )  # fmt: skip
        if by is not None:  # who did it, when it was a supervisor's or an admin's action
            event.data["by"] = by
        is_new = change.event is EventType.TICKET_ISSUED
        service_change = change.event is EventType.SERVICE_CHANGED
        commit = Commit(
            event=event,
            new_tickets=change.tickets[-1:] if is_new else (),
            changed_tickets=change.tickets[:-1] if is_new else change.tickets,
            counters=change.counters,
            service_states=tuple(
                (code, code in self.day.closed_services) for code in change.services
            )
            if service_change
            else (),
            service_notes=tuple((code, self.day.closed_notes.get(code)) for code in change.services)
            if service_change
            else (),
        )
        await self._commit(commit, self.feed.prepare(self, change, event))
        return Performed(change, event)

    async def record(
        self,
        event_type: str,
        rows: Callable[[Event], Commit],
        *,
        ticket: int | None = None,
        counter: int | None = None,
        data: dict[str, Any] | None = None,
    ) -> Event:
        """Store an event that changes no queue state (an SKM answer), with `rows(event)`.

        Its type is none the devices know, so it is in the log but not on their streams.
        """
        self._refuse_while_recovering()
        now = self.clock()
        if now >= self._midnight:
            self.tick(now)
        event = Event(
            id=self._next_event_id(), type=event_type, at=now.astimezone(self.config.zone),
            day=self.day.day, ticket=ticket, counter=counter, data=data or {},
        )  # fmt: skip
        await self._commit(rows(event), self.feed.prepare(self, None, event))
        return event

    def tick(self, now: datetime | None = None) -> None:
        """Roll over at local midnight; record services opening or closing by the clock."""
        if self._recovery is not None or not self._started:
            return  # the day is being reloaded; the next tick catches up
        now = now or self.clock()
        if now >= self._midnight or local_day(now, self.config.zone) != self.day.day:
            self._roll_over(now)
        state = self._service_open_state(now)
        changed = tuple(
            code for code, closed in state.items() if self._open_state.get(code) != closed
        )
        self._open_state = state
        if changed:
            change = Change(EventType.SERVICE_CHANGED, services=changed)
            event = clock_event(
                EventType.SERVICE_CHANGED, self._next_event_id(), now, self.day.day,
                self.config.zone, services=self._service_states(change), by="clock",
            )  # fmt: skip
            self._submit_quietly(Commit(event), self.feed.prepare(self, change, event))

    def _roll_over(self, now: datetime) -> None:
        previous = self.day
        today = local_day(now, self.config.zone)
        # the new day starts empty: counters keep their pause, never yesterday's ticket;
        # ticket ids go on after the last one handed out (some may still be on their way)
        # and a clerk's sign-in lasts the day
        counters = tuple(
            replace(counter, current=None, clerk=None) for counter in previous.counters.values()
        )
        self._day = QueueDay(
            self.config, today, counters=counters, closed_services=previous.closed_services,
            closed_notes=previous.closed_notes, next_id=previous.next_id,
        )  # fmt: skip
        self._midnight = next_midnight(now, self.config.zone)
        log.info("day rollover %s -> %s", previous.day, today)
        event = clock_event(
            EventType.DAY_ROLLOVER, self._next_event_id(), now, today, self.config.zone,
            previous=previous.day.isoformat(), today=today.isoformat(),
        )  # fmt: skip
        self._submit_quietly(Commit(event), self.feed.prepare(self, None, event))

    def _next_event_id(self) -> int:
        self.last_event_id += 1
        return self.last_event_id

    def _service_states(self, change: Change) -> dict[str, dict[str, Any]]:
        now = self.clock()
        states = {}
        for code in change.services:
            reason = self.day.closed_reason(code, now)
            states[code] = {
                "open": reason is None,
                "closed_reason": str(reason) if reason is not None else None,
            }
            if code in self.day.closed_notes:
                states[code]["closed_note"] = self.day.closed_notes[code]
        return states

    async def _commit(self, commit: Commit, prepared: object) -> None:
        loop = asyncio.get_running_loop()
        durable: asyncio.Future[None] = loop.create_future()

        def done(error: BaseException | None) -> None:
            self._committed(commit.event, prepared, error)
            if not durable.done():
                if error is None:
                    durable.set_result(None)
                else:
                    durable.set_exception(error)

        self._submit(commit, done)
        await durable

    def _submit_quietly(self, commit: Commit, prepared: object) -> None:
        # a clock-driven change: nobody waits for it, but it is stored and announced in turn
        self._submit(commit, lambda error: self._committed(commit.event, prepared, error))

    def _submit(self, commit: Commit | None, done: Callable[[BaseException | None], None]) -> None:
        if not self._started:
            raise StorageError("the server is shutting down")
        self.store.submit(commit, done)

    def _committed(self, event: Event, prepared: object, error: BaseException | None) -> None:
        if error is not None:
            self._start_recovery()
            return
        self.feed.publish(event, prepared)

    # ---------------------------------------------------------------- settings

    def settings_document(self) -> dict[str, Any]:
        """The office settings in effect, as the keys of the TOML sections."""
        return office_settings_document(self.config)

    def with_settings(self, settings: OfficeSettings) -> Config:
        fields = {name: getattr(settings, name) for name in OfficeSettings.__dataclass_fields__}
        return replace(self.config, **fields)

    async def _load_stored_settings(self) -> None:
        """The settings stored at run time win over the TOML's (which seed a new database)."""
        stored = await asyncio.to_thread(self.store.load_settings)
        if stored is None:
            return

        settings = parse_office_settings(stored)
        # compared as this Antrian writes them: a key added since they were stored (with its
        # default) is no difference
        if office_settings_document(settings) != office_settings_document(self.config):
            log.warning(
                "the office sections of antrian.toml differ from the settings stored in the "
                "database; the stored ones are used (antrian-server settings export shows them)"
            )
        self.config = self.with_settings(settings)

    async def replace_settings(
        self, settings: OfficeSettings, by: str, language: str = "id"
    ) -> Event:
        """Swap the office settings now and store them with a `settings.changed` event.

        Today's queue is rebuilt from its tickets and counters under the new settings;
        SettingsConflict when a waiting or called ticket, or a counter serving someone,
        would be left without its service or counter.
        """
        self._refuse_while_recovering()
        now = self.clock()
        if now >= self._midnight:
            self.tick(now)
        self._check_orphans(settings, language)
        config = self.with_settings(settings)
        day = self.day
        document = office_settings_document(config)
        previous = self.config
        self.config = config
        self._day = QueueDay(
            config, day.day, tickets=tuple(day.tickets.values()),
            counters=tuple(day.counters.values()), closed_services=day.closed_services,
            closed_notes=day.closed_notes, next_id=day.next_id,
        )  # fmt: skip
        if config.zone != previous.zone:
            self._midnight = next_midnight(now, config.zone)
        self._open_state = self._service_open_state(now)
        event = Event(
            id=self._next_event_id(), type=SETTINGS_CHANGED, at=now.astimezone(config.zone),
            day=day.day, data={"by": by},
        )  # fmt: skip
        commit = Commit(event=event, settings=json.dumps(document, ensure_ascii=False))
        try:
            await self._commit(commit, self.feed.prepare(self, None, event))
        except BaseException:
            # not stored: the day is reloaded (see _recover) under the settings that are
            self.config = previous
            raise
        return event

    def _check_orphans(self, settings: OfficeSettings, language: str) -> None:
        english = language == "en"
        codes = {service.code for service in settings.services}
        numbers = {counter.number for counter in settings.counters}
        for ticket in self.day.tickets.values():
            if ticket.service not in codes and ticket.status in (
                TicketStatus.WAITING, TicketStatus.CALLED,
            ):  # fmt: skip
                raise SettingsConflict(
                    f"service {ticket.service} still has tickets in line today "
                    f"({ticket.number}): it cannot be removed yet"
                    if english
                    else f"Layanan {ticket.service} masih punya antrean hari ini "
                    f"({ticket.number}); layanan itu belum bisa dihapus"
                )
        for counter in self.day.counters.values():
            if counter.number not in numbers and counter.current is not None:
                raise SettingsConflict(
                    f"counter {counter.number} is serving someone: it cannot be removed yet"
                    if english
                    else f"Loket {counter.number} sedang melayani; loket itu belum bisa dihapus"
                )

    # ---------------------------------------------------------------- failure

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
        if self.standby or not self.store.holds_lease():
            return  # it lost the lease: it steps down (_follow_lease), nothing to reload
        if self._recovery is None:
            log.error("a write failed: refusing changes until today's queue is reloaded")
            self._recovery = asyncio.get_running_loop().create_task(self._recover())

    async def _recover(self) -> None:
        allocated = self.last_event_id
        # a barrier: completes (failing, as the writer is failed) after every earlier job
        with contextlib.suppress(StorageError):
            await self._barrier()
        try:
            attempts = 0
            while True:
                now = self.clock()
                try:
                    state = await asyncio.to_thread(
                        self.store.load_day, local_day(now, self.config.zone)
                    )
                    break
                except StorageError as exc:
                    attempts += 1
                    if attempts <= RECOVERY_QUICK_RETRIES:
                        log.warning("reading today's queue failed (%s); trying again", exc)
                        await asyncio.sleep(RECOVERY_QUICK_RETRY_S)
                        continue
                    log.exception("the database cannot be read; retrying in 1 s")
                    await asyncio.sleep(RECOVERY_RETRY_S)
            self._install(state, now)
            self._midnight = next_midnight(now, self.config.zone)
            self.store.resume()
            log.warning("today's queue was reloaded from the database; writes accepted again")
        finally:
            self._recovery = None
        self.feed.resync(range(self.last_event_id + 1, allocated + 1))

    def _barrier(self) -> asyncio.Future[None]:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def finish(error: BaseException | None) -> None:
            if not future.done():
                if error is None:
                    future.set_result(None)
                else:
                    future.set_exception(error)

        self._submit(None, finish)
        return future

    async def flush(self) -> None:
        """Wait until every change made so far is durable (the writer keeps order)."""
        self._refuse_while_recovering()
        await self._barrier()

    # ---------------------------------------------------------------- queries

    def _service_open_state(self, now: datetime) -> dict[str, Closure | None]:
        # why closed and until when, not only open or not: a holiday beginning at midnight
        # after closing time changes what the kiosk says
        day = self.day
        return {
            service.code: closure(
                self.config,
                service,
                now,
                day.issued_count[service.code],
                service.code in day.closed_services,
                day.closed_notes.get(service.code),
            )
            for service in self.config.services
        }

    async def find_ticket(self, ticket_id: int) -> tuple[QueueDay | None, Ticket | None]:
        """Today's ticket (with its day), or an earlier day's from the database."""
        ticket = self.day.tickets.get(ticket_id)
        if ticket is not None:
            return self.day, ticket
        return None, await asyncio.to_thread(self.store.load_ticket, ticket_id)

    async def events_after(self, after_id: int, limit: int) -> Sequence[Event]:
        return await asyncio.to_thread(self.store.events_after, after_id, limit)

    async def head_event_id(self) -> int:
        return await asyncio.to_thread(self.store.head_event_id)
