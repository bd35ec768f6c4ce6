"""An in-process server (real aiohttp on 127.0.0.1, random port) with an injectable clock."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from server.config import parse_config
from server.office import Office
from server.storage.repository import Role, create_token
from server.storage.schema import open_database
from server.web.protocol import GuardedRunner
from server.web.routes import create_app


@dataclass
class Clock:
    """A clock the test moves by hand."""

    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Running:
    office: Office
    server: TestServer
    session: aiohttp.ClientSession
    tokens: dict[str, str]
    clock: Clock

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.server.port}/api/v1"

    def auth(self, name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[name]}"}

    async def post(self, path: str, token: str | None, body: Any = None) -> tuple[int, Any]:
        headers = self.auth(token) if token else {}
        kwargs: dict[str, Any] = {"headers": headers}
        if isinstance(body, bytes | str):
            kwargs["data"] = body
        elif body is not None:
            kwargs["json"] = body
        async with self.session.post(self.api + path, **kwargs) as answer:
            return answer.status, await answer.json()

    async def get(self, path: str) -> tuple[int, Any]:
        async with self.session.get(self.api + path) as answer:
            return answer.status, await answer.json()


def make_tokens(data_dir: Path) -> dict[str, str]:
    connection = open_database(data_dir)
    now = datetime.now(UTC)
    tokens = {
        "admin": create_token(connection, Role.ADMIN, "admin", None, now),
        "kiosk": create_token(connection, Role.KIOSK, "kiosk", None, now),
        "display": create_token(connection, Role.DISPLAY, "display", None, now),
    }
    for number in (1, 2, 3):
        tokens[f"counter{number}"] = create_token(
            connection, Role.COUNTER, f"c{number}", number, now
        )
    connection.close()
    return tokens


StartOffice = Callable[..., Awaitable[Running]]


class GuardedTestServer(TestServer):
    """aiohttp's test server with the connection layer `serve()` uses."""

    async def _make_runner(self, **kwargs: Any) -> GuardedRunner:
        return GuardedRunner(self.app, **kwargs)


@pytest.fixture
async def start_office(tmp_path: Path) -> AsyncIterator[StartOffice]:
    running: list[Running] = []

    async def start(
        document: dict[str, Any] | None = None,
        clock: Clock | None = None,
        data_dir: Path | None = None,
    ) -> Running:
        data_dir = data_dir or tmp_path / "data"
        tokens = make_tokens(data_dir)
        clock = clock or Clock()
        office = Office(parse_config(document or {}), data_dir, clock)
        await office.start()
        server = GuardedTestServer(create_app(office), host="127.0.0.1", port=0)
        await server.start_server()
        session = aiohttp.ClientSession()
        instance = Running(office, server, session, tokens, clock)
        running.append(instance)
        return instance

    yield start
    for instance in running:
        await instance.session.close()
        await instance.server.close()
        await instance.office.close()
