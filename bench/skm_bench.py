"""SKM benchmark: the time of a year's SKM report (IKM, per service, suggestions).

    python bench/skm_bench.py [--database sqlite|postgresql|both] [--answers 20000] [--runs 5]

Fills a fresh database (SQLite in a temp dir; PostgreSQL in a throwaway cluster) with a
year of served visits and about `--answers` survey answers (`tests/support/survey_data.py`,
seeded), then times `build_skm_report` for the whole year, the whole year of one service
and one month: the queries the API and the exports run. Prints min and median of `--runs`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from server.config import parse_config
from server.storage import open_store
from server.survey import build_skm_report
from tests.support.postgres import Cluster, find_bin_dir
from tests.support.survey_data import fill_survey_year

YEAR = 2026


def run(database_url: str | None, data_dir: Path, answers: int, runs: int) -> None:
    config = parse_config({})
    if database_url is not None:
        config = replace(config, server=replace(config.server, database=database_url))
    store = open_store(config, data_dir)
    assert store.acquire(), "the fresh database is held by another server"
    started = time.perf_counter()
    filled = fill_survey_year(store, YEAR, answers)
    print(
        f"  filled: {filled.visits} visits, {filled.answers} answers "
        f"in {time.perf_counter() - started:.1f} s"
    )
    store = open_store(config, data_dir)
    store.open_existing()
    try:
        cases = {
            "year, all services": (filled.first, filled.last, None),
            "year, service B": (filled.first, filled.last, "B"),
            "one month (June)": (date(YEAR, 6, 1), date(YEAR, 6, 30), None),
        }
        for name, (first, last, service) in cases.items():
            times = []
            for _ in range(runs):
                begun = time.perf_counter()
                report = build_skm_report(store, first, last, service)
                times.append((time.perf_counter() - begun) * 1000)
            index = report.index
            print(
                f"  {name}: {index.respondents} respondents, IKM {index.ikm} {index.grade}, "
                f"{len(report.suggestions)} suggestions; min {min(times):.1f} ms, "
                f"median {statistics.median(times):.1f} ms"
            )
    finally:
        store.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--answers", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    arguments = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="antrian-skm-bench-") as directory:
        if arguments.database in ("sqlite", "both"):
            print("database: SQLite, WAL, synchronous=FULL")
            run(None, Path(directory) / "sqlite", arguments.answers, arguments.runs)
        if arguments.database in ("postgresql", "both"):
            bin_dir = find_bin_dir()
            if bin_dir is None:
                print("PostgreSQL is not installed (install.sh --dev installs it)", file=sys.stderr)
                return 2
            cluster = Cluster(bin_dir).start()
            try:
                print(f"database: PostgreSQL {bin_dir.parent.name}")
                run(cluster.create_database(), Path(directory) / "pg", arguments.answers,
                    arguments.runs)  # fmt: skip
            finally:
                cluster.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
