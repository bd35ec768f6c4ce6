"""Fixtures for the counter and display tests: offscreen Qt, the committed audio assets."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Before any Qt import: no display server is needed, and none is touched.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ASSETS_DIR = Path(__file__).resolve().parents[2] / "assets"


@pytest.fixture
def assets_dir() -> Path:
    """The repository's assets directory with the committed voice clips and chime."""
    return ASSETS_DIR
