"""JSON text for answers and event messages (orjson where installed)."""

from __future__ import annotations

import json
from typing import Any

try:
    import orjson
except ImportError:  # pragma: no cover - orjson is a dependency, json is the fallback

    def dumps(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

else:

    def dumps(value: Any) -> str:
        return orjson.dumps(value).decode("utf-8")
