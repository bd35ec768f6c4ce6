"""The Qt announcement player: one at a time, in order, and silent timing without a device."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import pytest
from PySide6.QtMultimedia import QMediaDevices
from pytestqt.qtbot import QtBot

from counter_display.display.announcer import Announcement, AudioFormat, Call, wav_bytes
from counter_display.display.audio_player import AnnouncementPlayer

SHORT_S = 0.05


class ShortAnnouncer:
    """Builds 50 ms announcements of silence, so that tests run fast."""

    def __init__(self) -> None:
        self.built: list[Call] = []

    def build_call(self, call: Call) -> Announcement:
        self.built.append(call)
        audio = wav_bytes(AudioFormat().silence(SHORT_S), AudioFormat())
        return Announcement(call.number, call.counter, call.number, audio, SHORT_S, call.recall)


class Recorder:
    """Records the player's signals with the time they arrived."""

    def __init__(self, player: AnnouncementPlayer) -> None:
        self.events: list[tuple[str, str, float]] = []
        player.announcement_started.connect(lambda number: self._record("started", number))
        player.announcement_finished.connect(lambda number: self._record("finished", number))

    def _record(self, kind: str, number: str) -> None:
        self.events.append((kind, number, time.monotonic()))

    def finished(self) -> list[str]:
        return [number for kind, number, _ in self.events if kind == "finished"]


@pytest.fixture
def player(qtbot: QtBot) -> Iterator[AnnouncementPlayer]:
    player = AnnouncementPlayer(ShortAnnouncer(), use_audio_device=False, pause_between_s=0.01)
    yield player
    player.stop()


def test_back_to_back_calls_play_in_order_without_overlap(
    qtbot: QtBot, player: AnnouncementPlayer
) -> None:
    recorder = Recorder(player)
    for number in ("A001", "B001", "A002"):
        assert player.announce(number, 1)
    qtbot.waitUntil(lambda: len(recorder.finished()) == 3, timeout=3000)

    kinds = [(kind, number) for kind, number, _ in recorder.events]
    assert kinds == [
        ("started", "A001"), ("finished", "A001"),
        ("started", "B001"), ("finished", "B001"),
        ("started", "A002"), ("finished", "A002"),
    ]  # fmt: skip
    times = [moment for _, _, moment in recorder.events]
    for start, end in zip(times[::2], times[1::2], strict=True):
        assert end - start >= SHORT_S * 0.9  # each lasts its computed duration
    assert not player.busy


def test_call_arriving_during_an_announcement_waits_for_it(
    qtbot: QtBot, player: AnnouncementPlayer
) -> None:
    recorder = Recorder(player)
    with qtbot.waitSignal(player.announcement_started, timeout=1000):
        player.announce("A001", 1)
    player.announce("A002", 2)
    qtbot.waitUntil(lambda: recorder.finished() == ["A001", "A002"], timeout=2000)
    second_start = recorder.events[2]
    first_end = recorder.events[1]
    assert second_start[:2] == ("started", "A002")
    assert second_start[2] >= first_end[2]


def test_recall_is_announced_again(qtbot: QtBot, player: AnnouncementPlayer) -> None:
    recorder = Recorder(player)
    player.announce("A001", 1, event_id="1")
    qtbot.waitUntil(lambda: recorder.finished() == ["A001"], timeout=1000)
    assert player.announce("A001", 1, recall=True, event_id="2")
    qtbot.waitUntil(lambda: recorder.finished() == ["A001", "A001"], timeout=1000)


def test_the_same_event_twice_is_announced_once(qtbot: QtBot, player: AnnouncementPlayer) -> None:
    recorder = Recorder(player)
    assert player.announce("A001", 1, event_id="7")
    assert not player.announce("A001", 1, event_id="7")
    player.announce("A002", 1, event_id="8")
    qtbot.waitUntil(lambda: len(recorder.finished()) == 2, timeout=1000)
    qtbot.wait(100)
    assert recorder.finished() == ["A001", "A002"]


def test_stop_forgets_waiting_calls(qtbot: QtBot, player: AnnouncementPlayer) -> None:
    recorder = Recorder(player)
    for index in range(5):
        player.announce(f"A{index:03d}", 1)
    player.stop()
    qtbot.wait(150)
    assert recorder.events == []
    assert not player.busy


def test_without_audio_device_announcements_are_timed_and_logged_once(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    if QMediaDevices.audioOutputs():
        pytest.skip("this machine has an audio output device")
    player = AnnouncementPlayer(ShortAnnouncer(), pause_between_s=0.01)  # device allowed
    recorder = Recorder(player)
    with caplog.at_level(logging.WARNING, logger="counter_display.display.audio_player"):
        player.announce("A001", 1)
        player.announce("A002", 1)
        qtbot.waitUntil(lambda: recorder.finished() == ["A001", "A002"], timeout=2000)
    device_lines = [record for record in caplog.records if "without sound" in record.message]
    assert len(device_lines) == 1


def test_audio_device_plays_to_the_end_then_the_next(qtbot: QtBot) -> None:
    if not QMediaDevices.audioOutputs():
        pytest.skip("no audio output device on this machine")
    player = AnnouncementPlayer(ShortAnnouncer(), pause_between_s=0.01)
    recorder = Recorder(player)
    player.announce("A001", 1)
    player.announce("A002", 1)
    qtbot.waitUntil(lambda: recorder.finished() == ["A001", "A002"], timeout=8000)
    kinds = [kind for kind, _, _ in recorder.events]
    assert kinds == ["started", "finished", "started", "finished"]
