"""Group commit: one thread writes every change; many changes share one durable commit."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import sqlite3
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from server.errors import StorageError
from server.storage.schema import connect

log = logging.getLogger(__name__)
MAX_BATCH = 1000
# how long a commit waits for a write lock held by another process before it fails: well
# inside a kiosk's 5 s request timeout, so the kiosk gets a 503 instead of no answer
LOCK_TIMEOUT_S = 2.0
Statement = tuple[str, tuple[object, ...]]
# statements that must change exactly one row (an UPDATE of a row that must exist)
ONE_ROW_STATEMENTS: set[str] = set()


@dataclass(slots=True)
class _Job:
    statements: Sequence[Statement]
    done: Callable[[BaseException | None], None]
    durable: asyncio.Future[None] | None = field(default=None)


class Writer:
    """Applies batches of statements in one `BEGIN IMMEDIATE … COMMIT` each.

    A job's callback runs on the event loop only after the commit that holds it is on disk
    (synchronous=FULL), and jobs complete in the order they were submitted.

    After a failed commit the writer is *failed*: every job queued behind the failed batch,
    and every job submitted later, fails with the same error without touching the database,
    until `resume()`. Those jobs were computed from in-memory state that included the lost
    changes, so committing them would store a state nobody can see (and, after the caller
    reloaded, hand their ids and numbers out again).
    """

    def __init__(self, database: Path, loop: asyncio.AbstractEventLoop, durable: bool = True):
        self._connection: sqlite3.Connection = connect(
            database, durable=durable, lock_timeout_s=LOCK_TIMEOUT_S
        )
        self._loop = loop
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="antrian-writer", daemon=True)
        self._thread.start()
        self.batches = 0
        self.jobs_written = 0
        self._failure: StorageError | None = None  # set by the writer thread, cleared by resume

    @property
    def failed(self) -> bool:
        return self._failure is not None

    def resume(self) -> None:
        """Accept writes again; call only after every job submitted before was completed."""
        self._failure = None

    def submit(
        self, statements: Sequence[Statement], done: Callable[[BaseException | None], None]
    ) -> None:
        """Queue statements; `done(error)` is called on the loop once they are durable."""
        self._jobs.put(_Job(statements, done))

    def write(self, statements: Sequence[Statement]) -> asyncio.Future[None]:
        """Queue statements; the future resolves once they are durable."""
        future: asyncio.Future[None] = self._loop.create_future()

        def finish(error: BaseException | None) -> None:
            if future.done():
                return
            if error is None:
                future.set_result(None)
            else:
                future.set_exception(error)

        self.submit(statements, finish)
        return future

    def close(self) -> None:
        """Write what is queued, then stop the thread."""
        self._jobs.put(None)
        self._thread.join(timeout=30)
        self._connection.close()

    def _run(self) -> None:
        stopping = False
        while not stopping:
            first = self._jobs.get()
            if first is None:
                break
            batch = [first]
            while len(batch) < MAX_BATCH:
                try:
                    job = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if job is None:
                    stopping = True
                    break
                batch.append(job)
            error: BaseException | None = self._failure
            if error is None:
                error = self._failure = self._commit(batch)
            self._loop.call_soon_threadsafe(self._complete, batch, error)

    def _commit(self, batch: list[_Job]) -> StorageError | None:
        connection = self._connection
        try:
            connection.execute("BEGIN IMMEDIATE")
            for job in batch:
                for sql, parameters in job.statements:
                    cursor = connection.execute(sql, parameters)
                    if sql in ONE_ROW_STATEMENTS and cursor.rowcount != 1:
                        # a change to a row that is not there: never store it silently
                        raise sqlite3.IntegrityError(f"{cursor.rowcount} rows for: {sql[:60]}")
            connection.execute("COMMIT")
        except sqlite3.Error as exc:
            log.exception("a write of %d changes failed; they were not stored", len(batch))
            with contextlib.suppress(sqlite3.Error):
                connection.execute("ROLLBACK")
            return StorageError(f"the database refused the write: {exc}")
        self.batches += 1
        self.jobs_written += len(batch)
        return None

    @staticmethod
    def _complete(batch: list[_Job], error: BaseException | None) -> None:
        for job in batch:
            try:
                job.done(error)
            except Exception:
                log.exception("a write callback failed")
