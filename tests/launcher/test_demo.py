"""`antrian demo` without a screen: a whole office runs, tickets and screenshots appear."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

pytestmark = pytest.mark.slow


def image_width(path: Path) -> int:
    with Image.open(path) as image:
        return image.width


def test_demo_without_screen_runs_the_office_and_saves_pictures(tmp_path: Path) -> None:
    environment = {
        key: value for key, value in os.environ.items() if key not in ("DISPLAY", "WAYLAND_DISPLAY")
    }
    result = subprocess.run(
        [sys.executable, "-m", "launcher.main", "demo", "--out", str(tmp_path), "--seconds", "14"],
        capture_output=True, text=True, timeout=120, env=environment,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "tidak ada layar" in result.stdout
    tickets = sorted((tmp_path / "tiket").glob("*.png"))
    assert tickets, "the kiosk printed no ticket"
    assert image_width(tickets[0]) > 300
    for name in ("kiosk", "counter1", "counter2", "display"):
        shot = tmp_path / "layar" / f"{name}.png"
        assert shot.is_file(), f"no screenshot of {name}"
        assert image_width(shot) >= 400
    # the counters called what the kiosk issued: the server log is clean
    assert "Traceback" not in (tmp_path / "server.log").read_text()
