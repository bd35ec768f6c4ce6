"""A throwaway Patroni cluster for a smoke test: one etcd and two Patroni nodes on 127.0.0.1.

Short timings (`ttl` 10 s, `loop_wait` 1 s) so that a failover takes seconds, not the
defaults' half a minute. As root, Patroni (and so PostgreSQL) runs as the `postgres` user in
a directory it owns, as `tests.support.postgres` does.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from tests.support.postgres import SERVER_USER, _free_port, find_bin_dir

PATRONI = shutil.which("patroni")
ETCD = shutil.which("etcd")
SUPERUSER = "postgres"


def patroni_available() -> bool:
    return PATRONI is not None and ETCD is not None and find_bin_dir() is not None


class PatroniNode:
    """One Patroni process with its PostgreSQL."""

    def __init__(self, cluster: PatroniCluster, name: str) -> None:
        self.cluster = cluster
        self.name = name
        self.port = _free_port()
        self.api_port = _free_port()
        self.directory = cluster.directory / name
        self.process: subprocess.Popen[bytes] | None = None

    def config(self) -> str:
        parameters = {
            "unix_socket_directories": str(self.directory), "fsync": "on",
            "synchronous_commit": "on", "shared_buffers": "32MB", "max_connections": 100,
        }  # fmt: skip
        document = {
            "scope": self.cluster.scope,
            "name": self.name,
            "restapi": {
                "listen": f"127.0.0.1:{self.api_port}",
                "connect_address": f"127.0.0.1:{self.api_port}",
            },
            "etcd3": {"hosts": f"127.0.0.1:{self.cluster.etcd_port}"},
            "bootstrap": {
                "dcs": {
                    "ttl": 10,
                    "loop_wait": 1,
                    "retry_timeout": 3,
                    "maximum_lag_on_failover": 16 * 1024 * 1024,
                    "synchronous_mode": self.cluster.synchronous,
                    "postgresql": {
                        "use_pg_rewind": False,
                        "parameters": {
                            "wal_level": "replica",
                            "hot_standby": "on",
                            "max_wal_senders": 10,
                            "max_replication_slots": 10,
                        },
                    },
                },
                "initdb": [{"encoding": "UTF8"}, {"locale": "C"}],
                "pg_hba": [
                    "local all all trust",
                    "host replication all 127.0.0.1/32 trust",
                    "host all all 127.0.0.1/32 trust",
                ],
            },
            "postgresql": {
                "listen": f"127.0.0.1:{self.port}",
                "connect_address": f"127.0.0.1:{self.port}",
                "data_dir": str(self.directory / "data"),
                "bin_dir": str(self.cluster.bin_dir),
                "pgpass": str(self.directory / "pgpass"),
                "authentication": {
                    "superuser": {"username": SUPERUSER, "password": "unused"},
                    "replication": {"username": SUPERUSER, "password": "unused"},
                },
                "parameters": parameters,
            },
        }
        return json.dumps(document)  # JSON is YAML

    def start(self) -> PatroniNode:
        self.directory.mkdir()
        path = self.directory / "patroni.yml"
        path.write_text(self.config())
        self.cluster.own(self.directory)
        log = (self.directory / "patroni.log").open("ab")
        assert PATRONI is not None
        self.process = subprocess.Popen(
            [*self.cluster.as_postgres(), PATRONI, str(path)], stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        log.close()
        return self

    def role(self) -> str | None:
        """ "primary", "replica" (as this node's REST API says), or None."""
        try:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{self.api_port}/patroni", timeout=1
            ) as answer:
                state = json.loads(answer.read())
        except (OSError, ValueError):
            return None
        if state.get("state") != "running":
            return None
        return "primary" if state.get("role") in ("master", "primary") else str(state.get("role"))

    def kill(self) -> None:
        """The PC dies: Patroni and its PostgreSQL, all at once (kill -9 of the process group)."""
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
            self.process = None
        # Patroni starts PostgreSQL in a session of its own: the postmaster too
        pid_file = self.directory / "data" / "postmaster.pid"
        if pid_file.exists():
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.kill(int(pid_file.read_text().split()[0]), signal.SIGKILL)

    def log(self) -> str:
        path = self.directory / "patroni.log"
        return path.read_text(errors="replace") if path.exists() else ""


class PatroniCluster:
    """etcd plus two Patroni nodes; `wait_for_roles()` until one is primary, one replica."""

    def __init__(self, synchronous: bool = False) -> None:
        bin_dir = find_bin_dir()
        assert bin_dir is not None
        self.bin_dir = bin_dir
        self.synchronous = synchronous
        self.scope = f"antrian-{os.getpid()}"
        self.directory = Path(tempfile.mkdtemp(prefix="antrian-patroni-"))
        self.etcd_port = _free_port()
        self._etcd: subprocess.Popen[bytes] | None = None
        self.nodes = [PatroniNode(self, "node1"), PatroniNode(self, "node2")]
        self._as_other_user = os.geteuid() == 0

    def as_postgres(self) -> list[str]:
        return ["runuser", "-u", SERVER_USER, "--"] if self._as_other_user else []

    def own(self, path: Path) -> None:
        if self._as_other_user:
            for item in [path, *path.rglob("*")]:
                shutil.chown(item, SERVER_USER, SERVER_USER)
        path.chmod(0o700)

    def start(self) -> PatroniCluster:
        self.own(self.directory)
        peer = _free_port()
        assert ETCD is not None
        log = (self.directory / "etcd.log").open("ab")
        self._etcd = subprocess.Popen(
            [ETCD, "--name", "etcd1", "--data-dir", str(self.directory / "etcd"),
             "--listen-client-urls", f"http://127.0.0.1:{self.etcd_port}",
             "--advertise-client-urls", f"http://127.0.0.1:{self.etcd_port}",
             "--listen-peer-urls", f"http://127.0.0.1:{peer}",
             "--initial-advertise-peer-urls", f"http://127.0.0.1:{peer}",
             "--initial-cluster", f"etcd1=http://127.0.0.1:{peer}"],
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        log.close()
        self._wait_for_etcd()
        self.nodes[0].start()
        self.wait_for(lambda: self.nodes[0].role() == "primary", 60, "node1 never became primary")
        self.nodes[1].start()
        self.wait_for(lambda: self.nodes[1].role() == "replica", 60, "node2 never replicated")
        if self.synchronous:
            # Patroni fails over only to the node it lists as synchronous, which it does a
            # loop or two after the replica streams: before that, a dead leader stays dead
            self.wait_for(self._replica_is_synchronous, 60, "node2 never became synchronous")
        return self

    def _replica_is_synchronous(self) -> bool:
        import psycopg

        try:
            url = f"postgresql://{SUPERUSER}@127.0.0.1:{self.nodes[0].port}/postgres"
            with psycopg.connect(url, connect_timeout=2) as connection:
                states = connection.execute("SELECT sync_state FROM pg_stat_replication").fetchall()
        except psycopg.Error:
            return False
        return ("sync",) in states

    def _wait_for_etcd(self) -> None:
        def healthy() -> bool:
            try:
                url = f"http://127.0.0.1:{self.etcd_port}/health"
                with urllib.request.urlopen(url, timeout=1) as answer:
                    return bool(json.loads(answer.read()).get("health") == "true")
            except (OSError, ValueError):
                return False

        self.wait_for(healthy, 20, "etcd did not start")

    def wait_for(self, condition: object, timeout: float, why: str) -> float:
        started = time.monotonic()
        while not condition():  # type: ignore[operator]
            if time.monotonic() - started > timeout:
                logs = "\n".join(node.log()[-3000:] for node in self.nodes)
                raise RuntimeError(f"{why}\n{logs}")
            time.sleep(0.1)
        return time.monotonic() - started

    def primary(self) -> PatroniNode | None:
        return next((node for node in self.nodes if node.role() == "primary"), None)

    def url(self, database: str) -> str:
        hosts = ",".join(f"127.0.0.1:{node.port}" for node in self.nodes)
        return f"postgresql://{SUPERUSER}@{hosts}/{database}?target_session_attrs=read-write"

    def stop(self) -> None:
        for node in self.nodes:
            try:
                node.kill()
            except Exception:  # the other node and etcd must go all the same
                continue
        if self._etcd is not None:
            self._etcd.kill()
            self._etcd.wait(timeout=10)
        shutil.rmtree(self.directory, ignore_errors=True)
