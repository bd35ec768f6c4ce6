"""The office's record in SQLite (WAL, synchronous=FULL): the embedded default."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
import threading
import uuid
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from server.domain.model import Counter, CounterState, Ticket
from server.errors import StorageError
from server.json_text import dumps
from server.reports.visit import Visit
from server.storage import accounts, repository, survey_rows
from server.storage import writer as writer_module
from server.storage.lock import DatabaseLock
from server.storage.port import (
    Account,
    AccountRole,
    ActiveServer,
    AuditEntry,
    Commit,
    DayState,
    DeviceToken,
    Event,
    History,
    Role,
    SkmSums,
    StoredToken,
    Suggestion,
)
from server.storage.report_rows import visits_from_rows, visits_query
from server.storage.repository import (
    INSERT_TICKET,
    UPDATE_SERVICE_NOTE,
    UPDATE_TICKET,
    UPSERT_COUNTER,
    UPSERT_SERVICE_STATE,
    ticket_row,
)
from server.storage.schema import DATABASE_FILE, SCHEMA_VERSION, connect, open_database
from server.storage.writer import Writer, WriterOwner

_Result = TypeVar("_Result")
INSERT_EVENT = (
    "INSERT INTO events (id, v, type, at, day, ticket, counter, clerk, synthesized, tickets, "
    "data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
EVENT_COLUMNS = "id, v, type, at, day, ticket, counter, clerk, synthesized, tickets, data"


class SqliteStore(WriterOwner):
    """One office's database file in its data dir, and the lock that makes one writer."""

    def __init__(self, data_dir: Path, *, durable: bool = True) -> None:
        self.data_dir = data_dir
        self.path = data_dir / DATABASE_FILE
        self._durable = durable
        self._lock = DatabaseLock(data_dir)
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._guard = threading.Lock()
        self._writer: Writer | None = None
        self._write_connection: sqlite3.Connection | None = None
        self._log_id: str | None = None

    # ------------------------------------------------------------ who writes

    @property
    def description(self) -> str:
        return f"SQLite {self.path}"

    @property
    def log_id(self) -> str:
        if self._log_id is None:
            row = self._read().execute("SELECT value FROM meta WHERE key = 'log_id'").fetchone()
            if row is None:
                raise StorageError("the database has no log id: it was not migrated")
            self._log_id = str(row[0])
        return self._log_id

    def acquire(self) -> bool:
        if not self._lock.acquire():
            return False
        open_database(self.data_dir, durable=self._durable).close()  # create or migrate
        return True

    @property
    def takes_over(self) -> bool:
        return False  # a lock file on one PC: a second server there is a double start, not HA

    def take_over(self) -> bool:
        return False

    def holds_lease(self) -> bool:
        return True  # the kernel holds the lock until this process ends

    def stop_writing(self) -> None:
        return None

    def cluster_view(self) -> None:
        return None

    def open_existing(self) -> None:
        """For the CLIs: create or migrate the database without taking the server's lock."""
        open_database(self.data_dir, durable=self._durable).close()

    def announce_address(self, url: str) -> None:
        self._lock.describe(url)

    def active_server(self) -> ActiveServer | None:
        return self._lock.active()

    # ------------------------------------------------------------ reading

    def _read(self) -> sqlite3.Connection:
        """A connection of this thread's own (sqlite3 connections are not shared)."""
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = connect(self.path, durable=self._durable)
            self._local.connection = connection
            with self._guard:
                self._connections.append(connection)
        return connection

    def load_day(self, day: date) -> DayState:
        connection = self._read()
        try:
            tickets, counters, next_id = repository.load_day(connection, day)
            closed = repository.load_closed_services(connection)
            notes = repository.load_closed_notes(connection)
            head = self._head(connection)
        except sqlite3.Error as exc:
            raise StorageError(f"cannot read today's queue: {exc}") from exc
        return DayState(
            tuple(tickets), tuple(counters), frozenset(closed), next_id, head, closed_notes=notes
        )

    def load_settings(self) -> dict[str, Any] | None:
        try:
            row = self._read().execute("SELECT document FROM settings WHERE id = 1").fetchone()
        except sqlite3.Error as exc:
            raise StorageError(f"cannot read the office settings: {exc}") from exc
        if row is None:
            return None
        document: dict[str, Any] = json.loads(row[0])
        return document

    def load_ticket(self, ticket_id: int) -> Ticket | None:
        return repository.load_ticket(self._read(), ticket_id)

    def events_after(self, after_id: int, limit: int) -> Sequence[Event]:
        rows = (
            self._read()
            .execute(
                f"SELECT {EVENT_COLUMNS} FROM events WHERE id > ? ORDER BY id LIMIT ?",
                (after_id, limit),
            )
            .fetchall()
        )
        return [_event_from_row(row) for row in rows]

    def head_event_id(self) -> int:
        return self._head(self._read())

    def visits_between(
        self, first: date, last: date, service: str | None = None, counter: int | None = None
    ) -> Sequence[Visit]:
        sql, parameters = visits_query("?", first, last, service, counter)
        values = tuple(value.isoformat() if isinstance(value, date) else value
                       for value in parameters)  # fmt: skip
        try:
            rows = self._read().execute(sql, values).fetchall()
        except sqlite3.Error as exc:
            raise StorageError(f"cannot read the visits for the report: {exc}") from exc
        return visits_from_rows(rows)

    @staticmethod
    def _head(connection: sqlite3.Connection) -> int:
        return int(connection.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0])

    # ------------------------------------------------------------ writing

    def start_writer(self, loop: asyncio.AbstractEventLoop) -> None:
        self._write_connection = connect(
            self.path, durable=self._durable, lock_timeout_s=writer_module.LOCK_TIMEOUT_S
        )
        self._writer = Writer(self, loop)

    def write_batch(self, commits: Sequence[Commit]) -> None:
        connection = self._write_connection
        assert connection is not None, "start_writer() was not called"
        try:
            connection.execute("BEGIN IMMEDIATE")
            for commit in commits:
                _write_commit(connection, commit)
            connection.execute("COMMIT")
        except sqlite3.Error as exc:
            with contextlib.suppress(sqlite3.Error):
                connection.execute("ROLLBACK")
            raise StorageError(f"the database refused the write: {exc}") from exc

    def close_writer(self) -> None:
        if self._write_connection is not None:
            self._write_connection.close()
            self._write_connection = None

    # ------------------------------------------------------------ the SKM survey

    def survey_answered(self, ticket_id: int) -> bool:
        return self._query(survey_rows.survey_answered, ticket_id)

    def skm_sums(self, first: date, last: date, service: str | None) -> list[SkmSums]:
        return self._query(survey_rows.skm_sums, first.isoformat(), last.isoformat(), service)

    def served_count(self, first: date, last: date, service: str | None) -> int:
        return self._query(survey_rows.served_count, first.isoformat(), last.isoformat(), service)

    def suggestions(
        self, first: date, last: date, service: str | None, limit: int
    ) -> list[Suggestion]:
        return self._query(
            survey_rows.suggestions, first.isoformat(), last.isoformat(), service, limit
        )

    def latest_survey_day(self) -> date | None:
        return self._query(survey_rows.latest_answer_day)

    def survey_profiles(
        self, first: date, last: date, service: str | None
    ) -> dict[str, dict[str, int]]:
        return self._query(survey_rows.profile_counts, first.isoformat(), last.isoformat(), service)

    def delete_survey_profiles(self, before: date) -> int:
        return self._query(survey_rows.delete_profiles, before.isoformat())

    def _query(self, query: Callable[..., _Result], *params: object) -> _Result:
        try:
            return query(self._read(), "?", *params)
        except sqlite3.Error as exc:
            raise StorageError(f"cannot read the survey: {exc}") from exc

    # ------------------------------------------------------------ tokens

    def create_token(self, role: Role, name: str, counter: int | None, now: datetime) -> str:
        return repository.create_token(self._read(), role, name, counter, now)

    def find_token(self, secret: str) -> DeviceToken | None:
        return repository.find_token(self._read(), secret)

    def list_tokens(self) -> list[DeviceToken]:
        return repository.list_tokens(self._read())

    def revoke_token(self, name_or_id: str, now: datetime) -> int:
        return repository.revoke_token(self._read(), name_or_id, now)

    def tokens_version(self) -> int:
        return repository.tokens_version(self._read())

    def revoke_token_id(self, token_id: int, now: datetime) -> bool:
        return repository.revoke_token_id(self._read(), token_id, now)

    # ------------------------------------------------------------ accounts and audit

    def create_account(
        self, name: str, role: AccountRole, secret_hash: str, now: datetime
    ) -> Account:
        return accounts.create_account(self._read(), name, role, secret_hash, now)

    def list_accounts(self) -> list[Account]:
        return accounts.list_accounts(self._read())

    def account_credentials(self, name: str) -> tuple[Account, str] | None:
        return accounts.account_credentials(self._read(), name)

    def set_account_secret(self, name: str, secret_hash: str, now: datetime) -> bool:
        return accounts.set_account_secret(self._read(), name, secret_hash, now)

    def disable_account(self, name: str, now: datetime) -> bool:
        return accounts.disable_account(self._read(), name, now)

    def accounts_version(self) -> int:
        return accounts.accounts_version(self._read())

    def record_audit(self, entry: AuditEntry) -> None:
        accounts.record_audit(self._read(), entry)

    def audit_trail(self, limit: int) -> list[AuditEntry]:
        return accounts.audit_trail(self._read(), limit)

    # ------------------------------------------------------------ whole database

    def backup(self, destination: Path) -> None:
        repository.backup(self._read(), destination)

    def export_history(self) -> History:
        connection = connect(self.path, durable=self._durable)
        try:
            connection.execute("BEGIN")  # one consistent read
            log_id = connection.execute("SELECT value FROM meta WHERE key = 'log_id'").fetchone()
            tickets = [
                repository.ticket_from_row(row)
                for row in connection.execute(
                    f"SELECT {', '.join(repository.TICKET_COLUMNS)} FROM tickets ORDER BY id"
                )
            ]
            counters = [
                (
                    Counter(int(number), CounterState(state), current),
                    date.fromisoformat(day) if day else None,
                )
                for number, state, current, day in connection.execute(
                    "SELECT number, state, current, day FROM counters ORDER BY number"
                )
            ]
            closed = frozenset(repository.load_closed_services(connection))
            tokens = [
                StoredToken(repository.token_from_row(row[:6]), str(row[6]))
                for row in connection.execute(
                    "SELECT id, name, role, counter, created_at, revoked_at, token_hash "
                    "FROM tokens ORDER BY id"
                )
            ]
            events = [
                _event_from_row(row)
                for row in connection.execute(f"SELECT {EVENT_COLUMNS} FROM events ORDER BY id")
            ]
            people, audit, notes = accounts.read_for_history(connection)
            stored = connection.execute("SELECT document, event_id FROM settings").fetchone()
            surveys = survey_rows.read_surveys(connection)
            connection.execute("COMMIT")
        except sqlite3.Error as exc:
            raise StorageError(f"cannot read the database {self.path}: {exc}") from exc
        finally:
            connection.close()
        if log_id is None:
            raise StorageError(f"{self.path} has no office record (log id): migrate it first")
        return History(
            str(log_id[0]), tickets, counters, closed, tokens, events, people, audit, notes,
            settings=(str(stored[0]), int(stored[1])) if stored is not None else None,
            surveys=surveys,
        )  # fmt: skip

    def import_history(self, history: History) -> None:
        connection = connect(self.path, durable=self._durable)
        try:
            connection.execute("BEGIN IMMEDIATE")
            held = connection.execute(
                "SELECT (SELECT COUNT(*) FROM tickets) + (SELECT COUNT(*) FROM events)"
            ).fetchone()[0]
            if held:
                raise StorageError(f"{self.path} is not empty: it holds {held} rows")
            connection.executemany(
                INSERT_TICKET, [ticket_row(ticket) for ticket in history.tickets]
            )
            connection.executemany(
                "INSERT INTO counters (number, state, current, day) VALUES (?, ?, ?, ?)",
                [
                    (counter.number, str(counter.state), counter.current,
                     day.isoformat() if day else None)
                    for counter, day in history.counters
                ],
            )  # fmt: skip
            connection.executemany(
                UPSERT_SERVICE_STATE, [(code, 1) for code in sorted(history.closed_services)]
            )
            connection.execute("DELETE FROM tokens")
            connection.executemany(
                "INSERT INTO tokens (id, name, role, counter, token_hash, created_at, "
                "revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (item.token.id, item.token.name, str(item.token.role), item.token.counter,
                     item.token_hash, item.token.created_at, item.token.revoked_at)
                    for item in history.tokens
                ],
            )  # fmt: skip
            connection.executemany(INSERT_EVENT, [_event_row(event) for event in history.events])
            accounts.write_for_history(
                connection, history.accounts, history.audit, history.closed_notes
            )
            if history.settings is not None:
                connection.execute(UPSERT_SETTINGS, history.settings)
            answers, profiles = survey_rows.history_rows(history.surveys, date.isoformat)
            connection.executemany(survey_rows.insert_answer("?"), answers)
            connection.executemany(survey_rows.insert_profile("?"), profiles)
            connection.execute("UPDATE meta SET value = ? WHERE key = 'log_id'", (history.log_id,))
            connection.execute("COMMIT")
        except sqlite3.Error as exc:
            with contextlib.suppress(sqlite3.Error):
                connection.execute("ROLLBACK")
            raise StorageError(f"cannot fill {self.path}: {exc}") from exc
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                connection.execute("ROLLBACK")
            raise
        finally:
            connection.close()
        self._log_id = None

    def restore(self, source: Path) -> str:
        """Replace this database with a backup; the server must be stopped.

        The restored database gets a new `log_id`: the events after the backup are gone and
        their ids will be given again, so devices and the city must see another record,
        never the same ids with other contents. Returns where the old database was kept.
        """
        if not self._lock.acquire():
            raise StorageError("a server is running on this database: stop it, then restore")
        try:
            check_backup(source)
            kept = self.path.with_name(
                f"{self.path.name}.before-restore-{datetime.now().strftime('%Y%m%d-%H%M%S')}"
            )
            if self.path.exists():
                current = connect(self.path)
                try:
                    repository.backup(current, kept)
                finally:
                    current.close()
            target = connect(self.path, durable=True)
            backup_file = sqlite3.connect(source)
            try:
                backup_file.backup(target)
            finally:
                backup_file.close()
                target.close()
            connection = open_database(self.data_dir, durable=self._durable)
            try:
                connection.execute(
                    "UPDATE meta SET value = ? WHERE key = 'log_id'", (str(uuid.uuid4()),)
                )
            finally:
                connection.close()
        finally:
            self._lock.release()
        return str(kept)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        with self._guard:
            for connection in self._connections:
                with contextlib.suppress(sqlite3.Error):
                    connection.close()
            self._connections.clear()
        self._local = threading.local()
        self._lock.release()


def check_backup(source: Path) -> None:
    """Refuse a file that is not an Antrian database (before anything is replaced)."""
    if not source.is_file():
        raise StorageError(f"no backup file at {source}")
    try:
        connection = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            if connection.execute("PRAGMA integrity_check").fetchone() != ("ok",):
                raise StorageError(f"{source} is damaged (integrity check failed)")
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
            version = connection.execute("PRAGMA user_version").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.Error as exc:
        raise StorageError(f"{source} is not an Antrian backup: {exc}") from exc
    if "tickets" not in tables:
        raise StorageError(f"{source} is not an Antrian backup (it has no tickets)")
    if version > SCHEMA_VERSION:
        raise StorageError(f"{source} comes from a newer Antrian (schema {version}): upgrade")


UPSERT_SETTINGS = (
    "INSERT INTO settings (id, document, event_id) VALUES (1, ?, ?) "
    "ON CONFLICT (id) DO UPDATE SET document = excluded.document, event_id = excluded.event_id"
)


def _event_row(event: Event) -> tuple[object, ...]:
    return (
        event.id, event.v, event.type, event.at.isoformat(), event.day.isoformat(),
        event.ticket, event.counter, event.clerk, int(event.synthesized),
        dumps(list(event.tickets)), dumps(event.data),
    )  # fmt: skip


def _write_commit(connection: sqlite3.Connection, commit: Commit) -> None:
    event = commit.event
    connection.execute(INSERT_EVENT, _event_row(event))
    for ticket in commit.new_tickets:
        connection.execute(INSERT_TICKET, ticket_row(ticket))
    for ticket in commit.changed_tickets:
        row = ticket_row(ticket)
        cursor = connection.execute(UPDATE_TICKET, (*row[1:], row[0]))
        if cursor.rowcount != 1:  # a change to a ticket that is not there: never silently
            raise sqlite3.IntegrityError(f"ticket {ticket.id} is not in the database")
    for counter in commit.counters:
        connection.execute(
            UPSERT_COUNTER,
            (counter.number, str(counter.state), counter.current, event.day.isoformat()),
        )
    for code, closed in commit.service_states:
        connection.execute(UPSERT_SERVICE_STATE, (code, int(closed)))
    for code, note in commit.service_notes:
        connection.execute(UPDATE_SERVICE_NOTE, (note, code))
    if commit.settings is not None:
        connection.execute(UPSERT_SETTINGS, (commit.settings, event.id))
    if commit.survey is not None:
        survey = commit.survey
        day = survey.day.isoformat()
        connection.execute(
            survey_rows.insert_answer("?"), survey_rows.answer_row(survey, event.id, day)
        )
        if survey.has_profile:
            connection.execute(
                survey_rows.insert_profile("?"), survey_rows.profile_row(survey, day)
            )


def _event_from_row(row: tuple[object, ...]) -> Event:
    event_id, v, kind, at, day, ticket, counter, clerk, synthesized, tickets, data = row
    return Event(
        id=int(event_id),  # type: ignore[call-overload]
        v=int(v),  # type: ignore[call-overload]
        type=str(kind),
        at=datetime.fromisoformat(str(at)),
        day=date.fromisoformat(str(day)),
        ticket=int(ticket) if ticket is not None else None,  # type: ignore[call-overload]
        counter=int(counter) if counter is not None else None,  # type: ignore[call-overload]
        clerk=str(clerk) if clerk is not None else None,
        synthesized=bool(synthesized),
        tickets=tuple(json.loads(str(tickets))),
        data=json.loads(str(data)),
    )
