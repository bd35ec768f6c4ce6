"""The server as a process under hostile load: floods, silent and slow clients, revoked
tokens, secrets in URLs, and SIGTERM with displays connected."""

from __future__ import annotations

import asyncio
import json
import resource
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest
import yarl

from server.web.protocol import KEEPALIVE_TIMEOUT_S
from server.web.routes import BODY_TIMEOUT_S
from tests.server.conftest import StartOffice
from tests.support.live_server import LiveServer
from tests.support.raw_http import parse_answer, send_raw

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
FLOOD = 1100  # more than systemd's default limit of 1,024 open files
FLOOD_ADDRESS = "127.0.0.2"  # another loopback address: the flood is one client


def health(server: LiveServer, timeout: float = 5.0) -> dict[str, object]:
    with urllib.request.urlopen(f"{server.api}/health", timeout=timeout) as answer:
        assert answer.status == 200
        body: dict[str, object] = json.loads(answer.read())
        return body


def raise_own_file_limit(wanted: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < wanted:
        pytest.skip(f"this test needs {wanted} open files; the hard limit is {hard}")
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def test_a_flood_of_silent_and_slow_connections_leaves_the_server_answering(
    live_server_factory: Callable[..., LiveServer],
) -> None:
    raise_own_file_limit(FLOOD + 200)
    server = live_server_factory(open_files=(1024, 1024))  # no room to raise it either
    flood: list[socket.socket] = []
    try:
        for index in range(FLOOD):
            connection = socket.socket()
            connection.settimeout(5)
            connection.bind((FLOOD_ADDRESS, 0))
            connection.connect(("127.0.0.1", server.port))
            if index % 2:  # half of them start a request and never finish it
                connection.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            flood.append(connection)
        started = time.monotonic()
        assert health(server)["status"] == "ok"
        answered_in = time.monotonic() - started
        # the last ones were over the cap: answered 429 (JSON) and closed at once (one that
        # sent nothing: unread bytes would make the close a reset)
        refused = flood[-2]
        data = b""
        while chunk := refused.recv(4096):
            data += chunk
        answer = parse_answer(data)
        assert answer.status == 429
        assert answer.json()["error"] == "too_many_connections"
        print(f"health answered in {answered_in * 1000:.0f} ms beside {FLOOD} connections")
    finally:
        for connection in flood:
            connection.close()
    assert "refused" in server.log()
    assert health(server)["status"] == "ok"


async def test_idle_and_slow_connections_are_closed_after_the_keepalive_timeout(
    live_server: LiveServer,
) -> None:
    async def lifetime(first: bytes, trickle: bool) -> float:
        reader, writer = await asyncio.open_connection("127.0.0.1", live_server.port)
        started = time.monotonic()
        writer.write(first)
        try:
            while True:
                try:
                    chunk = await asyncio.wait_for(reader.read(65536), 1.0)
                except TimeoutError:
                    if trickle:  # one more header byte a second, never the blank line
                        writer.write(b"a")
                    continue
                if not chunk:
                    return time.monotonic() - started
                assert time.monotonic() - started < 60
        finally:
            writer.close()

    silent, slow, after_a_request = await asyncio.gather(
        lifetime(b"", trickle=False),
        lifetime(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Slow: ", trickle=True),
        lifetime(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n", trickle=False),
    )
    print(f"lifetimes: silent {silent:.2f} s, slow {slow:.2f} s, idle {after_a_request:.2f} s")
    for measured in (silent, slow, after_a_request):
        assert KEEPALIVE_TIMEOUT_S - 0.5 <= measured <= KEEPALIVE_TIMEOUT_S + 2.5


async def test_a_body_that_never_arrives_is_408_json(start_office: StartOffice) -> None:
    office = await start_office()
    reader, writer = await asyncio.open_connection("127.0.0.1", office.server.port)
    started = time.monotonic()
    writer.write(
        b"POST /api/v1/tickets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
        + office.tokens["kiosk"].encode()
        + b'\r\nContent-Length: 100\r\n\r\n{"service":'
    )
    data = await asyncio.wait_for(reader.read(65536), BODY_TIMEOUT_S + 5)
    waited = time.monotonic() - started
    writer.close()
    answer = parse_answer(data)
    assert answer.status == 408 and answer.json()["error"] == "request_timeout"
    assert BODY_TIMEOUT_S - 0.5 <= waited <= BODY_TIMEOUT_S + 2


async def test_sigterm_closes_every_websocket_with_going_away_in_well_under_a_second(
    live_server: LiveServer,
) -> None:
    assert live_server.process is not None
    async with aiohttp.ClientSession() as session:
        sockets = []
        for name in ("display", "counter1", "admin"):
            ws = await session.ws_connect(
                f"{live_server.api}/events",
                headers={"Authorization": f"Bearer {live_server.tokens[name]}"},
            )
            assert (await ws.receive_json(timeout=5))["type"] == "snapshot"
            sockets.append(ws)
        started = time.monotonic()
        live_server.process.send_signal(signal.SIGTERM)
        closes = [await ws.receive(timeout=5) for ws in sockets]
        closed_in = time.monotonic() - started
        while live_server.process.poll() is None:
            assert time.monotonic() - started < 5
            await asyncio.sleep(0.01)
        exited_in = time.monotonic() - started
    print(f"close frames after {closed_in * 1000:.0f} ms, exit after {exited_in * 1000:.0f} ms")
    assert [close.type for close in closes] == [aiohttp.WSMsgType.CLOSE] * 3
    assert [close.data for close in closes] == [aiohttp.WSCloseCode.GOING_AWAY] * 3
    assert live_server.process.returncode == 0
    assert exited_in < 0.8
    assert "stopped" in live_server.log()


def run_cli(server: LiveServer, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "server", "--data-dir", str(server.data_dir), *arguments],
        capture_output=True, text=True, timeout=30, cwd=ROOT, check=True, env=server._env(),
    )  # fmt: skip


async def test_a_token_revoked_by_the_cli_is_refused_and_its_websocket_closed_within_a_second(
    live_server_factory: Callable[..., LiveServer], database_url: str | None
) -> None:
    live_server = live_server_factory(database=database_url)  # on SQLite, then PostgreSQL
    secret = run_cli(live_server, "token", "create", "--role", "display", "--name", "TV lobi")
    token = secret.stdout.strip()
    headers = {"Authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession() as session:
        # a token created by the CLI works at once, too
        async with session.get(f"{live_server.api}/snapshot", headers=headers) as answer:
            assert answer.status == 200
        tv = await session.ws_connect(f"{live_server.api}/events", headers=headers)
        other = await session.ws_connect(
            f"{live_server.api}/events",
            headers={"Authorization": f"Bearer {live_server.tokens['display']}"},
        )
        for ws in (tv, other):
            assert (await ws.receive_json(timeout=5))["type"] == "snapshot"
        revoke = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "server", "--data-dir", str(live_server.data_dir),
            "token", "revoke", "TV lobi", cwd=ROOT, stdout=asyncio.subprocess.DEVNULL,
            env=live_server._env(),
        )  # fmt: skip
        assert await revoke.wait() == 0
        revoked_at = time.monotonic()
        # no request in between: the server's own watcher sees the other process's change
        closing = await tv.receive(timeout=5)
        closed_after = time.monotonic() - revoked_at
        print(f"revoked token's WebSocket closed {closed_after * 1000:.0f} ms after the CLI")
        assert closing.type is aiohttp.WSMsgType.CLOSE
        assert closing.data == aiohttp.WSCloseCode.POLICY_VIOLATION
        assert closing.extra == "token revoked"
        assert closed_after < 1.0
        async with session.get(f"{live_server.api}/snapshot", headers=headers) as answer:
            assert answer.status == 401
            assert (await answer.json())["error"] == "unauthorized"
        # the other display's stream goes on
        await other.send_str(json.dumps({"type": "resync"}))
        assert (await other.receive_json(timeout=5))["type"] == "snapshot"
        # measured from the commit itself (another connection, as the CLI's is)
        store = live_server.stored.store()
        try:
            assert store.revoke_token("display", datetime.now(UTC)) == 1
            committed_at = time.monotonic()
        finally:
            store.close()
        closing = await other.receive(timeout=5)
        latency = time.monotonic() - committed_at
        print(f"close frame {latency * 1000:.0f} ms after the revoke was committed")
        assert closing.type is aiohttp.WSMsgType.CLOSE
        assert closing.data == aiohttp.WSCloseCode.POLICY_VIOLATION
        assert latency < 1.0
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await session.ws_connect(f"{live_server.api}/events", headers=headers)
        assert refused.value.status == 401


async def test_the_access_log_never_shows_tokens_or_ticket_keys(
    live_server_factory: Callable[..., LiveServer],
) -> None:
    server = live_server_factory(arguments=("-v",))
    kiosk, display = server.tokens["kiosk"], server.tokens["display"]
    async with aiohttp.ClientSession() as session:
        async with session.post(
            f"{server.api}/tickets",
            json={"service": "A"},
            headers={"Authorization": f"Bearer {kiosk}"},
        ) as answer:
            ticket = await answer.json()
        key = ticket["check_url"].rsplit("key=", 1)[1]
        async with session.get(f"{server.api}/tickets/{ticket['id']}?key={key}") as answer:
            assert answer.status == 200
        # %74 is "t": aiohttp reads this as ?token= too; sent as it is written
        disguised = yarl.URL(f"{server.api}/snapshot?%74oken={display}&x=1", encoded=True)
        async with session.get(disguised) as answer:
            assert answer.status == 200
        ws = await session.ws_connect(f"{server.api}/events?token={display}")
        await ws.receive_json(timeout=5)
        await ws.close()
    # a request the parser refuses is logged (at debug level) with its line: redacted too
    for broken in (b"G\x01T /api/v1/snapshot?token=", b"GET /api/v1/snapshot?token="):
        answer = await send_raw(
            "127.0.0.1", server.port, broken + display.encode() + b" HTTP/1.1\r\nBad\r\n\r\n"
        )
        assert answer.status == 400
    assert server.stop() == 0
    log = server.log()
    assert key not in log and display not in log and kiosk not in log
    assert f'GET /api/v1/tickets/{ticket["id"]}?key=[redacted] HTTP/1.1" 200' in log
    assert 'GET /api/v1/snapshot?%74oken=[redacted]&x=1 HTTP/1.1" 200' in log
    assert 'GET /api/v1/events?token=[redacted] HTTP/1.1" 101' in log


def test_a_request_right_after_a_revoke_is_refused(live_server: LiveServer) -> None:
    token = run_cli(live_server, "token", "create", "--role", "kiosk", "--name", "Kiosk 2")
    secret = token.stdout.strip()
    request = urllib.request.Request(
        f"{live_server.api}/snapshot", headers={"Authorization": f"Bearer {secret}"}
    )
    with urllib.request.urlopen(request, timeout=5) as answer:
        assert answer.status == 200  # cached now
    run_cli(live_server, "token", "revoke", "Kiosk 2")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    assert refused.value.code == 401
    assert json.loads(refused.value.read())["error"] == "unauthorized"


def test_the_server_raises_its_soft_open_file_limit(
    live_server_factory: Callable[..., LiveServer],
) -> None:
    server = live_server_factory(open_files=(1024, 8192))  # systemd's soft limit, room above
    assert server.process is not None
    limits = Path(f"/proc/{server.process.pid}/limits").read_text()
    (line,) = [line for line in limits.splitlines() if line.startswith("Max open files")]
    assert line.split()[3:5] == ["8192", "8192"]
    assert "open files allowed" not in server.log()
