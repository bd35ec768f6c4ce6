"""Accounts, the audit trail and a closing reason through the storage port, on both engines."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from server.errors import AccountExists
from server.storage.port import AccountRole, AuditEntry, Commit, Event, Role, Store
from tests.support.database import Database

NOW = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)


@pytest.fixture
async def store(tmp_path: Path, database_url: str | None) -> AsyncIterator[Store]:
    opened = Database(tmp_path / "data", database_url).store()
    assert await asyncio.to_thread(opened.acquire)
    opened.start_writer(asyncio.get_running_loop())
    yield opened
    await asyncio.to_thread(opened.close)


def test_accounts_are_unique_in_any_case_and_every_change_moves_the_version(
    store: Store,
) -> None:
    start = store.accounts_version()
    created = store.create_account("Rina", AccountRole.SUPERVISOR, "$argon2id$hash", NOW)
    assert (created.name, created.role, created.disabled_at) == ("Rina", "supervisor", None)
    with pytest.raises(AccountExists):
        store.create_account("RINA", AccountRole.ADMIN, "$argon2id$other", NOW)
    found = store.account_credentials("rina")
    assert found is not None and found[0].id == created.id and found[1] == "$argon2id$hash"
    assert store.set_account_secret("rina", "$argon2id$new", NOW)
    assert store.disable_account("Rina", NOW)
    assert not store.disable_account("Rina", NOW)  # already disabled
    listed = store.list_accounts()
    assert [(item.name, item.disabled_at is not None) for item in listed] == [("Rina", True)]
    assert store.accounts_version() >= start + 3
    assert store.account_credentials("nobody") is None


def test_the_audit_trail_is_newest_first(store: Store) -> None:
    for number in range(3):
        store.record_audit(AuditEntry(NOW.isoformat(), "rina", "supervisor", "login", str(number)))
    trail = store.audit_trail(2)
    assert [entry.detail for entry in trail] == ["2", "1"]
    assert trail[0].id > trail[1].id


def test_a_token_is_revoked_by_its_id_only(store: Store) -> None:
    store.create_token(Role.DISPLAY, "7", None, NOW)  # a name that looks like an id
    store.create_token(Role.KIOSK, "kiosk", None, NOW)
    tokens = {token.name: token for token in store.list_tokens()}
    assert store.revoke_token_id(tokens["kiosk"].id, NOW)
    assert not store.revoke_token_id(tokens["kiosk"].id, NOW)
    states = {token.name: token.revoked_at is not None for token in store.list_tokens()}
    assert states == {"7": False, "kiosk": True}


async def test_the_supervisors_reason_is_stored_with_the_service_state(store: Store) -> None:
    day = date(2026, 11, 24)

    async def write(commit: Commit) -> None:
        finished: asyncio.Future[BaseException | None] = asyncio.get_running_loop().create_future()
        store.submit(commit, finished.set_result)
        assert await finished is None

    await write(
        Commit(
            Event(1, "service.changed", NOW, day), service_states=(("A", True),),
            service_notes=(("A", "Jaringan SIAK gangguan"),),
        )
    )  # fmt: skip
    state = await asyncio.to_thread(store.load_day, day)
    assert state.closed_services == frozenset({"A"})
    assert state.closed_notes == {"A": "Jaringan SIAK gangguan"}
    await write(
        Commit(
            Event(2, "service.changed", NOW, day), service_states=(("A", False),),
            service_notes=(("A", None),),
        )
    )  # fmt: skip
    state = await asyncio.to_thread(store.load_day, day)
    assert (state.closed_services, state.closed_notes) == (frozenset(), {})


def test_a_backup_holds_the_accounts_and_the_audit_trail(store: Store, tmp_path: Path) -> None:
    import sqlite3

    store.create_account("Rina", AccountRole.SUPERVISOR, "$argon2id$hash", NOW)
    store.record_audit(AuditEntry(NOW.isoformat(), "rina", "supervisor", "login"))
    backup = tmp_path / "backup.sqlite3"
    store.backup(backup)
    with sqlite3.connect(backup) as connection:
        accounts = connection.execute("SELECT name, role, secret_hash FROM accounts").fetchall()
        audit = connection.execute("SELECT actor, action FROM audit").fetchall()
    assert accounts == [("Rina", "supervisor", "$argon2id$hash")]
    assert audit == [("rina", "login")]


async def test_migrating_a_database_carries_accounts_audit_and_closing_reasons(
    tmp_path: Path, database_url: str | None
) -> None:
    source = Database(tmp_path / "source").store()
    assert await asyncio.to_thread(source.acquire)
    source.start_writer(asyncio.get_running_loop())
    source.create_account("Rina", AccountRole.SUPERVISOR, "$argon2id$hash", NOW)
    source.record_audit(AuditEntry(NOW.isoformat(), "rina", "supervisor", "service.close", "A"))
    finished: asyncio.Future[BaseException | None] = asyncio.get_running_loop().create_future()
    source.submit(
        Commit(
            Event(1, "service.changed", NOW, date(2026, 11, 24)), service_states=(("A", True),),
            service_notes=(("A", "Listrik padam"),),
        ),
        finished.set_result,
    )  # fmt: skip
    assert await finished is None
    history = await asyncio.to_thread(source.export_history)
    await asyncio.to_thread(source.close)
    target = Database(tmp_path / "target", database_url).store()
    try:
        await asyncio.to_thread(target.open_existing)
        await asyncio.to_thread(target.import_history, history)
        found = target.account_credentials("rina")
        assert found is not None and found[1] == "$argon2id$hash"
        assert [entry.detail for entry in target.audit_trail(10)] == ["A"]
        state = await asyncio.to_thread(target.load_day, date(2026, 11, 24))
        assert state.closed_notes == {"A": "Listrik padam"}
        assert target.create_account("Budi", AccountRole.ADMIN, "$argon2id$x", NOW).id > found[0].id
    finally:
        await asyncio.to_thread(target.close)
