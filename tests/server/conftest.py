"""An in-process server (real aiohttp on 127.0.0.1, random port) with an injectable clock."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from server.config import parse_config
from server.office import Office
from server.web.protocol import GuardedRunner
from server.web.routes import create_app
from tests.support.database import Database


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
    database: Database

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


async def issue(office: Running, service: str = "A") -> dict[str, Any]:
    """The kiosk takes a ticket of `service`; it must be issued (201): the ticket."""
    status, ticket = await office.post("/tickets", "kiosk", {"service": service})
    assert status == 201
    return dict(ticket)


STANDARD_TOKENS: dict[str, tuple[str, int | None]] = {
    "admin": ("admin", None),
    "kiosk": ("kiosk", None),
    "display": ("display", None),
    **{f"counter{number}": ("counter", number) for number in (1, 2, 3)},
}


def make_tokens(data_dir: Path) -> dict[str, str]:
    """The standard tokens in the SQLite database of `data_dir`."""
    return Database(data_dir).create_tokens(STANDARD_TOKENS)


StartOffice = Callable[..., Awaitable[Running]]


class GuardedTestServer(TestServer):
    """aiohttp's test server with the connection layer `serve()` uses."""

    async def _make_runner(self, **kwargs: Any) -> GuardedRunner:
        return GuardedRunner(self.app, **kwargs)


@pytest.fixture
async def start_office(tmp_path: Path, database_url: str | None) -> AsyncIterator[StartOffice]:
    """Start offices on SQLite in a data dir and, a second time, on a fresh PostgreSQL database."""
    running: list[Running] = []

    async def start(
        document: dict[str, Any] | None = None,
        clock: Clock | None = None,
        data_dir: Path | None = None,
        database_url_override: str | None = None,
        database: Database | None = None,
        tokens: dict[str, str] | None = None,
    ) -> Running:
        """`database` and `tokens`: start on a record that exists (restored, migrated)."""
        database = database or Database(data_dir or tmp_path / "data", database_url)
        tokens = tokens if tokens is not None else database.create_tokens(STANDARD_TOKENS)
        clock = clock or Clock()
        config = parse_config(document or {})
        if database.url:  # the override reaches the same database another way (a relay)
            url = database_url_override or database.url
            config = replace(config, server=replace(config.server, database=url))
        office = Office(config, database.data_dir, clock)
        await office.start()
        server = GuardedTestServer(create_app(office), host="127.0.0.1", port=0)
        await server.start_server()
        session = aiohttp.ClientSession()
        instance = Running(office, server, session, tokens, clock, database)
        running.append(instance)
        return instance

    yield start
    for instance in running:
        await instance.session.close()
        await instance.server.close()
        await instance.office.close()
