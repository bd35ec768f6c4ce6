"""Play queued announcements one at a time through QtMultimedia (QAudioSink + QBuffer).

``AnnouncementPlayer.announce("A123", 3)`` queues a call; the player builds its audio
when its turn comes, plays it on the default audio output, and emits
``announcement_started`` / ``announcement_finished`` with the ticket number. With no
audio output device (a TV without speakers, a test machine) it keeps working silently:
each announcement lasts its computed duration, timed with a QTimer, and the missing
device is logged once.

QtMultimedia is imported by `prepare()` (the display calls it after its first frame) or
at the first announcement, not with this module: the TV shows its first frame sooner.
"""

from __future__ import annotations

import io
import logging
import time
import wave
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QTimer, Signal

from counter_display.display.announcer import (
    MAX_PENDING_CALLS,
    Announcement,
    AnnouncementQueue,
    Call,
)

if TYPE_CHECKING:
    from PySide6.QtMultimedia import QAudioFormat, QAudioSink

logger = logging.getLogger(__name__)

PAUSE_BETWEEN_ANNOUNCEMENTS_S = 0.6
WATCHDOG_GRACE_S = 3.0
"""How long past its planned end a device playback may run before it is cut (the output's
latency: ~0.6–1.3 s measured on a PulseAudio sink)."""


class AnnouncementBuilder(Protocol):
    """What the player needs from ``Announcer``: a call in, audio out."""

    def build_call(self, call: Call) -> Announcement: ...


def _pcm_and_format(announcement: Announcement) -> tuple[bytes, QAudioFormat]:
    from PySide6.QtMultimedia import QAudioFormat

    with wave.open(io.BytesIO(announcement.wav_bytes), "rb") as clip:
        audio_format = QAudioFormat()
        audio_format.setSampleRate(clip.getframerate())
        audio_format.setChannelCount(clip.getnchannels())
        audio_format.setSampleFormat(QAudioFormat.SampleFormat.Int16)
        return clip.readframes(clip.getnframes()), audio_format


class AnnouncementPlayer(QObject):
    """Plays announcements in order, never two at once; falls back to silent timing.

    ``use_audio_device=False`` never touches the audio device (timing only).
    """

    announcement_started = Signal(str)
    announcement_finished = Signal(str)

    def __init__(
        self,
        announcer: AnnouncementBuilder,
        parent: QObject | None = None,
        *,
        use_audio_device: bool = True,
        clock: Callable[[], float] = time.monotonic,
        max_pending: int = MAX_PENDING_CALLS,
        pause_between_s: float = PAUSE_BETWEEN_ANNOUNCEMENTS_S,
    ) -> None:
        super().__init__(parent)
        self._queue = AnnouncementQueue(announcer.build_call, clock=clock, max_pending=max_pending)
        self._use_audio_device = use_audio_device
        self._pause_between_ms = round(pause_between_s * 1000)
        self._end_timer = QTimer(self)
        self._end_timer.setSingleShot(True)
        self._end_timer.timeout.connect(self._on_playback_ended)
        self._start_timer = QTimer(self)
        self._start_timer.setSingleShot(True)
        self._start_timer.timeout.connect(self._on_start_due)
        self._playing: Announcement | None = None
        self._sink: QAudioSink | None = None
        self._buffer: QBuffer | None = None
        self._device_missing_logged = False

    @property
    def queue(self) -> AnnouncementQueue:
        """The underlying queue (for inspection: ``pending``, ``current``)."""
        return self._queue

    @property
    def busy(self) -> bool:
        """True while an announcement plays or calls wait."""
        return self._playing is not None or bool(self._queue.pending)

    def announce(
        self, number: str, counter: int, recall: bool = False, event_id: str | None = None
    ) -> bool:
        """Queue the call of ``number`` at ``counter``; False if it was a duplicate."""
        accepted = self._queue.push(Call(number, counter, recall, event_id))
        if accepted and self._queue.current is None and not self._start_timer.isActive():
            self._start_timer.start(0)
        return accepted

    def prepare(self) -> None:
        """Load QtMultimedia now (after the first frame), not when the first call comes."""
        if self._use_audio_device:
            import PySide6.QtMultimedia  # noqa: F401

    def stop(self) -> None:
        """Stop playing and forget every waiting call."""
        self._start_timer.stop()
        self._end_timer.stop()
        self._release_sink()
        self._playing = None
        self._queue.clear()

    def _on_start_due(self) -> None:
        if self._end_timer.isActive():  # one is still playing: it restarts us when done
            return
        announcement = self._queue.start_next()
        if announcement is None:
            return
        logger.info("announcing %s at counter %d", announcement.number, announcement.counter)
        self._playing = announcement
        self.announcement_started.emit(announcement.number)
        if self._play_on_device(announcement):
            self._end_timer.start(round((announcement.duration_s + WATCHDOG_GRACE_S) * 1000))
        else:
            self._end_timer.start(round(announcement.duration_s * 1000))

    def _play_on_device(self, announcement: Announcement) -> bool:
        """Start playback on the default output; False if there is none or it fails."""
        if not self._use_audio_device:
            return False
        from PySide6.QtMultimedia import QAudioSink, QMediaDevices, QtAudio

        device = QMediaDevices.defaultAudioOutput()
        if device.isNull():
            self._log_silent_once("no audio output device")
            return False
        frames, audio_format = _pcm_and_format(announcement)
        if not device.isFormatSupported(audio_format):
            self._log_silent_once(f"audio output {device.description()!r} refuses 16-bit PCM")
            return False
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(frames))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self._sink = QAudioSink(device, audio_format, self)
        self._sink.stateChanged.connect(self._on_sink_state_changed)
        self._sink.start(self._buffer)
        if self._sink.error() != QtAudio.Error.NoError:
            self._log_silent_once(f"audio output failed ({self._sink.error().name})")
            self._release_sink()
            return False
        if self._device_missing_logged:
            logger.info("audio output %r available again", device.description())
            self._device_missing_logged = False
        return True

    def _on_sink_state_changed(self) -> None:
        # The state is read from the sink: PySide6 cannot convert the signal's argument.
        sink = self._sink
        if sink is None:
            return
        from PySide6.QtMultimedia import QtAudio

        state = sink.state()
        # Idle: the buffer is drained, i.e. the announcement has been heard to its end.
        failed = state == QtAudio.State.StoppedState and sink.error() != QtAudio.Error.NoError
        if state == QtAudio.State.IdleState or failed:
            self._on_playback_ended()

    def _on_playback_ended(self) -> None:
        self._end_timer.stop()
        self._release_sink()
        self._queue.finish()
        # The player's own record: the queue may have expired the announcement already.
        finished, self._playing = self._playing, None
        if finished is not None:
            self.announcement_finished.emit(finished.number)
        if self._queue.pending and not self._start_timer.isActive():
            self._start_timer.start(self._pause_between_ms)

    def _release_sink(self) -> None:
        sink, buffer = self._sink, self._buffer
        self._sink = self._buffer = None
        if sink is not None:
            sink.stateChanged.disconnect(self._on_sink_state_changed)
            sink.stop()
            sink.deleteLater()
        if buffer is not None:
            buffer.close()
            buffer.deleteLater()

    def _log_silent_once(self, reason: str) -> None:
        if not self._device_missing_logged:
            logger.warning("%s: announcements are shown and timed, without sound", reason)
            self._device_missing_logged = True
