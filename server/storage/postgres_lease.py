"""One active server per PostgreSQL database: a lease row with a fencing epoch.

The `lease` row names its holder (a random id per server process), an epoch, and when it
was last renewed (by the database's clock, so the servers' clocks do not matter). A server
takes the lease only when it is free or expired (not renewed for `LEASE_TTL_S`), and taking
it bumps the epoch. The holder renews it every `LEASE_RENEW_S` on a connection of its own,
and every write transaction checks it (`fence`): a transaction of a server whose lease was
taken finds no row with its epoch and is rolled back, so nothing it writes is stored.

An advisory lock alone would not do: it lives as long as the session, and the session of a
PC that lost its power or its cable stays open on the database for hours.

A server starting while the lease is held waits to see the holder renew it (then it is a
standby, within about `LEASE_RENEW_S`) or let it expire (a holder killed or cut off: it
takes the lease, within `LEASE_TTL_S`), so a restart after `kill -9` needs no person. A
standby then keeps looking (`take_if_expired`, every `TAKEOVER_POLL_S`, a plain read that
locks nothing) and takes the lease once it has expired: a takeover.

Time: whether the lease expired is decided on the database's clock alone (`now() -
renewed_at`), so the PCs' clocks may disagree by minutes without harm. The holder never
compares a database time with its own clock either: it counts on its monotonic clock from
the moment it *sent* its last successful renewal (the database's `now()` of that renewal is
later than that moment). It stops writing (`held` turns False, for good) when
`RENEW_DEADLINE_S` has passed since then without another one, and a standby may take over
only when `LEASE_TTL_S` has passed on the database's clock since that renewal: the holder
stops at least `LEASE_TTL_S - RENEW_DEADLINE_S` (1 s) before anyone can take over. Two
monotonic clocks drift apart by parts per million, nothing against a second. And whatever
the timing, every write transaction checks the epoch under the lease row's lock, which a
takeover takes too: a write of the old holder either commits before the takeover or finds
its epoch gone and is rolled back. Never two writers.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
import uuid
from datetime import UTC
from typing import Any

import psycopg

from server.errors import StorageError
from server.storage.port import ActiveServer
from server.storage.postgres_schema import bootstrap, connect

log = logging.getLogger(__name__)
# not renewed for this long (on the database's clock): expired, a standby takes over.
# 3 s keeps a takeover (expiry + poll + loading the day) under 5 s while leaving two
# renewals (every second) to fail in a row before the holder gives up
LEASE_TTL_S = 3.0
LEASE_RENEW_S = 1.0
# the holder stops writing this long after sending its last successful renewal: before any
# standby can take over (LEASE_TTL_S), with a second to spare for scheduling delays
RENEW_DEADLINE_S = 2.0
WATCH_INTERVAL_S = 0.1
TAKEOVER_POLL_S = 0.2
assert RENEW_DEADLINE_S < LEASE_TTL_S, "the holder must stop before a standby can take over"

# sessions in a transaction on the lease table for over a second (a fenced writer cut off
# mid-batch: the database waits for the rest of its pipeline forever, no idle timeout applies)
# the old holder's open write transactions: one holding the lease row's lock (its COMMIT
# never came), and any of a writer's (frozen inside a batch: its inserted rows hold their
# keys, and the new holder's write of the same ids would wait on them until lock timeout).
# The server taking over has none of its own: a standby sends no write
END_STUCK_WRITES = (
    "SELECT pg_terminate_backend(activity.pid, 2000) FROM pg_stat_activity AS activity "
    "WHERE activity.datname = current_database() AND activity.pid <> pg_backend_pid() "
    "AND activity.xact_start < now() - interval '1 second' AND ("
    "activity.application_name LIKE 'antrian:%:writer' "
    "OR EXISTS (SELECT 1 FROM pg_locks AS locks WHERE locks.pid = activity.pid "
    "AND locks.relation = 'lease'::regclass AND locks.granted))"
)
EXPIRED = (
    "SELECT holder IS NULL OR renewed_at IS NULL OR "
    "now() - renewed_at > make_interval(secs => %s) FROM lease WHERE id = 1"
)

FENCE = (
    "UPDATE lease SET renewed_at = now() WHERE id = 1 AND holder = %s AND epoch = %s "
    "RETURNING epoch"
)


class Fenced(StorageError):
    """Another server took this database's lease: this one may not write any more."""


class Lease:
    """This process's claim on the database; `acquire()` is False while another one holds it."""

    def __init__(self, url: str) -> None:
        self._url = url
        self.holder = str(uuid.uuid4())
        self.server = f"{socket.gethostname()} (pid {os.getpid()})"
        # seen in pg_stat_activity: "antrian:<server>:active|standby|writer"
        self._application = f"antrian:{socket.gethostname()[:32]} pid {os.getpid()}"
        self.epoch: int | None = None
        self.lost = False
        self._valid_until = 0.0  # monotonic: RENEW_DEADLINE_S after the last renewal was sent
        self._connection: psycopg.Connection[Any] | None = None
        self._guard = threading.Lock()  # acquire() and announce() share the connection
        self._stopping = threading.Event()
        self._renewer: threading.Thread | None = None
        self._complained = False

    @property
    def held(self) -> bool:
        """True while this server may write; once False it stays so (until taken again)."""
        if self.epoch is None or self.lost:
            return False
        if time.monotonic() >= self._valid_until:
            self._lose("the database's lease could not be renewed in time: writes are refused")
            return False
        return True

    # ------------------------------------------------------------ taking it

    def acquire(self) -> bool:
        """Take the lease if it is free or expired; watch a held one until it is renewed."""
        connection = self._connect()
        try:
            bootstrap(connection)
            seen: object = None
            deadline = time.monotonic() + LEASE_TTL_S + 1.0
            while True:
                expired = connection.execute(EXPIRED, (LEASE_TTL_S,)).fetchone()
                if expired is not None and expired[0]:
                    self._end_stuck_writes(connection)
                taken, renewed_at = self._try_take(connection)
                if taken:
                    break
                if seen is not None and renewed_at != seen:
                    return False  # the holder renews it: it is alive
                seen = renewed_at
                if time.monotonic() > deadline:
                    return False
                time.sleep(WATCH_INTERVAL_S)
        except psycopg.Error as exc:
            self._drop()
            raise StorageError(f"cannot take the database's lease: {exc}") from exc
        self._start_renewing()
        return True

    def take_if_expired(self) -> bool:
        """For a standby: take the lease if its holder stopped renewing it (a takeover).

        A plain read first, which locks nothing (the active server's writes check the lease
        row under its lock); only an expired lease is then taken in one transaction.
        """
        try:
            connection = self._connect()
            with self._guard:
                row = connection.execute(EXPIRED, (LEASE_TTL_S,)).fetchone()
            if row is None or not row[0]:
                return False
            with self._guard:
                self._end_stuck_writes(connection)
            taken, _ = self._try_take(connection)
        except psycopg.Error as exc:
            self._drop()
            raise StorageError(f"cannot look at the database's lease: {exc}") from exc
        if taken:
            self._start_renewing()
        return taken

    @staticmethod
    def _end_stuck_writes(connection: psycopg.Connection[Any]) -> None:
        """Before taking an expired lease: a write of the old holder whose COMMIT never came
        (its cable pulled, its PC frozen) still holds its locks; it was never acknowledged,
        so it is ended (and waited for: its rows are free once this returns)."""
        ended = connection.execute(END_STUCK_WRITES).fetchall()
        if ended:
            log.warning("ended %d stuck transaction(s) of the old holder", len(ended))

    def application_name(self, role: str) -> str:
        return f"{self._application}:{role}"

    def _start_renewing(self) -> None:
        log.info("took the database's lease (epoch %d)", self.epoch)
        # the watching connection says "standby": the renewer's says "active"
        self._drop()
        self.lost = False
        self._stopping = threading.Event()
        self._renewer = threading.Thread(
            target=self._renew, args=(self._stopping, self.epoch), name="antrian-lease",
            daemon=True,
        )  # fmt: skip
        self._renewer.start()

    def _try_take(self, connection: psycopg.Connection[Any]) -> tuple[bool, object]:
        sent = time.monotonic()
        with self._guard, connection.transaction(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT holder, renewed_at, renewed_at IS NULL OR "
                "now() - renewed_at > make_interval(secs => %s) FROM lease WHERE id = 1 "
                "FOR UPDATE",
                (LEASE_TTL_S,),
            )
            row = cursor.fetchone()
            assert row is not None, "bootstrap() inserts the lease row"
            holder, renewed_at, expired = row
            if holder is not None and not expired:
                return False, renewed_at
            if holder is not None:
                log.warning("the lease of %s expired: taking over the database", holder)
            cursor.execute(
                "UPDATE lease SET holder = %s, epoch = epoch + 1, renewed_at = now(), "
                "acquired_at = now(), server = %s, url = NULL WHERE id = 1 RETURNING epoch",
                (self.holder, self.server),
            )
            taken = cursor.fetchone()
            assert taken is not None
            self.epoch = int(taken[0])
        self._valid_until = sent + RENEW_DEADLINE_S
        return True, None

    # ------------------------------------------------------------ keeping it

    def fence(self, cursor: psycopg.Cursor[Any]) -> None:
        """In a write transaction: raise `Fenced` (the caller rolls back) unless we hold it."""
        if self.epoch is None:
            raise Fenced("this server does not hold the database's lease")
        if not self.held:
            raise Fenced("this server lost the database's lease: it writes nothing")
        cursor.execute(FENCE, (self.holder, self.epoch))
        if cursor.fetchone() is None:
            self._lose()
            raise Fenced("another server took over this database: this one writes nothing")

    def _lose(
        self, why: str = "the database's lease was taken by another server: writes are refused"
    ) -> None:
        if not self.lost:
            self.lost = True
            log.error("%s", why)

    def _renew(self, stopping: threading.Event, epoch: int) -> None:
        """Renew every LEASE_RENEW_S on a connection of this thread's own, until lost."""
        connection: psycopg.Connection[Any] | None = None
        sent = time.monotonic()
        try:
            # every LEASE_RENEW_S after the previous renewal was sent, however long it took
            while not stopping.wait(max(0.0, sent + LEASE_RENEW_S - time.monotonic())):
                if not self.held or self.epoch != epoch:
                    return  # gave up (deadline passed): never renew a lease it stopped using
                sent = time.monotonic()
                try:
                    if connection is None or connection.closed or connection.broken:
                        connection = connect(
                            self._url, application_name=self.application_name("active"),
                            lock_timeout="1s", statement_timeout="1s",
                        )  # fmt: skip
                    renewed = connection.execute(FENCE, (self.holder, epoch)).fetchone()
                except (psycopg.Error, StorageError) as exc:
                    if not self._complained:
                        log.error("cannot renew the database's lease (retrying): %s", exc)
                        self._complained = True
                    if connection is not None:
                        with contextlib.suppress(psycopg.Error):
                            connection.close()
                    connection = None
                    continue
                self._complained = False
                if renewed is None:
                    self._lose()
                    return
                self.renewed(sent, epoch)
        finally:
            if connection is not None:
                with contextlib.suppress(psycopg.Error):
                    connection.close()

    def announce(self, url: str) -> None:
        """Record where clients reach this server (a standby shows it)."""
        if not self.held:
            return
        try:
            with self._guard, self._connect().cursor() as cursor:
                cursor.execute(
                    "UPDATE lease SET url = %s WHERE id = 1 AND holder = %s AND epoch = %s",
                    (url, self.holder, self.epoch),
                )
        except psycopg.Error as exc:
            raise StorageError(f"cannot record this server's address: {exc}") from exc

    def renewed(self, sent: float, epoch: int) -> None:
        """A renewal of `epoch` sent at monotonic `sent` succeeded (the renewer's, a write's)."""
        if not self.lost and self.epoch == epoch:
            self._valid_until = max(self._valid_until, sent + RENEW_DEADLINE_S)

    def give_up(self) -> None:
        """Stop renewing a lost lease (it is not freed: it is another's, or it expires)."""
        self._drop()  # a new watching connection, named standby, when one is needed
        self._stopping.set()
        self._renewer = None
        self.lost = True
        self.epoch = None

    def release(self) -> None:
        """Stop renewing and free the lease, so the next server need not wait for it to expire."""
        self._stopping.set()
        if self._renewer is not None:
            self._renewer.join(timeout=5)
            self._renewer = None
        if self.held:
            with contextlib.suppress(psycopg.Error, StorageError), self._guard:
                self._connect().execute(
                    "UPDATE lease SET holder = NULL, renewed_at = NULL, url = NULL "
                    "WHERE id = 1 AND holder = %s AND epoch = %s",
                    (self.holder, self.epoch),
                )
        self.epoch = None
        self._drop()

    # ------------------------------------------------------------ reading it

    @staticmethod
    def active(connection: psycopg.Connection[Any]) -> ActiveServer | None:
        """Who holds the lease now (None: nobody, or its holder stopped renewing it)."""
        row = connection.execute(
            "SELECT server, url, acquired_at FROM lease WHERE id = 1 AND holder IS NOT NULL "
            "AND now() - renewed_at <= make_interval(secs => %s)",
            (LEASE_TTL_S,),
        ).fetchone()
        if row is None:
            return None
        server, url, since = row
        since_text = since.astimezone(UTC).isoformat(timespec="seconds") if since else ""
        return ActiveServer(str(server), url, since_text)

    # ------------------------------------------------------------ its connection

    def _connect(self) -> psycopg.Connection[Any]:
        if self._connection is None or self._connection.closed or self._connection.broken:
            self._drop()
            self._connection = connect(
                self._url, application_name=self.application_name(
                    "active" if self.held else "standby"
                ),
                lock_timeout="1s", statement_timeout="2s",
                idle_in_transaction_session_timeout="1s",
            )  # fmt: skip
        return self._connection

    def _drop(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(psycopg.Error):
                self._connection.close()
            self._connection = None
