"""`antrian demo` without a screen: a whole office runs, tickets and screenshots appear."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from counter_display.counter.window import MINIMUM_SIZE as COUNTER_MINIMUM
from kiosk.window import MIN_HEIGHT_PX, MIN_WIDTH_PX
from launcher.demo import COUNTERS, LAYOUT

SCREEN = (1920, 1080)


def image_width(path: Path) -> int:
    with Image.open(path) as image:
        return image.width


def _pixels(place: str) -> tuple[int, int, int, int]:
    x, y, width, height = (float(part) for part in place.split(","))
    return (round(x * SCREEN[0]), round(y * SCREEN[1]),
            round((x + width) * SCREEN[0]), round((y + height) * SCREEN[1]))  # fmt: skip


def test_the_demo_runs_every_counter_of_the_built_in_office() -> None:
    # loket 3 is the only one serving C: without it no C ticket is ever called
    assert COUNTERS == (1, 2, 3)
    assert set(LAYOUT) == {"kiosk", "display", *(f"counter{number}" for number in COUNTERS)}


def test_the_demo_windows_fill_a_1920x1080_screen_without_overlapping() -> None:
    boxes = {name: _pixels(place) for name, place in LAYOUT.items()}
    for name, (left, top, right, bottom) in boxes.items():
        assert 0 <= left < right <= SCREEN[0] and 0 <= top < bottom <= SCREEN[1], name
        minimum = COUNTER_MINIMUM if name.startswith("counter") else (MIN_WIDTH_PX, MIN_HEIGHT_PX)
        assert right - left >= minimum[0] and bottom - top >= minimum[1], name
    names = list(boxes)
    for index, first in enumerate(names):
        for second in names[index + 1 :]:
            a, b = boxes[first], boxes[second]
            overlap = min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])
            assert not overlap, (first, second)
    area = sum((right - left) * (bottom - top) for left, top, right, bottom in boxes.values())
    assert area == SCREEN[0] * SCREEN[1]  # nothing of the screen left unused


@pytest.mark.slow
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
    for name in ("kiosk", "counter1", "counter2", "counter3", "display"):
        shot = tmp_path / "layar" / f"{name}.png"
        assert shot.is_file(), f"no screenshot of {name}"
        assert image_width(shot) >= 400
    # the counters called what the kiosk issued: the server log is clean
    assert "Traceback" not in (tmp_path / "server.log").read_text()
