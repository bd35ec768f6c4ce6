"""GET/PUT /api/v1/settings: the office settings replaced at run time, on both engines."""

from __future__ import annotations

import asyncio
import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from server.main import main
from server.storage.port import AccountRole, Commit, Event
from tests.server.conftest import Running, StartOffice
from tests.server.test_admin import Browser, add_account
from tests.support.database import Database

NOW = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)


async def read_settings(office: Running, token: str = "admin") -> tuple[int, Any, str]:
    async with office.session.get(office.api + "/settings", headers=office.auth(token)) as answer:
        return answer.status, await answer.json(), answer.headers.get("ETag", "")


async def put_settings(
    office: Running, document: Any, if_match: str | None = None, token: str = "admin"
) -> tuple[int, Any, str]:
    headers = office.auth(token)
    if if_match is not None:
        headers["If-Match"] = if_match
    async with office.session.put(
        office.api + "/settings", json=document, headers=headers
    ) as answer:
        return answer.status, await answer.json(), answer.headers.get("ETag", "")


def renamed(document: dict[str, Any], name: str) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    changed["services"][0]["name"] = name
    return changed


async def test_get_answers_the_office_sections_and_put_replaces_them(
    start_office: StartOffice,
) -> None:
    office = await start_office()
    status, document, tag = await read_settings(office)
    assert status == 200 and tag
    assert list(document) == [
        "office", "priority", "hours", "breaks", "holidays", "services", "counters",
    ]  # fmt: skip
    assert "server" not in document
    changed = renamed(document, "Akta Kelahiran")
    changed["holidays"] = [{"date": "2026-12-25", "name": "Hari Raya Natal"}]
    status, answer, new_tag = await put_settings(office, changed, if_match=tag)
    assert status == 200 and new_tag != tag
    assert answer["services"][0]["name"] == "Akta Kelahiran"
    assert answer["holidays"] == [{"date": "2026-12-25", "name": "Hari Raya Natal"}]
    status, again, tag_again = await read_settings(office)
    assert (again, tag_again) == (answer, new_tag)


async def test_a_stale_etag_is_refused_with_412(start_office: StartOffice) -> None:
    office = await start_office()
    _, document, tag = await read_settings(office)
    assert (await put_settings(office, renamed(document, "Satu"), if_match=tag))[0] == 200
    status, answer, _ = await put_settings(office, renamed(document, "Dua"), if_match=tag)
    assert (status, answer["error"]) == (412, "settings_changed")
    assert (await read_settings(office))[1]["services"][0]["name"] == "Satu"


async def test_invalid_settings_are_422_naming_the_loket(start_office: StartOffice) -> None:
    office = await start_office()
    _, document, _ = await read_settings(office)
    document["counters"][2]["services"] = ["Z"]
    status, answer, _ = await put_settings(office, document)
    assert status == 422
    assert answer["error"] == "invalid_settings"
    assert "Loket 3" in answer["message"] and "counters[2]" not in answer["message"]
    assert answer["path"].startswith("counters[2]")
    document["counters"][2]["services"] = []
    status, answer, _ = await put_settings(office, document)
    assert status == 422 and "Loket 3" in answer["message"]


async def test_a_renamed_service_reaches_services_and_a_connected_device(
    start_office: StartOffice,
) -> None:
    office = await start_office()
    socket = await office.session.ws_connect(office.api + "/events", headers=office.auth("display"))
    first = await asyncio.wait_for(socket.receive_json(), timeout=5)
    assert first["type"] == "snapshot"
    _, document, _ = await read_settings(office)
    assert (await put_settings(office, renamed(document, "Kartu Keluarga Baru")))[0] == 200
    status, services = await office.get("/services")
    assert status == 200 and services["services"][0]["name"] == "Kartu Keluarga Baru"
    message = await asyncio.wait_for(socket.receive_json(), timeout=5)
    assert message["type"] == "snapshot"
    assert message["services"][0]["name"] == "Kartu Keluarga Baru"
    await socket.close()


async def test_the_change_is_in_the_record_with_who_made_it(start_office: StartOffice) -> None:
    office = await start_office()
    _, document, _ = await read_settings(office)
    await put_settings(office, renamed(document, "Baru"))
    async with office.session.get(office.api + "/log", headers=office.auth("admin")) as answer:
        events = (await answer.json())["events"]
    assert events[-1]["type"] == "settings.changed"
    assert events[-1]["data"]["by"] == "token admin"


async def test_removing_a_service_with_waiting_tickets_is_409(start_office: StartOffice) -> None:
    office = await start_office()
    await office.post("/tickets", "kiosk", {"service": "B"})
    _, document, _ = await read_settings(office)
    changed = copy.deepcopy(document)
    changed["services"] = [s for s in changed["services"] if s["code"] != "B"]
    for counter in changed["counters"]:
        counter["services"] = [code for code in counter["services"] if code != "B"] or ["A"]
    status, answer, _ = await put_settings(office, changed)
    assert (status, answer["error"]) == (409, "settings_conflict")
    assert "Layanan B" in answer["message"]


async def test_non_admins_may_not_read_or_replace_the_settings(
    start_office: StartOffice,
) -> None:
    office = await start_office()
    assert (await read_settings(office, token="display"))[0] == 403
    _, document, _ = await read_settings(office)
    assert (await put_settings(office, document, token="kiosk"))[0] == 403
    add_account(office, "Supervisor Rina", AccountRole.SUPERVISOR)
    add_account(office, "Admin Budi", AccountRole.ADMIN)
    supervisor = Browser(office)
    admin = Browser(office)
    try:
        await supervisor.sign_in("Supervisor Rina")
        assert (await supervisor.api("GET", "/settings"))[0] == 403
        await admin.sign_in("Admin Budi")
        status, read = await admin.api("GET", "/settings")
        assert status == 200
        assert (await admin.api("PUT", "/settings", renamed(read, "X"), csrf=False))[0] == 403
        status, answer = await admin.api("PUT", "/settings", renamed(read, "Dari Browser"))
        assert status == 200 and answer["services"][0]["name"] == "Dari Browser"
    finally:
        await supervisor.close()
        await admin.close()


async def test_stored_settings_win_after_a_restart(
    start_office: StartOffice, caplog: pytest.LogCaptureFixture
) -> None:
    office = await start_office()
    _, document, _ = await read_settings(office)
    await put_settings(office, renamed(document, "Tetap Setelah Restart"))
    await office.session.close()
    await office.server.close()
    await office.office.close()
    again = await start_office()
    assert "differ from the settings stored" in caplog.text
    status, services = await again.get("/services")
    assert status == 200 and services["services"][0]["name"] == "Tetap Setelah Restart"


# ------------------------------------------------------------------ the settings CLI


def settings_cli(office: Running, monkeypatch: pytest.MonkeyPatch, *arguments: str) -> int:
    if office.database.url:
        monkeypatch.setenv("ANTRIAN_DATABASE_URL", office.database.url)
    return main(["--data-dir", str(office.database.data_dir), "settings", *arguments])


async def test_export_and_import_round_trip_while_stopped(
    start_office: StartOffice, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    office = await start_office()
    _, document, _ = await read_settings(office)
    await put_settings(office, renamed(document, 'Akta "Kelahiran" Anak'))
    await office.session.close()
    await office.server.close()
    await office.office.close()
    exported = tmp_path / "pengaturan.toml"
    assert await asyncio.to_thread(settings_cli, office, monkeypatch, "export", str(exported)) == 0
    text = exported.read_text(encoding="utf-8")
    assert 'name = "Akta \\"Kelahiran\\" Anak"' in text
    exported.write_text(text.replace('Akta \\"Kelahiran\\" Anak', "Surat Pindah"), "utf-8")
    assert await asyncio.to_thread(settings_cli, office, monkeypatch, "import", str(exported)) == 0
    again = tmp_path / "lagi.toml"
    assert await asyncio.to_thread(settings_cli, office, monkeypatch, "export", str(again)) == 0
    assert again.read_text(encoding="utf-8") == exported.read_text(encoding="utf-8")
    restarted = await start_office()
    _, services = await restarted.get("/services")
    assert services["services"][0]["name"] == "Surat Pindah"


async def test_import_goes_through_the_running_server(
    start_office: StartOffice, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    office = await start_office()
    office.office.announce_address(f"http://127.0.0.1:{office.server.port}")
    source = tmp_path / "pengaturan.toml"
    assert await asyncio.to_thread(settings_cli, office, monkeypatch, "export", str(source)) == 0
    text = source.read_text(encoding="utf-8").replace("Administrasi Kependudukan", "Dukcapil")
    source.write_text(text, encoding="utf-8")
    assert await asyncio.to_thread(settings_cli, office, monkeypatch, "import", str(source)) == 0
    _, services = await office.get("/services")
    assert services["services"][0]["name"] == "Dukcapil"


async def test_import_refuses_a_mistake_naming_the_loket(
    start_office: StartOffice,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    office = await start_office()
    await office.office.close()
    source = tmp_path / "salah.toml"
    source.write_text('[[counters]]\nnumber = 1\nservices = ["Z"]\n', encoding="utf-8")
    assert await asyncio.to_thread(settings_cli, office, monkeypatch, "import", str(source)) == 2
    assert "Loket 1" in capsys.readouterr().err


async def test_migrating_a_database_carries_the_stored_settings(
    tmp_path: Path, database_url: str | None
) -> None:
    source = Database(tmp_path / "source").store()
    assert await asyncio.to_thread(source.acquire)
    source.start_writer(asyncio.get_running_loop())
    assert source.load_settings() is None
    document = {"office": {"name": "Kecamatan Ujung"}}
    finished: asyncio.Future[BaseException | None] = asyncio.get_running_loop().create_future()
    event = Event(1, "settings.changed", NOW, NOW.date(), data={"by": "rina"})
    source.submit(Commit(event, settings=json.dumps(document)), finished.set_result)
    assert await finished is None
    assert source.load_settings() == document
    history = await asyncio.to_thread(source.export_history)
    await asyncio.to_thread(source.close)
    target = Database(tmp_path / "target", database_url).store()
    try:
        await asyncio.to_thread(target.open_existing)
        await asyncio.to_thread(target.import_history, history)
        assert await asyncio.to_thread(target.load_settings) == document
    finally:
        await asyncio.to_thread(target.close)


async def test_removing_a_counter_that_serves_someone_is_409(start_office: StartOffice) -> None:
    office = await start_office()
    _, document, _ = await read_settings(office)
    served = document["counters"][2]["services"][0]
    await office.post("/tickets", "kiosk", {"service": served})
    assert (await office.post("/counters/3/next", "counter3"))[0] == 200
    changed = copy.deepcopy(document)
    changed["counters"] = changed["counters"][:2]
    status, answer, _ = await put_settings(office, changed)
    assert (status, answer["error"]) == (409, "settings_conflict")
    assert "Loket 3" in answer["message"]
    await office.post("/counters/3/done", "counter3")
    status, answer, _ = await put_settings(office, changed)
    assert status == 200 and [counter["number"] for counter in answer["counters"]] == [1, 2]
    _, counters = await office.get("/counters")
    assert [counter["number"] for counter in counters["counters"]] == [1, 2]


async def test_a_settings_write_the_database_refuses_is_503_and_changes_nothing(
    start_office: StartOffice, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another session holds the write lock past the writer's timeout during the PUT."""
    from server.storage import writer
    from tests.server.test_storage_faults import hold_write_lock

    monkeypatch.setattr(writer, "LOCK_TIMEOUT_S", 0.3)
    office = await start_office()
    _, document, tag = await read_settings(office)
    before = office.database.rows("SELECT document FROM settings")
    locker = asyncio.create_task(hold_write_lock(office.database, 1.5, table="events"))
    await asyncio.sleep(0.4)  # the other session has the lock
    status, answer, _ = await put_settings(office, renamed(document, "Tidak Tersimpan"))
    assert (status, answer["error"]) == (503, "storage_unavailable")
    assert answer["message"]
    await locker
    # the old settings are still in force and still stored
    for _ in range(300):  # the server reloads the day after the failed write
        if not office.office.recovering:
            break
        await asyncio.sleep(0.01)
    status, again, tag_again = await read_settings(office)
    assert status == 200 and (again, tag_again) == (document, tag)
    status, services = await office.get("/services")
    assert services["services"][0]["name"] == document["services"][0]["name"]
    assert office.database.rows("SELECT document FROM settings") == before
    assert "settings.changed" not in {
        row[0] for row in office.database.rows("SELECT type FROM events")
    }
    # and once the lock is gone a change goes through and is stored
    status, answer, _ = await put_settings(office, renamed(document, "Akhirnya Tersimpan"), tag)
    assert status == 200 and answer["services"][0]["name"] == "Akhirnya Tersimpan"
    stored = office.database.rows("SELECT document FROM settings")
    assert json.loads(stored[0][0])["services"][0]["name"] == "Akhirnya Tersimpan"


async def test_settings_stored_before_a_new_key_existed_raise_no_warning(
    start_office: StartOffice, caplog: pytest.LogCaptureFixture
) -> None:
    import json
    import sqlite3

    from server.storage.schema import DATABASE_FILE

    office = await start_office()
    _, document, _ = await read_settings(office)
    await put_settings(office, document)  # the TOML's settings, stored
    await office.session.close()
    await office.server.close()
    await office.office.close()
    # as an older Antrian stored them: without `office.show_figures` (it takes its default)
    stored = json.loads(office.database.rows("SELECT document FROM settings")[0][0])
    del stored["office"]["show_figures"]
    update = ("UPDATE settings SET document = ?", (json.dumps(stored),))
    if office.database.url:
        import psycopg

        with psycopg.connect(office.database.url, autocommit=True) as connection:
            connection.execute(update[0].replace("?", "%s"), update[1])
    else:
        connection = sqlite3.connect(office.database.data_dir / DATABASE_FILE)
        with connection:
            connection.execute(*update)
        connection.close()
    caplog.clear()
    again = await start_office()
    assert "differ from the settings stored" not in caplog.text
    _, document, _ = await read_settings(again)
    assert document["office"]["show_figures"] is True
