"""Fixtures for the TV display tests: a display wired to a live server, short voice clips."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from client.pyside_fix import apply_reference_fix
from client.qt_bridge import ServerLink
from counter_display.display.announcer import Announcer, AudioFormat, wav_bytes
from counter_display.display.audio_player import AnnouncementPlayer
from counter_display.display.controller import DisplayController
from counter_display.display.number_words import Language
from counter_display.display.phrases import CHIME_CLIP
from counter_display.display.voice_clips import clip_texts
from counter_display.display.window import DisplayWindow
from tests.support.live_server import LiveServer

# Before any test emits a signal: see pyside_fix for the PySide6 bug it works around.
apply_reference_fix()

CLIP_S = 0.02
FAST_RECONNECT = {"reconnect_delay_s": 0.1, "reconnect_max_delay_s": 0.5}


def write_short_voice(root: Path, languages: tuple[Language, ...] = (Language.INDONESIAN,)) -> Path:
    """Write every clip as 20 ms of silence under ``root`` (laid out like assets/)."""
    audio_format = AudioFormat()
    silence = wav_bytes(audio_format.silence(CLIP_S), audio_format)
    (root / "sounds").mkdir(parents=True, exist_ok=True)
    (root / "sounds" / f"{CHIME_CLIP}.wav").write_bytes(silence)
    for language in languages:
        directory = root / "voice" / language.value
        directory.mkdir(parents=True, exist_ok=True)
        for clip in clip_texts(language):
            (directory / f"{clip}.wav").write_bytes(silence)
    return root / "voice"


class Office:
    """Acts on the live server over HTTP as a kiosk and the counters would."""

    def __init__(self, server: LiveServer) -> None:
        self.server = server

    def _post(self, path: str, token_name: str, body: object = None) -> dict[str, object]:
        request = urllib.request.Request(
            f"{self.server.api}{path}",
            data=json.dumps(body or {}).encode(),
            method="POST",
            headers={
                "Authorization": f"Bearer {self.server.tokens[token_name]}",
                "Content-Type": "application/json",
            },
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            result: dict[str, object] = json.load(answer)
            return result

    def issue(self, service: str) -> str:
        """Issue a ticket at the kiosk; returns its number."""
        return str(self._post("/tickets", "kiosk", {"service": service})["number"])

    def call_next(self, counter: int) -> str:
        """Press "next" at a counter; returns the called number."""
        return str(self._post(f"/counters/{counter}/next", f"counter{counter}")["number"])

    def transfer(self, counter: int, service: str) -> str:
        """Transfer the counter's current ticket to another service; returns its number."""
        path = f"/counters/{counter}/transfer"
        return str(self._post(path, f"counter{counter}", {"service": service})["number"])

    def recall(self, counter: int) -> str:
        """Press "recall" at a counter; returns the number."""
        return str(self._post(f"/counters/{counter}/recall", f"counter{counter}")["number"])


@dataclass
class AnnouncementLog:
    """What the player said, with times: ("started" | "finished", number, monotonic s)."""

    entries: list[tuple[str, str, float]] = field(default_factory=list)

    def record(self, kind: str, number: str) -> None:
        self.entries.append((kind, number, time.monotonic()))

    def started(self) -> list[str]:
        return [number for kind, number, _ in self.entries if kind == "started"]

    def finished(self) -> list[str]:
        return [number for kind, number, _ in self.entries if kind == "finished"]


@dataclass
class WiredDisplay:
    """A display as main() builds it, on a live server, with a silent player."""

    link: ServerLink
    window: DisplayWindow
    player: AnnouncementPlayer
    controller: DisplayController
    said: AnnouncementLog

    @property
    def number(self) -> str:
        return self.window.number_label.text()

    @property
    def counter(self) -> str:
        return self.window.counter_label.text()


DisplayFactory = Callable[..., WiredDisplay]


@pytest.fixture
def short_voice_dir(tmp_path: Path) -> Path:
    """A voice directory whose clips are all 20 ms long (quick announcements)."""
    return write_short_voice(tmp_path / "short-voice")


@pytest.fixture
def display_factory(qtbot: QtBot, short_voice_dir: Path) -> Iterator[DisplayFactory]:
    """Build displays connected to a live server; their links are stopped afterwards."""
    made: list[WiredDisplay] = []

    def make(
        server: LiveServer, language: str = "id", width: int = 1280, url: str | None = None
    ) -> WiredDisplay:
        link = ServerLink(
            server.tokens["display"], url or server.url, discovery=False,
            stream_options=FAST_RECONNECT,
        )  # fmt: skip
        window = DisplayWindow(language, ticker_text="Selamat datang", highlight_s=2.0)
        qtbot.addWidget(window)
        player = AnnouncementPlayer(Announcer(short_voice_dir), use_audio_device=False)
        controller = DisplayController(link, window, player)
        said = AnnouncementLog()
        player.announcement_started.connect(lambda number: said.record("started", number))
        player.announcement_finished.connect(lambda number: said.record("finished", number))
        window.resize(width, width * 9 // 16)
        window.show()
        display = WiredDisplay(link, window, player, controller, said)
        made.append(display)
        link.start()
        qtbot.waitUntil(lambda: link.status == "connected", timeout=10_000)
        return display

    yield make
    for display in made:
        display.player.stop()
        display.link.stop()


@pytest.fixture
def office(live_server: LiveServer) -> Office:
    """HTTP actions on the default live server."""
    return Office(live_server)
