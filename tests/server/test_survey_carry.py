"""The SKM survey moves with the office: `backup`, `restore` (into either engine), `migrate`.

An office answers surveys on two days 31 days apart (retention 30 days deletes the first
day's profile and comment), then is backed up / migrated and started again on the copy.
The reports read through the API must give the same figures, worked out here by hand:

- day 1: A001 all 3s, profile L/33 and comment "Lama" (deleted by retention)
- day 2, clerk Siti Rahma signed in at loket 1: A002 all 4s, P/SMA/wirausaha, comment
  "Antrian cepat"; A003 all 2s, D4-S1, no comment; A004 all 3s, no profile; A005 served,
  no answer
- each element's answers sum to 3 + 4 + 2 + 3 = 12 over 4 respondents: NRR 3.0 each,
  IKM = 3.0 × 25 = 75.00 (C, Kurang Baik); 5 visitors served.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from server.config import Config, parse_config
from server.main import run_backup, run_migrate, run_restore
from server.web.survey_view import SURVEY_KEY
from tests.server.conftest import Running, StartOffice
from tests.server.test_clerk_sign_in import PIN, add_clerk
from tests.server.test_survey_api import ALL_THREES, answer, report, served, today
from tests.support.database import Database
from tests.support.postgres import Cluster

pytestmark = pytest.mark.slow

ALL = {key: 4 for key in ALL_THREES}
TWOS = {key: 2 for key in ALL_THREES}


async def surveyed(start_office: StartOffice) -> tuple[Running, list[dict[str, Any]], str]:
    """The office of the module docstring; its tickets and the report's query."""
    office = await start_office({"survey": {"retention_days": 30}})
    old = await served(office)
    body = {"answers": ALL_THREES, "respondent": {"age": 33, "gender": "L"}, "comment": "Lama"}
    assert (await answer(office, old, body))[0] == 201
    first = today(office)
    office.clock.now += timedelta(days=31)
    add_clerk(office, "Siti Rahma")
    status, _ = await office.post("/counters/1/sign-in", "counter1", {"name": "Siti Rahma",
                                                                      "pin": PIN})  # fmt: skip
    assert status == 200
    tickets = [old] + [await served(office) for _ in range(4)]
    bodies = [
        {"answers": ALL, "comment": "Antrian cepat",
         "respondent": {"gender": "P", "education": "SMA", "occupation": "wirausaha"}},
        {"answers": TWOS, "respondent": {"education": "D4-S1"}},
        {"answers": ALL_THREES},
    ]  # fmt: skip
    for ticket, body in zip(tickets[1:4], bodies, strict=True):
        assert (await answer(office, ticket, body))[0] == 201
    assert await office.server.app[SURVEY_KEY].apply_retention() == 1
    return office, tickets, f"from={first}&to={today(office)}"


async def figures(office: Running, query: str) -> tuple[dict[str, Any], dict[str, Any]]:
    status, skm = await report(office, query)
    assert status == 200, skm
    async with office.session.get(
        f"{office.api}/reports/summary?{query}&group=day,clerk", headers=office.auth("admin")
    ) as response:
        assert response.status == 200
        summary = await response.json()
    return skm, summary


def check_by_hand(skm: dict[str, Any], summary: dict[str, Any]) -> None:
    assert (skm["respondents"], skm["ikm"], skm["grade"]) == (4, 75.0, "C")
    assert skm["population"] == 5
    assert [item["comment"] for item in skm["suggestions"]] == ["Antrian cepat"]
    assert skm["profile"] == {
        "gender": {"P": 1}, "education": {"D4-S1": 1, "SMA": 1}, "occupation": {"wirausaha": 1},
    }  # fmt: skip
    assert [(row["clerk"], row["issued"], row["served"]) for row in summary["rows"]] == [
        (None, 1, 1), ("Siti Rahma", 4, 4),
    ]  # fmt: skip


async def stop(office: Running) -> None:
    await office.session.close()
    await office.server.close()
    await office.office.close()


def cli_config(database: Database) -> Config:
    config = parse_config({})
    return replace(config, server=replace(
        config.server, data_dir=database.data_dir, database=database.url))  # fmt: skip


async def still_the_same_office(
    start_office: StartOffice, target: Database, source: Running, tickets: list[dict[str, Any]],
    query: str, before: tuple[dict[str, Any], dict[str, Any]],
) -> None:  # fmt: skip
    office = await start_office(database=target, tokens=source.tokens, clock=source.clock)
    after = await figures(office, query)
    assert after == before
    check_by_hand(*after)
    # an answered ticket stays answered; the one not asked yet may still answer
    status, body = await answer(office, tickets[1], {"answers": ALL_THREES})
    assert (status, body["error"]) == (409, "already_answered")
    assert (await answer(office, tickets[0], {"answers": ALL_THREES}))[0] == 409
    assert (await answer(office, tickets[4], {"answers": ALL_THREES}))[0] == 201
    # the clerk's account came along: she signs in at another counter with her PIN
    status, counter = await office.post("/counters/2/sign-in", "counter2",
                                        {"name": "Siti Rahma", "pin": PIN})  # fmt: skip
    assert (status, counter["clerk"]) == (200, "Siti Rahma")
    await stop(office)


async def test_a_backup_restored_into_either_engine_keeps_the_survey(
    start_office: StartOffice, postgres_cluster: Cluster, tmp_path: Path
) -> None:
    source, tickets, query = await surveyed(start_office)
    before = await figures(source, query)
    check_by_hand(*before)
    await stop(source)
    copy = tmp_path / "copy.sqlite3"
    assert await asyncio.to_thread(run_backup, cli_config(source.database), copy) == 0
    targets = [
        Database(tmp_path / "restored-sqlite"),
        Database(tmp_path / "restored-postgresql", postgres_cluster.create_database()),
    ]
    for target in targets:
        target.data_dir.mkdir()
        assert await asyncio.to_thread(run_restore, cli_config(target), copy) == 0
        await still_the_same_office(start_office, target, source, tickets, query, before)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_migrate_to_postgresql_keeps_the_survey(
    start_office: StartOffice, postgres_cluster: Cluster, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    source, tickets, query = await surveyed(start_office)
    before = await figures(source, query)
    await stop(source)
    url = postgres_cluster.create_database()
    assert await asyncio.to_thread(run_migrate, cli_config(source.database), url) == 0
    target = Database(tmp_path / "migrated", url)
    target.data_dir.mkdir()
    await still_the_same_office(start_office, target, source, tickets, query, before)
    said = capsys.readouterr().out
    assert said.startswith("copied 5 tickets, ") and " and 4 survey answers " in said
