"""The office's forwarder against a real antrian-central: in order, once, and on after a cut."""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import ssl
import subprocess
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from central.main import tls_context
from server import city
from server.city import CITY_KEY, CityForwarder
from server.config import CitySettings, parse_config
from server.errors import ConfigError
from server.office import Office
from server.web.routes import create_app
from tests.server.conftest import STANDARD_TOKENS, Running, StartOffice
from tests.server.test_storage_faults import cut_connections
from tests.server.test_survey_api import answer, report, served
from tests.support.central import RunningCentral, running_central
from tests.support.database import Database
from tests.support.postgres import Cluster
from tests.support.relay import Relay

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def central(postgres_cluster: Cluster) -> AsyncIterator[RunningCentral]:
    async with running_central(postgres_cluster) as running:
        yield running


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(city, "POLL_S", 0.05)
    monkeypatch.setattr(city, "RETRY_FIRST_S", 0.05)
    monkeypatch.setattr(city, "RETRY_MAX_S", 0.3)


@pytest.fixture
async def forwarders() -> AsyncIterator[Callable[[Running, str, str], CityForwarder]]:
    started: list[CityForwarder] = []

    def start(office: Running, url: str, token: str) -> CityForwarder:
        forwarder = CityForwarder(office.office, CitySettings(url=url, token=token))
        forwarder.start()
        started.append(forwarder)
        return forwarder

    yield start
    for forwarder in started:
        await forwarder.stop()


async def office_log(office: Running) -> list[dict[str, Any]]:
    async with office.session.get(
        f"{office.api}/log?after=0&limit=10000", headers=office.auth("admin")
    ) as answer:
        assert answer.status == 200
        return list((await answer.json())["events"])


async def until(check: Callable[[], Awaitable[bool]], timeout_s: float = 15.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not await check():
        assert time.monotonic() < deadline, "not reached in time"
        await asyncio.sleep(0.05)


async def work(office: Running, tickets: int) -> None:
    for _ in range(tickets):
        status, _body = await office.post("/tickets", "kiosk", {"service": "A"})
        assert status == 201


async def test_the_office_record_reaches_the_central_exactly(
    start_office: StartOffice, central: RunningCentral, forwarders: Any
) -> None:
    office = await start_office()
    office_id, token = await central.add_office("Kecamatan Karawaci")
    await work(office, 3)
    assert (await office.post("/counters/1/next", "counter1"))[0] == 200
    assert (await office.post("/counters/1/done", "counter1"))[0] == 200
    assert (await office.post("/counters/2/next", "counter2"))[0] == 200
    forwarder = forwarders(office, central.url, token)
    expected = await office_log(office)

    async def same() -> bool:
        return await central.events(office_id) == expected

    await until(same)
    # what follows is pushed as it happens
    await work(office, 2)
    expected = await office_log(office)
    await until(same)
    assert forwarder.status.backlog(office.office.last_event_id) == 0
    assert forwarder.status.error is None
    figures = (await central.offices())["Kecamatan Karawaci"]
    # by hand: 5 issued, A001 served, A002 called at loket 2, A003-A005 waiting
    assert figures["today"] == {"issued": 5, "served": 1, "waiting": 3, "no_show": 0}
    assert figures["stale"] is False and figures["conflict"] is None
    assert figures["last_event_id"] == expected[-1]["id"]
    assert figures["counters_open"] == 2
    assert figures["ikm_month"] is None


async def test_the_office_works_on_while_the_link_is_cut_and_catches_up_in_order(
    start_office: StartOffice, central: RunningCentral, forwarders: Any
) -> None:
    office = await start_office()
    office_id, token = await central.add_office("Kecamatan Cipondoh")
    relay = Relay(central.server.port)
    try:
        forwarder = forwarders(office, relay.url, token)
        await work(office, 2)

        async def caught_up() -> bool:
            return await central.events(office_id) == await office_log(office)

        await until(caught_up)
        relay.lose_requests = True
        started = time.monotonic()
        await work(office, 20)  # every ticket issued at once, the city unreachable
        assert time.monotonic() - started < 5
        await until(lambda: asyncio.sleep(0, forwarder.status.error is not None))
        assert len(await central.events(office_id)) < len(await office_log(office))
        assert forwarder.status.backlog(office.office.last_event_id)
        relay.lose_requests = False
        await until(caught_up)
        held = await central.events(office_id)
        assert [event["id"] for event in held] == list(range(1, len(held) + 1))
        await until(lambda: asyncio.sleep(0, forwarder.status.error is None))
    finally:
        relay.close()


@pytest.mark.parametrize("database_url", [None])  # two records: two SQLite data dirs
async def test_a_reinstalled_office_is_refused_and_shown(
    start_office: StartOffice, central: RunningCentral, forwarders: Any, tmp_path: Any
) -> None:
    first = await start_office(data_dir=tmp_path / "first")
    office_id, token = await central.add_office("Kecamatan Tangerang")
    forwarder = forwarders(first, central.url, token)
    await work(first, 1)
    await until(lambda: asyncio.sleep(0, forwarder.status.backlog(first.office.last_event_id) == 0))
    await forwarder.stop()
    second = await start_office(data_dir=tmp_path / "second")  # a new record, the same token
    again = forwarders(second, central.url, token)
    await until(lambda: asyncio.sleep(0, again.status.conflict))
    office = (await central.offices())["Kecamatan Tangerang"]
    assert office["conflict"]["log_id"] == second.office.log_id
    assert office["last_event_id"] == first.office.last_event_id
    # the central keeps the first record only
    assert await central.events(office_id) == await office_log(first)


async def test_admin_shows_the_last_push_and_the_backlog(
    central: RunningCentral, tmp_path: Any
) -> None:
    database = Database(tmp_path / "data")
    tokens = database.create_tokens(STANDARD_TOKENS)
    office = Office(parse_config({}), database.data_dir)
    await office.start()
    _office_id, token = await central.add_office("Kecamatan Batuceper")
    relay = Relay(central.server.port)
    relay.lose_requests = True  # the city cannot be reached at first
    forwarder = CityForwarder(office, CitySettings(url=relay.url, token=token))
    app = create_app(office)
    app[CITY_KEY] = forwarder
    server = TestServer(app, host="127.0.0.1", port=0)
    await server.start_server()
    forwarder.start()
    headers = {"Authorization": f"Bearer {tokens['admin']}"}
    base = f"http://127.0.0.1:{server.port}/api/v1"
    try:
        async with aiohttp.ClientSession(headers=headers) as session:
            for _ in range(3):
                async with session.post(
                    f"{base}/tickets", json={"service": "A"},
                    headers={"Authorization": f"Bearer {tokens['kiosk']}"},
                ) as answer:  # fmt: skip
                    assert answer.status == 201

            async def city_line() -> str:
                async with session.get(f"{base}/admin/dashboard") as answer:
                    return str((await answer.json())["city_text"])

            await until(lambda: _contains(city_line(), "gagal"))
            assert (await city_line()).startswith(
                "Kota: belum terhubung ke pusat (3 kejadian belum terkirim)"
            )
            relay.lose_requests = False
            await until(lambda: _contains(city_line(), "0 kejadian belum terkirim"))
            assert re.fullmatch(
                r"Kota: terakhir terkirim \d\d[.:]\d\d(:\d\d)?, 0 kejadian belum terkirim",
                await city_line(),
            )
    finally:
        await forwarder.stop()
        await server.close()
        await office.close()
        relay.close()


async def _contains(text: Awaitable[str], part: str) -> bool:
    return part in await text


@pytest.mark.parametrize(
    ("section", "words"),
    [
        ({"url": "ftp://10.0.0.5", "token": "x"}, 'url "ftp://10.0.0.5" bukan alamat http://'),
        ({"url": "https://10.0.0.5:8480"}, "token wajib diisi bila url diisi"),
        ({"url": "https://10.0.0.5", "token": "x", "ca_file": "/tidak/ada.pem"},
         "berkas CA /tidak/ada.pem tidak ada"),
        ({"alamat": "https://10.0.0.5"}, 'kunci "alamat" tidak dikenal'),
    ],
)  # fmt: skip
def test_a_city_setting_mistake_is_named_in_indonesian(section: Any, words: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config({"city": section})
    assert str(caught.value).startswith("Pengaturan salah di [city]")
    assert words in str(caught.value)


def test_the_city_settings_come_from_the_environment_too() -> None:
    config = parse_config(
        {"city": {"url": "https://kota.example:8480/"}}, {"ANTRIAN_CITY_TOKEN": "city_abc"}
    )
    assert config.city == CitySettings(url="https://kota.example:8480", token="city_abc")
    assert parse_config({}).city.url is None  # no [city]: the office pushes nowhere


async def test_the_drill_down_equals_the_office_s_own_reports(
    start_office: StartOffice, central: RunningCentral, forwarders: Any
) -> None:
    office = await start_office()
    office_id, token = await central.add_office("Kecamatan Karawaci")
    await work(office, 4)
    for action in ("next", "done", "next", "no-show", "next"):
        assert (await office.post(f"/counters/1/{action}", "counter1"))[0] == 200
    forwarders(office, central.url, token)

    async def caught_up() -> bool:
        return await central.events(office_id) == await office_log(office)

    await until(caught_up)
    day = office.office.day.day.isoformat()
    for path in (f"visits?from={day}&to={day}", f"summary?from={day}&to={day}&group=service,hour"):
        async with office.session.get(
            f"{office.api}/reports/{path}", headers=office.auth("admin")
        ) as answer:
            assert answer.status == 200
            own = await answer.json()
        status, copy = await central.call("GET", f"/api/v1/city/offices/{office_id}/reports/{path}")
        assert status == 200
        assert copy == own


async def test_the_city_s_ikm_equals_the_office_s_own_skm_report(
    start_office: StartOffice, central: RunningCentral, forwarders: Any
) -> None:
    office = await start_office()
    office_id, token = await central.add_office("Kecamatan Karawaci")
    # sums 9,10,9,8,11,10,10,9,10 = 86 → IKM = 25 × 86 / (9 × 3) = 79.629… → 79.63 B
    for values in ([4, 4, 3, 3, 4, 4, 4, 3, 4], [3, 3, 3, 2, 4, 3, 3, 3, 3],
                   [2, 3, 3, 3, 3, 3, 3, 3, 3]):  # fmt: skip
        ticket = await served(office)
        body = {"answers": {f"u{index}": value for index, value in enumerate(values, 1)}}
        assert (await answer(office, ticket, body))[0] == 201
    forwarders(office, central.url, token)

    async def caught_up() -> bool:
        return await central.events(office_id) == await office_log(office)

    await until(caught_up)
    day = office.office.day.day
    first = day.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    status, own = await report(office, f"from={first}&to={last}")
    assert status == 200 and (own["respondents"], own["ikm"], own["grade"]) == (3, 79.63, "B")
    assert (await central.offices())["Kecamatan Karawaci"]["ikm_month"] == own["ikm"]
    status, city_skm = await central.call("GET", f"/api/v1/city/reports/skm?from={first}&to={last}")
    assert status == 200, city_skm
    [copy] = city_skm["offices"]
    fields = ("respondents", "nrr", "nrr_weighted", "ikm", "grade", "performance")
    assert {key: copy[key] for key in fields} == {key: own[key] for key in fields}
    assert city_skm["city"]["ikm"] == own["ikm"]


def city_certificates(directory: Path) -> None:
    """Run docs/city.md's openssl recipe (for 127.0.0.1) in `directory`."""
    text = (ROOT / "docs" / "city.md").read_text(encoding="utf-8")
    recipe = text.split("## TLS", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    script = recipe.replace("10.20.0.5", "127.0.0.1")
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script], cwd=directory, capture_output=True,
        text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "central.crt: OK" in done.stdout


@pytest.mark.parametrize("database_url", [None])
async def test_https_with_the_city_ca_of_the_documented_recipe(
    start_office: StartOffice, postgres_cluster: Cluster, tmp_path: Path, forwarders: Any
) -> None:
    city_certificates(tmp_path)
    tls = tls_context(
        argparse.Namespace(tls_cert=str(tmp_path / "central.crt"),
                           tls_key=str(tmp_path / "central.key"))
    )  # fmt: skip
    assert tls is not None
    client = ssl.create_default_context(cafile=str(tmp_path / "kota-ca.crt"))
    async with running_central(postgres_cluster, tls=tls, client_ssl=client) as central:
        office = await start_office()
        office_id, token = await central.add_office("Kecamatan Karawaci")
        await work(office, 2)
        url = central.url
        assert url.startswith("https://127.0.0.1:")
        # without the city CA the certificate is refused: nothing is sent
        stranger = CityForwarder(office.office, CitySettings(url=url, token=token))
        stranger.start()
        try:
            await until(lambda: asyncio.sleep(0, stranger.status.error is not None))
            assert "certificate" in (stranger.status.error or "").lower()
        finally:
            await stranger.stop()
        trusted = CityForwarder(
            office.office, CitySettings(url=url, token=token, ca_file=tmp_path / "kota-ca.crt")
        )
        trusted.start()
        try:
            await until(
                lambda: asyncio.sleep(0, trusted.status.backlog(office.office.last_event_id) == 0)
            )
        finally:
            await trusted.stop()
        assert await central.events(office_id) == await office_log(office)


@pytest.mark.parametrize("database_url", [None])
async def test_only_the_active_server_pushes(
    start_office: StartOffice, central: RunningCentral
) -> None:
    office = await start_office()
    office_id, token = await central.add_office("Kecamatan Karawaci")
    forwarder = CityForwarder(office.office, CitySettings(url=central.url, token=token))
    await work(office, 1)
    office.office.standby = True  # as a standby sees itself
    forwarder.follow()
    await asyncio.sleep(0.5)
    assert await central.events(office_id) == []  # a standby pushes nothing
    office.office.standby = False  # it took over: its role_changed callbacks run
    forwarder.follow()
    try:

        async def caught_up() -> bool:
            return await central.events(office_id) == await office_log(office)

        await until(caught_up)
    finally:
        await forwarder.stop()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_a_database_fault_while_pushing_is_retried_as_a_fault_not_a_bug(
    start_office: StartOffice, central: RunningCentral, forwarders: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    """PostgreSQL ends the office's sessions (a restart, a DBA) while its forwarder idles:
    its next read fails once; it is logged as a fault to retry (no traceback), and the
    record still reaches the central whole."""
    office = await start_office()
    assert office.database.url is not None
    office_id, token = await central.add_office("Kecamatan Karawaci")
    await work(office, 2)
    forwarders(office, central.url, token)

    async def same() -> bool:
        async with office.session.get(
            f"{office.api}/log?after=0&limit=10000", headers=office.auth("admin")
        ) as answer:
            if answer.status == 503:  # the /log read on a connection PostgreSQL ended
                return False
            assert answer.status == 200
            expected = (await answer.json())["events"]
        return bool(await central.events(office_id) == expected)

    await until(same)
    caplog.set_level(logging.WARNING, logger="server.city")
    assert await asyncio.to_thread(cut_connections, office.database.url) >= 2
    issued = 0
    while issued < 3:  # the first write after the cut may be refused (503) while it reconnects
        status, _body = await office.post("/tickets", "kiosk", {"service": "A"})
        issued += status == 201
        assert status in (201, 503), status
    await until(same)
    pushing = [record for record in caplog.records if record.name == "server.city"]
    assert [record for record in pushing if record.levelno >= logging.ERROR] == []
    assert any("StorageError" in record.getMessage() for record in pushing), [
        record.getMessage() for record in pushing
    ]
