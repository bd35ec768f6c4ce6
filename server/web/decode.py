"""Untrusted JSON in, plain Python values out: bounded, never a RecursionError or a 500.

The standard `json` module recurses once per nesting level (a 30,000-deep list in a
64 KiB body exhausts the stack) and gives Python ints of any length (4,300+ digits raise
`ValueError` later). msgspec decodes in C with a depth guard, refuses integers beyond
64 bits, floats that overflow, NaN and lone surrogates; nothing deeper than
`MAX_DEPTH` levels is needed by any request, so deeper input is refused as well.
"""

from __future__ import annotations

from typing import Any

import msgspec

MAX_DEPTH = 32

_decoder = msgspec.json.Decoder()


class BadJson(ValueError):
    """The bytes are not a JSON document this server accepts; the message says why."""


def decode_json(raw: bytes | str) -> Any:
    """Decode one JSON document, or raise `BadJson` with a short English reason."""
    try:
        value = _decoder.decode(raw)
    except RecursionError as exc:
        raise BadJson(f"nested deeper than {MAX_DEPTH} levels") from exc
    except msgspec.DecodeError as exc:
        raise BadJson(str(exc)) from exc
    if _depth_exceeds(value, MAX_DEPTH):
        raise BadJson(f"nested deeper than {MAX_DEPTH} levels")
    return value


def _depth_exceeds(value: Any, limit: int) -> bool:
    # iterative, so a document the decoder accepted cannot exhaust the stack here either
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        current, depth = pending.pop()
        if isinstance(current, dict):
            children: Any = current.values()
        elif isinstance(current, list):
            children = current
        else:
            continue
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in children)
    return False
