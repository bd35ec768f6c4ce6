"""Cardinal number words (0–9999) in Indonesian and English, as clip-name tokens.

Every token returned here is the file name (without ``.wav``) of one voice clip, so an
announcement is spoken by playing the clips of its tokens one after another. Ticket
numbers such as ``A123`` are spoken as the letter, then the number as a cardinal:
"A seratus dua puluh tiga"; leading zeros are not spoken (``A001`` is "A satu").

Errors::

    AnnouncementError        root of everything the announcement code raises
    └── UnsayableNumber      a number or ticket number that cannot be spoken (also ValueError)
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Sequence
from enum import StrEnum

MAX_NUMBER = 9999


class AnnouncementError(Exception):
    """Root of the errors raised by the announcement modules."""


class UnsayableNumber(AnnouncementError, ValueError):
    """A number or ticket number outside what the announcer can say."""


class Language(StrEnum):
    """A language the display can announce in; the value names the clip directory."""

    INDONESIAN = "id"
    ENGLISH = "en"


_INDONESIAN_DIGITS = (
    "nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan",
)  # fmt: skip
_ENGLISH_ONES = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
    "eighteen", "nineteen",
)  # fmt: skip
_ENGLISH_TENS = (
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
)  # fmt: skip

NUMBER_VOCABULARY: dict[Language, frozenset[str]] = {
    Language.INDONESIAN: frozenset(
        {*_INDONESIAN_DIGITS, "sepuluh", "sebelas", "belas", "puluh"}
        | {"seratus", "ratus", "seribu", "ribu"}
    ),
    Language.ENGLISH: frozenset(
        (*_ENGLISH_ONES, *(tens for tens in _ENGLISH_TENS if tens), "hundred", "thousand")
    ),
}
"""Every token that ``number_words`` can return, per language."""

LETTER_CLIPS: tuple[str, ...] = tuple(f"letter_{letter}" for letter in string.ascii_lowercase)
"""Clip names of the letters A–Z (the same names in every language directory)."""

_TICKET_PATTERN = re.compile(r"^\s*([A-Za-z]{1,3})-?0*([0-9]+)\s*$")


def _indonesian_below_thousand(value: int) -> list[str]:
    hundreds, rest = divmod(value, 100)
    tokens: list[str] = []
    if hundreds == 1:
        tokens.append("seratus")
    elif hundreds > 1:
        tokens += [_INDONESIAN_DIGITS[hundreds], "ratus"]
    tens, ones = divmod(rest, 10)
    if rest == 10:
        tokens.append("sepuluh")
    elif rest == 11:
        tokens.append("sebelas")
    elif tens == 1:
        tokens += [_INDONESIAN_DIGITS[ones], "belas"]
    else:
        if tens > 1:
            tokens += [_INDONESIAN_DIGITS[tens], "puluh"]
        if ones:
            tokens.append(_INDONESIAN_DIGITS[ones])
    return tokens


def _english_below_thousand(value: int) -> list[str]:
    hundreds, rest = divmod(value, 100)
    tokens: list[str] = []
    if hundreds:
        tokens += [_ENGLISH_ONES[hundreds], "hundred"]
    if rest >= 20:
        tens, ones = divmod(rest, 10)
        tokens.append(_ENGLISH_TENS[tens])
        if ones:
            tokens.append(_ENGLISH_ONES[ones])
    elif rest:
        tokens.append(_ENGLISH_ONES[rest])
    return tokens


def number_words(value: int, language: Language = Language.INDONESIAN) -> tuple[str, ...]:
    """Return the cardinal words of ``value`` (0–9999) as clip-name tokens."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise UnsayableNumber(f"not an integer: {value!r}")
    if not 0 <= value <= MAX_NUMBER:
        raise UnsayableNumber(f"{value} is outside 0–{MAX_NUMBER}")
    if value == 0:
        return (_INDONESIAN_DIGITS[0] if language is Language.INDONESIAN else "zero",)
    thousands, rest = divmod(value, 1000)
    tokens: list[str] = []
    if language is Language.INDONESIAN:
        if thousands == 1:
            tokens.append("seribu")
        elif thousands > 1:
            tokens += [_INDONESIAN_DIGITS[thousands], "ribu"]
        tokens += _indonesian_below_thousand(rest)
    else:
        if thousands:
            tokens += [_ENGLISH_ONES[thousands], "thousand"]
        tokens += _english_below_thousand(rest)
    return tuple(tokens)


def number_text(value: int, language: Language = Language.INDONESIAN) -> str:
    """Return the cardinal words of ``value`` as one string: 123 → "seratus dua puluh tiga"."""
    return " ".join(number_words(value, language))


def _word_values(language: Language) -> dict[str, tuple[str, int]]:
    """Map each token to (role, value) for the parser."""
    if language is Language.INDONESIAN:
        values = {word: ("unit", digit) for digit, word in enumerate(_INDONESIAN_DIGITS)}
        values |= {"sepuluh": ("group", 10), "sebelas": ("group", 11), "seratus": ("group", 100)}
        values |= {"belas": ("teen", 10), "puluh": ("scale", 10), "ratus": ("scale", 100)}
        values |= {"seribu": ("thousands", 1), "ribu": ("thousand", 1000)}
        return values
    values = {word: ("unit", number) for number, word in enumerate(_ENGLISH_ONES)}
    values |= {word: ("unit", tens * 10) for tens, word in enumerate(_ENGLISH_TENS) if word}
    values |= {"hundred": ("scale", 100), "thousand": ("thousand", 1000)}
    return values


def parse_number_words(words: str | Sequence[str], language: Language = Language.INDONESIAN) -> int:
    """Parse cardinal words back into a number; only the canonical wording is accepted."""
    tokens = tuple(words.split()) if isinstance(words, str) else tuple(words)
    values = _word_values(language)
    total = group = unit = 0
    for token in tokens:
        if token not in values:
            raise UnsayableNumber(f"not a {language.name.lower()} number word: {token!r}")
        role, amount = values[token]
        if role == "unit":
            unit += amount
        elif role == "group":
            group += amount
        elif role == "teen":
            group, unit = group + unit + amount, 0
        elif role == "scale":
            group, unit = group + unit * amount, 0
        elif role == "thousands":
            total += 1000
        else:
            total, group, unit = total + (group + unit) * amount, 0, 0
    value = total + group + unit
    # Re-generating the words rejects every non-canonical form ("satu ratus", "dua dua").
    if not tokens or value > MAX_NUMBER or number_words(value, language) != tokens:
        raise UnsayableNumber(f"not a canonical {language.name.lower()} number: {tokens!r}")
    return value


def split_ticket_number(ticket_number: str) -> tuple[str, int]:
    """Split ``"A123"`` into ``("A", 123)``; the letters are upper-cased."""
    match = _TICKET_PATTERN.match(ticket_number)
    if match is None:
        raise UnsayableNumber(f"not a ticket number: {ticket_number!r}")
    value = int(match.group(2))
    if value > MAX_NUMBER:
        raise UnsayableNumber(f"ticket number {ticket_number!r} is above {MAX_NUMBER}")
    return match.group(1).upper(), value


def letter_clip(letter: str) -> str:
    """Return the clip name of one letter: ``"A"`` → ``"letter_a"``."""
    if len(letter) != 1 or letter.lower() not in string.ascii_lowercase:
        raise UnsayableNumber(f"not a letter A–Z: {letter!r}")
    return f"letter_{letter.lower()}"


def ticket_letter_clips(ticket_number: str) -> tuple[str, ...]:
    """Return the letter clips of a ticket number: ``"A123"`` → ``("letter_a",)``."""
    letters, _ = split_ticket_number(ticket_number)
    return tuple(letter_clip(letter) for letter in letters)


def ticket_words(ticket_number: str, language: Language = Language.INDONESIAN) -> tuple[str, ...]:
    """Return the clip tokens of a ticket number: letters first, then the cardinal."""
    _, value = split_ticket_number(ticket_number)
    return ticket_letter_clips(ticket_number) + number_words(value, language)


def tokens_text(tokens: Iterable[str]) -> str:
    """Render clip tokens as readable text: letters as capitals, words as they are."""
    return " ".join(
        token.removeprefix("letter_").upper() if token in LETTER_CLIPS else token
        for token in tokens
    )


def ticket_text(ticket_number: str, language: Language = Language.INDONESIAN) -> str:
    """Return a ticket number as spoken text: ``"A123"`` → "A seratus dua puluh tiga"."""
    return tokens_text(ticket_words(ticket_number, language))
