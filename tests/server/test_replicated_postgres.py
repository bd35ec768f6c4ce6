"""PostgreSQL with a streaming replica: the primary is killed under load, the replica promoted
(`pg_promote()`, scripted), and the Antrian server goes on with the new primary through its
libpq multi-host URL (`target_session_attrs=read-write`). With synchronous replication every
acknowledged ticket is on the new primary.
"""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.server.test_takeover import Hall, assert_record_is_whole, first_ticket_from, wait_for
from tests.support.live_server import LiveServer
from tests.support.postgres import Cluster, Replica, find_bin_dir, multi_host_url

pytestmark = pytest.mark.slow
GO_ON_LIMIT_S = 10.0


@pytest.fixture
def replicated() -> Iterator[tuple[Cluster, Replica]]:
    bin_dir = find_bin_dir()
    if bin_dir is None:
        pytest.skip("PostgreSQL is not installed here (install.sh --dev installs it)")
    primary = Cluster(bin_dir, replicating=True).start()
    replica: Replica | None = None
    try:
        import psycopg

        with psycopg.connect(primary.url(), autocommit=True) as connection:
            connection.execute("CREATE DATABASE antrian TEMPLATE template0")
        replica = Replica(primary).start()
        deadline = time.monotonic() + 20
        while not replica.caught_up():
            assert time.monotonic() < deadline, "the replica does not stream"
            time.sleep(0.1)
        yield primary, replica
    finally:
        if replica is not None:
            replica.stop()
        primary.stop()


def test_the_primary_killed_under_load_the_replica_promoted_nothing_acknowledged_is_lost(
    tmp_path: Path, replicated: tuple[Cluster, Replica]
) -> None:
    primary, replica = replicated
    primary.require_synchronous(replica.name)  # every COMMIT waits for the replica
    url = multi_host_url("antrian", primary, replica)
    server = LiveServer(tmp_path / "pc1", name="pc1", database=url).start()
    hall = Hall([server], server.tokens)
    try:
        with hall.running():
            wait_for(lambda: len(hall.issued) >= 150, timeout=30)
            killed = time.monotonic()
            primary.kill()  # the database PC loses its power
            acknowledged_before = len(hall.issued)
            replica.promote()  # what the failover script (or Patroni) does
            promoted_s = time.monotonic() - killed
            go_on_s = first_ticket_from(server, hall, killed, limit_s=GO_ON_LIMIT_S)
            wait_for(lambda: len(hall.issued) >= acknowledged_before + 100, timeout=30)
        print(
            f"primary killed: replica promoted after {promoted_s:.2f} s, "
            f"first ticket from the new primary after {go_on_s:.2f} s"
        )
        assert go_on_s < GO_ON_LIMIT_S
        assert_record_is_whole(server, hall)  # read through the URL: the new primary
        stored = server.stored.rows("SELECT count(*) FROM tickets")[0][0]
        assert stored >= len(hall.issued)
    finally:
        server.stop()


def get(url: str, token: str | None = None) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=5) as answer:
        document: dict[str, Any] = json.loads(answer.read())
        return document


def test_dashboard_and_doctor_show_the_active_server_its_standby_and_the_replicas_lag(
    tmp_path: Path, replicated: tuple[Cluster, Replica], capsys: pytest.CaptureFixture[str]
) -> None:
    from launcher.doctor import doctor

    primary, replica = replicated
    primary.require_synchronous(replica.name)
    url = multi_host_url("antrian", primary, replica)
    first = LiveServer(tmp_path / "pc1", name="pc1", database=url).start()
    second = LiveServer(tmp_path / "pc2", name="pc2", database=url)
    second.tokens = first.tokens
    config = tmp_path / "antrian.toml"
    config.write_text(
        f'[display]\nserver = "{first.url}"\ndiscovery = false\n'
        f'token = "{first.tokens["display"]}"\n'
    )
    try:
        # alone: no standby yet, said so
        wait_for(lambda: get(f"{first.api}/health").get("ha") is not None, timeout=10)
        alone = get(f"{first.api}/health")["ha"]
        assert alone["standbys"] == [] and "no_standby" in alone["warnings"]
        second.start()
        wait_for(lambda: get(f"{first.api}/health")["ha"]["standbys"], timeout=10)
        ha = get(f"{first.api}/health")["ha"]
        assert ha["active"]["url"] == first.url
        assert len(ha["standbys"]) == 1 and ha["standbys"][0].endswith(
            f"pid {second.process.pid}" if second.process else ""
        )
        assert [(r["name"], r["state"], r["sync"]) for r in ha["replicas"]] == [
            (replica.name, "streaming", "sync")
        ]
        assert ha["replicas"][0]["lag_bytes"] >= 0 and ha["warnings"] == []
        view = get(f"{first.api}/admin/dashboard", first.tokens["admin"])["servers"]
        assert view["title"] == "Server dan basis data"
        assert view["warnings"] == []
        assert view["lines"][0].startswith(f"Server aktif: {ha['active']['server']} ({first.url})")
        assert view["lines"][1] == f"Server cadangan: {ha['standbys'][0]}"
        assert view["lines"][2].startswith(
            f"Replika {replica.name}: streaming, sinkron, tertinggal"
        )
        capsys.readouterr()
        doctor(str(config), "id", discovery_timeout_s=0.5)
        said = capsys.readouterr().out
        assert f"[ OK ] Server aktif basis data: {ha['active']['server']} ({first.url})" in said
        assert f"[ OK ] Server cadangan siap mengambil alih: {ha['standbys'][0]}" in said
        assert f"[ OK ] Replika {replica.name}: streaming, sync, tertinggal" in said
        second.stop()
        wait_for(lambda: not get(f"{first.api}/health")["ha"]["standbys"], timeout=10)
        capsys.readouterr()
        doctor(str(config), "id", discovery_timeout_s=0.5)
        assert "[ !! ] Tidak ada server cadangan di basis data ini" in capsys.readouterr().out
    finally:
        second.stop()
        first.stop()
