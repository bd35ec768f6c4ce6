"""Printer code pages, and text made printable in one of them without ever failing."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True, slots=True)
class Codepage:
    """A single-byte character table: its name, ESC t number and Python codec."""

    name: str
    table: int
    codec: str


# The ESC t numbers are the Epson ones; Xprinter and most generic printers follow them.
CODEPAGES: dict[str, Codepage] = {
    "cp437": Codepage("cp437", 0, "cp437"),
    "cp850": Codepage("cp850", 2, "cp850"),
    "cp858": Codepage("cp858", 19, "cp858"),
    "cp1252": Codepage("cp1252", 16, "cp1252"),
}
DEFAULT_CODEPAGE = CODEPAGES["cp437"]

# Typographic characters that no DOS code page has, with a plain equivalent.
REPLACEMENTS: dict[str, str] = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u2033": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2015": "-",
    "\u2212": "-",
    "\u2026": "...",
    "\u2022": "*",
    "\u00b7": "-",
    "\u20ac": "EUR",
    "\u2122": "TM",
    "\u00a9": "(c)",
    "\u00ae": "(R)",
    "\u2264": "<=",
    "\u2265": ">=",
    "\u00d7": "x",
    "\u2500": "-",
    "\u2501": "-",
    "\u2502": "|",
    "\u2550": "=",
}
UNKNOWN = "?"


def find_codepage(name: str) -> Codepage:
    """The code page named e.g. 'cp437'; KeyError when unknown."""
    return CODEPAGES[name.lower().replace("-", "")]


def clean_text(text: str) -> str:
    """One line of text: NFC, control characters and runs of blanks made single spaces."""
    characters = []
    for character in unicodedata.normalize("NFC", text):
        category = unicodedata.category(character)
        if category in ("Cc", "Zl", "Zp") or character.isspace():
            characters.append(" ")
        elif category in ("Cf", "Cs", "Co", "Cn"):
            continue  # invisible or unassigned: zero-width joiners, lone surrogates
        else:
            characters.append(character)
    return " ".join("".join(characters).split())


def to_printable(text: str, codepage: Codepage = DEFAULT_CODEPAGE) -> str:
    """The text with every character the code page lacks replaced sensibly ('?' at worst)."""
    return "".join(_printable_character(character, codepage.codec) for character in text)


def encode_printable(text: str, codepage: Codepage = DEFAULT_CODEPAGE) -> bytes:
    """Bytes for text already passed through to_printable."""
    return to_printable(text, codepage).encode(codepage.codec)


@lru_cache(maxsize=4096)
def _printable_character(character: str, codec: str) -> str:
    if _encodable(character, codec):
        return character
    replacement = REPLACEMENTS.get(character)
    if replacement is not None and _encodable(replacement, codec):
        return replacement
    decomposed = unicodedata.normalize("NFKD", character)
    stripped = "".join(part for part in decomposed if not unicodedata.combining(part))
    if stripped and stripped != character and all(_encodable(part, codec) for part in stripped):
        return stripped  # 'ā' -> 'a', full-width 'Ａ' -> 'A', 'ﬁ' -> 'fi'
    if unicodedata.category(character) in ("Mn", "Me", "Cf"):
        return ""  # a lone combining mark or variation selector: nothing to print
    return UNKNOWN


def _encodable(text: str, codec: str) -> bool:
    if any(ord(character) < 0x20 or ord(character) == 0x7F for character in text):
        return False  # control bytes would be read as printer commands
    try:
        text.encode(codec)
    except UnicodeEncodeError:
        return False
    return True
