"""A bad config stops the counter and display with one line (and a dialog on a desktop)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from client.config import has_screen


@pytest.mark.parametrize(
    ("program", "section", "key"),
    [
        ("counter_display.counter.main", '[counter]\ntoken = "t"\ncounter = "dua"\n', "counter"),
        (
            "counter_display.display.main",
            '[display]\ntoken = "t"\nhighlight_s = -5\n',
            "highlight_s",
        ),
    ],
)
def test_bad_config_exits_with_one_line_naming_the_key(
    tmp_path: Path, program: str, section: str, key: str
) -> None:
    config = tmp_path / "antrian.toml"
    config.write_text(section)
    environment = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-m", program, "--config", str(config)],
        capture_output=True, text=True, timeout=60, env=environment,
    )  # fmt: skip
    assert result.returncode == 2
    # log lines carry a time stamp; the one message for the person starts with the name
    lines = [line for line in result.stderr.splitlines() if line.startswith("antrian-")]
    assert len(lines) == 1 and key in lines[0], result.stderr


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({"DISPLAY": ":0"}, True),
        ({"WAYLAND_DISPLAY": "wayland-0"}, True),
        ({}, False),
        ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, False),
    ],
)
def test_has_screen(environment: dict[str, str], expected: bool) -> None:
    assert has_screen(environment) is expected
