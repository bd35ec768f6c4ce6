"""The whole office across a (virtual) LAN: server on one host; kiosk, counter, display on another.

The server runs in one network namespace, the three Qt programs (offscreen) in another,
joined by a veth pair. The programs find the server by zeroconf alone. A ticket taken at
the kiosk is printed on a virtual serial printer, called at the counter, shown and
announced at the display. Then the server is killed with SIGKILL and restarted: every
program must recover by itself, and nothing acknowledged may be lost.
"""

from __future__ import annotations

import json
import os
import queue
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from server.storage.repository import Role, create_token
from server.storage.schema import open_database
from tests.e2e.netns import OfficeLan, cannot_create_namespaces
from tests.printer_drivers.simulated import PtyPair, PtyPrinter

pytestmark = [pytest.mark.slow, pytest.mark.netns]
ROOT = Path(__file__).resolve().parents[2]
RECOVERY_LIMIT_S = 20.0


class Driven:
    """A Qt program under launcher.autopilot: send a command, read its JSON answer."""

    def __init__(self, name: str, command: list[str], log_path: Path) -> None:
        self.name = name
        self.log_path = log_path
        environment = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        environment.pop("ANTRIAN_CONFIG", None)
        with log_path.open("w") as log:
            self.process = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True,
                env=environment, cwd=ROOT,
            )  # fmt: skip
        self.answers: queue.Queue[dict[str, Any]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.startswith("{"):
                self.answers.put(json.loads(line))

    def ask(self, command: str, timeout_s: float = 10.0) -> dict[str, Any]:
        assert self.process.stdin is not None
        if self.process.poll() is not None:
            raise AssertionError(f"{self.name} exited:\n{self.log()}")
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        try:
            return self.answers.get(timeout=timeout_s)
        except queue.Empty:
            raise AssertionError(f"{self.name} did not answer {command!r}:\n{self.log()}") from None

    def until(
        self, command: str, done: Callable[[dict[str, Any]], bool], timeout_s: float
    ) -> dict[str, Any]:
        deadline = time.monotonic() + timeout_s
        while True:
            answer = self.ask(command)
            if done(answer):
                return answer
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name}: {command!r} never worked:\n{self.log()}")
            time.sleep(0.25)

    def wait_for_log(self, text: str, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while text not in self.log():
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name} never logged {text!r}:\n{self.log()}")
            time.sleep(0.1)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()


def tickets(data_dir: Path) -> dict[str, tuple[str, int | None]]:
    connection = sqlite3.connect(data_dir / "antrian.sqlite3")
    try:
        rows = connection.execute("SELECT number, status, counter FROM tickets").fetchall()
    finally:
        connection.close()
    return {number: (status, counter) for number, status, counter in rows}


def wait_until(check: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


@pytest.fixture
def lan() -> Iterator[OfficeLan]:
    reason = cannot_create_namespaces()
    if reason is not None:
        pytest.skip(reason)
    office = OfficeLan().create()
    try:
        yield office
    finally:
        office.destroy()


def test_office_across_the_lan_survives_a_server_kill(lan: OfficeLan, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    connection = open_database(data_dir)
    now = datetime.now(UTC)
    kiosk_token = create_token(connection, Role.KIOSK, "kiosk", None, now)
    counter_token = create_token(connection, Role.COUNTER, "loket 1", 1, now)
    display_token = create_token(connection, Role.DISPLAY, "tv", None, now)
    connection.close()
    server_config = tmp_path / "server.toml"
    server_config.write_text('[office]\nname = "Kecamatan Uji Jaringan"\n')
    server_command = lan.run_in(
        lan.server,
        [sys.executable, "-m", "server", "--config", str(server_config), "--data-dir",
         str(data_dir), "--port", "8470"],
    )  # fmt: skip

    def start_server() -> subprocess.Popen[bytes]:
        with (tmp_path / "server.log").open("ab") as log:
            return subprocess.Popen(server_command, stdout=log, stderr=log, cwd=ROOT)

    server = start_server()
    pty = PtyPair(tmp_path)
    printer = PtyPrinter(pty.printer_end)
    # the desk PCs know only their tokens: the server's address must come from zeroconf
    configs = {
        "kiosk": f'[kiosk]\ntoken = "{kiosk_token}"\n[printer]\ntype = "serial"\n'
        f'device = "{pty.driver_end}"\nbaudrate = 9600\ntimeout_s = 1.0\n',
        "counter": f'[counter]\ntoken = "{counter_token}"\ncounter = 1\n',
        "display": f'[display]\ntoken = "{display_token}"\n',
    }
    extra = {"kiosk": ["--windowed"], "counter": [], "display": ["--windowed", "--no-sound"]}
    programs: dict[str, Driven] = {}
    try:
        for name, text in configs.items():
            config = tmp_path / f"{name}.toml"
            config.write_text(text)
            command = lan.run_in(
                lan.desk,
                [sys.executable, "-m", "launcher.autopilot", "--commands", name, "--",
                 "--config", str(config), *extra[name]],
            )  # fmt: skip
            programs[name] = Driven(name, command, tmp_path / f"{name}.log")
        kiosk, counter, display = programs["kiosk"], programs["counter"], programs["display"]

        # a visitor takes a ticket for service A; it comes out of the printer
        kiosk.until("press service Administrasi", lambda answer: answer["ok"], timeout_s=40)
        ticket_bytes = printer.wait_for(100, timeout_s=10)
        assert b"A001" in ticket_bytes
        assert tickets(data_dir)["A001"] == ("waiting", None)

        # the clerk at loket 1 calls it
        counter.until("press button_next", lambda answer: answer["ok"], timeout_s=40)
        wait_until(lambda: tickets(data_dir)["A001"] == ("called", 1), 10, "A001 to be called")

        # the TV shows it and says it
        display.until("texts", lambda answer: "A001" in answer["texts"], timeout_s=20)
        display.wait_for_log("announcing A001 at counter 1", timeout_s=10)

        # power cut of the server: SIGKILL, then it comes back
        server.kill()
        server.wait(timeout=10)
        restarted_at = time.monotonic()
        server = start_server()

        kiosk.until("press service Administrasi", lambda answer: answer["ok"], RECOVERY_LIMIT_S)
        wait_until(lambda: b"A002" in printer.responder.ticket_bytes, 10, "A002 to be printed")
        counter.until("press button_next", lambda answer: answer["ok"], RECOVERY_LIMIT_S)
        wait_until(lambda: tickets(data_dir).get("A002") == ("called", 1), 10, "A002 called")
        display.until("texts", lambda answer: "A002" in answer["texts"], RECOVERY_LIMIT_S)
        display.wait_for_log("announcing A002 at counter 1", timeout_s=10)
        recovered_s = time.monotonic() - restarted_at
        assert recovered_s < RECOVERY_LIMIT_S

        # nothing acknowledged was lost: A001 is still there (served), A002 is being served
        stored = tickets(data_dir)
        assert stored == {"A001": ("done", 1), "A002": ("called", 1)}
        print(f"programs recovered {recovered_s:.1f} s after the server restarted")
    finally:
        for program in programs.values():
            program.stop()
        printer.stop()
        pty.stop()
        server.kill()
        server.wait(timeout=10)
