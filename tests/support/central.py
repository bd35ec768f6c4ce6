"""A real antrian-central in-process (aiohttp on 127.0.0.1, port 0) on a fresh PostgreSQL
database of the session's cluster, with helpers to add offices and read the city API."""

from __future__ import annotations

import asyncio
import ssl
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp.test_utils import TestServer

from central.letterhead import CityLetterhead
from central.store import CentralStore
from central.web import create_app
from tests.support.postgres import Cluster

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass
class RunningCentral:
    store: CentralStore
    server: TestServer
    session: aiohttp.ClientSession
    reader: str  # a read token for the city API
    client_ssl: ssl.SSLContext | None = None  # how this test's client verifies HTTPS

    @property
    def url(self) -> str:
        return f"{self.server.scheme}://127.0.0.1:{self.server.port}"

    async def add_office(self, name: str) -> tuple[int, str]:
        office, secret = await asyncio.to_thread(self.store.add_office, name, datetime.now(UTC))
        return office.id, secret

    async def call(
        self, method: str, path: str, token: str | None = None, body: Any = None,
        raw: bytes | None = None, headers: dict[str, str] | None = None,
    ) -> tuple[int, Any]:  # fmt: skip
        sent = {"Authorization": f"Bearer {token or self.reader}", **(headers or {})}
        async with self.session.request(
            method,
            self.url + path,
            json=body if raw is None else None,
            data=raw,
            headers=sent,
            ssl=self.client_ssl if self.client_ssl is not None else True,
        ) as answer:
            return answer.status, await answer.json(content_type=None)

    async def offices(self) -> dict[str, dict[str, Any]]:
        status, body = await self.call("GET", "/api/v1/city/offices")
        assert status == 200, body
        return {office["name"]: office for office in body["offices"]}

    async def events(self, office_id: int) -> list[dict[str, Any]]:
        """Every event the central holds of an office, oldest first."""
        found: list[dict[str, Any]] = []
        while True:
            after = found[-1]["id"] if found else 0
            status, body = await self.call(
                "GET", f"/api/v1/city/offices/{office_id}/log?after={after}&limit=10000"
            )
            assert status == 200, body
            if not body["events"]:
                return found
            found += body["events"]


@asynccontextmanager
async def running_central(
    cluster: Cluster,
    clock: Callable[[], datetime] | None = None,
    port: int = 0,
    tls: ssl.SSLContext | None = None,
    client_ssl: ssl.SSLContext | None = None,
    letterhead: CityLetterhead | None = None,
) -> AsyncIterator[RunningCentral]:
    url = cluster.create_database()
    store = CentralStore(url)
    await asyncio.to_thread(store.open)
    reader = await asyncio.to_thread(store.create_token, "tests", datetime.now(UTC))
    app = create_app(store, clock or (lambda: datetime.now(UTC)), letterhead=letterhead)
    server = TestServer(app, host="127.0.0.1", port=port)
    await server.start_server(ssl=tls)
    session = aiohttp.ClientSession()
    try:
        yield RunningCentral(store, server, session, reader, client_ssl)
    finally:
        await session.close()
        await server.close()
        await asyncio.to_thread(store.close)


class CentralProcess:
    """`antrian-central` in a child process, restartable on the same port."""

    def __init__(self, url: str, directory: Path) -> None:
        self.url = url
        self.directory = directory
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        port_file = self.directory / "central.port"
        port_file.unlink(missing_ok=True)
        with (self.directory / "central.log").open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "central", "--database", self.url, "--host", "0.0.0.0",
                 "--port", str(self.port), "--port-file", str(port_file)],
                cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        deadline = time.monotonic() + 20
        while not (port_file.exists() and port_file.read_text()):
            assert self.process.poll() is None, (self.directory / "central.log").read_text()
            assert time.monotonic() < deadline, "antrian-central did not start"
            time.sleep(0.05)
        self.port = int(port_file.read_text())

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(15)
            self.process = None
