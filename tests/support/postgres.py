"""A throwaway PostgreSQL cluster for tests and benchmarks, and a fresh database per test.

`initdb` refuses to run as root, so as root the cluster is made and run by the `postgres`
user, in a directory of its own that this user owns (pytest's temporary directories are
mode 0700). The highest installed version under /usr/lib/postgresql is used.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

SERVER_USER = "postgres"
SUPERUSER = "antrian"


def find_bin_dir() -> Path | None:
    """The newest PostgreSQL's bin directory, or None where PostgreSQL is not installed."""
    candidates = []
    for directory in Path("/usr/lib/postgresql").glob("*/bin"):
        with contextlib.suppress(ValueError):
            if (directory / "initdb").exists():
                candidates.append((int(directory.parent.name), directory))
    if candidates:
        return max(candidates)[1]
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Cluster:
    """`initdb` + `pg_ctl start` on 127.0.0.1 and a free port; `stop()` removes it all."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.directory = Path(tempfile.mkdtemp(prefix="antrian-postgres-"))
        self.data = self.directory / "data"
        self.port = 0
        self._names = itertools.count(1)
        self._as_other_user = os.geteuid() == 0

    def _run(self, *command: str) -> subprocess.CompletedProcess[str]:
        prefix = ["runuser", "-u", SERVER_USER, "--"] if self._as_other_user else []
        return subprocess.run(
            [*prefix, *command], capture_output=True, text=True, timeout=60, check=False
        )

    def start(self) -> Cluster:
        if self._as_other_user:
            shutil.chown(self.directory, SERVER_USER, SERVER_USER)
        self.directory.chmod(0o700)
        made = self._run(
            str(self.bin_dir / "initdb"), "-D", str(self.data), "-A", "trust", "-U", SUPERUSER,
            "--no-instructions", "-E", "UTF8", "--locale=C",
        )  # fmt: skip
        if made.returncode != 0:
            raise RuntimeError(f"initdb failed: {made.stderr}")
        self.port = _free_port()
        settings = (
            f"-k {self.directory} -h 127.0.0.1 -p {self.port} -c max_connections=300 "
            "-c shared_buffers=32MB -c fsync=on -c synchronous_commit=on"
        )
        started = self._run(
            str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-o", settings,
            "-l", str(self.directory / "server.log"), "-w", "-t", "30", "start",
        )  # fmt: skip
        if started.returncode != 0:
            log = (self.directory / "server.log").read_text(errors="replace")
            raise RuntimeError(f"pg_ctl start failed: {started.stderr}\n{log}")
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """A new, empty database; returns its URL."""
        import psycopg

        name = f"test_{os.getpid()}_{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
        return self.url(name)

    def stop(self) -> None:
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        shutil.rmtree(self.directory, ignore_errors=True)
