"""The announcement phrase: chime first, then the call in each configured language."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from counter_display.display.number_words import Language, UnsayableNumber
from counter_display.display.phrases import (
    CHIME_CLIP,
    Segment,
    announcement_phrase,
    call_phrase,
)
from counter_display.display.voice_clips import clip_texts


def test_indonesian_announcement_clips_and_text() -> None:
    phrase = announcement_phrase("A123", 3)
    assert phrase.clip_names == (
        "chime", "nomor_antrian", "letter_a", "seratus", "dua", "puluh", "tiga",
        "silakan_menuju_loket", "tiga",
    )  # fmt: skip
    assert phrase.text == "Nomor antrian A seratus dua puluh tiga, silakan menuju loket tiga"


def test_english_announcement_clips_and_text() -> None:
    phrase = announcement_phrase("A123", 3, [Language.ENGLISH])
    assert phrase.clip_names == (
        "chime", "number", "letter_a", "one", "hundred", "twenty", "three",
        "please_go_to_counter", "three",
    )  # fmt: skip
    assert phrase.text == "Number A one hundred twenty three, please go to counter three"


def test_counter_number_is_spoken_as_cardinal_words() -> None:
    assert call_phrase("B001", 12).clip_names[-2:] == ("dua", "belas")
    assert call_phrase("B001", 11).clip_names[-1] == "sebelas"


def test_letter_and_number_are_separate_segments() -> None:
    segments = call_phrase("A123", 3).segments
    assert segments[1] == Segment(("letter_a",), Language.INDONESIAN)
    assert segments[2] == Segment(("seratus", "dua", "puluh", "tiga"), Language.INDONESIAN)


def test_two_languages_share_one_chime_at_the_start() -> None:
    phrase = announcement_phrase("C005", 2, ["id", "en"])
    assert phrase.clip_names.count(CHIME_CLIP) == 1
    assert phrase.segments[0] == Segment((CHIME_CLIP,), None)
    languages = [segment.language for segment in phrase.segments[1:]]
    assert languages == [Language.INDONESIAN] * 5 + [Language.ENGLISH] * 5
    assert phrase.text == (
        "Nomor antrian C lima, silakan menuju loket dua / Number C five, please go to counter two"
    )


def test_announcement_without_chime() -> None:
    assert CHIME_CLIP not in announcement_phrase("A001", 1, chime=False).clip_names


@pytest.mark.parametrize("counter", [0, -1, True, 10000])
def test_impossible_counter_is_refused(counter: int) -> None:
    with pytest.raises(UnsayableNumber):
        call_phrase("A001", counter)


def test_announcement_needs_a_language() -> None:
    with pytest.raises(UnsayableNumber):
        announcement_phrase("A001", 1, [])


@given(
    st.sampled_from("ABC"),
    st.integers(0, 9999),
    st.integers(1, 99),
    st.sampled_from(list(Language)),
)
def test_every_phrase_clip_has_a_clip_to_generate(
    letter: str, value: int, counter: int, language: Language
) -> None:
    phrase = announcement_phrase(f"{letter}{value:03d}", counter, [language])
    assert set(phrase.clip_names) - {CHIME_CLIP} <= set(clip_texts(language))
