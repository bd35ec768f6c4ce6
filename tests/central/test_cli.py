"""`antrian-central office|token|user`: what the city's administrator types, and its mistakes."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest

from central.batch import parse_batch
from central.errors import IngestConflict
from central.main import main
from central.store import CentralStore
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


def test_office_renew_refuses_a_record_the_office_had_before(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The old PC, still running after the new one was renewed, pushes its old record:
    that is refused again, and renew does not take it back as a new record."""
    old, new = "5b0a5e1c-0000-4000-8000-000000000001", "5b0a5e1c-0000-4000-8000-000000000002"
    store = CentralStore(database)
    try:
        store.open()
        office, _token = store.add_office("Kecamatan Karawaci", datetime.now(UTC))
        store.ingest(office.id, parse_batch({"log_id": old, "events": []}), datetime.now(UTC))
        for log_id in (new, old):
            with pytest.raises(IngestConflict):
                store.ingest(office.id, parse_batch({"log_id": log_id, "events": []}),
                             datetime.now(UTC))  # fmt: skip
            if log_id == new:
                assert main(["--database", database, "office", "renew", "Kecamatan Karawaci"]) == 0
        capsys.readouterr()
        assert main(["--database", database, "office", "renew", "Kecamatan Karawaci"]) == 2
        error = capsys.readouterr().err
        assert f"catatan {old} sudah disimpan pusat sebagai catatan lama" in error
        assert error.count("\n") == 1
        renewed = store.office(office.id)
        assert renewed is not None and len(renewed.records) == 2
        assert (renewed.log_id, renewed.conflict_log_id) == (new, old)
    finally:
        store.close()
