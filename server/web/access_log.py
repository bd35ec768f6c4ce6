"""The access log (`antrian-server -v`), without the secrets some URLs carry.

Displays may pass their token as `?token=` (a browser WebSocket cannot set headers) and a
visitor's phone opens `/tickets/{id}?key=…`: both would otherwise be written to the log
in clear, where anyone who can read it could act as that display or see that ticket.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote_plus

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from aiohttp.web_request import BaseRequest

SECRET_PARAMETERS = frozenset({"token", "key", "access_token"})
REDACTED = "[redacted]"
# the same parameters anywhere in a text (a parser's message quoting a request line)
SECRET_IN_TEXT = re.compile(r"(?i)\b(token|key|access_token)=[^&\s'\"]*")


def redact_text(text: str) -> str:
    """`text` with every `token=…`/`key=…` value replaced by `[redacted]`."""
    return SECRET_IN_TEXT.sub(lambda match: f"{match.group(1)}={REDACTED}", text)


def redact_query(path_qs: str) -> str:
    """`path_qs` with the value of every secret parameter replaced by `[redacted]`."""
    path, mark, query = path_qs.partition("?")
    if not mark:
        return path_qs
    fragment = ""
    if "#" in query:
        query, fragment = query.split("#", 1)
        fragment = "#" + fragment
    parts = []
    for part in query.split("&"):
        name, equals, _value = part.partition("=")
        # decoded as aiohttp decodes it: `?%74oken=` is the token parameter too
        if equals and unquote_plus(name).strip().lower() in SECRET_PARAMETERS:
            part = f"{name}={REDACTED}"
        parts.append(part)
    return f"{path}?{'&'.join(parts)}{fragment}"


class RedactingAccessLogger(AbstractAccessLogger):
    """One line per request: client, request line (secrets redacted), status, size, time."""

    def log(self, request: BaseRequest, response: web.StreamResponse, time: float) -> None:
        version = f"{request.version.major}.{request.version.minor}"
        self.logger.info(
            '%s "%s %s HTTP/%s" %d %d %.3fs "%s"',
            request.remote or "-",
            request.method,
            redact_query(request.raw_path),
            version,
            response.status,
            response.body_length,
            time,
            request.headers.get("User-Agent", "-"),
        )

    @property
    def enabled(self) -> bool:
        return self.logger.isEnabledFor(logging.INFO)
