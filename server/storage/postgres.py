"""The office's record in PostgreSQL (psycopg 3): for an MPP, or several server PCs on one database.

The writer thread owns one connection and stores each batch of commits in one transaction
(pipelined statements: one round trip for the whole batch, then the durable COMMIT); reads
use connections of their own, one per thread. Every write transaction checks the lease
(`server.storage.postgres_lease`), so a server that lost it stores nothing. Every
PostgreSQL error is raised as `StorageError`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import shutil
import tempfile
import time
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict

from server.domain.model import Counter, CounterState, Ticket
from server.errors import StorageError
from server.reports.visit import Visit
from server.storage import postgres_export, survey_rows
from server.storage import writer as writer_module
from server.storage.port import (
    Account,
    AccountRole,
    ActiveServer,
    AuditEntry,
    ClusterView,
    Commit,
    DayState,
    DeviceToken,
    Event,
    History,
    ReplicaState,
    Role,
    SkmSums,
    Suggestion,
    with_clerks,
)
from server.storage.postgres_accounts import AccountTable
from server.storage.postgres_lease import Fenced, Lease
from server.storage.postgres_rows import (
    EVENT_COLUMNS,
    INSERT_EVENT,
    INSERT_TICKET,
    SELECT_SIGN_INS,
    SELECT_TICKETS,
    UPDATE_SERVICE_NOTE,
    UPDATE_TICKET,
    UPSERT_COUNTER,
    UPSERT_SERVICE_STATE,
    event_from_row,
    event_row,
    ticket_row,
)
from server.storage.postgres_schema import (
    SCHEMA_VERSION,
    ThreadConnections,
    bootstrap,
    connect,
    migrate,
    schema_version,
)
from server.storage.postgres_tokens import TokenSnapshot, TokenTable
from server.storage.postgres_watchdog import Watchdog
from server.storage.report_rows import visits_from_rows, visits_query
from server.storage.repository import ticket_from_row
from server.storage.schema import DATABASE_FILE
from server.storage.writer import Writer, WriterOwner

log = logging.getLogger(__name__)
WATCHDOG_MARGIN_S = 1.0
IDLE_IN_WRITE = "1s"  # < RENEW_DEADLINE_S: a stuck write never delays a takeover
READ_TIMEOUT = "10s"  # a read stuck behind another session's lock fails instead of hanging
VISITS_CHUNK_ROWS = 5000  # the rows of a report read per round trip


def describe_url(url: str) -> str:
    """`PostgreSQL user@host:port/database`, never the password."""
    try:
        parts = conninfo_to_dict(url)
    except psycopg.Error:
        return "PostgreSQL (unreadable URL)"
    user = f"{parts['user']}@" if parts.get("user") else ""
    host = parts.get("host") or "localhost"
    return f"PostgreSQL {user}{host}:{parts.get('port') or 5432}/{parts.get('dbname') or ''}"


class PostgresStore(WriterOwner):
    """One office's record in a PostgreSQL database, and the lease that makes one writer."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._description = describe_url(url)
        self._lease = Lease(url)
        self._readers = ThreadConnections(url, READ_TIMEOUT)
        self._reading = self._readers.reading
        self._writer: Writer | None = None
        self._write_connection: psycopg.Connection[Any] | None = None
        self._lock_timeout_s = writer_module.LOCK_TIMEOUT_S
        self._log_id: str | None = None
        self.tokens = TokenTable(self._reading)
        self.accounts = AccountTable(self._reading)
        self._token_snapshot: TokenSnapshot | None = None  # the active server's, once writing
        self._watchdog: Watchdog | None = None

    # ------------------------------------------------------------ who writes

    @property
    def description(self) -> str:
        return self._description

    @property
    def log_id(self) -> str:
        if self._log_id is None:
            with self._reading("the log id") as connection:
                row = connection.execute("SELECT value FROM meta WHERE key = 'log_id'").fetchone()
            if row is None:
                raise StorageError("the database has no log id: it was not migrated")
            self._log_id = str(row[0])
        return self._log_id

    def acquire(self) -> bool:
        if not self._lease.acquire():
            return False
        self._migrate_holding_the_lease()
        return True

    def take_over(self) -> bool:
        """For a standby: take the lease once the active server stopped renewing it."""
        if not self._lease.take_if_expired():
            return False
        self._migrate_holding_the_lease()
        self._log_id = None
        return True

    def _migrate_holding_the_lease(self) -> None:
        """Bring the schema up to date under the lease just taken; give it back on failure."""
        try:
            with self._reading("the schema") as connection:
                migrate(connection, fence=self._lease.fence)
        except BaseException:
            self._lease.release()
            raise

    @property
    def takes_over(self) -> bool:
        return True

    def holds_lease(self) -> bool:
        return self._lease.held

    def stop_writing(self) -> None:
        """The lease is lost: stop the writer (what is queued fails) and renew nothing more."""
        self._lease.give_up()
        self._stop_writer()

    def _stop_writer(self) -> None:
        if self._token_snapshot is not None:
            self._token_snapshot.stop()
            self._token_snapshot = None
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        if self._watchdog is not None:
            self._watchdog.stop()
            self._watchdog = None

    def open_existing(self) -> None:
        """For the CLIs: create the schema if there is none, never taking the lease."""
        with self._reading("the schema") as connection:
            bootstrap(connection)
            version = schema_version(connection)
            if 0 < version < SCHEMA_VERSION and Lease.active(connection) is not None:
                raise StorageError(
                    f"the database has schema version {version} and a server of an older "
                    "Antrian is running on it: upgrade that server first"
                )
            migrate(connection)

    def announce_address(self, url: str) -> None:
        self._lease.announce(url)

    def active_server(self) -> ActiveServer | None:
        with self._reading("the lease") as connection:
            return Lease.active(connection)

    def cluster_view(self) -> ClusterView | None:
        """Reads only: the lease, the standbys' sessions, pg_stat_replication (when visible)."""
        with self._reading("who serves the database") as connection:
            active = Lease.active(connection)
            names = connection.execute(
                "SELECT DISTINCT application_name FROM pg_stat_activity "
                "WHERE datname = current_database() AND application_name LIKE 'antrian:%%:standby' "
                "AND application_name <> %s ORDER BY 1",
                (self._lease.application_name("standby"),),  # never itself
            ).fetchall()
            replicas = connection.execute(
                "SELECT application_name, client_addr::text, state, sync_state, "
                "CASE WHEN pg_is_in_recovery() THEN NULL "
                "ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint END, "
                "EXTRACT(EPOCH FROM replay_lag)::float8 FROM pg_stat_replication ORDER BY 1"
            ).fetchall()
        return ClusterView(
            active,
            tuple(str(name).removeprefix("antrian:").removesuffix(":standby") for (name,) in names),
            tuple(
                ReplicaState(
                    str(name),
                    address,
                    state,
                    sync,
                    int(lag) if lag is not None else None,
                    round(float(lag_s), 3) if lag_s is not None else None,
                )
                for name, address, state, sync, lag, lag_s in replicas
            ),
        )

    # ------------------------------------------------------------ reading

    def load_day(self, day: date) -> DayState:
        with self._reading("today's queue") as connection, connection.transaction():
            connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            rows = connection.execute(f"{SELECT_TICKETS} WHERE day = %s ORDER BY id", (day,))
            tickets = tuple(ticket_from_row(row) for row in rows.fetchall())
            counters = []
            for number, state, current, counter_day in connection.execute(
                "SELECT number, state, current, day FROM counters ORDER BY number"
            ).fetchall():
                # a counter keeps its pause state across days, never yesterday's ticket
                keep = current if counter_day == day else None
                counters.append(Counter(int(number), CounterState(state), keep))
            sign_ins = connection.execute(SELECT_SIGN_INS, (day,)).fetchall()
            closed = connection.execute("SELECT code FROM service_states WHERE closed").fetchall()
            notes = connection.execute(
                "SELECT code, note FROM service_states WHERE closed AND note IS NOT NULL"
            ).fetchall()
            highest = connection.execute("SELECT COALESCE(MAX(id), 0) FROM tickets").fetchone()
            head = connection.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()
        assert highest is not None and head is not None
        return DayState(
            tickets, tuple(with_clerks(counters, sign_ins)),
            frozenset(str(code) for (code,) in closed),
            int(highest[0]) + 1, int(head[0]),
            closed_notes={str(code): str(note) for code, note in notes},
        )  # fmt: skip

    def load_settings(self) -> dict[str, Any] | None:
        with self._reading("the office settings") as connection:
            row = connection.execute("SELECT document FROM settings WHERE id = 1").fetchone()
        if row is None:
            return None
        document: dict[str, Any] = json.loads(row[0])
        return document

    def load_ticket(self, ticket_id: int) -> Ticket | None:
        with self._reading("a ticket") as connection:
            row = connection.execute(f"{SELECT_TICKETS} WHERE id = %s", (ticket_id,)).fetchone()
        return ticket_from_row(row) if row is not None else None

    def events_after(self, after_id: int, limit: int) -> Sequence[Event]:
        with self._reading("the record") as connection:
            rows = connection.execute(
                f"SELECT {EVENT_COLUMNS} FROM events WHERE id > %s ORDER BY id LIMIT %s",
                (after_id, limit),
            ).fetchall()
        return [event_from_row(row) for row in rows]

    def head_event_id(self) -> int:
        with self._reading("the record") as connection:
            row = connection.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()
        assert row is not None
        return int(row[0])

    def visits_between(
        self, first: date, last: date, service: str | None = None, counter: int | None = None
    ) -> Sequence[Visit]:
        sql, parameters = visits_query("%s", first, last, service, counter)
        found: list[Visit] = []
        # a server-side cursor, read in chunks: the database's process makes the next rows
        # only as fast as the (low-priority) reports' worker takes them, instead of all
        # 150,000 of a year at once at full speed beside the server's writes
        with (
            self._reading("the visits for the report") as connection,
            connection.transaction(),
            connection.cursor(name="report_visits") as cursor,
        ):
            cursor.execute(sql, parameters)
            while rows := cursor.fetchmany(VISITS_CHUNK_ROWS):
                found += visits_from_rows(rows)
        return found

    # ------------------------------------------------------------ the SKM survey

    def survey_answered(self, ticket_id: int) -> bool:
        with self._reading("the survey") as connection:
            return survey_rows.survey_answered(connection, "%s", ticket_id)

    def skm_sums(self, first: date, last: date, service: str | None) -> list[SkmSums]:
        with self._reading("the survey") as connection:
            return survey_rows.skm_sums(connection, "%s", first, last, service)

    def served_count(self, first: date, last: date, service: str | None) -> int:
        with self._reading("the survey") as connection:
            return survey_rows.served_count(connection, "%s", first, last, service)

    def suggestions(
        self, first: date, last: date, service: str | None, limit: int
    ) -> list[Suggestion]:
        with self._reading("the survey") as connection:
            return survey_rows.suggestions(connection, "%s", first, last, service, limit)

    def latest_survey_day(self) -> date | None:
        with self._reading("the survey") as connection:
            return survey_rows.latest_answer_day(connection, "%s")

    def survey_profiles(
        self, first: date, last: date, service: str | None
    ) -> dict[str, dict[str, int]]:
        with self._reading("the survey") as connection:
            return survey_rows.profile_counts(connection, "%s", first, last, service)

    def delete_survey_profiles(self, before: date) -> int:
        with self._reading("the survey") as connection:
            return survey_rows.delete_profiles(connection, "%s", before)

    # ------------------------------------------------------------ writing

    def start_writer(self, loop: asyncio.AbstractEventLoop) -> None:
        self._lock_timeout_s = writer_module.LOCK_TIMEOUT_S
        # a batch may wait this long for a lock, then the server's own timeouts answer;
        # beyond that the database is not answering at all
        self._watchdog = Watchdog(2 * self._lock_timeout_s + WATCHDOG_MARGIN_S)
        self._writer = Writer(self, loop)
        self._token_snapshot = TokenSnapshot(self.tokens, lambda: connect(self.url))
        self._token_snapshot.start()

    def _writing(self) -> psycopg.Connection[Any]:
        connection = self._write_connection
        if connection is None or connection.closed or connection.broken:
            self.close_writer()
            # a commit waiting for another session's lock fails well inside a kiosk's
            # timeout; durable: the COMMIT returns once the WAL is flushed. A transaction
            # whose COMMIT never arrives (this PC's cable pulled) holds the lease row's lock
            # that a takeover needs: the database ends it after 1 s, before the lease expires
            wait_ms = round(self._lock_timeout_s * 1000)
            # named, so that a standby taking over can end a write this one left open
            connection = connect(
                self.url, application_name=self._lease.application_name("writer"),
                lock_timeout=f"{wait_ms}ms", statement_timeout=f"{2 * wait_ms}ms",
                synchronous_commit="on", idle_in_transaction_session_timeout=IDLE_IN_WRITE,
            )  # fmt: skip
            self._write_connection = connection
        return connection

    def write_batch(self, commits: Sequence[Commit]) -> None:
        epoch = self._lease.epoch
        if not self._lease.held or epoch is None:  # known already: do not even send the batch
            raise Fenced("this server lost the database's lease: it writes nothing")
        rows = BatchRows.of(commits)
        connection = self._writing()
        watchdog = self._watchdog
        assert watchdog is not None, "start_writer() was not called"
        sent = time.monotonic()
        try:
            with (
                watchdog.watching(connection),
                connection.transaction(),
                connection.pipeline(),
                connection.cursor() as cursor,
            ):
                cursor.executemany(INSERT_EVENT, rows.events)
                if rows.new_tickets:
                    cursor.executemany(INSERT_TICKET, rows.new_tickets)
                if rows.counters:
                    cursor.executemany(UPSERT_COUNTER, rows.counters)
                if rows.service_states:
                    cursor.executemany(UPSERT_SERVICE_STATE, rows.service_states)
                if rows.service_notes:
                    cursor.executemany(UPDATE_SERVICE_NOTE, rows.service_notes)
                if rows.settings is not None:
                    cursor.execute(UPSERT_SETTINGS, rows.settings)
                if rows.survey_answers:
                    cursor.executemany(survey_rows.insert_answer("%s"), rows.survey_answers)
                if rows.survey_profiles:
                    cursor.executemany(survey_rows.insert_profile("%s"), rows.survey_profiles)
                with connection.cursor() as updates:
                    if rows.changed_tickets:
                        updates.executemany(UPDATE_TICKET, rows.changed_tickets)
                    # last, so that the lease row is locked only briefly; fetching its answer
                    # sends the whole batch at once. A cursor of its own: fetching on the
                    # cursor of a long executemany (some 500 rows) may read an INSERT's
                    # result instead ("the last operation didn't produce records")
                    with connection.cursor() as fencing:
                        self._lease.fence(fencing)
                    updated = updates.rowcount if rows.changed_tickets else 0
                if updated != len(rows.changed_tickets):
                    # a change to a ticket that is not there: never silently
                    raise StorageError(
                        f"{len(rows.changed_tickets) - updated} of the changed tickets are "
                        "not in the database: nothing was stored"
                    )
        except psycopg.Error as exc:
            # a connection left in a failed pipeline may not be broken, only unusable: the
            # next batch gets a new one
            self.close_writer()
            raise StorageError(f"the database refused the write: {exc}".strip()) from exc
        self._lease.renewed(sent, epoch)  # its fence renewed the lease as well

    def close_writer(self) -> None:
        if self._write_connection is not None:
            with contextlib.suppress(psycopg.Error):
                self._write_connection.close()
            self._write_connection = None

    # ------------------------------------------------------------ tokens

    def create_token(self, role: Role, name: str, counter: int | None, now: datetime) -> str:
        secret = self.tokens.create(role, name, counter, now)
        self._tokens_changed()
        return secret

    def find_token(self, secret: str) -> DeviceToken | None:
        if self._token_snapshot is not None:
            return self._token_snapshot.find(secret)
        return self.tokens.find(secret)

    def list_tokens(self) -> list[DeviceToken]:
        return self.tokens.list()

    def revoke_token(self, name_or_id: str, now: datetime) -> int:
        revoked = self.tokens.revoke(name_or_id, now)
        self._tokens_changed()
        return revoked

    def _tokens_changed(self) -> None:
        # a change made through this store is seen at once, not at the next refresh
        if self._token_snapshot is not None:
            self._token_snapshot.refresh()

    def tokens_version(self) -> int:
        if self._token_snapshot is not None:
            return self._token_snapshot.version()
        return self.tokens.version()

    def revoke_token_id(self, token_id: int, now: datetime) -> bool:
        revoked = self.tokens.revoke_id(token_id, now)
        self._tokens_changed()
        return revoked

    # ------------------------------------------------------------ accounts and audit

    def create_account(
        self, name: str, role: AccountRole, secret_hash: str, now: datetime
    ) -> Account:
        return self.accounts.create(name, role, secret_hash, now)

    def list_accounts(self) -> list[Account]:
        return self.accounts.all()

    def account_credentials(self, name: str) -> tuple[Account, str] | None:
        return self.accounts.credentials(name)

    def set_account_secret(self, name: str, secret_hash: str, now: datetime) -> bool:
        return self.accounts.set_secret(name, secret_hash, now)

    def disable_account(self, name: str, now: datetime) -> bool:
        return self.accounts.disable(name, now)

    def accounts_version(self) -> int:
        return self.accounts.version()

    def record_audit(self, entry: AuditEntry) -> None:
        self.accounts.record(entry)

    def audit_trail(self, limit: int) -> list[AuditEntry]:
        return self.accounts.trail(limit)

    # ------------------------------------------------------------ whole database

    def backup(self, destination: Path) -> None:
        """A consistent copy as an Antrian SQLite database file (what SQLite's backup writes)."""
        connection = connect(self.url)
        try:
            postgres_export.export_to_sqlite(connection, destination)
        except psycopg.Error as exc:
            raise StorageError(f"backup to {destination} failed: {exc}") from exc
        finally:
            connection.close()

    def export_history(self) -> History:
        connection = connect(self.url)
        try:
            return postgres_export.read_history(connection)
        except psycopg.Error as exc:
            raise StorageError(f"cannot read {self._description}: {exc}") from exc
        finally:
            connection.close()

    def import_history(self, history: History) -> None:
        """Fill an empty database (no server running on it) with `history`, same log id."""
        self._replace_history(history, history.log_id, empty_only=True)

    def restore(self, source: Path) -> str:
        """Replace this database's contents with a backup file; no server may be running.

        Like SQLite's restore: the backup is checked first, the current contents are kept as
        a backup file beside it (returned), and the record gets a new `log_id`.
        """
        from server.storage.sqlite import SqliteStore, check_backup

        self.open_existing()
        if self.active_server() is not None:
            raise StorageError(f"a server is running on {self._description}: stop it, then restore")
        check_backup(source)
        with tempfile.TemporaryDirectory(prefix="antrian-restore-") as directory:
            shutil.copyfile(source, Path(directory) / DATABASE_FILE)
            backup_store = SqliteStore(Path(directory))
            try:
                backup_store.open_existing()  # an older backup is migrated on the copy
                history = backup_store.export_history()
            finally:
                backup_store.close()
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        kept = source.with_name(f"postgresql-before-restore-{stamp}.sqlite3")
        self.backup(kept)
        self._replace_history(history, str(uuid.uuid4()), empty_only=False)
        return str(kept)

    def _replace_history(self, history: History, log_id: str, *, empty_only: bool) -> None:
        self.open_existing()
        connection = connect(self.url)
        try:
            with connection.transaction(), connection.cursor() as cursor:
                # taken like a server takes the lease: no server may start meanwhile
                cursor.execute("SELECT holder FROM lease WHERE id = 1 FOR UPDATE")
                if Lease.active(connection) is not None:
                    raise StorageError(f"a server is running on {self._description}: stop it first")
                cursor.execute(
                    "SELECT (SELECT count(*) FROM tickets) + (SELECT count(*) FROM events)"
                )
                held = cursor.fetchone()
                if empty_only and held is not None and held[0]:
                    raise StorageError(f"{self._description} is not empty: it holds {held[0]} rows")
                cursor.execute(
                    "TRUNCATE tickets, counters, service_states, tokens, events, accounts, audit, "
                    "settings, survey_answers, survey_profiles"
                )
                postgres_export.write_history(cursor, history, log_id)
        except psycopg.Error as exc:
            raise StorageError(f"cannot fill {self._description}: {exc}") from exc
        finally:
            connection.close()
        self._log_id = None

    def close(self) -> None:
        self._stop_writer()
        self._lease.release()
        self._readers.close()


UPSERT_SETTINGS = (
    "INSERT INTO settings (id, document, event_id) VALUES (1, %s, %s) "
    "ON CONFLICT (id) DO UPDATE SET document = excluded.document, event_id = excluded.event_id"
)


class BatchRows:
    """The rows of a batch of commits, each row once in its last state."""

    def __init__(self) -> None:
        self.events: list[tuple[object, ...]] = []
        self.new_tickets: list[tuple[object, ...]] = []
        self.changed_tickets: list[tuple[object, ...]] = []
        self.counters: list[tuple[object, ...]] = []
        self.service_states: list[tuple[object, ...]] = []
        self.service_notes: list[tuple[object, ...]] = []  # (note, code)
        self.settings: tuple[object, ...] | None = None  # (document, event id), the last
        self.survey_answers: list[tuple[object, ...]] = []
        self.survey_profiles: list[tuple[object, ...]] = []

    @classmethod
    def of(cls, commits: Sequence[Commit]) -> BatchRows:
        new: dict[int, Ticket] = {}
        changed: dict[int, Ticket] = {}
        counters: dict[int, tuple[object, ...]] = {}
        services: dict[str, tuple[object, ...]] = {}
        notes: dict[str, tuple[object, ...]] = {}
        rows = cls()
        for commit in commits:
            event = commit.event
            rows.events.append(event_row(event))
            for ticket in commit.new_tickets:
                if ticket.id in new or ticket.id in changed:
                    raise StorageError(f"ticket {ticket.id} was issued twice: nothing was stored")
                new[ticket.id] = ticket
            for ticket in commit.changed_tickets:
                # a ticket issued in this batch is inserted as it ends the batch
                (new if ticket.id in new else changed)[ticket.id] = ticket
            for counter in commit.counters:
                counters[counter.number] = (
                    counter.number, str(counter.state), counter.current, event.day,
                )  # fmt: skip
            for code, closed in commit.service_states:
                services[code] = (code, closed)
            for code, note in commit.service_notes:
                notes[code] = (note, code)
            if commit.settings is not None:
                rows.settings = (commit.settings, event.id)
            if commit.survey is not None:
                survey = commit.survey
                rows.survey_answers.append(survey_rows.answer_row(survey, event.id, survey.day))
                if survey.has_profile:
                    rows.survey_profiles.append(survey_rows.profile_row(survey, survey.day))
        rows.new_tickets = [ticket_row(ticket) for ticket in new.values()]
        rows.changed_tickets = [
            (*row[1:], row[0]) for row in (ticket_row(ticket) for ticket in changed.values())
        ]
        rows.counters = list(counters.values())
        rows.service_states = list(services.values())
        rows.service_notes = list(notes.values())
        return rows
