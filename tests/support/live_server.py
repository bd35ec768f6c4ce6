"""A real Antrian server in a child process on 127.0.0.1 and a random port, for tests."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from tests.support.database import Database

START_TIMEOUT_S = 20.0
K = TypeVar("K")
TOKEN_NAMES = {
    "admin": ("admin", None),
    "kiosk": ("kiosk", None),
    "display": ("display", None),
    "counter1": ("counter", 1),
    "counter2": ("counter", 2),
    "counter3": ("counter", 3),
}


class LiveServer:
    """Starts `python -m server` with its own data dir; restartable on the same port."""

    def __init__(
        self,
        data_dir: Path,
        config_text: str | None = None,
        zeroconf: bool = False,
        extra_env: dict[str, str] | None = None,
        host: str = "127.0.0.1",
        name: str = "server",
        arguments: tuple[str, ...] = (),
        open_files: tuple[int, int] | None = None,
        database: str | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.database = database  # a postgresql:// URL; None: SQLite in data_dir
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.config_path: Path | None = None
        if config_text is not None:
            self.config_path = data_dir / "antrian.toml"
            self.config_path.write_text(config_text, encoding="utf-8")
        self.zeroconf = zeroconf
        self.host = host
        self.port = 0
        self.public_port: int | None = None  # the public listener's, when [server] has one
        self.extra_env = extra_env or {}
        self.arguments = arguments
        self.open_files = open_files  # RLIMIT_NOFILE (soft, hard); systemd's soft is 1,024
        self.process: subprocess.Popen[bytes] | None = None
        self.name = name
        self.log_path = data_dir / f"{name}.log"
        self.tokens: dict[str, str] = {}

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api(self) -> str:
        return f"{self.url}/api/v1"

    def _base_command(self) -> list[str]:
        command = [sys.executable, "-m", "server", "--data-dir", str(self.data_dir)]
        if self.config_path is not None:
            command += ["--config", str(self.config_path)]
        return command

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.pop("ANTRIAN_CONFIG", None)
        env.pop("ANTRIAN_DATABASE_URL", None)
        if self.database:
            env["ANTRIAN_DATABASE_URL"] = self.database
        env.update(self.extra_env)
        return env

    def create_token(self, role: str, name: str, counter: int | None = None) -> str:
        command = [*self._base_command(), "token", "create", "--role", role, "--name", name]
        if counter is not None:
            command += ["--counter", str(counter)]
        result = subprocess.run(
            command, capture_output=True, text=True, env=self._env(), timeout=30, check=True
        )
        return result.stdout.strip().splitlines()[-1]

    def revoke_token(self, name: str) -> None:
        """`antrian-server token revoke NAME`, as a supervisor at the server PC does."""
        command = [*self._base_command(), "token", "revoke", name]
        subprocess.run(command, capture_output=True, env=self._env(), timeout=30, check=True)

    def start(self) -> LiveServer:
        if not self.tokens:
            self.tokens = self._create_standard_tokens()
        port_file = self.data_dir / f"{self.name}.port"
        port_file.unlink(missing_ok=True)
        command = [
            *self._base_command(), "--host", self.host, "--port", str(self.port),
            "--port-file", str(port_file),
        ]  # fmt: skip
        if not self.zeroconf:
            command.append("--no-zeroconf")
        command += self.arguments
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, env=self._env(),
            preexec_fn=self._limit_open_files if self.open_files else None,
        )  # fmt: skip
        log.close()
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited at start:\n{self.log_path.read_text()}")
            if port_file.exists() and port_file.read_text().strip():
                # the LAN port, then the public listener's, one a line
                ports = [int(line) for line in port_file.read_text().split()]
                self.port = ports[0]
                self.public_port = ports[1] if len(ports) > 1 else None
                if self._healthy():
                    return self
            time.sleep(0.02)
        raise RuntimeError(f"server did not start in time:\n{self.log_path.read_text()}")

    def _limit_open_files(self) -> None:
        import resource

        assert self.open_files is not None
        resource.setrlimit(resource.RLIMIT_NOFILE, self.open_files)

    def _create_standard_tokens(self) -> dict[str, str]:
        return self.add_tokens(TOKEN_NAMES)

    def add_tokens(self, specs: Mapping[K, tuple[str, int | None]]) -> dict[K, str]:
        """Create tokens in-process (quicker than one CLI run each; the CLI has its own tests)."""
        return self.stored.create_tokens(dict(specs))

    @property
    def stored(self) -> Database:
        """The server's database, to look at what it stored."""
        return Database(self.data_dir, self.database)

    def _healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.api}/health", timeout=1) as answer:
                return bool(answer.status == 200)
        except OSError:
            return False

    def health_status(self) -> str:
        """What `GET /health` says (`ok`, `standby`, …), or `down` when nothing answers."""
        try:
            with urllib.request.urlopen(f"{self.api}/health", timeout=1) as answer:
                return str(json.loads(answer.read())["status"])
        except OSError:
            return "down"

    def wait_until_active(
        self, pause: Callable[[], object] = lambda: time.sleep(0.02), timeout_s: float = 10.0
    ) -> float:
        """Until this standby has taken over (answers `ok`), `pause()` between two looks;
        the monotonic time it was seen active."""
        deadline = time.monotonic() + timeout_s
        while self.health_status() != "ok":
            assert time.monotonic() < deadline, "the standby did not take over"
            pause()
        return time.monotonic()

    def kill(self) -> None:
        """SIGKILL: no clean shutdown, like a power cut of the server process."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def stop(self) -> int | None:
        """SIGTERM and wait for the graceful shutdown; returns the exit code."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        code = self.process.returncode
        self.process = None
        return code

    def restart(self) -> LiveServer:
        self.kill()
        return self.start()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def start_pair(
    directory: Path, database: str, first_database: str | None = None, **options: Any
) -> tuple[LiveServer, LiveServer]:
    """Two servers on one PostgreSQL database, started in turn: `pc1` the active one, `pc2`
    its standby with the same tokens. `first_database`: pc1's way to the same database (a
    relay); `options` go to both (LiveServer's keyword arguments)."""
    first = LiveServer(
        directory / "pc1",
        name="pc1",
        database=first_database or database,
        **options,
    ).start()
    second = LiveServer(directory / "pc2", name="pc2", database=database, **options)
    second.tokens = first.tokens
    second.start()
    return first, second
