"""Raw HTTP over a socket, for bytes an HTTP client library refuses to send."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

READ_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class RawAnswer:
    """A parsed HTTP response: status, lower-cased headers and the body."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def parse_answer(data: bytes) -> RawAnswer:
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = headers.get("content-length")
    if length is not None:
        body = body[: int(length)]
    return RawAnswer(int(status_line.split()[1]), headers, body)


async def send_raw(host: str, port: int, request: bytes) -> RawAnswer:
    """Send `request` as it is, read until the server closes or the answer is complete."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(request)
        await writer.drain()
        data = b""
        while True:
            chunk = await asyncio.wait_for(reader.read(65536), READ_TIMEOUT_S)
            if not chunk:
                break
            data += chunk
            if b"\r\n\r\n" in data:
                answer = parse_answer(data)
                length = answer.headers.get("content-length")
                if length is not None and len(answer.body) >= int(length):
                    break
        return parse_answer(data)
    finally:
        writer.close()


def request_bytes(
    method: str, path: bytes, headers: dict[bytes, bytes] | None = None, body: bytes = b""
) -> bytes:
    lines = [method.encode() + b" " + path + b" HTTP/1.1", b"Host: 127.0.0.1"]
    for name, value in (headers or {}).items():
        lines.append(name + b": " + value)
    if body or method == "POST":
        lines.append(b"Content-Length: " + str(len(body)).encode())
    lines.append(b"Connection: close")
    return b"\r\n".join(lines) + b"\r\n\r\n" + body
