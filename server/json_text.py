"""Compact JSON text (UTF-8, no spaces) for answers, event messages and stored columns."""

from __future__ import annotations

from typing import Any

import orjson


def dumps(value: Any) -> str:
    return orjson.dumps(value).decode("utf-8")
