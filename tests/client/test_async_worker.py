"""AsyncWorker, the thread both ServerLink and PairingLink run on: results on the Qt thread."""

from __future__ import annotations

import asyncio
import logging
import threading

import pytest
from PySide6.QtCore import Signal
from pytestqt.qtbot import QtBot

from client.async_worker import AsyncWorker

WAIT_MS = 5000


class Counting(AsyncWorker):
    """Posts 1, a callable with a bug, then 3 from its thread, and waits to be stopped."""

    worker_name = "counting"
    thread_name = "antrian-test-counting"
    counted = Signal(int)

    async def _main(self) -> None:
        self._post(lambda: self.counted.emit(1))
        self._post(self._broken)
        self._post(lambda: self.counted.emit(3))
        await asyncio.Event().wait()

    def _broken(self) -> None:
        raise RuntimeError("a bug on the Qt side")


class Failing(AsyncWorker):
    worker_name = "failing"

    async def _main(self) -> None:
        raise ValueError("a bug in the work")


def test_what_the_thread_posts_arrives_in_order_on_the_qt_thread_and_stop_ends_it(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    worker = Counting()
    seen: list[tuple[int, bool]] = []

    def on_counted(number: int) -> None:
        seen.append((number, threading.current_thread() is threading.main_thread()))

    worker.counted.connect(on_counted)
    worker.start()
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=WAIT_MS)
    worker.stop()
    assert seen == [(1, True), (3, True)]  # the bug in between stopped nothing
    assert "error in a counting signal receiver" in caplog.text
    names = [thread.name for thread in threading.enumerate()]
    assert "antrian-test-counting" not in names


def test_a_failure_in_the_work_is_logged_and_the_thread_ends(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    worker = Failing()
    worker.start()
    qtbot.waitUntil(lambda: "the failing stopped on an unexpected error" in caplog.text)
    worker.stop()
    assert "ValueError: a bug in the work" in caplog.text
