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
takes the lease, within `LEASE_TTL_S`), so a restart after `kill -9` needs no person.
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
LEASE_TTL_S = 3.0
LEASE_RENEW_S = 1.0
WATCH_INTERVAL_S = 0.1

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
        self.epoch: int | None = None
        self.lost = False
        self._connection: psycopg.Connection[Any] | None = None
        self._guard = threading.Lock()  # the renewer thread and announce() share the connection
        self._stopping = threading.Event()
        self._renewer: threading.Thread | None = None
        self._complained = False

    @property
    def held(self) -> bool:
        return self.epoch is not None and not self.lost

    # ------------------------------------------------------------ taking it

    def acquire(self) -> bool:
        """Take the lease if it is free or expired; watch a held one until it is renewed."""
        connection = self._connect()
        try:
            bootstrap(connection)
            seen: object = None
            deadline = time.monotonic() + LEASE_TTL_S + 1.0
            while True:
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
            raise StorageError(f"cannot take the database's lease: {exc}") from exc
        log.info("took the database's lease (epoch %d)", self.epoch)
        self._renewer = threading.Thread(target=self._renew, name="antrian-lease", daemon=True)
        self._renewer.start()
        return True

    def _try_take(self, connection: psycopg.Connection[Any]) -> tuple[bool, object]:
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
            return True, None

    # ------------------------------------------------------------ keeping it

    def fence(self, cursor: psycopg.Cursor[Any]) -> None:
        """In a write transaction: raise `Fenced` (the caller rolls back) unless we hold it."""
        if self.epoch is None:
            raise Fenced("this server does not hold the database's lease")
        if self.lost:
            raise Fenced("another server took over this database: this one writes nothing")
        cursor.execute(FENCE, (self.holder, self.epoch))
        if cursor.fetchone() is None:
            self._lose()
            raise Fenced("another server took over this database: this one writes nothing")

    def _lose(self) -> None:
        if not self.lost:
            self.lost = True
            log.error("the database's lease was taken by another server: writes are refused")

    def _renew(self) -> None:
        while not self._stopping.wait(LEASE_RENEW_S):
            try:
                with self._guard:
                    connection = self._connect()
                    with connection.cursor() as cursor:
                        cursor.execute(FENCE, (self.holder, self.epoch))
                        renewed = cursor.fetchone() is not None
            except (psycopg.Error, StorageError) as exc:
                if not self._complained:
                    log.error("cannot renew the database's lease (retrying): %s", exc)
                    self._complained = True
                self._drop()
                continue
            self._complained = False
            if not renewed:
                self._lose()
                return

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
            self._connection = connect(self._url, lock_timeout="1s", statement_timeout="2s")
        return self._connection

    def _drop(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(psycopg.Error):
                self._connection.close()
            self._connection = None
