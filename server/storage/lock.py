"""One active server per SQLite database: an exclusive lock on a file in the data dir.

The lock is taken before migrations and held for the life of the process; the kernel
releases it when the process dies, also on `kill -9`. It guards against a second server
started on the same data on one PC (a double start, a forgotten terminal), not against a
second PC: that is the PostgreSQL lease's work. The file holds who is active, so that a
standby can say where to go.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
from datetime import UTC, datetime
from pathlib import Path

from server.storage.port import ActiveServer

LOCK_FILE = "antrian.lock"


class DatabaseLock:
    """The data dir's lock file; `acquire()` is False when another process holds it."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / LOCK_FILE
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        self.describe(None)
        return True

    def describe(self, url: str | None) -> None:
        """Tell standbys who is active (and where, once the address is known)."""
        if self._fd is None:
            return
        since = datetime.now(UTC).isoformat(timespec="seconds")
        text = json.dumps(
            {"server": f"{socket.gethostname()} (pid {os.getpid()})", "url": url, "since": since}
        ).encode()
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, text, 0)

    def active(self) -> ActiveServer | None:
        """The active server as its lock file says (for a standby); None if unreadable."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return ActiveServer(str(data["server"]), data.get("url"), str(data["since"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def release(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, 0)
            os.close(self._fd)  # closing the descriptor releases the lock
            self._fd = None
