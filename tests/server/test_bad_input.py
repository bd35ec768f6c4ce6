"""Bad input at every layer (path, headers, body, WebSocket frames, HTTP framing): a 4xx JSON."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from server.web.errors import error_middleware
from tests.server.conftest import GuardedTestServer, Running, StartOffice
from tests.support.raw_http import RawAnswer, request_bytes, send_raw

DEEP = 30_000  # fits under the 64 KiB body limit, far beyond json's recursion limit


async def raw(office: Running, request: bytes) -> RawAnswer:
    return await send_raw("127.0.0.1", office.server.port, request)


def assert_json_error(answer: RawAnswer, status: int, code: str) -> dict[str, Any]:
    assert answer.status == status, answer.body
    assert answer.headers["content-type"].startswith("application/json")
    body = answer.json()
    assert body["error"] == code and body["message"], body
    return body


@pytest.mark.parametrize(
    "segment",
    ["²", "١", "１", "1²", "٣٤", "1" * 5000, "-1", "+1", " 1", "1_0", "0x1"],
    ids=["superscript", "arabic", "fullwidth", "mixed", "arabic-two", "5000-digits",
         "negative", "plus", "space", "underscore", "hex"],
)  # fmt: skip
async def test_a_number_in_the_path_is_ascii_digits_only(
    start_office: StartOffice, segment: str
) -> None:
    office = await start_office()
    await office.post("/tickets", "kiosk", {"service": "A"})
    status, body = await office.post(f"/counters/{segment}/next", "admin")
    assert (status, body["error"]) == (400, "bad_request")
    assert "nomor" in body["message"] or "number" in body["message"]
    async with office.session.get(f"{office.api}/tickets/{segment}?key=x") as answer:
        assert answer.status == 400
        assert (await answer.json())["error"] == "bad_request"
    _, counters = await office.get("/counters")
    assert [counter["current"] for counter in counters["counters"]] == [None, None, None]


@pytest.mark.parametrize(
    "header",
    [b"Bearer \xff\xfe", b"Bearer ant_\xc3\xa9t\xc3\xa9", b"Bearer \x80", b"\xffBearer x",
     b"Bearer " + b"a" * 7000],
    ids=["latin1-ff", "utf8-accents", "lone-continuation", "garbage-scheme", "very-long"],
)  # fmt: skip
async def test_a_strange_authorization_header_is_401_json(
    start_office: StartOffice, header: bytes
) -> None:
    office = await start_office()
    answer = await raw(
        office,
        request_bytes("POST", b"/api/v1/tickets", {b"Authorization": header}, b'{"service":"A"}'),
    )
    assert_json_error(answer, 401, "unauthorized")


@pytest.mark.parametrize("query", [b"?token=%FF%FE", b"?token=%C3%A9", b"?token=%00"])
async def test_a_strange_token_in_the_query_is_401_json(
    start_office: StartOffice, query: bytes
) -> None:
    office = await start_office()
    answer = await raw(office, request_bytes("GET", b"/api/v1/snapshot" + query))
    assert_json_error(answer, 401, "unauthorized")


@pytest.mark.parametrize("query", [b"?key=%FF%FE", b"?key=%C3%A9", b"?key=%ED%A0%80"])
async def test_a_strange_ticket_key_is_404_json(start_office: StartOffice, query: bytes) -> None:
    office = await start_office()
    await office.post("/tickets", "kiosk", {"service": "A"})
    answer = await raw(office, request_bytes("GET", b"/api/v1/tickets/1" + query))
    assert_json_error(answer, 404, "unknown_ticket")


@pytest.mark.parametrize(
    "body",
    [
        b"[" * DEEP + b"]" * DEEP,
        b'{"service": ' + b'{"a":' * 10_000 + b"1" + b"}" * 10_000 + b"}",
        b'{"service": "A", "priority": ' + b"9" * 5000 + b"}",
        b'{"service": "A", "priority": -' + b"9" * 5000 + b"}",
        b'{"service": "A", "priority": 1e999}',
        b'{"service": "A", "priority": NaN}',
        b'{"service": "\\ud800"}',
    ],
    ids=["deep-list", "deep-object", "huge-int", "huge-negative", "huge-float", "nan",
         "lone-surrogate"],
)  # fmt: skip
async def test_a_pathological_json_body_is_400(start_office: StartOffice, body: bytes) -> None:
    office = await start_office()
    status, answer = await office.post("/tickets", "kiosk", body)
    assert (status, answer["error"]) == (400, "bad_request")
    assert answer["message"]
    _, services = await office.get("/services")
    assert sum(service["issued_today"] for service in services["services"]) == 0


@pytest.mark.parametrize(
    "request_text",
    [
        b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n",
        b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Long: " + b"a" * 10000 + b"\r\n\r\n",
        b"GET /" + b"a" * 10000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /api/v1/health HTTP/9.9\r\nHost: x\r\n\r\n",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 TLS hello\r\n\r\n",
        b"POST /api/v1/tickets HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
        b"POST /api/v1/tickets HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    ],
    ids=["no-colon", "long-header", "long-path", "bad-version", "tls", "negative-length",
         "bad-chunk"],
)  # fmt: skip
async def test_the_http_parsers_own_errors_are_json_too(
    start_office: StartOffice, request_text: bytes
) -> None:
    office = await start_office()
    answer = await raw(office, request_text)
    assert 400 <= answer.status < 500
    body = assert_json_error(answer, answer.status, answer.json()["error"])
    assert "Traceback" not in body["message"]


async def test_hostile_websocket_frames_are_ignored_and_the_stream_goes_on(
    start_office: StartOffice,
) -> None:
    office = await start_office()
    socket = await office.session.ws_connect(office.api + "/events", headers=office.auth("display"))
    snapshot = await asyncio.wait_for(socket.receive_json(), 5)
    assert snapshot["type"] == "snapshot"
    for junk in (
        "[" * DEEP + "]" * DEEP,
        '{"type": ' + "9" * 5000 + "}",
        '{"type": "resync", "x": ' + "9" * 5000 + "}",
        '{"type": 1e999}',
        '{"type": "\\ud800"}',
    ):
        await socket.send_str(junk)
    await office.post("/tickets", "kiosk", {"service": "A"})
    event = await asyncio.wait_for(socket.receive(), 5)
    assert event.type is aiohttp.WSMsgType.TEXT, event
    assert json.loads(event.data)["type"] == "ticket.issued"
    await socket.close()
    status, health = await office.get("/health")
    assert status == 200 and health["status"] == "ok"


async def test_a_websocket_handler_failing_after_the_upgrade_writes_no_http_error_into_it(
    start_office: StartOffice,
) -> None:
    async def failing(request: web.Request) -> web.StreamResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        await socket.send_str("hello")
        raise RuntimeError("a bug after the upgrade")

    app = web.Application(middlewares=[error_middleware])
    app.router.add_get("/ws", failing)
    server = GuardedTestServer(app, host="127.0.0.1", port=0)
    await server.start_server()
    try:
        handshake = (
            b"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(handshake)
        data, closed = b"", False
        while not closed:
            try:
                chunk = await asyncio.wait_for(reader.read(65536), 2)
            except TimeoutError:
                break
            data += chunk
            closed = not chunk
        writer.close()
    finally:
        await server.close()
    assert data.startswith(b"HTTP/1.1 101 ")
    assert b"hello" in data
    assert b"HTTP/1.1 500" not in data and b"internal_error" not in data
    assert closed  # the broken connection is closed, not left hanging
