"""Counter terminal benchmark: start-up to first frame, and Next → answer → UI latency.

    python bench/counter_bench.py [--starts 5] [--presses 200] [--cpu-quota 40] [--only-start]

Starts a real server (child process) on 127.0.0.1 with a fresh data dir, then:
1. ``--starts`` times, a fresh ``antrian-counter`` process (the real ``build`` of main.py,
   offscreen): time from process start to the window's first painted frame, and to the
   first frame showing the server's data (connected, counter known). With
   ``--cpu-quota PERCENT`` these processes run limited to that share of one core.
2. In this process, a counter window on a real ServerLink presses Next ``--presses``
   times (keyboard shortcut): time from the key press to the window showing the called
   number (the server's answer rendered), and to the event stream's state agreeing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.cpu_quota import CpuQuota, QuotaUnavailable, add_quota_argument, limited, optional_quota
from tests.support.live_server import LiveServer

COUNTER = 1
CHILD_FLAG = "--child-startup"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def child_startup(config_path: str) -> None:
    """Run in a fresh process: build the real counter app and report its first frames."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    from counter_display.counter.main import build, load_settings, start_after_first_frame

    settings = load_settings(config_path)
    application, link, window = build(settings)
    marks: dict[str, float] = {}

    class PaintWatcher(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                now = time.time()
                marks.setdefault("first_frame", now)
                if window.presenter.phase != "unavailable":
                    marks.setdefault("first_data_frame", now)
                    QTimer.singleShot(0, application.quit)
            return False

    watcher = PaintWatcher()
    window.installEventFilter(watcher)
    window.show()
    start_after_first_frame(link, window)
    QTimer.singleShot(15000, application.quit)
    application.exec()
    link.stop()
    print(marks.get("first_frame", 0.0), marks.get("first_data_frame", 0.0), flush=True)


def measure_startups(
    server: LiveServer, runs: int, work: Path, quota: CpuQuota | None = None
) -> tuple[list[float], list[float]]:
    config = work / "antrian.toml"
    config.write_text(
        f'[counter]\nserver = "{server.url}"\ntoken = "{server.tokens["counter1"]}"\n'
        f"counter = {COUNTER}\ndiscovery = false\n",
        encoding="utf-8",
    )
    first_frames, data_frames = [], []
    for _ in range(runs):
        started = time.time()
        output = subprocess.run(
            limited(quota, [sys.executable, __file__, CHILD_FLAG, str(config)]),
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout.split()
        first, with_data = (float(value) for value in output[-2:])
        first_frames.append(first - started)
        data_frames.append(with_data - started)
    return first_frames, data_frames


def measure_presses(server: LiveServer, presses: int) -> tuple[list[float], list[float]]:
    import json
    import urllib.request

    from PySide6.QtCore import QCoreApplication, QEventLoop, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from client.pyside_fix import apply_reference_fix
    from client.qt_bridge import ServerLink
    from counter_display.counter.actions import Button
    from counter_display.counter.window import CounterWindow

    apply_reference_fix()

    for _ in range(presses):
        request = urllib.request.Request(
            f"{server.api}/tickets",
            data=json.dumps({"service": "A"}).encode(),
            headers={"Authorization": f"Bearer {server.tokens['kiosk']}"},
            method="POST",
        )
        urllib.request.urlopen(request, timeout=5).close()

    application = QApplication.instance() or QApplication([])
    link = ServerLink(server.tokens[f"counter{COUNTER}"], server.url, discovery=False)
    window = CounterWindow(link, COUNTER, "id")
    window.show()
    link.start()

    def wait_for(condition: object, timeout_s: float = 10.0) -> None:
        deadline = time.perf_counter() + timeout_s
        while not condition():  # type: ignore[operator]
            if time.perf_counter() > deadline:
                raise TimeoutError("the counter window did not update in time")
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)

    wait_for(lambda: window.buttons[Button.NEXT].isEnabled())
    answered, synced = [], []
    for index in range(1, presses + 1):
        number = f"A{index:03d}"
        started = time.perf_counter()
        QTest.keyClick(window, Qt.Key.Key_Space)
        wait_for(lambda: window.current_number_label.text() == number)  # noqa: B023
        answered.append(time.perf_counter() - started)

        def state_agrees(expected: str = number) -> bool:
            state = link.state
            counter = state.counter(COUNTER) if state is not None else None
            current = counter.current if counter is not None else None
            return current is not None and current.number == expected

        wait_for(state_agrees)
        synced.append(time.perf_counter() - started)
        wait_for(lambda: window.presenter.phase != "busy")
    window.close()
    link.stop()
    application.processEvents()
    return answered, synced


def report(name: str, values: list[float]) -> None:
    milliseconds = [value * 1000 for value in values]
    print(
        f"{name:<48} n={len(values):<4} p50={percentile(milliseconds, 0.5):7.1f} ms"
        f"  p95={percentile(milliseconds, 0.95):7.1f} ms  max={max(milliseconds):7.1f} ms"
        f"  mean={statistics.fmean(milliseconds):7.1f} ms"
    )


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == CHILD_FLAG:
        child_startup(sys.argv[2])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--presses", type=int, default=200)
    parser.add_argument("--only-start", action="store_true", help="time the start-up only")
    add_quota_argument(parser)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        work = Path(directory)
        server = LiveServer(work / "server").start()
        try:
            try:
                with optional_quota(arguments.cpu_quota) as quota:
                    first, with_data = measure_startups(server, arguments.starts, work, quota)
                if quota is not None:
                    print(f"start-up under a {quota.describe()}:")
                report("process start -> first frame", first)
                report("process start -> first frame with server data", with_data)
            except QuotaUnavailable as exc:
                print(f"start-up under a CPU quota: skipped: {exc}")
            if arguments.only_start:
                return
            answered, synced = measure_presses(server, arguments.presses)
            report("Next pressed -> answer shown in the window", answered)
            report("Next pressed -> event stream state agrees", synced)
        finally:
            server.stop()


if __name__ == "__main__":
    main()
