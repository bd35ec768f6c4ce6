"""Announcement audio built in memory from clips, the clip files, and the order-keeping queue."""

from __future__ import annotations

import io
import logging
import shutil
import subprocess
import wave
from array import array
from pathlib import Path

import pytest

from counter_display.display import voice_clips
from counter_display.display.announcer import (
    CHIME_GAP_S,
    FINISH_GRACE_S,
    SEGMENT_GAP_S,
    WORD_GAP_S,
    Announcement,
    AnnouncementQueue,
    Announcer,
    AudioFormat,
    Call,
    convert_pcm,
    wav_bytes,
)
from counter_display.display.number_words import Language, UnsayableNumber
from counter_display.display.voice_clips import chime_path, clip_path, clip_texts

RATE = 22050
DOCS_DIR = Path(__file__).resolve().parents[2] / "docs"


def frames_of(path: Path) -> int:
    with wave.open(str(path), "rb") as clip:
        assert (clip.getframerate(), clip.getnchannels(), clip.getsampwidth()) == (RATE, 1, 2)
        return clip.getnframes()


def wav_duration_s(data: bytes) -> float:
    with wave.open(io.BytesIO(data), "rb") as clip:
        return clip.getnframes() / clip.getframerate()


def write_wav(path: Path, samples: list[int], rate: int = RATE, channels: int = 1) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as output:
        output.setnchannels(channels)
        output.setsampwidth(2)
        output.setframerate(rate)
        output.writeframes(array("h", samples).tobytes())


# --- clip files -----------------------------------------------------------------------


@pytest.mark.parametrize("language", list(Language))
def test_committed_clips_cover_every_clip_in_one_format(
    assets_dir: Path, language: Language
) -> None:
    for clip in clip_texts(language):
        assert frames_of(clip_path(assets_dir, language, clip)) > RATE // 10, clip
    assert frames_of(chime_path(assets_dir)) == round(1.2 * RATE)


def test_voice_doc_lists_every_clip_file(assets_dir: Path) -> None:
    documentation = (DOCS_DIR / "voice.md").read_text(encoding="utf-8")
    for language in Language:
        for clip in clip_texts(language):
            assert f"`{clip}.wav`" in documentation, clip


def test_generation_writes_only_missing_clips_and_keeps_own_recordings(
    assets_dir: Path, tmp_path: Path
) -> None:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    shutil.copytree(assets_dir, tmp_path, dirs_exist_ok=True)
    missing = clip_path(tmp_path, Language.INDONESIAN, "seratus")
    missing.unlink()
    own_recording = clip_path(tmp_path, Language.INDONESIAN, "nomor_antrian")
    write_wav(own_recording, [1000, -1000] * 2000)
    before = own_recording.read_bytes()

    report = voice_clips.generate_clips(tmp_path)

    assert report.written == (missing,)
    assert own_recording.read_bytes() == before
    assert 0.3 < frames_of(missing) / RATE < 1.2  # trimmed: espeak-ng alone gives ~1.1 s
    assert voice_clips.main(["--out", str(tmp_path)]) == 0
    assert voice_clips.generate_clips(tmp_path).written == ()


def test_speak_trims_leading_and_trailing_silence() -> None:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    samples = voice_clips.speak("satu", Language.INDONESIAN)
    margin = int(voice_clips.TRIM_MARGIN_S * RATE) + 1
    assert max(abs(sample) for sample in samples[: margin + 50]) > voice_clips.SILENCE_THRESHOLD
    assert max(abs(sample) for sample in samples[-margin - 50 :]) > voice_clips.SILENCE_THRESHOLD


# --- building ---------------------------------------------------------------------------


def test_a123_at_loket_3_lasts_its_clips_plus_gaps(assets_dir: Path) -> None:
    announcement = Announcer(assets_dir / "voice").build("A123", 3)

    voice = assets_dir / "voice" / "id"
    segments = [
        ["nomor_antrian"], ["letter_a"], ["seratus", "dua", "puluh", "tiga"],
        ["silakan_menuju_loket"], ["tiga"],
    ]  # fmt: skip
    clip_frames = frames_of(assets_dir / "sounds" / "chime.wav") + sum(
        frames_of(voice / f"{clip}.wav") for segment in segments for clip in segment
    )
    gap_frames = (
        round(CHIME_GAP_S * RATE)
        + 4 * round(SEGMENT_GAP_S * RATE)
        + 3 * round(WORD_GAP_S * RATE)  # inside "seratus dua puluh tiga"
    )
    expected_s = (clip_frames + gap_frames) / RATE
    assert announcement.duration_s == pytest.approx(expected_s, abs=1e-6)
    assert wav_duration_s(announcement.wav_bytes) == pytest.approx(expected_s, abs=1e-6)
    assert 6.0 < announcement.duration_s < 10.0
    assert announcement.text == "Nomor antrian A seratus dua puluh tiga, silakan menuju loket tiga"

    if shutil.which("soxi") is not None:
        docs_sample = DOCS_DIR / "announcement-A123-loket-3.wav"
        measured = subprocess.run(
            ["soxi", "-D", str(docs_sample)], capture_output=True, text=True, check=True
        )
        assert float(measured.stdout) == pytest.approx(expected_s, abs=1e-3)


def test_docs_sample_is_the_current_build_and_not_silent(assets_dir: Path) -> None:
    announcement = Announcer(assets_dir / "voice").build("A123", 3)
    assert (DOCS_DIR / "announcement-A123-loket-3.wav").read_bytes() == announcement.wav_bytes
    with wave.open(io.BytesIO(announcement.wav_bytes), "rb") as audio:
        samples = array("h", audio.readframes(audio.getnframes()))
    assert max(abs(sample) for sample in samples) > 16000
    loud = sum(1 for sample in samples if abs(sample) > 1000)
    assert loud / len(samples) > 0.2


def test_two_languages_add_the_english_call(assets_dir: Path) -> None:
    indonesian = Announcer(assets_dir / "voice").build("A123", 3)
    both = Announcer(assets_dir / "voice", ["id", "en"]).build("A123", 3)
    assert both.duration_s > indonesian.duration_s + 3.0
    assert both.text.endswith("Number A one hundred twenty three, please go to counter three")


def test_clip_in_another_format_is_converted(assets_dir: Path, tmp_path: Path) -> None:
    # An office recording of "tiga" at 44.1 kHz stereo, 0.5 s long.
    write_wav(tmp_path / "voice" / "id" / "tiga.wav", [3000, 3000] * 22050, 44100, 2)
    plain = Announcer(assets_dir / "voice").build("A003", 3)
    recorded = Announcer(assets_dir / "voice", override_dir=tmp_path).build("A003", 3)
    bundled_tiga_s = frames_of(assets_dir / "voice" / "id" / "tiga.wav") / RATE
    # "tiga" is said twice (number and loket), each now 0.5 s.
    assert recorded.duration_s == pytest.approx(plain.duration_s + 2 * (0.5 - bundled_tiga_s))
    assert wav_duration_s(recorded.wav_bytes) == pytest.approx(recorded.duration_s)


def test_convert_pcm_handles_8_and_24_bit_and_stereo() -> None:
    target = AudioFormat()
    assert array("h", convert_pcm(bytes([128, 255, 0]), 1, 1, RATE, target)).tolist() == [
        0, 127 << 8, -128 << 8,
    ]  # fmt: skip
    twenty_four = (1000 << 8).to_bytes(3, "little", signed=True) * 2
    assert array("h", convert_pcm(twenty_four, 3, 1, RATE, target)).tolist() == [1000, 1000]
    stereo = array("h", [100, 300, -100, -300]).tobytes()
    assert array("h", convert_pcm(stereo, 2, 2, RATE, target)).tolist() == [200, -200]
    upsampled = convert_pcm(array("h", [0, 100]).tobytes(), 2, 1, RATE // 2, target)
    assert array("h", upsampled).tolist() == [0, 33, 67, 100]


def test_unreadable_clip_is_skipped_with_one_log_line(
    assets_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    broken = tmp_path / "voice" / "id" / "letter_a.wav"
    broken.parent.mkdir(parents=True)
    broken.write_bytes(b"RIFF not really a wave file")
    announcer = Announcer(assets_dir / "voice", override_dir=tmp_path)
    with caplog.at_level(logging.WARNING):
        first = announcer.build("A123", 3)
        announcer.build("A124", 3)
    warnings = [record for record in caplog.records if "letter_a.wav" in record.getMessage()]
    assert len(warnings) == 1
    plain = Announcer(assets_dir / "voice").build("A123", 3)
    letter_s = frames_of(assets_dir / "voice" / "id" / "letter_a.wav") / RATE
    assert first.duration_s == pytest.approx(plain.duration_s - letter_s)


def test_without_any_clips_the_announcer_still_builds(tmp_path: Path) -> None:
    announcer = Announcer(tmp_path / "voice")
    announcement = announcer.build("A123", 3)
    assert announcement.duration_s > 0  # the gaps alone: the display can still time it
    assert chime_path(tmp_path) in announcer.missing_clips()
    assert Announcer(tmp_path.parent / "nothing").missing_clips()


def test_complete_assets_have_no_missing_clips(assets_dir: Path) -> None:
    assert Announcer(assets_dir / "voice", ["id", "en"]).missing_clips() == ()


def test_unsayable_number_raises(assets_dir: Path) -> None:
    with pytest.raises(UnsayableNumber):
        Announcer(assets_dir / "voice").build("123", 3)


# --- queue ------------------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def build_stub(call: Call) -> Announcement:
    if not call.number[:1].isalpha():
        raise UnsayableNumber(call.number)
    silence = AudioFormat().silence(1.0)
    text = f"{call.number} at {call.counter}"
    return Announcement(call.number, call.counter, text, wav_bytes(silence, AudioFormat()), 1.0,
                        call.recall)  # fmt: skip


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def queue(clock: FakeClock) -> AnnouncementQueue:
    return AnnouncementQueue(build_stub, clock=clock)


def play_all(queue: AnnouncementQueue, clock: FakeClock) -> list[tuple[str, bool]]:
    """Drive the queue like the player: start, wait the duration, finish, repeat."""
    heard: list[tuple[str, bool]] = []
    while (announcement := queue.start_next()) is not None:
        assert queue.start_next() is None  # never two at once
        heard.append((announcement.number, announcement.recall))
        clock.now += announcement.duration_s
        assert queue.finish() == announcement
    return heard


def test_back_to_back_calls_are_announced_in_order_one_at_a_time(
    queue: AnnouncementQueue, clock: FakeClock
) -> None:
    assert queue.push(Call("A001", 1))
    assert queue.start_next() is not None
    assert queue.push(Call("B001", 2))  # arrives while A001 plays
    assert queue.push(Call("A002", 3))
    assert queue.start_next() is None
    clock.now += 1.0
    queue.finish()
    assert play_all(queue, clock) == [("B001", False), ("A002", False)]


def test_recall_is_announced_again(queue: AnnouncementQueue, clock: FakeClock) -> None:
    queue.push(Call("A001", 1))
    assert play_all(queue, clock) == [("A001", False)]
    clock.now += 10
    assert queue.push(Call("A001", 1, recall=True))
    assert play_all(queue, clock) == [("A001", True)]
    clock.now += 10
    assert queue.push(Call("A001", 1, recall=True))
    assert play_all(queue, clock) == [("A001", True)]


def test_recall_while_the_call_waits_is_kept(queue: AnnouncementQueue, clock: FakeClock) -> None:
    queue.push(Call("A001", 1))
    assert queue.push(Call("A001", 1, recall=True))
    assert play_all(queue, clock) == [("A001", False), ("A001", True)]


def test_same_event_delivered_twice_is_announced_once(
    queue: AnnouncementQueue, clock: FakeClock
) -> None:
    assert queue.push(Call("A001", 1, event_id="seq-7"))
    assert not queue.push(Call("A001", 1, event_id="seq-7"))
    assert play_all(queue, clock) == [("A001", False)]
    clock.now += 600  # a snapshot replayed after a reconnect, much later
    assert not queue.push(Call("A001", 1, event_id="seq-7"))
    assert queue.push(Call("A001", 1, recall=True, event_id="seq-9"))


def test_identical_call_without_event_id_is_not_doubled(
    queue: AnnouncementQueue, clock: FakeClock
) -> None:
    assert queue.push(Call("A001", 1))
    assert not queue.push(Call("A001", 1))  # waiting
    queue.start_next()
    clock.now += 5
    assert not queue.push(Call("A001", 1))  # playing
    queue.finish()
    assert queue.push(Call("A001", 1))  # finished, window over: a real new call


def test_fifty_calls_piling_up_are_all_kept(queue: AnnouncementQueue, clock: FakeClock) -> None:
    for index in range(50):
        queue.push(Call(f"A{index:03d}", 1))
    heard = play_all(queue, clock)
    assert [number for number, _ in heard] == [f"A{index:03d}" for index in range(50)]


def test_backlog_is_capped_dropping_the_oldest_with_a_log_line(
    clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    queue = AnnouncementQueue(build_stub, clock=clock, max_pending=64)
    with caplog.at_level(logging.WARNING):
        for index in range(70):
            queue.push(Call(f"A{index:03d}", 1))
    assert len(queue.pending) == 64
    assert queue.pending[0].number == "A006"
    dropped = [record.getMessage() for record in caplog.records]
    assert len(dropped) == 6
    assert "A000" in dropped[0]


def test_unsayable_call_is_skipped_and_the_next_is_played(
    queue: AnnouncementQueue, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    queue.push(Call("123", 1))
    queue.push(Call("A001", 1))
    with caplog.at_level(logging.ERROR):
        assert play_all(queue, clock) == [("A001", False)]
    assert "123" in caplog.text


def test_announcement_never_reported_finished_expires(
    queue: AnnouncementQueue, clock: FakeClock
) -> None:
    queue.push(Call("A001", 1))
    queue.push(Call("A002", 1))
    assert queue.start_next() is not None
    clock.now += 1.5
    assert queue.start_next() is None
    clock.now += FINISH_GRACE_S  # past duration + grace
    announcement = queue.start_next()
    assert announcement is not None
    assert announcement.number == "A002"
