"""One slow smoke test: Patroni and etcd fail the database over by themselves, Antrian goes on."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.server.test_takeover import Hall, assert_record_is_whole, first_ticket_from, wait_for
from tests.support.live_server import LiveServer
from tests.support.patroni import PatroniCluster, patroni_available

pytestmark = [
    pytest.mark.slow,
    pytest.mark.serial,  # Patroni's timings (ttl 10 s) miss under a second test worker's load
    pytest.mark.skipif(
        not patroni_available(),
        reason="patroni, etcd or PostgreSQL is not installed (install.sh --dev installs them)",
    ),
]
FAILOVER_LIMIT_S = 30.0  # ttl 10 s + loop_wait 1 s + promotion, on two busy cores


@pytest.fixture
def patroni() -> Iterator[PatroniCluster]:
    cluster = PatroniCluster(synchronous=True)
    try:
        yield cluster.start()
    finally:
        cluster.stop()


def test_patroni_fails_the_database_over_by_itself_and_antrian_goes_on(
    tmp_path: Path, patroni: PatroniCluster
) -> None:
    import psycopg

    leader = patroni.primary()
    assert leader is not None
    with psycopg.connect(patroni.url("postgres"), autocommit=True) as connection:
        connection.execute("CREATE DATABASE antrian TEMPLATE template0")
    server = LiveServer(tmp_path / "pc1", name="pc1", database=patroni.url("antrian")).start()
    hall = Hall([server], server.tokens)
    try:
        with hall.running():
            wait_for(lambda: len(hall.issued) >= 50, timeout=30)
            killed = time.monotonic()
            leader.kill()  # the database PC dies: nobody promotes by hand
            go_on_s = first_ticket_from(server, hall, killed, limit_s=FAILOVER_LIMIT_S)
            issued = len(hall.issued)
            wait_for(lambda: len(hall.issued) >= issued + 50, timeout=30)
        other = next(node for node in patroni.nodes if node is not leader)
        print(f"Patroni failover: first ticket on {other.name} {go_on_s:.2f} s after the kill")
        assert other.role() == "primary"
        assert go_on_s < FAILOVER_LIMIT_S
        # synchronous_mode: every acknowledged commit was on the replica Patroni promoted
        assert_record_is_whole(server, hall)
    finally:
        server.stop()
