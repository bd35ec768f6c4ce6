"""Build announcement audio from clips in memory, and queue calls so they never overlap.

``Announcer`` turns a call ("A123 to loket 3") into one WAV: the chime, then the clips
of the phrase (``phrases.py``) joined with short silences. Clips are read once with the
``wave`` module and converted to one format (22050 Hz, mono, 16-bit by default); a clip
in another PCM format is converted, a clip that cannot be read is skipped with one log
line. ``AnnouncementQueue`` is the Qt-free order keeper: one announcement at a time,
calls kept in arrival order, exact duplicates dropped, a bounded backlog.
"""

from __future__ import annotations

import io
import logging
import sys
import wave
from array import array
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from counter_display.display.number_words import AnnouncementError, Language
from counter_display.display.phrases import CHIME_CLIP, announcement_phrase
from counter_display.display.voice_clips import clip_texts

logger = logging.getLogger(__name__)

WORD_GAP_S = 0.08
SEGMENT_GAP_S = 0.25
CHIME_GAP_S = 0.35
LANGUAGE_GAP_S = 0.8
MAX_PENDING_CALLS = 64
DUPLICATE_WINDOW_S = 3.0
FINISH_GRACE_S = 5.0
REMEMBERED_EVENTS = 1024


class UnreadableClip(AnnouncementError):
    """A clip file that is not a PCM WAV the announcer can convert."""


@dataclass(frozen=True, slots=True)
class AudioFormat:
    """The PCM format every announcement is built in (16-bit signed samples)."""

    sample_rate: int = 22050
    channels: int = 1
    sample_width: int = 2

    def __post_init__(self) -> None:
        if self.sample_width != 2 or self.channels < 1 or self.sample_rate < 1000:
            raise ValueError(f"unsupported announcement format: {self}")

    @property
    def frame_size(self) -> int:
        """Bytes per frame (one sample for every channel)."""
        return self.channels * self.sample_width

    def silence(self, seconds: float) -> bytes:
        """Return ``seconds`` of silence in this format."""
        return bytes(round(seconds * self.sample_rate) * self.frame_size)


@dataclass(frozen=True, slots=True)
class Announcement:
    """A built announcement: the WAV file in memory, its length, and what it says."""

    number: str
    counter: int
    text: str
    wav_bytes: bytes
    duration_s: float
    recall: bool = False


@dataclass(frozen=True, slots=True)
class Call:
    """A request to announce ``number`` at ``counter``; ``event_id`` identifies the event."""

    number: str
    counter: int
    recall: bool = False
    event_id: str | None = None


def _to_signed16(data: bytes, sample_width: int) -> array[int]:
    if sample_width == 1:  # 8-bit WAV is unsigned
        return array("h", ((byte - 128) << 8 for byte in data))
    if sample_width == 2:
        samples = array("h", data)
    elif sample_width == 3:
        return array(
            "h",
            (
                int.from_bytes(data[index : index + 3], "little", signed=True) >> 8
                for index in range(0, len(data) - 2, 3)
            ),
        )
    elif sample_width == 4:
        wide = array("i", data)
        if sys.byteorder == "big":
            wide.byteswap()
        return array("h", (sample >> 16 for sample in wide))
    else:
        raise UnreadableClip(f"{sample_width * 8}-bit samples are not supported")
    if sys.byteorder == "big":
        samples.byteswap()
    return samples


def convert_pcm(
    data: bytes, sample_width: int, channels: int, sample_rate: int, target: AudioFormat
) -> bytes:
    """Convert little-endian PCM to ``target``: sample width, channel count, sample rate."""
    frame_size = sample_width * channels
    samples = _to_signed16(data[: len(data) // frame_size * frame_size], sample_width)
    if channels > 1:  # mix down to mono
        frames = range(0, len(samples), channels)
        samples = array(
            "h", (sum(samples[index : index + channels]) // channels for index in frames)
        )
    if sample_rate != target.sample_rate and len(samples) > 1:  # linear interpolation
        count = max(1, round(len(samples) * target.sample_rate / sample_rate))
        step = (len(samples) - 1) / max(1, count - 1)
        resampled = array("h")
        for index in range(count):
            position = index * step
            left = int(position)
            right = min(left + 1, len(samples) - 1)
            fraction = position - left
            resampled.append(round(samples[left] * (1 - fraction) + samples[right] * fraction))
        samples = resampled
    if target.channels > 1:
        samples = array("h", (sample for sample in samples for _ in range(target.channels)))
    if sys.byteorder == "big":
        samples.byteswap()
    return samples.tobytes()


def read_clip(path: Path, target: AudioFormat) -> bytes:
    """Read a WAV clip as PCM frames in ``target`` format, converting if it differs."""
    try:
        with wave.open(str(path), "rb") as clip:
            params = clip.getparams()
            frames = clip.readframes(params.nframes)
    except (OSError, EOFError, wave.Error) as exc:
        raise UnreadableClip(f"{path}: not a PCM WAV file ({exc})") from exc
    source = (params.sampwidth, params.nchannels, params.framerate)
    if source == (target.sample_width, target.channels, target.sample_rate):
        return frames
    logger.info(
        "converting %s from %d Hz, %d channel(s), %d-bit",
        path,
        params.framerate,
        params.nchannels,
        params.sampwidth * 8,
    )
    return convert_pcm(frames, *source, target)


def wav_bytes(frames: bytes, audio_format: AudioFormat) -> bytes:
    """Wrap PCM frames in a WAV header."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as output:
        output.setnchannels(audio_format.channels)
        output.setsampwidth(audio_format.sample_width)
        output.setframerate(audio_format.sample_rate)
        output.writeframes(frames)
    return buffer.getvalue()


class Announcer:
    """Build announcements from the clips in ``clip_dir`` (``<clip_dir>/<language>/*.wav``).

    ``sounds_dir`` holds ``chime.wav`` (default: ``<clip_dir>/../sounds``). An office's own
    recordings go in ``override_dir``, laid out like ``assets/`` (``voice/<language>/``,
    ``sounds/``): a clip found there is used instead of the bundled one.
    """

    def __init__(
        self,
        clip_dir: Path,
        languages: Iterable[Language | str] = (Language.INDONESIAN,),
        *,
        sounds_dir: Path | None = None,
        override_dir: Path | None = None,
        audio_format: AudioFormat | None = None,
        chime: bool = True,
    ) -> None:
        self.clip_dir = Path(clip_dir)
        self.languages = tuple(Language(language) for language in languages)
        self.sounds_dir = Path(sounds_dir) if sounds_dir else self.clip_dir.parent / "sounds"
        self.override_dir = Path(override_dir) if override_dir else None
        self.audio_format = audio_format or AudioFormat()
        self.chime = chime
        self._frames: dict[Path, bytes | None] = {}  # None: missing or unreadable, logged

    def clip_file(self, clip: str, language: Language | None) -> Path:
        """Return the file a clip is read from (an override if one exists)."""
        if language is None:
            relative = Path("sounds") / f"{clip}.wav"
            bundled = self.sounds_dir / f"{clip}.wav"
        else:
            relative = Path("voice") / language.value / f"{clip}.wav"
            bundled = self.clip_dir / language.value / f"{clip}.wav"
        if self.override_dir is not None and (self.override_dir / relative).is_file():
            return self.override_dir / relative
        return bundled

    def clip_frames(self, clip: str, language: Language | None) -> bytes | None:
        """Return a clip's PCM frames, or None (logged once) if it is missing or unreadable."""
        path = self.clip_file(clip, language)
        if path not in self._frames:
            try:
                self._frames[path] = read_clip(path, self.audio_format)
            except UnreadableClip as exc:
                reason = "missing" if not path.exists() else str(exc)
                logger.warning("voice clip %s skipped: %s", path, reason)
                self._frames[path] = None
        return self._frames[path]

    def build(self, number: str, counter: int, *, recall: bool = False) -> Announcement:
        """Build the announcement of ``number`` at ``counter``; raises ``UnsayableNumber``."""
        phrase = announcement_phrase(number, counter, self.languages, chime=self.chime)
        pieces: list[bytes] = []
        previous = None
        for segment in phrase.segments:
            if previous is not None:
                if previous.language is None:
                    gap = CHIME_GAP_S
                elif previous.language != segment.language:
                    gap = LANGUAGE_GAP_S
                else:
                    gap = SEGMENT_GAP_S
                pieces.append(self.audio_format.silence(gap))
            for index, clip in enumerate(segment.clips):
                if index:
                    pieces.append(self.audio_format.silence(WORD_GAP_S))
                pieces.append(self.clip_frames(clip, segment.language) or b"")
            previous = segment
        frames = b"".join(pieces)
        duration_s = len(frames) / self.audio_format.frame_size / self.audio_format.sample_rate
        wav = wav_bytes(frames, self.audio_format)
        return Announcement(number, counter, phrase.text, wav, duration_s, recall)

    def build_call(self, call: Call) -> Announcement:
        """Build the announcement of a queued ``Call``."""
        return self.build(call.number, call.counter, recall=call.recall)

    def missing_clips(self) -> tuple[Path, ...]:
        """Return the clip files a full range of calls needs that cannot be read."""
        needed = [(CHIME_CLIP, None)] + [
            (clip, language) for language in self.languages for clip in clip_texts(language)
        ]
        return tuple(
            self.clip_file(clip, language)
            for clip, language in needed
            if self.clip_frames(clip, language) is None
        )


class AnnouncementQueue:
    """Calls waiting to be announced, one at a time, in arrival order. Qt-free.

    The player asks ``start_next()`` for the next announcement when it is idle and
    reports ``finish()`` when playback ends. If it never reports (a stuck audio backend),
    the announcement counts as finished ``FINISH_GRACE_S`` after its planned end.

    Duplicates: a call with an ``event_id`` already seen is dropped (a replayed event
    after a reconnect); a call without one is dropped if the same call (number, counter,
    recall) is waiting, playing, or was accepted less than ``duplicate_window_s`` ago.
    """

    def __init__(
        self,
        build: Callable[[Call], Announcement],
        *,
        clock: Callable[[], float],
        max_pending: int = MAX_PENDING_CALLS,
        duplicate_window_s: float = DUPLICATE_WINDOW_S,
    ) -> None:
        if max_pending < 1:
            raise ValueError("max_pending must be at least 1")
        self._build = build
        self._clock = clock
        self._max_pending = max_pending
        self._duplicate_window_s = duplicate_window_s
        self._pending: deque[Call] = deque()
        self._current: Announcement | None = None
        self._current_call: Call | None = None
        self._deadline = 0.0
        self._accepted_at: dict[tuple[str, int, bool], float] = {}
        self._seen_events: deque[str] = deque(maxlen=REMEMBERED_EVENTS)

    @property
    def pending(self) -> tuple[Call, ...]:
        """Calls waiting, oldest first."""
        return tuple(self._pending)

    @property
    def current(self) -> Announcement | None:
        """The announcement playing now, if any."""
        self._expire()
        return self._current

    def push(self, call: Call) -> bool:
        """Queue a call; return False if it was dropped as a duplicate."""
        now = self._clock()
        key = (call.number, call.counter, call.recall)
        if call.event_id is not None:
            if call.event_id in self._seen_events:
                logger.debug("dropped repeated event %s (%s)", call.event_id, call.number)
                return False
            self._seen_events.append(call.event_id)
        else:
            waiting = [(item.number, item.counter, item.recall) for item in self._pending]
            if self._current_call is not None:
                current = self._current_call
                waiting.append((current.number, current.counter, current.recall))
            recent = now - self._accepted_at.get(key, -self._duplicate_window_s - 1)
            if key in waiting or recent < self._duplicate_window_s:
                logger.debug("dropped duplicate call %s at counter %d", call.number, call.counter)
                return False
        if len(self._accepted_at) > REMEMBERED_EVENTS:  # forget calls older than the window
            horizon = now - self._duplicate_window_s
            self._accepted_at = {k: t for k, t in self._accepted_at.items() if t >= horizon}
        self._accepted_at[key] = now
        self._pending.append(call)
        if len(self._pending) > self._max_pending:
            dropped = self._pending.popleft()
            logger.warning(
                "announcement backlog above %d: dropped the oldest call %s at counter %d",
                self._max_pending,
                dropped.number,
                dropped.counter,
            )
        return True

    def start_next(self) -> Announcement | None:
        """Start the next announcement and return it; None while one plays or none waits."""
        self._expire()
        while self._current is None and self._pending:
            call = self._pending.popleft()
            try:
                announcement = self._build(call)
            except AnnouncementError as exc:
                logger.error("cannot announce %s at counter %s: %s", call.number, call.counter, exc)
                continue
            self._current, self._current_call = announcement, call
            self._deadline = self._clock() + announcement.duration_s + FINISH_GRACE_S
            return announcement
        return None

    def finish(self) -> Announcement | None:
        """Mark the current announcement finished and return it (None if none played)."""
        finished, self._current, self._current_call = self._current, None, None
        return finished

    def clear(self) -> None:
        """Forget the waiting calls and the current announcement."""
        self._pending.clear()
        self.finish()

    def _expire(self) -> None:
        if self._current is not None and self._clock() >= self._deadline:
            logger.warning("announcement of %s never reported its end", self._current.number)
            self.finish()
