"""A write that gets no answer is cut off, so the writer thread never waits forever.

Timeouts set on the server (`statement_timeout`, `lock_timeout`) only help while the
database answers. A database PC that froze, or a path that drops every packet while the
peer's TCP still acknowledges them, leaves libpq waiting for an answer that never comes,
and every kiosk waiting behind it. The watchdog shuts the connection's socket down once a
batch has run for `deadline_s`: the blocked call fails at once, the batch's requests get
503, and the next batch opens a new connection.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import psycopg

log = logging.getLogger(__name__)
CHECK_INTERVAL_S = 0.1


class Watchdog:
    """Watches one operation at a time (the writer's batch); cuts its connection when late."""

    def __init__(self, deadline_s: float) -> None:
        self.deadline_s = deadline_s
        self._connection: psycopg.Connection[Any] | None = None
        self._started = 0.0
        self._guard = threading.Lock()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="antrian-watchdog", daemon=True)
        self._thread.start()

    @contextlib.contextmanager
    def watching(self, connection: psycopg.Connection[Any]) -> Iterator[None]:
        with self._guard:
            self._connection, self._started = connection, time.monotonic()
        try:
            yield
        finally:
            with self._guard:
                self._connection = None

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stopping.wait(CHECK_INTERVAL_S):
            with self._guard:
                connection = self._connection
                late = connection is not None and time.monotonic() - self._started > self.deadline_s
                if late:
                    self._connection = None  # cut once
            if late and connection is not None:
                log.error(
                    "PostgreSQL gave no answer to a write for %.1f s: cutting its connection",
                    self.deadline_s,
                )
                cut(connection)


def cut(connection: psycopg.Connection[Any]) -> None:
    """Shut the connection's socket down under libpq: its blocked call fails at once."""
    with contextlib.suppress(OSError, psycopg.Error, ValueError):
        descriptor = connection.pgconn.socket
        # a duplicate of the descriptor: shutting it down ends the connection itself,
        # closing it leaves libpq's own descriptor alone
        with socket.socket(fileno=socket.dup(descriptor)) as duplicate:
            duplicate.shutdown(socket.SHUT_RDWR)
