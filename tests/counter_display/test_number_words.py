"""Indonesian and English cardinal words, ticket numbers, and their clip tokens."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from counter_display.display.number_words import (
    LETTER_CLIPS,
    MAX_NUMBER,
    NUMBER_VOCABULARY,
    Language,
    UnsayableNumber,
    number_text,
    number_words,
    parse_number_words,
    split_ticket_number,
    ticket_text,
    ticket_words,
)
from counter_display.display.voice_clips import clip_texts

INDONESIAN = Language.INDONESIAN
ENGLISH = Language.ENGLISH
numbers = st.integers(min_value=0, max_value=MAX_NUMBER)
languages = st.sampled_from(list(Language))


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (0, "nol"),
        (1, "satu"),
        (9, "sembilan"),
        (10, "sepuluh"),
        (11, "sebelas"),
        (12, "dua belas"),
        (19, "sembilan belas"),
        (20, "dua puluh"),
        (21, "dua puluh satu"),
        (99, "sembilan puluh sembilan"),
        (100, "seratus"),
        (101, "seratus satu"),
        (110, "seratus sepuluh"),
        (111, "seratus sebelas"),
        (115, "seratus lima belas"),
        (123, "seratus dua puluh tiga"),
        (200, "dua ratus"),
        (999, "sembilan ratus sembilan puluh sembilan"),
        (1000, "seribu"),
        (1001, "seribu satu"),
        (1011, "seribu sebelas"),
        (1100, "seribu seratus"),
        (1999, "seribu sembilan ratus sembilan puluh sembilan"),
        (2000, "dua ribu"),
        (2024, "dua ribu dua puluh empat"),
        (9999, "sembilan ribu sembilan ratus sembilan puluh sembilan"),
    ],
)
def test_indonesian_cardinal_words(value: int, words: str) -> None:
    assert number_text(value, INDONESIAN) == words
    assert number_words(value, INDONESIAN) == tuple(words.split())


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (0, "zero"),
        (7, "seven"),
        (10, "ten"),
        (13, "thirteen"),
        (20, "twenty"),
        (21, "twenty one"),
        (100, "one hundred"),
        (105, "one hundred five"),
        (123, "one hundred twenty three"),
        (1000, "one thousand"),
        (1999, "one thousand nine hundred ninety nine"),
        (2010, "two thousand ten"),
        (9999, "nine thousand nine hundred ninety nine"),
    ],
)
def test_english_cardinal_words(value: int, words: str) -> None:
    assert number_text(value, ENGLISH) == words


@pytest.mark.parametrize(
    ("ticket", "language", "text", "tokens"),
    [
        ("A123", INDONESIAN, "A seratus dua puluh tiga",
         ("letter_a", "seratus", "dua", "puluh", "tiga")),
        ("A001", INDONESIAN, "A satu", ("letter_a", "satu")),
        ("B010", INDONESIAN, "B sepuluh", ("letter_b", "sepuluh")),
        ("A000", INDONESIAN, "A nol", ("letter_a", "nol")),
        ("c011", INDONESIAN, "C sebelas", ("letter_c", "sebelas")),
        ("A123", ENGLISH, "A one hundred twenty three",
         ("letter_a", "one", "hundred", "twenty", "three")),
    ],
)  # fmt: skip
def test_ticket_number_is_spoken_as_letter_then_cardinal(
    ticket: str, language: Language, text: str, tokens: tuple[str, ...]
) -> None:
    assert ticket_text(ticket, language) == text
    assert ticket_words(ticket, language) == tokens


def test_split_ticket_number_drops_leading_zeros() -> None:
    assert split_ticket_number("A007") == ("A", 7)
    assert split_ticket_number("ab-0042") == ("AB", 42)


@pytest.mark.parametrize("value", [-1, MAX_NUMBER + 1, 3.0, True, "12"])
def test_number_outside_range_or_type_is_refused(value: object) -> None:
    with pytest.raises(UnsayableNumber):
        number_words(value)  # type: ignore[arg-type]


@pytest.mark.parametrize("ticket", ["", "123", "A", "A12B", "A10000", "ABCD1"])
def test_malformed_ticket_number_is_refused(ticket: str) -> None:
    with pytest.raises(UnsayableNumber):
        ticket_words(ticket)


@pytest.mark.parametrize(
    "words", ["", "satu ratus", "satu belas", "satu ribu", "dua dua", "seribu seribu", "puluh",
              "sepuluh satu", "dua puluh sepuluh", "satu puluh", "hello"],
)  # fmt: skip
def test_parse_refuses_non_canonical_indonesian(words: str) -> None:
    with pytest.raises(UnsayableNumber):
        parse_number_words(words, INDONESIAN)


def test_parse_refuses_non_canonical_english() -> None:
    with pytest.raises(UnsayableNumber):
        parse_number_words("ten one", ENGLISH)


def test_letter_clips_cover_the_alphabet() -> None:
    assert len(LETTER_CLIPS) == 26
    assert LETTER_CLIPS[0] == "letter_a"
    assert LETTER_CLIPS[-1] == "letter_z"


@given(numbers, languages)
def test_tokens_are_clip_names_and_never_empty(value: int, language: Language) -> None:
    tokens = number_words(value, language)
    assert tokens
    assert all(tokens)
    assert set(tokens) <= NUMBER_VOCABULARY[language]
    assert set(tokens) <= set(clip_texts(language))


@given(numbers)
def test_indonesian_uses_se_prefix_never_satu_before_a_unit(value: int) -> None:
    text = f" {number_text(value, INDONESIAN)} "
    for wrong in (" satu belas ", " satu ratus ", " satu ribu ", " satu puluh "):
        assert wrong not in text


@given(numbers, languages)
def test_words_parse_back_to_the_number(value: int, language: Language) -> None:
    assert parse_number_words(number_words(value, language), language) == value
    assert parse_number_words(number_text(value, language), language) == value


@given(st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), numbers, languages)
def test_ticket_tokens_are_the_letter_clip_then_the_number(
    letter: str, value: int, language: Language
) -> None:
    tokens = ticket_words(f"{letter}{value:03d}", language)
    assert tokens[0] == f"letter_{letter.lower()}"
    assert parse_number_words(tokens[1:], language) == value
    assert set(tokens) <= set(clip_texts(language))
