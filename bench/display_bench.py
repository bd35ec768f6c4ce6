"""TV display benchmark: call → number on screen latency, memory over 10,000 calls, start-up time.

    python bench/display_bench.py [--samples 300] [--calls 10000] [--starts 5]
    python bench/display_bench.py --starts 5 --cpu-quota 40 --only-start
    python bench/display_bench.py --screenshots docs/   # the docs/display-*.png pictures

Starts a real server (child process) on 127.0.0.1 and, in this process, the display as
``antrian-display`` builds it (server link, 1920×1080 window, announcement player with
the committed voice clips; no audio device is opened). Then:

1. Latency: ``--samples`` times, a counter presses "next" over HTTP; the time from
   sending the request to the new number having been painted by Qt (the big number
   label's paintEvent) is measured; prints p50/p95/p99/max.
2. Memory: ``--calls`` calls back to back (as fast as the server answers); prints the
   display's RSS after 0, 25 %, 50 % and 100 % of them, once each call has been shown.
3. Start-up: ``--starts`` runs of ``antrian-display --exit-after-start`` as a child
   process; prints the time from process start to the first frame and to the office
   state on screen. With ``--cpu-quota PERCENT`` the child runs limited to that share
   of one core.
"""

from __future__ import annotations

import argparse
import http.client
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.cpu_quota import (  # noqa: E402
    CpuQuota,
    QuotaUnavailable,
    add_quota_argument,
    limited,
    optional_quota,
)
from client.pyside_fix import apply_reference_fix  # noqa: E402

apply_reference_fix()

from PySide6.QtCore import QMetaObject, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from client.qt_bridge import ServerLink  # noqa: E402
from client.state import OfficeState  # noqa: E402
from client.wire import parse_snapshot  # noqa: E402
from counter_display.display.announcer import Announcer  # noqa: E402
from counter_display.display.audio_player import AnnouncementPlayer  # noqa: E402
from counter_display.display.controller import DisplayController  # noqa: E402
from counter_display.display.presenter import DisplayPresenter  # noqa: E402
from counter_display.display.window import DisplayWindow  # noqa: E402
from tests.client.samples import called_json, counter_json, snapshot_json  # noqa: E402
from tests.support.builders import closed_services  # noqa: E402
from tests.support.live_server import LiveServer  # noqa: E402

TICKER = (
    "Selamat datang di Kantor Kecamatan. Jam layanan Senin–Jumat 08.00–15.00 WIB, "
    "istirahat Jumat 11.30–13.00. Siapkan KTP-el dan KK asli."
)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


class Http:
    """One keep-alive HTTP connection to the server, as a kiosk or counter uses it."""

    def __init__(self, server: LiveServer) -> None:
        self.server = server
        self.connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)

    def post(self, path: str, token_name: str, body: object = None) -> dict[str, object]:
        headers = {
            "Authorization": f"Bearer {self.server.tokens[token_name]}",
            "Content-Type": "application/json",
        }
        self.connection.request("POST", f"/api/v1{path}", json.dumps(body or {}), headers)
        answer = self.connection.getresponse()
        data = answer.read()
        if answer.status >= 300:
            raise RuntimeError(f"POST {path}: {answer.status} {data[:200]!r}")
        result: dict[str, object] = json.loads(data)
        return result

    def call_next(self, counter: int) -> str:
        return str(self.post(f"/counters/{counter}/next", f"counter{counter}")["number"])


class Screen:
    """The display under test, with a record of when each number was painted."""

    def __init__(self, server: LiveServer, size: tuple[int, int] = (1920, 1080)) -> None:
        self.link = ServerLink(server.tokens["display"], server.url, discovery=False)
        self.window = DisplayWindow(ticker_text=TICKER)
        announcer = Announcer(ROOT / "assets" / "voice")
        self.player = AnnouncementPlayer(announcer, use_audio_device=False)
        self.controller = DisplayController(self.link, self.window, self.player)
        self._last_painted: tuple[str, float] = ("", 0.0)
        self._condition = threading.Condition()
        self.window.number_painted.connect(self._on_number_painted)
        self.window.resize(*size)
        self.window.show()
        self.link.start()

    def _on_number_painted(self, number: str) -> None:
        with self._condition:
            self._last_painted = (number, time.perf_counter())
            self._condition.notify_all()

    def wait_painted(self, number: str, timeout_s: float = 10.0) -> float:
        """Wait until the big number shows ``number``; returns when it was painted.

        The driver sends one call at a time, so the number it just called is the last
        one painted once the display has caught up.
        """
        with self._condition:
            if not self._condition.wait_for(lambda: self._last_painted[0] == number, timeout_s):
                raise TimeoutError(f"{number} was not shown within {timeout_s} s")
            return self._last_painted[1]

    def stop(self) -> None:
        self.player.stop()
        self.link.stop()


def run_in_qt(app: QApplication, work: Callable[[], None]) -> None:
    """Run ``work`` in a thread while the Qt event loop runs here; re-raise its error."""
    errors: list[BaseException] = []

    def target() -> None:
        try:
            work()
        except BaseException as exc:
            errors.append(exc)
        finally:
            QMetaObject.invokeMethod(app, "quit", Qt.ConnectionType.QueuedConnection)

    thread = threading.Thread(target=target, name="bench-driver")
    thread.start()
    app.exec()
    thread.join()
    if errors:
        raise errors[0]


def issue_tickets(http: Http, counts: dict[str, int]) -> None:
    for service, count in counts.items():
        for _ in range(count):
            http.post("/tickets", "kiosk", {"service": service})


def measure_in_process(samples: int, calls: int) -> None:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    with tempfile.TemporaryDirectory() as data_dir:
        server = LiveServer(Path(data_dir) / "server").start()
        screen = Screen(server)
        try:

            def drive() -> None:
                http = Http(server)
                # A day's worth waiting; then each call is preceded by a new ticket, so the
                # waiting line stays as long as in an office. Counter 1 calls A, counter 3
                # calls B and C, alternately (numbers stay sayable: at most A5000).
                issue_tickets(http, {"A": 20, "B": 10, "C": 10})

                def call(index: int) -> str:
                    counter = 1 if index % 2 == 0 else 3
                    service = "A" if counter == 1 else "BC"[index // 2 % 2]
                    http.post("/tickets", "kiosk", {"service": service})
                    return http.call_next(counter)

                deadline = time.monotonic() + 10
                while screen.link.status != "connected" and time.monotonic() < deadline:
                    time.sleep(0.05)

                latencies = []
                for index in range(samples):
                    counter = 1 if index % 2 == 0 else 3
                    service = "A" if counter == 1 else "BC"[index // 2 % 2]
                    http.post("/tickets", "kiosk", {"service": service})
                    sent = time.perf_counter()
                    number = http.call_next(counter)
                    latencies.append(screen.wait_painted(number) - sent)
                ms = [latency * 1000 for latency in latencies]
                print(
                    f"call → number painted ({samples} calls, 1920x1080): "
                    f"p50 {percentile(ms, 0.5):.1f} ms, p95 {percentile(ms, 0.95):.1f} ms, "
                    f"p99 {percentile(ms, 0.99):.1f} ms, max {max(ms):.1f} ms",
                    flush=True,
                )

                checkpoints = {0, calls // 4, calls // 2, calls}
                print(f"RSS after 0 calls: {rss_mb():.1f} MB", flush=True)
                started = time.perf_counter()
                for index in range(1, calls + 1):
                    number = call(samples + index)
                    if index in checkpoints:
                        screen.wait_painted(number, 60)
                        print(f"RSS after {index} calls: {rss_mb():.1f} MB", flush=True)
                elapsed = time.perf_counter() - started
                print(
                    f"{calls} calls (each after a new ticket) in {elapsed:.1f} s "
                    f"({calls / elapsed:.0f} calls/s)",
                    flush=True,
                )

            run_in_qt(app, drive)
        finally:
            screen.stop()
            server.kill()


def measure_start(starts: int, quota: CpuQuota | None = None) -> None:
    with tempfile.TemporaryDirectory() as data_dir:
        server = LiveServer(Path(data_dir) / "server").start()
        config = Path(data_dir) / "antrian.toml"
        config.write_text("[display]\ndiscovery = false\n", encoding="utf-8")
        environment = dict(
            os.environ,
            QT_QPA_PLATFORM="offscreen",
            ANTRIAN_CONFIG=str(config),
            ANTRIAN_SERVER=server.url,
            ANTRIAN_TOKEN=server.tokens["display"],
        )
        command = [
            sys.executable, "-m", "counter_display.display.main", "--windowed",
            "--size", "1920x1080", "--no-sound", "--exit-after-start",
        ]  # fmt: skip
        first_frames, states = [], []
        try:
            for _ in range(starts):
                started = time.perf_counter()
                process = subprocess.Popen(
                    limited(quota, command), cwd=ROOT, env=environment,
                    stderr=subprocess.PIPE, text=True,
                )  # fmt: skip
                assert process.stderr is not None
                for line in process.stderr:
                    if "first frame on screen" in line:
                        first_frames.append(time.perf_counter() - started)
                    elif "office state on screen" in line:
                        states.append(time.perf_counter() - started)
                process.wait(30)
        finally:
            server.kill()
    first_ms = [value * 1000 for value in first_frames]
    print(
        f"process start → first frame: median {statistics.median(first_ms):.0f} ms, "
        f"p95 {percentile(first_ms, 0.95):.0f} ms, "
        f"→ office state shown: median {statistics.median(states) * 1000:.0f} ms "
        f"({starts} starts{', ' + quota.describe() if quota else ''})",
        flush=True,
    )


def take_screenshots(directory: Path) -> None:
    """The pictures in docs/: a highlighted call, 1280×720, portrait, reconnecting."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    directory.mkdir(parents=True, exist_ok=True)

    def spin(seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.005)

    with tempfile.TemporaryDirectory() as data_dir:
        server = LiveServer(Path(data_dir) / "server").start()
        screen = Screen(server)
        try:
            http = Http(server)
            issue_tickets(http, {"A": 20, "B": 14, "C": 9})
            spin(1.0)
            for counter in (1, 3, 2, 3, 1, 2, 3):
                http.call_next(counter)
            http.post("/counters/2/pause", "counter2")
            http.call_next(1)
            spin(0.3)
            screen.window.start_highlight()  # the flash's first (yellow) phase
            spin(0.1)
            screen.window.grab().save(str(directory / "display-1920x1080.png"))
            spin(screen.window._highlight_flashes * 0.5 + 0.5)  # settled
            screen.window.resize(1280, 720)
            spin(0.3)
            screen.window.grab().save(str(directory / "display-1280x720.png"))
            screen.window.resize(1080, 1920)
            spin(0.3)
            screen.window.grab().save(str(directory / "display-portrait.png"))
            screen.window.resize(1920, 1080)
            server.kill()
            spin(1.5)
            screen.window.grab().save(str(directory / "display-reconnecting.png"))
        finally:
            screen.stop()
            server.kill()
    closed_tiles_screenshots(app, directory)
    print(f"screenshots written to {directory}")


def closed_tiles_screenshots(app: QApplication, directory: Path) -> None:
    """Closed services with their longest reasons, at 1280×720 and 1920×1080."""
    snapshot = snapshot_json(
        recent_calls=[called_json(7, "A007", 1)],
        services=closed_services("id"),
        counters=[counter_json(1, ["A"]), counter_json(2, ["A", "B"]), counter_json(3, ["C"])],
    )
    state = OfficeState.from_snapshot(parse_snapshot(snapshot))
    view = DisplayPresenter().present(state, None).view
    window = DisplayWindow(ticker_text="Selamat datang di Kantor Kecamatan Contoh")
    window.show()
    for width, height in ((1280, 720), (1920, 1080)):
        window.resize(width, height)
        window.show_view(view)
        for _ in range(20):
            app.processEvents()
            time.sleep(0.01)
        window.grab().save(str(directory / f"display-closed-{width}x{height}.png"))
    window.close()
    window.deleteLater()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--screenshots", type=Path, help="write the docs pictures here, only")
    parser.add_argument("--only-start", action="store_true", help="time the start-up only")
    add_quota_argument(parser)
    arguments = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # 10,000 calls in a minute overflow the voice queue on purpose; one line each is noise.
    logging.getLogger("counter_display.display.announcer").setLevel(logging.ERROR)
    if arguments.screenshots is not None:
        take_screenshots(arguments.screenshots)
        return
    try:
        with optional_quota(arguments.cpu_quota) as quota:
            measure_start(arguments.starts, quota)
    except QuotaUnavailable as exc:
        print(f"start-up under a CPU quota: skipped: {exc}", flush=True)
    if arguments.only_start:
        return
    measure_in_process(arguments.samples, arguments.calls)


if __name__ == "__main__":
    main()
