"""The central's database: offices, their events exactly once and in order, the projections.

Every method blocks and may be called from any thread (each thread has its own
connection); the web layer calls them through its executor, never on the event loop.

Ingest (`ingest`) is one transaction per batch with the office's row locked
(`SELECT … FOR UPDATE`), so two central processes behind one database serialise each
office's batches: the second sees the first's `last_event_id` and skips the overlap.
Events go in with COPY; the tickets and counters projections are upserted in the same
transaction, each row only by a newer event than the one that left it so.

An office has one or more records (`Record`): the first is stored under the office's own
row id, each later one (taken by `renew` after a re-install or a restore) under a row of
its own (`central.schema`). Ingest writes to the current record (`Office.record`: the
newest, unless renew took an older one back); the reports read all of them
(`Office.records`).
"""

from __future__ import annotations

import contextlib
import logging
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import orjson
import psycopg
from psycopg.types.json import Jsonb

from central.batch import Batch, TicketState
from central.errors import IngestConflict, NothingToRenew, OfficeExists, UnknownOffice
from central.schema import migrate
from server.errors import StorageError
from server.storage.port import Account
from server.storage.postgres_accounts import AccountTable
from server.storage.postgres_schema import ThreadConnections
from server.storage.repository import hash_token

log = logging.getLogger(__name__)
READ_TIMEOUT = "20s"
# The dashboard's and reports' queries run in tenths of a second; with a renewed office
# their NOT EXISTS puts the planner's cost over PostgreSQL's JIT thresholds, and compiling
# them cost more (0.3 s a query) than it could save: the central's connections run
# without JIT
READ_SETTINGS = {"jit": "off"}
OFFICE_COLUMNS = (
    "id, name, log_id, last_event_id, last_seen, conflict_log_id, conflict_at, utc_offset_s, "
    "clock_skew_s, targets, created_at, COALESCE(current_record, id)"
)
# a refused record not heard of for this long, while the current one is, is let go: the PC
# that pushed it is off (a refused forwarder asks again every minute)
CONFLICT_QUIET = timedelta(minutes=10)
# every record row of the offices asked (`office = ANY(%s)`), oldest first
RECORDS_QUERY = (
    "SELECT COALESCE(record_of, id), id, log_id, last_event_id, created_at FROM offices "
    "WHERE COALESCE(record_of, id) = ANY(%s) ORDER BY id"
)
EVENT_COPY_COLUMNS = (
    "office, id, v, type, at, office_name, at_time, day, ticket, counter, clerk, synthesized, "
    "tickets, data"
)
UPSERT_TICKET = (
    "INSERT INTO tickets (office, id, day, number, issued_service, service, priority, status, "
    "issued_at, called_at, finished_at, counter, requeued, transferred_from, event_id, record) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
    "ON CONFLICT (office, id) DO UPDATE SET day = excluded.day, number = excluded.number, "
    "issued_service = excluded.issued_service, service = excluded.service, "
    "priority = excluded.priority, status = excluded.status, issued_at = excluded.issued_at, "
    "called_at = excluded.called_at, finished_at = excluded.finished_at, "
    "counter = excluded.counter, requeued = excluded.requeued, "
    "transferred_from = excluded.transferred_from, event_id = excluded.event_id, "
    "record = excluded.record WHERE tickets.event_id < excluded.event_id"
)
UPSERT_COUNTER = (
    "INSERT INTO counters (office, number, state, day, event_id) VALUES (%s, %s, %s, %s, %s) "
    "ON CONFLICT (office, number) DO UPDATE SET state = excluded.state, day = excluded.day, "
    "event_id = excluded.event_id WHERE counters.event_id < excluded.event_id"
)


@dataclass(frozen=True, slots=True)
class Record:
    """One record (event log, `log_id`) an office pushed, stored under the row `id`."""

    id: int
    log_id: str | None
    last_event_id: int
    since: datetime  # when the central took it (the office added, or renewed)


@dataclass(frozen=True, slots=True)
class Office:
    """An office as the central knows it; `log_id` and `last_event_id` are its current
    record's (`record`, the one it pushes; the newest unless renew took an older one back)."""

    id: int
    name: str
    log_id: str | None
    last_event_id: int
    last_seen: datetime | None
    conflict_log_id: str | None
    conflict_at: datetime | None
    utc_offset_s: int | None
    clock_skew_s: float | None
    targets: dict[str, int]
    records: tuple[Record, ...]
    record: int  # the row id the current record's events are stored under

    @property
    def conflict_is_older_record(self) -> bool:
        """The refused record is one the office had before: an old PC still pushing."""
        return self.conflict_log_id is not None and any(
            record.log_id == self.conflict_log_id for record in self.records
        )

    @property
    def record_ids(self) -> list[int]:
        """Every record's row id, oldest first (reports read `office = ANY(…)`)."""
        return [record.id for record in self.records]

    def today(self, now: datetime) -> date:
        """The office's own date now (from the UTC offset its events carry)."""
        return (now + timedelta(seconds=self.utc_offset_s or 0)).astimezone(UTC).date()


@dataclass(frozen=True, slots=True)
class Stored:
    """What an accepted batch did: how many events were new, and the newest id held."""

    stored: int
    last_event_id: int


def office_from_row(row: Sequence[Any], records: Sequence[Record] = ()) -> Office:
    """An office from its row (OFFICE_COLUMNS) and its later records' rows."""
    first = Record(id=int(row[0]), log_id=row[2], last_event_id=int(row[3]), since=row[10])
    every = (first, *records)
    current = next(record for record in every if record.id == int(row[11]))
    return Office(
        id=int(row[0]), name=str(row[1]), log_id=current.log_id,
        last_event_id=current.last_event_id, last_seen=row[4], conflict_log_id=row[5],
        conflict_at=row[6], utc_offset_s=row[7], clock_skew_s=row[8],
        targets=dict(row[9] or {}), records=every, record=current.id,
    )  # fmt: skip


def offices_from_rows(
    connection: psycopg.Connection[Any], rows: Sequence[Sequence[Any]]
) -> list[Office]:
    """The offices of these rows, each with its later records (one more query)."""
    later: dict[int, list[Record]] = {int(row[0]): [] for row in rows}
    if rows:
        for office_id, record_id, log_id, last_id, since in connection.execute(
            RECORDS_QUERY, (list(later),)
        ).fetchall():
            if record_id != office_id:
                later[office_id].append(Record(int(record_id), log_id, int(last_id), since))
    return [office_from_row(row, later[int(row[0])]) for row in rows]


def _json(value: Any) -> str:
    return orjson.dumps(value).decode("utf-8")


class CentralStore:
    """The city's PostgreSQL database."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._readers = ThreadConnections(url, READ_TIMEOUT, **READ_SETTINGS)
        self._reading = self._readers.reading
        self.accounts = AccountTable(self._reading)

    def open(self) -> None:
        """Connect and migrate (under an advisory lock: several processes may start at once)."""
        with self._reading("the schema") as connection:
            migrate(connection)

    def close(self) -> None:
        self._readers.close()

    # ------------------------------------------------------------ offices and tokens

    def add_office(self, name: str, now: datetime) -> tuple[Office, str]:
        """A new office and its token's secret (shown once, only its hash is kept)."""
        secret = f"city_{secrets.token_urlsafe(24)}"
        try:
            with self._reading("the offices") as connection:
                row = connection.execute(
                    "INSERT INTO offices (name, token_hash, created_at) VALUES (%s, %s, %s) "
                    f"RETURNING {OFFICE_COLUMNS}",
                    (name, hash_token(secret), now),
                ).fetchone()
        except StorageError as exc:
            if isinstance(exc.__cause__, psycopg.errors.UniqueViolation):
                raise OfficeExists(f"Kantor bernama {name!r} sudah ada.") from exc
            raise
        assert row is not None
        return office_from_row(row), secret

    def offices(self) -> list[Office]:
        """Every office (never a later record's row), by name."""
        return self._offices("record_of IS NULL ORDER BY lower(name), id", ())

    def office(self, office_id: int) -> Office | None:
        found = self._offices("id = %s AND record_of IS NULL", (office_id,))
        return found[0] if found else None

    def office_for_token(self, secret: str) -> Office | None:
        found = self._offices("token_hash = %s", (hash_token(secret),))
        return found[0] if found else None

    def _offices(self, where: str, parameters: Sequence[Any]) -> list[Office]:
        with self._reading("the offices") as connection, connection.transaction():
            rows = connection.execute(
                f"SELECT {OFFICE_COLUMNS} FROM offices WHERE {where}", parameters
            ).fetchall()
            return offices_from_rows(connection, rows)

    def renew(self, name: str, now: datetime) -> tuple[Office, bool]:
        """Take the record the office `name` pushed and was refused (`conflict_log_id`) as
        its current one, and clear the conflict; True when it is a record the office had
        before (renew taken back: that older record goes on where it stopped), else it is
        a new record row (`record_of`), empty. No record is changed. The office's row is
        locked (`FOR UPDATE`) as ingest locks it, so a push in flight is stored before or
        after."""
        with self._reading("the offices") as connection, connection.transaction():
            row = connection.execute(
                "SELECT id, name, conflict_log_id FROM offices "
                "WHERE lower(name) = lower(%s) AND record_of IS NULL FOR UPDATE",
                (name,),
            ).fetchone()
            if row is None:
                raise UnknownOffice(f"Tidak ada kantor bernama {name!r}.")
            office_id, known_name, refused = int(row[0]), str(row[1]), row[2]
            if refused is None:
                raise NothingToRenew(
                    f"Kantor {known_name}: tidak ada catatan baru yang ditolak, jadi tidak ada "
                    "yang perlu diterima."
                )
            held = connection.execute(
                "SELECT id FROM offices WHERE (id = %s OR record_of = %s) AND log_id = %s",
                (office_id, office_id, refused),
            ).fetchone()
            if held is not None:
                record = int(held[0])
            else:
                inserted = connection.execute(
                    "INSERT INTO offices (record_of, created_at, log_id, last_event_id) "
                    "VALUES (%s, %s, %s, 0) RETURNING id",
                    (office_id, now, refused),
                ).fetchone()
                assert inserted is not None
                record = int(inserted[0])
            connection.execute(
                "UPDATE offices SET current_record = %s, conflict_log_id = NULL, "
                "conflict_at = NULL WHERE id = %s",
                (record, office_id),
            )
            rows = connection.execute(
                f"SELECT {OFFICE_COLUMNS} FROM offices WHERE id = %s", (office_id,)
            ).fetchall()
            return offices_from_rows(connection, rows)[0], held is not None

    def _current_record(
        self, connection: psycopg.Connection[Any], office_id: int
    ) -> tuple[int, str | None, int]:
        """(row id, log_id, last_event_id) of the office's current record; the caller holds
        the office's row lock."""
        row = connection.execute(
            "SELECT r.id, r.log_id, r.last_event_id FROM offices o "
            "JOIN offices r ON r.id = COALESCE(o.current_record, o.id) WHERE o.id = %s",
            (office_id,),
        ).fetchone()
        if row is None:
            raise StorageError("the office was removed")
        return int(row[0]), row[1], int(row[2])

    def create_token(self, name: str, now: datetime) -> str:
        """A read token for the city API (shown once)."""
        secret = f"city_{secrets.token_urlsafe(24)}"
        with self._reading("the tokens") as connection:
            connection.execute(
                "INSERT INTO tokens (name, token_hash, created_at) VALUES (%s, %s, %s)",
                (name, hash_token(secret), now.isoformat()),
            )
        return secret

    def reader_for_token(self, secret: str) -> str | None:
        """The name of the active read token with this secret, or None."""
        with self._reading("the tokens") as connection:
            row = connection.execute(
                "SELECT name FROM tokens WHERE token_hash = %s AND revoked_at IS NULL",
                (hash_token(secret),),
            ).fetchone()
        return str(row[0]) if row is not None else None

    # ------------------------------------------------------------ accounts (for sessions)

    def accounts_version(self) -> int:
        return self.accounts.version()

    def list_accounts(self) -> list[Account]:
        return self.accounts.all()

    def account_credentials(self, name: str) -> tuple[Account, str] | None:
        return self.accounts.credentials(name)

    # ------------------------------------------------------------ ingest

    def heard_from(
        self,
        office_id: int,
        now: datetime,
        office_clock: datetime | None,
        log_id: str | None = None,
    ) -> Office:
        """The office asked (GET ingest): it is alive, its clock's skew is noted, and a
        record other than the one held (`log_id`) is recorded as a conflict."""
        skew = (office_clock - now).total_seconds() if office_clock is not None else None
        with self._reading("the offices") as connection, connection.transaction():
            locked = connection.execute(
                "SELECT id FROM offices WHERE id = %s FOR UPDATE", (office_id,)
            ).fetchone()
            if locked is None:
                raise StorageError("the office was removed")
            _record, held_log, _last = self._current_record(connection, office_id)
            other = held_log is not None and log_id is not None and held_log != log_id
            connection.execute(
                "UPDATE offices SET last_seen = %s, clock_skew_s = COALESCE(%s, clock_skew_s), "
                "conflict_log_id = CASE WHEN %s THEN %s ELSE conflict_log_id END, "
                "conflict_at = CASE WHEN %s THEN %s ELSE conflict_at END WHERE id = %s",
                (now, skew, other, log_id, other, now, office_id),
            )
            if held_log is not None and log_id == held_log:
                self._let_quiet_conflict_go(connection, office_id, now)
            rows = connection.execute(
                f"SELECT {OFFICE_COLUMNS} FROM offices WHERE id = %s", (office_id,)
            ).fetchall()
            return offices_from_rows(connection, rows)[0]

    def ingest(
        self, office_id: int, batch: Batch, now: datetime, office_clock: datetime | None = None
    ) -> Stored:
        """Store the batch's new events once, in order, or raise `IngestConflict` (409)."""
        skew = (office_clock - now).total_seconds() if office_clock is not None else None
        conflict: IngestConflict | None = None
        with self._reading("the record") as connection, connection.transaction():
            row = connection.execute(
                "SELECT id FROM offices WHERE id = %s FOR UPDATE", (office_id,)
            ).fetchone()
            if row is None:
                raise StorageError("the office was removed")
            record, held_log, held_last = self._current_record(connection, office_id)
            connection.execute(
                "UPDATE offices SET last_seen = %s, clock_skew_s = COALESCE(%s, clock_skew_s) "
                "WHERE id = %s",
                (now, skew, office_id),
            )
            if held_log is not None and held_log != batch.log_id:
                # kept (the transaction commits), so the dashboard shows it; nothing else is
                connection.execute(
                    "UPDATE offices SET conflict_log_id = %s, conflict_at = %s WHERE id = %s",
                    (batch.log_id, now, office_id),
                )
                conflict = IngestConflict(
                    "log_mismatch",
                    "Catatan kantor ini berbeda dari yang disimpan pusat (kantor dipasang "
                    "ulang?): kiriman ditolak sampai pusat menerimanya (antrian-central "
                    "office renew).",
                    log_id=held_log, last_event_id=held_last,
                )  # fmt: skip
            elif batch.events and batch.events[0].id > held_last + 1:
                conflict = IngestConflict(
                    "gap",
                    f"Pusat menyimpan sampai kejadian {held_last}; kiriman harus mulai dari "
                    f"{held_last + 1}, bukan {batch.events[0].id}.",
                    log_id=held_log or batch.log_id, last_event_id=held_last,
                )  # fmt: skip
            else:
                fresh = [event for event in batch.events if event.id > held_last]
                if fresh:
                    self._store_events(connection, record, fresh)
                last = fresh[-1].id if fresh else held_last
                offset = fresh[-1].at.utcoffset() if fresh else None
                connection.execute(
                    "UPDATE offices SET log_id = %s, last_event_id = %s WHERE id = %s",
                    (batch.log_id, last, record),
                )
                self._let_quiet_conflict_go(connection, office_id, now)
                connection.execute(
                    "UPDATE offices SET utc_offset_s = COALESCE(%s, utc_offset_s), "
                    "targets = CASE WHEN %s THEN %s ELSE targets END WHERE id = %s",
                    (
                        int(offset.total_seconds()) if offset is not None else None,
                        bool(batch.targets), Jsonb(batch.targets), office_id,
                    ),
                )  # fmt: skip
                return Stored(len(fresh), last)
        assert conflict is not None
        raise conflict

    def _let_quiet_conflict_go(
        self, connection: psycopg.Connection[Any], office_id: int, now: datetime
    ) -> None:
        """The current record was heard: a refused one not heard of for `CONFLICT_QUIET`
        came from a PC now off (a spare PC tried, the old PC was switched off): the
        conflict is no longer shown, and renew no longer takes it."""
        connection.execute(
            "UPDATE offices SET conflict_log_id = NULL, conflict_at = NULL "
            "WHERE id = %s AND conflict_at < %s",
            (office_id, now - CONFLICT_QUIET),
        )

    def _store_events(
        self, connection: psycopg.Connection[Any], office_id: int, events: Sequence[Any]
    ) -> None:
        latest: dict[int, TicketState] = {}
        counters: dict[int, tuple[str, date, int]] = {}
        with connection.cursor() as cursor:
            with cursor.copy(f"COPY events ({EVENT_COPY_COLUMNS}) FROM STDIN") as copy:
                for event in events:
                    copy.write_row(
                        (
                            office_id, event.id, event.v, event.type, event.at_text,
                            event.office_name, event.at,
                            event.day, event.ticket, event.counter, event.clerk,
                            event.synthesized, _json(event.tickets), _json(event.data),
                        )
                    )  # fmt: skip
                    for state in event.ticket_states:
                        latest[state.id] = state
                    for counter in _counters_of(event.data):
                        counters[counter[0]] = (counter[1], event.day, event.id)
            if latest:
                cursor.executemany(
                    UPSERT_TICKET,
                    [
                        (
                            office_id, state.id, state.day, state.number, state.issued_service,
                            state.service, state.priority, state.status, state.issued_at,
                            state.called_at, state.finished_at, state.counter, state.requeued,
                            state.transferred_from, state.event_id, Jsonb(state.record),
                        )
                        for state in latest.values()
                    ],
                )  # fmt: skip
            if counters:
                cursor.executemany(
                    UPSERT_COUNTER,
                    [
                        (office_id, number, state, day, event_id)
                        for number, (state, day, event_id) in counters.items()
                    ],
                )

    # ------------------------------------------------------------ reading the copy

    def events_of(self, record_id: int, after: int, limit: int) -> list[dict[str, Any]]:
        """A record's events as the office sent them (the shape of its own `GET /api/v1/log`);
        `record_id`: one of `Office.records`."""
        with self._reading("the record") as connection:
            rows = connection.execute(
                "SELECT e.id, e.v, e.type, e.at, e.day, COALESCE(e.office_name, o.name), "
                "e.ticket, e.tickets, e.counter, e.clerk, e.data, e.synthesized FROM events e "
                "JOIN offices o ON o.id = (SELECT COALESCE(record_of, id) FROM offices "
                "WHERE id = %s) WHERE e.office = %s AND e.id > %s ORDER BY e.id LIMIT %s",
                (record_id, record_id, after, limit),
            ).fetchall()
        events = []
        for row in rows:
            event: dict[str, Any] = {
                "id": row[0], "v": row[1], "type": row[2], "at": row[3],
                "day": row[4].isoformat(), "office": row[5], "ticket": row[6],
                "tickets": row[7], "counter": row[8], "clerk": row[9], "data": row[10],
            }  # fmt: skip
            if row[11]:
                event["synthesized"] = True
            events.append(event)
        return events

    def reading(self, what: str) -> contextlib.AbstractContextManager[psycopg.Connection[Any]]:
        """This thread's connection, for the dashboard's and reports' queries."""
        return self._reading(what)


def _counters_of(data: dict[str, Any]) -> Iterator[tuple[int, str]]:
    """(number, state) of each loket an event's data carries; odd entries are skipped."""
    entries = data.get("counters")
    if not isinstance(entries, list):
        return
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        number, state = entry.get("number"), entry.get("state")
        if not isinstance(number, int) or isinstance(number, bool) or not isinstance(state, str):
            continue
        if 0 <= number < 2**31 and len(state) <= 32:
            yield number, state
