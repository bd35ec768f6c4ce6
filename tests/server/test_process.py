"""The server as a process: concurrency across processes, kill -9, CLI, config, zeroconf."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from zeroconf import ServiceBrowser, ServiceStateChange, Zeroconf

from tests.support.live_server import LiveServer
from tests.support.postgres import Cluster

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def spawn(*arguments: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.support.load_worker", *arguments],
        stdout=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip


def lines(process: subprocess.Popen[str]) -> list[dict[str, object]]:
    output, _ = process.communicate(timeout=120)
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def post(
    server: LiveServer, path: str, token: str, body: object = None
) -> tuple[int, dict[str, object]]:
    data = json.dumps(body).encode() if body is not None else b""
    request = urllib.request.Request(
        server.api + path, data=data, method="POST", headers={"Authorization": f"Bearer {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def stored_numbers(server: LiveServer) -> list[str]:
    return [number for (number,) in server.stored.rows("SELECT number FROM tickets ORDER BY id")]


@pytest.fixture
def served(live_server_factory: Callable[..., LiveServer], database_url: str | None) -> LiveServer:
    """A real server on the default office, once on SQLite and once on PostgreSQL."""
    return live_server_factory(database=database_url)


def test_processes_issuing_and_counters_calling_at_once_never_collide(
    served: LiveServer,
) -> None:
    issuers = [spawn("issue", served.api, served.tokens["kiosk"], "60", "ABC") for _ in range(4)]
    time.sleep(0.3)
    callers = [
        spawn("call", served.api, served.tokens[f"counter{number}"], str(number), "400")
        for number in (1, 2, 3)
    ]
    issued = [line for process in issuers for line in lines(process)]
    called = [line for process in callers for line in lines(process)]
    # drain what the callers left after the issuers finished
    for number in (1, 2, 3):
        called += lines(
            spawn("call", served.api, served.tokens[f"counter{number}"], str(number), "400")
        )
    assert all(line["status"] == 201 for line in issued)
    numbers = [str(line["number"]) for line in issued]
    assert len(numbers) == 240 and len(set(numbers)) == 240
    for code in "ABC":
        sequences = sorted(int(number[1:]) for number in numbers if number.startswith(code))
        assert sequences == list(range(1, 81)), f"service {code} has gaps or duplicates"
    assert all(line["status"] == 200 for line in called)
    called_numbers = Counter(str(line["number"]) for line in called)
    assert set(called_numbers) == set(numbers), "every ticket is called"
    assert max(called_numbers.values()) == 1, "no ticket is called twice"


def test_kill_9_during_a_burst_loses_no_acknowledged_ticket(served: LiveServer) -> None:
    workers = [spawn("issue", served.api, served.tokens["kiosk"], "5000", "AB") for _ in range(3)]
    time.sleep(1.0)
    served.kill()
    acknowledged = [
        str(line["number"])
        for process in workers
        for line in lines(process)
        if line["status"] == 201
    ]
    assert len(acknowledged) > 50, "the burst was too short to prove anything"
    served.start()
    stored = stored_numbers(served)
    assert set(acknowledged) <= set(stored)
    status, ticket = post(served, "/tickets", served.tokens["kiosk"], {"service": "A"})
    assert status == 201
    highest_a = max(int(number[1:]) for number in stored if number.startswith("A"))
    assert ticket["number"] == f"A{highest_a + 1:03d}"


def test_sigterm_stops_gracefully(served: LiveServer) -> None:
    post(served, "/tickets", served.tokens["kiosk"], {"service": "C"})
    assert served.stop() == 0
    assert "stopped" in served.log()
    assert stored_numbers(served) == ["C001"]


def run_cli(server: LiveServer, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "server", "--data-dir", str(server.data_dir), *arguments],
        capture_output=True, text=True, timeout=30, cwd=ROOT, env=server._env(),
    )  # fmt: skip


def test_token_create_list_revoke(served: LiveServer) -> None:
    created = run_cli(served, "token", "create", "--role", "kiosk", "--name", "Kiosk lobi")
    assert created.returncode == 0
    secret = created.stdout.strip()
    assert post(served, "/tickets", secret, {"service": "A"})[0] == 201
    listed = run_cli(served, "token", "list")
    assert "Kiosk lobi" in listed.stdout and secret not in listed.stdout
    assert run_cli(served, "token", "revoke", "Kiosk lobi").returncode == 0
    status, body = post(served, "/tickets", secret, {"service": "A"})
    assert (status, body["error"]) == (401, "unauthorized")
    wrong = run_cli(served, "token", "create", "--role", "counter", "--name", "x")
    assert wrong.returncode == 2
    assert wrong.stderr.count("\n") == 1 and "--counter" in wrong.stderr


def test_backup_while_running_is_consistent(served: LiveServer, tmp_path: Path) -> None:
    for _ in range(5):
        post(served, "/tickets", served.tokens["kiosk"], {"service": "B"})
    copy = tmp_path / "copy.sqlite3"
    result = run_cli(served, "backup", str(copy))
    assert result.returncode == 0, result.stderr
    connection = sqlite3.connect(copy)
    assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    numbers = [row[0] for row in connection.execute("SELECT number FROM tickets ORDER BY id")]
    (log_id,) = connection.execute("SELECT value FROM meta WHERE key = 'log_id'").fetchone()
    events = connection.execute("SELECT count(*) FROM events").fetchone()[0]
    connection.close()
    assert numbers == ["B001", "B002", "B003", "B004", "B005"]
    with urllib.request.urlopen(f"{served.api}/health", timeout=10) as answer:
        health = json.loads(answer.read())
    # the copy is the same record: its log id, and every event up to the copy's moment
    assert (log_id, events) == (health["log_id"], health["last_event_id"])


@pytest.mark.parametrize(
    ("config_text", "expected"),
    [
        ("[office\nname = 1", "bukan TOML yang benar"),
        (
            "[office]\nname = 5\n",
            'Pengaturan salah di [office], kunci "name": harus teks dalam tanda kutip, tertulis 5',
        ),
        (
            '[office]\ntimezone = "Asia/Bandung"\n',
            'zona waktu "Asia/Bandung" tidak dikenal; pakai nama seperti "Asia/Jakarta" (WIB)',
        ),
        (
            '[[services]]\ncode = "AB"\nname = "x"\n',
            'Pengaturan salah di Layanan AB, kunci "code": "AB" bukan satu huruf kapital A–Z',
        ),
        (
            '[[services]]\ncode = "A"\nname = "x"\n[[counters]]\nnumber = 1\nservices = ["B"]\n',
            'Pengaturan salah di Loket 1, kunci "services": layanan "B" tidak ada di [[services]];'
            " yang ada: A",
        ),
        (
            '[hours]\nmon = "15:00-08:00"\n',
            'Pengaturan salah di [hours], kunci "mon": "15:00-08:00" selesai sebelum mulai',
        ),
        ("[surprise]\nx = 1\n", "Pengaturan salah: bagian [surprise] tidak dikenal"),
        (
            '[server]\nport = "eighty"\n',
            'Pengaturan salah di [server], kunci "port": harus bilangan bulat, tertulis "eighty"',
        ),
    ],
)
def test_bad_config_stops_with_one_line_naming_the_key(
    tmp_path: Path, config_text: str, expected: str
) -> None:
    config = tmp_path / "antrian.toml"
    config.write_text(config_text)
    result = subprocess.run(
        [sys.executable, "-m", "server", "--config", str(config), "--data-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=30, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert expected in result.stderr


def test_zeroconf_browser_finds_the_server_and_it_is_withdrawn_on_stop(
    live_server_factory: Callable[..., LiveServer],
) -> None:
    server = live_server_factory(
        '[office]\nname = "Kecamatan Sukamaju"\n[server]\nzeroconf_interfaces = ["127.0.0.1"]\n',
        zeroconf=True,
    )
    zeroconf = Zeroconf(interfaces=["127.0.0.1"])
    # other Antrian servers (other tests) may advertise on loopback too: match our port
    found: dict[str, dict[str, str]] = {}
    removed = threading.Event()
    added = threading.Event()

    def on_change(
        zeroconf: Zeroconf, service_type: str, name: str, state_change: ServiceStateChange
    ) -> None:
        if state_change is ServiceStateChange.Added:
            info = zeroconf.get_service_info(service_type, name, timeout=3000)
            if info is not None and info.port == server.port:
                found[name] = {
                    "port": str(info.port),
                    **{
                        key.decode(): (value or b"").decode()
                        for key, value in info.properties.items()
                    },
                }
                added.set()
        elif state_change is ServiceStateChange.Removed and name in found:
            removed.set()

    browser = ServiceBrowser(zeroconf, "_antrian._tcp.local.", handlers=[on_change])
    try:
        assert added.wait(10), "the server was not found by zeroconf"
        (properties,) = found.values()
        assert properties["port"] == str(server.port)
        assert properties["office"] == "Kecamatan Sukamaju"
        assert (properties["api"], properties["path"]) == ("1", "/api/v1")
        assert server.process is not None
        server.process.send_signal(signal.SIGTERM)
        server.process.wait(timeout=15)
        assert removed.wait(10), "the advert was not withdrawn on shutdown"
    finally:
        browser.cancel()
        zeroconf.close()


def test_a_request_key_still_finds_its_ticket_after_a_kill(served: LiveServer) -> None:
    request = urllib.request.Request(
        served.api + "/tickets", data=b'{"service": "A"}', method="POST",
        headers={"Authorization": f"Bearer {served.tokens['kiosk']}",
                 "Idempotency-Key": "before-the-crash"},
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=10) as answer:
        first = json.loads(answer.read())
    served.restart()  # SIGKILL, then start again
    with urllib.request.urlopen(request, timeout=10) as answer:
        again = json.loads(answer.read())
        assert answer.headers["Idempotent-Replayed"] == "true"
    assert again["id"] == first["id"] and stored_numbers(served) == ["A001"]


def test_a_version_1_database_is_migrated_and_keeps_its_tickets(tmp_path: Path) -> None:
    from server.storage.schema import MIGRATIONS, SCHEMA_VERSION, connect, open_database

    database = tmp_path / "antrian.sqlite3"
    connection = connect(database)
    import sqlite_utils

    MIGRATIONS[0](sqlite_utils.Database(connection))
    connection.execute("PRAGMA user_version=1")
    connection.execute(
        "INSERT INTO tickets (id, day, number, sequence, issued_service, service, priority, "
        "status, issued_at, lane, sort_key, key, counter, called_at, finished_at) VALUES "
        "(1, '2026-11-23', 'A001', 1, 'A', 'A', 0, 'done', '2026-11-23T08:00:00+07:00', 1, 1.0, "
        "'k', 2, '2026-11-23T08:10:00+07:00', '2026-11-23T08:16:30+07:00')"
    )
    connection.execute(
        "INSERT INTO tickets (id, day, number, sequence, issued_service, service, priority, "
        "status, issued_at, lane, sort_key, key) VALUES (2, '2026-11-23', 'A002', 2, 'A', 'A', "
        "0, 'waiting', '2026-11-23T08:05:00+07:00', 1, 2.0, 'k2')"
    )
    connection.close()
    upgraded = open_database(tmp_path)
    version = upgraded.execute("PRAGMA user_version").fetchone()[0]
    rows = upgraded.execute(
        "SELECT number, request_key, issued_by, requeue_calls_left FROM tickets"
    ).fetchall()
    events = upgraded.execute(
        "SELECT id, type, at, ticket, counter, synthesized FROM events ORDER BY id"
    ).fetchall()
    upgraded.close()
    assert version == SCHEMA_VERSION == 8
    assert rows == [("A001", None, None, None), ("A002", None, None, None)]
    # the record starts with what the old rows say, flagged as rebuilt, in time order
    assert events == [
        (1, "ticket.issued", "2026-11-23T08:00:00+07:00", 1, None, 1),
        (2, "ticket.issued", "2026-11-23T08:05:00+07:00", 2, None, 1),
        (3, "ticket.called", "2026-11-23T08:10:00+07:00", 1, 2, 1),
        (4, "ticket.done", "2026-11-23T08:16:30+07:00", 1, 2, 1),
    ]


def test_restore_brings_back_a_backup_with_a_new_record_id(
    served: LiveServer, tmp_path: Path
) -> None:
    kiosk = served.tokens["kiosk"]
    for _ in range(3):
        post(served, "/tickets", kiosk, {"service": "A"})
    copy = tmp_path / "copy.sqlite3"
    assert run_cli(served, "backup", str(copy)).returncode == 0
    before = json.loads(urllib.request.urlopen(f"{served.api}/health").read())
    post(served, "/tickets", kiosk, {"service": "A"})  # after the backup: lost by restore
    refused = run_cli(served, "restore", str(copy))
    assert refused.returncode == 2 and "stop it" in refused.stderr
    assert refused.stderr.count("\n") == 1
    served.stop()
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("not a database")
    wrong = run_cli(served, "restore", str(not_a_backup))
    assert wrong.returncode == 2 and "not an Antrian backup" in wrong.stderr
    restored = run_cli(served, "restore", str(copy))
    assert restored.returncode == 0, restored.stderr
    served.start()
    assert stored_numbers(served) == ["A001", "A002", "A003"]
    health = json.loads(urllib.request.urlopen(f"{served.api}/health").read())
    assert health["last_event_id"] == 3 and health["log_id"] != before["log_id"]
    assert post(served, "/tickets", kiosk, {"service": "A"})[1]["number"] == "A004"
    # the replaced database is kept: beside the data dir's file, or beside the backup file
    kept_pattern = "postgresql-before-restore-*" if served.database else "*.before-restore-*"
    kept = list((tmp_path if served.database else served.data_dir).glob(kept_pattern))
    assert len(kept) == 1


def test_migrate_copies_a_sqlite_office_into_postgresql_and_it_goes_on_there(
    live_server: LiveServer, postgres_cluster: Cluster
) -> None:
    kiosk = live_server.tokens["kiosk"]
    for code in "ABA":
        assert post(live_server, "/tickets", kiosk, {"service": code})[0] == 201
    assert post(live_server, "/counters/1/next", live_server.tokens["counter1"])[0] == 200
    before = json.loads(urllib.request.urlopen(f"{live_server.api}/health").read())
    url = postgres_cluster.create_database()
    refused = run_cli(live_server, "migrate", "--to", url)
    assert refused.returncode == 2 and "stop it" in refused.stderr
    live_server.stop()
    copied = run_cli(live_server, "migrate", "--to", url)
    assert copied.returncode == 0, copied.stderr
    assert "copied 3 tickets, 4 events" in copied.stdout
    again = run_cli(live_server, "migrate", "--to", url)
    assert again.returncode == 2 and "not empty" in again.stderr
    # the same office on PostgreSQL: same record, same tokens, the numbering goes on
    live_server.database = url
    live_server.start()
    health = json.loads(urllib.request.urlopen(f"{live_server.api}/health").read())
    assert (health["log_id"], health["last_event_id"]) == (before["log_id"], 4)
    assert stored_numbers(live_server) == ["A001", "B001", "A002"]
    status, ticket = post(live_server, "/tickets", kiosk, {"service": "A"})
    assert (status, ticket["number"]) == (201, "A003")
    status, called = post(live_server, "/counters/1/next", live_server.tokens["counter1"])
    assert (status, called["number"]) == (200, "A002")
