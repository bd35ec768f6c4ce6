"""Failover benchmark: takeover time, client recovery, tickets/s with a synchronous replica.

    python bench/failover_bench.py [--runs 10] [--tickets 6000] [--clients 50]

Starts a PostgreSQL primary with a streaming replica (synchronous_standby_names: every
COMMIT waits until the replica has it) in temp dirs, then:
1. ``--runs`` times: two real server processes on one database, kiosks issuing; `kill -9`
   of the active one; the time until the standby issues its first ticket (takeover), and
   until a client given both addresses (`client.discovery.find_server`, which a kiosk's or
   display's ServerLink calls when it looks again) has a ticket from the new server.
2. Tickets/s from ``--clients`` concurrent kiosks on one server with the synchronous
   replica: every acknowledged ticket is on two PCs' disks.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.server_bench import issue_load, report_issue
from client.discovery import find_server
from tests.support.live_server import LiveServer
from tests.support.postgres import Cluster, Replica, find_bin_dir, multi_host_url

TAKEOVER_TARGET_S = 5.0
CLIENTS_TARGET_S = 7.0
SYNC_TARGET_PER_S = 1500


def issue(server: LiveServer, timeout: float = 2.0) -> bool:
    request = urllib.request.Request(
        f"{server.api}/tickets", data=json.dumps({"service": "A"}).encode(),
        headers={"Authorization": f"Bearer {server.tokens['kiosk']}"},
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return bool(answer.status == 201)
    except (urllib.error.URLError, OSError):
        return False


def kiosks(servers: list[LiveServer], stop: threading.Event) -> None:
    """Background load: a kiosk issuing on whichever server answers."""
    while not stop.is_set():
        if not any(issue(server, 1.0) for server in servers if server.port):
            time.sleep(0.05)


def one_takeover(directory: Path, url: str) -> tuple[float, float]:
    """(kill -> first ticket from the standby, kill -> a client found the new server)."""
    first = LiveServer(directory / "pc1", name="pc1", database=url).start()
    second = LiveServer(directory / "pc2", name="pc2", database=url)
    second.tokens = first.tokens
    second.start()
    stop = threading.Event()
    load = threading.Thread(target=kiosks, args=([first, second], stop))
    load.start()
    try:
        time.sleep(1.0)
        dead_url = first.url
        killed = time.monotonic()
        first.kill()
        first.port = 0

        async def client_finds() -> float:
            while True:
                address = await find_server(3.0, [dead_url, second.url], use_zeroconf=False)
                if address.url == second.url and issue(second, 1.0):
                    return time.monotonic() - killed
                await asyncio.sleep(0.05)

        results: list[float] = []
        found = threading.Thread(target=lambda: results.append(asyncio.run(client_finds())))
        found.start()
        while not issue(second, 1.0):
            if time.monotonic() - killed > 30:
                raise RuntimeError("the standby did not take over within 30 s")
            time.sleep(0.02)
        takeover = time.monotonic() - killed
        found.join(30)
        return takeover, results[0] if results else float("nan")
    finally:
        stop.set()
        load.join(10)
        second.stop()
        first.kill()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--tickets", type=int, default=6000)
    parser.add_argument("--clients", type=int, default=50)
    arguments = parser.parse_args()
    bin_dir = find_bin_dir()
    if bin_dir is None:
        print("PostgreSQL is not installed (install.sh --dev installs it)")
        return 1
    primary = Cluster(bin_dir, replicating=True).start()
    replica: Replica | None = None
    try:
        import psycopg

        replica = Replica(primary).start()
        while not replica.caught_up():
            time.sleep(0.1)
        primary.require_synchronous(replica.name)
        takeovers: list[float] = []
        recoveries: list[float] = []
        with tempfile.TemporaryDirectory(prefix="antrian-failover-") as scratch:
            for run in range(arguments.runs):
                name = f"failover{run}"
                with psycopg.connect(primary.url(), autocommit=True) as connection:
                    connection.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
                url = multi_host_url(name, primary, replica)
                takeover, recovered = one_takeover(Path(scratch) / name, url)
                takeovers.append(takeover)
                recoveries.append(recovered)
                print(f"  run {run + 1}: takeover {takeover:.2f} s, client back {recovered:.2f} s")
            print(
                f"takeover (kill -9 -> first ticket from the new server), {arguments.runs} runs: "
                f"p50 {statistics.median(takeovers):.2f} s, max {max(takeovers):.2f} s "
                f"(target < {TAKEOVER_TARGET_S:g} s)"
            )
            print(
                f"client back (kill -9 -> a client with both addresses issues on the new "
                f"server): p50 {statistics.median(recoveries):.2f} s, max {max(recoveries):.2f} s "
                f"(target < {CLIENTS_TARGET_S:g} s)"
            )
            with psycopg.connect(primary.url(), autocommit=True) as connection:
                connection.execute('CREATE DATABASE "throughput" TEMPLATE template0')
            server = LiveServer(
                Path(scratch) / "throughput", name="throughput",
                database=multi_host_url("throughput", primary, replica),
            ).start()  # fmt: skip
            try:
                latencies, elapsed = asyncio.run(
                    issue_load(
                        server.api, server.tokens["kiosk"], arguments.tickets, arguments.clients,
                        None,
                    )
                )  # fmt: skip
            finally:
                server.stop()
            print(f"issue with a synchronous replica, {arguments.clients} concurrent kiosks:")
            report_issue("  as fast as possible", latencies, elapsed)
            print(f"  (target ≥ {SYNC_TARGET_PER_S:,} durable tickets/s)")
    finally:
        if replica is not None:
            replica.stop()
        primary.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
