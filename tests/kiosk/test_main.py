"""The antrian-kiosk program as a process: it starts, draws, quits on SIGTERM, never crashes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.support.live_server import LiveServer

START_TIMEOUT_S = 15.0


def start_kiosk(config: Path, frame_file: Path, log: Path) -> subprocess.Popen[bytes]:
    environment = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    environment.pop("ANTRIAN_CONFIG", None)
    with log.open("wb") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "kiosk", "--config", str(config), "--windowed",
             "--report-first-frame", str(frame_file)],
            stdout=output, stderr=subprocess.STDOUT, env=environment,
        )  # fmt: skip


def wait_for_file(path: Path, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while not path.exists():
        assert process.poll() is None, "the kiosk exited"
        assert time.monotonic() < deadline, "no first frame"
        time.sleep(0.05)


def stop(process: subprocess.Popen[bytes]) -> int:
    process.send_signal(signal.SIGTERM)
    return process.wait(timeout=10)


def test_the_kiosk_process_draws_its_first_frame_and_quits_on_sigterm(
    live_server: LiveServer, tmp_path: Path
) -> None:
    previews = tmp_path / "previews"
    config = tmp_path / "antrian.toml"
    config.write_text(
        f'[kiosk]\nserver = "{live_server.url}"\ntoken = "{live_server.tokens["kiosk"]}"\n'
        f'discovery = false\n\n[printer]\ntype = "preview"\npreview_dir = "{previews}"\n',
        encoding="utf-8",
    )
    log = tmp_path / "kiosk.log"
    process = start_kiosk(config, tmp_path / "first-frame", log)
    try:
        wait_for_file(tmp_path / "first-frame", process)
    finally:
        code = stop(process)
    assert code == 0
    output = log.read_text(errors="replace")
    assert "Traceback" not in output


def test_a_broken_config_keeps_the_kiosk_up_with_a_message_and_no_traceback(
    tmp_path: Path,
) -> None:
    config = tmp_path / "antrian.toml"
    config.write_text('[printer]\ntype = "carrier-pigeon"\n', encoding="utf-8")
    log = tmp_path / "kiosk.log"
    process = start_kiosk(config, tmp_path / "first-frame", log)
    try:
        wait_for_file(tmp_path / "first-frame", process)
    finally:
        code = stop(process)
    assert code == 0
    output = log.read_text(errors="replace")
    assert 'configuration: Pengaturan salah di [printer], kunci "type"' in output
    assert "Traceback" not in output
