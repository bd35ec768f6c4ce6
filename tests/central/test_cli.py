"""`antrian-central office|token|user`: what the city's administrator types, and its mistakes."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest

from central.batch import parse_batch
from central.errors import IngestConflict
from central.main import main
from central.store import CentralStore, Office, Stored
from tests.support.postgres import Cluster


@pytest.fixture
def database(postgres_cluster: Cluster) -> str:
    return postgres_cluster.create_database()


def test_office_add_prints_a_token_that_the_central_knows(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--database", database, "office", "add", "Kecamatan Karawaci"]) == 0
    token = capsys.readouterr().out.strip()
    assert token.startswith("city_")
    store = CentralStore(database)
    try:
        office = store.office_for_token(token)
        assert office is not None and office.name == "Kecamatan Karawaci"
    finally:
        store.close()
    assert main(["--database", database, "office", "list"]) == 0
    assert "\tKecamatan Karawaci\t0\t-" in capsys.readouterr().out
    assert main(["--database", database, "office", "add", "kecamatan karawaci"]) == 2
    assert "sudah ada" in capsys.readouterr().err


def test_token_and_user_create(
    database: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["--database", database, "token", "create", "--name", "Bappeda"]) == 0
    assert capsys.readouterr().out.strip().startswith("city_")
    monkeypatch.setattr("sys.stdin", io.StringIO("rahasia-kota-1\n"))
    assert main(["--database", database, "user", "create", "walikota", "--role", "supervisor"]) == 0
    assert "akun walikota (supervisor) dibuat" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("pendek\n"))
    assert main(["--database", database, "user", "create", "lain", "--role", "admin"]) == 2
    assert "Kata sandi minimal 8 karakter" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        (["office", "list"], "Perlu --database"),
        (["--database", "mysql://x/y", "office", "list"], "harus URL postgresql://"),
        (["--database", "postgresql://nobody@127.0.0.1:1/none", "office", "list"],
         "basis data PostgreSQL bermasalah"),
    ],
)  # fmt: skip
def test_a_mistake_is_one_indonesian_line_and_exit_2(
    arguments: list[str], words: str, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.delenv("ANTRIAN_CENTRAL_DATABASE_URL", raising=False)
    assert main(arguments) == 2
    error = capsys.readouterr().err
    assert words in error
    assert error.count("\n") == 1


def test_office_renew_refuses_an_unknown_office_and_one_without_a_conflict(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--database", database, "office", "add", "Kecamatan Karawaci"]) == 0
    assert main(["--database", database, "office", "list"]) == 0
    capsys.readouterr()
    assert main(["--database", database, "office", "list"]) == 0
    before = capsys.readouterr().out
    assert "\tKecamatan Karawaci\t0\t-\t1 catatan\n" in before
    for name, words in (
        ("Kecamatan Pinang", "Tidak ada kantor bernama 'Kecamatan Pinang'."),
        ("kecamatan karawaci", "tidak ada catatan baru yang ditolak"),
    ):
        assert main(["--database", database, "office", "renew", name]) == 2
        said = capsys.readouterr()
        assert said.out == ""
        assert words in said.err and said.err.count("\n") == 1
        assert said.err.startswith("antrian-central: ")
    assert main(["--database", database, "office", "list"]) == 0
    assert capsys.readouterr().out == before  # nothing changed


def event(event_id: int) -> dict[str, object]:
    return {"id": event_id, "type": "service.opened", "at": "2026-12-01T08:00:00+07:00"}


def push(store: CentralStore, office: Office, log_id: str, ids: list[int], now: datetime) -> Stored:
    """The office's forwarder pushing record `log_id`'s events `ids`."""
    batch = parse_batch({"log_id": log_id, "events": [event(event_id) for event_id in ids]})
    return store.ingest(office.id, batch, now)


def refusing_a_spare(store: CentralStore, held: str, spare: str, now: datetime) -> Office:
    """Kecamatan Karawaci pushing `held` (event 1), then a spare PC's `spare`, refused."""
    store.open()
    office, _token = store.add_office("Kecamatan Karawaci", now)
    push(store, office, held, [1], now)
    with pytest.raises(IngestConflict):
        push(store, office, spare, [], now)
    return office


def test_office_renew_takes_back_a_record_the_office_had_before(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A spare PC's record was renewed by mistake: the real PC's record, refused since, is
    taken back by renew and goes on where it stopped; the spare's is refused."""
    real, spare = "5b0a5e1c-0000-4000-8000-000000000001", "5b0a5e1c-0000-4000-8000-000000000002"
    store = CentralStore(database)
    now = datetime(2026, 12, 1, 1, tzinfo=UTC)
    try:
        office = refusing_a_spare(store, real, spare, now)
        assert main(["--database", database, "office", "renew", "Kecamatan Karawaci"]) == 0
        with pytest.raises(IngestConflict):  # the real PC, now refused
            push(store, office, real, [2], now)
        capsys.readouterr()
        assert main(["--database", database, "office", "list"]) == 0
        assert (f"\t2 catatan\tKONFLIK {real} (catatan lama: PC lama masih menyala?)\n"
                in capsys.readouterr().out)  # fmt: skip
        assert main(["--database", database, "office", "renew", "Kecamatan Karawaci"]) == 0
        said = capsys.readouterr().out
        assert said == (f"kantor Kecamatan Karawaci (id {office.id}) kembali memakai catatan "
                        f"lamanya {real}; 1 catatan lain tetap disimpan dan ikut dihitung di "
                        "laporan kota\n")  # fmt: skip
        stored = push(store, office, real, [2], now)
        assert (stored.stored, stored.last_event_id) == (1, 2)  # on where it stopped
        with pytest.raises(IngestConflict):
            push(store, office, spare, [1], now)
        back = store.office(office.id)
        assert back is not None
        assert (back.log_id, back.record, back.conflict_log_id) == (real, office.id, spare)
        assert [(record.log_id, record.last_event_id) for record in back.records] == [
            (real, 2), (spare, 0),
        ]  # fmt: skip
    finally:
        store.close()


def test_a_refused_record_quiet_for_ten_minutes_is_let_go_while_the_office_pushes(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A spare PC tried for a while and was switched off: once it has been quiet for 10
    minutes while the office's own PC pushes, the dashboard no longer says conflict and
    renew has nothing to take (before, it said so forever)."""
    held, spare = "5b0a5e1c-0000-4000-8000-000000000003", "5b0a5e1c-0000-4000-8000-000000000004"
    store = CentralStore(database)
    start = datetime(2026, 12, 1, 1, tzinfo=UTC)
    try:
        office = refusing_a_spare(store, held, spare, start)
        for minutes, event_id in ((5, 2), (9, 3)):  # the spare is still recent: kept
            push(store, office, held, [event_id], start + timedelta(minutes=minutes))
            kept = store.office(office.id)
            assert kept is not None and kept.conflict_log_id == spare
        store.heard_from(office.id, start + timedelta(minutes=10, seconds=1), None, held)
        quiet = store.office(office.id)
        assert quiet is not None and (quiet.conflict_log_id, quiet.conflict_at) == (None, None)
        assert main(["--database", database, "office", "renew", "Kecamatan Karawaci"]) == 2
        assert "tidak ada catatan baru yang ditolak" in capsys.readouterr().err
        # a refused record that keeps coming (a re-installed PC, the old one dead) stays
        with pytest.raises(IngestConflict):
            push(store, office, spare, [], start + timedelta(minutes=30))
        store.heard_from(office.id, start + timedelta(minutes=31), None, held)
        shown = store.office(office.id)
        assert shown is not None and shown.conflict_log_id == spare
    finally:
        store.close()
