"""PostgreSQL with a streaming replica: the primary is killed under load, the replica promoted
(`pg_promote()`, scripted), and the Antrian server goes on with the new primary through its
libpq multi-host URL (`target_session_attrs=read-write`). With synchronous replication every
acknowledged ticket is on the new primary.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

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
