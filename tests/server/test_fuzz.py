"""Fuzzing the real app on 127.0.0.1: whatever arrives, the answer is a 4xx JSON error.

Paths with Unicode digits and huge numbers, deeply nested and oversized JSON, random
bytes in headers and in the request head itself, and WebSocket frames: never a 5xx,
never a traceback in an answer, never an error logged by the server.
"""

from __future__ import annotations

import asyncio
import json
import logging
from urllib.parse import quote

import aiohttp
import pytest
import yarl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.server.conftest import Running, StartOffice
from tests.support.raw_http import RawAnswer, request_bytes, send_raw

FUZZ = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
TOKENS = ["admin", "kiosk", "counter1", "display"]
# every decimal digit Unicode knows (Arabic-Indic, Devanagari, fullwidth, ...), other
# numerals (superscripts, fractions, Roman), signs, separators and plain letters
TRICKY_DIGITS = "²³¹⁰⁴₅①⑴٣۴߁१৩੫௮๙０１"  # isdigit() says yes to all; int() to some
DIGITISH = (
    st.characters(categories=["Nd", "No", "Nl"])
    | st.sampled_from(TRICKY_DIGITS)
    | st.sampled_from("+-_. ,e0123456789")
)
SEGMENT = st.one_of(
    st.text(st.sampled_from(TRICKY_DIGITS + "0123456789"), min_size=1, max_size=9),
    st.text(DIGITISH, min_size=1, max_size=12),
    st.text("0123456789", min_size=10, max_size=6000),  # beyond int()'s 4,300 digits too
    st.text("0123456789", min_size=1, max_size=20).map(lambda digits: "-" + digits),
    st.text(min_size=1, max_size=30),
)
SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False),
    st.text(max_size=30),
)
JSON_VALUE = st.recursive(
    SCALAR,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["service", "priority", "number", "request_key", "type", "x"]),
            children,
            max_size=4,
        )
    ),
    max_leaves=12,
)


def nested(depth: int, kind: str) -> bytes:
    if kind == "list":
        return b"[" * depth + b"]" * depth
    return b'{"service":' * depth + b'"A"' + b"}" * depth


BODY = st.one_of(
    JSON_VALUE.map(lambda value: json.dumps(value).encode()),
    st.builds(nested, st.integers(min_value=1, max_value=12_000), st.sampled_from(["list", "obj"])),
    st.integers(min_value=4000, max_value=12_000).map(
        lambda digits: b'{"service": "A", "priority": ' + b"7" * digits + b"}"
    ),
    st.binary(max_size=300),
)
HEADER_BYTES = st.binary(min_size=0, max_size=200)


class Shared:
    """One running office for all examples of a test (starting one per example is slow)."""

    office: Running | None = None
    owner: int | None = None


async def shared_office(start_office: StartOffice) -> Running:
    if Shared.owner != id(start_office) or Shared.office is None:
        Shared.office = await start_office()
        Shared.owner = id(start_office)
    return Shared.office


def check_http(status: int, text: str) -> None:
    assert status < 500, text
    assert "Traceback" not in text
    if status >= 400:
        body = json.loads(text)
        assert isinstance(body["error"], str) and body["error"]
        assert isinstance(body["message"], str) and body["message"]


def check_raw(answer: RawAnswer) -> None:
    assert answer.headers.get("content-type", "").startswith("application/json"), answer
    check_http(answer.status, answer.body.decode("utf-8"))


@pytest.fixture
def server_errors(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.WARNING)
    return caplog


def assert_nothing_logged(caplog: pytest.LogCaptureFixture) -> None:
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert not errors, [record.getMessage() for record in errors]


@FUZZ
@given(
    segment=SEGMENT,
    template=st.sampled_from(
        [
            "POST /counters/{}/next",
            "POST /counters/{}/pause",
            "POST /counters/1/{}",
            "GET /tickets/{}",
            "POST /tickets/{}/void",
            "POST /services/{}/close",
            "GET /{}",
        ]
    ),
    token=st.sampled_from(TOKENS),
)
async def test_any_path_segment_is_answered_with_json(
    start_office: StartOffice,
    server_errors: pytest.LogCaptureFixture,
    segment: str,
    template: str,
    token: str,
) -> None:
    office = await shared_office(start_office)
    method, path = template.split(" ")
    url = office.api + path.format(quote(segment, safe=""))
    async with office.session.request(
        method, yarl.URL(url, encoded=True), headers=office.auth(token)
    ) as answer:
        check_http(answer.status, await answer.text())
    assert_nothing_logged(server_errors)


@FUZZ
@given(
    body=BODY,
    path=st.sampled_from(
        ["/tickets", "/tickets/void", "/counters/1/transfer", "/counters/1/requeue"]
    ),
    token=st.sampled_from(TOKENS),
)
async def test_any_body_is_answered_with_json(
    start_office: StartOffice,
    server_errors: pytest.LogCaptureFixture,
    body: bytes,
    path: str,
    token: str,
) -> None:
    office = await shared_office(start_office)
    async with office.session.post(office.api + path, data=body, headers=office.auth(token)) as (
        answer
    ):
        check_http(answer.status, await answer.text())
    assert_nothing_logged(server_errors)


@FUZZ
@given(
    name=st.sampled_from(
        [b"Authorization", b"Idempotency-Key", b"Content-Type", b"Content-Length", b"Host"]
    )
    | st.binary(min_size=1, max_size=20),
    value=HEADER_BYTES,
    prefix=st.sampled_from([b"", b"Bearer ", b"bearer ant_"]),
    target=st.sampled_from(
        [("POST", b"/api/v1/tickets"), ("GET", b"/api/v1/snapshot"), ("GET", b"/api/v1/events")]
    ),
)
async def test_random_bytes_in_a_header_are_answered_with_json(
    start_office: StartOffice,
    server_errors: pytest.LogCaptureFixture,
    name: bytes,
    value: bytes,
    prefix: bytes,
    target: tuple[str, bytes],
) -> None:
    office = await shared_office(start_office)
    method, path = target
    body = b'{"service": "A"}' if method == "POST" else b""
    request = request_bytes(method, path, {name: prefix + value}, body)
    check_raw(await send_raw("127.0.0.1", office.server.port, request))
    assert_nothing_logged(server_errors)


@FUZZ
@given(head=st.binary(min_size=1, max_size=400), tail=st.binary(max_size=200))
async def test_random_bytes_as_a_request_are_answered_with_json(
    start_office: StartOffice, server_errors: pytest.LogCaptureFixture, head: bytes, tail: bytes
) -> None:
    office = await shared_office(start_office)
    # blank lines before a request line are allowed (RFC 9112 2.2): a request whose first
    # non-blank line has not ended is still being waited for, and the idle timeout ends it
    requests = [b"GET /api/v1/" + head + b" HTTP/1.1\r\n\r\n"]
    raw = head + b"\r\n\r\n" + tail
    if b"\n" in raw.lstrip(b"\r\n"):  # else the request line has not even ended yet
        requests.append(raw)
    for request in requests:
        check_raw(await send_raw("127.0.0.1", office.server.port, request))
    assert_nothing_logged(server_errors)


WS_FRAME = st.one_of(
    JSON_VALUE.map(json.dumps),
    st.builds(lambda depth: "[" * depth + "]" * depth, st.integers(1, 20_000)),
    st.integers(4000, 20_000).map(lambda digits: '{"type": ' + "9" * digits + "}"),
    st.text(max_size=200),
    st.binary(max_size=200),
)


@settings(FUZZ, max_examples=30)
@given(frames=st.lists(WS_FRAME, min_size=1, max_size=8))
async def test_any_websocket_frames_leave_the_stream_working(
    start_office: StartOffice, server_errors: pytest.LogCaptureFixture, frames: list[str | bytes]
) -> None:
    office = await shared_office(start_office)
    socket = await office.session.ws_connect(office.api + "/events", headers=office.auth("display"))
    try:
        assert (await socket.receive_json(timeout=5))["type"] == "snapshot"
        for frame in frames:
            if isinstance(frame, bytes):
                await socket.send_bytes(frame)
            else:
                await socket.send_str(frame)
        await socket.send_str('{"type": "resync"}')
        answer = await asyncio.wait_for(socket.receive(), 5)
        assert answer.type is aiohttp.WSMsgType.TEXT, answer
        assert json.loads(answer.data)["type"] == "snapshot"
    finally:
        await socket.close()
    assert_nothing_logged(server_errors)


@FUZZ
@given(
    raw=st.binary(max_size=60),
    name=st.sampled_from(["key", "token", "after", "log", "limit", "x"]),
    path=st.sampled_from(["/tickets/1", "/snapshot", "/log", "/health", "/events"]),
)
async def test_any_query_value_is_answered_with_json(
    start_office: StartOffice,
    server_errors: pytest.LogCaptureFixture,
    raw: bytes,
    name: str,
    path: str,
) -> None:
    office = await shared_office(start_office)
    query = f"?{name}={quote(raw, safe='')}".encode()
    request = request_bytes("GET", b"/api/v1" + path.encode() + query)
    check_raw(await send_raw("127.0.0.1", office.server.port, request))
    assert_nothing_logged(server_errors)
