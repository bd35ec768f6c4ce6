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
import signal
import socket
import subprocess
import tempfile
import time
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
    """`initdb` + `pg_ctl start` on 127.0.0.1 and a free port; `stop()` removes it all.

    `replicating=True` makes a primary that streaming replicas (`Replica`) can follow.
    """

    def __init__(self, bin_dir: Path, replicating: bool = False) -> None:
        self.bin_dir = bin_dir
        self.directory = Path(tempfile.mkdtemp(prefix="antrian-postgres-"))
        self.data = self.directory / "data"
        self.port = 0
        self.replicating = replicating
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
        return self._start_server()

    def _settings(self) -> str:
        settings = (
            f"-k {self.directory} -h 127.0.0.1 -p {self.port} -c max_connections=300 "
            "-c shared_buffers=32MB -c fsync=on -c synchronous_commit=on"
        )
        if self.replicating:
            settings += " -c wal_level=replica -c max_wal_senders=10 -c hot_standby=on"
        return settings

    def _start_server(self) -> Cluster:
        self.port = self.port or _free_port()
        settings = self._settings()
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

    def kill(self) -> None:
        """`kill -9` of the postmaster, as a power cut of the database PC (no shutdown)."""
        pid_file = self.data / "postmaster.pid"
        if pid_file.exists():
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.kill(int(pid_file.read_text().split()[0]), signal.SIGKILL)
        # its backends die with it (they notice the postmaster is gone), leaving the port free
        for _ in range(100):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) != 0:
                    return
            time.sleep(0.05)

    def require_synchronous(self, replica_names: str) -> None:
        """COMMIT returns only once a replica has the commit (`synchronous_standby_names`)."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f"ALTER SYSTEM SET synchronous_standby_names = '{replica_names}'")
            connection.execute("SELECT pg_reload_conf()")

    def stop(self) -> None:
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        shutil.rmtree(self.directory, ignore_errors=True)


class Replica(Cluster):
    """A streaming replica of `primary`, made with `pg_basebackup -R`; `promote()` makes it
    the primary (`pg_promote()`, as a failover script or Patroni does)."""

    def __init__(self, primary: Cluster, name: str = "replica1") -> None:
        super().__init__(primary.bin_dir, replicating=True)
        self.primary = primary
        self.name = name  # its application_name: what synchronous_standby_names names

    def start(self) -> Replica:
        if self._as_other_user:
            shutil.chown(self.directory, SERVER_USER, SERVER_USER)
        self.directory.chmod(0o700)
        copied = self._run(
            str(self.bin_dir / "pg_basebackup"), "-D", str(self.data), "-h", "127.0.0.1",
            "-p", str(self.primary.port), "-U", SUPERUSER, "-R", "-X", "stream",
            "--checkpoint=fast",
        )  # fmt: skip
        if copied.returncode != 0:
            raise RuntimeError(f"pg_basebackup failed: {copied.stderr}")
        conninfo = (
            f"host=127.0.0.1 port={self.primary.port} user={SUPERUSER} application_name={self.name}"
        )
        with (self.data / "postgresql.auto.conf").open("a") as settings:
            settings.write(f"primary_conninfo = '{conninfo}'\n")
        self._start_server()
        return self

    def promote(self) -> None:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as connection:
            promoted = connection.execute("SELECT pg_promote(wait => true, wait_seconds => 30)")
            assert promoted.fetchone() == (True,), "the replica was not promoted"

    def caught_up(self) -> bool:
        """True when the primary lists this replica as streaming."""
        import psycopg

        with psycopg.connect(self.primary.url(), autocommit=True) as connection:
            row = connection.execute(
                "SELECT state FROM pg_stat_replication WHERE application_name = %s", (self.name,)
            ).fetchone()
        return row is not None and row[0] == "streaming"


def multi_host_url(database: str, *clusters: Cluster) -> str:
    """The libpq URL an Antrian server uses for a primary and its replicas: it connects to
    whichever accepts writes (`target_session_attrs=read-write`)."""
    hosts = ",".join(f"127.0.0.1:{cluster.port}" for cluster in clusters)
    return f"postgresql://{SUPERUSER}@{hosts}/{database}?target_session_attrs=read-write"
