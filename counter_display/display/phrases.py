"""The announcement phrase as clip names: chime, then "Nomor antrian, A, seratus ..., loket tiga".

Pure functions: they decide what is said, in which order and in which groups; the
announcer (``announcer.py``) turns the clip names into audio. A phrase is cut into
segments: clips inside a segment are joined with a short word gap, segments with a
longer pause, so that "A ... seratus dua puluh tiga" is heard as two units.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from counter_display.display.number_words import (
    Language,
    UnsayableNumber,
    number_text,
    number_words,
    split_ticket_number,
    ticket_letter_clips,
)

CHIME_CLIP = "chime"
"""Name of the chime sound (``assets/sounds/chime.wav``), shared by all languages."""

PHRASE_CLIPS: dict[Language, dict[str, str]] = {
    Language.INDONESIAN: {
        "nomor_antrian": "Nomor antrian",
        "silakan_menuju_loket": "silakan menuju loket",
    },
    Language.ENGLISH: {
        "number": "Number",
        "please_go_to_counter": "please go to counter",
    },
}
"""The fixed phrase parts per language: clip name → the words it says."""

_LEAD_IN = {Language.INDONESIAN: "nomor_antrian", Language.ENGLISH: "number"}
_TO_COUNTER = {
    Language.INDONESIAN: "silakan_menuju_loket",
    Language.ENGLISH: "please_go_to_counter",
}


@dataclass(frozen=True, slots=True)
class Segment:
    """Clips said together, with a short gap between them.

    ``language`` names the clip directory; ``None`` means a shared sound (the chime).
    """

    clips: tuple[str, ...]
    language: Language | None


@dataclass(frozen=True, slots=True)
class Phrase:
    """An announcement script: segments in order, and the text it says."""

    segments: tuple[Segment, ...]
    text: str

    @property
    def clip_names(self) -> tuple[str, ...]:
        """Every clip name in order, the chime included."""
        return tuple(clip for segment in self.segments for clip in segment.clips)


def call_phrase(number: str, counter: int, language: Language = Language.INDONESIAN) -> Phrase:
    """Return the call of ``number`` to ``counter`` in one language, without the chime.

    ``call_phrase("A123", 3)`` says "Nomor antrian, A, seratus dua puluh tiga, silakan
    menuju loket, tiga".
    """
    letters, value = split_ticket_number(number)
    if isinstance(counter, bool) or not isinstance(counter, int) or counter < 1:
        raise UnsayableNumber(f"not a counter number: {counter!r}")
    lead_in, to_counter = _LEAD_IN[language], _TO_COUNTER[language]
    segments = (
        Segment((lead_in,), language),
        Segment(ticket_letter_clips(number), language),
        Segment(number_words(value, language), language),
        Segment((to_counter,), language),
        Segment(number_words(counter, language), language),
    )
    texts = PHRASE_CLIPS[language]
    text = (
        f"{texts[lead_in]} {letters} {number_text(value, language)}, "
        f"{texts[to_counter]} {number_text(counter, language)}"
    )
    return Phrase(segments, text)


def announcement_phrase(
    number: str,
    counter: int,
    languages: Iterable[Language | str] = (Language.INDONESIAN,),
    *,
    chime: bool = True,
) -> Phrase:
    """Return the whole announcement: the chime, then the call in each language in turn."""
    calls = [call_phrase(number, counter, Language(language)) for language in languages]
    if not calls:
        raise UnsayableNumber("an announcement needs at least one language")
    segments: tuple[Segment, ...] = (Segment((CHIME_CLIP,), None),) if chime else ()
    for call in calls:
        segments += call.segments
    return Phrase(segments, " / ".join(call.text for call in calls))
