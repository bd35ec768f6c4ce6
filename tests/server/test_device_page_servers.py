"""/tv and /loket given the hall's servers (?servers=) may reach their streams, and only them."""

from __future__ import annotations

import pytest

from tests.server.conftest import StartOffice

on_sqlite = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def connect_sources(policy: str) -> list[str]:
    directive = next(part.strip() for part in policy.split(";") if "connect-src" in part)
    return directive.split()[1:]


@on_sqlite
@pytest.mark.parametrize("page", ["tv", "loket"])
async def test_the_listed_servers_are_in_the_pages_connect_policy_and_nothing_else(
    start_office: StartOffice, page: str
) -> None:
    office = await start_office()
    root = f"http://127.0.0.1:{office.server.port}"
    listed = ",".join(
        [
            "http://10.0.0.6:8470",
            "https://pc2.kantor.lan",
            "javascript:alert(1)",
            "http://evil.example/'; script-src *",
            "http://[fd00::2]:8470",
            "http://10.0.0.6:8470",
        ]
    )
    async with office.session.get(f"{root}/{page}", params={"servers": listed}) as answer:
        assert answer.status == 200
        policy = answer.headers["Content-Security-Policy"]
    # only each address's origin is used: the rest of it never reaches the policy
    assert connect_sources(policy) == [
        "'self'", "ws://10.0.0.6:8470", "wss://pc2.kantor.lan", "ws://evil.example",
        "ws://[fd00::2]:8470",
    ]  # fmt: skip
    assert "script-src 'self';" in policy and "*" not in policy
    async with office.session.get(f"{root}/{page}") as answer:
        assert connect_sources(answer.headers["Content-Security-Policy"]) == ["'self'"]
