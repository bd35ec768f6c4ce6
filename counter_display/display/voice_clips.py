"""Generate the voice clips (espeak-ng) and the chime (synthesised) as WAV files.

Run ``python -m counter_display.display.voice_clips [--out DIR] [--language id|en]``.
It writes ``DIR/voice/<language>/<clip>.wav`` and ``DIR/sounds/chime.wav``, all 22050 Hz,
mono, 16-bit, with the silence around each clip trimmed. Existing files are kept (an
office's own recording is never overwritten) unless ``--force`` is given, so running it
again is cheap and changes nothing.
"""

from __future__ import annotations

import argparse
import io
import logging
import math
import os
import shutil
import subprocess
import sys
import tempfile
import wave
from array import array
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from counter_display.display.number_words import (
    LETTER_CLIPS,
    NUMBER_VOCABULARY,
    AnnouncementError,
    Language,
)
from counter_display.display.phrases import PHRASE_CLIPS

logger = logging.getLogger(__name__)

SAMPLE_RATE_HZ = 22050
SPEECH_RATE_WPM = 150
SILENCE_THRESHOLD = 400
"""Peak amplitude (of 32767) under which the start and end of a clip count as silence."""
TRIM_MARGIN_S = 0.015
CHIME_DURATION_S = 1.2
ESPEAK_TIMEOUT_S = 30.0


class ClipGenerationFailed(AnnouncementError):
    """espeak-ng is missing or failed to speak a clip."""


@dataclass(frozen=True, slots=True)
class GenerationReport:
    """What one run of ``generate_clips`` did."""

    written: tuple[Path, ...]
    kept: tuple[Path, ...]


def default_assets_dir() -> Path:
    """Return the ``assets/`` directory of the source tree this package lives in."""
    return Path(__file__).resolve().parents[2] / "assets"


def clip_texts(language: Language) -> dict[str, str]:
    """Return every clip a language needs: clip name → the text espeak-ng says for it."""
    texts = {word: word for word in sorted(NUMBER_VOCABULARY[language])}
    # A lone capital letter is read by its letter name ("be", "ce" / "bee", "see").
    texts |= {clip: clip.removeprefix("letter_").upper() for clip in LETTER_CLIPS}
    texts |= PHRASE_CLIPS[language]
    return texts


def clip_path(assets_dir: Path, language: Language, clip: str) -> Path:
    """Return where a voice clip lives under ``assets_dir``."""
    return assets_dir / "voice" / language.value / f"{clip}.wav"


def chime_path(assets_dir: Path) -> Path:
    """Return where the chime lives under ``assets_dir``."""
    return assets_dir / "sounds" / "chime.wav"


def trim_silence(samples: array[int], sample_rate: int = SAMPLE_RATE_HZ) -> array[int]:
    """Cut the near-silent start and end of mono 16-bit samples, keeping a short margin."""
    loud = [index for index, sample in enumerate(samples) if abs(sample) > SILENCE_THRESHOLD]
    if not loud:
        return samples
    margin = int(TRIM_MARGIN_S * sample_rate)
    return samples[max(0, loud[0] - margin) : loud[-1] + margin + 1]


def write_wav(path: Path, samples: array[int], sample_rate: int = SAMPLE_RATE_HZ) -> None:
    """Write mono 16-bit samples to ``path`` atomically (a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if sys.byteorder == "big":
        samples = array("h", samples)
        samples.byteswap()
    descriptor, temporary = tempfile.mkstemp(suffix=".wav.tmp", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as file, wave.open(file, "wb") as output:
            output.setnchannels(1)
            output.setsampwidth(2)
            output.setframerate(sample_rate)
            output.writeframes(samples.tobytes())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _read_mono16(data: bytes) -> array[int]:
    samples = array("h", data)
    if sys.byteorder == "big":
        samples.byteswap()
    return samples


def speak(text: str, language: Language, *, speed_wpm: int = SPEECH_RATE_WPM) -> array[int]:
    """Speak ``text`` with espeak-ng and return trimmed mono 16-bit samples at 22050 Hz."""
    executable = shutil.which("espeak-ng")
    if executable is None:
        raise ClipGenerationFailed("espeak-ng is not installed; cannot generate voice clips")
    command = [executable, "-v", language.value, "-s", str(speed_wpm), "--stdout", text]
    try:
        result = subprocess.run(command, capture_output=True, timeout=ESPEAK_TIMEOUT_S, check=True)
    except (OSError, subprocess.SubprocessError) as exc:
        raise ClipGenerationFailed(f"espeak-ng failed to say {text!r}: {exc}") from exc
    try:
        with wave.open(io.BytesIO(result.stdout), "rb") as clip:
            if (clip.getnchannels(), clip.getsampwidth()) != (1, 2):
                raise ClipGenerationFailed(f"espeak-ng gave an unexpected format for {text!r}")
            if clip.getframerate() != SAMPLE_RATE_HZ:
                raise ClipGenerationFailed(f"espeak-ng spoke at {clip.getframerate()} Hz")
            # Writing to a pipe, espeak-ng cannot fix the header's length: read to the end.
            frames = clip.readframes(-1)
    except (EOFError, wave.Error) as exc:
        raise ClipGenerationFailed(f"espeak-ng gave no WAV for {text!r}") from exc
    return trim_silence(_read_mono16(frames[: len(frames) // 2 * 2]))


def synthesize_chime(sample_rate: int = SAMPLE_RATE_HZ) -> array[int]:
    """Return a two-tone "ding-dong" bell of ``CHIME_DURATION_S`` seconds.

    Each strike is a fundamental with two softer partials and an exponential decay; the
    second, lower strike (a major third down) starts while the first still rings.
    """
    total = int(CHIME_DURATION_S * sample_rate)
    mix = [0.0] * total
    strikes = ((0.0, 659.25), (0.42, 523.25))  # E5 then C5
    partials = ((1.0, 1.0), (2.0, 0.35), (3.0, 0.12))
    attack = int(0.005 * sample_rate)
    for start_s, frequency in strikes:
        start = int(start_s * sample_rate)
        for offset in range(total - start):
            time_s = offset / sample_rate
            envelope = math.exp(-time_s * 3.2) * min(1.0, offset / attack)
            tone = sum(
                level * math.sin(2 * math.pi * frequency * multiple * time_s)
                for multiple, level in partials
            )
            mix[start + offset] += envelope * tone
    fade = int(0.08 * sample_rate)
    for index in range(fade):
        mix[total - 1 - index] *= index / fade
    peak = max(abs(value) for value in mix)
    scale = 0.7 * 32767 / peak
    return array("h", (round(value * scale) for value in mix))


def generate_clips(
    assets_dir: Path,
    languages: Iterable[Language] = tuple(Language),
    *,
    force: bool = False,
    workers: int | None = None,
) -> GenerationReport:
    """Write every missing clip (all clips with ``force``) and the chime under ``assets_dir``."""
    written: list[Path] = []
    kept: list[Path] = []
    jobs: list[tuple[Path, str, Language]] = []
    for language in languages:
        for clip, text in clip_texts(language).items():
            path = clip_path(assets_dir, language, clip)
            if path.exists() and not force:
                kept.append(path)
            else:
                jobs.append((path, text, language))
    chime = chime_path(assets_dir)
    if chime.exists() and not force:
        kept.append(chime)
    else:
        write_wav(chime, synthesize_chime())
        written.append(chime)

    def generate(job: tuple[Path, str, Language]) -> Path:
        path, text, language = job
        write_wav(path, speak(text, language))
        return path

    with ThreadPoolExecutor(max_workers=workers or min(8, (os.cpu_count() or 2) * 2)) as pool:
        written += pool.map(generate, jobs)
    return GenerationReport(tuple(written), tuple(kept))


def main(arguments: Sequence[str] | None = None) -> int:
    """Command line: generate the clips, print a one-line summary, return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m counter_display.display.voice_clips",
        description="Generate the announcement voice clips and the chime as WAV files.",
    )
    parser.add_argument("--out", type=Path, default=default_assets_dir(), help="assets dir")
    parser.add_argument(
        "--language",
        action="append",
        choices=[language.value for language in Language],
        help="language to generate (repeatable; default: all)",
    )
    parser.add_argument("--force", action="store_true", help="regenerate existing clips too")
    options = parser.parse_args(arguments)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    languages = [Language(value) for value in options.language or [item.value for item in Language]]
    try:
        report = generate_clips(options.out, languages, force=options.force)
    except ClipGenerationFailed as exc:
        logger.error("%s", exc)
        return 1
    print(f"voice clips: {len(report.written)} written, {len(report.kept)} kept in {options.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
