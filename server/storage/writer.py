"""Group commit: one thread writes every change; many changes share one durable commit."""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from server.errors import StorageError
from server.storage.port import Commit, Done

log = logging.getLogger(__name__)
MAX_BATCH = 1000
# how long a commit waits for a write lock held by another process before it fails: well
# inside a kiosk's 5 s request timeout, so the kiosk gets a 503 instead of no answer
LOCK_TIMEOUT_S = 2.0


class BatchTarget(Protocol):
    """The engine side of the writer: store commits in one durable transaction."""

    def write_batch(self, commits: Sequence[Commit]) -> None:
        """All or nothing; raises StorageError when nothing was stored."""
        ...

    def close_writer(self) -> None: ...


@dataclass(slots=True)
class _Job:
    commit: Commit | None  # None: a barrier
    done: Done


class Writer:
    """Applies batches of commits in one transaction each, on a thread of its own.

    A job's callback runs on the event loop only after the transaction that holds it is
    durable, and jobs complete in the order they were submitted.

    After a failed transaction the writer is *failed*: every job queued behind the failed
    batch, and every job submitted later, fails with the same error without touching the
    database, until `resume()`. Those jobs were computed from in-memory state that included
    the lost changes, so storing them would store a state nobody can see (and, after the
    caller reloaded, hand their ids and numbers out again).
    """

    def __init__(
        self, target: BatchTarget, loop: asyncio.AbstractEventLoop, name: str = "antrian-writer"
    ) -> None:
        self._target = target
        self._loop = loop
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._failure: StorageError | None = None  # set by the writer thread, cleared by resume
        self.batches = 0
        self.jobs_written = 0
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    @property
    def failed(self) -> bool:
        return self._failure is not None

    def resume(self) -> None:
        """Accept writes again; call only after every job submitted before was completed."""
        self._failure = None

    def submit(self, commit: Commit | None, done: Done) -> None:
        """Queue a commit; `done(error)` is called on the loop once it is durable."""
        self._jobs.put(_Job(commit, done))

    def close(self) -> None:
        """Write what is queued, then stop the thread."""
        self._jobs.put(None)
        self._thread.join(timeout=30)
        self._target.close_writer()

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
            error: StorageError | None = self._failure
            if error is None:
                error = self._failure = self._write(batch)
            self._loop.call_soon_threadsafe(self._complete, batch, error)

    def _write(self, batch: list[_Job]) -> StorageError | None:
        commits = [job.commit for job in batch if job.commit is not None]
        if commits:
            try:
                self._target.write_batch(commits)
            except StorageError as exc:
                log.error("a write of %d changes failed; they were not stored: %s", len(batch), exc)
                return exc
            except Exception as exc:  # a bug in an adapter must not kill the writer thread
                log.exception("a write of %d changes failed", len(batch))
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


def barrier(writer: Writer | Callable[[Commit | None, Done], None]) -> asyncio.Future[None]:
    """A future that resolves once every job submitted before it completed."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[None] = loop.create_future()

    def finish(error: BaseException | None) -> None:
        if future.done():
            return
        if error is None:
            future.set_result(None)
        else:
            future.set_exception(error)

    submit = writer.submit if isinstance(writer, Writer) else writer
    submit(None, finish)
    return future


class WriterOwner:
    """What a store with a `Writer` offers the office: submit, the failed state, resume."""

    _writer: Writer | None = None

    def submit(self, commit: Commit | None, done: Done) -> None:
        if self._writer is None:
            raise StorageError("the server is shutting down")
        self._writer.submit(commit, done)

    @property
    def failed(self) -> bool:
        return self._writer is not None and self._writer.failed

    def resume(self) -> None:
        if self._writer is not None:
            self._writer.resume()

    @property
    def writer(self) -> Writer | None:
        return self._writer
