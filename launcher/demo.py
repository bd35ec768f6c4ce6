"""`antrian demo`: a whole office on one PC (server, kiosk, three counters, the TV display)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from client.config import has_screen

START_TIMEOUT_S = 30.0
OFFSCREEN_DEFAULT_S = 40.0
# The built-in office's counters: loket 1 serves A, loket 2 A and B, loket 3 B and C, so
# with all three every service is called.
COUNTERS = (1, 2, 3)
# Where each window goes on a real screen (fractions: x, y, width, height), laid out for
# 1920×1080: the kiosk on the left (653×1080), the TV above (1267×497), the three
# counters side by side under it (422×583 each, above the counter's 400×560 minimum).
LAYOUT = {
    "kiosk": "0,0,0.34,1",
    "display": "0.34,0,0.66,0.46",
    "counter1": "0.34,0.46,0.22,0.54",
    "counter2": "0.56,0.46,0.22,0.54",
    "counter3": "0.78,0.46,0.22,0.54",
}
# Buttons the autopilot presses when nobody can (no screen): visitors and clerks.
KIOSK_BUTTON = "service"
COUNTER_BUTTON = "button_next"


@dataclass
class Demo:
    """The demo's folder and the processes it started."""

    folder: Path
    offscreen: bool
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    url: str = ""

    @property
    def tickets(self) -> Path:
        return self.folder / "tiket"

    @property
    def screenshots(self) -> Path:
        return self.folder / "layar"

    def start_server(self) -> None:
        data = self.folder / "data"
        port_file = self.folder / "server.port"
        port_file.unlink(missing_ok=True)
        self.processes["server"] = self._spawn(
            "server",
            [sys.executable, "-m", "server", "--data-dir", str(data), "--host", "127.0.0.1",
             "--port", "0", "--port-file", str(port_file), "--no-zeroconf"],
        )  # fmt: skip
        deadline = time.monotonic() + START_TIMEOUT_S
        while not (port_file.exists() and port_file.read_text().strip()):
            if self.processes["server"].poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start; see {self.folder / 'server.log'}")
            time.sleep(0.05)
        self.url = f"http://127.0.0.1:{port_file.read_text().strip()}"

    def create_token(self, role: str, name: str, counter: int | None = None) -> str:
        command = [sys.executable, "-m", "server", "--data-dir", str(self.folder / "data"),
                   "token", "create", "--role", role, "--name", name]  # fmt: skip
        if counter is not None:
            command += ["--counter", str(counter)]
        result = subprocess.run(command, capture_output=True, text=True, check=True, timeout=30)
        return result.stdout.strip().splitlines()[-1]

    def write_configs(self) -> dict[str, Path]:
        kiosk_token = self.create_token("kiosk", "demo kiosk")
        display_token = self.create_token("display", "demo display")
        configs = {
            "kiosk": (
                f'[kiosk]\nserver = "{self.url}"\ntoken = "{kiosk_token}"\nfullscreen = false\n'
                f"discovery = false\n\n"
                f'[printer]\ntype = "preview"\npreview_dir = "{self.tickets}"\n'
            ),
            "display": (
                f'[display]\nserver = "{self.url}"\ntoken = "{display_token}"\n'
                f"fullscreen = false\ndiscovery = false\n"
                'ticker = "Demo Antrian — ambil nomor di kios, tunggu panggilan di layar ini"\n'
            ),
        }
        for number in COUNTERS:
            token = self.create_token("counter", f"demo loket {number}", number)
            configs[f"counter{number}"] = (
                f'[counter]\nserver = "{self.url}"\ntoken = "{token}"\ncounter = {number}\n'
                "discovery = false\n"
            )
        paths = {}
        for name, text in configs.items():
            path = self.folder / f"{name}.toml"
            path.write_text(text, encoding="utf-8")
            paths[name] = path
        return paths

    def start_programs(self, configs: dict[str, Path]) -> None:
        for name, config in configs.items():
            program = "counter" if name.startswith("counter") else name
            command = [sys.executable, "-m", "launcher.autopilot"]
            if not self.offscreen:
                command += ["--place", LAYOUT[name]]
            if self.offscreen:
                command += ["--screenshot", str(self.screenshots / f"{name}.png")]
                if program == "kiosk":
                    command += ["--press", KIOSK_BUTTON, "--every", "3"]
                elif program == "counter":
                    command += ["--press", COUNTER_BUTTON, "--every", "5"]
            command += [program, "--", "--config", str(config)]
            if program in ("kiosk", "display"):
                command.append("--windowed")
            if program == "display" and self.offscreen:
                command.append("--no-sound")
            self.processes[name] = self._spawn(name, command)

    def _spawn(self, name: str, command: list[str]) -> subprocess.Popen[bytes]:
        environment = dict(os.environ)
        environment.pop("ANTRIAN_CONFIG", None)
        if self.offscreen:
            environment["QT_QPA_PLATFORM"] = "offscreen"
        log = (self.folder / f"{name}.log").open("ab")
        try:
            return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=environment)
        finally:
            log.close()

    def stop(self) -> None:
        order = [name for name in self.processes if name != "server"] + ["server"]
        for name in order:
            process = self.processes.get(name)
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for name in order:
            process = self.processes.get(name)
            if process is None:
                continue
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def run_demo(out: str | None, offscreen: bool, seconds: float) -> int:
    if not offscreen and not has_screen():
        print(
            "antrian demo: tidak ada layar (DISPLAY kosong) — demo berjalan tanpa jendela;\n"
            "              tangkapan layar dan tiket disimpan di folder di bawah ini.\n"
            "              (no screen: the demo runs without windows and saves screenshots)"
        )
        offscreen = True
    folder = Path(out or "antrian-demo").expanduser().resolve()
    folder.mkdir(parents=True, exist_ok=True)
    demo = Demo(folder, offscreen)
    if offscreen and seconds <= 0:
        seconds = OFFSCREEN_DEFAULT_S
    stop_requested = False

    def request_stop(*_: object) -> None:
        nonlocal stop_requested
        stop_requested = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    try:
        demo.start_server()
        demo.start_programs(demo.write_configs())
        print(f"Server      {demo.url}/api/v1/health")
        print(f"Folder      {folder}  (logs, config, database)")
        print(f"Tiket       {demo.tickets}  (preview printer: one PNG per ticket)")
        if offscreen:
            print(f"Layar       {demo.screenshots}  (screenshots, renewed every few seconds)")
            print(f"Berjalan {seconds:.0f} detik; pengunjung dan petugas disimulasikan.")
        else:
            print("Jendela: kios, loket 1, 2 dan 3, layar TV. Tekan Ctrl+C untuk berhenti.")
        deadline = time.monotonic() + seconds if seconds > 0 else None
        while not stop_requested and (deadline is None or time.monotonic() < deadline):
            failed = [
                name for name, process in demo.processes.items() if process.poll() is not None
            ]
            if failed:
                print(f"antrian demo: {', '.join(failed)} stopped; see {folder}/{failed[0]}.log")
                return 1
            time.sleep(0.2)
    except (RuntimeError, subprocess.CalledProcessError, OSError) as exc:
        print(f"antrian demo: {exc}", file=sys.stderr)
        return 1
    finally:
        demo.stop()
    tickets = sorted(demo.tickets.glob("*.png")) if demo.tickets.exists() else []
    print(f"Selesai: {len(tickets)} tiket di {demo.tickets}")
    if offscreen:
        for shot in sorted(demo.screenshots.rglob("*.png")):
            print(f"  {shot}")
    return 0
